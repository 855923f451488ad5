"""``pcs bench``: synthetic state for benchmarks."""

from __future__ import annotations

import click

from pcs_gitops.entrypoints.cli_common import (
    Context,
    describe_commit,
    emit,
    json_option,
    pass_ctx,
    unit,
)
from pcs_gitops.services import bench as bench_service


@click.group()
def bench() -> None:
    """Benchmark helpers."""


@bench.command()
@click.option("--tasks", type=click.IntRange(min=1), required=True, help="Requests to add.")
@click.option("--seed", type=int, default=1, show_default=True)
@json_option
@pass_ctx
def generate(ctx: Context, tasks: int, seed: int, as_json: bool) -> None:
    """Write a synthetic but realistic state of N requests into the repository."""
    with unit(ctx) as uow:
        click.echo(f"generating {tasks} requests ...", err=True)
        added = bench_service.generate(uow.state, tasks, uow.clock.now(), seed)
        click.echo("validating and writing ...", err=True)
        result = uow.commit(f"Generate {added} synthetic requests")
    emit(
        as_json,
        {"added": added, "commit": result.to_dict()},
        f"added {added} requests; " + describe_commit(result),
    )
