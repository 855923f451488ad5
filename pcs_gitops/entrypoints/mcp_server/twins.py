"""MCP tools about workflow modes: make a request's mode twin, compare two tasks."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import Field

from pcs_gitops.entrypoints.mcp_server.common import (
    DEFAULT_IDENTITY,
    READ,
    WRITE_IDEMPOTENT,
    Ctx,
    Identity,
    TaskName,
    actor_of,
    app_of,
    refusals,
)
from pcs_gitops.services.usecases import twins as uses

Mode = Annotated[
    Literal["external_evgen", "internal_evgen"],
    Field(description="The workflow mode of the twin (the other one than the task's)."),
]


@refusals
def pcs_prodtask_twin(
    ctx: Ctx, task_name: TaskName, mode: Mode, created_by: Identity = DEFAULT_IDENTITY
) -> dict[str, Any]:
    """Make the same request in the other workflow mode (same physics/EvGen/simu/reco tags,
    its outputs told apart by a sample variant named after the mode), linked both ways by a
    `twin` field; a repeat returns the existing twin and writes nothing. Returns {name, twin,
    mode, created, task, twin_task, problems, commit} (and published)."""
    publisher = app_of(ctx).publisher()
    return uses.twin_task(publisher, str(task_name), mode, actor_of(ctx, created_by))


@refusals
def pcs_prodtask_compare(ctx: Ctx, a: TaskName, b: TaskName) -> dict[str, Any]:
    """What differs between two tasks (e.g. mode twins), writes nothing: {a, b, twins, modes,
    stages, stage_differences, payload_differences: [{key, a, b}] of the JEDI taskParamMaps,
    payload_problems, datasets}."""
    return uses.compare(app_of(ctx).publisher(), str(a), str(b))


TOOLS = (
    (pcs_prodtask_twin, "Make a request's mode twin", WRITE_IDEMPOTENT),
    (pcs_prodtask_compare, "Compare two tasks", READ),
)
