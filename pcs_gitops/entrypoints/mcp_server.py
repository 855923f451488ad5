"""The MCP server (``pcs mcp``): PCS reads and writes as typed tools for a model.

The only module of ``pcs_gitops`` that imports ``mcp`` (the MCP Python SDK 2.x, whose
high-level server is ``mcp.server.mcpserver.MCPServer``).

Design
------
* **Thin.** Every tool calls the same service function as the matching ``pcs`` command, through
  the same unit of work, and commits under the same condition; the CLI and MCP therefore give
  identical verdicts and write identical records. The acting identity is recorded in history as
  ``created_by`` (default ``mcp``) with surface ``mcp``.
* **Refusals.** A :class:`~pcs_gitops.errors.PcsError` becomes an ``isError`` tool result whose
  text is exactly the error's message (what the CLI prints after ``Error: ``) and whose
  structured content is ``{"error": <kind>, "message": ..., "exit_code": ...}``. The result is
  returned as a ``CallToolResult`` rather than raised as ``ToolError``, because the SDK prefixes
  a ``ToolError``'s text with ``Error executing tool <name>: ``. A refused call writes nothing.
* **No import-time construction.** :func:`create_server` registers the tools; the services, the
  lock and the GitHub port are built by the server's lifespan when it starts and reach the tools
  through ``ctx.request_context.lifespan_context``.
* **Serialised.** The SDK runs synchronous tools on worker threads; one lock per server makes
  each tool's load-change-write atomic with respect to the others.
* **Mode.** ``Settings.mcp_mode`` (``PCS_MCP_MODE``): ``local`` writes the working tree like the
  CLI. ``github`` runs the same service call on a branch built on the default branch
  (``PCS_DEFAULT_BRANCH``) and opens or updates that branch's one pull request
  (``services.branch_publishing``); the working tree and its HEAD never move. A task with a
  catalogue issue shares the request pipeline's ``pcs/request-<issue>`` branch and pull request;
  other tasks and dataset intakes get ``pcs/mcp-task-<name>`` / ``pcs/mcp-dataset-<digest>``.
  Without a token the branches are local refs and the GitHub calls go to the outbox, as
  ``pcs gh handle --offline`` does. Results carry ``published`` {branch, base, commit, pull}.
* **Requests.** ``pcs_request_open_issue`` renders the body exactly as the issue form would
  (``render_issue_body``) and judges it with the pipeline's own code (``services.requests``
  parses the body back and validates it; the input dataset intake is tried on a copy of the
  state that is never written).
* **Submission is deliberately not a tool.**
"""

from __future__ import annotations

import hashlib
import json
import threading
from collections.abc import AsyncIterator, Callable, Iterator, Mapping, Sequence
from contextlib import asynccontextmanager, contextmanager
from dataclasses import dataclass, field
from functools import wraps
from pathlib import Path
from typing import Annotated, Any, ParamSpec, TypeVar, cast

from mcp.server.mcpserver import Context, MCPServer
from mcp.types import CallToolResult, TextContent, ToolAnnotations
from pydantic import Field

from pcs_gitops import bootstrap
from pcs_gitops.adapters.yaml_store import YamlStateStore, dump_yaml
from pcs_gitops.config import Settings
from pcs_gitops.domain import request_form as rf
from pcs_gitops.domain.catalog import (
    catalog_row,
    catalog_tasks,
    render_catalog,
)
from pcs_gitops.domain.issue_form import FormValue, IssueForm, parse_issue_body, render_issue_body
from pcs_gitops.domain.model import ProdTask
from pcs_gitops.domain.settings import CatalogSettings
from pcs_gitops.domain.state import State
from pcs_gitops.errors import PcsError, UsageError
from pcs_gitops.services import datasets as dataset_svc
from pcs_gitops.services import inference as inference_svc
from pcs_gitops.services import submission
from pcs_gitops.services import tags as tag_svc
from pcs_gitops.services import tasks as task_svc
from pcs_gitops.services.branch_publishing import (
    BranchPublisher,
    dataset_branch,
    intake_branch,
    task_branch,
)
from pcs_gitops.services.github_port import GitHubPort
from pcs_gitops.services.ports import Actor
from pcs_gitops.services.unit_of_work import CommitResult, UnitOfWork

__all__ = [
    "MODES",
    "SERVER_NAME",
    "TOOL_NAMES",
    "AppContext",
    "check_mode",
    "create_server",
    "default_github_port",
    "request_marker",
    "run",
]

SERVER_NAME = "pcs"
MODES = ("local", "github")
SURFACE = "mcp"
DEFAULT_IDENTITY = "mcp"
MARKER_PREFIX = "pcs-request"
INSTRUCTIONS = """\
PCS is the ePIC production configuration system: datasets (external inputs and produced
samples), production tasks (one per catalogue request, lifecycle draft -> ready -> submitted ->
completed | failed), tags (physics p, evgen e, simu s, reco r, background k) and the public
catalogue generated from them. Read with the pcs_*_list/get tools; write with the intake,
link-input, set-status and comment tools (each change is validated and written as the pcs CLI
would, and recorded in history). When the server runs in github mode a write lands on a branch
with a pull request for review instead of the working tree (the result's published field says
where). Refusals come back as errors whose text says what is wrong and what to do next.
Submission to PanDA is not available here.
"""

P = ParamSpec("P")
R = TypeVar("R")


# --------------------------------------------------------------------------- context


def default_github_port(services: bootstrap.Services) -> GitHubPort:
    """The GitHub REST client when a token is configured, else the offline outbox
    (``.pcs/outbox.jsonl``), as the request pipeline builds them."""
    return services.github_port(offline=not services.settings.github_token)


GitHubFactory = Callable[[bootstrap.Services], GitHubPort]


@dataclass
class AppContext:
    """What the tools share while the server runs (built by the lifespan)."""

    services: bootstrap.Services
    github_factory: GitHubFactory = default_github_port
    lock: threading.RLock = field(default_factory=threading.RLock)
    _github: GitHubPort | None = None
    _publisher: BranchPublisher | None = None

    @property
    def mode(self) -> str:
        return self.services.settings.mcp_mode

    @property
    def root(self) -> Path:
        return self.services.root

    @contextmanager
    def unit(self) -> Iterator[UnitOfWork]:
        """A unit of work, serialised with every other tool call of this server."""
        with self.lock, self.services.uow() as uow:
            yield uow

    def write(
        self,
        change: Callable[[State, str], R],
        *,
        message: Callable[[R], str],
        branch: Callable[[State], str],
        title: Callable[[R], str],
        body: Callable[[R], str],
        always_commit: bool = False,
    ) -> tuple[R, CommitResult | None, dict[str, Any] | None]:
        """Run a write tool's service call ``change(state, now)``; returns its result, the unit
        of work's commit (None when nothing was committed) and, in github mode, where it was
        published.

        local: in the working tree, committed when the state changed (or ``always_commit``).
        github: on ``branch(state of the working tree)``, committed when the state changed,
        published with one pull request (``title``/``body`` of the result)."""
        if self.mode != "github":
            with self.unit() as uow:
                out = change(uow.state, uow.clock.now())
                dirty = bool(uow.state.dirty)
                result = uow.commit(message(out)) if always_commit or dirty else None
            return out, result, None
        with self.lock:
            with self.services.uow() as uow:
                target = branch(uow.state)
            now = self.services.clock.now()
            done = self.publisher().publish(
                target, lambda state: change(state, now), message, title, body
            )
        return done.result, done.committed, done.published.to_dict()

    @contextmanager
    def dry_unit(self) -> Iterator[UnitOfWork]:
        """A unit of work whose commit validates everything and writes nothing."""
        services = self.services
        uow = UnitOfWork(_DryRunStore(services.store()), services.schemas(), None, services.clock)
        with self.lock, uow:
            yield uow

    def github(self) -> GitHubPort:
        if self._github is None:
            self._github = self.github_factory(self.services)
        return self._github

    def publisher(self) -> BranchPublisher:
        """The github mode's branch publisher (local refs and the outbox without a token)."""
        if self._publisher is None:
            offline = not self.services.settings.github_token
            self._publisher = self.services.branch_publisher(offline=offline, github=self.github())
        return self._publisher


class _DryRunStore:
    """A state store that reads the real records and only pretends to write."""

    def __init__(self, store: YamlStateStore) -> None:
        self._store = store

    def iter_files(self) -> Iterator[Any]:
        return iter(self._store.iter_files())

    def write(self, relpath: str, data: Any) -> bool:
        try:
            return bool(
                (self._store.root / relpath).read_bytes() != dump_yaml(data).encode("utf-8")
            )
        except FileNotFoundError:
            return True

    def delete(self, relpath: str) -> bool:
        return (self._store.root / relpath).exists()


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


def _commit(result: CommitResult | None) -> dict[str, object] | None:
    return result.to_dict() if result is not None else None


def _published(published: dict[str, Any] | None) -> dict[str, Any]:
    """``{"published": ...}`` in github mode; nothing in local mode (the result as the CLI's)."""
    return {} if published is None else {"published": published}


MCP_PULL_FOOTER = (
    "Made through the PCS MCP server (PCS_MCP_MODE=github). Derived files (catalogue CSV, "
    "pages, JSON API) are regenerated by pcs on every change; review the records and merge to "
    "apply."
)


def _task_pull_title(name: str) -> str:
    return f"[PCS] Task {name}"


def _task_pull_body(name: str) -> str:
    return f"Changes to the production task `{name}`.\n\n{MCP_PULL_FOOTER}"


Ctx = Context[AppContext, Any]
Identity = Annotated[
    str,
    Field(description="Who acts; recorded in the history of every record changed (surface mcp)."),
]


# --------------------------------------------------------------------------- datasets


@_refusals
def pcs_dataset_list(
    ctx: Ctx,
    stage: Annotated[
        str | None, Field(description="evgen, simu, reco, full or log; omit for all.")
    ] = None,
    source_kind: Annotated[
        str | None,
        Field(description="csv_manifest, path, url, rucio_did, file_list or internal."),
    ] = None,
    source_location: Annotated[
        str | None, Field(description="Exact source location (path, URL, DID).")
    ] = None,
    scope: Annotated[str | None, Field(description="Rucio scope, e.g. group.EIC.evgen.")] = None,
    name_contains: Annotated[
        str | None, Field(description="Case-insensitive text the dataset name must contain.")
    ] = None,
    limit: Annotated[int, Field(description="Page size.")] = 20,
    offset: Annotated[int, Field(description="Rows to skip (paging).")] = 0,
) -> dict[str, Any]:
    """List datasets (external inputs and produced samples), filtered and paged.

    Use it to find a dataset's name or DID before linking it to a task or looking it up with
    pcs_dataset_get. Returns {count (all matches), limit, offset, datasets: [{name, did, scope,
    detector_version, detector_config, stage, is_external, source_kind, source_location, tags,
    sample}]} sorted by name; page with offset.
    """
    with _app(ctx).unit() as uow:
        return dataset_svc.list_datasets(
            uow.state,
            stage=stage,
            source_kind=source_kind,
            source_location=source_location,
            scope=scope,
            name_contains=name_contains,
            limit=limit,
            offset=offset,
        )


@_refusals
def pcs_dataset_get(
    ctx: Ctx,
    did: Annotated[str | None, Field(description="The dataset's Rucio DID (scope:name).")] = None,
    dataset_name: Annotated[
        str | None, Field(description="The dataset name (or its unambiguous prefix).")
    ] = None,
) -> dict[str, Any]:
    """Show one dataset, by DID or by name (give exactly one).

    Returns the full record: name, did, scope, detector version and config, tags, sample, stage,
    source {kind, location}, description, created_by/created_at and history.
    """
    if (did is None) == (dataset_name is None):
        raise UsageError("give exactly one of did or dataset_name")
    key = did if did is not None else dataset_name
    assert key is not None
    with _app(ctx).unit() as uow:
        return dataset_svc.resolve_dataset(uow.state, key).to_dict()


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
        Field(
            description="csv_manifest, path, url, rucio_did or file_list; guessed from the "
            "location when omitted."
        ),
    ] = None,
    physics_tag: Annotated[
        str | None, Field(description="Physics tag label (p...); inferred when omitted.")
    ] = None,
    evgen_tag: Annotated[
        str | None, Field(description="Evgen tag label (e...); inferred when omitted.")
    ] = None,
    simu_tag: Annotated[str | None, Field(description="Simu tag label; default s0.")] = None,
    reco_tag: Annotated[str | None, Field(description="Reco tag label; default r0.")] = None,
    background_tag: Annotated[str | None, Field(description="Background tag label (k...).")] = None,
    detector_version: Annotated[
        str | None, Field(description="e.g. 26.02.0; default from the catalogue settings.")
    ] = None,
    detector_config: Annotated[
        str | None, Field(description="e.g. epic_craterlake; default from the settings.")
    ] = None,
    scope: Annotated[
        str | None,
        Field(description="Rucio scope; default the catalogue's default (group.EIC.evgen)."),
    ] = None,
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

    Idempotent on (source kind, location): calling it again returns the same dataset with
    created false and changes nothing (differences from what you supplied are listed in
    conflicts, not applied). Tags not given are inferred from the path; missing ones are
    created as draft tags. Use it before pcs_prodtask_intake/link_input to get an input DID.
    Returns {created, name, dataset (full record), conflicts, tags_created, notes, commit}.
    When the server runs in github mode the record is not written to the working tree: it is
    committed to the branch pcs/mcp-dataset-<digest of the source> and a pull request is opened
    (or kept up to date) for review; the result then also has published {branch, base, commit
    (null when nothing changed), pull {number, url, action}}.
    """
    request = dataset_svc.DatasetIntake(
        source_location=source_location,
        source_kind=source_kind,
        physics_tag=physics_tag,
        evgen_tag=evgen_tag,
        simu_tag=simu_tag,
        reco_tag=reco_tag,
        background_tag=background_tag,
        detector_version=detector_version,
        detector_config=detector_config,
        scope=scope,
        stage=stage,
        sample=sample,
        description=description,
        release_url=release_url,
    )
    actor = _actor(created_by)
    outcome, result, published = _app(ctx).write(
        lambda state, now: dataset_svc.intake_dataset(state, request, actor, now),
        message=lambda o: f"Dataset intake {o.dataset.name}",
        branch=lambda _state: dataset_branch(source_kind, source_location),
        title=lambda o: f"[PCS] Dataset {o.dataset.name}",
        body=lambda o: (
            f"Dataset `{o.dataset.name}` ({o.dataset.source.kind.value} "
            f"`{o.dataset.source.location}`), taken in through the PCS MCP server.\n\n"
            f"{MCP_PULL_FOOTER}"
        ),
    )
    return {
        "created": outcome.created,
        "name": outcome.dataset.name,
        "dataset": outcome.dataset.to_dict(),
        "conflicts": outcome.conflicts,
        "tags_created": outcome.tags_created,
        "notes": outcome.notes,
        "commit": _commit(result),
        **_published(published),
    }


# --------------------------------------------------------------------------- tasks

IssueNumber = Annotated[
    int | str | None,
    Field(description='GitHub issue number of the request (5, "5" and "#5" are one key).'),
]


@_refusals
def pcs_prodtask_list(
    ctx: Ctx,
    status: Annotated[
        str | None,
        Field(description="draft, ready, submitted, completed or failed; omit for all."),
    ] = None,
    public_catalog_issue: IssueNumber = None,
    name_contains: Annotated[
        str | None, Field(description="Case-insensitive text the task name must contain.")
    ] = None,
    limit: Annotated[int, Field(description="Page size.")] = 20,
    offset: Annotated[int, Field(description="Rows to skip (paging).")] = 0,
) -> dict[str, Any]:
    """List production tasks (one per catalogue request), filtered and paged.

    Returns {count (all matches), limit, offset, tasks: [{name, status, prod_config, pwg,
    priority, dataset_path, events, public_catalog_issue, public_catalog_row_key,
    input_datasets, output_datasets, panda_task_id, attempts, created_at}]} sorted by name.
    Use pcs_prodtask_get for one task's full record.
    """
    with _app(ctx).unit() as uow:
        return task_svc.list_tasks(
            uow.state,
            status=status,
            public_catalog_issue=public_catalog_issue,
            name_contains=name_contains,
            limit=limit,
            offset=offset,
            probe=bootstrap.path_probe,
        )


TaskName = Annotated[
    str,
    Field(description="Task name (or its issue number, or an unambiguous name prefix)."),
]


@_refusals
def pcs_prodtask_get(ctx: Ctx, name: TaskName) -> dict[str, Any]:
    """Show one production task: status, catalogue row, inputs, outputs, config, attempts,
    the public_catalog_* mapping and the full history."""
    with _app(ctx).unit() as uow:
        return task_svc.task_detail(uow.state, task_svc.resolve_task(uow.state, name))


@_refusals
def pcs_prodtask_artifact(
    ctx: Ctx,
    name: TaskName,
    fmt: Annotated[
        str,
        Field(
            description="condor (submit_csv.sh line), panda (prun command), jedi (taskParamMap) "
            "or dump (everything the builders derive)."
        ),
    ] = "dump",
) -> dict[str, Any]:
    """Build a submission artifact of a task from the records (writes nothing, submits nothing).

    Returns {name, fmt, text} where text is exactly what 'pcs task artifact NAME --fmt FMT'
    prints; for jedi and dump also artifact, the same JSON as an object. Use it to review what
    a submission would send.
    """
    with _app(ctx).unit() as uow:
        text = submission.render_artifact(uow.state, name, fmt)
        task = task_svc.resolve_task(uow.state, name)
        out: dict[str, Any] = {"name": task.name, "fmt": fmt, "text": text}
        if fmt == "jedi":
            from pcs_gitops.domain.artifacts import build_jedi

            out["artifact"] = build_jedi(uow.state, task)
        elif fmt == "dump":
            from pcs_gitops.domain.artifacts import build_dump

            out["artifact"] = build_dump(uow.state, task)
    return out


@_refusals
def pcs_prodtask_readiness(ctx: Ctx, name: TaskName) -> dict[str, Any]:
    """The readiness checklist of a task: what must hold before it may become ready.

    Returns {task, ready, substate (needs-input | needs-metadata | needs-config |
    awaiting-review for drafts), checks: [{id, title, ok, problems}], problems}. Fix the
    problems (intake, link-input) before pcs_prodtask_set_status(name, 'ready').
    """
    with _app(ctx).unit() as uow:
        found = task_svc.resolve_task(uow.state, name)
        check = task_svc.task_readiness(uow.state, name, bootstrap.path_probe)
    return check.to_dict(found.status)


CatalogValue = Annotated[str | None, Field(description="Catalogue column value.")]


def _task_request(
    *,
    public_catalog_issue: int | str | None,
    public_catalog_csv_path: str | None,
    public_catalog_row_key: str | None,
    public_catalog_repo: str | None,
    public_catalog_pr: int | str | None,
    public_catalog_row_index: int | str | None,
    public_catalog_page_url: str | None,
    public_catalog_commit_sha: str | None,
    name: str | None,
    dataset: str | None,
    prod_config: str | None,
    description: str | None,
    input_dataset_did: str | None,
    catalog: Mapping[str, str | None],
) -> task_svc.TaskIntake:
    return task_svc.TaskIntake(
        public_catalog_issue=public_catalog_issue,
        public_catalog_csv_path=public_catalog_csv_path,
        public_catalog_row_key=public_catalog_row_key,
        public_catalog_repo=public_catalog_repo,
        public_catalog_pr=public_catalog_pr,
        public_catalog_row_index=public_catalog_row_index,
        public_catalog_page_url=public_catalog_page_url,
        public_catalog_commit_sha=public_catalog_commit_sha,
        name=name,
        dataset=dataset,
        prod_config=prod_config,
        description=description,
        input_dataset_did=input_dataset_did,
        catalog={k: v for k, v in catalog.items() if v is not None},
    )


def _task_payload(outcome: task_svc.TaskIntakeOutcome) -> dict[str, Any]:
    return {
        "created": outcome.created,
        "name": outcome.task.name,
        "task": outcome.task.to_dict(),
        "changed": outcome.changed,
    }


@_refusals
def pcs_prodtask_intake(
    ctx: Ctx,
    public_catalog_issue: IssueNumber = None,
    public_catalog_csv_path: Annotated[
        str | None, Field(description="Catalogue CSV path (with public_catalog_row_key).")
    ] = None,
    public_catalog_row_key: Annotated[
        str | None, Field(description="Row key, e.g. 'Dataset Path=/volatile/...'.")
    ] = None,
    name: Annotated[
        str | None, Field(description="Task name; default derived from the key (issue-N).")
    ] = None,
    dataset: Annotated[str | None, Field(description="Input dataset, by name or DID.")] = None,
    prod_config: Annotated[
        str | None, Field(description="Production config name; default the standard one.")
    ] = None,
    description: Annotated[str | None, Field(description="Task description.")] = None,
    input_dataset_did: Annotated[
        str | None, Field(description="Input dataset DID (wins over dataset).")
    ] = None,
    public_catalog_repo: Annotated[
        str | None, Field(description="owner/name of the catalogue repository.")
    ] = None,
    public_catalog_pr: Annotated[
        int | str | None, Field(description="Pull request number.")
    ] = None,
    public_catalog_row_index: Annotated[
        int | str | None, Field(description="Row index in the catalogue file.")
    ] = None,
    public_catalog_page_url: Annotated[str | None, Field(description="Page URL.")] = None,
    public_catalog_commit_sha: Annotated[str | None, Field(description="Commit SHA.")] = None,
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
    row_description: Annotated[
        str | None, Field(description="The catalogue row's Description column.")
    ] = None,
    created_by: Identity = DEFAULT_IDENTITY,
) -> dict[str, Any]:
    """Create a draft production task for a catalogue request, or update the existing draft.

    Keyed on public_catalog_issue, or on public_catalog_csv_path + public_catalog_row_key:
    calling it again with the same key and values returns created false and writes nothing;
    new values are merged into the draft (refused once the task has left draft). The pwg ...
    row_description arguments are the task's public catalogue row. Use pcs_catalog_row_preview
    first to see the row without writing. Returns {created, name, task (full record), changed
    (fields changed), commit}. When the server runs in github mode the record is not written to
    the working tree: it is committed to the request branch pcs/request-<issue> (the same branch
    and pull request as the GitHub request pipeline), or pcs/mcp-task-<name> for a task keyed on
    a catalogue row, and that branch's pull request is opened or updated for review; the result
    then also has published {branch, base, commit, pull {number, url, action}}.
    """
    request = _task_request(
        public_catalog_issue=public_catalog_issue,
        public_catalog_csv_path=public_catalog_csv_path,
        public_catalog_row_key=public_catalog_row_key,
        public_catalog_repo=public_catalog_repo,
        public_catalog_pr=public_catalog_pr,
        public_catalog_row_index=public_catalog_row_index,
        public_catalog_page_url=public_catalog_page_url,
        public_catalog_commit_sha=public_catalog_commit_sha,
        name=name,
        dataset=dataset,
        prod_config=prod_config,
        description=description,
        input_dataset_did=input_dataset_did,
        catalog={
            "pwg": pwg,
            "priority": priority,
            "dataset_path": dataset_path,
            "generator_version": generator_version,
            "events": events,
            "background": background,
            "new_request": new_request,
            "pre_tdr_use": pre_tdr_use,
            "early_science_use": early_science_use,
            "other_use": other_use,
            "description": row_description,
        },
    )
    actor = _actor(created_by)
    outcome, result, published = _app(ctx).write(
        lambda state, now: task_svc.intake_task(state, request, actor, now),
        message=lambda o: f"Task intake {o.task.name}",
        branch=lambda state: intake_branch(state, request),
        title=lambda o: _task_pull_title(o.task.name),
        body=lambda o: _task_pull_body(o.task.name),
    )
    return {**_task_payload(outcome), "commit": _commit(result), **_published(published)}


@_refusals
def pcs_catalog_row_preview(
    ctx: Ctx,
    public_catalog_issue: IssueNumber = None,
    public_catalog_csv_path: Annotated[
        str | None, Field(description="Catalogue CSV path (with public_catalog_row_key).")
    ] = None,
    public_catalog_row_key: Annotated[
        str | None, Field(description="Row key, e.g. 'Dataset Path=/volatile/...'.")
    ] = None,
    name: Annotated[str | None, Field(description="Task name; default from the key.")] = None,
    dataset: Annotated[str | None, Field(description="Input dataset, by name or DID.")] = None,
    prod_config: Annotated[str | None, Field(description="Production config name.")] = None,
    description: Annotated[str | None, Field(description="Task description.")] = None,
    input_dataset_did: Annotated[str | None, Field(description="Input dataset DID.")] = None,
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
    row_description: Annotated[
        str | None, Field(description="The catalogue row's Description column.")
    ] = None,
) -> dict[str, Any]:
    """Preview the public catalogue row and page a task intake would produce; writes nothing.

    Takes the same arguments as pcs_prodtask_intake, runs the intake and the full validation
    in a unit of work that is never written, and returns {created, name, changed, row
    ({column title: value}, in catalogue column order), csv_line (the row as the catalogue CSV
    writes it, without the final CRLF; "" when the task has no row), row_number (1-based
    position among the data rows, null without a row), csv_path, page {path, url, html (the
    request's page exactly as the site would publish it)}, task (the record as it would be)}.
    Refusals are those pcs_prodtask_intake would give.
    """
    request = _task_request(
        public_catalog_issue=public_catalog_issue,
        public_catalog_csv_path=public_catalog_csv_path,
        public_catalog_row_key=public_catalog_row_key,
        public_catalog_repo=None,
        public_catalog_pr=None,
        public_catalog_row_index=None,
        public_catalog_page_url=None,
        public_catalog_commit_sha=None,
        name=name,
        dataset=dataset,
        prod_config=prod_config,
        description=description,
        input_dataset_did=input_dataset_did,
        catalog={
            "pwg": pwg,
            "priority": priority,
            "dataset_path": dataset_path,
            "generator_version": generator_version,
            "events": events,
            "background": background,
            "new_request": new_request,
            "pre_tdr_use": pre_tdr_use,
            "early_science_use": early_science_use,
            "other_use": other_use,
            "description": row_description,
        },
    )
    with _app(ctx).dry_unit() as uow:
        outcome = task_svc.intake_task(uow.state, request, _actor(None), uow.clock.now())
        if uow.state.dirty:
            uow.commit("preview")  # validates exactly as the real commit; writes nothing
        return {**_task_payload(outcome), **_row_view(uow.state, outcome.task)}


def _row_view(state: State, task: ProdTask) -> dict[str, Any]:
    settings: CatalogSettings = state.settings
    from pcs_gitops.adapters.rendering import request_page, url_name

    ordered = catalog_tasks(state.tasks.values())
    has_row = bool(task.catalog)
    csv_line = ""
    if has_row:
        rendered = render_catalog(settings, [task]).split("\r\n", 1)
        csv_line = rendered[1].removesuffix("\r\n") if len(rendered) > 1 else ""
    page_path = f"docs/requests/{task.name}.html"
    return {
        "row": catalog_row(settings, task) if has_row else {},
        "csv_line": csv_line,
        "row_number": next((i + 1 for i, t in enumerate(ordered) if t.name == task.name), None),
        "csv_path": settings.csv_path,
        "page": {
            "path": page_path,
            "url": f"{settings.site_url.rstrip('/')}/requests/{url_name(task.name)}.html",
            "html": request_page(state, task),
        },
    }


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
    """Set a draft task's input dataset(s), replacing the current list (give did or dids).

    Every DID must already be recorded (pcs_dataset_intake creates them); only draft tasks
    change. Linking the same list again changes nothing. Returns {name, task, commit}.
    In github mode the change is committed to the task's branch (pcs/request-<issue> for a task
    with a catalogue issue, the request pipeline's branch; else pcs/mcp-task-<name>) and its
    pull request is opened or updated, not written to the working tree; the result then also has
    published {branch, base, commit (null when nothing changed), pull {number, url, action}}.
    """
    wanted = dids.split(",") if isinstance(dids, str) else None if dids is None else list(dids)
    actor = _actor(created_by)
    updated, result, published = _app(ctx).write(
        lambda state, now: task_svc.link_input(state, task_name, did, wanted, actor, now),
        message=lambda t: f"Link input of {t.name}",
        branch=lambda state: task_branch(state, task_name),
        title=lambda t: _task_pull_title(t.name),
        body=lambda t: _task_pull_body(t.name),
        always_commit=True,
    )
    return {
        "name": updated.name,
        "task": updated.to_dict(),
        "commit": _commit(result),
        **_published(published),
    }


@_refusals
def pcs_prodtask_set_status(
    ctx: Ctx,
    task_name: TaskName,
    status: Annotated[str, Field(description="Target status: draft, ready, completed or failed.")],
    created_by: Identity = DEFAULT_IDENTITY,
) -> dict[str, Any]:
    """Move a task through its lifecycle: draft -> ready (only when every readiness check
    passes), ready -> draft, submitted -> completed | failed.

    A task becomes submitted only through a recorded PanDA submission, which is not available
    here. Setting the current status again changes nothing. Refused transitions come back as
    errors naming the allowed ones. Returns {name, from, status, task, commit}.
    In github mode the change is committed to the task's branch (pcs/request-<issue> for a task
    with a catalogue issue, the request pipeline's branch; else pcs/mcp-task-<name>) and its
    pull request is opened or updated, not written to the working tree; the result then also has
    published {branch, base, commit (null when nothing changed), pull {number, url, action}}.
    """
    actor = _actor(created_by)

    def change(state: State, now: str) -> tuple[str, ProdTask]:
        before = task_svc.resolve_task(state, task_name).status.value
        updated = task_svc.set_status(state, task_name, status, actor, now, bootstrap.path_probe)
        return before, updated

    (before, updated), result, published = _app(ctx).write(
        change,
        message=lambda c: f"Task {c[1].name}: {c[0]} -> {c[1].status.value}",
        branch=lambda state: task_branch(state, task_name),
        title=lambda c: _task_pull_title(c[1].name),
        body=lambda c: _task_pull_body(c[1].name),
        always_commit=True,
    )
    return {
        "name": updated.name,
        "from": before,
        "status": updated.status.value,
        "task": updated.to_dict(),
        "commit": _commit(result),
        **_published(published),
    }


@_refusals
def pcs_prodtask_comment(
    ctx: Ctx,
    task_name: TaskName,
    text: Annotated[str, Field(description="The comment (plain text).")],
    created_by: Identity = DEFAULT_IDENTITY,
) -> dict[str, Any]:
    """Append a comment to a task's history (any status). Not idempotent: each call adds one.

    Returns {name, history (every entry, oldest first), commit}.
    In github mode the change is committed to the task's branch (pcs/request-<issue> for a task
    with a catalogue issue, the request pipeline's branch; else pcs/mcp-task-<name>) and its
    pull request is opened or updated, not written to the working tree; the result then also has
    published {branch, base, commit (null when nothing changed), pull {number, url, action}}.
    """
    actor = _actor(created_by)
    updated, result, published = _app(ctx).write(
        lambda state, now: task_svc.comment(state, task_name, text, actor, now),
        message=lambda t: f"Comment on {t.name}",
        branch=lambda state: task_branch(state, task_name),
        title=lambda t: _task_pull_title(t.name),
        body=lambda t: _task_pull_body(t.name),
        always_commit=True,
    )
    return {
        "name": updated.name,
        "history": [h.to_dict() for h in updated.history],
        "commit": _commit(result),
        **_published(published),
    }


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
    existing tags match. Writes nothing.

    Use it before pcs_dataset_intake to see which tags an intake would reuse or create.
    Returns {path, physics, evgen, background, beams, sample, notes, tags: {kind: {match,
    options}}, open (what the path leaves undetermined)}.
    """
    with _app(ctx).unit() as uow:
        return inference_svc.describe(uow.state, path, release_url)


@_refusals
def pcs_tag_list(
    ctx: Ctx,
    tag_type: Annotated[
        str | None,
        Field(description="physics, evgen, simu, reco or background (or p, e, s, r, k)."),
    ] = None,
    status: Annotated[str | None, Field(description="draft or locked.")] = None,
    search: Annotated[
        str | None,
        Field(description="Case-insensitive text in the label, description or a parameter."),
    ] = None,
    limit: Annotated[int, Field(description="Page size.")] = 100,
    offset: Annotated[int, Field(description="Rows to skip (paging).")] = 0,
) -> dict[str, Any]:
    """List tags (reusable parameter sets named p..., e..., s..., r..., k...).

    Returns {count, limit, offset, tags: [{label, kind, number, status, description,
    parameters, created_by, created_at, category (physics only)}]}.
    """
    with _app(ctx).unit() as uow:
        return tag_svc.list_tags(
            uow.state, tag_type=tag_type, status=status, search=search, limit=limit, offset=offset
        )


@_refusals
def pcs_tag_get(
    ctx: Ctx, tag_label: Annotated[str, Field(description="The tag label, e.g. p2001 or e3.")]
) -> dict[str, Any]:
    """Show one tag: kind, number, status, description, parameters, creator."""
    with _app(ctx).unit() as uow:
        return tag_svc.tag_summary(tag_svc.get_tag(uow.state, tag_label))


@_refusals
def pcs_tag_search(
    ctx: Ctx,
    query: Annotated[
        str, Field(description="Text to find in labels, descriptions and parameter values.")
    ],
    tag_type: Annotated[
        str | None, Field(description="Restrict to one kind (physics, evgen, ... or p, e, ...).")
    ] = None,
) -> dict[str, Any]:
    """Find tags whose label, description or parameter values contain the query (any case),
    e.g. a generator name or a process. Returns the same shape as pcs_tag_list."""
    if not query.strip():
        raise UsageError("a tag search needs a query")
    with _app(ctx).unit() as uow:
        return tag_svc.list_tags(uow.state, tag_type=tag_type, search=query.strip())


# --------------------------------------------------------------------------- request issues


def request_marker(title: str, answers: Mapping[str, FormValue]) -> str:
    """The hidden marker that makes opening the same request twice find the first issue."""
    canonical = json.dumps(
        {"title": title, "answers": dict(answers)},
        sort_keys=True,
        ensure_ascii=False,
        separators=(",", ":"),
    )
    digest = hashlib.sha256(canonical.encode("utf-8")).hexdigest()[:16]
    return f"<!-- {MARKER_PREFIX}: {digest} -->"


def _choose(option_values: Sequence[str], value: str) -> str | None:
    """The form option ``value`` names (exact, then ignoring case, then by its leading word)."""
    text = value.strip()
    if text in option_values:
        return text
    folded = text.casefold()
    for option in option_values:
        if option.casefold() == folded:
            return option
    for option in option_values:
        if option.split(" (", 1)[0].casefold() == folded:
            return option
    return None


def _normalise_answers(
    form: IssueForm, state: State, raw: Mapping[str, str | None]
) -> tuple[dict[str, FormValue], list[str]]:
    """Answers as the form holds them (dropdowns mapped to their options), and the problems."""
    answers: dict[str, FormValue] = {}
    problems: list[str] = []
    known = {f.id for f in form.fields}
    for field_id in sorted(set(raw) - known):
        if raw[field_id] not in (None, ""):
            problems.append(f"{field_id}: the request form has no such field")
    for f in form.fields:
        value = raw.get(f.id)
        text = value if value is not None else ""
        if not text.strip():
            if f.required:
                problems.append(f"{f.label}: is required")
            continue
        if f.type == "dropdown":
            wanted = text
            if f.id == "dsc_or_pwg":
                slug = state.settings.pwg_slug(text)
                pwg = state.settings.pwg_by_slug(slug) if slug else None
                wanted = pwg.name if pwg is not None else text
            option = _choose(f.options, wanted)
            if option is None:
                problems.append(
                    f"{f.label}: '{text}' is not one of {', '.join(repr(o) for o in f.options)}"
                )
                continue
            answers[f.id] = option
        elif f.type == "checkboxes":
            answers[f.id] = [p.strip() for p in text.split(",") if p.strip()]
        else:
            answers[f.id] = text if f.type == "textarea" else text.strip()
    return answers, problems


def _pipeline_verdict(
    form: IssueForm, state: State, body: str, actor: Actor, now: str
) -> dict[str, Any]:
    """What the request pipeline would make of an issue with this body (in ``state``, which is
    changed and must not be committed): its refusals, notes, catalogue values and input."""
    verdict = rf.answers_from_form(form, parse_issue_body(form, body), state.settings)
    problems = [f"{label}: {why}" for label, why in verdict.problems.items()]
    notes = list(verdict.notes)
    input_dataset: dict[str, Any] | None = None
    dataset_req = verdict.dataset_intake(description="input of a dataset request")
    if dataset_req is not None:
        try:
            outcome = dataset_svc.intake_dataset(state, dataset_req, actor, now)
        except PcsError as exc:
            label = form.field("dataset_path").label
            problems.append(f"{label}: the input dataset could not be taken in: {exc}")
        else:
            input_dataset = {
                "name": outcome.dataset.name,
                "did": outcome.dataset.did,
                "exists": not outcome.created,
                "tags_created": outcome.tags_created,
            }
            if outcome.conflicts:
                notes.append(
                    f"The input dataset {outcome.dataset.name} exists already; these options "
                    f"would not be applied to it: {'; '.join(outcome.conflicts)}."
                )
    return {
        "problems": problems,
        "notes": notes,
        "catalog": dict(verdict.catalog),
        "input_dataset": input_dataset,
    }


@_refusals
def pcs_request_open_issue(
    ctx: Ctx,
    dsc_or_pwg: Annotated[
        str | None,
        Field(description="Requesting DSC or PWG: a form option (e.g. 'Jets & HF') or a slug."),
    ] = None,
    dataset_path: Annotated[
        str | None, Field(description="Path or URL of the simulation input files.")
    ] = None,
    generator_dataset_version: Annotated[
        str | None, Field(description="Link to the tagged generator/dataset release.")
    ] = None,
    number_of_events: Annotated[
        str | None, Field(description="e.g. 1M, 2.75M, 100k; blank for all.")
    ] = None,
    background: Annotated[str | None, Field(description="Yes or No.")] = None,
    new_request: Annotated[str | None, Field(description="Yes or No.")] = None,
    pre_tdr_use: Annotated[str | None, Field(description="Yes, No or Maybe.")] = None,
    early_science_use: Annotated[str | None, Field(description="Yes, No or Maybe.")] = None,
    other_use: Annotated[str | None, Field(description="Yes, No or Maybe.")] = None,
    description: Annotated[
        str | None, Field(description="The physics study the sample supports.")
    ] = None,
    priority: Annotated[
        str | None, Field(description="1 (Highest), 2 (Medium), 3 (Lower) or -1 (N/A).")
    ] = None,
    source_kind: Annotated[
        str | None, Field(description="csv_manifest, path, url, rucio_did or file_list.")
    ] = None,
    detector_version: Annotated[
        str | None, Field(description="Detector version / campaign, e.g. 26.02.0.")
    ] = None,
    physics_tag: Annotated[str | None, Field(description="Existing physics tag label.")] = None,
    evgen_tag: Annotated[str | None, Field(description="Existing evgen tag label.")] = None,
    contact: Annotated[str | None, Field(description="GitHub handle or e-mail.")] = None,
    title: Annotated[
        str | None,
        Field(description="Issue title after the form's prefix; default from the path."),
    ] = None,
    go: Annotated[
        bool, Field(description="false: preview only. true: open the issue (once).")
    ] = False,
) -> dict[str, Any]:
    """Prepare, and with go=true open, a dataset request issue exactly as the GitHub form would.

    Without go it returns {title, body (the body the issue form renders), labels, marker,
    problems, ok} and opens nothing: show it to the requester and fix the problems first. With
    go=true it refuses while problems remain, otherwise opens the issue through GitHub (or, with
    no token configured, the offline outbox .pcs/outbox.jsonl) and returns {..., created,
    number, via}. Idempotent: the body carries a hidden marker of the canonical fields, so the
    same request opened twice returns the first issue with created false. The issue starts the
    GitHub request pipeline; this tool changes no record.
    """
    app = _app(ctx)
    raw: dict[str, str | None] = {
        "dsc_or_pwg": dsc_or_pwg,
        "dataset_path": dataset_path,
        "generator_dataset_version": generator_dataset_version,
        "number_of_events": number_of_events,
        "background": background,
        "new_request": new_request,
        "pre_tdr_use": pre_tdr_use,
        "early_science_use": early_science_use,
        "other_use": other_use,
        "description": description,
        "priority": priority,
        "source_kind": source_kind,
        "detector_version": detector_version,
        "physics_tag": physics_tag,
        "evgen_tag": evgen_tag,
        "contact": contact,
    }
    form = app.services.issue_form()
    with app.dry_unit() as uow:  # the pipeline's take-in, tried on a copy that is never written
        state = uow.state
        answers, problems = _normalise_answers(form, state, raw)
        body = render_issue_body(form, answers)
        verdict = _pipeline_verdict(form, state, body, _actor(None), uow.clock.now())
    problems += verdict["problems"]
    issue_title = _issue_title(form, title, answers)
    marker = request_marker(issue_title, answers)
    out: dict[str, Any] = {
        "title": issue_title,
        "body": body,
        "labels": list(form.labels),
        "marker": marker,
        "issue_body": f"{marker}\n\n{body}",
        "problems": problems,
        "notes": verdict["notes"],
        "ok": not problems,
        "catalog": verdict["catalog"],
        "input_dataset": verdict["input_dataset"],
        "created": False,
        "number": None,
        "via": None,
    }
    if not go:
        return out
    if problems:
        raise UsageError(
            "the request was not opened; fix these first:\n  - " + "\n  - ".join(problems)
        )
    with app.lock:
        port = app.github()
        existing = port.find_issue_by_marker(marker)
        if existing is None:
            number = port.create_issue(
                title=issue_title, body=out["issue_body"], labels=list(form.labels)
            )
            out["created"] = True
        else:
            number = existing
    out["number"] = number
    out["via"] = type(port).__name__
    return out


def _issue_title(form: IssueForm, title: str | None, answers: Mapping[str, FormValue]) -> str:
    prefix = form.title
    text = (title or "").strip()
    if not text:
        path = answers.get("dataset_path")
        if isinstance(path, str) and path.strip():
            text = path.strip().rstrip("/")
            text = "/".join(text.split("/")[-4:]) if text.startswith("/") else text
        else:
            desc = answers.get("description")
            first = desc.strip().splitlines()[0] if isinstance(desc, str) and desc.strip() else ""
            text = first[:80] or "dataset request"
    if prefix.strip() and text.startswith(prefix.strip()):
        return text
    return f"{prefix}{text}" if prefix.endswith(" ") or not prefix else f"{prefix} {text}"


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


def check_mode(settings: Settings) -> None:
    """Refuse an unknown PCS_MCP_MODE before serving anything."""
    if settings.mcp_mode not in MODES:
        raise UsageError(
            f"PCS_MCP_MODE '{settings.mcp_mode}' is unknown; choose from {', '.join(MODES)}"
        )


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
        check_mode(services.settings)
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
