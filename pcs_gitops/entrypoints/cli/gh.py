"""``pcs gh handle`` (the GitHub Actions entry of the request pipeline) and ``pcs form parse``."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TextIO

import click

from pcs_gitops.domain.issue_form import parse_issue_body
from pcs_gitops.entrypoints import actions_output
from pcs_gitops.entrypoints.cli.common import Context, emit, json_option, pass_ctx
from pcs_gitops.errors import PcsError, UsageError
from pcs_gitops.services.github.outcome import Outcome
from pcs_gitops.services.request_texts import BLOCKED_LABEL


@click.group()
def gh() -> None:
    """GitHub: handle the events of the dataset-request pipeline."""


@gh.command("handle")
@click.option(
    "--event-name",
    help="The event (default: $GITHUB_EVENT_NAME, else told by the payload's shape).",
)
@click.option(
    "--event-path",
    type=click.Path(dir_okay=False, path_type=Path),
    help="The event payload JSON (default: $GITHUB_EVENT_PATH).",
)
@click.option(
    "--offline",
    is_flag=True,
    help="Work on local branches and write GitHub calls to .pcs/outbox.jsonl (the default "
    "when no token is set).",
)
@click.option("--dry-run", is_flag=True, help="Decide and report; change no branch or GitHub.")
@click.option(
    "--remote-url",
    hidden=True,
    help="Git URL to fetch from and push to (default: $GITHUB_SERVER_URL/$GITHUB_REPOSITORY).",
)
@json_option
@pass_ctx
def handle(
    ctx: Context,
    event_name: str | None,
    event_path: Path | None,
    offline: bool,
    dry_run: bool,
    remote_url: str | None,
    as_json: bool,
) -> None:
    """Handle one GitHub event: a request issue, a command comment, a merged request PR, or a
    push to the default branch. Unrelated events are ignored (exit 0)."""
    settings = ctx.services.settings
    name = event_name or settings.github_event_name
    path = event_path or (Path(settings.github_event_path) if settings.github_event_path else None)
    if path is None:
        raise UsageError(
            "no event to handle: pass --event-path (and --event-name), or run inside GitHub "
            "Actions (GITHUB_EVENT_NAME, GITHUB_EVENT_PATH)"
        )
    from pcs_gitops.entrypoints.github_payload import read_event  # the pipeline, on use
    from pcs_gitops.services.github import handler

    event = read_event(name, path)
    offline = offline or not settings.github_token
    pipeline = ctx.services.request_pipeline(
        offline=offline,
        dry_run=dry_run,
        remote_url=remote_url,
        default_branch=event.default_branch or None,
    )
    outcome = handler.handle(pipeline, event)
    report = {**outcome.to_dict(), "offline": offline, "dry_run": dry_run}
    actions_output.report_event(settings, report)
    emit(as_json, report, lambda: _describe(outcome, offline, dry_run))
    if outcome.base_problems:
        first = outcome.base_problems[0]
        raise PcsError(
            f"the default branch does not pass 'pcs validate' ({len(outcome.base_problems)} "
            f"problem(s); first: {first['file']}: {first['path'] or '(record)'}: "
            f"{first['message']}); request #{outcome.issue} waits with the label "
            f"'{BLOCKED_LABEL}'. Repair the default branch: the next push to it takes the "
            "request in"
        )


def _describe(outcome: Outcome, offline: bool, dry_run: bool) -> str:
    mode = "offline" if offline else "online"
    if dry_run:
        mode += ", dry run"
    head = f"{outcome.event}"
    if outcome.action:
        head += f" {outcome.action}"
    if not outcome.handled:
        return f"{head}: ignored ({outcome.reason}) [{mode}]"
    lines = [f"{head}: request #{outcome.issue} [{mode}]"]
    if outcome.commits:
        lines.append(f"  committed {', '.join(c[:10] for c in outcome.commits)}")
        lines.append(f"  {'would push' if dry_run else 'updated'}: {', '.join(outcome.pushed)}")
    else:
        lines.append("  no commit: nothing changed")
    if outcome.pull:
        lines.append(f"  pull request #{outcome.pull['number']}: {outcome.pull['action']}")
    if outcome.status_comment:
        lines.append(f"  status comment: {outcome.status_comment}")
    if outcome.reply:
        lines.append(f"  reply: {outcome.reply}")
    if outcome.labels_added or outcome.labels_removed:
        changes = [f"+{x}" for x in outcome.labels_added]
        changes += [f"-{x}" for x in outcome.labels_removed]
        lines.append(f"  labels: {' '.join(changes)}")
    if outcome.deleted:
        lines.append(f"  deleted: {', '.join(outcome.deleted)}")
    if outcome.refreshed:
        lines.append(f"  refreshed: {', '.join(f'#{n}' for n in outcome.refreshed)}")
    lines += [f"  problem: {p}" for p in outcome.problems]
    lines.append(f"  GitHub API calls: {outcome.api_calls} ({outcome.write_calls} writes)")
    return "\n".join(lines)


@click.group()
def form() -> None:
    """Issue forms."""


@form.command("parse")
@click.option(
    "--template",
    required=True,
    type=click.Path(dir_okay=False, exists=True, path_type=Path),
    help="The issue-form YAML (.github/ISSUE_TEMPLATE/*.yml).",
)
@click.argument("body_file", type=click.File("r", encoding="utf-8"))
@click.option(
    "--json", "as_json", is_flag=True, help="Print JSON (the only output: accepted for scripts)."
)
@pass_ctx
def parse(ctx: Context, template: Path, body_file: TextIO, as_json: bool) -> None:
    """Print the answers of a submitted issue body (BODY_FILE, '-' for stdin) as JSON."""
    issue_form = ctx.services.issue_form(template)
    values = parse_issue_body(issue_form, body_file.read())
    click.echo(json.dumps(values, indent=2, ensure_ascii=False))
