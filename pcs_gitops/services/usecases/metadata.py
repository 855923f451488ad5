"""Inferred metadata use case: confirm (or correct) the tag mapping and the values inferred for a
task's inputs or for one dataset."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from pcs_gitops.domain.authz import Operation
from pcs_gitops.domain.model import ProdTask
from pcs_gitops.domain.readiness import readiness
from pcs_gitops.errors import PcsError
from pcs_gitops.services import confirmation
from pcs_gitops.services.authorization import require
from pcs_gitops.services.ports import Actor, Publisher, Target
from pcs_gitops.services.unit_of_work import UnitOfWork


def _target(publisher: Publisher, subject: str) -> Target:
    """A task's own place (its request branch), or a dataset's when ``subject`` names one."""
    with publisher.reading() as uow:
        try:
            task, datasets = confirmation.subject_datasets(uow.state, subject)
        except PcsError:  # unknown here: the change resolves it where it lands, or refuses
            task, datasets = None, []
    if task is None and datasets:
        source = datasets[0].source
        return Target("dataset", key=f"{source.kind.value}:{source.location}")
    return Target("task", key=subject.strip(), title=f"Task {subject.strip()}")


def confirm_metadata(
    publisher: Publisher, subject: str, fields: Sequence[str] | None, actor: Actor
) -> dict[str, Any]:
    """Record that ``actor`` vouches for the inferred values of a task's input datasets (or of
    one dataset): ``fields`` names them (none or ``all``: every known value); ``field=label``
    binds another tag instead (a correction, confirmed at once). Unknown values are refused:
    they need a correction. Confirming again changes nothing."""

    roles = publisher.roles()

    def change(uow: UnitOfWork) -> dict[str, Any]:
        now = uow.clock.now()
        task, _ = confirmation.subject_datasets(uow.state, subject)
        require(actor, Operation.CONFIRM, roles, task)  # a lone dataset: managers only
        task, outcomes = confirmation.confirm(uow.state, subject, fields, actor, now)
        if uow.state.dirty:
            what = task.name if task else outcomes[0].dataset
            uow.commit(f"Confirm the metadata of {what}")
        return {
            "subject": subject.strip(),
            "task": task.name if task else None,
            "datasets": [o.to_dict() for o in outcomes],
            "readiness": _readiness(uow, task),
        }

    done = publisher.run(_target(publisher, subject), change)
    return {**done.result, **done.extra()}


def _readiness(uow: UnitOfWork, task: ProdTask | None) -> dict[str, object] | None:
    if task is None:
        return None
    return readiness(uow.state, task, uow.probe).to_dict(task.status)
