"""Publishing one change on a branch with one pull request (the MCP server's ``github`` mode).

A change that the CLI would write to the working tree is made instead on a branch built on the
default branch: the branch is checked out (its head when it exists, else the default branch's
head), the SAME service function the CLI runs changes the state in a unit of work on the
checkout, the result is committed and published (retried when the branch moved meanwhile), and
ONE pull request of the branch is created or brought up to date (``github_events.ensure_pull``,
shared with the request pipeline). Nothing here does I/O of its own: git and GitHub come in as
ports (``BranchWorkspace``, ``GitHubPort``), the unit of work from a factory.

A refused change (any ``PcsError``) leaves no commit and no pull request and propagates as it is,
so the caller reports exactly the message the CLI prints.

Branch names are deterministic and valid git refs (:func:`task_branch`, :func:`dataset_branch`,
:func:`intake_branch`): a task with a public-catalogue issue shares the request pipeline's branch
``pcs/request-<issue>`` (and its pull request); other tasks and dataset intakes get
``pcs/mcp-task-<name>`` and ``pcs/mcp-dataset-<digest>``.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Generic, TypeVar

from pcs_gitops.domain.naming import task_name_for_row_key
from pcs_gitops.domain.readiness import PathProbe
from pcs_gitops.domain.state import State
from pcs_gitops.errors import PcsError
from pcs_gitops.services import branches
from pcs_gitops.services import request_texts as texts
from pcs_gitops.services.datasets import guess_source_kind
from pcs_gitops.services.github_events import (
    MAX_PUSH_ATTEMPTS,
    BranchWorkspace,
    PushRejected,
    ensure_pull,
    request_snapshot,
    request_view,
)
from pcs_gitops.services.github_port import GitHubPort
from pcs_gitops.services.tasks import TaskIntake, parse_issue_number, resolve_task
from pcs_gitops.services.unit_of_work import CommitResult, UnitOfWork

__all__ = [
    "MCP_BRANCH_PREFIX",
    "BranchPublisher",
    "Published",
    "dataset_branch",
    "intake_branch",
    "ref_safe",
    "task_branch",
]

T = TypeVar("T")
MCP_BRANCH_PREFIX = "pcs/mcp-"
PULL_MARKER = "<!-- pcs-branch: {branch} -->"
MAX_REF_PART = 100
_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


# --------------------------------------------------------------------------- branch names


def _digest(text: str, length: int = 12) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:length]


def ref_safe(text: str) -> str:
    """``text`` as one component of a git ref: letters, digits and ``. _ -`` only, no ``..``,
    no leading or trailing dot or dash, no ``.lock`` suffix. A changed or shortened name gets an
    8-hex digest of the original, so two different names never share a branch."""
    safe = _UNSAFE.sub("-", text)
    safe = re.sub(r"\.{2,}", ".", safe).strip(".-")
    if safe.endswith(".lock"):
        safe = safe[: -len(".lock")] + "-lock"
    if safe == text and 0 < len(safe) <= MAX_REF_PART:
        return safe
    head = safe[: MAX_REF_PART - 9].rstrip(".-")
    return f"{head}-{_digest(text, 8)}" if head else _digest(text)


def task_branch(state: State, task_key: str) -> str:
    """The branch of a change to an existing task (``task_key`` as the tools take it: a name,
    an issue number or an unambiguous prefix), resolved in ``state`` (the default branch's).

    A task with a public-catalogue issue -> ``pcs/request-<issue>``; any other task ->
    ``pcs/mcp-task-<name>``. A key that names no task in ``state`` (a task that so far exists
    only on its branch) is read as written: an issue number or ``issue-<n>`` -> the request
    branch, anything else -> ``pcs/mcp-task-<key>``; the change itself then resolves the key on
    that branch and refuses as the CLI would when it names nothing there either.
    """
    key = task_key.strip()
    try:
        task = resolve_task(state, key)
    except PcsError:
        issue = _issue_of(key)
        if issue is not None:
            return branches.request_branch(issue)
        return f"{MCP_BRANCH_PREFIX}task-{ref_safe(key)}"
    if task.public_catalog.issue is not None:
        return branches.request_branch(task.public_catalog.issue)
    return f"{MCP_BRANCH_PREFIX}task-{ref_safe(task.name)}"


def _issue_of(key: str) -> int | None:
    text = key.removeprefix("issue-")
    try:
        return parse_issue_number(text)
    except PcsError:
        return None


def dataset_branch(source_kind: str | None, source_location: str) -> str:
    """``pcs/mcp-dataset-<12 hex of sha256("kind:location")>``; the kind, when not given, is the
    one the intake guesses, so the same source always maps to the same branch."""
    location = source_location.strip()
    kind = (source_kind or "").strip() or guess_source_kind(location).value
    return f"{MCP_BRANCH_PREFIX}dataset-{_digest(f'{kind}:{location}')}"


def intake_branch(state: State, req: TaskIntake) -> str:
    """The branch of a task intake: keyed by issue -> ``pcs/request-<issue>``; keyed by
    catalogue CSV path + row key -> the existing task's branch, else
    ``pcs/mcp-task-<name the intake would give>`` (a digest of the key when there is none)."""
    try:
        issue = parse_issue_number(req.public_catalog_issue)
    except PcsError:
        issue = None
    if issue is not None:
        return branches.request_branch(issue)
    csv_path, row_key = req.public_catalog_csv_path, req.public_catalog_row_key
    if csv_path and row_key:
        existing = state.task_for_key(("row", csv_path, row_key))
        if existing is not None:
            return task_branch(state, existing.name)
        name = (req.name or task_name_for_row_key(row_key)).strip()
        return f"{MCP_BRANCH_PREFIX}task-{ref_safe(name)}"
    key = f"{req.public_catalog_issue}:{csv_path}:{row_key}:{req.name}"
    return f"{MCP_BRANCH_PREFIX}task-{_digest(key)}"


# --------------------------------------------------------------------------- publishing


@dataclass(frozen=True)
class Published:
    """Where a change landed: the branch, its new commit (None: nothing changed) and the PR."""

    branch: str
    base: str
    commit: str | None
    pull: dict[str, Any] | None  # {number, url, action}; None when the branch does not exist

    def to_dict(self) -> dict[str, Any]:
        return {"branch": self.branch, "base": self.base, "commit": self.commit, "pull": self.pull}


@dataclass(frozen=True)
class BranchOutcome(Generic[T]):
    """The mutation's own result, the unit of work's commit on the branch, and the publication."""

    result: T
    committed: CommitResult | None
    published: Published


class BranchPublisher:
    """Makes one change on a branch and keeps ONE pull request of that branch up to date."""

    def __init__(
        self,
        *,
        github: GitHubPort,
        workspace: BranchWorkspace,
        uow_factory: Callable[[Path], UnitOfWork],
        probe: PathProbe,
        repository: str,
        server_url: str = "https://github.com",
        default_branch: str = "main",
    ) -> None:
        self.github = github
        self.workspace = workspace
        self.uow_factory = uow_factory
        self.probe = probe
        self.repository = repository
        self.server_url = server_url.rstrip("/")
        self.default_branch = default_branch

    def publish(
        self,
        branch: str,
        mutation: Callable[[State], T],
        message: Callable[[T], str],
        title: Callable[[T], str],
        body: Callable[[T], str],
    ) -> BranchOutcome[T]:
        """Run ``mutation`` on ``branch`` (built on the default branch), commit with
        ``message(result)`` when the state changed, publish, and ensure the branch's pull
        request (``title``/``body`` of the result; a request branch ``pcs/request-<n>`` gets
        the request pipeline's own title and body). A ``PcsError`` of the mutation or of the
        validation propagates unchanged and nothing is committed or opened."""
        for attempt in range(MAX_PUSH_ATTEMPTS):
            try:
                return self._attempt(branch, mutation, message, title, body)
            except PushRejected:
                if attempt + 1 == MAX_PUSH_ATTEMPTS:
                    raise
        raise AssertionError("unreachable")  # pragma: no cover

    def _attempt(
        self,
        branch: str,
        mutation: Callable[[State], T],
        message: Callable[[T], str],
        title: Callable[[T], str],
        body: Callable[[T], str],
    ) -> BranchOutcome[T]:
        base = self.default_branch
        with self.workspace.checkout(branch, base) as co:
            head_before = co.head
            with self.uow_factory(co.root) as uow:
                result = mutation(uow.state)
                committed = uow.commit(message(result)) if uow.state.dirty else None
                pull_text = self._request_text(branch, uow.state)
            new = co.commit(message(result)) if committed is not None else None
            if new is not None:
                self.workspace.publish(branch, new, head_before)
        pull: dict[str, Any] | None = None
        if new is not None or head_before is not None:
            pr_title, pr_body = pull_text or (title(result), _with_marker(branch, body(result)))
            info, action = ensure_pull(
                self.github,
                branch,
                base,
                pr_title,
                pr_body,
                created=head_before is None,
                reopen=new is not None,
            )
            pull = {"number": info.number, "url": info.html_url, "action": action}
        return BranchOutcome(result, committed, Published(branch, base, new, pull))

    def _request_text(self, branch: str, state: State) -> tuple[str, str] | None:
        """The request pipeline's PR title and body for a request branch (so both keep one
        pull request with one text); None for other branches."""
        issue = branches.issue_of_branch(branch)
        if issue is None:
            return None
        snap = request_snapshot(state, issue, self.probe)
        if snap is None:
            return None
        view = request_view(
            issue,
            branch,
            snap,
            state.settings,
            server_url=self.server_url,
            repository=self.repository,
        )
        return texts.pull_title(issue, snap.pwg, snap.path), texts.pull_body(view)


def _with_marker(branch: str, body: str) -> str:
    return f"{PULL_MARKER.format(branch=branch)}\n{body.rstrip()}\n"
