"""Submission use cases: render a task's artifacts, and submit a ready task to PanDA exactly once.

``submit_task`` loads the state, refuses unless the task is ``ready``, holds no PanDA task id and
its approval matches the payload it would send (the hash is recomputed; a dry run checks the
same), builds the JEDI ``taskParamMap`` and first writes a ``submission-intent`` history entry
(nothing is sent when that write fails). Then it calls PanDA through the :class:`PandaPort` and
records a new ``jediTaskID`` (try N, status ``submitted``) only for ``succeeded. new
jediTaskID=<N>``. A reactivation of an old task, a banned DN and every other definite answer are
written as ``submission-refused`` and do not block.

PanDA has no duplicate check for production tasks at insert time, and a transport failure may
hide a task the server did create (see panda-client.md), so an intent without an outcome is
reconciled first: the next submit (or ``pcs task reconcile``) looks the taskName up in PanDA and
records what it has; it sends again only when PanDA provably has no such task and the operator
confirmed it. When PanDA accepted the task but recording failed, :class:`SubmissionNotRecorded`
(exit code 2) carries the id.
"""

from __future__ import annotations

import contextlib
import json
from dataclasses import dataclass, replace
from typing import Any

from pcs_gitops.domain.artifacts import ARTIFACT_FORMATS as ARTIFACT_FORMATS
from pcs_gitops.domain.artifacts import build_artifact, build_jedi
from pcs_gitops.domain.model import ProdTask, TaskStatus
from pcs_gitops.domain.payload import payload_sha256
from pcs_gitops.domain.state import State
from pcs_gitops.errors import (
    Conflict,
    InvalidPayload,
    InvalidTransition,
    PcsError,
    RecordingFailed,
    SubmissionError,
    UsageError,
)
from pcs_gitops.services.approval import payload_refusal, require_approved_payload
from pcs_gitops.services.panda_port import (
    NewTask,
    OutcomeUnknown,
    PandaPort,
    Reactivated,
    Refused,
)
from pcs_gitops.services.panda_replies import classify_insert_reply
from pcs_gitops.services.ports import Actor, UnitFactory
from pcs_gitops.services.reconcile import (
    DEFAULT_GRACE_SECONDS,
    RECORDED,
    ReconcileOutcome,
    reconcile_task,
)
from pcs_gitops.services.submission_history import INTENT as INTENT
from pcs_gitops.services.submission_history import REFUSED as REFUSED
from pcs_gitops.services.submission_history import UNKNOWN, write_history
from pcs_gitops.services.submission_history import pending_intent as pending_intent
from pcs_gitops.services.tasks import record_submission, resolve_task
from pcs_gitops.services.unit_of_work import CommitResult, UnitOfWork


class SubmissionNotRecorded(RecordingFailed):
    """PanDA created the task but the state could not record it; the id must not be lost."""

    def __init__(self, message: str, jedi_task_id: int, task_name: str) -> None:
        super().__init__(message)
        self.jedi_task_id = jedi_task_id
        self.task_name = task_name


@dataclass(frozen=True)
class SubmissionOutcome:
    task: ProdTask
    params: dict[str, Any]
    dry_run: bool
    jedi_task_id: int | None = None
    commit: CommitResult | None = None
    reconciled: bool = False  # found in PanDA by name and recorded; nothing was sent

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.task.name,
            "dry_run": self.dry_run,
            "reconciled": self.reconciled,
            "jedi_task_id": self.jedi_task_id,
            "task_name": self.params.get("taskName"),
            "attempt": self.task.attempts[-1].to_dict()
            if self.jedi_task_id is not None and self.task.attempts
            else None,
            "params": self.params,
            "commit": self.commit.to_dict() if self.commit is not None else None,
        }


def render_artifact(state: State, name: str, fmt: str) -> str:
    """One artifact as text: JSON ones pretty-printed (indent 2, key order kept), newline-ended."""
    if fmt not in ARTIFACT_FORMATS:
        raise UsageError(f"unknown format '{fmt}'; choose from {', '.join(ARTIFACT_FORMATS)}")
    task = resolve_task(state, name)
    refusal = payload_refusal(state, task, for_submission=False) if fmt == "jedi" else None
    if refusal:
        raise InvalidPayload(refusal)
    artifact = build_artifact(state, task, fmt)
    if isinstance(artifact, str):
        return artifact if artifact.endswith("\n") else artifact + "\n"
    return to_json(artifact)


def artifact_payload(state: State, name: str, fmt: str) -> dict[str, Any]:
    """``{name, fmt, text}`` (text exactly as ``pcs task artifact`` prints it) and, for the JSON
    formats, ``artifact``: the same document as an object."""
    text = render_artifact(state, name, fmt)
    task = resolve_task(state, name)
    out: dict[str, Any] = {"name": task.name, "fmt": fmt, "text": text}
    if fmt in ("jedi", "dump"):
        out["artifact"] = build_artifact(state, task, fmt)
    return out


def to_json(data: dict[str, Any]) -> str:
    """JSON as the artifacts print it: indent 2, key order kept, UTF-8, trailing newline."""
    return json.dumps(data, indent=2, sort_keys=False, ensure_ascii=False) + "\n"


_LOOK_UP = (
    "Run 'pcs task reconcile {name}': it looks '{sent}' up in PanDA and records what PanDA has "
    "(a plain submit does the same first)"
)


def check_submittable(task: ProdTask) -> None:
    """Refuse a task that is already submitted, not ready, or whose last submission has an
    unknown outcome, or that was withdrawn (the messages say what to do)."""
    if task.withdrawn is not None:
        raise InvalidTransition(
            f"task '{task.name}' was {task.withdrawn.describe()}. A withdrawn request is never "
            f"submitted; a production manager may reinstate it ('pcs task reinstate {task.name}')"
        )
    if task.panda_task_id is not None:
        last = task.attempts[-1] if task.attempts else None
        detail = f" (try {last.try_number}, {last.task_name})" if last is not None else ""
        raise Conflict(
            f"task '{task.name}' already records PanDA task {task.panda_task_id}{detail}; "
            "a task is submitted once and nothing was sent to PanDA"
        )
    if task.status is not TaskStatus.READY:
        raise InvalidTransition(
            f"task '{task.name}' is {task.status.value}; only a ready task can be submitted. "
            f"See 'pcs task readiness {task.name}', then 'pcs task approve {task.name}' (a "
            "production manager)"
        )
    intent = pending_intent(task)
    if intent is not None:
        sent = intent.detail.get("task_name", "?")
        raise Conflict(
            f"the last submission of task '{task.name}' ({sent}, {intent.at} by {intent.by}) has "
            "an unknown outcome: PanDA may have created it, and it does not refuse a duplicate "
            f"production task. {_LOOK_UP.format(sent=sent, name=task.name)}. Nothing was sent"
        )


def submit_task(
    uow_factory: UnitFactory,
    submitter: PandaPort | None,
    name: str,
    actor: Actor,
    *,
    dry_run: bool = False,
    confirmed_not_in_panda: bool = False,
    grace_seconds: float = DEFAULT_GRACE_SECONDS,
) -> SubmissionOutcome:
    """Submit a ready task to PanDA once and record the jediTaskID (see the module docstring)."""
    if not dry_run and submitter is not None:
        found = _reconcile_first(
            uow_factory, submitter, name, actor, confirmed_not_in_panda, grace_seconds
        )
        if found is not None:
            return found
    with uow_factory() as uow:
        state = uow.state
        task = resolve_task(state, name)
        check_submittable(task)
        require_approved_payload(state, task)
        params = build_jedi(state, task)
        if dry_run:
            return SubmissionOutcome(task, params, dry_run=True)
        if submitter is None:
            raise SubmissionError("no PanDA submitter is configured; nothing was sent")
        submitter.prepare()
        sent_name = str(params["taskName"])
        _write_intent(uow, task, actor, params)
        new_id = _send(uow, submitter, task.name, actor, params)
        try:
            updated = record_submission(state, task.name, new_id, actor, uow.clock.now())
            updated = _align_attempt(state, updated, sent_name, payload_sha256(params))
            result = uow.commit(f"Submit {task.name} to PanDA: jediTaskID {new_id}")
        except Exception as exc:
            raise SubmissionNotRecorded(
                f"PanDA accepted task '{task.name}' as jediTaskID={new_id} "
                f"({sent_name}), but recording it failed: {exc}\n"
                f"Do not submit again; record it with: pcs task reconcile {task.name} (or "
                f"pcs task record-submission {task.name} --panda-task-id {new_id})",
                new_id,
                sent_name,
            ) from exc
    return SubmissionOutcome(updated, params, dry_run=False, jedi_task_id=new_id, commit=result)


def _reconcile_first(
    uow_factory: UnitFactory,
    panda: PandaPort,
    name: str,
    actor: Actor,
    confirmed: bool,
    grace_seconds: float,
) -> SubmissionOutcome | None:
    """Settle a pending submission before sending anything: the outcome when PanDA has the
    task (recorded), None when the task may be sent; Conflict when it must not be yet."""
    outcome: ReconcileOutcome = reconcile_task(
        uow_factory, panda, name, actor, confirm_not_in_panda=confirmed, grace_seconds=grace_seconds
    )
    if outcome.result == RECORDED:
        return SubmissionOutcome(
            outcome.task,
            {"taskName": outcome.task_name},
            dry_run=False,
            jedi_task_id=outcome.jedi_task_id,
            commit=outcome.commit,
            reconciled=True,
        )
    if not outcome.may_submit:
        raise Conflict(f"{outcome.message}. Nothing was sent")
    return None


def _write_intent(uow: UnitOfWork, task: ProdTask, actor: Actor, params: dict[str, Any]) -> None:
    detail = {
        "task_name": str(params["taskName"]),
        "user_name": str(params.get("userName") or ""),
        "prod_source_label": str(params.get("prodSourceLabel") or ""),
        "payload_sha256": payload_sha256(params),
    }
    try:
        write_history(uow, task.name, actor, INTENT, detail)
    except Exception as exc:
        raise SubmissionError(
            f"cannot write the submission intent of task '{task.name}' "
            f"({type(exc).__name__}: {exc}); nothing was sent to PanDA"
        ) from exc


def _send(
    uow: UnitOfWork, submitter: PandaPort, name: str, actor: Actor, params: dict[str, Any]
) -> int:
    """Call PanDA once; the new jediTaskID, or an error after writing what PanDA said."""
    sent = str(params["taskName"])
    try:
        outcome = classify_insert_reply(submitter.insert_task_params(params))
    except OutcomeUnknown as exc:
        _note_unknown(uow, name, actor, str(exc))
        raise OutcomeUnknown(f"{exc}. {_LOOK_UP.format(sent=sent, name=name)}") from exc
    except PcsError as exc:
        write_history(uow, name, actor, REFUSED, {"message": str(exc)[:2000]})
        raise
    except Exception as exc:
        _note_unknown(uow, name, actor, f"{type(exc).__name__}: {exc}")
        raise OutcomeUnknown(
            f"the PanDA call for task '{name}' failed ({type(exc).__name__}: {exc}); "
            f"PanDA may have created it anyway. {_LOOK_UP.format(sent=sent, name=name)}"
        ) from exc
    if isinstance(outcome, NewTask):
        return outcome.jedi_task_id
    write_history(uow, name, actor, REFUSED, _refusal_detail(outcome))
    raise SubmissionError(_refusal_text(name, outcome))


def _note_unknown(uow: UnitOfWork, name: str, actor: Actor, error: str) -> None:
    """Write what went wrong next to the pending intent. Best effort: the intent alone already
    blocks a blind resubmit, and the caller is about to report the error anyway."""
    with contextlib.suppress(Exception):
        write_history(uow, name, actor, UNKNOWN, {"error": error[:2000]})


def _refusal_detail(outcome: Reactivated | Refused) -> dict[str, Any]:
    if isinstance(outcome, Reactivated):
        return {
            "reason": "reactivation",
            "existing_jedi_task_id": outcome.jedi_task_id,
            "message": outcome.message[:2000],
        }
    detail: dict[str, Any] = {
        "reason": outcome.kind,
        "code": outcome.code,
        "message": outcome.message[:2000],
    }
    if outcome.existing_task is not None:
        detail["existing_jedi_task_id"] = outcome.existing_task
    return detail


def _refusal_text(name: str, outcome: Reactivated | Refused) -> str:
    said = outcome.message.strip()
    if isinstance(outcome, Reactivated):
        return (
            f"PanDA re-executed its existing task {outcome.jedi_task_id} instead of creating "
            f"one for '{name}' ({said}); nothing was recorded. PanDA does this only for "
            "analysis tasks: check that the submission has the production role "
            "(PANDA_AUTH_VO=EIC.production)"
        )
    if outcome.kind == "banned-dn":
        return (
            f"PanDA did not accept the submitter of '{name}': {said}; nothing was created or "
            "recorded. Ask the PanDA administrators to register (or unban) this identity"
        )
    if outcome.kind == "duplicate":
        return (
            f"PanDA refused '{name}' as a duplicate (code {outcome.code}): {said}; task "
            f"{outcome.existing_task} is not recorded as this submission"
        )
    if outcome.kind == "invalid-request":
        return (
            f"PanDA rejected the request for '{name}': {said} (check the client setup: "
            "PANDA_URL_SSL and the credentials)"
        )
    return f"PanDA refused task '{name}' (code {outcome.code}): {said}"


def _align_attempt(state: State, task: ProdTask, sent_name: str, payload: str) -> ProdTask:
    """Make the recorded attempt carry the taskName PanDA received and the payload's hash."""
    last = task.attempts[-1]
    attempt = replace(last, task_name=sent_name, payload_sha256=payload)
    if attempt == last:
        return task
    updated = replace(task, attempts=(*task.attempts[:-1], attempt))
    state.put_task(updated)
    return updated
