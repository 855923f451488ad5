"""The ``pcs`` command line: parse options, call one service, format the result and exit code."""

from __future__ import annotations

import os
import sys
from dataclasses import replace
from pathlib import Path

import click

from pcs_gitops import bootstrap
from pcs_gitops.config import Settings
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
from pcs_gitops.errors import PcsError, UsageError
from pcs_gitops.services import checks, publishing
from pcs_gitops.services.ports import Actor
from pcs_gitops.services.usecases import catalog as catalog_writes


class PcsRefusal(click.ClickException):
    """A refused operation as click reports it: ``Error: <message>`` on stderr, exit 1."""

    exit_code = 1


class PcsUsageError(PcsRefusal):
    """A wrongly called command: exit 2."""

    exit_code = 2


class PcsRecordingFailed(PcsRefusal):
    """PanDA accepted but the state could not record it: exit 2 (see RecordingFailed)."""

    exit_code = 2


def click_error(error: PcsError) -> click.ClickException:
    if error.exit_code == 2:
        return (
            PcsUsageError(str(error))
            if isinstance(error, UsageError)
            else PcsRecordingFailed(str(error))
        )
    return PcsRefusal(str(error))


class PcsGroup(click.Group):
    """Translates PcsError into a clean message and exit code (never a traceback)."""

    def invoke(self, ctx: click.Context) -> object:
        try:
            return super().invoke(ctx)
        except PcsError as exc:
            if exc.detail and os.environ.get("PCS_DEBUG"):
                click.echo(exc.detail, err=True)
            command = ctx.invoked_subcommand or "pcs"
            actions_output.failure(Settings.from_env(Path.cwd()), command, str(exc))
            raise click_error(exc) from exc


@click.group(
    cls=PcsGroup,
    context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100},
)
@click.option(
    "--repo",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("."),
    show_default=True,
    help="The managed repository (holds state/ and schemas/).",
)
@click.option(
    "--actor",
    metavar="LOGIN",
    help="Who acts, checked against state/roles.yaml (default: $PCS_ACTOR, else $USER). "
    "Trusted local use: whoever runs pcs on a checkout may name any login.",
)
@click.option("-v", "--verbose", count=True, help="Say what pcs does (-vv: every git command).")
@click.option("-q", "--quiet", is_flag=True, help="Only errors and results: no progress, no notes.")
@click.version_option(package_name="pcs-gitops")
@click.pass_context
def cli(click_ctx: click.Context, repo: Path, actor: str | None, verbose: int, quiet: bool) -> None:
    """pcs: the ePIC production configuration system as GitOps records."""
    if verbose and quiet:
        raise click.UsageError("-v and -q contradict each other; give one")
    verbosity = -1 if quiet else verbose
    cli_progress.configure_logging(verbosity)
    settings = Settings.from_env(repo)
    if actor:
        settings = replace(settings, actor=actor.strip())
    services = bootstrap.build(settings)
    click_ctx.obj = Context(repo=settings.repo_root, services=services, verbosity=verbosity)


# --------------------------------------------------------------------------- repository
@cli.command()
@json_option
@pass_ctx
def validate(ctx: Context, as_json: bool) -> None:
    """Check every record against its schema and the cross-record rules."""
    cli_progress.show_progress(ctx, as_json)
    services = ctx.services
    report = checks.validate_repository(services.store(), services.schemas(), services.progress)
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


@cli.command()
@click.option("--check", is_flag=True, help="Exit 1 when a derived file is stale; write nothing.")
@json_option
@pass_ctx
def render(ctx: Context, check: bool, as_json: bool) -> None:
    """Regenerate the derived files (catalogue CSV, pages, JSON API) from the records."""
    cli_progress.show_progress(ctx, as_json)
    services = ctx.services
    result = publishing.render(
        services.store(), services.derived(), check=check, progress=services.progress
    )
    stale = result.derived_written + result.derived_deleted
    if check:
        actions_output.report_stale(services.settings, stale)
        payload = {"stale": stale, "ok": not stale}
        emit(
            as_json,
            payload,
            lambda: "up to date" if not stale else "stale:\n  " + "\n  ".join(stale),
        )
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


@cli.group()
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
@cli.command()
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


# the groups import main's helpers, so they come last
from pcs_gitops.entrypoints.cli import (  # noqa: E402
    bench,
    check_change,
    datasets,
    gh,
    init,
    mcp,
    panda,
    payload,
    report,
    serve,
    site,
    tags,
    tasks,
    twins,
)

for _command in (
    init.init,
    datasets.dataset,
    tasks.task,
    tags.tag,
    tags.config,
    report.report,
    site.site,
    gh.gh,
    gh.form,
    mcp.mcp,
    serve.serve,
    bench.bench,
    panda.panda,
    check_change.check_change_cmd,
):
    cli.add_command(_command)
tasks.task.add_command(panda.reconcile_cmd)
tasks.task.add_command(panda.retry_cmd)
for _command in (payload.approve_cmd, payload.plan_cmd, payload.compose_outputs_cmd):
    tasks.task.add_command(_command)
tasks.task.add_command(payload.withdraw_cmd)
datasets.dataset.add_command(payload.count_files_cmd)
for _command in twins.COMMANDS:
    tasks.task.add_command(_command)


def main(argv: list[str] | None = None) -> None:
    try:
        cli.main(args=argv, prog_name="pcs")
    except PcsError as exc:  # raised outside a command (e.g. while building the context)
        click.echo(f"Error: {exc}", err=True)
        sys.exit(exc.exit_code)
    except Exception as exc:  # the last line of defence: no traceback for users
        if os.environ.get("PCS_DEBUG"):
            raise
        click.echo(
            f"Error: internal error: {type(exc).__name__}: {exc}. This is a bug; rerun with "
            "PCS_DEBUG=1 for a traceback and report it.",
            err=True,
        )
        sys.exit(3)
