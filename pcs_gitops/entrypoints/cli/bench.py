"""``pcs bench``: synthetic state for benchmarks."""

from __future__ import annotations

import click

from pcs_gitops.entrypoints.cli import progress
from pcs_gitops.entrypoints.cli.common import (
    Context,
    describe_commit,
    emit,
    json_option,
    note,
    pass_ctx,
)
from pcs_gitops.services.usecases import catalog as catalog_writes


@click.group()
def bench() -> None:
    """Benchmark helpers."""


@bench.command()
@click.option("--tasks", type=click.IntRange(min=1), required=True, help="Requests to add.")
@click.option(
    "--seed", type=int, default=1, show_default=True, help="Random seed (same seed, same state)."
)
@json_option
@pass_ctx
def generate(ctx: Context, tasks: int, seed: int, as_json: bool) -> None:
    """Write a synthetic but realistic state of N requests into the repository."""
    progress.show_progress(ctx, as_json)
    note(ctx, f"generating {tasks} requests ...")
    payload = catalog_writes.generate_bench(ctx.publisher(), tasks, seed, ctx.actor())
    emit(as_json, payload, f"added {payload['added']} requests; " + describe_commit(payload))
