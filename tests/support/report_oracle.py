"""The oracle of the campaign summary: the same numbers computed with pandas, as
``adapters.report_frames`` computed them before it did so in plain Python (pandas alone added
56 MB to the render's peak memory). The tests check the adapter against it: the grouping,
counting, ordering and ages are pandas'; the constants and the parsing of one request's cells
are the adapter's.

``campaign_report`` turns the state into plain, JSON-ready data (Python ints and strings only), so
the CLI (``pcs report``) and the catalogue page show the same numbers. Ages are measured against
an explicit ``as_of`` time: the page passes the newest history timestamp in the state, so a render
never depends on the wall clock.
"""

from __future__ import annotations

import io
from collections.abc import Mapping, Sequence
from typing import Any

import pandas as pd

from pcs_gitops.adapters.report_frames import (
    BREAKDOWN_COLUMNS,
    FLAG_VALUES,
    NO_PRIORITY,
    NO_PWG,
    OLDEST_SHOWN,
    USE_FLAGS,
    _events_kind,
    _flag_value,
)
from pcs_gitops.domain.catalog import PRIORITIES
from pcs_gitops.domain.model import TaskStatus
from pcs_gitops.domain.state import State


def _ordered(values: Sequence[str], first: Sequence[str]) -> list[str]:
    present = set(values)
    known = [v for v in first if v in present]
    return known + sorted(present - set(known))


def requests_frame(state: State, substates: Mapping[str, str | None]) -> pd.DataFrame:
    """One row per task: the catalogue fields the report groups by, parsed."""
    columns: dict[str, list[Any]] = {
        k: [] for k in ("name", "pwg", "priority", "status", "substate", "events", "events_kind")
    }
    columns["created_at"] = []
    for flag in USE_FLAGS:
        columns[flag] = []
    for task in state.tasks.values():
        catalog = task.catalog
        kind, count = _events_kind(catalog.get("events", ""))
        columns["name"].append(task.name)
        columns["pwg"].append(catalog.get("pwg", "").strip() or NO_PWG)
        columns["priority"].append(catalog.get("priority", "").strip() or NO_PRIORITY)
        columns["status"].append(task.status.value)
        columns["substate"].append(substates.get(task.name) or "")
        columns["events"].append(count)
        columns["events_kind"].append(kind)
        columns["created_at"].append(task.created_at or None)
        for flag in USE_FLAGS:
            columns[flag].append(_flag_value(catalog.get(flag, "")))
    frame = pd.DataFrame(columns)
    frame["events"] = pd.array(columns["events"], dtype="Int64")
    frame["created_at"] = pd.to_datetime(frame["created_at"], utc=True, errors="coerce")
    pwg_order = [p.slug for p in state.settings.pwgs]
    status_order = [s.value for s in TaskStatus]
    for column, first in (("pwg", pwg_order), ("priority", PRIORITIES), ("status", status_order)):
        categories = _ordered(columns[column], first)
        frame[column] = pd.Categorical(frame[column], categories=categories, ordered=True)
    frame["is_all"] = (frame["events_kind"] == "all_or_empty").astype(int)
    frame["is_unparseable"] = (frame["events_kind"] == "unparseable").astype(int)
    return frame


def _int(value: Any) -> int:
    return 0 if pd.isna(value) else int(value)


def _counts(frame: pd.DataFrame, column: str) -> list[dict[str, Any]]:
    grouped = frame.groupby(column, observed=True, sort=True).agg(
        requests=("name", "size"), events=("events", "sum")
    )
    return [
        {column: str(key), "requests": _int(row.requests), "events": _int(row.events)}
        for key, row in grouped.iterrows()
    ]


def _breakdown(frame: pd.DataFrame) -> list[dict[str, Any]]:
    grouped = frame.groupby(["pwg", "priority", "status"], observed=True, sort=True).agg(
        requests=("name", "size"),
        events=("events", "sum"),
        events_all_or_empty=("is_all", "sum"),
        events_unparseable=("is_unparseable", "sum"),
    )
    out = []
    for key, row in grouped.iterrows():
        pwg, priority, status = (str(k) for k in key)  # type: ignore[attr-defined]
        out.append(
            {
                "pwg": pwg,
                "priority": priority,
                "status": status,
                "requests": _int(row.requests),
                "events": _int(row.events),
                "events_all_or_empty": _int(row.events_all_or_empty),
                "events_unparseable": _int(row.events_unparseable),
            }
        )
    return out


def _use_flags(frame: pd.DataFrame, titles: Mapping[str, str]) -> list[dict[str, Any]]:
    out = []
    for flag in USE_FLAGS:
        counts = frame[flag].value_counts()
        entry: dict[str, Any] = {"flag": flag, "title": titles.get(flag, flag)}
        entry.update({value: _int(counts.get(value, 0)) for value in FLAG_VALUES})
        out.append(entry)
    return out


def _timestamp(text: str) -> pd.Timestamp | None:
    """``text`` as a UTC timestamp (no zone means UTC); None when empty or unreadable."""
    try:
        when = pd.Timestamp(text) if text else None
    except ValueError:
        return None
    if when is None or pd.isna(when):
        return None
    return when.tz_localize("UTC") if when.tzinfo is None else when.tz_convert("UTC")


def _age_days(created: Any, as_of: pd.Timestamp | None) -> int | None:
    if as_of is None or pd.isna(created):
        return None
    return int((as_of - created).days)


def _drafts(frame: pd.DataFrame, as_of: pd.Timestamp | None) -> dict[str, Any]:
    drafts = frame[frame["status"] == TaskStatus.DRAFT.value].sort_values(
        ["created_at", "name"], na_position="last", kind="stable"
    )
    by_substate = []
    for substate, group in drafts.groupby("substate", sort=True):
        oldest = group.iloc[0]
        by_substate.append(
            {
                "substate": str(substate) or "draft",
                "requests": len(group),
                "oldest_age_days": _age_days(oldest["created_at"], as_of),
                "oldest_task": str(oldest["name"]),
            }
        )
    oldest_rows = [
        {
            "name": str(row["name"]),
            "pwg": str(row["pwg"]),
            "substate": str(row["substate"]) or "draft",
            "age_days": _age_days(row["created_at"], as_of),
        }
        for _, row in drafts.head(OLDEST_SHOWN).iterrows()
    ]
    return {
        "requests": len(drafts),
        "oldest_age_days": oldest_rows[0]["age_days"] if oldest_rows else None,
        "by_substate": by_substate,
        "oldest": oldest_rows,
    }


def campaign_report(
    state: State, substates: Mapping[str, str | None], as_of: str
) -> dict[str, Any]:
    """Requested events and request counts by PWG x priority x status, use flags, drafts."""
    frame = requests_frame(state, substates)
    when = _timestamp(as_of)
    kinds = frame["events_kind"].value_counts()
    substate_counts = frame[frame["substate"] != ""]["substate"].value_counts()
    return {
        "as_of": as_of,
        "requests": len(frame),
        "events": {
            "requested": _int(frame["events"].sum()),
            "with_count": _int(kinds.get("count", 0)),
            "all_or_empty": _int(kinds.get("all_or_empty", 0)),
            "unparseable": _int(kinds.get("unparseable", 0)),
        },
        "by_pwg": _counts(frame, "pwg"),
        "by_priority": _counts(frame, "priority"),
        "by_status": _counts(frame, "status"),
        "by_substate": [
            {"substate": str(k), "requests": _int(v)} for k, v in sorted(substate_counts.items())
        ],
        "breakdown": _breakdown(frame),
        "use_flags": _use_flags(frame, state.settings.columns),
        "drafts": _drafts(frame, when),
    }


def breakdown_csv(report: Mapping[str, Any]) -> str:
    """The PWG x priority x status table of a report as CSV (header row, LF line endings)."""
    frame = pd.DataFrame(report["breakdown"], columns=list(BREAKDOWN_COLUMNS))
    out = io.StringIO()
    frame.to_csv(out, index=False, lineterminator="\n")
    return out.getvalue()
