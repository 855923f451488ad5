"""Wall-clock time, in one format (UTC, seconds, ISO-8601 with Z)."""

from __future__ import annotations

from datetime import UTC, datetime


class SystemClock:
    def now(self) -> str:
        return datetime.now(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


class FixedClock:
    def __init__(self, value: str = "2026-01-01T00:00:00Z") -> None:
        self.value = value

    def now(self) -> str:
        return self.value
