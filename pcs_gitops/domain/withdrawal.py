"""Withdrawal: a request its requester (or a production manager) no longer wants.

Not a lifecycle state: the task keeps its status (a withdrawn ``ready`` task goes back to
``draft``), its records and its history, and carries a ``withdrawn`` block ``{by, at,
reason}``. While the block is there, readiness fails, approval and submission are refused; a
production manager reinstates the request (the block goes, the history keeps both events).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

WITHDRAW_ACTION = "withdrawn"
REINSTATE_ACTION = "reinstated"


@dataclass(frozen=True)
class Withdrawal:
    by: str
    at: str
    reason: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {"by": self.by, "at": self.at, "reason": self.reason}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Withdrawal:
        return cls(by=str(data["by"]), at=str(data["at"]), reason=str(data.get("reason") or ""))

    def describe(self) -> str:
        """``withdrawn by X at T (reason)``, for messages."""
        why = f": {self.reason}" if self.reason else ""
        return f"withdrawn by {self.by} at {self.at}{why}"
