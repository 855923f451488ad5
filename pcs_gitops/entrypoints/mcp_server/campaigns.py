"""MCP tools over campaigns: list, get, create, close, and cloning requests into one."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import Field

from pcs_gitops.entrypoints.mcp_server.common import (
    DEFAULT_IDENTITY,
    READ,
    WRITE_IDEMPOTENT,
    Ctx,
    Identity,
    actor_of,
    app_of,
    refusals,
)
from pcs_gitops.services import campaigns as campaign_svc
from pcs_gitops.services.cloning import CloneSelection
from pcs_gitops.services.usecases import campaigns as campaign_writes

CampaignName = Annotated[str, Field(description="The campaign family, e.g. 26.07.")]
Text = Annotated[str | None, Field(description="See the pcs CLI option of the same name.")]


@refusals
def pcs_campaign_list(
    ctx: Ctx, status: Annotated[str | None, Field(description="open or closed.")] = None
) -> dict[str, Any]:
    """List campaigns: {count, campaigns: [campaign record + tasks, by_status, withdrawn]}."""
    with app_of(ctx).publisher().reading() as uow:
        return campaign_svc.list_campaigns(uow.state, status)


@refusals
def pcs_campaign_get(ctx: Ctx, name: CampaignName) -> dict[str, Any]:
    """One campaign: its record (release, detector, production config defaults, status,
    history), its task counts and task_names."""
    with app_of(ctx).publisher().reading() as uow:
        return dict(campaign_svc.campaign_detail(uow.state, name))


@refusals
def pcs_campaign_create(
    ctx: Ctx,
    name: CampaignName,
    detector_version: Text = None,
    detector_config: Text = None,
    software_release: Text = None,
    prod_config: Annotated[str, Field(description="Production config of its tasks.")] = "",
    settings: Annotated[
        list[str] | None, Field(description="Production config defaults, KEY=VALUE each.")
    ] = None,
    description: Annotated[str, Field(description="What the campaign is for.")] = "",
    created_by: Identity = DEFAULT_IDENTITY,
) -> dict[str, Any]:
    """Create an open campaign (production managers): a family such as 26.07, its release
    (detector_version, default NAME.0), detector config, software release (jug_xl tag). The
    same campaign again changes nothing. Returns {created, name, campaign, commit}."""
    spec = campaign_svc.CampaignSpec(
        name=name,
        detector_version=detector_version,
        detector_config=detector_config,
        software_release=software_release,
        prod_config=prod_config,
        settings=tuple(settings or ()),
        description=description,
    )
    return campaign_writes.create_campaign(app_of(ctx).publisher(), spec, actor_of(ctx, created_by))


@refusals
def pcs_campaign_close(
    ctx: Ctx,
    name: CampaignName,
    reason: Annotated[str, Field(description="Why it closes.")] = "",
    created_by: Identity = DEFAULT_IDENTITY,
) -> dict[str, Any]:
    """Close a campaign (production managers): it takes no new tasks. Returns {name,
    campaign, commit}."""
    return campaign_writes.close_campaign(
        app_of(ctx).publisher(), name, reason, actor_of(ctx, created_by)
    )


@refusals
def pcs_prodtask_clone(
    ctx: Ctx,
    campaign: Annotated[str, Field(description="The open target campaign, e.g. 26.07.")],
    task_names: Annotated[
        list[str] | None, Field(description="Requests to clone (names or issue numbers).")
    ] = None,
    pwg: Annotated[str | None, Field(description="Or: every request of this PWG ...")] = None,
    status: Annotated[str | None, Field(description="... of this status ...")] = None,
    source_campaign: Annotated[
        str | None, Field(description="... of this campaign ('none': of none) ...")
    ] = None,
    name_contains: Annotated[
        str | None, Field(description="... whose name contains this text.")
    ] = None,
    created_by: Identity = DEFAULT_IDENTITY,
) -> dict[str, Any]:
    """Clone requests into an open campaign as new drafts (production managers): named
    <campaign>.<name>, cloned_from their source, inputs relinked, no approval copied; one
    commit (on GitHub one pull request listing them). Cloning again creates nothing. Returns
    {campaign, created, existing, skipped, clones, commit}."""
    selection = CloneSelection(
        names=tuple(task_names or ()),
        pwg=pwg,
        status=status,
        campaign=source_campaign,
        name_contains=name_contains,
    )
    return campaign_writes.clone_tasks(
        app_of(ctx).publisher(), campaign, selection, actor_of(ctx, created_by)
    )


TOOLS = (
    (pcs_campaign_list, "List campaigns", READ),
    (pcs_campaign_get, "Get a campaign", READ),
    (pcs_campaign_create, "Create a campaign", WRITE_IDEMPOTENT),
    (pcs_campaign_close, "Close a campaign", WRITE_IDEMPOTENT),
    (pcs_prodtask_clone, "Clone requests into a campaign", WRITE_IDEMPOTENT),
)
