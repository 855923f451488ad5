"""Reading panda-client's replies (client >= 1.6, 2.x; the legacy list shape is read too).

``insertTaskParams()`` returns ``(transport_status, (code, message))``:

- ``(0, (0, "succeeded. new jediTaskID=<N>"))``: a new task, the only reply recorded as one;
- ``(0, (0, "reactivation accepted. jediTaskID=<OLD> ..."))``: server code 3, flattened to 0 by
  the client: an *old* task re-executed;
- ``(0, (0, "The following DN is banned: ..."))``: success-shaped, created nothing;
- ``(0, (1|2, "jediTaskID=<N> is already queued ..."))``: a duplicate of an existing task;
- ``(0, (4|10|11, ...))``: refused; ``(0, (None, "SSL secure connection is required"))``:
  request validation failed;
- ``(255, None)`` or ``(255, "Impossible to parse ...")``: transport failure, the server may
  have committed the task anyway. Any other success-shaped reply without a new id is read the
  same way: outcome unknown, look the task up by name.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from pcs_gitops.services.panda_port import (
    InsertOutcome,
    NewTask,
    OutcomeUnknown,
    PandaTask,
    PandaUnreachable,
    Reactivated,
    Refused,
    RetryReply,
)

NEW_TASK = re.compile(r"^\s*succeeded\.\s*new jediTaskID=(\d+)")
REACTIVATION = re.compile(r"^\s*reactivation accepted\.\s*jediTaskID=(\d+)")
BANNED_DN = re.compile(r"The following DN is banned", re.IGNORECASE)
ANY_TASK_ID = re.compile(r"jediTaskID=(\d+)")
LOOK_UP_FIRST = "the task may exist anyway: look it up by name before submitting again"


def _inner(reply: object) -> tuple[object, str]:
    """``(code, message)`` of a reply with an answer from the server; OutcomeUnknown else."""
    if isinstance(reply, str):
        return 0, reply
    if not isinstance(reply, tuple | list) or len(reply) != 2:
        raise OutcomeUnknown(f"PanDA returned an unexpected reply {reply!r}; {LOOK_UP_FIRST}")
    status, payload = reply
    if status != 0 or payload is None:
        detail = f": {payload}" if payload else ""
        raise OutcomeUnknown(
            f"PanDA could not be reached or answered with an error (status {status}{detail}); "
            f"{LOOK_UP_FIRST}"
        )
    if isinstance(payload, str):
        return 0, payload
    if isinstance(payload, tuple | list) and len(payload) >= 2:
        return payload[0], str(payload[1])
    raise OutcomeUnknown(f"PanDA returned an unexpected reply {reply!r}; {LOOK_UP_FIRST}")


def classify_insert_reply(reply: object) -> InsertOutcome:
    """What an ``insertTaskParams`` reply says; OutcomeUnknown when it does not say."""
    code, message = _inner(reply)
    if code is None:
        return Refused("invalid-request", None, message)
    if isinstance(code, bool) or code != 0:
        found = ANY_TASK_ID.search(message)
        existing = int(found.group(1)) if found and code in (1, 2) else None
        kind = "duplicate" if existing is not None else "refused"
        return Refused(kind, code if isinstance(code, int) else None, message, existing)
    new = NEW_TASK.match(message)
    if new is not None:
        return NewTask(int(new.group(1)), message.strip())
    old = REACTIVATION.match(message)
    if old is not None:
        return Reactivated(int(old.group(1)), message.strip())
    if BANNED_DN.search(message):
        return Refused("banned-dn", 0, message.strip())
    raise OutcomeUnknown(
        f"PanDA answered success without a new jediTaskID ({message.strip()!r}); {LOOK_UP_FIRST}"
    )


def classify_retry_reply(reply: object) -> RetryReply:
    """``retryTask``'s ``(0, (code, message))``; OutcomeUnknown without an answer."""
    code, message = _inner(reply)
    if code is None or isinstance(code, bool):
        return RetryReply(None, message)
    try:
        return RetryReply(int(str(code)), message)
    except ValueError:
        return RetryReply(None, message)


def details_from_reply(reply: object, what: str = "the task look-up") -> PandaTask | None:
    """``get_task_details_json``'s ``(0, (True, dict))``, None for ``(0, (False, ...))``;
    PandaUnreachable for a transport failure (which says nothing about existence)."""
    if not isinstance(reply, tuple | list) or len(reply) != 2 or reply[0] != 0:
        raise PandaUnreachable(f"PanDA did not answer {what} ({_short(reply)})")
    payload = reply[1]
    if not isinstance(payload, tuple | list) or len(payload) != 2:
        raise PandaUnreachable(f"PanDA answered {what} with {_short(reply)}")
    ok, data = payload
    if ok is not True:
        return None
    if not isinstance(data, Mapping):
        raise PandaUnreachable(f"PanDA answered {what} with {_short(reply)}")
    return task_from_details(data)


def tasks_from_reply(reply: object, what: str = "the look-up by name") -> list[PandaTask]:
    """``get_tasks_detailed_info_since``'s ``(0, [dict, ...])``; PandaUnreachable otherwise
    (the client gives ``(255, None)`` for every failure, including a refused query)."""
    if not isinstance(reply, tuple | list) or len(reply) != 2 or reply[0] != 0:
        raise PandaUnreachable(f"PanDA did not answer {what} ({_short(reply)})")
    items = reply[1]
    if not isinstance(items, list) or not all(isinstance(i, Mapping) for i in items):
        raise PandaUnreachable(f"PanDA answered {what} with {_short(reply)}")
    return [task_from_details(item) for item in items]


def task_from_details(data: Mapping[str, Any]) -> PandaTask:
    """A :class:`PandaTask` from one JediTaskSpec dict (camelCase keys)."""
    name = data.get("taskName")
    return PandaTask(
        jedi_task_id=int(data["jediTaskID"]),
        task_name=None if name is None else str(name),
        status=str(data.get("status") or ""),
        error_dialog=str(data.get("errorDialog") or ""),
        files_total=_count(data.get("nFiles")),
        files_finished=_count(data.get("nFilesFinished")),
        files_failed=_count(data.get("nFilesFailed")),
        attempt_nr=_count(data.get("attemptNr")),
        modification_time=iso_utc(data.get("modificationTime")),
        user_name=str(data.get("userName") or ""),
    )


def iso_utc(value: object) -> str:
    """PanDA's time (a naive UTC datetime from the client, or text) as ``...Z`` text."""
    if isinstance(value, datetime):
        if value.tzinfo is not None:
            value = value.astimezone(UTC)
        return value.replace(tzinfo=None, microsecond=0).isoformat() + "Z"
    if isinstance(value, str) and value:
        try:
            return iso_utc(datetime.fromisoformat(value.removesuffix("Z")))
        except ValueError:
            return value
    return ""


def _count(value: object) -> int:
    try:
        return max(0, int(str(value))) if value is not None else 0
    except ValueError:
        return 0


def _short(reply: object) -> str:
    text = repr(reply)
    return text if len(text) <= 200 else text[:199] + "…"
