"""MCP tools that change a request after it was filed (priority, withdrawal) and list the
stalled drafts."""

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
from pcs_gitops.services import reminders
from pcs_gitops.services.usecases import request_changes as writes

Reason = Annotated[str | None, Field(description="Why (kept in the task's history).")]


@refusals
def pcs_prodtask_priority(
    ctx: Ctx,
    task_name: TaskName,
    priority: Annotated[str | int, Field(description="1, 2, 3 or -1.")],
    reason: Reason = None,
    created_by: Identity = DEFAULT_IDENTITY,
) -> dict[str, Any]:
    """Set a request's priority in draft, ready or submitted (conveners of its PWG, production
    managers). Returns {name, status, task, from, priority, commit}."""
    return writes.set_priority(
        app_of(ctx).publisher(), str(task_name), priority, reason, actor_of(ctx, created_by)
    )


@refusals
def pcs_prodtask_withdraw(
    ctx: Ctx, task_name: TaskName, reason: Reason = None, created_by: Identity = DEFAULT_IDENTITY
) -> dict[str, Any]:
    """Withdraw a request (its requester before submission, or a production manager): it keeps
    its records and history and is never approved or submitted until reinstated. Returns
    {name, status, task, withdrawn {by, at, reason}, commit}."""
    return writes.withdraw(
        app_of(ctx).publisher(), str(task_name), reason, actor_of(ctx, created_by)
    )


@refusals
def pcs_prodtask_reinstate(
    ctx: Ctx, task_name: TaskName, reason: Reason = None, created_by: Identity = DEFAULT_IDENTITY
) -> dict[str, Any]:
    """Lift a request's withdrawal (production managers): it is a draft again. Returns {name,
    status, task, withdrawn (null), commit}."""
    return writes.reinstate(
        app_of(ctx).publisher(), str(task_name), reason, actor_of(ctx, created_by)
    )


@refusals
def pcs_stalled_list(
    ctx: Ctx,
    days: Annotated[
        int | None, Field(description="Unchanged this many days (default: the catalogue's).")
    ] = None,
) -> dict[str, Any]:
    """The stalled drafts 'pcs remind' would remind (writes and posts nothing): {days,
    stalled: [{task, issue, substate, since, days, period, missing, who}]}."""
    with app_of(ctx).publisher().reading() as uow:
        period = days or uow.state.settings.stalled_after_days
        found = reminders.stalled_drafts(uow.state, uow.clock.now(), period, uow.probe)
    return {"days": period, "stalled": [s.to_dict() for s in found]}


TOOLS = (
    (pcs_prodtask_priority, "Set a request's priority", WRITE_IDEMPOTENT),
    (pcs_prodtask_withdraw, "Withdraw a request", WRITE_IDEMPOTENT),
    (pcs_prodtask_reinstate, "Reinstate a request", WRITE_IDEMPOTENT),
    (pcs_stalled_list, "List stalled drafts", READ),
)
