"""MCP tools over tags and inference."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import Field

from pcs_gitops.entrypoints.mcp_server.common import READ, Ctx, Limit, Offset, app_of, refusals
from pcs_gitops.errors import UsageError
from pcs_gitops.services import inference as inference_svc
from pcs_gitops.services import tags as tag_svc


@refusals
def pcs_infer(
    ctx: Ctx,
    path: Annotated[str, Field(description="A dataset path, e.g. /volatile/eic/EPIC/EVGEN/...")],
    release_url: Annotated[
        str | None, Field(description="The generator/dataset release URL, if known.")
    ] = None,
) -> dict[str, Any]:
    """Show what a path (a CSV manifest's file name included) and release URL say about
    physics, generator and sample, and which existing tags match. Writes nothing. Returns
    {path, physics, evgen, background, beams, sample, notes, tags: {kind: {match, options
    (neighbouring tags)}}, metadata: {field: {value, provenance, confidence, candidates}},
    open (what the path leaves undetermined), unknown (tag fields nothing revealed)}.
    """
    with app_of(ctx).publisher().reading() as uow:
        return inference_svc.describe(uow.state, path, release_url)


TagType = Annotated[
    str | None, Field(description="physics, evgen, simu, reco or background (or p, e, s, r, k).")
]


@refusals
def pcs_tag_list(
    ctx: Ctx,
    tag_type: TagType = None,
    status: Annotated[str | None, Field(description="draft or locked.")] = None,
    search: Annotated[
        str | None, Field(description="Text in the label, description or a parameter.")
    ] = None,
    limit: Limit = 100,
    offset: Offset = 0,
) -> dict[str, Any]:
    """List tags (parameter sets p..., e..., s..., r..., k...): {count, limit, offset, tags:
    [{label, kind, number, status, description, parameters, created_by, category}]}."""
    filters = {k: v for k, v in locals().items() if k != "ctx"}
    with app_of(ctx).publisher().reading() as uow:
        return tag_svc.list_tags(uow.state, **filters)


@refusals
def pcs_tag_get(
    ctx: Ctx, tag_label: Annotated[str, Field(description="The tag label, e.g. p2001 or e3.")]
) -> dict[str, Any]:
    """Show one tag: kind, number, status, description, parameters, creator."""
    with app_of(ctx).publisher().reading() as uow:
        return tag_svc.tag_summary(tag_svc.get_tag(uow.state, tag_label))


@refusals
def pcs_tag_search(
    ctx: Ctx,
    query: Annotated[str, Field(description="Text to find in labels, descriptions, values.")],
    tag_type: TagType = None,
) -> dict[str, Any]:
    """Find tags whose label, description or parameter values contain the query (any case),
    e.g. a generator name or a process. Returns the same shape as pcs_tag_list."""
    if not query.strip():
        raise UsageError("a tag search needs a query")
    with app_of(ctx).publisher().reading() as uow:
        return tag_svc.list_tags(uow.state, tag_type=tag_type, search=query.strip())


TOOLS = (
    (pcs_infer, "Infer from a path", READ),
    (pcs_tag_list, "List tags", READ),
    (pcs_tag_get, "Get a tag", READ),
    (pcs_tag_search, "Search tags", READ),
)
