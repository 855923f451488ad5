"""What PanDA last said about a task's current jediTaskID (the ``panda`` block of a task)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

JsonDict = dict[str, Any]


@dataclass(frozen=True)
class PandaProgress:
    """What PanDA last said about the task's current jediTaskID (written by sync, reconcile
    and retry). ``checked_at`` is when pcs recorded this observation, so a sync that sees
    nothing new writes nothing."""

    status: str
    reason: str = ""
    files_total: int = 0
    files_finished: int = 0
    files_failed: int = 0
    attempt_nr: int = 0
    last_change: str = ""  # PanDA's modificationTime, ISO-8601 UTC
    checked_at: str = ""

    def to_dict(self) -> JsonDict:
        return {
            "status": self.status,
            "reason": self.reason,
            "files_total": self.files_total,
            "files_finished": self.files_finished,
            "files_failed": self.files_failed,
            "attempt_nr": self.attempt_nr,
            "last_change": self.last_change,
            "checked_at": self.checked_at,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> PandaProgress:
        return cls(
            status=str(data["status"]),
            reason=str(data.get("reason") or ""),
            files_total=int(data.get("files_total") or 0),
            files_finished=int(data.get("files_finished") or 0),
            files_failed=int(data.get("files_failed") or 0),
            attempt_nr=int(data.get("attempt_nr") or 0),
            last_change=str(data.get("last_change") or ""),
            checked_at=str(data.get("checked_at") or ""),
        )

    def same_observation(self, other: PandaProgress | None) -> bool:
        """Equal in everything PanDA said (``checked_at`` aside)."""
        return other is not None and replace(other, checked_at=self.checked_at) == self
