"""Migration use case: import the reference PCS's JSON export."""

from __future__ import annotations

from typing import Any

from pcs_gitops.domain.authz import Operation
from pcs_gitops.services import pcs_import
from pcs_gitops.services.authorization import require
from pcs_gitops.services.pcs_import_base import CREATED, ImportReport
from pcs_gitops.services.ports import Actor, Publisher, Target
from pcs_gitops.services.unit_of_work import UnitOfWork


def import_pcs_export(
    publisher: Publisher, text: str, source_name: str, actor: Actor, *, dry_run: bool = False
) -> dict[str, Any]:
    """Import the tags, production configs, datasets and tasks of a reference PCS export
    (``manage.py dumpdata pcs``); every record is reported created, unchanged, collision or
    skipped with what to do. ``dry_run`` validates the result and writes nothing. Importing the
    same export again changes nothing."""

    roles = publisher.roles()

    def change(uow: UnitOfWork) -> ImportReport:
        require(actor, Operation.ADMINISTER, roles)
        report = pcs_import.import_export(uow.state, text, source_name, actor, uow.clock.now())
        if uow.state.dirty:
            created = report.totals()[CREATED]
            uow.commit(f"Import {created} records of the reference PCS export {source_name}")
        return report

    if dry_run:
        report = publisher.rehearse(change)
        return {**report.to_dict(), "dry_run": True, "commit": None}
    target = Target("batch", key=f"pcs-export-{source_name}", title=f"Import {source_name}")
    done = publisher.run(target, change)
    return {**done.result.to_dict(), "dry_run": False, **done.extra()}
