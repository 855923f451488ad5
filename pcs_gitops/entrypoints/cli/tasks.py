"""``pcs task ...`` commands."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

import click

from pcs_gitops.domain.model import CATALOG_FIELD_IDS
from pcs_gitops.domain.readiness import DRAFT_SUBSTATES
from pcs_gitops.entrypoints.cli.common import (
    Context,
    describe_commit,
    emit,
    json_option,
    paging_options,
    pass_ctx,
    unit,
)
from pcs_gitops.services import submission
from pcs_gitops.services import tasks as svc
from pcs_gitops.services.usecases import panda as panda_cases
from pcs_gitops.services.usecases import tasks as writes

STATUSES = ["draft", "ready", "submitted", "completed", "failed"]


F = TypeVar("F", bound=Callable[..., object])


@click.group()
def task() -> None:
    """Production tasks: intake, lifecycle, submission."""


def _intake_options(func: F) -> F:
    options = [
        click.option("--public-catalog-issue", help="GitHub issue number (the durable key)."),
        click.option(
            "--public-catalog-csv-path", help="Catalogue CSV path (with --public-catalog-row-key)."
        ),
        click.option(
            "--public-catalog-row-key", help="Row key, e.g. 'Dataset Path=/volatile/...'."
        ),
        click.option("--public-catalog-repo", help="owner/name of the catalogue repository."),
        click.option("--public-catalog-pr", help="The pull request that published the row."),
        click.option("--public-catalog-row-index", help="The row's position in the CSV."),
        click.option("--public-catalog-page-url", help="The request page's URL."),
        click.option("--public-catalog-commit-sha", help="The commit that published the row."),
        click.option("--name", help="Task name (default derived from the key)."),
        click.option("--dataset", help="Input dataset (name or DID)."),
        click.option("--prod-config", help="Production config name (default: the standard one)."),
        click.option("--description", help="Task description (free text)."),
        click.option("--input-dataset-did", help="Input dataset DID (wins over --dataset)."),
        click.option("--sample-variant", help="Tells the output apart from another request's."),
    ]
    options += [
        click.option(
            "--row-description" if field == "description" else f"--{field.replace('_', '-')}",
            f"catalog_{field}",
            help=f"Catalogue column {field}.",
        )
        for field in CATALOG_FIELD_IDS
        if field != "issue"
    ]
    options.append(json_option)
    for option in reversed(options):
        func = option(func)
    return func


def _intake_request(kw: dict[str, Any]) -> svc.TaskIntake:
    catalog = {
        k.removeprefix("catalog_"): v
        for k, v in kw.items()
        if k.startswith("catalog_") and v is not None
    }
    plain = {k: v for k, v in kw.items() if not k.startswith("catalog_") and k != "as_json"}
    return svc.TaskIntake(catalog=catalog, **plain)


def _intake_text(payload: dict[str, Any]) -> str:
    verb = "created " if payload["created"] else ("updated " if payload["changed"] else "exists: ")
    text = verb + str(payload["name"])
    if payload.get("commit"):
        text += f"\n{describe_commit(payload)}"
    return text


@task.command()
@_intake_options
@pass_ctx
def intake(ctx: Context, /, as_json: bool, **kw: Any) -> None:
    """Create or update a draft task keyed on its public catalogue issue or row (idempotent)."""
    payload = writes.intake_task(ctx.publisher(), _intake_request(kw), ctx.actor())
    emit(as_json, payload, lambda: _intake_text(payload))


@task.command()
@_intake_options
@pass_ctx
def create(ctx: Context, /, as_json: bool, **kw: Any) -> None:
    """Create a task; refuses when the catalogue key already has one."""
    payload = writes.create_task(ctx.publisher(), _intake_request(kw), ctx.actor())
    emit(as_json, payload, lambda: f"created {payload['name']}\n{describe_commit(payload)}")


@task.command("link-input")
@click.argument("name")
@click.option("--did", help="One input DID.")
@click.option("--dids", help="Comma-separated input DIDs (replaces the list).")
@json_option
@pass_ctx
def link_input(ctx: Context, name: str, did: str | None, dids: str | None, as_json: bool) -> None:
    """Set the task's input dataset(s); every DID must exist."""
    wanted = dids.split(",") if dids is not None else None
    payload = writes.link_input(ctx.publisher(), name, ctx.actor(), did=did, dids=wanted)
    inputs = ", ".join(payload["task"]["input_datasets"])
    emit(as_json, payload, f"{payload['name']}: inputs {inputs}; {describe_commit(payload)}")


@task.command("set-status")
@click.argument("name")
@click.argument("status")
@click.option("--reason", help="Why (needed to mark a task completed or failed by hand).")
@json_option
@pass_ctx
def set_status(ctx: Context, name: str, status: str, reason: str | None, as_json: bool) -> None:
    """Move a task through draft -> ready -> submitted -> completed | failed."""
    payload = writes.set_status(ctx.publisher(), name, status, ctx.actor(), reason)
    emit(
        as_json,
        payload,
        f"{payload['name']}: {payload['from']} -> {payload['status']} ({describe_commit(payload)})",
    )


@task.command("record-submission")
@click.argument("name")
@click.option(
    "--panda-task-id",
    type=click.IntRange(min=1),
    required=True,
    help="The jediTaskID PanDA gave the submission.",
)
@json_option
@pass_ctx
def record_submission(ctx: Context, name: str, panda_task_id: int, as_json: bool) -> None:
    """Record a PanDA/JEDI submission of a ready task and move it to submitted."""
    payload = writes.record_submission(ctx.publisher(), name, panda_task_id, ctx.actor())
    attempt = payload["attempt"]
    emit(
        as_json,
        payload,
        f"{payload['name']}: submitted as jediTaskID {panda_task_id} "
        f"(try {attempt['try_number']}, {attempt['task_name']}); {describe_commit(payload)}",
    )


@task.command("record-publication")
@click.argument("name")
@click.option("--pr", type=click.IntRange(min=1), required=True, help="The merged pull request.")
@click.option("--commit-sha", help="The merge commit.")
@json_option
@pass_ctx
def record_publication(
    ctx: Context, name: str, pr: int, commit_sha: str | None, as_json: bool
) -> None:
    """Record that the task's catalogue row was published by merging pull request PR (what the
    pipeline records itself unless the default branch refused its push)."""
    payload = writes.record_publication(ctx.publisher(), name, pr, commit_sha, ctx.actor())
    emit(as_json, payload, f"{payload['name']}: published by #{pr}; {describe_commit(payload)}")


@task.command()
@click.argument("name")
@click.argument("text")
@json_option
@pass_ctx
def comment(ctx: Context, name: str, text: str, as_json: bool) -> None:
    """Append a comment to the task's history."""
    payload = writes.comment(ctx.publisher(), name, text, ctx.actor())
    emit(as_json, payload, f"comment added to {payload['name']}")


@task.command()
@click.argument("name")
@json_option
@pass_ctx
def readiness(ctx: Context, name: str, as_json: bool) -> None:
    """Show the readiness checklist (the draft sub-state)."""
    with unit(ctx) as uow:
        found = svc.resolve_task(uow.state, name)
        check = svc.task_readiness(uow.state, name, uow.probe)
    payload = check.to_dict(found.status)

    def text() -> str:
        lines = [
            f"{found.name}: {'ready' if check.ready else 'not ready'} "
            f"({payload['substate'] or found.status.value})"
        ]
        for c in check.checks:
            lines.append(f"  [{'x' if c.ok else ' '}] {c.title}")
            lines += [f"      - {p}" for p in c.problems]
        return "\n".join(lines)

    emit(as_json, payload, text)


@task.command("list")
@click.option("--status", type=click.Choice(STATUSES), help="Only tasks in this status.")
@click.option(
    "--substate",
    type=click.Choice(DRAFT_SUBSTATES),
    help="Only drafts in this sub-state (what they wait for).",
)
@click.option("--pwg", help="Only requests of this DSC or PWG (its slug or its name).")
@click.option("--priority", help="Only requests of this catalogue priority (1, 2, 3 or -1).")
@click.option("--public-catalog-issue", help="Only the task of this request issue.")
@click.option("--name-contains", help="Only names containing this text (any case).")
@click.option("--campaign", help="Tasks of this campaign ('none': of no campaign).")
@paging_options(20)
@json_option
@pass_ctx
def list_cmd(ctx: Context, /, as_json: bool, **kw: Any) -> None:
    """List tasks with filters and paging."""
    with unit(ctx) as uow:
        page = svc.list_tasks(uow.state, probe=uow.probe, **kw)
    emit(
        as_json,
        page,
        lambda: "\n".join(
            [f"{t['name']}  [{t['status']}] {t['pwg']} {t['dataset_path']}" for t in page["tasks"]]
            + [f"({len(page['tasks'])} of {page['count']} shown, offset {page['offset']})"]
        ),
    )


@task.command()
@click.argument("name")
@json_option
@pass_ctx
def get(ctx: Context, name: str, as_json: bool) -> None:
    """Show one task."""
    with unit(ctx) as uow:
        found = svc.resolve_task(uow.state, name)
        data = svc.task_detail(uow.state, found)
    emit(as_json, data, lambda: "\n".join(f"{k}: {v}" for k, v in data.items() if k != "history"))


@task.command()
@click.argument("name")
@click.option(
    "--format",
    "--fmt",
    "fmt",
    type=click.Choice(submission.ARTIFACT_FORMATS),
    required=True,
    help="condor (submit_csv.sh line), panda (prun), jedi (taskParamMap JSON) or dump (JSON).",
)
@json_option
@pass_ctx
def artifact(ctx: Context, name: str, fmt: str, as_json: bool) -> None:
    """Print a submission artifact of the task (regenerated from the records; writes nothing).
    With --json: {name, fmt, text} and, for jedi and dump, the artifact as an object."""
    with unit(ctx) as uow:
        payload = submission.artifact_payload(uow.state, name, fmt)
    if as_json:
        emit(True, payload, "")
    else:
        click.echo(payload["text"], nl=False)


@task.command()
@click.argument("name")
@click.option("--dry-run", is_flag=True, help="Check and print the taskParamMap; send nothing.")
@click.option(
    "--confirm-not-in-panda",
    is_flag=True,
    help="The last submission's outcome was unknown and PanDA has no such task after the grace "
    "period (PCS_PANDA_GRACE_SECONDS): close it and submit again.",
)
@json_option
@pass_ctx
def submit(
    ctx: Context, name: str, dry_run: bool, confirm_not_in_panda: bool, as_json: bool
) -> None:
    """Submit a ready task to PanDA once and record its jediTaskID.

    The intent is written before PanDA is called; after an unknown outcome (timeout, transport
    error) the next submit first looks the task up in PanDA by name (as 'pcs task reconcile'
    does) and records what PanDA has. Exit 2 when PanDA accepted the task but recording failed:
    the jediTaskID is printed.
    """
    services = ctx.services
    submitter = None if dry_run else services.panda_submitter()
    github = None if dry_run else services.github_port(offline=not services.settings.github_token)
    try:
        payload = panda_cases.submit(
            ctx.publisher(),
            submitter,
            github,
            name,
            ctx.actor(),
            dry_run=dry_run,
            confirm_not_in_panda=confirm_not_in_panda,
            grace_seconds=services.settings.panda.lookup_grace_seconds,
        )
    except submission.SubmissionNotRecorded as exc:
        click.echo(f"jediTaskID={exc.jedi_task_id}")
        raise
    if payload["dry_run"]:
        if as_json:
            emit(True, payload, "")
        else:
            click.echo(submission.to_json(payload["params"]), nl=False)
            click.echo(f"dry run: {payload['name']} was not submitted", err=True)
        return
    attempt = payload["attempt"] or {}
    commit = describe_commit(payload) if payload["commit"] is not None else "nothing written"
    if payload.get("reconciled"):
        commit = f"found in PanDA by name, nothing sent; {commit}"
    emit(
        as_json,
        payload,
        f"{payload['name']}: submitted as jediTaskID {payload['jedi_task_id']} "
        f"(try {attempt.get('try_number')}, {attempt.get('task_name')}); {commit}",
    )
