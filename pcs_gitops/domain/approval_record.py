"""The approval block of a task record: who approved which payload, and when.

``payload_sha256`` is the sha256 of the canonical effective payload (see
:mod:`pcs_gitops.domain.approval`); ``components`` holds one digest per part of the payload and
per input it is built from, and ``task_params`` the approved taskParamMap's scalar values
(``nFiles``, ``site``, ...), so a withdrawal can name what changed and how.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Approval:
    by: str
    at: str
    payload_sha256: str
    components: Mapping[str, str] = field(default_factory=dict)
    task_params: Mapping[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {
            "by": self.by,
            "at": self.at,
            "payload_sha256": self.payload_sha256,
            "components": dict(self.components),
            "task_params": dict(self.task_params),
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Approval:
        return cls(
            by=str(data["by"]),
            at=str(data["at"]),
            payload_sha256=str(data["payload_sha256"]),
            components={str(k): str(v) for k, v in (data.get("components") or {}).items()},
            task_params=dict(data.get("task_params") or {}),
        )
