"""Dataset use cases: intake (idempotent on the source) and create."""

from __future__ import annotations

from typing import Any

from pcs_gitops.domain.authz import Operation
from pcs_gitops.errors import Conflict
from pcs_gitops.services import datasets as ops
from pcs_gitops.services.authorization import require
from pcs_gitops.services.ports import Actor, Publisher, Target
from pcs_gitops.services.unit_of_work import UnitOfWork


def dataset_target(req: ops.DatasetIntake) -> Target:
    """The dataset's own branch, keyed on its source (as the intake keys it)."""
    location = req.source_location.strip()
    kind = (req.source_kind or "").strip() or ops.guess_source_kind(location).value
    return Target("dataset", key=f"{kind}:{location}", title=f"Dataset {location}")


def _payload(outcome: ops.IntakeOutcome) -> dict[str, Any]:
    return {
        "created": outcome.created,
        "name": outcome.dataset.name,
        "dataset": outcome.dataset.to_dict(),
        "conflicts": outcome.conflicts,
        "tags_created": outcome.tags_created,
        "notes": outcome.notes,
    }


def intake_dataset(publisher: Publisher, req: ops.DatasetIntake, actor: Actor) -> dict[str, Any]:
    """The dataset recorded for a source, created when new; a repeat changes nothing and lists
    what differs from the stored record in ``conflicts``."""

    roles = publisher.roles()

    def change(uow: UnitOfWork) -> ops.IntakeOutcome:
        require(actor, Operation.FILE, roles)
        outcome = ops.intake_dataset(uow.state, req, actor, uow.clock.now())
        if uow.state.dirty:
            uow.commit(f"Dataset intake {outcome.dataset.name}")
        return outcome

    done = publisher.run(dataset_target(req), change)
    return {**_payload(done.result), **done.extra()}


def create_dataset(publisher: Publisher, req: ops.DatasetIntake, actor: Actor) -> dict[str, Any]:
    """Like intake, but refuses a source that is already recorded."""

    roles = publisher.roles()

    def change(uow: UnitOfWork) -> ops.IntakeOutcome:
        require(actor, Operation.FILE, roles)
        outcome = ops.intake_dataset(uow.state, req, actor, uow.clock.now())
        if not outcome.created:
            source = outcome.dataset.source
            raise Conflict(
                f"source {source.kind.value}:{source.location} is already recorded as "
                f"{outcome.dataset.name}; use 'pcs dataset intake' to look it up"
            )
        uow.commit(f"Create dataset {outcome.dataset.name}")
        return outcome

    done = publisher.run(dataset_target(req), change)
    return {**_payload(done.result), **done.extra()}
