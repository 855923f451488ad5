"""The repository-wide commands: validate, render, catalog import, infer."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from pcs_gitops.entrypoints import actions_output
from pcs_gitops.entrypoints.cli import progress as cli_progress
from pcs_gitops.entrypoints.cli.common import (
    Context,
    describe_commit,
    emit,
    json_option,
    pass_ctx,
    unit,
)
from pcs_gitops.errors import UsageError
from pcs_gitops.services import checks, publishing
from pcs_gitops.services.ports import Actor
from pcs_gitops.services.usecases import catalog as catalog_writes


# --------------------------------------------------------------------------- repository
@click.command()
@click.option(
    "--base",
    metavar="REF",
    help="Check that no locked tag of this commit changed (default: the commit the checked-out "
    "state descends from: HEAD with uncommitted changes under state/, else HEAD~1).",
)
@click.option("--no-base", is_flag=True, help="Compare with no commit (records and rules only).")
@json_option
@pass_ctx
def validate(ctx: Context, base: str | None, no_base: bool, as_json: bool) -> None:
    """Check every record against its schema and the cross-record rules, and that no locked
    tag changed since the base commit."""
    if base and no_base:
        raise click.UsageError("--base and --no-base contradict each other; give one")
    cli_progress.show_progress(ctx, as_json)
    services = ctx.services
    compared = None if no_base else services.base_records(base)
    report = checks.validate_repository(
        services.store(), services.schemas(), services.progress, base=compared
    )
    actions_output.report_validation(ctx.services.settings, report.to_dict())
    if as_json:
        emit(True, report.to_dict(), "")
    elif report.ok:
        click.echo(f"ok: {report.files} record files valid")
    else:
        for problem in report.problems:
            click.echo(str(problem), err=True)
        click.echo(f"{len(report.problems)} problem(s) in {report.files} record files", err=True)
    if not report.ok:
        sys.exit(1)


@click.command()
@click.option("--check", is_flag=True, help="Exit 1 when a derived file is stale; write nothing.")
@click.option(
    "--pending",
    is_flag=True,
    help="With --check: accept stale derived files this change left as its base commit had "
    "them (a change of records only, e.g. a request's pull request: the default branch "
    "renders them after the merge); a derived file the change edited must still be current.",
)
@json_option
@pass_ctx
def render(ctx: Context, check: bool, pending: bool, as_json: bool) -> None:
    """Regenerate the derived files (catalogue CSV, pages, JSON API) from the records."""
    if pending and not check:
        raise click.UsageError("--pending goes with --check; 'pcs render' alone writes them all")
    cli_progress.show_progress(ctx, as_json)
    services = ctx.services
    result = publishing.render(
        services.store(), services.derived(), check=check, progress=services.progress
    )
    stale = result.derived_written + result.derived_deleted
    if check:
        waiting: list[str] = []
        base = services.derived_changed_since_base() if pending and stale else None
        if base is not None:
            touched = base[1]
            waiting = [path for path in stale if path not in touched]
            stale = [path for path in stale if path in touched]
        actions_output.report_stale(services.settings, stale)
        payload = {"stale": stale, "pending": waiting, "ok": not stale}
        emit(as_json, payload, lambda: _check_text(stale, waiting, base))
        if stale:
            if not as_json:
                click.echo("run 'pcs render' and commit the result", err=True)
            sys.exit(1)
        return
    emit(
        as_json,
        result.to_dict(),
        f"{len(result.derived_written)} written, {len(result.derived_deleted)} deleted"
        if stale
        else "derived files already up to date",
    )


def _check_text(stale: list[str], waiting: list[str], base: tuple[str, set[str]] | None) -> str:
    lines = ["stale:", *(f"  {path}" for path in stale)] if stale else []
    if waiting and base is not None:
        lines.append(
            f"{len(waiting)} derived file(s) wait for the records this change brought, as "
            f"{base[0]} had them: the default branch renders them after the merge"
        )
    return "\n".join(lines) or "up to date"


@click.group()
def catalog() -> None:
    """The public catalogue file."""


@catalog.command("import")
@click.argument("csv_file", type=click.Path(dir_okay=False, exists=True, path_type=Path))
@json_option
@pass_ctx
def catalog_import_cmd(ctx: Context, csv_file: Path, as_json: bool) -> None:
    """Import a public catalogue CSV (any epic-prod layout) as datasets and draft tasks."""
    try:
        text = csv_file.read_bytes().decode("utf-8")
    except UnicodeDecodeError as exc:
        raise UsageError(f"{csv_file} is not UTF-8 text ({exc}); re-save it as UTF-8") from exc
    actor = Actor(ctx.services.settings.actor, "import", trusted=True)
    cli_progress.show_progress(ctx, as_json)
    payload = catalog_writes.import_catalog(ctx.publisher(), text, csv_file.name, actor)

    def text_out() -> str:
        lines = [
            f"{payload['rows']} rows: {payload['tasks_created']} tasks created, "
            f"{payload['tasks_updated']} updated, {payload['tasks_unchanged']} unchanged; "
            f"{payload['datasets_created']} datasets and {len(payload['tags_created'])} tags "
            "created; " + describe_commit(payload)
        ]
        warnings = payload["warnings"]
        if warnings:
            lines.append(f"{len(warnings)} warning(s):")
            lines += [f"  {w}" for w in warnings]
        return "\n".join(lines)

    emit(as_json, payload, text_out)


# --------------------------------------------------------------------------- inference
@click.command()
@click.argument("path")
@click.option("--release-url", help="The generator/dataset release URL.")
@json_option
@pass_ctx
def infer(ctx: Context, path: str, release_url: str | None, as_json: bool) -> None:
    """Show what PATH (and the release URL) say about physics, generator and sample."""
    from pcs_gitops.services import inference as inference_service

    with unit(ctx) as uow:
        payload = inference_service.describe(uow.state, path, release_url)
    emit(as_json, payload, lambda: inference_service.format_text(payload))
