"""The branch publisher: a change lands on a branch built on the default branch, with ONE pull
request of that branch kept up to date (the GitHub pipeline, and MCP/REST in github mode).

The branch is checked out in a temporary worktree (its head when it exists, else the default
branch's head); the use case changes the state in a unit of work over that checkout and commits;
the result is committed to the branch, checked (``pcs validate``; on the default branch also
``render --check``),
published (redone from the start when the branch moved meanwhile), and the branch's pull request
is created, reopened or brought up to date, with the ``pcs/validate`` commit status on the new
head. A request branch ``pcs/request-<n>`` whose default branch changed what its records meet
since it forked is first rebuilt on it, the request's records carried over (without a checkout
when a ``Rebuilder`` is given: ``branch_rebuild``). A refused change (any ``PcsError``) leaves no
commit and no pull request, unless the caller says what to keep instead (``BranchOptions``).
Reads and rehearsals use the working tree.

Only the default branch carries rendered derived files (catalogue CSV, pages, JSON API): a
change on any other branch commits records only, so a merge elsewhere never makes an open pull
request stale for its derived files alone; the default branch renders them after each change
(``services.github.rendering``).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

from pcs_gitops.adapters.branch_rebuild import (
    Rebuilder,
    head_state,
    must_rebuild,
    rebuild_plan,
)
from pcs_gitops.adapters.worktree_publisher import WorkingTreePublisher
from pcs_gitops.domain.readiness import PathProbe
from pcs_gitops.domain.settings import Roles
from pcs_gitops.domain.state import State
from pcs_gitops.errors import PcsError, PushRejected, Refused, SyncFailed
from pcs_gitops.services import request_texts as texts
from pcs_gitops.services.branches import branch_for, issue_of_branch
from pcs_gitops.services.github.pulls import ensure_pull
from pcs_gitops.services.github.rebase import rebase_request
from pcs_gitops.services.github.views import request_pull_text
from pcs_gitops.services.github_port import GitHubPort
from pcs_gitops.services.ports import (
    Actor,
    BranchCheckout,
    BranchOptions,
    BranchWorkspace,
    Placement,
    Published,
    PullRef,
    Target,
    VersionControl,
)
from pcs_gitops.services.unit_of_work import CommitResult, UnitOfWork

T = TypeVar("T")
MAX_PUSH_ATTEMPTS = 3
PULL_MARKER = "<!-- pcs-branch: {branch} -->"
PULL_FOOTER = (
    "Made by pcs. This pull request changes records only; the derived files (catalogue CSV, "
    "pages, JSON API) are rendered on the default branch after the merge. Review the records "
    "and merge to apply."
)


class _PushEachCommit:
    """``VersionControl`` of a session: each commit of the unit of work is a commit of the
    checkout, pushed to its branch at once."""

    def __init__(self, workspace: BranchWorkspace, checkout: BranchCheckout, branch: str) -> None:
        self.workspace = workspace
        self.checkout = checkout
        self.branch = branch
        self.head = checkout.head

    def commit_paths(self, paths: list[str], message: str) -> str | None:
        new = self.checkout.commit(message)
        if new is not None:
            self.workspace.publish(self.branch, new, self.head)
            self.head = new
        return new


class BranchPublisher:
    """``Publisher`` onto branches of one repository, each with one pull request."""

    def __init__(
        self,
        *,
        github: GitHubPort,
        workspace: BranchWorkspace,
        uow_at: Callable[[Path, VersionControl | None, bool], UnitOfWork],
        verify: Callable[[Path, bool], list[str]],
        local: WorkingTreePublisher,
        probe: PathProbe,
        repository: str,
        server_url: str = "https://github.com",
        default_branch: str = "main",
        surface: str = "github",
        rebuilder: Rebuilder | None = None,
    ) -> None:
        """With ``rebuilder``, a request branch whose base changed what its records meet is
        rebuilt on the base without a checkout (``branch_rebuild``)."""
        self.github = github
        self.rebuilder = rebuilder
        self.workspace = workspace
        self.uow_at = uow_at
        self.verify = verify
        self.local = local
        self.probe = probe
        self.repository = repository
        self.server_url = server_url.rstrip("/")
        self.default_branch = default_branch
        self.surface = surface
        self.lock = threading.RLock()

    # ------------------------------------------------------------------ Publisher

    def run(
        self, target: Target, change: Callable[[UnitOfWork], T], options: Any = None
    ) -> Published[T]:
        opts = options if isinstance(options, BranchOptions) else BranchOptions()
        with self.lock:
            branch = self.branch(target)
            for attempt in range(MAX_PUSH_ATTEMPTS):
                try:
                    return self._attempt(branch, target, change, opts)
                except PushRejected:
                    if attempt + 1 == MAX_PUSH_ATTEMPTS:
                        raise
        raise AssertionError("unreachable")  # pragma: no cover

    def roles(self) -> Roles:
        return self.local.roles()

    @contextmanager
    def reading(self) -> Iterator[UnitOfWork]:
        with self.local.reading() as uow:
            yield uow

    def rehearse(self, change: Callable[[UnitOfWork], T]) -> T:
        return self.local.rehearse(change)

    @contextmanager
    def session(self, target: Target) -> Iterator[UnitOfWork]:
        """A unit of work on the target's branch whose every commit is committed to the branch
        and pushed at once (the branch moving meanwhile is a ``PushRejected``: run again)."""
        branch = self.branch(target)
        with self.lock, self.workspace.checkout(branch, self.default_branch) as co:
            pushing = _PushEachCommit(self.workspace, co, branch)
            with self.uow_at(co.root, pushing, self.renders(branch)) as uow:
                yield uow

    def renders(self, branch: str) -> bool:
        """Whether a commit on ``branch`` renders the derived files (the default branch only)."""
        return branch == self.default_branch

    def branch(self, target: Target) -> str:
        """The branch of ``target`` (the working tree's state tells which task is whose)."""
        if target.kind == "default":
            return self.default_branch
        if target.kind in ("task", "row"):
            with self.local.reading() as uow:
                return branch_for(target, uow.state)
        return branch_for(target, State())

    # ------------------------------------------------------------------ one attempt

    def _attempt(
        self, branch: str, target: Target, change: Callable[[UnitOfWork], T], opts: BranchOptions
    ) -> Published[T]:
        base = self.default_branch
        issue = issue_of_branch(branch)
        actor = opts.actor or Actor("pcs", self.surface)
        if issue is not None and self.rebuilder is not None:
            done = self._without_checkout(self.rebuilder, branch, issue, target, change, opts)
            if done is not None:
                return done
        new: str | None = None
        validation: tuple[str, ...] | None = None
        with self.workspace.checkout(branch, base) as co:
            head = co.head
            source: State | None = None
            wanted = opts.force_sync or (
                opts.sync and co.behind_base and must_rebuild(self.workspace, branch, base)
            )
            if issue is not None and head is not None and wanted:
                source = self._load(co.root)
                co.reset_to_base()
            notes: list[str] = []
            result, committed, text = self._apply(
                lambda: self.uow_at(co.root, None, self.renders(branch)),
                branch,
                target,
                change,
                opts,
                (issue, source, actor),
                notes,
            )
            if committed is not None and committed.changed:
                new = co.commit(committed.message)
            if new is not None:
                validation = tuple(self.verify(co.root, self.renders(branch)))
                self.workspace.publish(branch, new, head)
            elif self._head_unvalidated(head, source, opts):
                # the checkout holds the head's files
                validation = tuple(self.verify(co.root, self.renders(branch)))
        placement = Placement(branch, base, new, None, head, validation, tuple(notes))
        if (new is not None or head is not None) and text is not None:
            placement = self._ensure_pull(placement, text, opts)
        return Published(result, committed, placement)

    def _without_checkout(
        self,
        rebuilder: Rebuilder,
        branch: str,
        issue: int,
        target: Target,
        change: Callable[[UnitOfWork], T],
        opts: BranchOptions,
    ) -> Published[T] | None:
        """``_attempt`` for a request branch, on git's objects alone: the unit of work runs over
        the records of the branch head (or of the base, for a new branch or a rebuild: see
        ``branch_rebuild``) and its writes become a commit on that tree. None: the branch's
        records cannot be read that way (the checkout path then says why)."""
        head, base_head = self.workspace.heads(branch, self.default_branch)
        if base_head is None:
            return None  # the checkout path says the default branch is missing
        plan = rebuild_plan(self.workspace, branch, self.default_branch, opts)
        source: State | None = None
        if plan is not None:
            source = head_state(rebuilder, plan)
            if source is None:
                return None
        start = base_head if plan is not None or head is None else head
        parents = [head, base_head] if plan is not None and head is not None else [start]
        records = rebuilder.state_at(start)
        written: list[Callable[[], dict[str, bytes | None]]] = []

        def open_uow() -> UnitOfWork:
            uow, files = rebuilder.unit_of_work(records.copy)
            written.append(files)
            return uow

        actor = opts.actor or Actor("pcs", self.surface)
        notes: list[str] = []
        result, committed, text = self._apply(
            open_uow, branch, target, change, opts, (issue, source, actor), notes
        )
        new: str | None = None
        validation: tuple[str, ...] | None = None
        if committed is not None and committed.changed:
            new = rebuilder.commit(start, written[-1](), parents, committed.message)
        if new is not None:
            validation = ()  # the unit of work checked every rule, and each file it wrote
            self.workspace.publish(branch, new, head)
        elif self._head_unvalidated(head, source, opts):
            assert head is not None
            validation = tuple(rebuilder.verify(head))
        placement = Placement(
            branch, self.default_branch, new, None, head, validation, tuple(notes)
        )
        if (new is not None or head is not None) and text is not None:
            placement = self._ensure_pull(placement, text, opts)
        return Published(result, committed, placement)

    def _apply(
        self,
        open_uow: Callable[[], UnitOfWork],
        branch: str,
        target: Target,
        change: Callable[[UnitOfWork], T],
        opts: BranchOptions,
        sync: tuple[int | None, State | None, Actor],
        notes: list[str],
    ) -> tuple[T, CommitResult | None, tuple[str, str] | None]:
        """Run ``change`` in a unit of work on the checkout (after carrying the request's
        records when the branch is rebuilt); when it is refused and ``opts.recover`` is given,
        run that instead on a fresh unit of work; when the records cannot be carried and
        ``opts.on_sync_failure`` is given, what it returns (nothing committed)."""
        source = sync[1]
        error: Exception | None = None
        try:
            for with_change in (True, False):
                with open_uow() as uow:
                    _carry(uow, sync, notes)
                    if with_change:
                        try:
                            result = change(uow)
                        except PcsError as exc:
                            if opts.recover is None:
                                raise
                            error = exc
                            continue
                    else:
                        assert opts.recover is not None and error is not None
                        result = opts.recover(uow, error)
                    self._commit_sync(uow, source, error, opts)
                    return result, uow.committed, self._pull_text(branch, target, uow.state)
        except SyncFailed as exc:  # the records could not be carried onto the base
            if opts.on_sync_failure is None or source is None:
                raise
            return opts.on_sync_failure(source, exc), None, self._pull_text(branch, target, source)
        raise AssertionError("unreachable")  # pragma: no cover

    @staticmethod
    def _head_unvalidated(head: str | None, source: State | None, opts: BranchOptions) -> bool:
        """An existing head whose status an earlier run may not have posted (it pushed, then
        failed): checked again unless this run rebuilt the checkout on the base."""
        return (
            opts.check_head
            and head is not None
            and source is None
            and (opts.validated_head != head)
        )

    @staticmethod
    def _commit_sync(
        uow: UnitOfWork, source: State | None, error: Exception | None, opts: BranchOptions
    ) -> None:
        """A rebuilt branch keeps its carried records even when the change itself committed
        nothing (but not for a refused command: a refusal changes nothing)."""
        if source is None or isinstance(error, Refused) or uow.committed is not None:
            return
        if not uow.state.dirty:
            return
        try:
            uow.commit(opts.sync_message)
        except PcsError as exc:
            raise SyncFailed(str(exc)) from exc

    def _load(self, root: Path) -> State:
        with self.uow_at(root, None, False) as uow:
            return uow.state

    # ------------------------------------------------------------------ the pull request

    def _pull_text(self, branch: str, target: Target, state: State) -> tuple[str, str] | None:
        if branch == self.default_branch:
            return None  # a change of the default branch itself has no pull request
        issue = issue_of_branch(branch)
        if issue is not None:
            return request_pull_text(
                state,
                issue,
                self.probe,
                server_url=self.server_url,
                repository=self.repository,
                branch=branch,
            )
        title = target.title or target.key or branch
        text = target.body or f"{title}: a change made through pcs."
        body = f"{PULL_MARKER.format(branch=branch)}\n{text}\n\n"
        return f"[PCS] {title}", body + PULL_FOOTER + "\n"

    def _ensure_pull(
        self, placement: Placement, text: tuple[str, str], opts: BranchOptions
    ) -> Placement:
        title, body = text
        info, action = ensure_pull(
            self.github,
            placement.branch,
            placement.base,
            title,
            body,
            created=placement.head_before is None,
            known=opts.known_pull,
            reopen=opts.reopen or placement.commit is not None,
        )
        status_head = placement.commit
        if status_head is None and placement.validation is not None:
            status_head = placement.head_before  # an earlier run pushed it without its status
        if status_head is not None and opts.status:
            state, description = texts.status_description(placement.validation or ())
            self.github.set_status(
                status_head,
                state=state,
                context=texts.STATUS_CONTEXT,
                description=description,
                target_url=info.html_url or None,
            )
        return Placement(
            placement.branch,
            placement.base,
            placement.commit,
            PullRef(info.number, info.html_url, action),
            placement.head_before,
            placement.validation,
            placement.notes,
            info,
            status_head if opts.status else None,
        )


def _carry(uow: UnitOfWork, sync: tuple[int | None, State | None, Actor], notes: list[str]) -> None:
    """Carry request ``issue``'s records from ``source`` (its branch) into the unit of work
    (the base) when the branch is rebuilt; ``notes`` get what was renamed."""
    issue, source, actor = sync
    if source is None or issue is None:
        return
    try:
        notes[:] = rebase_request(uow.state, source, issue, actor, uow.clock.now())
    except PcsError as exc:
        raise SyncFailed(str(exc)) from exc
