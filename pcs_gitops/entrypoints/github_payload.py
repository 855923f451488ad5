"""GitHub webhook payloads (as Actions passes them in ``GITHUB_EVENT_PATH``) -> typed events.

Only the fields the request pipeline uses are read; a payload that lacks an object or number the
event needs is refused with a message naming it."""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from pcs_gitops.domain.event_payloads import guess_event_name
from pcs_gitops.errors import UsageError
from pcs_gitops.services.github.events import (
    CommentEvent,
    Event,
    EventBody,
    IssueEvent,
    PullEvent,
    PushEvent,
)

MAX_EVENT_BYTES = 30 * 1024 * 1024  # GitHub caps webhook payloads at 25 MB


def read_event(name: str | None, path: Path) -> Event:
    """The event ``name`` whose payload is the JSON file ``path`` (no name: the event whose
    payload has that shape)."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise UsageError(f"cannot read the event payload {path}: {exc.strerror}") from exc
    if len(raw) > MAX_EVENT_BYTES:
        raise UsageError(f"the event payload {path} is larger than {MAX_EVENT_BYTES} bytes")
    try:
        data = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as exc:
        raise UsageError(f"the event payload {path} is not JSON: {exc}") from exc
    if not isinstance(data, dict):
        raise UsageError(f"the event payload {path} is not a JSON object")
    name = name or guess_event_name(data)
    if not name:
        raise UsageError(
            f"cannot tell which GitHub event {path} is; pass --event-name (issues, "
            "issue_comment, pull_request or push)"
        )
    return parse_event(name, data)


def parse_event(name: str, payload: Mapping[str, Any]) -> Event:
    action = _text(payload, "action")
    default = _text(_mapping(payload, "repository", required=False), "default_branch")
    parsers: dict[str, Callable[[Mapping[str, Any], str], EventBody]] = {
        "issues": _issue,
        "issue_comment": _comment,
        "pull_request": _pull,
        "push": _push,
    }
    parser = parsers.get(name)
    body: EventBody | None = parser(payload, action) if parser else None
    return Event(name=name, action=action, default_branch=default, body=body)


def _issue(payload: Mapping[str, Any], action: str) -> IssueEvent:
    issue = _mapping(payload, "issue")
    if issue.get("pull_request"):
        return IssueEvent(action=action, number=None, is_pull=True)
    changes = _mapping(payload, "changes", required=False)
    old_body = _mapping(changes, "body", required=False).get("from")
    return IssueEvent(
        action=action,
        number=_int(issue, "number"),
        state=_text(issue, "state"),
        labels=tuple(_labels(issue)),
        label_added=_text(_mapping(payload, "label", required=False), "name"),
        body=_text(issue, "body"),
        old_body=old_body if isinstance(old_body, str) else None,
        author=_login(issue, "user"),
        sender=_login(payload, "sender"),
    )


def _comment(payload: Mapping[str, Any], action: str) -> CommentEvent:
    issue = _mapping(payload, "issue")
    number = _int(issue, "number")
    if action != "created" or issue.get("pull_request"):
        return CommentEvent(action=action, issue=number, on_pull=bool(issue.get("pull_request")))
    comment = _mapping(payload, "comment")
    comment_id = comment.get("id")
    valid_id = isinstance(comment_id, int) and not isinstance(comment_id, bool) and comment_id > 0
    return CommentEvent(
        action=action,
        issue=number,
        issue_state=_text(issue, "state"),
        issue_labels=tuple(_labels(issue)),
        issue_body=_text(issue, "body"),
        issue_author=_login(issue, "user"),
        comment_id=comment_id if valid_id else None,
        comment_body=_text(comment, "body"),
        by_bot=_text(_mapping(comment, "user", required=False), "type") == "Bot",
        sender=_login(payload, "sender"),
    )


def _pull(payload: Mapping[str, Any], action: str) -> PullEvent:
    pr = _mapping(payload, "pull_request")
    head = _mapping(pr, "head", required=action == "closed")
    return PullEvent(
        action=action,
        number=_int(pr, "number") if action == "closed" else 0,
        head_ref=_text(head, "ref"),
        head_repo=_text(_mapping(head, "repo", required=False), "full_name"),
        base_ref=_text(_mapping(pr, "base", required=False), "ref"),
        title=_text(pr, "title"),
        body=_text(pr, "body"),
        merged=bool(pr.get("merged")),
        html_url=_text(pr, "html_url"),
        merge_sha=_text(pr, "merge_commit_sha"),
        sender=_login(payload, "sender"),
    )


def _push(payload: Mapping[str, Any], action: str) -> PushEvent:
    return PushEvent(
        ref=_text(payload, "ref"),
        deleted=bool(payload.get("deleted")),
        sender=_login(payload, "sender"),
        after=str(payload.get("after") or ""),
    )


def _mapping(data: Mapping[str, Any], key: str, *, required: bool = True) -> Mapping[str, Any]:
    value = data.get(key)
    if isinstance(value, Mapping):
        return value
    if required:
        raise UsageError(
            f"the event payload has no '{key}' object; check that GITHUB_EVENT_PATH holds the "
            "payload of GITHUB_EVENT_NAME"
        )
    return {}


def _text(data: Mapping[str, Any], key: str) -> str:
    value = data.get(key)
    return value if isinstance(value, str) else ""


def _int(data: Mapping[str, Any], key: str) -> int:
    value = data.get(key)
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise UsageError(f"the event payload has no valid '{key}' (a positive integer)")
    return value


def _login(data: Mapping[str, Any], key: str) -> str:
    return _text(_mapping(data, key, required=False), "login") or "unknown"


def _labels(issue: Mapping[str, Any]) -> list[str]:
    labels = issue.get("labels")
    if not isinstance(labels, list):
        return []
    out = []
    for item in labels:
        if isinstance(item, Mapping) and isinstance(item.get("name"), str):
            out.append(str(item["name"]))
        elif isinstance(item, str):
            out.append(item)
    return out
