"""Submission use cases: render a task's artifacts, and submit a ready task to PanDA exactly once.

``submit_task`` loads the state, refuses unless the task is ``ready`` and holds no PanDA task id,
builds the JEDI ``taskParamMap`` and first writes a ``submission-intent`` history entry (nothing
is sent when that write fails). Then it calls PanDA through the :class:`PandaSubmitter` port,
reads the new ``jediTaskID`` from the reply and records it (try N, status ``submitted``).

PanDA has no duplicate check for production tasks at insert time, and a transport failure may
hide a task the server did create (see panda-client.md), so an intent without an outcome blocks
the next submit until the operator has looked the task up: they record the id it got
(``pcs task record-submission``), or confirm it is not in PanDA (``--confirm-not-in-panda``). A
definite refusal is written as ``submission-refused`` and does not block. When PanDA accepted
the task but recording failed, :class:`SubmissionNotRecorded` (exit code 2) carries the id.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

from pcs_gitops.domain.artifacts import ARTIFACT_FORMATS as ARTIFACT_FORMATS
from pcs_gitops.domain.artifacts import build_artifact, build_jedi
from pcs_gitops.domain.model import HistoryEntry, ProdTask, TaskStatus
from pcs_gitops.domain.state import State
from pcs_gitops.errors import (
    Conflict,
    InvalidTransition,
    PcsError,
    RecordingFailed,
    SubmissionError,
    UsageError,
)
from pcs_gitops.services.panda_port import OutcomeUnknown, PandaSubmitter, jedi_task_id
from pcs_gitops.services.ports import Actor
from pcs_gitops.services.tasks import SUBMISSION_ACTION, record_submission, resolve_task
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

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.task.name,
            "dry_run": self.dry_run,
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
    artifact = build_artifact(state, resolve_task(state, name), fmt)
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


INTENT = "submission-intent"
REFUSED = "submission-refused"
_OUTCOMES = frozenset({SUBMISSION_ACTION, REFUSED})
_LOOK_UP = (
    "Look up '{sent}' in PanDA: if it is there, record it with 'pcs task record-submission "
    "{name} --panda-task-id N'; if it is not, submit again with --confirm-not-in-panda"
)


def pending_intent(task: ProdTask) -> HistoryEntry | None:
    """The latest submission intent that no outcome (recorded id, refusal) followed."""
    for entry in reversed(task.history):
        if entry.action in _OUTCOMES:
            return None
        if entry.action == INTENT:
            return entry
    return None


def check_submittable(task: ProdTask, *, confirmed_not_in_panda: bool = False) -> None:
    """Refuse a task that is already submitted, not ready, or whose last submission has an
    unknown outcome (the messages say what to do)."""
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
            f"See 'pcs task readiness {task.name}', then 'pcs task set-status {task.name} ready'"
        )
    intent = pending_intent(task)
    if intent is not None and not confirmed_not_in_panda:
        sent = intent.detail.get("task_name", "?")
        raise Conflict(
            f"the last submission of task '{task.name}' ({sent}, {intent.at} by {intent.by}) has "
            "an unknown outcome: PanDA may have created it, and it does not refuse a duplicate "
            f"production task. {_LOOK_UP.format(sent=sent, name=task.name)}. Nothing was sent"
        )


def _align_attempt_name(state: State, task: ProdTask, sent_name: str) -> ProdTask:
    """Make the recorded attempt carry the taskName PanDA actually received."""
    last = task.attempts[-1]
    if last.task_name == sent_name:
        return task
    updated = replace(task, attempts=(*task.attempts[:-1], replace(last, task_name=sent_name)))
    state.put_task(updated)
    return updated


def submit_task(
    uow_factory: Callable[[], UnitOfWork],
    submitter: PandaSubmitter | None,
    name: str,
    actor: Actor,
    *,
    dry_run: bool = False,
    confirmed_not_in_panda: bool = False,
) -> SubmissionOutcome:
    """Submit a ready task to PanDA once and record the jediTaskID (see the module docstring)."""
    with uow_factory() as uow:
        state = uow.state
        task = resolve_task(state, name)
        check_submittable(task, confirmed_not_in_panda=confirmed_not_in_panda)
        params = build_jedi(state, task)
        if dry_run:
            return SubmissionOutcome(task, params, dry_run=True)
        if submitter is None:
            raise SubmissionError("no PanDA submitter is configured; nothing was sent")
        submitter.prepare()
        sent_name = str(params["taskName"])
        try:
            _write_history(uow, task.name, actor, INTENT, {"task_name": sent_name})
        except Exception as exc:
            raise SubmissionError(
                f"cannot write the submission intent of task '{task.name}' "
                f"({type(exc).__name__}: {exc}); nothing was sent to PanDA"
            ) from exc
        try:
            reply = submitter.insert_task_params(params)
            new_id = jedi_task_id(reply)
        except OutcomeUnknown as exc:
            raise OutcomeUnknown(f"{exc}. {_unknown_next(sent_name, task.name)}") from exc
        except PcsError as exc:
            _write_history(uow, task.name, actor, REFUSED, {"message": str(exc)[:2000]})
            raise
        except Exception as exc:
            raise OutcomeUnknown(
                f"the PanDA call for task '{task.name}' failed ({type(exc).__name__}: {exc}); "
                f"PanDA may have created it anyway. {_unknown_next(sent_name, task.name)}"
            ) from exc
        try:
            updated = record_submission(state, task.name, new_id, actor, uow.clock.now())
            updated = _align_attempt_name(state, updated, sent_name)
            result = uow.commit(f"Submit {task.name} to PanDA: jediTaskID {new_id}")
        except Exception as exc:
            raise SubmissionNotRecorded(
                f"PanDA accepted task '{task.name}' as jediTaskID={new_id} "
                f"({sent_name}), but recording it failed: {exc}\n"
                f"Do not submit again; record it with: pcs task record-submission {task.name} "
                f"--panda-task-id {new_id}",
                new_id,
                sent_name,
            ) from exc
    return SubmissionOutcome(updated, params, dry_run=False, jedi_task_id=new_id, commit=result)


def _unknown_next(sent: str, name: str) -> str:
    return f"{_LOOK_UP.format(sent=sent, name=name)} (a plain submit is refused meanwhile)"


def _write_history(
    uow: UnitOfWork, name: str, actor: Actor, action: str, detail: dict[str, Any]
) -> None:
    """Append one history entry to the task and write it at once."""
    state = uow.state
    task = state.tasks[name]
    entry = HistoryEntry(uow.clock.now(), actor.login, actor.surface, action, detail)
    state.put_task(task.with_history(entry))
    uow.commit(f"{action.replace('-', ' ').capitalize()}: {name}")
