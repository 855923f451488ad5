"""Submission use cases: render a task's artifacts, and submit a ready task to PanDA exactly once.

``submit_task`` loads the state, refuses unless the task is ``ready`` and holds no PanDA task id,
builds the JEDI ``taskParamMap``, calls PanDA through the :class:`PandaSubmitter` port, reads
the new ``jediTaskID`` from the reply, and records it (try N, status ``submitted``) in the same
unit of work. When PanDA accepted the task but recording failed, it raises
:class:`SubmissionNotRecorded` (exit code 2) carrying the id, so the caller can print it and the
operator can record it with ``pcs task record-submission``.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

from pcs_gitops.domain.artifacts import ARTIFACT_FORMATS as ARTIFACT_FORMATS
from pcs_gitops.domain.artifacts import build_artifact, build_jedi
from pcs_gitops.domain.model import ProdTask, TaskStatus
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


def to_json(data: dict[str, Any]) -> str:
    """JSON as the artifacts print it: indent 2, key order kept, UTF-8, trailing newline."""
    return json.dumps(data, indent=2, sort_keys=False, ensure_ascii=False) + "\n"


def check_submittable(task: ProdTask) -> None:
    """Refuse a task that is already submitted or not ready (the messages say what to do)."""
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
) -> SubmissionOutcome:
    """Submit a ready task to PanDA once and record the jediTaskID (see the module docstring)."""
    with uow_factory() as uow:
        state = uow.state
        task = resolve_task(state, name)
        check_submittable(task)
        params = build_jedi(state, task)
        if dry_run:
            return SubmissionOutcome(task, params, dry_run=True)
        if submitter is None:
            raise SubmissionError("no PanDA submitter is configured; nothing was sent")
        try:
            reply = submitter.insert_task_params(params)
        except PcsError:
            raise
        except Exception as exc:
            raise OutcomeUnknown(
                f"the PanDA call for task '{task.name}' failed ({type(exc).__name__}: {exc}); "
                f"PanDA may have created it anyway: look up '{params['taskName']}' in PanDA "
                "before submitting again"
            ) from exc
        new_id = jedi_task_id(reply)
        try:
            updated = record_submission(state, task.name, new_id, actor, uow.clock.now())
            updated = _align_attempt_name(state, updated, str(params["taskName"]))
            result = uow.commit(f"Submit {task.name} to PanDA: jediTaskID {new_id}")
        except Exception as exc:
            raise SubmissionNotRecorded(
                f"PanDA accepted task '{task.name}' as jediTaskID={new_id} "
                f"({params['taskName']}), but recording it failed: {exc}\n"
                f"Do not submit again; record it with: pcs task record-submission {task.name} "
                f"--panda-task-id {new_id}",
                new_id,
                str(params["taskName"]),
            ) from exc
    return SubmissionOutcome(updated, params, dry_run=False, jedi_task_id=new_id, commit=result)
