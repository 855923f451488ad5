"""The ``pcs`` command line: parse options, call one service, format the result and exit code."""

from __future__ import annotations

import importlib
import os
import sys
from pathlib import Path

import click

from pcs_gitops.errors import PcsError, UsageError


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
    """Loads each command on first use (see COMMANDS) and translates PcsError into a clean
    message and exit code (never a traceback)."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(COMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        return load_command(cmd_name) if cmd_name in COMMANDS else None

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        names = self.list_commands(ctx)
        limit = formatter.width - 6 - max(len(name) for name in names)
        rows = [(name, shorten(COMMANDS[name][2], limit)) for name in names]
        with formatter.section("Commands"):
            formatter.write_dl(rows)

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        return super().parse_args(ctx, hoist_global_options(args))

    def invoke(self, ctx: click.Context) -> object:
        try:
            return super().invoke(ctx)
        except PcsError as exc:
            if exc.detail and os.environ.get("PCS_DEBUG"):
                click.echo(exc.detail, err=True)
            from pcs_gitops.config import Settings
            from pcs_gitops.entrypoints import actions_output

            command = ctx.invoked_subcommand or "pcs"
            actions_output.failure(Settings.from_env(Path.cwd()), command, str(exc))
            raise click_error(exc) from exc


def shorten(summary: str, limit: int) -> str:
    """The summary cut at a word boundary to fit ``limit`` characters (as click shortens)."""
    if len(summary) <= limit:
        return summary
    return summary[: max(limit - 3, 0)].rsplit(" ", 1)[0].rstrip(",;:") + "..."


GLOBAL_WITH_VALUE = ("--repo", "--actor")
GLOBAL_FLAGS = ("-v", "-vv", "-vvv", "--verbose", "-q", "--quiet")


def hoist_global_options(args: list[str]) -> list[str]:
    """``pcs validate --repo D`` as ``pcs --repo D validate``: the global options may follow
    the subcommand (up to a ``--``, after which everything is an argument)."""
    front: list[str] = []
    rest: list[str] = []
    index = 0
    while index < len(args):
        arg = str(args[index])  # callers in Python may pass paths
        if arg == "--":
            rest += args[index:]
            break
        if arg in GLOBAL_WITH_VALUE and index + 1 < len(args):
            front += args[index : index + 2]
            index += 2
            continue
        if arg.startswith(tuple(f"{o}=" for o in GLOBAL_WITH_VALUE)) or arg in GLOBAL_FLAGS:
            front.append(arg)
        else:
            rest.append(arg)
        index += 1
    return front + rest


@click.group(
    cls=PcsGroup,
    context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100},
)
@click.option(
    "--repo",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("."),
    show_default=True,
    envvar="PCS_REPO",
    help="The managed repository (holds state/ and schemas/); also $PCS_REPO. May follow the "
    "subcommand.",
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
    from dataclasses import replace

    from pcs_gitops import bootstrap
    from pcs_gitops.config import Settings
    from pcs_gitops.entrypoints.cli import progress as cli_progress
    from pcs_gitops.entrypoints.cli.common import Context

    verbosity = -1 if quiet else verbose
    cli_progress.configure_logging(verbosity)
    settings = Settings.from_env(repo)
    if actor:
        settings = replace(settings, actor=actor.strip())
    services = bootstrap.build(settings)
    click_ctx.obj = Context(repo=settings.repo_root, services=services, verbosity=verbosity)


# name -> (module under pcs_gitops.entrypoints.cli, attribute, help summary). A command's
# module is imported only when that command runs, so ``pcs --help`` and shell completion stay
# fast; tests/e2e/test_cli_conventions.py checks each summary against the command's own help.
COMMANDS: dict[str, tuple[str, str, str]] = {
    "bench": ("bench", "bench", "Benchmark helpers."),
    "campaign": (
        "campaigns",
        "campaign",
        "Campaigns: one production pass with one release (family 26.07, release 26.07.1).",
    ),
    "catalog": ("repository", "catalog", "The public catalogue file."),
    "check-change": (
        "check_change",
        "check_change_cmd",
        "Compare the records of HEAD with BASE and refuse what the author may not do by hand.",
    ),
    "config": ("tags", "config", "Production configs (execution templates)."),
    "dataset": ("datasets", "dataset", "Datasets: external inputs and produced samples."),
    "form": ("gh", "form", "Issue forms."),
    "gh": ("gh", "gh", "GitHub: handle the events of the dataset-request pipeline."),
    "import": ("imports", "import_group", "Import records from other systems (the reference PCS)."),
    "infer": (
        "repository",
        "infer",
        "Show what PATH (and the release URL) say about physics, generator and sample.",
    ),
    "init": (
        "init",
        "init",
        "Create a complete catalogue repository in DIRECTORY: git on main, state/, schemas/, "
        "docs/, the issue form, the workflows, the pre-commit hooks and a README.",
    ),
    "mcp": (
        "mcp",
        "mcp",
        "Run the MCP server for the repository given by --repo (stdio by default).",
    ),
    "panda": ("panda", "panda", "PanDA: read the status of submitted tasks back into the records."),
    "remind": (
        "remind",
        "remind",
        "Post one reminder per period on each draft request unchanged for DAYS or more, "
        "naming what is missing and who can act; a second run in the same period posts nothing.",
    ),
    "render": (
        "repository",
        "render",
        "Regenerate the derived files (catalogue CSV, pages, JSON API) from the records.",
    ),
    "report": (
        "report",
        "report",
        "Summarise the campaign: requested events and requests by PWG, priority and status, "
        "requests per use flag, and requests stuck in draft with the oldest age.",
    ),
    "serve": (
        "serve",
        "serve",
        "Serve the REST API (JSON under /pcs/api/) for the repository given by --repo.",
    ),
    "site": ("site", "site", "The Jekyll site in docs/: catalogue, request pages, JSON API."),
    "tag": ("tags", "tag", "Tags: physics (p), evgen (e), simu (s), reco (r), background (k)."),
    "task": ("tasks", "task", "Production tasks: intake, lifecycle, submission."),
    "validate": (
        "repository",
        "validate",
        "Check every record against its schema and the cross-record rules, and that no locked "
        "tag changed since the base commit.",
    ),
}


def load_command(name: str) -> click.Command:
    module_name, attribute, _ = COMMANDS[name]
    module = importlib.import_module(f"pcs_gitops.entrypoints.cli.{module_name}")
    command: click.Command = getattr(module, attribute)
    if isinstance(command, click.Group):
        for extra in _subcommands_from_elsewhere(name):
            command.add_command(extra)  # idempotent: keyed by the subcommand's name
    return command


def _subcommands_from_elsewhere(name: str) -> list[click.Command]:
    """Subcommands of a group that live in another module (beside their own use cases)."""
    if name == "task":
        from pcs_gitops.entrypoints.cli import metadata, panda, payload, task_changes

        return [
            panda.reconcile_cmd,
            panda.retry_cmd,
            metadata.confirm_cmd,
            *task_changes.COMMANDS,
            *payload.COMMANDS,
        ]
    if name == "dataset":
        from pcs_gitops.entrypoints.cli import metadata, payload

        return [metadata.confirm_cmd, *payload.DATASET_COMMANDS]
    if name == "tag":
        from pcs_gitops.entrypoints.cli import tag_authoring

        return list(tag_authoring.COMMANDS)
    return []


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
