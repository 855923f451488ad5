"""MCP tools over dataset request issues."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import Field

from pcs_gitops.entrypoints.mcp_server.common import (
    OPEN_ISSUE,
    Ctx,
    actor_of,
    app_of,
    as_text,
    refusals,
)
from pcs_gitops.services.usecases import requests as request_cases

FormAnswer = Annotated[str | int | float | None, Field(description="The form field's answer.")]


@refusals
def pcs_request_open_issue(
    ctx: Ctx,
    dsc_or_pwg: Annotated[
        str | None, Field(description="Requesting DSC or PWG: a form option or a slug.")
    ] = None,
    dataset_path: Annotated[str | None, Field(description="Path or URL of the inputs.")] = None,
    generator_dataset_version: Annotated[
        str | None, Field(description="Link to the tagged generator/dataset release.")
    ] = None,
    number_of_events: Annotated[
        str | int | None, Field(description="e.g. 1M, 2.75M, 100k; blank for all.")
    ] = None,
    background: Annotated[str | None, Field(description="Yes or No.")] = None,
    new_request: Annotated[str | None, Field(description="Yes or No.")] = None,
    pre_tdr_use: Annotated[str | None, Field(description="Yes, No or Maybe.")] = None,
    early_science_use: Annotated[str | None, Field(description="Yes, No or Maybe.")] = None,
    other_use: Annotated[str | None, Field(description="Yes, No or Maybe.")] = None,
    description: Annotated[str | None, Field(description="The physics study.")] = None,
    priority: Annotated[
        str | int | None, Field(description="1 (Highest), 2 (Medium), 3 (Lower) or -1 (N/A).")
    ] = None,
    source_kind: FormAnswer = None,
    detector_version: FormAnswer = None,
    physics_tag: FormAnswer = None,
    evgen_tag: FormAnswer = None,
    contact: Annotated[str | None, Field(description="GitHub handle or e-mail.")] = None,
    sample_variant: Annotated[
        str | None, Field(description="Tells the output apart from an earlier request's.")
    ] = None,
    title: Annotated[str | None, Field(description="Issue title after the form's prefix.")] = None,
    go: Annotated[bool, Field(description="false: preview only. true: open the issue.")] = False,
) -> dict[str, Any]:
    """Prepare, and with go=true open, a dataset request issue exactly as the GitHub form would.

    Without go: {title, body (as the issue form renders it), labels, marker, problems, ok}; show
    it to the requester and fix the problems first. With go it refuses while problems remain,
    else opens the issue (GitHub, or the outbox without a token) and adds {created, number,
    via}. A hidden marker makes a second identical request return the first issue."""
    raw = {k: as_text(v) for k, v in locals().items() if k not in ("ctx", "title", "go")}
    app = app_of(ctx)
    form = app.services.issue_form()
    return request_cases.open_request_issue(
        app.publisher(), app.github(), form, raw, actor_of(ctx, None), title=title, go=go
    )


TOOLS = ((pcs_request_open_issue, "Open a dataset request issue", OPEN_ISSUE),)
