"""How a PanDA/JEDI task status maps onto the task lifecycle (see panda-client.md, 3.1).

``done`` is the only success. ``finished`` (partial success), ``failed``, ``broken``, ``aborted``
and ``exhausted`` end the request as failed, with PanDA's reason; every other status (``running``,
``pending``, ``paused``, ``toretry``, ...) keeps the task submitted. A read that is older than
what is recorded, or that still shows the failure a retry is about to replace, changes nothing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from pcs_gitops.domain.model import PandaProgress, TaskStatus

COMPLETED_STATES = frozenset({"done"})
FAILED_STATES = frozenset({"finished", "failed", "broken", "aborted", "exhausted"})
RETRYABLE_STATES = frozenset({"finished", "failed", "exhausted"})  # PanDA's retry command
RETRY_PENDING = "toretry"  # what pcs records right after PanDA accepted a retry
DUPLICATE_ABORT = re.compile(r"toabort since there is duplicated task -> jediTaskID=(\d+)")


@dataclass(frozen=True)
class PandaVerdict:
    """The lifecycle status PanDA's answer calls for, and why."""

    status: TaskStatus
    reason: str = ""


def lifecycle_for(progress: PandaProgress) -> PandaVerdict:
    """``submitted``, ``completed`` or ``failed`` for what PanDA said."""
    status = progress.status
    if status in COMPLETED_STATES:
        return PandaVerdict(TaskStatus.COMPLETED)
    if status not in FAILED_STATES:
        return PandaVerdict(TaskStatus.SUBMITTED)
    return PandaVerdict(TaskStatus.FAILED, failure_reason(progress))


def failure_reason(progress: PandaProgress) -> str:
    """``<status>``, the file counts when some input failed, and PanDA's error dialog."""
    head = "partial (PanDA 'finished')" if progress.status == "finished" else progress.status
    details: list[str] = []
    if progress.files_total:
        details.append(
            f"{progress.files_finished} of {progress.files_total} input files done, "
            f"{progress.files_failed} failed"
        )
    if progress.reason:
        details.append(progress.reason)
    return head + (": " + "; ".join(details) if details else "")


def duplicate_of(progress: PandaProgress) -> int | None:
    """The original jediTaskID when JEDI aborted this task as a same-name duplicate."""
    if progress.status not in ("aborted", "toabort", "aborting"):
        return None
    match = DUPLICATE_ABORT.search(progress.reason)
    return int(match.group(1)) if match else None


def is_stale(recorded: PandaProgress | None, seen: PandaProgress) -> bool:
    """True when ``seen`` must not replace ``recorded``: PanDA's last change is older, or a
    retry was accepted and PanDA still shows the old attempt's final status."""
    if recorded is None:
        return False
    if seen.last_change and recorded.last_change and seen.last_change < recorded.last_change:
        return True
    return (
        recorded.status == RETRY_PENDING
        and seen.status in FAILED_STATES
        and seen.attempt_nr <= recorded.attempt_nr
    )
