"""MCP tools for PWG-authored physics configurations: create, edit and lock tags."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import Field

from pcs_gitops.entrypoints.mcp_server.common import (
    DEFAULT_IDENTITY,
    WRITE_IDEMPOTENT,
    Ctx,
    Identity,
    actor_of,
    app_of,
    refusals,
)
from pcs_gitops.services.tag_authoring import TagDraft
from pcs_gitops.services.usecases import tags as writes

Parameters = Annotated[
    dict[str, str], Field(description="Parameters by name, e.g. {'process': 'DIS_NC'}.")
]
Label = Annotated[str, Field(description="The tag label, e.g. p2005 or e12.")]


@refusals
def pcs_tag_create(
    ctx: Ctx,
    tag_type: Annotated[str, Field(description="physics or evgen (p or e).")],
    pwg: Annotated[str, Field(description="The authoring PWG (slug or name).")],
    parameters: Parameters,
    category: Annotated[
        int | None, Field(description="Physics category 1-6 (default: from the process).")
    ] = None,
    description: Annotated[str, Field(description="What the configuration is.")] = "",
    created_by: Identity = DEFAULT_IDENTITY,
) -> dict[str, Any]:
    """Author a draft physics or EvGen tag for a PWG (its members and conveners, production
    managers), checked against the template of its category; a parameter outside it is
    refused with its name. The same parameters again give the same tag. Returns {created,
    label, tag, commit}."""
    draft = TagDraft(tag_type, pwg, dict(parameters), description, category)
    return writes.create_tag(app_of(ctx).publisher(), draft, actor_of(ctx, created_by))


@refusals
def pcs_tag_edit(
    ctx: Ctx,
    tag_label: Label,
    parameters: Annotated[
        dict[str, str] | None,
        Field(description="Parameters to set; an empty value removes one."),
    ] = None,
    description: Annotated[str | None, Field(description="A new description.")] = None,
    created_by: Identity = DEFAULT_IDENTITY,
) -> dict[str, Any]:
    """Change a draft tag's parameters or description within its template (members and
    conveners of its PWG, production managers); a locked tag never changes. Returns {changed,
    label, tag, commit}."""
    return writes.edit_tag(
        app_of(ctx).publisher(),
        tag_label,
        dict(parameters or {}),
        description,
        actor_of(ctx, created_by),
    )


@refusals
def pcs_tag_lock(
    ctx: Ctx, tag_label: Label, created_by: Identity = DEFAULT_IDENTITY
) -> dict[str, Any]:
    """Lock (approve) a tag (production managers): it never changes again, and tasks using it
    may be approved. Returns {locked, label, tag, commit}."""
    return writes.lock_tag(app_of(ctx).publisher(), tag_label, actor_of(ctx, created_by))


TOOLS = (
    (pcs_tag_create, "Author a physics or EvGen tag", WRITE_IDEMPOTENT),
    (pcs_tag_edit, "Edit a draft tag", WRITE_IDEMPOTENT),
    (pcs_tag_lock, "Lock (approve) a tag", WRITE_IDEMPOTENT),
)
