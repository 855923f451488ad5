"""The REST endpoints: one thin handler per operation and the route table they are served and
documented from (``ROUTES``).

Each handler takes the server's context and the call's converted arguments, calls one service
function (the write use cases of ``services.usecases``, the reads of ``services.tasks`` /
``services.datasets`` / ...), and returns its plain data: the mapping the CLI prints with
``--json`` and MCP returns. No framework here: ``rest.app`` serves the table with Starlette,
``rest.openapi`` documents it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, fields
from typing import Any

from pcs_gitops import bootstrap
from pcs_gitops.domain.intake import DatasetIntake, TaskIntake
from pcs_gitops.domain.model import CATALOG_FIELD_IDS
from pcs_gitops.entrypoints.rest.fields import BOOL, INT, LIST, Param
from pcs_gitops.errors import Unauthenticated
from pcs_gitops.services import approval as approval_svc
from pcs_gitops.services import datasets as dataset_svc
from pcs_gitops.services import inference as inference_svc
from pcs_gitops.services import submission
from pcs_gitops.services import tags as tag_svc
from pcs_gitops.services import tasks as task_svc
from pcs_gitops.services.github_port import GitHubPort
from pcs_gitops.services.ports import Actor, IdentityResolver, Publisher
from pcs_gitops.services.usecases import datasets as dataset_writes
from pcs_gitops.services.usecases import metadata as metadata_writes
from pcs_gitops.services.usecases import payload as payload_writes
from pcs_gitops.services.usecases import requests as request_cases
from pcs_gitops.services.usecases import tasks as task_writes

API = "/pcs/api"
SURFACE = "rest"
READER = Actor("rest", SURFACE)  # who a preview acts as (it writes nothing)


def default_github_port(services: bootstrap.Services) -> GitHubPort:
    """The GitHub REST client when a token is configured, else the offline outbox."""
    return services.github_port(offline=not services.settings.github_token)


@dataclass
class RestContext:
    """What the handlers share while the server runs."""

    services: bootstrap.Services
    identity: IdentityResolver
    github_factory: Callable[[bootstrap.Services], GitHubPort] = default_github_port
    _github: GitHubPort | None = None

    def github(self) -> GitHubPort:
        if self._github is None:
            self._github = self.github_factory(self.services)
        return self._github

    def publisher(self) -> Publisher:
        on_github = self.services.settings.publish_mode == "github"
        return self.services.publisher(github=self.github() if on_github else None)

    def authenticate(self, token: str | None) -> Actor:
        if not token:
            raise Unauthenticated(
                "this endpoint writes and needs a GitHub token: send "
                "'Authorization: Bearer <token>' (reads need none)"
            )
        return Actor(self.identity.login_for(token), SURFACE, teams=self.github())


@dataclass(frozen=True)
class Reply:
    body: Any
    status: int = 200


def created(payload: dict[str, Any]) -> Reply:
    """201 when the write created its record, else 200 (a repeat, or an update)."""
    return Reply(payload, 201 if payload.get("created") else 200)


Handler = Callable[[RestContext, dict[str, Any], Actor], Reply]


@dataclass(frozen=True)
class Endpoint:
    method: str
    path: str
    handler: Handler
    summary: str
    returns: str
    write: str | None = None  # a write: needs a token; who may (the use case decides)
    path_params: tuple[Param, ...] = ()
    query: tuple[Param, ...] = ()
    body: tuple[Param, ...] = ()
    created: bool = False  # answers 201 when it created a record

    @property
    def name(self) -> str:
        return self.handler.__name__


# who may write (the write use cases apply the role policy of domain/authz themselves)
FILERS = "anyone with a GitHub login"
CHANGERS = "the requester, a member of the request's PWG, a production manager or an admin"
MANAGERS = "production managers and admins (nobody approves their own request)"

# --------------------------------------------------------------------------- parameters

LIMIT = Param("limit", "Page size.", INT, default=20)
OFFSET = Param("offset", "Rows to skip (paging).", INT, default=0)
NAME_CONTAINS = Param("name_contains", "Text the name must contain (any case).")
TASK = Param("name", "Task name, its issue number, or an unambiguous name prefix.", required=True)
DATASET_FIELDS = (
    Param(
        "source_location",
        "Path, http(s) URL, Rucio DID, .csv manifest or file list.",
        required=True,
    ),
    Param("source_kind", "csv_manifest, path, url, rucio_did or file_list; guessed if omitted."),
    *(Param(f"{k}_tag", f"{k.title()} tag label.") for k in ("physics", "evgen", "simu", "reco")),
    Param("background_tag", "Background tag label."),
    Param("detector_version", "e.g. 26.02.0."),
    Param("detector_config", "e.g. epic_craterlake."),
    Param("scope", "Rucio scope (default group.EIC.evgen)."),
    Param("stage", "evgen, simu, reco, full or log.", default="evgen"),
    Param("sample", "Sample discriminator."),
    Param("release_url", "Generator/dataset release URL."),
    Param("description", "Free text.", default=""),
)
TASK_KEYS = tuple(f.name for f in fields(TaskIntake) if f.name != "catalog")
TASK_FIELDS = (
    *(Param(k, f"See 'pcs task intake --{k.replace('_', '-')}'.") for k in TASK_KEYS),
    *(
        Param("row_description" if k == "description" else k, f"Catalogue column {k}.")
        for k in CATALOG_FIELD_IDS
        if k != "issue"
    ),
)
FORM_FIELDS = (
    "dsc_or_pwg",
    "dataset_path",
    "generator_dataset_version",
    "number_of_events",
    "background",
    "new_request",
    "pre_tdr_use",
    "early_science_use",
    "other_use",
    "description",
    "priority",
    "source_kind",
    "detector_version",
    "physics_tag",
    "evgen_tag",
    "contact",
    "sample_variant",
)


def _dataset_request(args: dict[str, Any]) -> DatasetIntake:
    return DatasetIntake.from_arguments(args)


def _task_request(args: dict[str, Any]) -> TaskIntake:
    return TaskIntake.from_arguments(args)  # the body lists description before row_description


# --------------------------------------------------------------------------- datasets


def list_datasets(ctx: RestContext, args: dict[str, Any], _: Actor) -> Reply:
    with ctx.publisher().reading() as uow:
        return Reply(dataset_svc.list_datasets(uow.state, **args))


def get_dataset(ctx: RestContext, args: dict[str, Any], _: Actor) -> Reply:
    with ctx.publisher().reading() as uow:
        return Reply(dataset_svc.resolve_dataset(uow.state, args["name"]).to_dict())


def create_dataset(ctx: RestContext, args: dict[str, Any], actor: Actor) -> Reply:
    return created(dataset_writes.create_dataset(ctx.publisher(), _dataset_request(args), actor))


def intake_dataset(ctx: RestContext, args: dict[str, Any], actor: Actor) -> Reply:
    return created(dataset_writes.intake_dataset(ctx.publisher(), _dataset_request(args), actor))


# --------------------------------------------------------------------------- tasks: reads


def list_tasks(ctx: RestContext, args: dict[str, Any], _: Actor) -> Reply:
    with ctx.publisher().reading() as uow:
        return Reply(task_svc.list_tasks(uow.state, probe=uow.probe, **args))


def get_task(ctx: RestContext, args: dict[str, Any], _: Actor) -> Reply:
    with ctx.publisher().reading() as uow:
        found = task_svc.resolve_task(uow.state, args["name"])
        return Reply(task_svc.task_detail(uow.state, found))


def task_readiness(ctx: RestContext, args: dict[str, Any], _: Actor) -> Reply:
    with ctx.publisher().reading() as uow:
        found = task_svc.resolve_task(uow.state, args["name"])
        check = task_svc.task_readiness(uow.state, found.name, uow.probe)
        return Reply(check.to_dict(found.status))


def task_command(ctx: RestContext, args: dict[str, Any], _: Actor) -> Reply:
    with ctx.publisher().reading() as uow:
        return Reply(submission.artifact_payload(uow.state, args["name"], args["fmt"]))


def preview_task_intake(ctx: RestContext, args: dict[str, Any], _: Actor) -> Reply:
    pages = ctx.services.pages()
    request = _task_request(args)
    return Reply(request_cases.preview_task_intake(ctx.publisher(), pages, request, READER))


# --------------------------------------------------------------------------- tasks: writes


def create_task(ctx: RestContext, args: dict[str, Any], actor: Actor) -> Reply:
    return created(task_writes.create_task(ctx.publisher(), _task_request(args), actor))


def intake_task(ctx: RestContext, args: dict[str, Any], actor: Actor) -> Reply:
    return created(task_writes.intake_task(ctx.publisher(), _task_request(args), actor))


def link_input(ctx: RestContext, args: dict[str, Any], actor: Actor) -> Reply:
    did, dids = args["did"], args["dids"]
    return Reply(task_writes.link_input(ctx.publisher(), args["name"], actor, did=did, dids=dids))


def set_status(ctx: RestContext, args: dict[str, Any], actor: Actor) -> Reply:
    name, status, reason = args["name"], args["status"], args["reason"]
    return Reply(task_writes.set_status(ctx.publisher(), name, status, actor, reason))


def record_submission(ctx: RestContext, args: dict[str, Any], actor: Actor) -> Reply:
    name, jedi_id = args["name"], args["panda_task_id"]
    return Reply(task_writes.record_submission(ctx.publisher(), name, jedi_id, actor))


def comment(ctx: RestContext, args: dict[str, Any], actor: Actor) -> Reply:
    return Reply(task_writes.comment(ctx.publisher(), args["name"], args["text"], actor))


def confirm_metadata(ctx: RestContext, args: dict[str, Any], actor: Actor) -> Reply:
    fields = args["fields"]
    return Reply(metadata_writes.confirm_metadata(ctx.publisher(), args["name"], fields, actor))


# --------------------------------------------------------------------------- tasks: payload


def approve(ctx: RestContext, args: dict[str, Any], actor: Actor) -> Reply:
    return Reply(payload_writes.approve(ctx.publisher(), args["name"], actor))


def task_plan(ctx: RestContext, args: dict[str, Any], _: Actor) -> Reply:
    with ctx.publisher().reading() as uow:
        found = task_svc.resolve_task(uow.state, args["name"])
        return Reply(approval_svc.approval_view(uow.state, found))


def compose_outputs(ctx: RestContext, args: dict[str, Any], actor: Actor) -> Reply:
    return Reply(payload_writes.compose_outputs(ctx.publisher(), args["name"], actor))


def withdraw_stale_approvals(ctx: RestContext, _: dict[str, Any], actor: Actor) -> Reply:
    return Reply(payload_writes.withdraw_stale_approvals(ctx.publisher(), actor))


def count_files(ctx: RestContext, args: dict[str, Any], actor: Actor) -> Reply:
    files = args["files"]
    counter = ctx.services.input_files() if files is None else None
    return Reply(payload_writes.count_files(ctx.publisher(), counter, args["name"], actor, files))


# --------------------------------------------------------------------------- tags, inference


def list_tags(ctx: RestContext, args: dict[str, Any], _: Actor) -> Reply:
    with ctx.publisher().reading() as uow:
        return Reply(tag_svc.list_tags(uow.state, **args))


def get_tag(ctx: RestContext, args: dict[str, Any], _: Actor) -> Reply:
    with ctx.publisher().reading() as uow:
        return Reply(tag_svc.tag_summary(tag_svc.get_tag(uow.state, args["label"])))


def infer(ctx: RestContext, args: dict[str, Any], _: Actor) -> Reply:
    with ctx.publisher().reading() as uow:
        return Reply(inference_svc.describe(uow.state, args["path"], args["release_url"]))


def open_request(ctx: RestContext, args: dict[str, Any], actor: Actor) -> Reply:
    raw = {k: args[k] for k in FORM_FIELDS}
    form = ctx.services.issue_form()
    out = request_cases.open_request_issue(
        ctx.publisher(), ctx.github(), form, raw, actor, title=args["title"], go=args["go"]
    )
    return created(out)


# --------------------------------------------------------------------------- the table

ROUTES: tuple[Endpoint, ...] = (
    Endpoint(
        "GET",
        f"{API}/datasets/",
        list_datasets,
        "List datasets, filtered and paged",
        "{count, limit, offset, datasets}",
        query=(
            Param("stage", "evgen, simu, reco, full or log."),
            Param("source_kind", "csv_manifest, path, url, rucio_did, file_list or internal."),
            Param("source_location", "Exact source location."),
            Param("scope", "Rucio scope."),
            NAME_CONTAINS,
            LIMIT,
            OFFSET,
        ),
    ),
    Endpoint(
        "POST",
        f"{API}/datasets/",
        create_dataset,
        "Create a dataset for a new external source (409 when the source is recorded)",
        "{created, name, dataset, conflicts, tags_created, notes, commit, published?}",
        FILERS,
        body=DATASET_FIELDS,
        created=True,
    ),
    Endpoint(
        "POST",
        f"{API}/datasets/intake/",
        intake_dataset,
        "The dataset of an external source, created when new (idempotent on kind + location)",
        "{created, name, dataset, conflicts, tags_created, notes, commit, published?}",
        FILERS,
        body=DATASET_FIELDS,
        created=True,
    ),
    Endpoint(
        "GET",
        f"{API}/datasets/{{name}}/",
        get_dataset,
        "One dataset, by name, DID or unambiguous name prefix",
        "the dataset record",
        path_params=(Param("name", "Dataset name or DID.", required=True),),
    ),
    Endpoint(
        "POST",
        f"{API}/datasets/{{name}}/count-files/",
        count_files,
        "Record how many input files a dataset holds (read under the data roots, or given)",
        "{name, files, how, dataset, commit, published?}",
        CHANGERS,
        path_params=(Param("name", "Dataset name or DID.", required=True),),
        body=(Param("files", "Record this count instead of reading the source.", INT),),
    ),
    Endpoint(
        "GET",
        f"{API}/prod-tasks/",
        list_tasks,
        "List production tasks, filtered and paged",
        "{count, limit, offset, tasks}",
        query=(
            Param("status", "draft, ready, submitted, completed or failed."),
            Param("substate", "Only drafts in this sub-state (what they wait for)."),
            Param("pwg", "Only requests of this DSC or PWG (its slug or its name)."),
            Param("priority", "Only requests of this catalogue priority (1, 2, 3 or -1)."),
            Param("public_catalog_issue", "Issue number of the request."),
            NAME_CONTAINS,
            LIMIT,
            OFFSET,
            Param("campaign", "Tasks of this campaign ('none': of no campaign)."),
        ),
    ),
    Endpoint(
        "POST",
        f"{API}/prod-tasks/",
        create_task,
        "Create a draft task (409 when the catalogue key already has one)",
        "{created, name, task, changed, commit, published?}",
        FILERS,
        body=TASK_FIELDS,
        created=True,
    ),
    Endpoint(
        "POST",
        f"{API}/prod-tasks/intake/",
        intake_task,
        "Create or update a draft task keyed on its catalogue issue or row (idempotent)",
        "{created, name, task, changed, commit, published?}",
        FILERS,
        body=TASK_FIELDS,
        created=True,
    ),
    Endpoint(
        "POST",
        f"{API}/prod-tasks/intake/preview/",
        preview_task_intake,
        "The catalogue row and page a task intake would produce; writes nothing",
        "{created, name, changed, task, row, csv_line, row_number, csv_path, page}",
        body=TASK_FIELDS,
    ),
    Endpoint(
        "GET",
        f"{API}/prod-tasks/command/",
        task_command,
        "A submission artifact of a task, built from the records (writes nothing)",
        "{name, fmt, text, artifact? (jedi and dump)}",
        query=(TASK, Param("fmt", "condor, panda, jedi or dump.", default="dump")),
    ),
    Endpoint(
        "POST",
        f"{API}/prod-tasks/record-submission/",
        record_submission,
        "Record the PanDA task a ready task was submitted as (moves it to submitted)",
        "{name, attempt, task, commit, published?}",
        MANAGERS,
        query=(TASK,),
        body=(Param("panda_task_id", "The jediTaskID PanDA gave.", INT, required=True),),
    ),
    Endpoint(
        "POST",
        f"{API}/prod-tasks/withdraw-stale-approvals/",
        withdraw_stale_approvals,
        "Send every ready task whose payload changed since its approval back to draft",
        "{withdrawn: [{name, reason, changed}], commit, published?}",
        FILERS,
    ),
    Endpoint(
        "GET",
        f"{API}/prod-tasks/{{name}}/",
        get_task,
        "One production task with its public_catalog_* mapping and history",
        "the task record",
        path_params=(TASK,),
    ),
    Endpoint(
        "GET",
        f"{API}/prod-tasks/{{name}}/readiness/",
        task_readiness,
        "The readiness checklist of a task",
        "{task, ready, substate, checks, problems}",
        path_params=(TASK,),
    ),
    Endpoint(
        "POST",
        f"{API}/prod-tasks/{{name}}/link-input/",
        link_input,
        "Set a draft task's input dataset(s) (give did or dids)",
        "{name, task, commit, published?}",
        CHANGERS,
        path_params=(TASK,),
        body=(
            Param("did", "One input dataset DID."),
            Param("dids", "Several DIDs: a list or one comma-separated string.", LIST),
        ),
    ),
    Endpoint(
        "POST",
        f"{API}/prod-tasks/{{name}}/set-status/",
        set_status,
        "Move a task through its lifecycle (the transition map and readiness decide)",
        "{name, from, status, task, commit, published?}",
        MANAGERS,
        path_params=(TASK,),
        body=(
            Param("status", "draft, ready, completed or failed.", required=True),
            Param("reason", "Why; needed for completed or failed set by hand."),
        ),
    ),
    Endpoint(
        "POST",
        f"{API}/prod-tasks/{{name}}/approve/",
        approve,
        "Approve a task's current payload: it becomes ready (readiness and PanDA's keys checked)",
        "{name, from, status, approval, task, commit, published?}",
        MANAGERS,
        path_params=(TASK,),
    ),
    Endpoint(
        "GET",
        f"{API}/prod-tasks/{{name}}/plan/",
        task_plan,
        "What would be sent for a task and whether it is approved (writes nothing)",
        "{name, status, approval_state, approval, payload_sha256, changed, problems, "
        "task_params, task_params_json}",
        path_params=(TASK,),
    ),
    Endpoint(
        "POST",
        f"{API}/prod-tasks/{{name}}/compose-outputs/",
        compose_outputs,
        "Compose a draft task's output datasets (409 when another request produces them)",
        "{tasks: [{name, changed, output_datasets, problems, notes}], changed, notes, commit}",
        CHANGERS,
        path_params=(TASK,),
    ),
    Endpoint(
        "POST",
        f"{API}/prod-tasks/{{name}}/comment/",
        comment,
        "Append a comment to a task's history (each call adds one)",
        "{name, history, commit, published?}",
        FILERS,
        path_params=(TASK,),
        body=(Param("text", "The comment (plain text).", required=True),),
    ),
    Endpoint(
        "POST",
        f"{API}/prod-tasks/{{name}}/confirm/",
        confirm_metadata,
        "Confirm the inferred metadata of a task's inputs, or bind another tag (field=label)",
        "{subject, task, datasets, readiness, commit, published?}",
        CHANGERS,
        path_params=(TASK,),
        body=(
            Param(
                "fields",
                "Values to confirm (physics_tag, evgen_tag, ...; none: every known value), or "
                "field=label to bind another tag: a list or one comma-separated string.",
                LIST,
            ),
        ),
    ),
    Endpoint(
        "GET",
        f"{API}/tags/",
        list_tags,
        "List tags, filtered and paged",
        "{count, limit, offset, tags}",
        query=(
            Param("tag_type", "physics, evgen, simu, reco or background (or p, e, s, r, k)."),
            Param("status", "draft or locked."),
            Param("search", "Text in the label, description or a parameter."),
            Param("limit", "Page size.", INT, default=100),
            OFFSET,
        ),
    ),
    Endpoint(
        "GET",
        f"{API}/tags/{{label}}/",
        get_tag,
        "One tag",
        "{label, kind, number, status, description, parameters, created_by, created_at}",
        path_params=(Param("label", "The tag label, e.g. p2001.", required=True),),
    ),
    Endpoint(
        "GET",
        f"{API}/infer/",
        infer,
        "What a dataset path (and release URL) say; writes nothing",
        "{path, physics, evgen, background, beams, sample, notes, tags, open}",
        query=(Param("path", "A dataset path.", required=True), Param("release_url", "URL.")),
    ),
    Endpoint(
        "POST",
        f"{API}/requests/",
        open_request,
        "Prepare, and with go=true open once, a dataset request issue as the form would",
        "{title, body, issue_body, labels, marker, problems, notes, ok, catalog, "
        "input_dataset, created, number, via}",
        FILERS,
        body=(
            *(Param(k, "The request form's field of that id.") for k in FORM_FIELDS),
            Param("title", "Issue title after the form's prefix."),
            Param("go", "false: preview only; true: open the issue.", BOOL, default=False),
        ),
        created=True,
    ),
)

# the dynamic catalogue's endpoints use this module's types, so they are joined last
from pcs_gitops.entrypoints.rest import dynamic_routes  # noqa: E402

ROUTES = (*ROUTES, *dynamic_routes.ROUTES)
