"""The PanDA port: what the submission service needs from PanDA, and how replies are read.

``pandaclient.Client.insertTaskParams()`` (panda-client >= 1.6, 2.x) returns
``(transport_status, (code, message))``:

- ``(0, (0, "succeeded. new jediTaskID=<N>"))``: a new task, the only reply recorded;
- ``(0, (0, "reactivation accepted. jediTaskID=<OLD> ..."))``: an *old* task re-executed;
- ``(0, (0, "The following DN is banned: ..."))``: success-shaped, but no task id;
- ``(0, (1|2, "jediTaskID=<N> is already queued ..."))``: a duplicate of an existing task;
- ``(0, (4|10|11, ...))``: refused; ``(0, (None, "SSL secure connection is required"))``:
  request validation failed;
- ``(255, None)``: transport failure, the server may have committed the task anyway.

Legacy clients (<= 1.5) returned ``(status, [code, message, taskID])``; it is read the same way.
Only a reply that is a success *and* says ``succeeded. new jediTaskID=<N>`` yields an id.
"""

from __future__ import annotations

import re
from typing import Any, Protocol

from pcs_gitops.errors import SubmissionError

NEW_TASK = re.compile(r"^\s*succeeded\.\s*new jediTaskID=(\d+)")
ANY_TASK_ID = re.compile(r"jediTaskID=(\d+)")
_EXISTING_TASK_MARKERS = ("already queued", "You cannot submit duplicated", "You can re-submit")


class PandaSubmitter(Protocol):
    def prepare(self) -> None:
        """Load and configure the client; raise PcsError when it cannot submit (nothing sent)."""
        ...

    def insert_task_params(self, params: dict[str, Any]) -> str:
        """Submit one taskParamMap; return the server's success message or raise PcsError."""
        ...


class OutcomeUnknown(SubmissionError):
    """PanDA may or may not have created the task (transport failure, crash, timeout)."""


def message_from_reply(reply: object) -> str:
    """The server message of a successful ``insertTaskParams`` reply; SubmissionError otherwise."""
    if isinstance(reply, str):
        return reply
    if not isinstance(reply, tuple | list) or len(reply) != 2:
        raise OutcomeUnknown(f"PanDA returned an unexpected reply {reply!r}; outcome unknown")
    status, payload = reply
    if status != 0 or payload is None:
        detail = f": {payload}" if payload else ""
        raise OutcomeUnknown(
            f"PanDA could not be reached or answered with an error (status {status}{detail}); "
            "the task may exist anyway: look it up by name in PanDA before submitting again"
        )
    if isinstance(payload, tuple | list) and len(payload) >= 2:
        code, message = payload[0], payload[1]
        text = str(message)
        if code is None:
            raise SubmissionError(f"PanDA rejected the request: {text} (check the client setup)")
        if isinstance(code, bool) or code != 0:
            match = ANY_TASK_ID.search(text)
            extra = (
                f" (it names existing task {match.group(1)}; it is not recorded as new)"
                if match
                else ""
            )
            raise SubmissionError(f"PanDA refused the task (code {code}): {text}{extra}")
        return text
    if isinstance(payload, str):
        return payload
    raise OutcomeUnknown(f"PanDA returned an unexpected reply {reply!r}; the outcome is unknown")


def jedi_task_id(reply: object) -> int:
    """The new jediTaskID of a reply (a message or a client tuple); SubmissionError otherwise.

    ``succeeded. new jediTaskID=<N>`` is the documented success; a bare ``jediTaskID=<N>`` in a
    success message is accepted too, except the reactivation and duplicate messages, which name
    an existing task and are never recorded as a new submission.
    """
    message = message_from_reply(reply).strip()
    match = NEW_TASK.match(message)
    if match is not None:
        return int(match.group(1))
    found = ANY_TASK_ID.search(message)
    if message.startswith("reactivation accepted") or any(
        marker in message for marker in _EXISTING_TASK_MARKERS
    ):
        old = found.group(1) if found else "?"
        raise SubmissionError(
            f"PanDA answered with the existing task {old} instead of a new one: {message}; "
            "nothing was recorded"
        )
    if found is not None:
        return int(found.group(1))
    raise SubmissionError(
        f"PanDA answered without a new jediTaskID: {message!r}; nothing was recorded "
        "(a banned or unregistered DN looks like this)"
    )
