"""The GitHub port: the narrow set of GitHub operations the services need.

Pure types only (stdlib). Implementations live in ``pcs_gitops.adapters``:

* ``adapters.github_api.PyGithubClient`` talks to the GitHub REST API (PyGithub);
* ``adapters.github_outbox.OutboxGitHub`` records writes to ``.pcs/outbox.jsonl`` offline.

Every implementation raises ``pcs_gitops.errors.GitHubError`` when an operation fails.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol, runtime_checkable


@dataclass(frozen=True)
class PullInfo:
    """A pull request as the services see it."""

    number: int
    head: str  # head branch name (without owner)
    base: str  # base branch name
    title: str
    body: str  # "" when GitHub has no body
    state: str  # "open" or "closed"
    merged: bool
    html_url: str


@dataclass(frozen=True)
class CommentInfo:
    """An issue (or pull request conversation) comment."""

    id: int
    author: str  # login of the author ("" for a deleted account)
    body: str
    html_url: str
    created_at: str = ""  # ISO 8601 in UTC ("" when the source does not say)


@dataclass(frozen=True)
class IssueInfo:
    """An issue (never a pull request) as the services see it."""

    number: int
    title: str
    body: str
    author: str
    labels: tuple[str, ...]
    state: str  # "open" or "closed"


@runtime_checkable
class GitHubPort(Protocol):
    """GitHub operations on one repository (plus team membership and identity)."""

    def find_pull(self, head_branch: str) -> PullInfo | None:
        """The newest open or closed PR whose head is ``head_branch`` of this repository."""
        ...

    def create_pull(self, *, title: str, body: str, head: str, base: str) -> PullInfo: ...

    def update_pull(
        self,
        number: int,
        *,
        title: str | None = None,
        body: str | None = None,
        state: str | None = None,
    ) -> PullInfo:
        """Change the given fields (``None`` leaves a field alone); return the PR as changed."""
        ...

    def list_comments(self, issue: int) -> list[CommentInfo]:
        """All comments of an issue or PR, oldest first (every page)."""
        ...

    def create_comment(self, issue: int, body: str) -> CommentInfo: ...

    def update_comment(self, comment_id: int, body: str) -> None: ...

    def add_labels(self, issue: int, labels: Sequence[str]) -> None: ...

    def remove_label(self, issue: int, label: str) -> None:
        """Remove a label; a label that is not on the issue is not an error."""
        ...

    def close_issue(self, issue: int, *, reason: str = "completed") -> None:
        """Close an issue; ``reason`` is ``completed`` or ``not_planned``."""
        ...

    def create_issue(self, *, title: str, body: str, labels: Sequence[str]) -> int:
        """Open an issue and return its number."""
        ...

    def list_issues(self, label: str) -> list[IssueInfo]:
        """The open issues (not pull requests) that carry ``label``, oldest first."""
        ...

    def find_issue_by_marker(self, marker: str) -> int | None:
        """The newest open or closed issue (not PR) whose body contains ``marker``."""
        ...

    def set_status(
        self,
        sha: str,
        *,
        state: str,
        context: str,
        description: str,
        target_url: str | None = None,
    ) -> None:
        """Set a commit status (``state``: error, failure, pending or success)."""
        ...

    def has_team_member(self, org: str, team_slug: str, login: str) -> bool:
        """True when ``login`` is an active member of ``org/team_slug``."""
        ...

    def bot_login(self) -> str:
        """Login of the authenticated identity (cached after the first call)."""
        ...

    @property
    def api_calls(self) -> int:
        """Number of HTTP requests made so far (retries included)."""
        ...

    @property
    def write_calls(self) -> int:
        """Number of non-GET requests made so far."""
        ...


def own_marked_comment(github: GitHubPort, issue: int, marker: str) -> CommentInfo | None:
    """The bot's comment on ``issue`` that starts with ``marker`` (a user pasting the marker
    does not count; the bot's login is asked only when a marked comment exists)."""
    marked = [c for c in github.list_comments(issue) if c.body.startswith(marker)]
    if not marked:
        return None
    login = github.bot_login().casefold()
    return next((c for c in marked if c.author.casefold() == login), None)
