"""The GitHub events of the request pipeline, as typed values (the entrypoint parses payloads)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class IssueEvent:
    """``issues``: a request issue opened, edited, labeled, reopened or closed."""

    action: str
    number: int | None  # None only for a pull request (which the pipeline ignores)
    is_pull: bool = False
    state: str = "open"
    labels: tuple[str, ...] = ()
    label_added: str = ""  # the label of a ``labeled`` action
    body: str = ""
    old_body: str | None = None  # the body before an edit; None when the body did not change
    author: str = ""
    sender: str = "unknown"


@dataclass(frozen=True)
class CommentEvent:
    """``issue_comment``: a comment on a request issue (commands come in created comments)."""

    action: str
    issue: int
    on_pull: bool = False
    issue_state: str = "open"
    issue_labels: tuple[str, ...] = ()
    issue_body: str = ""
    issue_author: str = ""
    comment_id: int | None = None
    comment_body: str = ""
    by_bot: bool = False  # the comment author's account type is Bot
    sender: str = "unknown"


@dataclass(frozen=True)
class PullEvent:
    """``pull_request``: a request pull request closed, merged or not."""

    action: str
    number: int
    head_ref: str
    head_repo: str
    base_ref: str
    title: str = ""
    body: str = ""
    merged: bool = False
    html_url: str = ""
    merge_sha: str = ""
    sender: str = "unknown"


@dataclass(frozen=True)
class PushEvent:
    """``push``: a push to a branch (the pipeline acts on pushes to the default branch)."""

    ref: str
    deleted: bool = False
    sender: str = "unknown"
    after: str = ""  # the commit the ref points to after the push


EventBody = IssueEvent | CommentEvent | PullEvent | PushEvent


@dataclass(frozen=True)
class Event:
    """One delivery: its name, action, the repository's default branch, and its parsed body
    (None for events the pipeline does not handle)."""

    name: str
    action: str = ""
    default_branch: str = ""
    body: EventBody | None = None
