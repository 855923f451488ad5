"""``pcs dataset ...`` commands."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

import click

from pcs_gitops.entrypoints.cli.common import (
    Context,
    describe_commit,
    emit,
    json_option,
    paging_options,
    pass_ctx,
    unit,
)
from pcs_gitops.services import datasets as svc
from pcs_gitops.services.usecases import datasets as writes

SOURCE_KINDS = click.Choice(["csv_manifest", "path", "url", "rucio_did", "file_list"])
STAGES = click.Choice(["evgen", "simu", "reco", "full", "log"])


F = TypeVar("F", bound=Callable[..., object])


@click.group()
def dataset() -> None:
    """Datasets: external inputs and produced samples."""


def _intake_options(func: F) -> F:
    options = [
        click.option("--source-location", required=True, help="Path, URL, DID or file list."),
        click.option(
            "--source-kind", type=SOURCE_KINDS, help="Guessed from the location if omitted."
        ),
        click.option(
            "--physics-tag", help="Physics tag label (p...); inferred from the path if omitted."
        ),
        click.option("--evgen-tag", help="Evgen tag label (e...); inferred if omitted."),
        click.option("--simu-tag", help="Simu tag label (default s0: not simulated)."),
        click.option("--reco-tag", help="Reco tag label (default r0: not reconstructed)."),
        click.option("--background-tag", help="Background tag label (k...)."),
        click.option(
            "--detector-version", help="e.g. 26.02.0 (default from the catalogue settings)."
        ),
        click.option("--detector-config", help="e.g. epic_craterlake."),
        click.option("--scope", help="Default group.EIC.evgen."),
        click.option(
            "--stage",
            type=STAGES,
            default="evgen",
            show_default=True,
            help="The stage of the data: external inputs are evgen.",
        ),
        click.option("--sample", help="Sample discriminator (physics vocabulary only)."),
        click.option("--release-url", help="Generator/dataset release URL (adds the version)."),
        click.option("--description", default="", help="Free text."),
        json_option,
    ]
    for option in reversed(options):
        func = option(func)
    return func


def _request(kw: dict[str, object]) -> svc.DatasetIntake:
    return svc.DatasetIntake(**{k: v for k, v in kw.items() if k != "as_json"})  # type: ignore[arg-type]


@dataset.command()
@_intake_options
@pass_ctx
def intake(ctx: Context, /, as_json: bool, **kw: object) -> None:
    """Return the dataset for a source, creating it when new (idempotent on kind + location)."""
    payload = writes.intake_dataset(ctx.publisher(), _request(kw), ctx.actor())

    def text() -> str:
        out = ("created " if payload["created"] else "exists: ") + str(payload["name"])
        if payload["conflicts"]:
            out += "\nthe stored dataset differs from what you supplied (nothing was changed):"
            out += "".join(f"\n  {c}" for c in payload["conflicts"])
        if payload["commit"]:
            out += f"\n{describe_commit(payload)}"
        return out

    emit(as_json, payload, text)


@dataset.command()
@_intake_options
@pass_ctx
def create(ctx: Context, /, as_json: bool, **kw: object) -> None:
    """Create a dataset for an external source; refuses when the source is already recorded."""
    payload = writes.create_dataset(ctx.publisher(), _request(kw), ctx.actor())
    emit(as_json, payload, lambda: f"created {payload['name']}\n{describe_commit(payload)}")


@dataset.command("list")
@click.option("--stage", type=STAGES, help="Only datasets of this stage.")
@click.option(
    "--source-kind",
    type=click.Choice(["csv_manifest", "path", "url", "rucio_did", "file_list", "internal"]),
    help="Only datasets whose source is of this kind.",
)
@click.option("--source-location", help="Only the dataset of this exact source location.")
@click.option("--scope", help="Only datasets of this Rucio scope.")
@click.option("--name-contains", help="Only names containing this text (any case).")
@paging_options(20)
@json_option
@pass_ctx
def list_cmd(ctx: Context, /, as_json: bool, **kw: object) -> None:
    """List datasets with filters and paging."""
    with unit(ctx) as uow:
        page = svc.list_datasets(uow.state, **kw)  # type: ignore[arg-type]
    emit(
        as_json,
        page,
        lambda: "\n".join(
            [f"{d['name']}  [{d['stage']}, {d['source_kind']}]" for d in page["datasets"]]
            + [f"({len(page['datasets'])} of {page['count']} shown, offset {page['offset']})"]
        ),
    )


@dataset.command()
@click.argument("key")
@json_option
@pass_ctx
def get(ctx: Context, key: str, as_json: bool) -> None:
    """Show one dataset by name or DID."""
    with unit(ctx) as uow:
        found = svc.resolve_dataset(uow.state, key)
    data = found.to_dict()
    emit(as_json, data, lambda: "\n".join(f"{k}: {v}" for k, v in data.items() if k != "history"))
