"""Use cases of a task's payload: approve it, withdraw stale approvals, compose outputs, count an
input's files. Each is one unit of work with its own commit message (docs/surfaces.md)."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from pcs_gitops.domain.authz import Operation
from pcs_gitops.domain.model import HistoryEntry, ProdTask
from pcs_gitops.errors import UsageError
from pcs_gitops.services import approval as approvals
from pcs_gitops.services import tasks as ops
from pcs_gitops.services.authorization import require
from pcs_gitops.services.datasets import resolve_dataset
from pcs_gitops.services.outputs import ComposeOutcome
from pcs_gitops.services.outputs import compose_outputs as compose
from pcs_gitops.services.ports import Actor, InputFiles, Publisher, Target
from pcs_gitops.services.unit_of_work import UnitOfWork
from pcs_gitops.services.usecases.tasks import task_target

FILES_ACTION = "files"  # the history action of a recorded file count


def _commit_if_changed(uow: UnitOfWork, message: str) -> None:
    if uow.state.dirty:
        uow.commit(message)


def approve(publisher: Publisher, name: str, actor: Actor) -> dict[str, Any]:
    """Approve a task's current payload: it becomes ready (a production manager who is not the
    requester; every readiness check passing; a taskParamMap PanDA accepts)."""
    roles = publisher.roles()

    def change(uow: UnitOfWork) -> tuple[str, ProdTask]:
        task = ops.resolve_task(uow.state, name)
        # the move is checked first (an impossible one says so to anyone), then who asks
        updated = approvals.approve(uow.state, task, actor, uow.clock.now(), uow.probe)
        require(actor, Operation.APPROVE, roles, task)
        digest = updated.approval.payload_sha256[:12] if updated.approval else ""
        _commit_if_changed(uow, f"Approve {updated.name} (payload {digest})")
        return task.status.value, updated

    done = publisher.run(task_target(name), change)
    before, task = done.result
    return {
        "name": task.name,
        "from": before,
        "status": task.status.value,
        "approval": task.approval.to_dict() if task.approval else None,
        "task": task.to_dict(),
        **done.extra(),
    }


def withdraw_stale_approvals(publisher: Publisher, actor: Actor) -> dict[str, Any]:
    """Send every ready task whose payload changed since it was approved back to draft, each
    with a history entry naming what changed; nothing changes when every approval holds."""
    roles = publisher.roles()

    def change(uow: UnitOfWork) -> list[approvals.Withdrawal]:
        require(actor, Operation.FILE, roles)  # applies a rule; decides nothing
        withdrawn = approvals.withdraw_stale_approvals(uow.state, actor, uow.clock.now())
        _commit_if_changed(uow, f"Withdraw {len(withdrawn)} stale approval(s)")
        return withdrawn

    target = Target("batch", key="withdraw-stale-approvals", title="Withdraw stale approvals")
    done = publisher.run(target, change)
    return {"withdrawn": [w.to_dict() for w in done.result], **done.extra()}


def compose_outputs(publisher: Publisher, name: str | None, actor: Actor) -> dict[str, Any]:
    """Compose the output datasets of one draft task (a collision with another request's
    output is refused), or with ``name`` None of every draft task (collisions are told apart
    by a sample variant and reported: the migration of imported requests)."""
    roles = publisher.roles()

    def change(uow: UnitOfWork) -> list[ComposeOutcome]:
        state, now = uow.state, uow.clock.now()
        if name is None:
            require(actor, Operation.ADMINISTER, roles)
            tasks = [state.tasks[n] for n in sorted(state.tasks)]
        else:
            tasks = [ops.resolve_task(state, name)]
            require(actor, Operation.UPDATE, roles, tasks[0])
        outcomes = [compose(state, t, actor, now, distinguish=name is None) for t in tasks]
        changed = sum(1 for o in outcomes if o.changed)
        _commit_if_changed(uow, f"Compose the outputs of {changed} task(s)")
        return outcomes

    target = task_target(name) if name else Target("batch", key="compose-outputs")
    done = publisher.run(target, change)
    outcomes = done.result
    return {
        "tasks": [o.to_dict() for o in outcomes],
        "changed": sum(1 for o in outcomes if o.changed),
        "notes": [note for o in outcomes for note in o.notes],
        **done.extra(),
    }


def count_files(
    publisher: Publisher,
    counter: InputFiles | None,
    name: str,
    actor: Actor,
    files: int | None = None,
) -> dict[str, Any]:
    """Record how many input files a dataset's source holds: read from a CSV manifest (or a
    directory) under the data roots, or given (``files``). "All events" of a request is then
    one pseudo-file per input file."""
    roles = publisher.roles()
    if files is not None and files < 0:
        raise UsageError("--files must be zero or more")

    def change(uow: UnitOfWork) -> tuple[int, str, Any]:
        state = uow.state
        dataset = resolve_dataset(state, name)
        users = [t for t in state.tasks.values() if dataset.did in t.input_datasets]
        require(
            actor, Operation.UPDATE if users else Operation.FILE, roles, next(iter(users), None)
        )
        how = "given"
        count = files
        if count is None:
            how = "counted"
            source = dataset.source
            count = (
                counter.count(source.kind.value, source.location, state.settings.data_roots)
                if counter
                else None
            )
            if count is None:
                raise UsageError(
                    f"cannot read {source.kind.value} '{source.location}' from here: it must be a "
                    "CSV manifest or a directory under the data roots "
                    f"({', '.join(state.settings.data_roots)}) on a machine that mounts them; "
                    "or record a known count with --files N"
                )
        if dataset.files != count:
            entry = HistoryEntry(
                uow.clock.now(),
                actor.login,
                actor.surface,
                FILES_ACTION,
                {"files": count, "how": how},
            )
            state.put_dataset(replace(dataset, files=count, history=(*dataset.history, entry)))
            _commit_if_changed(uow, f"Record {count} input file(s) of {dataset.name}")
        return count, how, state.datasets[dataset.name]

    target = Target("dataset", key=f"count-files:{name.strip()}", title=f"Files of {name.strip()}")
    done = publisher.run(target, change)
    count, how, dataset = done.result
    return {
        "name": dataset.name,
        "files": count,
        "how": how,
        "dataset": dataset.to_dict(),
        **done.extra(),
    }
