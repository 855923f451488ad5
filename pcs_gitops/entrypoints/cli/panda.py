"""``pcs panda sync``, ``pcs task reconcile`` and ``pcs task retry``: the PanDA loop."""

from __future__ import annotations

import dataclasses
import sys
from typing import Any

import click

from pcs_gitops.entrypoints.cli.common import Context, describe_commit, emit, json_option, pass_ctx
from pcs_gitops.errors import Conflict
from pcs_gitops.services import reconcile
from pcs_gitops.services.panda_sync import SyncReport, TaskSync
from pcs_gitops.services.usecases import panda as panda_cases


@click.group()
def panda() -> None:
    """PanDA: read the status of submitted tasks back into the records."""


@panda.command("sync")
@click.option(
    "--offline",
    is_flag=True,
    help="Write the issue updates to .pcs/outbox.jsonl instead of GitHub (the default when no "
    "token is set).",
)
@click.option(
    "--commit", "git_commit", is_flag=True, help="Make one git commit of the changed records."
)
@json_option
@pass_ctx
def sync(ctx: Context, offline: bool, git_commit: bool, as_json: bool) -> None:
    """Read every submitted task's status in PanDA and record it.

    done -> completed; finished, failed, broken, aborted, exhausted -> failed with PanDA's
    reason; other states stay submitted with their progress. One commit per run, none when
    nothing changed. Then each request issue's PanDA comment and label follow, and the issue of
    a completed task is closed. Exit 1 when a task could not be read or an issue not updated.
    """
    services = dataclasses.replace(ctx.services, commit=True) if git_commit else ctx.services
    settings = services.settings
    offline = offline or not settings.github_token
    report, issues = panda_cases.sync(
        services.publisher(),
        services.panda_submitter(),
        services.github_port(offline=offline),
        ctx.actor(),
        grace_seconds=settings.panda.lookup_grace_seconds,
    )
    payload = {**report.to_dict(), "issues": issues, "offline": offline}
    emit(as_json, payload, lambda: _describe(report, issues))
    failed = [u for u in issues if u["error"]]
    if report.problems or failed:
        for line in [t.note for t in report.problems] + [u["error"] for u in failed]:
            click.echo(f"Error: {line}", err=True)
        sys.exit(1)


def _describe(report: SyncReport, issues: list[dict[str, Any]]) -> str:
    lines = [_task_line(t) for t in report.tasks]
    lines += [
        f"  issue #{u['issue']}: comment {u['comment']}"
        + (f", +{' +'.join(u['labels_added'])}" if u["labels_added"] else "")
        + (", closed" if u["closed"] else "")
        for u in issues
        if u["comment"] != "unchanged"
    ]
    commit = describe_commit(report.to_dict())
    lines.append(
        f"{len(report.tasks)} submitted task(s) read, {len(report.changed)} changed; {commit}"
    )
    return "\n".join(lines)


def _task_line(item: TaskSync) -> str:
    panda_state = item.task.panda
    said = f" [{panda_state.status}]" if panda_state is not None else ""
    move = f"{item.before} -> {item.after}" if item.before != item.after else item.after
    note = f" ({item.note})" if item.note else ""
    return f"{item.name} jediTaskID {item.jedi_task_id}: {move}{said}{note}"


@click.command("reconcile")
@click.argument("name")
@click.option(
    "--confirm-not-in-panda",
    is_flag=True,
    help="When PanDA has no such task after the grace period, close the submission so that "
    "'pcs task submit' may send it again.",
)
@json_option
@pass_ctx
def reconcile_cmd(ctx: Context, name: str, confirm_not_in_panda: bool, as_json: bool) -> None:
    """Settle a submission whose outcome is unknown: look its taskName up in PanDA and record
    what PanDA has. Exit 1 when PanDA shows no such task (yet); nothing is ever sent."""
    outcome = panda_cases.reconcile_task(
        ctx.publisher(),
        ctx.services.panda_submitter(),
        name,
        ctx.actor(),
        confirm_not_in_panda=confirm_not_in_panda,
        grace_seconds=ctx.services.settings.panda.lookup_grace_seconds,
    )
    if outcome.result == reconcile.NOT_FOUND:
        raise Conflict(outcome.message)
    emit(as_json, outcome.to_dict(), f"{outcome.task.name}: {outcome.message}")


@click.command("retry")
@click.argument("name")
@json_option
@pass_ctx
def retry_cmd(ctx: Context, name: str, as_json: bool) -> None:
    """Ask PanDA to retry a failed task (same jediTaskID, no new parameters) and record the
    attempt; the task is submitted again. A changed payload needs a new submission instead."""
    services = ctx.services
    github = services.github_port(offline=not services.settings.github_token)
    payload = panda_cases.retry(
        ctx.publisher(), services.panda_submitter(), github, name, ctx.actor()
    )
    attempt = payload["attempt"]
    how = "PanDA already ran it again" if payload["already_running"] else payload["panda_message"]
    emit(
        as_json,
        payload,
        f"{payload['name']}: retry of jediTaskID {payload['jedi_task_id']} recorded as try "
        f"{attempt['try_number']} ({how})",
    )
