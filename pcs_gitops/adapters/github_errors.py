"""What a failed or slowed GitHub call means for the user, in one line each: the operation, the
HTTP status, GitHub's own message and what to do next (used by ``github_api``; no PyGithub).
"""

from __future__ import annotations

import re
from typing import Any

# Operations that POST: GitHub may have applied one that failed, so it is never sent twice.
POST_OPS = frozenset({"create_pull", "create_comment", "add_labels", "create_issue", "set_status"})
_OBJECT_REPR = re.compile(r"<[^<>]*object at 0x[0-9a-f]+>:?\s*")
_MAX_CAUSES = 8


def _strip_period(text: str) -> str:
    return text.strip().rstrip(".").strip()


def github_detail(data: Any) -> str:
    """GitHub's message plus the messages of its ``errors`` list."""
    if isinstance(data, str):
        return _strip_period(data) or "no message"
    if not isinstance(data, dict):
        return "no message"
    message = str(data.get("message") or "").strip()
    details: list[str] = []
    errors = data.get("errors")
    if isinstance(errors, list):
        for item in errors:
            if isinstance(item, dict):
                text = item.get("message") or " ".join(
                    str(item[k]) for k in ("resource", "field", "code") if item.get(k)
                )
            else:
                text = str(item)
            if text:
                details.append(_strip_period(str(text)))
    parts = [_strip_period(message)] if message else []
    if details:
        parts.append("; ".join(details))
    return ": ".join(parts) if parts else "no message"


def is_rate_limited(status: int, detail: str, headers: dict[str, Any] | None) -> bool:
    if "rate limit" in detail.lower():
        return True
    hdrs = {str(k).lower(): str(v) for k, v in (headers or {}).items()}
    return status in (403, 429) and (
        "retry-after" in hdrs or hdrs.get("x-ratelimit-remaining") == "0"
    )


def _hint(op: str, status: int, detail: str, rate_limited: bool, repo: str, retries: int) -> str:
    if rate_limited:
        return (
            f"GitHub's rate limit was hit and {retries} retries did not get through; "
            "wait a few minutes and run again."
        )
    if status == 403 and detail == "no message":
        # GithubRetry reads the body of a 403 to spot rate limits; when the retries run out,
        # the message is gone.
        return (
            f"GitHub gave no reason: either a rate limit outlasted {retries} retries "
            "(wait a few minutes and run again) or the token lacks a permission on "
            f"{repo} (contents, pull-requests, issues, statuses: write)."
        )
    fixed = {
        401: "Check that the token is valid and has not expired.",
        403: (
            f"Check that the token may do this on {repo} (permissions: contents, "
            "pull-requests, issues, statuses: write; members: read for teams)."
        ),
        404: (
            f"Check that {repo} exists, that the number, branch or name is right and that "
            "the token can see it."
        ),
        409: "The resource is in a conflicting state; run again.",
        422: (
            "Check the request: GitHub rejected its content (for example a pull request "
            "that already exists, an unknown branch or a field that is too long)."
        ),
    }
    if status in fixed:
        return fixed[status]
    if status >= 500:
        how = (
            " (a POST is not retried, to avoid duplicates)"
            if op in POST_OPS
            else f" and {retries} retries did not help"
        )
        return f"GitHub had a server error{how}; check whether the change was made and run again."
    return "Check the GitHub response above."


def describe_failure(
    op: str, status: int, data: Any, headers: dict[str, Any] | None, repo: str, retries: int
) -> str:
    """``GitHub refused <op> (<status>): <GitHub's message>. <what to do>``"""
    detail = github_detail(data)
    hint = _hint(op, status, detail, is_rate_limited(status, detail, headers), repo, retries)
    return f"GitHub refused {op} ({status}): {detail}. {hint}"


def transport_reason(error: BaseException) -> str:
    """The innermost cause of a transport error, without urllib3's object reprs:
    ``[Errno 111] Connection refused`` rather than three nested exception texts."""
    current = error
    for _ in range(_MAX_CAUSES):
        inner = getattr(current, "reason", None)
        if not isinstance(inner, BaseException):
            inner = next((a for a in reversed(current.args) if isinstance(a, BaseException)), None)
        if inner is None:
            break
        current = inner
    text = _OBJECT_REPR.sub("", str(current)).strip(" '\"()")
    return text or type(current).__name__


def describe_unreachable(op: str, api_url: str, error: BaseException) -> str:
    return (
        f"Could not reach GitHub at {api_url} for {op}: {transport_reason(error)}. "
        "Check the network connection and the API URL (GITHUB_API_URL)."
    )


def wait_message(method: str, url: str, status: int | None, seconds: float) -> str:
    """The one line shown while a request waits before its retry."""
    path = url.split("?", 1)[0]
    if status in (403, 429):
        why = "rate limit"
    elif status is not None:
        why = f"server error {status}"
    else:
        why = "no answer"
    return f"GitHub {why} on {method} {path}: retrying in {seconds:.0f} s"
