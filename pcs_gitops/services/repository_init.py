"""``pcs init``: a complete catalogue repository; ``pcs init --upgrade``: refresh one."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from pcs_gitops.errors import UsageError
from pcs_gitops.services.ports import DerivedFiles, FileTree, RepositoryHistory, StateStore
from pcs_gitops.services.scaffold import FileChange, ScaffoldOptions, compare, plan_files
from pcs_gitops.services.setup import initial_state
from pcs_gitops.services.unit_of_work import sync_derived

DEFAULT_BRANCH = "main"
FIRST_COMMIT_MESSAGE = "New catalogue repository (pcs init)"


@dataclass
class InitReport:
    upgrade: bool
    dry_run: bool
    files: list[FileChange] = field(default_factory=list)
    records: list[str] = field(default_factory=list)
    derived: list[str] = field(default_factory=list)
    commit: str | None = None
    created_git: bool = False

    @property
    def written(self) -> list[str]:
        return [c.path for c in self.files if c.writes] + self.records + self.derived

    def to_dict(self) -> dict[str, object]:
        return {
            "upgrade": self.upgrade,
            "dry_run": self.dry_run,
            "files": [c.to_dict() for c in self.files],
            "records": self.records,
            "derived": self.derived,
            "commit": self.commit,
        }


@dataclass(frozen=True)
class Workspace:
    """Where ``pcs init`` writes: the files, the records, the derived files and git."""

    tree: FileTree
    store: StateStore
    derived: DerivedFiles
    history: RepositoryHistory


def create_repository(
    workspace: Workspace,
    templates: Mapping[str, bytes],
    options: ScaffoldOptions,
    now: str,
    *,
    label: str = "the directory",
) -> InitReport:
    """Write a new catalogue: generated files, the first records, the derived files, then
    (when the directory is not a git repository with commits yet) ``git init`` on ``main``
    and one commit, so the request pipeline can branch off it at once."""
    if workspace.tree.has_records():
        raise UsageError(
            f"{label} already holds records under state/; refusing to overwrite them. To "
            f"refresh its generated files instead, run 'pcs init --upgrade {label}'"
        )
    report = InitReport(upgrade=False, dry_run=False)
    report.files = _write_plan(workspace.tree, templates, options, dry_run=False)
    state = initial_state(now, options.catalogue)
    for relpath in sorted(state.dirty):
        data = state.record_dict(relpath)
        if data is not None and workspace.store.write(relpath, data):
            report.records.append(relpath)
    state.dirty.clear()
    report.derived = sync_derived(workspace.derived, state, check_only=False).derived_written
    if workspace.history.start(DEFAULT_BRANCH):
        report.created_git = True
        report.commit = workspace.history.commit_all(FIRST_COMMIT_MESSAGE)
    return report


def upgrade_repository(
    tree: FileTree,
    templates: Mapping[str, bytes],
    options: ScaffoldOptions,
    *,
    dry_run: bool = False,
    label: str = "the directory",
) -> InitReport:
    """Bring the generated files of an existing catalogue to this pcs version; records and the
    maintainers' own files are left alone, nothing is committed. Running it twice changes
    nothing the second time."""
    if not tree.has_records():
        raise UsageError(
            f"{label} holds no catalogue (no records under state/); create one with "
            f"'pcs init {label}'"
        )
    report = InitReport(upgrade=True, dry_run=dry_run)
    report.files = _write_plan(tree, templates, options, dry_run=dry_run)
    return report


def _write_plan(
    tree: FileTree, templates: Mapping[str, bytes], options: ScaffoldOptions, *, dry_run: bool
) -> list[FileChange]:
    planned = plan_files(templates, options)
    changes = compare(planned, {item.path: tree.read(item.path) for item in planned})
    if not dry_run:
        content = {item.path: item.content for item in planned}
        for change in changes:
            if change.writes:
                tree.write(change.path, content[change.path])
    return changes
