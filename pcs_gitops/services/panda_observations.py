"""What PanDA said, as pcs records it: the task's ``panda`` block, and which of several
same-name tasks is the real one."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from pcs_gitops.domain.model import PandaProgress
from pcs_gitops.domain.panda_status import duplicate_of
from pcs_gitops.services.panda_port import PandaTask


def progress_from(task: PandaTask, checked_at: str) -> PandaProgress:
    return PandaProgress(
        status=task.status,
        reason=task.error_dialog,
        files_total=task.files_total,
        files_finished=task.files_finished,
        files_failed=task.files_failed,
        attempt_nr=task.attempt_nr,
        last_change=task.modification_time,
        checked_at=checked_at,
    )


def choose_original(found: Sequence[PandaTask]) -> PandaTask | None:
    """The task a same-name look-up stands for: the lowest id JEDI did not abort as a
    duplicate (panda-client.md 5.2); else the lowest id."""
    if not found:
        return None
    kept = [t for t in found if duplicate_of(progress_from(t, "")) is None]
    return min(kept or found, key=lambda t: t.jedi_task_id)


def seconds_between(earlier: str, later: str) -> float | None:
    """Seconds from one ISO-8601 timestamp to another; None when either cannot be read."""
    try:
        start = datetime.fromisoformat(earlier.replace("Z", "+00:00"))
        end = datetime.fromisoformat(later.replace("Z", "+00:00"))
    except ValueError:
        return None
    if (start.tzinfo is None) != (end.tzinfo is None):
        return None
    return (end - start).total_seconds()
