"""The campaign summary use case: draft sub-states from the readiness checks, numbers from the
report-frames port (pandas lives in the adapter)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any, Protocol

from pcs_gitops.domain.readiness import PathProbe, readiness
from pcs_gitops.domain.state import State
from pcs_gitops.errors import UsageError


class ReportFrames(Protocol):
    """What ``adapters.report_frames`` offers (the module itself implements this protocol)."""

    def campaign_report(
        self, state: State, substates: Mapping[str, str | None], as_of: str
    ) -> dict[str, Any]: ...

    def breakdown_csv(self, report: Mapping[str, Any]) -> str: ...

    def format_report(self, report: Mapping[str, Any], *, markdown: bool) -> str: ...


def check_timestamp(value: str) -> str:
    """``value`` when it is an ISO-8601 date or time (``Z`` allowed), else a UsageError."""
    try:
        datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        raise UsageError(
            f"'{value}' is not an ISO-8601 time; write it like 2026-05-01 or 2026-05-01T12:00:00Z"
        ) from None
    return value.strip()


def campaign_report(
    state: State, frames: ReportFrames, probe: PathProbe, as_of: str
) -> dict[str, Any]:
    """Requested events, requests by PWG x priority x status, use flags, drafts and their age
    at ``as_of``."""
    substates = {
        task.name: readiness(state, task, probe).substate(task.status)
        for task in state.tasks.values()
    }
    return frames.campaign_report(state, substates, check_timestamp(as_of))
