"""Plain comments on a request's issue, recorded in its task's history (#11.6): the people
discussing a request are part of its record, next to the changes they led to."""

from __future__ import annotations

from collections.abc import Sequence

from pcs_gitops.domain.commands import parse_commands
from pcs_gitops.domain.state import State
from pcs_gitops.services.github.context import Pipeline
from pcs_gitops.services.github_port import CommentInfo
from pcs_gitops.services.request_changes import IssueComment, record_issue_comments

BOT_MARK = "<!-- pcs-"  # every comment the bot writes carries one of its markers


def plain_comments(p: Pipeline, comments: Sequence[CommentInfo]) -> list[CommentInfo]:
    """People's comments that are no command (commands are recorded by what they change)."""
    candidates = [
        c
        for c in comments
        if c.author
        and not c.author.casefold().endswith("[bot]")
        and BOT_MARK not in c.body
        and c.body.strip()
        and not parse_commands(c.body)
    ]
    if not candidates:
        return []
    bot = p.github.bot_login().casefold()
    return [c for c in candidates if c.author.casefold() != bot]


def record_plain_comments(
    p: Pipeline, state: State, issue: int, comments: Sequence[CommentInfo]
) -> None:
    """Add the request's plain comments not recorded yet to its task's history (inside the unit
    of work that is about to commit; a request whose task is not there yet records nothing)."""
    plain = plain_comments(p, comments)
    if not plain:
        return
    task = state.task_for_key(("issue", str(issue)))
    if task is None:
        return
    now = p.clock.now()
    entries = [
        IssueComment(c.author, c.created_at or now, c.html_url or f"#issuecomment-{c.id}", c.body)
        for c in plain
    ]
    record_issue_comments(state, task.name, entries)
