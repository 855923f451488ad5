"""``pcs remind``: one reminder per period on stalled draft requests."""

from __future__ import annotations

import sys

import click

from pcs_gitops.entrypoints.cli.common import Context, emit, json_option, pass_ctx, unit
from pcs_gitops.services import reminders


@click.command()
@click.option(
    "--days",
    type=click.IntRange(min=1),
    help="A draft unchanged this long is stalled (default: stalled_after_days of "
    "state/catalog.yaml, 14).",
)
@click.option(
    "--offline",
    is_flag=True,
    help="Write the comments to .pcs/outbox.jsonl instead of GitHub (the default without a token).",
)
@click.option("--dry-run", is_flag=True, help="List the stalled requests; post nothing.")
@json_option
@pass_ctx
def remind(ctx: Context, days: int | None, offline: bool, dry_run: bool, as_json: bool) -> None:
    """Post one reminder per period on each draft request unchanged for DAYS or more, naming
    what is missing and who can act; a second run in the same period posts nothing. Exit 1
    when a comment could not be posted."""
    services = ctx.services
    with unit(ctx) as uow:
        period = days or uow.state.settings.stalled_after_days
        stalled = reminders.stalled_drafts(uow.state, uow.clock.now(), period, uow.probe)
    if dry_run:
        report = reminders.ReminderReport(period, [reminders.Reminder(s) for s in stalled])
    else:
        github = services.github_port(offline=offline or not services.settings.github_token)
        report = reminders.post_reminders(github, stalled, period)
    emit(as_json, report.to_dict(), lambda: _text(report))
    failed = [r for r in report.reminders if r.error]
    for reminder in failed:
        click.echo(f"Error: {reminder.stalled.task}: {reminder.error}", err=True)
    if failed:
        sys.exit(1)


def _text(report: reminders.ReminderReport) -> str:
    lines = [
        f"{r.stalled.task} (#{r.stalled.issue}, {r.stalled.substate}, {r.stalled.days} days): "
        f"{r.action or 'stalled'}"
        for r in report.reminders
    ]
    posted = sum(1 for r in report.reminders if r.action == "posted")
    lines.append(
        f"{len(report.reminders)} stalled draft(s) (unchanged {report.days}+ days), "
        f"{posted} reminder(s) posted"
    )
    return "\n".join(lines)
