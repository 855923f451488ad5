"""What an ``internal_evgen`` task generates: the physics, EvGen and background tags and the
sample that an input dataset carries in ``external_evgen`` mode (a task record's
``generation`` block; its outputs are composed from it)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Generation:
    physics: str
    evgen: str
    background: str | None = None
    sample: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {
            "physics": self.physics,
            "evgen": self.evgen,
            "background": self.background,
            "sample": self.sample,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Generation:
        background = data.get("background")
        return cls(
            physics=str(data["physics"]),
            evgen=str(data["evgen"]),
            background=None if background is None else str(background),
            sample=str(data.get("sample") or ""),
        )
