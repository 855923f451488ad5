"""The MCP server (``pcs mcp``): PCS reads and writes as typed tools for a model (docs/mcp.md).

The only module that imports ``mcp`` (the MCP Python SDK 2.x). Every tool translates its
arguments, calls one service function (the use cases the CLI and REST call) and returns its
plain data; where writes land is the publishing port bootstrap chose. A ``PcsError`` becomes an
``isError`` result whose text is exactly the CLI's message (returned, not raised as
``ToolError``, which the SDK would prefix). The services are built by the server's lifespan,
never at import. Submission is deliberately not a tool.
"""

from __future__ import annotations

import inspect
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from functools import wraps
from typing import Annotated, Any, ParamSpec, TypeVar, cast

from mcp.server.mcpserver import Context, MCPServer
from mcp.types import CallToolResult, TextContent, ToolAnnotations
from pydantic import Field

from pcs_gitops import bootstrap
from pcs_gitops.domain.intake import DatasetIntake, TaskIntake
from pcs_gitops.errors import PcsError, UsageError
from pcs_gitops.services import datasets as dataset_svc
from pcs_gitops.services import inference as inference_svc
from pcs_gitops.services import submission
from pcs_gitops.services import tags as tag_svc
from pcs_gitops.services import tasks as task_svc
from pcs_gitops.services.github_port import GitHubPort
from pcs_gitops.services.ports import Actor, Publisher
from pcs_gitops.services.usecases import datasets as dataset_writes
from pcs_gitops.services.usecases import requests as request_cases
from pcs_gitops.services.usecases import tasks as task_writes

__all__ = ["SERVER_NAME", "TOOL_NAMES", "AppContext", "create_server", "run"]

SERVER_NAME = "pcs"
SURFACE = "mcp"
DEFAULT_IDENTITY = "mcp"
INSTRUCTIONS = """\
PCS is the ePIC production configuration system: datasets (external inputs and produced
samples), production tasks (one per catalogue request, lifecycle draft -> ready -> submitted ->
completed | failed), tags (physics p, evgen e, simu s, reco r, background k) and the public
catalogue generated from them. Read with the pcs_*_list/get tools; write with the intake,
link-input, set-status and comment tools (each change is validated and written as the pcs CLI
would, and recorded in history). When the server publishes to GitHub (PCS_PUBLISH=github) a
write lands on a branch with a pull request for review instead of the working tree: the
result's published field {branch, base, commit (null when nothing changed), pull {number, url,
action}} says where. Refusals come back as errors whose text says what is wrong and what to do
next. Submission to PanDA is not available here.
"""

P = ParamSpec("P")
R = TypeVar("R")


# --------------------------------------------------------------------------- context


def default_github_port(services: bootstrap.Services) -> GitHubPort:
    """The GitHub REST client when a token is configured, else the offline outbox."""
    return services.github_port(offline=not services.settings.github_token)


GitHubFactory = Callable[[bootstrap.Services], GitHubPort]


@dataclass
class AppContext:
    """What the tools share while the server runs (built by the lifespan)."""

    services: bootstrap.Services
    github_factory: GitHubFactory = default_github_port
    _github: GitHubPort | None = None

    def github(self) -> GitHubPort:
        if self._github is None:
            self._github = self.github_factory(self.services)
        return self._github

    def publisher(self) -> Publisher:
        on_github = self.services.settings.publish_mode == "github"
        return self.services.publisher(github=self.github() if on_github else None)


def _app(ctx: Context[AppContext, Any]) -> AppContext:
    app = ctx.request_context.lifespan_context
    if not isinstance(app, AppContext):  # pragma: no cover - a wiring bug
        raise PcsError("internal error: the MCP server was started without its lifespan")
    return app


def _actor(created_by: str | None) -> Actor:
    login = (created_by or "").strip() or DEFAULT_IDENTITY
    if len(login) > 200 or any(ch.isspace() and ch != " " for ch in login):
        raise UsageError("created_by must be a short single-line identity (a login or a name)")
    return Actor(login, SURFACE)


def refusal(exc: PcsError) -> CallToolResult:
    """The isError result of a refused call: the CLI's message, verbatim."""
    message = str(exc)
    return CallToolResult(
        content=[TextContent(type="text", text=message)],
        structured_content={
            "error": type(exc).__name__,
            "message": message,
            "exit_code": exc.exit_code,
        },
        is_error=True,
    )


def _refusals(fn: Callable[P, R]) -> Callable[P, R]:
    """Turn a PcsError raised by the tool into an isError result carrying its message."""

    @wraps(fn)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return fn(*args, **kwargs)
        except PcsError as exc:
            return cast(R, refusal(exc))

    return wrapper


def _arguments_of(tool: Callable[..., Any]) -> Callable[[Callable[P, R]], Callable[P, R]]:
    """Give a tool the arguments (and so the input schema) of another tool."""

    def decorate(fn: Callable[P, R]) -> Callable[P, R]:
        fn.__signature__ = inspect.signature(tool, eval_str=True)  # type: ignore[attr-defined]
        fn.__annotations__ = dict(tool.__annotations__)
        return fn

    return decorate


def _text(value: object) -> str | None:
    """A documented name, number or text as the services take it (5 and "5" are one key)."""
    return None if value is None else str(value)


Ctx = Context[AppContext, Any]
Identity = Annotated[
    str,
    Field(description="Who acts; recorded in the history of every record changed (surface mcp)."),
]
Limit = Annotated[int, Field(description="Page size.")]
Offset = Annotated[int, Field(description="Rows to skip (paging).")]
TaskName = Annotated[
    str | int,
    Field(description="Task name (or its issue number, or an unambiguous name prefix)."),
]
IssueNumber = Annotated[
    int | str | None,
    Field(description='GitHub issue number of the request (5, "5" and "#5" are one key).'),
]
CatalogValue = Annotated[str | int | float | None, Field(description="Catalogue column value.")]
RowDescription = Annotated[str | None, Field(description="The catalogue row's Description.")]
Tag = Annotated[str | None, Field(description="Tag label; inferred or defaulted when omitted.")]
Opt = Annotated[str | None, Field(description="See the pcs CLI option of the same name.")]


# --------------------------------------------------------------------------- datasets


@_refusals
def pcs_dataset_list(
    ctx: Ctx,
    stage: Annotated[str | None, Field(description="evgen, simu, reco, full or log.")] = None,
    source_kind: Annotated[
        str | None, Field(description="csv_manifest, path, url, rucio_did, file_list, internal.")
    ] = None,
    source_location: Annotated[str | None, Field(description="Exact source location.")] = None,
    scope: Annotated[str | None, Field(description="Rucio scope, e.g. group.EIC.evgen.")] = None,
    name_contains: Annotated[str | None, Field(description="Text the name must contain.")] = None,
    limit: Limit = 20,
    offset: Offset = 0,
) -> dict[str, Any]:
    """List datasets (external inputs and produced samples), filtered and paged, to find a
    name or DID: {count, limit, offset, datasets: [{name, did, scope, detector_version,
    detector_config, stage, is_external, source_kind, source_location, tags, sample}]}."""
    filters = {k: v for k, v in locals().items() if k != "ctx"}
    with _app(ctx).publisher().reading() as uow:
        return dataset_svc.list_datasets(uow.state, **filters)


@_refusals
def pcs_dataset_get(
    ctx: Ctx,
    did: Annotated[str | None, Field(description="The dataset's Rucio DID (scope:name).")] = None,
    dataset_name: Annotated[
        str | None, Field(description="The dataset name (or its unambiguous prefix).")
    ] = None,
) -> dict[str, Any]:
    """Show one dataset, by DID or by name (give exactly one): name, did, scope, detector
    version and config, tags, sample, stage, source {kind, location}, description, history."""
    if (did is None) == (dataset_name is None):
        raise UsageError("give exactly one of did or dataset_name")
    with _app(ctx).publisher().reading() as uow:
        return dataset_svc.resolve_dataset(uow.state, str(did or dataset_name)).to_dict()


@_refusals
def pcs_dataset_intake(
    ctx: Ctx,
    source_location: Annotated[
        str,
        Field(
            description="Absolute path, http(s) URL, Rucio DID (scope:name), .csv manifest path "
            "or comma-separated file list."
        ),
    ],
    source_kind: Annotated[
        str | None,
        Field(description="csv_manifest, path, url, rucio_did or file_list; guessed if omitted."),
    ] = None,
    physics_tag: Tag = None,
    evgen_tag: Tag = None,
    simu_tag: Tag = None,
    reco_tag: Tag = None,
    background_tag: Tag = None,
    detector_version: Annotated[str | None, Field(description="e.g. 26.02.0.")] = None,
    detector_config: Annotated[str | None, Field(description="e.g. epic_craterlake.")] = None,
    scope: Annotated[str | None, Field(description="Rucio scope (group.EIC.evgen).")] = None,
    stage: Annotated[str, Field(description="evgen, simu, reco, full or log.")] = "evgen",
    sample: Annotated[
        str | None, Field(description="Sample discriminator when two inputs would share a name.")
    ] = None,
    release_url: Annotated[
        str | None, Field(description="Generator/dataset release URL (adds the version).")
    ] = None,
    description: Annotated[str, Field(description="Free text.")] = "",
    created_by: Identity = DEFAULT_IDENTITY,
) -> dict[str, Any]:
    """Return the dataset recorded for an external source, creating it when it is new.

    Idempotent on (source kind, location): a repeat returns created false and changes nothing
    (differences from what you supplied are listed in conflicts). Tags not given are inferred
    from the path; missing ones are created as draft tags. Returns {created, name, dataset,
    conflicts, tags_created, notes, commit} (and published: branch pcs/dataset-<digest>).
    """
    request = DatasetIntake.from_arguments(locals())
    return dataset_writes.intake_dataset(_app(ctx).publisher(), request, _actor(created_by))


# --------------------------------------------------------------------------- tasks


@_refusals
def pcs_prodtask_list(
    ctx: Ctx,
    status: Annotated[
        str | None, Field(description="draft, ready, submitted, completed or failed.")
    ] = None,
    public_catalog_issue: IssueNumber = None,
    name_contains: Annotated[str | None, Field(description="Text the name must contain.")] = None,
    limit: Limit = 20,
    offset: Offset = 0,
) -> dict[str, Any]:
    """List production tasks (one per catalogue request), filtered and paged: {count, limit,
    offset, tasks: [{name, status, substate, prod_config, pwg, priority, dataset_path, events,
    public_catalog_issue, input_datasets, output_datasets, panda_task_id, attempts}]}."""
    filters = {k: v for k, v in locals().items() if k != "ctx"}
    with _app(ctx).publisher().reading() as uow:
        return task_svc.list_tasks(uow.state, probe=uow.probe, **filters)


@_refusals
def pcs_prodtask_get(ctx: Ctx, name: TaskName) -> dict[str, Any]:
    """Show one production task: status, catalogue row, inputs, outputs, config, attempts,
    the public_catalog_* mapping and the full history."""
    with _app(ctx).publisher().reading() as uow:
        return task_svc.task_detail(uow.state, task_svc.resolve_task(uow.state, str(name)))


@_refusals
def pcs_prodtask_artifact(
    ctx: Ctx,
    name: TaskName,
    fmt: Annotated[str, Field(description="condor, panda (prun), jedi or dump.")] = "dump",
) -> dict[str, Any]:
    """A task's submission artifact from the records (writes and submits nothing): {name, fmt,
    text (what 'pcs task artifact' prints)}, plus artifact (the JSON) for jedi and dump."""
    with _app(ctx).publisher().reading() as uow:
        return submission.artifact_payload(uow.state, str(name), fmt)


@_refusals
def pcs_prodtask_readiness(ctx: Ctx, name: TaskName) -> dict[str, Any]:
    """What must hold before a task may become ready: {task, ready, substate (needs-input,
    needs-metadata, needs-config, awaiting-review), checks: [{id, title, ok, problems}]}."""
    with _app(ctx).publisher().reading() as uow:
        found = task_svc.resolve_task(uow.state, str(name))
        return task_svc.task_readiness(uow.state, found.name, uow.probe).to_dict(found.status)


@_refusals
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
    return task_writes.intake_task(_app(ctx).publisher(), request, _actor(created_by))


@_refusals
@_arguments_of(pcs_prodtask_intake)
def pcs_catalog_row_preview(ctx: Ctx, **arguments: Any) -> dict[str, Any]:
    """Preview the catalogue row and page a task intake would produce; writes nothing.

    Takes the arguments of pcs_prodtask_intake and validates as it would; returns {created,
    name, changed, row ({column title: value}), csv_line (without CRLF), row_number, csv_path,
    page {path, url, html (exactly as the site publishes it)}, task}."""
    app = _app(ctx)
    request = TaskIntake.from_arguments(arguments)
    actor = _actor(arguments.get("created_by"))
    pages = app.services.pages()
    return request_cases.preview_task_intake(app.publisher(), pages, request, actor)


@_refusals
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
        _app(ctx).publisher(), str(task_name), _actor(created_by), did=did, dids=wanted
    )


@_refusals
def pcs_prodtask_set_status(
    ctx: Ctx,
    task_name: TaskName,
    status: Annotated[str, Field(description="Target status: draft, ready, completed or failed.")],
    created_by: Identity = DEFAULT_IDENTITY,
) -> dict[str, Any]:
    """Move a task through its lifecycle: draft -> ready (when every readiness check passes),
    ready -> draft, submitted -> completed | failed (submitted only comes from a recorded PanDA
    submission). Returns {name, from, status, task, commit} (and published)."""
    return task_writes.set_status(_app(ctx).publisher(), str(task_name), status, _actor(created_by))


@_refusals
def pcs_prodtask_comment(
    ctx: Ctx,
    task_name: TaskName,
    text: Annotated[str, Field(description="The comment (plain text).")],
    created_by: Identity = DEFAULT_IDENTITY,
) -> dict[str, Any]:
    """Append a comment to a task's history (any status). Not idempotent: each call adds one.

    Returns {name, history (every entry, oldest first), commit} (and published)."""
    return task_writes.comment(_app(ctx).publisher(), str(task_name), text, _actor(created_by))


# --------------------------------------------------------------------------- inference, tags


@_refusals
def pcs_infer(
    ctx: Ctx,
    path: Annotated[str, Field(description="A dataset path, e.g. /volatile/eic/EPIC/EVGEN/...")],
    release_url: Annotated[
        str | None, Field(description="The generator/dataset release URL, if known.")
    ] = None,
) -> dict[str, Any]:
    """Show what a path (and release URL) say about physics, generator and sample, and which
    existing tags match. Writes nothing. Returns {path, physics, evgen, background, beams,
    sample, notes, tags: {kind: {match, options}}, open (what the path leaves undetermined)}.
    """
    with _app(ctx).publisher().reading() as uow:
        return inference_svc.describe(uow.state, path, release_url)


TagType = Annotated[
    str | None, Field(description="physics, evgen, simu, reco or background (or p, e, s, r, k).")
]


@_refusals
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
    with _app(ctx).publisher().reading() as uow:
        return tag_svc.list_tags(uow.state, **filters)


@_refusals
def pcs_tag_get(
    ctx: Ctx, tag_label: Annotated[str, Field(description="The tag label, e.g. p2001 or e3.")]
) -> dict[str, Any]:
    """Show one tag: kind, number, status, description, parameters, creator."""
    with _app(ctx).publisher().reading() as uow:
        return tag_svc.tag_summary(tag_svc.get_tag(uow.state, tag_label))


@_refusals
def pcs_tag_search(
    ctx: Ctx,
    query: Annotated[str, Field(description="Text to find in labels, descriptions, values.")],
    tag_type: TagType = None,
) -> dict[str, Any]:
    """Find tags whose label, description or parameter values contain the query (any case),
    e.g. a generator name or a process. Returns the same shape as pcs_tag_list."""
    if not query.strip():
        raise UsageError("a tag search needs a query")
    with _app(ctx).publisher().reading() as uow:
        return tag_svc.list_tags(uow.state, tag_type=tag_type, search=query.strip())


# --------------------------------------------------------------------------- request issues

FormAnswer = Annotated[str | int | float | None, Field(description="The form field's answer.")]


@_refusals
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
    title: Annotated[str | None, Field(description="Issue title after the form's prefix.")] = None,
    go: Annotated[bool, Field(description="false: preview only. true: open the issue.")] = False,
) -> dict[str, Any]:
    """Prepare, and with go=true open, a dataset request issue exactly as the GitHub form would.

    Without go: {title, body (as the issue form renders it), labels, marker, problems, ok}; show
    it to the requester and fix the problems first. With go it refuses while problems remain,
    else opens the issue (GitHub, or the outbox without a token) and adds {created, number,
    via}. A hidden marker makes a second identical request return the first issue."""
    raw = {k: _text(v) for k, v in locals().items() if k not in ("ctx", "title", "go")}
    app = _app(ctx)
    form = app.services.issue_form()
    return request_cases.open_request_issue(
        app.publisher(), app.github(), form, raw, _actor(None), title=title, go=go
    )


# --------------------------------------------------------------------------- the server

READ = ToolAnnotations(read_only_hint=True, open_world_hint=False)
WRITE_IDEMPOTENT = ToolAnnotations(
    read_only_hint=False, destructive_hint=False, idempotent_hint=True, open_world_hint=False
)
WRITE_APPEND = ToolAnnotations(
    read_only_hint=False, destructive_hint=False, idempotent_hint=False, open_world_hint=False
)
OPEN_ISSUE = ToolAnnotations(
    read_only_hint=False, destructive_hint=False, idempotent_hint=True, open_world_hint=True
)

TOOLS: tuple[tuple[Callable[..., Any], str, ToolAnnotations], ...] = (
    (pcs_dataset_list, "List datasets", READ),
    (pcs_dataset_get, "Get a dataset", READ),
    (pcs_dataset_intake, "Intake a dataset", WRITE_IDEMPOTENT),
    (pcs_prodtask_list, "List production tasks", READ),
    (pcs_prodtask_get, "Get a production task", READ),
    (pcs_prodtask_artifact, "Build a submission artifact", READ),
    (pcs_prodtask_readiness, "Readiness checklist", READ),
    (pcs_prodtask_intake, "Intake a production task", WRITE_IDEMPOTENT),
    (pcs_catalog_row_preview, "Preview a catalogue row", READ),
    (pcs_prodtask_link_input, "Link input datasets", WRITE_IDEMPOTENT),
    (pcs_prodtask_set_status, "Change a task's status", WRITE_IDEMPOTENT),
    (pcs_prodtask_comment, "Comment on a task", WRITE_APPEND),
    (pcs_infer, "Infer from a path", READ),
    (pcs_tag_list, "List tags", READ),
    (pcs_tag_get, "Get a tag", READ),
    (pcs_tag_search, "Search tags", READ),
    (pcs_request_open_issue, "Open a dataset request issue", OPEN_ISSUE),
)
TOOL_NAMES: tuple[str, ...] = tuple(fn.__name__ for fn, _, _ in TOOLS)


def create_server(
    services_factory: Callable[[], bootstrap.Services],
    *,
    github_factory: GitHubFactory | None = None,
    log_level: str = "WARNING",
) -> MCPServer[AppContext]:
    """The MCP server with every PCS tool; nothing is built until the server starts."""
    factory = github_factory or default_github_port

    @asynccontextmanager
    async def lifespan(_server: MCPServer[AppContext]) -> AsyncIterator[AppContext]:
        services = services_factory()
        services.check_publish_mode()  # an unknown PCS_PUBLISH is refused before serving
        yield AppContext(services=services, github_factory=factory)

    level = log_level.upper()
    if level not in ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"):
        raise UsageError(f"log level '{log_level}' is unknown")
    server: MCPServer[AppContext] = MCPServer(
        SERVER_NAME,
        title="ePIC production configuration system",
        instructions=INSTRUCTIONS,
        lifespan=lifespan,
        log_level=cast(Any, level),
    )
    for fn, title, hints in TOOLS:
        server.add_tool(fn, name=fn.__name__, title=title, annotations=hints)
    return server


def run(
    services_factory: Callable[[], bootstrap.Services],
    *,
    http: bool = False,
    host: str = "127.0.0.1",
    port: int = 8000,
    log_level: str = "WARNING",
) -> None:
    """Serve over stdio (default) or streamable HTTP on ``http://host:port/mcp``."""
    server = create_server(services_factory, log_level=log_level)
    if http:
        server.run("streamable-http", host=host, port=port)
    else:
        server.run("stdio")
