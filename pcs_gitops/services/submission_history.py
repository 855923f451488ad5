"""The history vocabulary of a PanDA submission, and the question "is an outcome pending?".

A submission writes ``submission-intent`` before PanDA is called. Exactly one of these closes
it: ``submission`` (a jediTaskID recorded, by submit, reconcile or by hand), ``submission-
refused`` (PanDA's definite answer that created nothing) or ``submission-not-in-panda``
(reconcile found no such task after the grace period and the operator confirmed). Entries
written in between (``submission-outcome-unknown``, ``submission-reconciled``) only explain.
"""

from __future__ import annotations

from typing import Any

from pcs_gitops.domain.model import HistoryEntry, ProdTask
from pcs_gitops.services.ports import Actor
from pcs_gitops.services.tasks import SUBMISSION_ACTION
from pcs_gitops.services.unit_of_work import UnitOfWork

INTENT = "submission-intent"
REFUSED = "submission-refused"
UNKNOWN = "submission-outcome-unknown"
RECONCILED = "submission-reconciled"
NOT_IN_PANDA = "submission-not-in-panda"
OUTCOMES = frozenset({SUBMISSION_ACTION, REFUSED, NOT_IN_PANDA})


def pending_intent(task: ProdTask) -> HistoryEntry | None:
    """The latest submission intent that no outcome (recorded id, refusal, confirmed absence)
    followed."""
    for entry in reversed(task.history):
        if entry.action in OUTCOMES:
            return None
        if entry.action == INTENT:
            return entry
    return None


def append_history(
    uow: UnitOfWork, name: str, actor: Actor, action: str, detail: dict[str, Any]
) -> ProdTask:
    """Append one history entry to the task (in the unit of work's state; not committed)."""
    state = uow.state
    task = state.tasks[name].with_history(
        HistoryEntry(uow.clock.now(), actor.login, actor.surface, action, detail)
    )
    state.put_task(task)
    return task


def write_history(
    uow: UnitOfWork, name: str, actor: Actor, action: str, detail: dict[str, Any]
) -> None:
    """Append one history entry and commit it at once."""
    append_history(uow, name, actor, action, detail)
    uow.commit(f"{action.replace('-', ' ').capitalize()}: {name}")
