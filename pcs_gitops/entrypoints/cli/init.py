"""``pcs init``: a new catalogue repository, or ``--upgrade`` of an existing one's files."""

from __future__ import annotations

from pathlib import Path

import click

from pcs_gitops import bootstrap
from pcs_gitops.entrypoints.cli.common import emit, json_option
from pcs_gitops.services.repository_init import InitReport

ACTION_REF_HELP = (
    "The pcs action the generated workflows use: a full commit SHA of pcs-gitops, "
    "OWNER/NAME@SHA, or 'local' (uses: ./, for pcs-gitops itself). Default: the release this "
    "pcs was built from."
)


@click.command()
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
@click.option("--repository", help="owner/name of the catalogue's GitHub repository.")
@click.option(
    "--upgrade",
    is_flag=True,
    help="Refresh the generated files (schemas, workflows, form, hooks) of an existing "
    "catalogue to this pcs version; records and your own files are left alone.",
)
@click.option("--dry-run", is_flag=True, help="With --upgrade: show what would change only.")
@click.option("--action-ref", help=ACTION_REF_HELP)
@json_option
def init(
    directory: Path,
    repository: str | None,
    upgrade: bool,
    dry_run: bool,
    action_ref: str | None,
    as_json: bool,
) -> None:
    """Create a complete catalogue repository in DIRECTORY: git on main, state/, schemas/,
    docs/, the issue form, the workflows, the pre-commit hooks and a README."""
    if dry_run and not upgrade:
        raise click.UsageError("--dry-run goes with --upgrade")
    if upgrade:
        if repository:
            raise click.UsageError("--repository is read from state/catalog.yaml on --upgrade")
        report = bootstrap.upgrade_repository(directory, action_ref=action_ref, dry_run=dry_run)
    else:
        report = bootstrap.init_repository(directory, repository, action_ref=action_ref)
    payload = {"directory": str(directory), "files": report.written, **report.to_dict()}
    emit(as_json, payload, lambda: _describe(directory, report))


def _describe(directory: Path, report: InitReport) -> str:
    if report.upgrade:
        return _describe_upgrade(directory, report)
    parts = [f"initialised {directory}: {len(report.written)} files"]
    parts.append("(state/, schemas/, docs/, .github/, .pre-commit-config.yaml, README.md)")
    lines = [" ".join(parts)]
    if report.commit:
        lines.append(f"  git repository on main, first commit {report.commit[:12]}")
    else:
        lines.append("  an existing git repository: review and commit the new files")
    lines.append("  next: push it to GitHub, then read README.md (Pages, roles, secrets)")
    return "\n".join(lines)


def _describe_upgrade(directory: Path, report: InitReport) -> str:
    verb = "would change" if report.dry_run else "upgraded"
    lines = [c.describe() for c in report.files if c.change.value != "unchanged"]
    counts: dict[str, int] = {}
    for change in report.files:
        counts[change.change.value] = counts.get(change.change.value, 0) + 1
    summary = ", ".join(f"{n} {name}" for name, n in sorted(counts.items()))
    if not any(c.writes for c in report.files):
        return f"{directory}: generated files already up to date ({summary})"
    lines.append(f"{verb} {directory}: {summary}")
    if not report.dry_run:
        lines.append("  review with 'git diff', then commit")
    return "\n".join(lines)
