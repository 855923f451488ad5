"""MCP tools about a task's payload: approve it, show it, compose outputs, withdraw stale
approvals, count an input's files."""

from __future__ import annotations

from typing import Annotated, Any

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
from pcs_gitops.services import approval as approval_svc
from pcs_gitops.services import tasks as task_svc
from pcs_gitops.services.usecases import payload as writes


@refusals
def pcs_prodtask_approve(
    ctx: Ctx, task_name: TaskName, created_by: Identity = DEFAULT_IDENTITY
) -> dict[str, Any]:
    """Approve a task's current payload: it becomes ready. For a production manager who is not
    the requester; every readiness check must pass and the JEDI taskParamMap must be one PanDA
    accepts. Records {by, at, payload_sha256, components}; any later change to what the payload
    is built from sends the task back to draft. Returns {name, from, status, approval, task,
    commit} (and published)."""
    publisher = app_of(ctx).publisher()
    return writes.approve(publisher, str(task_name), actor_of(ctx, created_by))


@refusals
def pcs_prodtask_plan(ctx: Ctx, name: TaskName) -> dict[str, Any]:
    """What would be sent for a task and whether it is approved (writes nothing): {name,
    status, approval_state (approved, stale, none), approval, payload_sha256, changed,
    problems, task_params (the JEDI taskParamMap), task_params_json}."""
    with app_of(ctx).publisher().reading() as uow:
        task = task_svc.resolve_task(uow.state, str(name))
        return approval_svc.approval_view(uow.state, task)


@refusals
def pcs_prodtask_compose_outputs(
    ctx: Ctx,
    task_name: Annotated[
        str | int | None, Field(description="One draft task; omitted: every draft task.")
    ] = None,
    created_by: Identity = DEFAULT_IDENTITY,
) -> dict[str, Any]:
    """Compose the output datasets of a draft task from its input and config (an output
    another request produces is refused with a pointer to it); without task_name, of every
    draft task, collisions told apart by a sample variant and listed in notes. Returns
    {tasks: [{name, changed, output_datasets, problems, notes}], changed, notes, commit}."""
    name = None if task_name is None else str(task_name)
    return writes.compose_outputs(app_of(ctx).publisher(), name, actor_of(ctx, created_by))


@refusals
def pcs_prodtask_withdraw_stale_approvals(
    ctx: Ctx, created_by: Identity = DEFAULT_IDENTITY
) -> dict[str, Any]:
    """Send every ready task whose payload changed since its approval back to draft, each with
    a history entry naming what changed. Returns {withdrawn: [{name, reason, changed}],
    commit}."""
    actor = actor_of(ctx, created_by)
    return writes.withdraw_stale_approvals(app_of(ctx).publisher(), actor)


@refusals
def pcs_dataset_count_files(
    ctx: Ctx,
    name: Annotated[str, Field(description="Dataset name or DID.")],
    files: Annotated[
        int | None, Field(description="Record this count instead of reading the source.")
    ] = None,
    created_by: Identity = DEFAULT_IDENTITY,
) -> dict[str, Any]:
    """Record how many input files a dataset holds (a CSV manifest's lines or a directory's
    event files, read under the data roots; or the given count), so that a request for all
    events knows its size. Returns {name, files, how (counted, given), dataset, commit}."""
    app = app_of(ctx)
    counter = app.services.input_files() if files is None else None
    return writes.count_files(app.publisher(), counter, name, actor_of(ctx, created_by), files)


TOOLS = (
    (pcs_prodtask_approve, "Approve a task's payload", WRITE_IDEMPOTENT),
    (pcs_prodtask_plan, "Show a task's payload and approval", READ),
    (pcs_prodtask_compose_outputs, "Compose output datasets", WRITE_IDEMPOTENT),
    (pcs_prodtask_withdraw_stale_approvals, "Withdraw stale approvals", WRITE_IDEMPOTENT),
    (pcs_dataset_count_files, "Count an input's files", WRITE_IDEMPOTENT),
)
