"""``pcs check-change``: refuse, record by record, what a change may not do by hand."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import click

from pcs_gitops.entrypoints import actions_output
from pcs_gitops.entrypoints.cli.common import Context, emit, json_option, pass_ctx
from pcs_gitops.errors import UsageError
from pcs_gitops.services import change_check

NO_COMMIT = "0" * 40


@click.command("check-change")
@click.option("--base", help="The branch or commit the change targets (e.g. main).")
@click.option("--head", default="HEAD", show_default=True, help="The changed commit.")
@click.option(
    "--actor",
    "author",
    metavar="LOGIN",
    help="Who makes the change (the PR author); pcs's global --actor, which may come anywhere.",
)
@json_option
@pass_ctx
def check_change_cmd(
    ctx: Context, base: str | None, head: str, author: str | None, as_json: bool
) -> None:
    """Compare the records of HEAD with BASE and refuse what the author may not do by hand.

    A hand edit may not change status, approval, panda_task_id or attempts (that is pcs's work),
    change the payload of a task past draft, or edit a locked tag; a production manager's change
    may do what their role allows (e.g. approve). Each refusal names the file, the field, the
    rule and who may. A change made only by pcs's identities passes. In a GitHub Actions
    pull_request (or push) event, --base, --head and --actor default to the event's.
    """
    settings = ctx.services.settings
    author = author or _global_actor()
    if base is None:
        found = _from_event(settings.github_event_name, settings.github_event_path)
        if found is None:
            click.echo("nothing to compare: the push created the branch", err=True)
            return
        base, head, author = found[0], found[1] or head, author or found[2]
    if not author:
        raise UsageError("--actor LOGIN is required: who makes the change (the PR author)")
    bots = [settings.github_bot_login or ""]
    report = change_check.check_change(ctx.services.record_history(), base, head, author, bots)
    payload = report.to_dict()
    _annotate(ctx, payload)
    if as_json:
        emit(True, payload, "")
    elif report.own:
        click.echo(f"ok: pcs's own change ({len(report.commits)} commit(s) by {author})")
    elif report.ok:
        click.echo(f"ok: nothing in this change needs pcs or a role {author} lacks")
    else:
        for refusal in report.refusals:
            click.echo(str(refusal), err=True)
        click.echo(f"{len(report.refusals)} change(s) refused for {author}", err=True)
    if not report.ok:
        sys.exit(1)


def _global_actor() -> str | None:
    """The login of pcs's global ``--actor``: the CLI reads ``--actor`` anywhere before ``--``
    as the global option (who acts), which for this command is who makes the change."""
    given = click.get_current_context().find_root().params.get("actor")
    return str(given).strip() or None if given else None


def _from_event(name: str | None, path: str | None) -> tuple[str, str | None, str] | None:
    """(base, head or None, author) of a pull_request or push event; None: nothing to do."""
    if name not in ("pull_request", "push") or not path:
        raise UsageError("give --base (and --actor), or run in a pull_request or push event")
    event: Any = json.loads(Path(path).read_text(encoding="utf-8"))
    if name == "pull_request":
        pull = event["pull_request"]
        return str(pull["base"]["sha"]), None, str(pull["user"]["login"])
    if event.get("before", NO_COMMIT) == NO_COMMIT:
        return None
    return str(event["before"]), str(event["after"]), str(event["sender"]["login"])


def _annotate(ctx: Context, payload: dict[str, Any]) -> None:
    problems = [
        {"file": r["file"], "path": r["field"], "message": f"{r['message']} ({r['who_may']})"}
        for r in payload["refusals"]
    ]
    output = actions_output.ActionsOutput(ctx.services.settings)
    if output.enabled and problems:
        output.annotate(actions_output.problem_annotations(ctx.repo, problems))
