"""Use cases over the whole catalogue: import a public catalogue file, generate a benchmark
state."""

from __future__ import annotations

from typing import Any

from pcs_gitops.domain.authz import Operation
from pcs_gitops.services import bench, catalog_import
from pcs_gitops.services.authorization import require
from pcs_gitops.services.ports import Actor, Publisher, Target
from pcs_gitops.services.unit_of_work import UnitOfWork


def import_catalog(
    publisher: Publisher, text: str, source_name: str, actor: Actor
) -> dict[str, Any]:
    """Import a public catalogue CSV (any epic-prod layout) as datasets and draft tasks;
    importing the same file again changes nothing."""

    roles = publisher.roles()

    def change(uow: UnitOfWork) -> catalog_import.ImportReport:
        require(actor, Operation.ADMINISTER, roles)
        report = catalog_import.import_catalog(
            uow.state, text, actor, uow.clock.now(), progress=uow.progress
        )
        if uow.state.dirty:
            uow.commit(f"Import catalogue {source_name}")
        return report

    target = Target("batch", key=f"import-{source_name}", title=f"Import {source_name}")
    done = publisher.run(target, change)
    return {**done.result.to_dict(), **done.extra()}


def generate_bench(publisher: Publisher, tasks: int, seed: int, actor: Actor) -> dict[str, Any]:
    """Add ``tasks`` synthetic but realistic requests (a benchmark state)."""
    roles = publisher.roles()

    def change(uow: UnitOfWork) -> int:
        require(actor, Operation.ADMINISTER, roles)
        added = bench.generate(uow.state, tasks, uow.clock.now(), seed, uow.progress)
        uow.commit(f"Generate {added} synthetic requests")
        return added

    done = publisher.run(Target("batch", key=f"bench-{seed}", title="Benchmark state"), change)
    return {"added": done.result, **done.extra()}
