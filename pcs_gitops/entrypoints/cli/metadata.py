"""``pcs task confirm`` (and ``pcs dataset confirm``): vouch for inferred metadata."""

from __future__ import annotations

from typing import Any

import click

from pcs_gitops.entrypoints.cli.common import Context, describe_commit, emit, json_option, pass_ctx
from pcs_gitops.services.usecases import metadata as writes


def _text(payload: dict[str, Any]) -> str:
    lines = []
    for done in payload["datasets"]:
        parts = []
        if done["corrected"]:
            parts.append("corrected " + ", ".join(f"{k}={v}" for k, v in done["corrected"].items()))
        if done["confirmed"]:
            parts.append("confirmed " + ", ".join(done["confirmed"]))
        if done["left_open"]:
            parts.append("left open (unknown) " + ", ".join(done["left_open"]))
        lines.append(f"{done['dataset']}: {'; '.join(parts) or 'already confirmed'}")
        if done["renamed_from"]:
            lines.append(f"  renamed from {done['renamed_from']}")
    readiness = payload.get("readiness")
    if readiness:
        state = "ready" if readiness["ready"] else f"not ready ({readiness['substate']})"
        lines.append(f"task {payload['task']}: {state}")
    lines.append(describe_commit(payload))
    return "\n".join(lines)


@click.command("confirm")
@click.argument("name")
@click.option(
    "--field",
    "fields",
    multiple=True,
    help="A value to confirm (physics_tag, evgen_tag, background_tag, beams, species, "
    "q2_range, generator, generator_version), or a tag to bind instead (physics_tag=p2001). "
    "Repeat it; without it every known value is confirmed.",
)
@json_option
@pass_ctx
def confirm_cmd(ctx: Context, name: str, fields: tuple[str, ...], as_json: bool) -> None:
    """Confirm the inferred metadata of task NAME's inputs (or of dataset NAME).

    A task whose input's tag mapping is only inferred is not ready; confirming it (or binding
    the right tag) unblocks it. Unknown values cannot be confirmed, only corrected."""
    payload = writes.confirm_metadata(ctx.publisher(), name, list(fields), ctx.actor())
    emit(as_json, payload, lambda: _text(payload))
