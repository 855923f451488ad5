"""The ports the services depend on; adapters implement them, tests fake them."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Generic, Protocol, TypeVar, runtime_checkable

from pcs_gitops.domain.model import ProdTask
from pcs_gitops.domain.settings import Roles
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


@runtime_checkable
class BulkWrites(Protocol):
    """A ``StateStore`` that writes many records at once faster than one by one (the working
    tree's, in forked workers: an import writes tens of thousands)."""

    def write_many(
        self, relpaths: Sequence[str], data_of: Callable[[str], Any], progress: Progress
    ) -> list[str]:
        """Write (``data_of`` gives the data) or delete (it gives None) each record; returns
        the ones that changed, in the order given."""
        ...


class SchemaCheck(Protocol):
    def problems(self, schema: str, data: Any) -> list[tuple[str, str]]: ...


class DerivedFiles(Protocol):
    """The files derived from the state (catalogue CSV, pages, JSON API)."""

    def sync(
        self, state: State, *, check_only: bool, progress: Progress
    ) -> tuple[list[str], list[str]]:
        """Bring them in line with ``state`` (with ``check_only``, change nothing), telling
        ``progress`` of each file written; returns the paths written (or stale) and the paths
        deleted (or to delete), sorted."""
        ...


class PagePreview(Protocol):
    """A request's catalogue page exactly as the site publishes it (for previews)."""

    def request_page(self, state: State, task: ProdTask) -> dict[str, str]:
        """``{path, url, html}`` of the task's request page."""
        ...


class InputFiles(Protocol):
    """How many input files an external source holds, read from the filesystem."""

    def count(self, kind: str, location: str, roots: tuple[str, ...]) -> int | None:
        """A CSV manifest's data lines, or the event files under a directory; None when the
        source cannot be read from here (outside ``roots``, not mounted, unreadable)."""
        ...


class RecordHistory(Protocol):
    """The records of past commits (git), for comparing two of them."""

    def resolve(self, ref: str) -> str: ...
    def merge_base(self, base: str, head: str) -> str: ...
    def authors(self, base: str, head: str) -> list[tuple[str, str, str]]:
        """(commit, author name, author e-mail) of each non-merge commit in base..head."""
        ...

    def records(self, commit: str, prefixes: Sequence[str] = ("state",)) -> list[Any]:
        """The parsed record files (``RawRecordFile``) of ``commit`` under ``prefixes``."""
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


class TeamDirectory(Protocol):
    """Team membership (the GitHub port answers it)."""

    def has_team_member(self, org: str, team_slug: str, login: str) -> bool: ...


@dataclass(frozen=True)
class Actor:
    """Who acts, and through which surface (cli, github, mcp, rest, import).

    ``teams`` answers team grants (None: only login grants count); ``trusted`` marks a local
    actor (the CLI, a local MCP server) that may set up a repository whose roles grant nobody."""

    login: str
    surface: str
    teams: TeamDirectory | None = field(default=None, compare=False, repr=False)
    trusted: bool = False


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
    body: str = ""  # what the pull request of a non-request branch says (default: the title)


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
    validation: tuple[str, ...] | None = None  # problems found on the head; None: not checked
    notes: tuple[str, ...] = ()
    pull_info: PullInfo | None = None
    status_head: str | None = None  # the head whose commit status this run posted

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
    # the head whose commit status is known to be posted (None: unknown): an existing head
    # without it is checked and gets its status, whatever happened to an earlier run
    validated_head: str | None = None
    check_head: bool = False  # post the status of an existing head unless validated_head is it


# a unit of work a service opens and commits itself: ``with factory() as uow: ...``
UnitFactory = Callable[[], "AbstractContextManager[UnitOfWork]"]


class Publisher(Protocol):
    """Where writes land: the working tree, or a branch with its one pull request.

    ``run`` opens a unit of work at the target's place, lets ``change`` read and change the state
    and commit it with its own message (a use case never commits when nothing changed), then
    publishes what was committed. A ``PcsError`` of ``change`` propagates and nothing lands."""

    def run(
        self, target: Target, change: Callable[[UnitOfWork], T], options: Any = None
    ) -> Published[T]: ...

    def roles(self) -> Roles:
        """The roles of the default branch as checked out (never a branch's)."""
        ...

    def reading(self) -> AbstractContextManager[UnitOfWork]:
        """A unit of work over the current state, for reads (never committed)."""
        ...

    def session(self, target: Target) -> AbstractContextManager[UnitOfWork]:
        """A unit of work at the target's place whose every commit is published at once (a
        submission's intent must reach the remote before PanDA is called, its outcome after)."""
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
        """The checkout's head: the branch's when checked out (None when the branch does not
        exist yet), then each commit made on it."""
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


@dataclass(frozen=True)
class Divergence:
    """A branch and its base since the branch forked: the paths each changed, and the record
    files among them as each side has them now (a deleted file is among the paths only)."""

    branch_paths: frozenset[str]
    base_paths: frozenset[str]
    branch_files: tuple[RawRecordFile, ...] = ()
    base_files: tuple[RawRecordFile, ...] = ()
    related: bool = True  # False: no common ancestor (everything differs)
    fork: str = ""  # the commit the branch forked from (its last merge of the base)


class BranchWorkspace(Protocol):
    def checkout(self, branch: str, base: str) -> AbstractContextManager[BranchCheckout]: ...

    def publish(self, branch: str, new: str, old: str | None) -> None:
        """Move ``branch`` from ``old`` (None: absent) to ``new``; ``PushRejected`` if it moved."""
        ...

    def delete(self, branch: str) -> bool:
        """Delete the branch; False when it did not exist."""
        ...

    def branches(self, prefix: str) -> list[str]: ...

    def heads(self, branch: str, base: str, *, fetch: bool = True) -> tuple[str | None, str | None]:
        """The head commits of ``branch`` and ``base`` (None: absent; online, with ``fetch``:
        fetched first)."""
        ...

    def diverged(
        self, branches: Sequence[str], base: str, *, fetch: bool = True
    ) -> dict[str, Divergence]:
        """What each of ``branches`` and ``base`` changed since the branch forked, for the
        branches that lack something ``base`` changed (online, with ``fetch``: one fetch for
        all of them first)."""
        ...


class FileTree(Protocol):
    """Files of a repository by relative path (the generated files of ``pcs init``)."""

    def read(self, relpath: str) -> bytes | None: ...
    def write(self, relpath: str, content: bytes) -> None: ...
    def has_records(self) -> bool: ...


class RepositoryHistory(Protocol):
    """The version control of a new repository."""

    def start(self, branch: str) -> bool:
        """Create the repository when there is none; True when it has no commit yet."""
        ...

    def commit_all(self, message: str) -> str: ...


class Progress(Protocol):
    """Told how far long work has got: ``done`` of ``total`` steps of ``label`` (``total`` 0:
    not known in advance). Called often; implementations decide what to show, and when."""

    def __call__(self, label: str, done: int, total: int) -> None: ...


WRITING_RECORDS = "writing records"  # the progress label of a commit's record writes


def write_each(
    store: StateStore, relpaths: Sequence[str], data_of: Callable[[str], Any], progress: Progress
) -> list[str]:
    """Write (``data_of`` gives the data) or delete (it gives None) the records one at a time;
    the ones that changed, in the order given (what ``BulkWrites`` does faster)."""
    written = []
    for done, relpath in enumerate(relpaths, start=1):
        data = data_of(relpath)
        if store.delete(relpath) if data is None else store.write(relpath, data):
            written.append(relpath)
        progress(WRITING_RECORDS, done, len(relpaths))
    return written


def no_progress(label: str, done: int, total: int) -> None:
    """The default progress: nobody is watching."""
