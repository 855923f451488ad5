"""Retry a failed task in PanDA: the same jediTaskID runs its unfinished inputs again.

``retry_task`` accepts a ``failed`` task whose PanDA status is retryable (``finished``,
``failed``, ``exhausted``) and whose payload is the one that was submitted. It calls PanDA's
``retryTask`` with no new parameters (new parameters would make PanDA insert a NEW production
task) and records the answer: accepted, the task is ``submitted`` again with a new attempt of
kind ``retry`` (same jediTaskID and taskName); refused, a ``retry-refused`` history entry. A
changed payload needs re-approval and a new submission instead. When PanDA already runs the
task again (a retry whose answer was lost), the retry is recorded without a second call.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any, Protocol

from pcs_gitops.domain.artifacts import build_jedi
from pcs_gitops.domain.model import Attempt, AttemptKind, HistoryEntry, ProdTask, TaskStatus
from pcs_gitops.domain.panda_status import (
    COMPLETED_STATES,
    FAILED_STATES,
    RETRY_PENDING,
    RETRYABLE_STATES,
)
from pcs_gitops.domain.payload import payload_sha256
from pcs_gitops.domain.state import State
from pcs_gitops.errors import Conflict, InvalidTransition, RecordNotFound, SubmissionError
from pcs_gitops.services.panda_observations import progress_from
from pcs_gitops.services.panda_port import (
    OutcomeUnknown,
    PandaReader,
    PandaRetrier,
    PandaTask,
    RetryReply,
)
from pcs_gitops.services.ports import Actor, UnitFactory
from pcs_gitops.services.tasks import resolve_task
from pcs_gitops.services.unit_of_work import CommitResult

RETRY_ACTION = "retry"
RETRY_REFUSED = "retry-refused"


class PandaRetryPort(PandaReader, PandaRetrier, Protocol):
    """What a retry needs: read the task, then ask for the retry."""


@dataclass(frozen=True)
class RetryOutcome:
    task: ProdTask
    jedi_task_id: int
    message: str  # what PanDA said
    commit: CommitResult | None = None
    already_running: bool = False  # PanDA had taken the retry before; nothing was sent

    def to_dict(self) -> dict[str, Any]:
        last = self.task.attempts[-1]
        return {
            "name": self.task.name,
            "jedi_task_id": self.jedi_task_id,
            "status": self.task.status.value,
            "attempt": last.to_dict(),
            "panda_message": self.message,
            "already_running": self.already_running,
            "commit": self.commit.to_dict() if self.commit is not None else None,
        }


def retry_task(
    uow_factory: UnitFactory,
    panda: PandaRetryPort,
    name: str,
    actor: Actor,
) -> RetryOutcome:
    """Ask PanDA to retry a failed task and record the new attempt (see the module docstring)."""
    with uow_factory() as uow:
        state = uow.state
        task = resolve_task(state, name)
        jedi_id = _check_retryable(state, task)
        seen = _read(panda, task.name, jedi_id)
        if seen.status not in RETRYABLE_STATES:
            _refuse_unretryable(task, jedi_id, seen.status)
            updated = _reopen(state, task, seen, actor, uow.clock.now(), "PanDA runs it again")
            result = uow.commit(f"Retry {task.name}: PanDA already runs jediTaskID {jedi_id}")
            return RetryOutcome(updated, jedi_id, seen.status, result, already_running=True)
        reply = _ask(panda, task.name, jedi_id)
        now = uow.clock.now()
        if not reply.accepted:
            _refused(state, task, jedi_id, reply, actor, now)
            uow.commit(f"Retry of {task.name} refused by PanDA")
            raise SubmissionError(
                f"PanDA refused to retry jediTaskID {jedi_id} of task '{task.name}' "
                f"(code {reply.code}): {reply.message}; the task stays failed"
            )
        pending = replace(seen, status=RETRY_PENDING)
        updated = _reopen(state, task, pending, actor, now, reply.message)
        result = uow.commit(f"Retry {task.name} in PanDA: jediTaskID {jedi_id}")
    return RetryOutcome(updated, jedi_id, reply.message, result)


def _refuse_unretryable(task: ProdTask, jedi_id: int, panda_status: str) -> None:
    """Refuse when PanDA has the task in a final state it does not retry; return when PanDA
    runs it again already (a retry whose answer was lost, or one made outside pcs)."""
    if panda_status in COMPLETED_STATES:
        raise InvalidTransition(
            f"PanDA reports jediTaskID {jedi_id} of task '{task.name}' as {panda_status}; there "
            "is nothing to retry"
        )
    if panda_status in FAILED_STATES:
        raise InvalidTransition(
            f"PanDA does not retry jediTaskID {jedi_id} of task '{task.name}': it is "
            f"{panda_status}. A new submission (approved again) is needed instead"
        )


def _check_retryable(state: State, task: ProdTask) -> int:
    if task.status is not TaskStatus.FAILED or task.panda_task_id is None or not task.attempts:
        raise InvalidTransition(
            f"task '{task.name}' is {task.status.value}; only a failed task that PanDA ran can "
            "be retried"
        )
    submitted = task.submission_attempt()
    if submitted is not None and submitted.payload_sha256:
        current = payload_sha256(build_jedi(state, task, submitted.try_number))
        if current != submitted.payload_sha256:
            raise Conflict(
                f"the payload of task '{task.name}' changed since it was submitted as "
                f"jediTaskID {task.panda_task_id}; a PanDA retry would run the old one. "
                "Approve the task again and submit it anew"
            )
    return task.panda_task_id


def _read(panda: PandaReader, name: str, jedi_id: int) -> PandaTask:
    seen = panda.task_details(jedi_id)
    if seen is None:
        raise RecordNotFound(
            f"PanDA does not know jediTaskID {jedi_id} of task '{name}'; nothing was sent"
        )
    return seen


def _ask(panda: PandaRetrier, name: str, jedi_id: int) -> RetryReply:
    try:
        return panda.retry_task(jedi_id)
    except OutcomeUnknown as exc:
        raise OutcomeUnknown(
            f"{exc}. Run 'pcs task retry {name}' again: it records the retry without a second "
            "call when PanDA already runs the task"
        ) from exc


def _reopen(
    state: State, task: ProdTask, seen: PandaTask, actor: Actor, now: str, said: str
) -> ProdTask:
    last = task.attempts[-1]
    attempt = Attempt(
        try_number=last.try_number + 1,
        jedi_task_id=last.jedi_task_id,
        task_name=last.task_name,
        submitted_by=actor.login,
        submitted_at=now,
        kind=AttemptKind.RETRY,
        payload_sha256=last.payload_sha256,
    )
    detail = {
        "jedi_task_id": last.jedi_task_id,
        "try_number": attempt.try_number,
        "panda_status": seen.status,
        "message": said[:2000],
    }
    updated = replace(
        task,
        status=TaskStatus.SUBMITTED,
        attempts=(*task.attempts, attempt),
        panda=progress_from(seen, now),
    ).with_history(HistoryEntry(now, actor.login, actor.surface, RETRY_ACTION, detail))
    state.put_task(updated)
    return updated


def _refused(
    state: State, task: ProdTask, jedi_id: int, reply: RetryReply, actor: Actor, now: str
) -> None:
    detail = {"jedi_task_id": jedi_id, "code": reply.code, "message": reply.message[:2000]}
    state.put_task(
        task.with_history(HistoryEntry(now, actor.login, actor.surface, RETRY_REFUSED, detail))
    )
