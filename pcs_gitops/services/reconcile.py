"""Reconcile a submission whose outcome is unknown: ask PanDA what it has, never guess.

After a transport failure, a timeout, an unreadable reply or a crash between the PanDA call and
the record, the task holds a ``submission-intent`` without an outcome. PanDA has no duplicate
check for production tasks, so a blind resubmit could run the request twice. Instead
:func:`reconcile_task` looks the intent's unique taskName up in PanDA:

- found: the jediTaskID is recorded (try N, ``submitted``) with what PanDA said; of several
  same-name tasks, the lowest one JEDI did not abort as a duplicate;
- not found while the intent is younger than the grace period: nothing changes (JEDI shows a
  new task by name only once its refiner has run);
- not found after the grace period: with the operator's confirmation the intent is closed as
  ``submission-not-in-panda`` and the task may be submitted again (under the same name, so a
  late first insert makes JEDI abort the second as a duplicate); without it, nothing changes.

A look-up that gets no answer (:class:`PandaUnreachable`) changes nothing either.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from pcs_gitops.domain.model import HistoryEntry, ProdTask
from pcs_gitops.errors import Conflict
from pcs_gitops.services.panda_observations import choose_original, progress_from, seconds_between
from pcs_gitops.services.panda_port import PandaReader, PandaTask, PandaUnreachable
from pcs_gitops.services.ports import Actor, UnitFactory
from pcs_gitops.services.submission_history import (
    NOT_IN_PANDA,
    RECONCILED,
    append_history,
    pending_intent,
)
from pcs_gitops.services.tasks import record_submission, resolve_task
from pcs_gitops.services.unit_of_work import CommitResult, UnitOfWork

DEFAULT_GRACE_SECONDS = 1800.0
RECORDED, NOT_FOUND, CLEARED, NOTHING_PENDING = (
    "recorded",
    "not-found",
    "cleared",
    "nothing-pending",
)


@dataclass(frozen=True)
class ReconcileOutcome:
    """What reconciling found: ``result`` is recorded, not-found, cleared or nothing-pending."""

    task: ProdTask
    result: str
    message: str
    task_name: str | None = None
    jedi_task_id: int | None = None
    found: tuple[PandaTask, ...] = ()
    commit: CommitResult | None = None

    @property
    def may_submit(self) -> bool:
        return self.result in (CLEARED, NOTHING_PENDING)

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.task.name,
            "result": self.result,
            "message": self.message,
            "task_name": self.task_name,
            "jedi_task_id": self.jedi_task_id,
            "found": [{"jedi_task_id": t.jedi_task_id, "status": t.status} for t in self.found],
            "status": self.task.status.value,
            "commit": self.commit.to_dict() if self.commit is not None else None,
        }


def reconcile_task(
    uow_factory: UnitFactory,
    panda: PandaReader,
    name: str,
    actor: Actor,
    *,
    confirm_not_in_panda: bool = False,
    grace_seconds: float = DEFAULT_GRACE_SECONDS,
) -> ReconcileOutcome:
    """Record what PanDA has for the task's pending submission (see the module docstring)."""
    with uow_factory() as uow:
        task = resolve_task(uow.state, name)
        intent = pending_intent(task)
        if intent is None:
            return ReconcileOutcome(task, NOTHING_PENDING, _nothing_pending(task))
        sent = str(intent.detail.get("task_name") or "")
        if not sent:
            raise Conflict(
                f"the pending submission of task '{task.name}' ({intent.at}) does not say which "
                "taskName was sent; look it up in PanDA and record it with 'pcs task "
                f"record-submission {task.name} --panda-task-id N'"
            )
        found = _look_up(panda, task.name, sent, intent)
        original = choose_original(found)
        if original is not None:
            updated = _record_found(uow, task, intent, original, found, actor)
            result = uow.commit(
                f"Reconcile {task.name}: PanDA has {sent} as jediTaskID {original.jedi_task_id}"
            )
            message = (
                f"PanDA has '{sent}' as jediTaskID {original.jedi_task_id} "
                f"({original.status}); recorded, nothing was sent"
            )
            return ReconcileOutcome(
                updated, RECORDED, message, sent, original.jedi_task_id, tuple(found), result
            )
        return _not_found(uow, task, intent, sent, actor, confirm_not_in_panda, grace_seconds)


def _look_up(panda: PandaReader, name: str, sent: str, intent: HistoryEntry) -> list[PandaTask]:
    """Same-name tasks owned by the ``userName`` that was sent, else by the caller: without the
    production role PanDA replaces the sent ``userName`` with the caller's identity."""
    owner = _text(intent.detail.get("user_name"))
    label = _text(intent.detail.get("prod_source_label"))
    try:
        found = panda.find_tasks_by_name(sent, user_name=owner, prod_source_label=label)
        if not found and owner is not None:
            found = panda.find_tasks_by_name(sent, prod_source_label=label)
        return found
    except PandaUnreachable as exc:
        raise PandaUnreachable(
            f"cannot reconcile task '{name}': {exc}. Nothing was recorded or sent; run "
            f"'pcs task reconcile {name}' again when PanDA answers"
        ) from exc


def _text(value: object) -> str | None:
    return str(value) if value else None


def _record_found(
    uow: UnitOfWork,
    task: ProdTask,
    intent: HistoryEntry,
    original: PandaTask,
    found: list[PandaTask],
    actor: Actor,
) -> ProdTask:
    state, now = uow.state, uow.clock.now()
    updated = record_submission(state, task.name, original.jedi_task_id, actor, now)
    last = replace(
        updated.attempts[-1],
        task_name=str(intent.detail["task_name"]),
        payload_sha256=str(intent.detail.get("payload_sha256") or ""),
    )
    updated = replace(
        updated,
        attempts=(*updated.attempts[:-1], last),
        panda=progress_from(original, now),
    )
    state.put_task(updated)
    detail = {
        "jedi_task_id": original.jedi_task_id,
        "task_name": last.task_name,
        "panda_status": original.status,
        "found": [t.jedi_task_id for t in found],
    }
    return append_history(uow, task.name, actor, RECONCILED, detail)


def _not_found(
    uow: UnitOfWork,
    task: ProdTask,
    intent: HistoryEntry,
    sent: str,
    actor: Actor,
    confirmed: bool,
    grace_seconds: float,
) -> ReconcileOutcome:
    now = uow.clock.now()
    waited = seconds_between(intent.at, now)
    if waited is None or waited < grace_seconds:
        left = grace_seconds - (waited or 0.0)
        message = (
            f"PanDA shows no task named '{sent}' yet, {_minutes(waited)} after the submission "
            f"intent ({intent.at}); JEDI makes a new task visible by name only once it has "
            f"refined it. Nothing was recorded or sent: run 'pcs task reconcile {task.name}' "
            f"again in {_minutes(left)}"
        )
        return ReconcileOutcome(task, NOT_FOUND, message, sent)
    if not confirmed:
        message = (
            f"PanDA has no task named '{sent}' ({_minutes(waited)} after the submission intent "
            f"of {intent.at}). If you are sure it was never created, close the submission with "
            f"'pcs task reconcile {task.name} --confirm-not-in-panda' (or submit with that flag)"
        )
        return ReconcileOutcome(task, NOT_FOUND, message, sent)
    detail = {"task_name": sent, "intent_at": intent.at, "looked_up_at": now}
    updated = append_history(uow, task.name, actor, NOT_IN_PANDA, detail)
    result = uow.commit(f"Reconcile {task.name}: PanDA has no task {sent}")
    message = (
        f"PanDA has no task named '{sent}'; the submission is closed as not in PanDA and "
        f"'pcs task submit {task.name}' may send it again"
    )
    return ReconcileOutcome(updated, CLEARED, message, sent, commit=result)


def _nothing_pending(task: ProdTask) -> str:
    if task.panda_task_id is not None:
        return (
            f"task '{task.name}' already records PanDA task {task.panda_task_id}; nothing to "
            f"reconcile (see 'pcs panda sync' for its status)"
        )
    return f"task '{task.name}' has no submission with an unknown outcome; nothing to reconcile"


def _minutes(seconds: float | None) -> str:
    if seconds is None:
        return "an unknown time"
    return "less than a minute" if seconds < 60 else f"{round(seconds / 60)} min"
