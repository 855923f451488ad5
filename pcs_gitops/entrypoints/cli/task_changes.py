"""``pcs task clone|priority|withdraw|reinstate``: changes to requests after they were filed
(registered on the ``task`` group)."""

from __future__ import annotations

from typing import Any

import click

from pcs_gitops.entrypoints.cli.common import Context, describe_commit, emit, json_option, pass_ctx
from pcs_gitops.services.cloning import CloneSelection
from pcs_gitops.services.usecases import campaigns as campaign_writes
from pcs_gitops.services.usecases import request_changes as writes

REASON = click.option("--reason", help="Why (kept in the task's history).")


@click.command("clone")
@click.argument("names", nargs=-1)
@click.option("--into", "campaign", required=True, metavar="CAMPAIGN", help="Target campaign.")
@click.option("--pwg", help="Clone every request of this PWG (slug or name)...")
@click.option("--status", help="... of this status ...")
@click.option("--campaign", "source_campaign", help="... of this campaign ('none': of none) ...")
@click.option("--name-contains", help="... whose name contains this text.")
@json_option
@pass_ctx
def clone_cmd(
    ctx: Context, /, names: tuple[str, ...], campaign: str, as_json: bool, **kw: Any
) -> None:
    """Clone the named requests, or every request matching the filters, into an open
    CAMPAIGN as new drafts (one commit; on GitHub one pull request). Again: nothing new."""
    selection = CloneSelection(
        names=names,
        pwg=kw["pwg"],
        status=kw["status"],
        campaign=kw["source_campaign"],
        name_contains=kw["name_contains"],
    )
    payload = campaign_writes.clone_tasks(ctx.publisher(), campaign, selection, ctx.actor())

    def text() -> str:
        lines = [f"created {name}" for name in payload["created"]]
        lines += [f"exists: {name}" for name in payload["existing"]]
        lines += [f"skipped {s['source']}: {s['reason']}" for s in payload["skipped"]]
        lines.append(
            f"{len(payload['created'])} clone(s) into campaign {payload['campaign']}; "
            + describe_commit(payload)
        )
        return "\n".join(lines)

    emit(as_json, payload, text)


@click.command("priority")
@click.argument("name")
@click.argument("priority", type=click.Choice(["1", "2", "3", "-1"]))
@REASON
@json_option
@pass_ctx
def priority_cmd(ctx: Context, name: str, priority: str, reason: str | None, as_json: bool) -> None:
    """Set a request's priority (draft, ready or submitted; conveners of its PWG, managers)."""
    payload = writes.set_priority(ctx.publisher(), name, priority, reason, ctx.actor())
    emit(
        as_json,
        payload,
        f"{payload['name']}: priority {payload['from'] or '(none)'} -> {payload['priority']}; "
        + describe_commit(payload),
    )


@click.command("withdraw")
@click.argument("name")
@REASON
@json_option
@pass_ctx
def withdraw_cmd(ctx: Context, name: str, reason: str | None, as_json: bool) -> None:
    """Withdraw a request: it keeps its records and history, and is never approved or
    submitted until a production manager reinstates it."""
    payload = writes.withdraw(ctx.publisher(), name, reason, ctx.actor())
    emit(as_json, payload, f"{payload['name']}: withdrawn; {describe_commit(payload)}")


@click.command("reinstate")
@click.argument("name")
@REASON
@json_option
@pass_ctx
def reinstate_cmd(ctx: Context, name: str, reason: str | None, as_json: bool) -> None:
    """Lift a request's withdrawal (production managers): it is a draft again."""
    payload = writes.reinstate(ctx.publisher(), name, reason, ctx.actor())
    emit(as_json, payload, f"{payload['name']}: reinstated; {describe_commit(payload)}")


COMMANDS = (clone_cmd, priority_cmd, withdraw_cmd, reinstate_cmd)
