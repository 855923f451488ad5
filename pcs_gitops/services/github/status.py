"""The issue side of a request: its labels, its ONE status comment (edited in place) and ONE
reply per command comment (a replay finds it by its marker)."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import replace
from typing import Any

from pcs_gitops.domain.commands import Command
from pcs_gitops.services import request_texts as texts
from pcs_gitops.services.github.context import Pipeline
from pcs_gitops.services.github.outcome import Change, Outcome
from pcs_gitops.services.github.views import Snapshot, request_view
from pcs_gitops.services.github_port import CommentInfo, PullInfo

REPLY_PREFIX = "<!-- pcs-reply:"
REPLY_ID = re.compile(r"<!-- pcs-reply: (\d+) -->")


def own_comments(p: Pipeline, issue: int) -> list[CommentInfo]:
    """The bot's own marked comments (the bot's login is asked only when one may exist)."""
    return own_among(p, p.github.list_comments(issue))


def own_among(p: Pipeline, comments: Sequence[CommentInfo]) -> list[CommentInfo]:
    """The bot's own marked comments among ``comments``."""
    marked = [c for c in comments if texts.STATUS_MARKER in c.body or REPLY_PREFIX in c.body]
    if not marked:
        return []
    login = p.github.bot_login().casefold()
    return [c for c in marked if c.author.casefold() == login]


def first_with(comments: Sequence[CommentInfo], marker: str) -> CommentInfo | None:
    return next((c for c in comments if marker in c.body), None)


def view_of(
    p: Pipeline,
    issue: int,
    branch: str,
    snap: Snapshot | None,
    phase: str | None,
    pull: PullInfo | None,
) -> texts.RequestView:
    return request_view(
        issue,
        branch,
        snap,
        p.trusted.settings,
        server_url=p.server_url,
        repository=p.repository,
        phase=phase or "open",
        pull=pull,
    )


def write_status(
    p: Pipeline,
    issue: int,
    view: texts.RequestView,
    status: CommentInfo | None,
    previous: Mapping[str, Any],
    payload_labels: Sequence[str],
    out: Outcome,
    *,
    desired: list[str],
    change: Change | None = None,
    validation: Sequence[str] | None = None,
    notes: list[str] | None = None,
    validated: str | None = None,
) -> None:
    """Labels first, then the ONE status comment (created, edited, or left alone).

    ``change``: what this event did (its problems and notes replace the earlier ones when it
    touched them); ``validation``: the problems found on a new branch head (None: unchanged);
    ``notes`` replaces the notes kept from earlier events (a merge starts afresh)."""
    problems = dict(previous.get("problems") or {})
    if notes is None:
        notes = list(previous.get("notes") or [])
    if change is not None and change.touched:
        for label in change.resolved:
            problems.pop(label, None)
        problems.update(change.problems)
        notes = list(change.notes)
    checked = list(previous.get("validation") or []) if validation is None else list(validation)
    recorded = [str(x) for x in previous.get("labels") or []]
    add, remove = texts.label_changes(desired, {*payload_labels, *recorded})
    if add:
        p.github.add_labels(issue, add)
        out.labels_added += add
    for label in remove:
        p.github.remove_label(issue, label)
        out.labels_removed.append(label)
    view = replace(
        view,
        problems=tuple(sorted(problems.items())),
        notes=tuple(notes),
        validation=tuple(checked),
    )
    state: dict[str, Any] = {
        "phase": view.phase,
        "labels": sorted(desired),
        "problems": problems,
        "notes": notes,
        "validation": checked,
    }
    head = validated or previous.get("validated")
    if head:
        state["validated"] = head  # the head whose commit status was posted
    text = texts.status_comment(view, state)
    out.problems = [f"{k}: {v}" for k, v in sorted(problems.items())] + checked
    out.notes += [note for note in notes if note not in out.notes]
    if status is None:
        p.github.create_comment(issue, text)
        out.status_comment = "created"
    elif status.body != text:
        p.github.update_comment(status.id, text)
        out.status_comment = "updated"
    else:
        out.status_comment = "unchanged"


def answered_comments(own: Sequence[CommentInfo]) -> set[int]:
    """The comments the bot has replied to (by the markers of its replies)."""
    found: set[int] = set()
    for comment in own:
        for match in REPLY_ID.finditer(comment.body):
            found.add(int(match.group(1)))
    return found


def reply(
    p: Pipeline,
    issue: int,
    comment_id: int,
    sender: str,
    answers: Sequence[tuple[Command, str]],
    out: Outcome,
) -> None:
    """ONE reply per command comment, with each of its commands' outcome."""
    text = texts.reply_text(comment_id, sender, answers)
    p.github.create_comment(issue, text)
    out.reply = "created"
