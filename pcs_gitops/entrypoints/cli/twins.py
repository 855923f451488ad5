"""Commands about workflow modes: ``pcs task twin`` and ``pcs task compare``."""

from __future__ import annotations

from typing import Any

import click

from pcs_gitops.domain.compare import compare_text
from pcs_gitops.domain.stages import WORKFLOW_MODES
from pcs_gitops.entrypoints.cli.common import Context, describe_commit, emit, json_option, pass_ctx
from pcs_gitops.services.usecases import twins as uses


@click.command("twin")
@click.argument("name")
@click.option(
    "--mode",
    required=True,
    type=click.Choice(WORKFLOW_MODES),
    help="The workflow mode of the twin (the other one than the task's).",
)
@json_option
@pass_ctx
def twin_cmd(ctx: Context, name: str, mode: str, as_json: bool) -> None:
    """Make the same request in the other workflow mode, linked both ways.

    The twin keeps the physics, EvGen, simulation and reconstruction tags and the request's
    fields; its outputs are told apart by a sample variant named after its mode. Twinning
    again returns the existing twin and writes nothing.
    """
    payload = uses.twin_task(ctx.publisher(), name, mode, ctx.actor())
    emit(as_json, payload, lambda: _twin_text(payload))


def _twin_text(payload: dict[str, Any]) -> str:
    verb = "made" if payload["created"] else "already has"
    lines = [
        f"{payload['name']}: {verb} the twin {payload['twin']} ({payload['mode']}); "
        f"{describe_commit(payload)}"
    ]
    twin = payload["twin_task"]
    lines += [f"  output: {did}" for did in twin["output_datasets"]]
    lines += [f"  intermediate: {did}" for did in twin["intermediate_datasets"]]
    lines += [f"  problem: {p}" for p in payload["problems"]]
    return "\n".join(lines)


@click.command("compare")
@click.argument("a")
@click.argument("b")
@json_option
@pass_ctx
def compare_cmd(ctx: Context, a: str, b: str, as_json: bool) -> None:
    """Show what differs between two tasks (e.g. mode twins): modes, stages, the JEDI
    taskParamMap key by key, and their datasets (writes nothing)."""
    report = uses.compare(ctx.publisher(), a, b)
    emit(as_json, report, lambda: compare_text(report))


COMMANDS = (twin_cmd, compare_cmd)
