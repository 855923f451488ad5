"""MCP tools over production tasks."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import Field

from pcs_gitops.domain.intake import TaskIntake
from pcs_gitops.entrypoints.mcp_server.common import (
    DEFAULT_IDENTITY,
    READ,
    WRITE_APPEND,
    WRITE_IDEMPOTENT,
    CatalogValue,
    Ctx,
    Identity,
    IssueNumber,
    Limit,
    Offset,
    Opt,
    RowDescription,
    TaskName,
    actor_of,
    app_of,
    arguments_of,
    refusals,
)
from pcs_gitops.services import submission
from pcs_gitops.services import tasks as task_svc
from pcs_gitops.services.usecases import requests as request_cases
from pcs_gitops.services.usecases import tasks as task_writes


@refusals
def pcs_prodtask_list(
    ctx: Ctx,
    status: Annotated[
        str | None, Field(description="draft, ready, submitted, completed or failed.")
    ] = None,
    substate: Annotated[
        str | None,
        Field(
            description="Only drafts in this sub-state: withdrawn, needs-input, needs-metadata, "
            "needs-config or awaiting-review."
        ),
    ] = None,
    pwg: Annotated[
        str | None, Field(description="Only requests of this DSC or PWG (slug or name).")
    ] = None,
    priority: Annotated[
        str | None, Field(description="Only requests of this catalogue priority: 1, 2, 3 or -1.")
    ] = None,
    public_catalog_issue: IssueNumber = None,
    name_contains: Annotated[str | None, Field(description="Text the name must contain.")] = None,
    limit: Limit = 20,
    offset: Offset = 0,
    campaign: Annotated[
        str | None, Field(description="Tasks of this campaign ('none': of no campaign).")
    ] = None,
) -> dict[str, Any]:
    """List production tasks (one per catalogue request), filtered and paged: {count, limit,
    offset, tasks: [{name, status, substate, campaign, withdrawn, prod_config, pwg, priority,
    dataset_path, events, public_catalog_issue, input_datasets, output_datasets,
    panda_task_id, attempts}]}."""
    filters = {k: v for k, v in locals().items() if k != "ctx"}
    with app_of(ctx).publisher().reading() as uow:
        return task_svc.list_tasks(uow.state, probe=uow.probe, **filters)


@refusals
def pcs_prodtask_get(ctx: Ctx, name: TaskName) -> dict[str, Any]:
    """Show one production task: status, catalogue row, inputs, outputs, config, attempts,
    the public_catalog_* mapping and the full history."""
    with app_of(ctx).publisher().reading() as uow:
        return task_svc.task_detail(uow.state, task_svc.resolve_task(uow.state, str(name)))


@refusals
def pcs_prodtask_artifact(
    ctx: Ctx,
    name: TaskName,
    fmt: Annotated[str, Field(description="condor, panda (prun), jedi or dump.")] = "dump",
) -> dict[str, Any]:
    """A task's submission artifact from the records (writes and submits nothing): {name, fmt,
    text (what 'pcs task artifact' prints)}, plus artifact (the JSON) for jedi and dump."""
    with app_of(ctx).publisher().reading() as uow:
        return submission.artifact_payload(uow.state, str(name), fmt)


@refusals
def pcs_prodtask_readiness(ctx: Ctx, name: TaskName) -> dict[str, Any]:
    """What must hold before a task may become ready: {task, ready, substate (needs-input,
    needs-metadata, needs-config, awaiting-review), checks: [{id, title, ok, problems}]}."""
    with app_of(ctx).publisher().reading() as uow:
        found = task_svc.resolve_task(uow.state, str(name))
        return task_svc.task_readiness(uow.state, found.name, uow.probe).to_dict(found.status)


@refusals
def pcs_prodtask_intake(
    ctx: Ctx,
    public_catalog_issue: IssueNumber = None,
    public_catalog_csv_path: Opt = None,
    public_catalog_row_key: Annotated[
        str | None, Field(description="Row key, e.g. 'Dataset Path=/volatile/...'.")
    ] = None,
    name: Annotated[str | None, Field(description="Task name; default from the key.")] = None,
    dataset: Annotated[str | None, Field(description="Input dataset, by name or DID.")] = None,
    prod_config: Annotated[str | None, Field(description="Production config name.")] = None,
    description: Annotated[str | None, Field(description="Task description.")] = None,
    input_dataset_did: Annotated[str | None, Field(description="Input DID (wins).")] = None,
    sample_variant: Annotated[
        str | None, Field(description="Tells the output apart from another request's.")
    ] = None,
    public_catalog_repo: Opt = None,
    public_catalog_pr: Annotated[int | str | None, Field(description="Pull request.")] = None,
    public_catalog_row_index: Annotated[int | str | None, Field(description="Row index.")] = None,
    public_catalog_page_url: Opt = None,
    public_catalog_commit_sha: Opt = None,
    pwg: CatalogValue = None,
    priority: CatalogValue = None,
    dataset_path: CatalogValue = None,
    generator_version: CatalogValue = None,
    events: CatalogValue = None,
    background: CatalogValue = None,
    new_request: CatalogValue = None,
    pre_tdr_use: CatalogValue = None,
    early_science_use: CatalogValue = None,
    other_use: CatalogValue = None,
    row_description: RowDescription = None,
    created_by: Identity = DEFAULT_IDENTITY,
) -> dict[str, Any]:
    """Create a draft production task for a catalogue request, or update the existing draft.

    Keyed on public_catalog_issue, or on public_catalog_csv_path + public_catalog_row_key: a
    repeat with the same values returns created false and writes nothing; new values merge into
    the draft (refused once it left draft). pwg ... row_description are the catalogue row.
    Returns {created, name, task, changed, commit} (and published: pcs/request-<issue>).
    """
    request = TaskIntake.from_arguments(locals())
    return task_writes.intake_task(app_of(ctx).publisher(), request, actor_of(ctx, created_by))


@refusals
@arguments_of(pcs_prodtask_intake)
def pcs_catalog_row_preview(ctx: Ctx, **arguments: Any) -> dict[str, Any]:
    """Preview the catalogue row and page a task intake would produce; writes nothing.

    Takes the arguments of pcs_prodtask_intake and validates as it would; returns {created,
    name, changed, row ({column title: value}), csv_line (without CRLF), row_number, csv_path,
    page {path, url, html (exactly as the site publishes it)}, task}."""
    app = app_of(ctx)
    request = TaskIntake.from_arguments(arguments)
    actor = actor_of(ctx, arguments.get("created_by"))
    pages = app.services.pages()
    return request_cases.preview_task_intake(app.publisher(), pages, request, actor)


@refusals
def pcs_prodtask_link_input(
    ctx: Ctx,
    task_name: TaskName,
    did: Annotated[str | None, Field(description="One input dataset DID.")] = None,
    dids: Annotated[
        list[str] | str | None,
        Field(description="Several input DIDs (a list, or one comma-separated string)."),
    ] = None,
    created_by: Identity = DEFAULT_IDENTITY,
) -> dict[str, Any]:
    """Set a draft task's input dataset(s), replacing the list (give did or dids). Every DID
    must be recorded already (pcs_dataset_intake); the same list again changes nothing.
    Returns {name, task, commit} (and published)."""
    wanted = dids.split(",") if isinstance(dids, str) else None if dids is None else list(dids)
    return task_writes.link_input(
        app_of(ctx).publisher(), str(task_name), actor_of(ctx, created_by), did=did, dids=wanted
    )


@refusals
def pcs_prodtask_set_status(
    ctx: Ctx,
    task_name: TaskName,
    status: Annotated[str, Field(description="Target status: draft, ready, completed or failed.")],
    reason: Annotated[
        str | None, Field(description="Why; needed for completed or failed set by hand.")
    ] = None,
    created_by: Identity = DEFAULT_IDENTITY,
) -> dict[str, Any]:
    """Move a task through its lifecycle: draft -> ready (when every readiness check passes),
    ready -> draft, submitted -> completed | failed (submitted only comes from a recorded PanDA
    submission). Returns {name, from, status, task, commit} (and published)."""
    actor = actor_of(ctx, created_by)
    return task_writes.set_status(app_of(ctx).publisher(), str(task_name), status, actor, reason)


@refusals
def pcs_prodtask_comment(
    ctx: Ctx,
    task_name: TaskName,
    text: Annotated[str, Field(description="The comment (plain text).")],
    created_by: Identity = DEFAULT_IDENTITY,
) -> dict[str, Any]:
    """Append a comment to a task's history (any status). Not idempotent: each call adds one.

    Returns {name, history (every entry, oldest first), commit} (and published)."""
    return task_writes.comment(
        app_of(ctx).publisher(), str(task_name), text, actor_of(ctx, created_by)
    )


TOOLS = (
    (pcs_prodtask_list, "List production tasks", READ),
    (pcs_prodtask_get, "Get a production task", READ),
    (pcs_prodtask_artifact, "Build a submission artifact", READ),
    (pcs_prodtask_readiness, "Readiness checklist", READ),
    (pcs_prodtask_intake, "Intake a production task", WRITE_IDEMPOTENT),
    (pcs_catalog_row_preview, "Preview a catalogue row", READ),
    (pcs_prodtask_link_input, "Link input datasets", WRITE_IDEMPOTENT),
    (pcs_prodtask_set_status, "Change a task's status", WRITE_IDEMPOTENT),
    (pcs_prodtask_comment, "Comment on a task", WRITE_APPEND),
)
