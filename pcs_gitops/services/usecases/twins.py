"""Use cases of mode twins: make a request's twin in the other workflow mode (one unit of work
with its own commit), and compare two tasks (a read)."""

from __future__ import annotations

from typing import Any

from pcs_gitops.domain.authz import Operation
from pcs_gitops.domain.compare import compare_tasks
from pcs_gitops.services import tasks as ops
from pcs_gitops.services.authorization import require
from pcs_gitops.services.ports import Actor, Publisher
from pcs_gitops.services.twins import TwinOutcome
from pcs_gitops.services.twins import twin_task as make_twin
from pcs_gitops.services.unit_of_work import UnitOfWork
from pcs_gitops.services.usecases.tasks import task_target


def twin_task(publisher: Publisher, name: str, mode: str, actor: Actor) -> dict[str, Any]:
    """Make the same request in the other workflow mode (same tags, linked both ways); a
    repeat returns the existing twin and writes nothing. For whoever may change the request
    (its requester, its PWG, production managers, admins)."""
    roles = publisher.roles()

    def change(uow: UnitOfWork) -> TwinOutcome:
        task = ops.resolve_task(uow.state, name)
        require(actor, Operation.UPDATE, roles, task)
        outcome = make_twin(uow.state, name, mode, actor, uow.clock.now())
        if uow.state.dirty:
            uow.commit(f"Twin {outcome.task.name} as {outcome.twin.name} ({outcome.mode.value})")
        return outcome

    done = publisher.run(task_target(name), change)
    return {**done.result.to_dict(), **done.extra()}


def compare(publisher: Publisher, a: str, b: str) -> dict[str, Any]:
    """What differs between two tasks: modes, stage graphs, JEDI taskParamMaps, datasets."""
    with publisher.reading() as uow:
        state = uow.state
        return compare_tasks(state, ops.resolve_task(state, a), ops.resolve_task(state, b))
