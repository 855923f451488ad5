"""Use cases that change a request after it was filed: its priority, its withdrawal and
reinstatement. On a branch they land on the request's branch (before or after its merge)."""

from __future__ import annotations

from typing import Any

from pcs_gitops.domain.authz import Operation
from pcs_gitops.domain.model import ProdTask
from pcs_gitops.services import request_changes as ops
from pcs_gitops.services.authorization import require
from pcs_gitops.services.ports import Actor, Publisher
from pcs_gitops.services.tasks import resolve_task
from pcs_gitops.services.unit_of_work import UnitOfWork
from pcs_gitops.services.usecases.tasks import task_target


def _payload(task: ProdTask, extra: dict[str, Any]) -> dict[str, Any]:
    return {"name": task.name, "status": task.status.value, "task": task.to_dict(), **extra}


def set_priority(
    publisher: Publisher, name: str, priority: str | int, reason: str | None, actor: Actor
) -> dict[str, Any]:
    """Set a request's priority (1, 2, 3 or -1) in draft, ready or submitted: conveners of its
    PWG and production managers. The same priority again changes nothing."""
    roles = publisher.roles()

    def change(uow: UnitOfWork) -> tuple[ProdTask, str]:
        require(actor, Operation.PRIORITY, roles, resolve_task(uow.state, name))
        task, before = ops.set_priority(uow.state, name, priority, reason, actor, uow.clock.now())
        if uow.state.dirty:
            value = task.catalog.get("priority", "")
            uow.commit(f"Priority of {task.name}: {before or '(none)'} -> {value}")
            task = uow.state.tasks[task.name]  # as committed: an approval may be withdrawn
        return task, before

    done = publisher.run(task_target(name), change)
    task, before = done.result
    return {
        **_payload(task, done.extra()),
        "from": before,
        "priority": task.catalog.get("priority", ""),
    }


def withdraw(publisher: Publisher, name: str, reason: str | None, actor: Actor) -> dict[str, Any]:
    """Withdraw a request (its requester before submission, or a production manager): it keeps
    its records and history and is never approved or submitted until reinstated."""
    roles = publisher.roles()

    def change(uow: UnitOfWork) -> ProdTask:
        require(actor, Operation.WITHDRAW, roles, resolve_task(uow.state, name))
        task = ops.withdraw(uow.state, name, reason, actor, uow.clock.now())
        if uow.state.dirty:
            uow.commit(f"Withdraw {task.name}")
        return task

    done = publisher.run(task_target(name), change)
    task = done.result
    withdrawn = task.withdrawn.to_dict() if task.withdrawn else None
    return {**_payload(task, done.extra()), "withdrawn": withdrawn}


def reinstate(publisher: Publisher, name: str, reason: str | None, actor: Actor) -> dict[str, Any]:
    """Lift a request's withdrawal (production managers); it is a draft again."""
    roles = publisher.roles()

    def change(uow: UnitOfWork) -> ProdTask:
        require(actor, Operation.REINSTATE, roles, resolve_task(uow.state, name))
        task = ops.reinstate(uow.state, name, reason, actor, uow.clock.now())
        if uow.state.dirty:
            uow.commit(f"Reinstate {task.name}")
        return task

    done = publisher.run(task_target(name), change)
    return {**_payload(done.result, done.extra()), "withdrawn": None}
