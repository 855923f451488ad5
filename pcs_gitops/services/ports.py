"""The ports the services depend on; adapters implement them, tests fake them."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Generic, Protocol, TypeVar

from pcs_gitops.domain.model import ProdTask
from pcs_gitops.domain.state import State
from pcs_gitops.services.github_port import PullInfo

if TYPE_CHECKING:
    from pcs_gitops.services.unit_of_work import CommitResult, UnitOfWork

T = TypeVar("T")


class RawRecordFile(Protocol):
    @property
    def relpath(self) -> str: ...
    @property
    def data(self) -> Any: ...
    @property
    def error(self) -> str | None: ...


class StateStore(Protocol):
    def iter_files(self) -> Iterator[RawRecordFile]: ...
    def write(self, relpath: str, data: Any) -> bool: ...
    def delete(self, relpath: str) -> bool: ...


class SchemaCheck(Protocol):
    def problems(self, schema: str, data: Any) -> list[tuple[str, str]]: ...


class DerivedFiles(Protocol):
    """The files derived from the state (catalogue CSV, pages, JSON API)."""

    def sync(self, state: State, *, check_only: bool) -> tuple[list[str], list[str]]:
        """Bring them in line with ``state`` (with ``check_only``, change nothing); returns the
        paths written (or stale) and the paths deleted (or to delete), sorted."""
        ...


class PagePreview(Protocol):
    """A request's catalogue page exactly as the site publishes it (for previews)."""

    def request_page(self, state: State, task: ProdTask) -> dict[str, str]:
        """``{path, url, html}`` of the task's request page."""
        ...


class Clock(Protocol):
    def now(self) -> str: ...


class VersionControl(Protocol):
    def commit_paths(self, paths: list[str], message: str) -> str | None: ...


class IdentityResolver(Protocol):
    """Who holds a GitHub token (the REST surface's writes act as that login)."""

    def login_for(self, token: str) -> str:
        """The login the token belongs to; ``Unauthenticated`` when GitHub refuses the token,
        ``GitHubError`` when GitHub cannot be asked."""
        ...


@dataclass(frozen=True)
class Actor:
    """Who acts, and through which surface (cli, github, mcp, rest, import)."""

    login: str
    surface: str


# --------------------------------------------------------------------------- publishing


@dataclass(frozen=True)
class Target:
    """What a change is about. The working-tree publisher ignores it; the branch publisher
    derives the branch and its pull request from it (``services.branches.branch_for``).

    ``kind``: ``default`` (the default branch itself: no pull request), ``request`` (a
    catalogue issue: ``issue``), ``task`` (``key`` names a task as the
    user gave it), ``row`` (a task keyed on a catalogue row: ``key`` = the task name the intake
    would give), ``dataset`` (``key`` = ``kind:location`` of the source) or ``batch`` (``key``
    names a change over many records, e.g. an import).
    """

    kind: str
    key: str = ""
    issue: int | None = None
    title: str = ""  # a short description for the pull request of a non-request branch
    row: tuple[str, str] | None = None  # (csv path, row key) of a row-keyed task


@dataclass(frozen=True)
class PullRef:
    number: int
    url: str
    action: str  # created | reopened | updated | unchanged

    def to_dict(self) -> dict[str, Any]:
        return {"number": self.number, "url": self.url, "action": self.action}


@dataclass(frozen=True)
class Placement:
    """Where a change landed on a branch: its new commit (None: nothing changed) and the PR."""

    branch: str
    base: str
    commit: str | None
    pull: PullRef | None
    head_before: str | None = None
    validation: tuple[str, ...] | None = None  # problems found on the new head; None: not checked
    notes: tuple[str, ...] = ()
    pull_info: PullInfo | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "branch": self.branch,
            "base": self.base,
            "commit": self.commit,
            "pull": self.pull.to_dict() if self.pull is not None else None,
        }


@dataclass(frozen=True)
class Published(Generic[T]):
    """A use case's own result, the unit of work's commit and, for a branch, where it landed."""

    result: T
    commit: CommitResult | None
    placement: Placement | None = None

    def extra(self) -> dict[str, Any]:
        """``commit`` and (on a branch) ``published`` for a result's plain-data form."""
        out: dict[str, Any] = {"commit": self.commit.to_dict() if self.commit else None}
        if self.placement is not None:
            out["published"] = self.placement.to_dict()
        return out


@dataclass(frozen=True)
class BranchOptions:
    """How the branch publisher treats the branch of one change (the working tree ignores it).

    ``sync``: when the default branch changed records or derived files since the branch forked,
    the branch is rebuilt on it first, its records carried over (only request branches, whose
    records the pipeline knows how to carry). ``force_sync`` rebuilds it even when not.
    ``recover(uow, error)``: when ``change`` is refused, what to keep instead (on a fresh unit of
    work that holds the synced state; it commits nothing for a ``Refused``); without it the error
    propagates. ``on_sync_failure(source, error)``: when the records cannot be carried, the
    result to return (from the branch's own state); nothing is committed."""

    sync: bool = True
    force_sync: bool = False
    recover: Callable[[UnitOfWork, Exception], Any] | None = None
    on_sync_failure: Callable[[State, Exception], Any] | None = None
    sync_message: str = "Bring the request up to date with the default branch"
    status: bool = True  # set the pcs/validate commit status of a new head
    known_pull: PullInfo | None = None  # the branch's pull request when the caller knows it
    reopen: bool = False  # reopen a closed pull request even when nothing new was committed
    actor: Actor | None = None  # who carries the records (tags re-allocated on the base)


class Publisher(Protocol):
    """Where writes land: the working tree, or a branch with its one pull request.

    ``run`` opens a unit of work at the target's place, lets ``change`` read and change the state
    and commit it with its own message (a use case never commits when nothing changed), then
    publishes what was committed. A ``PcsError`` of ``change`` propagates and nothing lands."""

    def run(
        self, target: Target, change: Callable[[UnitOfWork], T], options: Any = None
    ) -> Published[T]: ...

    def reading(self) -> AbstractContextManager[UnitOfWork]:
        """A unit of work over the current state, for reads (never committed)."""
        ...

    def rehearse(self, change: Callable[[UnitOfWork], T]) -> T:
        """Run ``change`` in a unit of work whose commit validates everything and writes
        nothing (previews and dry runs)."""
        ...


# --------------------------------------------------------------------------- branches in git


class BranchCheckout(Protocol):
    """A temporary checkout of a branch (or of the base when the branch is new)."""

    @property
    def root(self) -> Path: ...

    @property
    def head(self) -> str | None:
        """The branch head before this run; None when the branch does not exist yet."""
        ...

    @property
    def base_head(self) -> str: ...

    @property
    def behind_base(self) -> bool:
        """The base changed records or derived files since the branch forked from it."""
        ...

    def reset_to_base(self) -> None:
        """Make the checkout hold the base's files; the next commit also has the base as parent."""
        ...

    def commit(self, message: str) -> str | None:
        """Commit every change of the checkout (one commit); None when nothing changed."""
        ...


class BranchWorkspace(Protocol):
    def checkout(self, branch: str, base: str) -> AbstractContextManager[BranchCheckout]: ...

    def publish(self, branch: str, new: str, old: str | None) -> None:
        """Move ``branch`` from ``old`` (None: absent) to ``new``; ``PushRejected`` if it moved."""
        ...

    def delete(self, branch: str) -> bool:
        """Delete the branch; False when it did not exist."""
        ...

    def branches(self, prefix: str) -> list[str]: ...

    def behind(self, branch: str, base: str) -> bool: ...
