"""``pcs report``: the campaign summary (events, PWG x priority x status, use flags, drafts)."""

from __future__ import annotations

import click

from pcs_gitops.entrypoints.cli.common import Context, emit, pass_ctx, unit
from pcs_gitops.services import reporting


@click.command()
@click.option("--json", "fmt", flag_value="json", help="Print the whole report as JSON.")
@click.option(
    "--csv", "fmt", flag_value="csv", help="Print requests and events by PWG x priority x status."
)
@click.option("--markdown", "fmt", flag_value="markdown", help="Print Markdown tables.")
@click.option(
    "--as-of",
    metavar="TIME",
    help="Measure the age of drafts at this ISO-8601 time instead of now.",
)
@pass_ctx
def report(ctx: Context, fmt: str | None, as_of: str | None) -> None:
    """Summarise the campaign: requested events and requests by PWG, priority and status,
    requests per use flag, and requests stuck in draft with the oldest age."""
    frames = ctx.services.report_frames()
    with unit(ctx) as uow:
        data = reporting.campaign_report(uow.state, frames, uow.probe, as_of or uow.clock.now())
    if fmt == "csv":
        click.echo(frames.breakdown_csv(data), nl=False)
    else:
        emit(fmt == "json", data, lambda: frames.format_report(data, markdown=fmt == "markdown"))
