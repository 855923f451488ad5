"""Production task use cases: intake, create, link input, status, submission record, comment."""

from __future__ import annotations

from typing import Any

from pcs_gitops.domain.authz import Operation, status_operation
from pcs_gitops.domain.model import ProdTask
from pcs_gitops.domain.naming import task_name_for_row_key
from pcs_gitops.errors import Conflict, PcsError
from pcs_gitops.services import tasks as ops
from pcs_gitops.services.authorization import require
from pcs_gitops.services.ports import Actor, BranchOptions, Publisher, Target
from pcs_gitops.services.unit_of_work import UnitOfWork


def task_target(key: str) -> Target:
    """A change to an existing task, named as the user gave it."""
    return Target("task", key=key.strip(), title=f"Task {key.strip()}")


def intake_target(req: ops.TaskIntake) -> Target:
    """A task intake: the request's branch when keyed on an issue, else the row's task branch."""
    try:
        issue = ops.parse_issue_number(req.public_catalog_issue)
    except PcsError:
        issue = None
    if issue is not None:
        return Target("request", issue=issue)
    csv_path, row_key = req.public_catalog_csv_path, req.public_catalog_row_key
    if csv_path and row_key:
        name = (req.name or task_name_for_row_key(row_key)).strip()
        return Target("row", key=name, title=f"Task {name}", row=(csv_path, row_key))
    return Target("task", key=(req.name or "intake").strip(), title="Task intake")


def _task_payload(outcome: ops.TaskIntakeOutcome) -> dict[str, Any]:
    return {
        "created": outcome.created,
        "name": outcome.task.name,
        "task": outcome.task.to_dict(),
        "changed": outcome.changed,
    }


def intake_task(publisher: Publisher, req: ops.TaskIntake, actor: Actor) -> dict[str, Any]:
    """Create a draft task for a catalogue key, or merge new fields into the existing draft; a
    repeat with the same values changes nothing."""

    roles = publisher.roles()

    def change(uow: UnitOfWork) -> ops.TaskIntakeOutcome:
        existing = _existing(uow, req)
        require(actor, Operation.FILE, roles)
        outcome = ops.intake_task(uow.state, req, actor, uow.clock.now())
        if existing is not None and outcome.changed:  # changing a request is not filing one
            require(actor, Operation.UPDATE, roles, existing)
        if uow.state.dirty:
            uow.commit(f"Task intake {outcome.task.name}")
        return outcome

    done = publisher.run(intake_target(req), change)
    return {**_task_payload(done.result), **done.extra()}


def create_task(publisher: Publisher, req: ops.TaskIntake, actor: Actor) -> dict[str, Any]:
    """Create a task; refuses when the catalogue key already has one."""

    roles = publisher.roles()

    def change(uow: UnitOfWork) -> ops.TaskIntakeOutcome:
        require(actor, Operation.FILE, roles)
        outcome = ops.intake_task(uow.state, req, actor, uow.clock.now())
        if not outcome.created:
            raise Conflict(f"the catalogue key already belongs to task '{outcome.task.name}'")
        uow.commit(f"Create task {outcome.task.name}")
        return outcome

    done = publisher.run(intake_target(req), change)
    return {**_task_payload(done.result), **done.extra()}


def _existing(uow: UnitOfWork, req: ops.TaskIntake) -> ProdTask | None:
    """The task an intake's key already names, if any."""
    try:
        issue = ops.parse_issue_number(req.public_catalog_issue)
    except PcsError:
        return None
    if issue is not None:
        return uow.state.task_for_key(("issue", str(issue)))
    if req.public_catalog_csv_path and req.public_catalog_row_key:
        key = ("row", req.public_catalog_csv_path, req.public_catalog_row_key)
        return uow.state.task_for_key(key)
    return None


def _subject(uow: UnitOfWork, name: str) -> ProdTask:
    return ops.resolve_task(uow.state, name)


def _commit_if_changed(uow: UnitOfWork, message: str) -> None:
    if uow.state.dirty:
        uow.commit(message)


def link_input(
    publisher: Publisher,
    name: str,
    actor: Actor,
    *,
    did: str | None = None,
    dids: list[str] | None = None,
) -> dict[str, Any]:
    """Set a draft task's input dataset(s) (every DID must exist); the same list again changes
    nothing."""

    roles = publisher.roles()

    def change(uow: UnitOfWork) -> ProdTask:
        require(actor, Operation.UPDATE, roles, _subject(uow, name))
        updated = ops.link_input(uow.state, name, did, dids, actor, uow.clock.now())
        _commit_if_changed(uow, f"Link input of {updated.name}")
        return updated

    done = publisher.run(task_target(name), change)
    task = done.result
    return {"name": task.name, "task": task.to_dict(), **done.extra()}


def set_status(
    publisher: Publisher, name: str, status: str, actor: Actor, reason: str | None = None
) -> dict[str, Any]:
    """Move a task through its lifecycle (the transition map and the readiness gate decide); a
    completed or failed set by hand (not by the PanDA sync) needs a reason."""

    roles = publisher.roles()

    def change(uow: UnitOfWork) -> tuple[str, ProdTask]:
        task = _subject(uow, name)
        before = task.status.value
        # the move is checked first (an impossible move says so to anyone), then who asks
        now = uow.clock.now()
        updated = ops.set_status(uow.state, name, status, actor, now, uow.probe, reason)
        require(actor, status_operation(status), roles, task)
        _commit_if_changed(uow, f"Task {updated.name}: {before} -> {updated.status.value}")
        return before, updated

    done = publisher.run(task_target(name), change)
    before, task = done.result
    return {
        "name": task.name,
        "from": before,
        "status": task.status.value,
        "task": task.to_dict(),
        **done.extra(),
    }


def record_submission(
    publisher: Publisher, name: str, panda_task_id: int, actor: Actor
) -> dict[str, Any]:
    """Record the PanDA task a ready task was submitted as (moves it to submitted)."""

    roles = publisher.roles()

    def change(uow: UnitOfWork) -> ProdTask:
        require(actor, Operation.SUBMIT, roles, _subject(uow, name))
        updated = ops.record_submission(uow.state, name, panda_task_id, actor, uow.clock.now())
        uow.commit(f"Record submission of {updated.name}: jediTaskID {panda_task_id}")
        return updated

    done = publisher.run(task_target(name), change)
    task = done.result
    return {
        "name": task.name,
        "attempt": task.attempts[-1].to_dict(),
        "task": task.to_dict(),
        **done.extra(),
    }


def comment(publisher: Publisher, name: str, text: str, actor: Actor) -> dict[str, Any]:
    """Append a comment to the task's history (each call adds one)."""

    roles = publisher.roles()

    def change(uow: UnitOfWork) -> ProdTask:
        require(actor, Operation.FILE, roles)
        updated = ops.comment(uow.state, name, text, actor, uow.clock.now())
        uow.commit(f"Comment on {updated.name}")
        return updated

    done = publisher.run(task_target(name), change)
    task = done.result
    return {"name": task.name, "history": [h.to_dict() for h in task.history], **done.extra()}


def record_publication(
    publisher: Publisher, name: str, pr: int, commit_sha: str | None, actor: Actor
) -> dict[str, Any]:
    """Record that a task's catalogue row was published by merging pull request ``pr`` (its
    page URL and row position follow), whatever its lifecycle state; on the default branch."""

    roles = publisher.roles()

    def change(uow: UnitOfWork) -> ProdTask:
        task = ops.resolve_task(uow.state, name)
        require(actor, Operation.PUBLISH, roles, task)
        publication = ops.publication_for(uow.state, task, pr, commit_sha)
        updated = ops.record_publication(uow.state, task.name, publication, actor, uow.clock.now())
        _commit_if_changed(uow, f"Record the publication of {updated.name} (#{pr})")
        return updated

    target = Target("default", title=f"Publication of {name.strip()}")
    done = publisher.run(target, change, BranchOptions(status=False))
    task = done.result
    return {"name": task.name, "task": task.to_dict(), **done.extra()}
