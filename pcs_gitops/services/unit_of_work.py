"""One unit of work: load the state, let a service change it, validate all, write, regenerate."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from types import TracebackType

from pcs_gitops.domain.readiness import PathProbe
from pcs_gitops.domain.rules import Problem, check_state
from pcs_gitops.domain.state import State, kind_of_path
from pcs_gitops.domain.twin_rules import twin_problems
from pcs_gitops.errors import PcsError, ValidationFailed
from pcs_gitops.services.approval import SYSTEM, withdraw_stale_approvals
from pcs_gitops.services.loading import SCHEMA_OF_KIND, LoadResult, load_state
from pcs_gitops.services.ports import (
    BulkWrites,
    Clock,
    DerivedFiles,
    Progress,
    SchemaCheck,
    StateStore,
    VersionControl,
    no_progress,
    write_each,
)


@dataclass
class CommitResult:
    records_written: list[str] = field(default_factory=list)
    derived_written: list[str] = field(default_factory=list)
    derived_deleted: list[str] = field(default_factory=list)
    commit: str | None = None
    message: str = ""  # the use case's commit message (a branch publisher commits with it)
    withdrawn: list[dict[str, object]] = field(default_factory=list)  # approvals this withdrew

    @property
    def changed(self) -> bool:
        return bool(self.records_written or self.derived_written or self.derived_deleted)

    def to_dict(self) -> dict[str, object]:
        out: dict[str, object] = {
            "records_written": self.records_written,
            "derived_written": self.derived_written,
            "derived_deleted": self.derived_deleted,
            "commit": self.commit,
        }
        if self.withdrawn:
            out["approvals_withdrawn"] = self.withdrawn
        return out


def sync_derived(
    derived: DerivedFiles, state: State, *, check_only: bool, progress: Progress = no_progress
) -> CommitResult:
    """Bring derived files in line with the state; with ``check_only`` just report the drift."""
    written, deleted = derived.sync(state, check_only=check_only, progress=progress)
    return CommitResult(derived_written=written, derived_deleted=deleted)


def unprobed(path: str) -> bool | None:
    """The probe of a unit of work that may not look at the filesystem: nothing is known."""
    return None


class UnitOfWork:
    """``with uow:`` loads the state; ``uow.commit(msg)`` validates and writes; leaving without
    commit writes nothing."""

    def __init__(
        self,
        store: StateStore,
        schemas: SchemaCheck,
        derived: DerivedFiles | None,
        clock: Clock,
        vcs: VersionControl | None = None,
        probe: PathProbe | None = None,
        progress: Progress = no_progress,
        preloaded: Callable[[], State] | None = None,
    ) -> None:
        """``preloaded`` gives the state instead of loading it from ``store`` (which then only
        receives the writes)."""
        self.preloaded = preloaded
        self.store = store
        self.schemas = schemas
        self.derived = derived
        self.clock = clock
        self.vcs = vcs
        self.probe: PathProbe = probe or unprobed
        self.progress = progress
        self._state: State | None = None
        self.committed: CommitResult | None = None

    @property
    def state(self) -> State:
        if self._state is None:
            raise PcsError("internal error: the unit of work is used outside 'with'")
        return self._state

    def __enter__(self) -> UnitOfWork:
        self.committed = None
        if self.preloaded is not None:
            self._state = self.preloaded()
            self._state.dirty.clear()
            return self
        loaded: LoadResult = load_state(self.store.iter_files(), None)
        if loaded.problems:
            raise ValidationFailed(
                loaded.problems,
                header="the state cannot be loaded; fix these first (see 'pcs validate')",
            )
        self._state = loaded.state
        self._state.dirty.clear()
        self.committed = None
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._state = None

    def commit(self, message: str) -> CommitResult:
        state = self.state
        # a change to what a ready task's payload is built from withdraws its approval
        withdrawn = withdraw_stale_approvals(state, SYSTEM, self.clock.now(), set(state.dirty))
        problems: list[Problem] = []
        for relpath in sorted(state.dirty):
            data = state.record_dict(relpath)
            found = kind_of_path(relpath)
            if data is None or found is None:
                continue
            problems.extend(
                Problem(relpath, p, m)
                for p, m in self.schemas.problems(SCHEMA_OF_KIND[found[0]], data)
            )
        problems.extend(check_state(state))
        problems.extend(twin_problems(state))
        if problems:
            raise ValidationFailed(problems, header="refused: the change would leave invalid state")
        result = CommitResult(message=message, withdrawn=[w.to_dict() for w in withdrawn])
        result.records_written = self._write(sorted(state.dirty))
        state.dirty.clear()
        if self.derived is not None and result.records_written:
            derived = sync_derived(self.derived, state, check_only=False, progress=self.progress)
            result.derived_written = derived.derived_written
            result.derived_deleted = derived.derived_deleted
        return self._finish(result)

    def _write(self, dirty: list[str]) -> list[str]:
        """Write the changed records; the ones whose files changed."""
        data_of = self.state.record_dict
        if isinstance(self.store, BulkWrites):
            return self.store.write_many(dirty, data_of, self.progress)
        return write_each(self.store, dirty, data_of, self.progress)

    def render(self, message: str) -> CommitResult:
        """Bring the derived files in line with the records as they are, and commit that alone
        (the default branch after a merge of records rendered elsewhere)."""
        if self.derived is None:
            raise PcsError("internal error: this unit of work renders no derived files")
        result = sync_derived(self.derived, self.state, check_only=False, progress=self.progress)
        result.message = message
        return self._finish(result)

    def _finish(self, result: CommitResult) -> CommitResult:
        if self.vcs is not None and result.changed:
            paths = result.records_written + result.derived_written + result.derived_deleted
            result.commit = self.vcs.commit_paths(paths, result.message)
        self.committed = result
        return result
