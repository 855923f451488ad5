"""Which GitHub event a webhook payload belongs to, when nobody said (``pcs gh handle
--event-path`` without ``--event-name`` outside Actions)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any


def guess_event_name(payload: Mapping[str, Any]) -> str | None:
    """The event of the pipeline whose payload shape this is, or None when it fits none.

    Order matters: a comment payload also carries ``issue``, and a comment on a pull request
    carries ``issue.pull_request``, not a top-level ``pull_request``."""
    if "comment" in payload and "issue" in payload:
        return "issue_comment"
    if "pull_request" in payload and "action" in payload:
        return "pull_request"
    if "issue" in payload and "action" in payload:
        return "issues"
    if "ref" in payload and "before" in payload and "after" in payload:
        return "push"
    return None
