"""MCP tools over inferred metadata: confirm (or correct) what was inferred for a task's inputs."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import Field

from pcs_gitops.entrypoints.mcp_server.common import (
    DEFAULT_IDENTITY,
    WRITE_IDEMPOTENT,
    Ctx,
    Identity,
    TaskName,
    actor_of,
    app_of,
    refusals,
)
from pcs_gitops.services.usecases import metadata as metadata_writes


@refusals
def pcs_prodtask_confirm(
    ctx: Ctx,
    task_name: TaskName,
    fields: Annotated[
        list[str] | str | None,
        Field(
            description="Values to confirm: physics_tag, evgen_tag, background_tag, beams, "
            "species, q2_range, generator, generator_version (none: every known value); "
            "field=label binds another tag instead, e.g. physics_tag=p2079. A list, or one "
            "comma-separated string."
        ),
    ] = None,
    created_by: Identity = DEFAULT_IDENTITY,
) -> dict[str, Any]:
    """Confirm the values inferred for a task's input datasets (the task cannot become ready
    while its tag mapping is only inferred), or bind another tag. Unknown values are refused:
    they need a correction. Confirming again changes nothing. Returns {subject, task, datasets:
    [{dataset, confirmed, corrected, renamed_from, left_open}], readiness, commit} (and
    published)."""
    wanted = fields.split(",") if isinstance(fields, str) else list(fields or ())
    return metadata_writes.confirm_metadata(
        app_of(ctx).publisher(), str(task_name), wanted, actor_of(ctx, created_by)
    )


TOOLS = ((pcs_prodtask_confirm, "Confirm inferred metadata", WRITE_IDEMPOTENT),)
