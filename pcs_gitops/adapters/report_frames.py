"""The campaign summary (``pcs report`` and the catalogue's summary page).

``campaign_report`` turns the state into plain, JSON-ready data (Python ints and strings only), so
the CLI (``pcs report``) and the catalogue page show the same numbers. Ages are measured against
an explicit ``as_of`` time: the page passes the newest history timestamp in the state, so a render
never depends on the wall clock.

Plain Python over one row per request: it was computed with pandas, whose import alone added
56 MB to every render that rewrote the summary (at 20,000 requests, the render's peak memory)
for a few group-by counts. The tests check it against the same computation in pandas.
"""

from __future__ import annotations

import csv
import io
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from pcs_gitops.domain.catalog import PRIORITIES, parse_event_count
from pcs_gitops.domain.model import TaskStatus
from pcs_gitops.domain.state import State

USE_FLAGS = ("background", "new_request", "pre_tdr_use", "early_science_use", "other_use")
FLAG_VALUES = ("yes", "maybe", "no", "empty", "other")
NO_PWG = "(none)"
NO_PRIORITY = "(none)"
OLDEST_SHOWN = 10
BREAKDOWN_COLUMNS = (
    "pwg",
    "priority",
    "status",
    "requests",
    "events",
    "events_all_or_empty",
    "events_unparseable",
)
_GROUPS = ("pwg", "priority", "status")
_NEVER = datetime.min.replace(tzinfo=UTC)  # stands in for a missing creation time


def newest_timestamp(state: State) -> str:
    """The newest history timestamp of any task or dataset ("" for an empty state)."""
    newest = ""
    for records in (state.tasks.values(), state.datasets.values()):
        for record in records:
            for entry in record.history:
                if entry.at > newest:
                    newest = entry.at
    return newest


def _events_kind(raw: str) -> tuple[str, int | None]:
    text = raw.strip()
    if not text or text.casefold() == "all":
        return "all_or_empty", None
    count = parse_event_count(text)
    return ("count", count) if count is not None else ("unparseable", None)


def _flag_value(raw: str) -> str:
    text = raw.strip().casefold()
    if not text:
        return "empty"
    return text if text in ("yes", "maybe", "no") else "other"


def _timestamp(text: str) -> datetime | None:
    """``text`` as a UTC time (no zone means UTC); None when empty or unreadable."""
    if not text:
        return None
    try:
        when = datetime.fromisoformat(text)
    except ValueError:
        return None
    return when.replace(tzinfo=UTC) if when.tzinfo is None else when.astimezone(UTC)


@dataclass(frozen=True, slots=True)
class _Request:
    """One request as the report groups it."""

    name: str
    pwg: str
    priority: str
    status: str
    substate: str
    events: int | None
    events_kind: str
    created: datetime | None
    flags: tuple[str, ...]

    def group(self, column: str) -> str:
        return str(getattr(self, column))


def _requests(state: State, substates: Mapping[str, str | None]) -> list[_Request]:
    out = []
    for task in state.tasks.values():
        catalog = task.catalog
        kind, count = _events_kind(catalog.get("events", ""))
        out.append(
            _Request(
                name=task.name,
                pwg=catalog.get("pwg", "").strip() or NO_PWG,
                priority=catalog.get("priority", "").strip() or NO_PRIORITY,
                status=task.status.value,
                substate=substates.get(task.name) or "",
                events=count,
                events_kind=kind,
                created=_timestamp(task.created_at),
                flags=tuple(_flag_value(catalog.get(flag, "")) for flag in USE_FLAGS),
            )
        )
    return out


def _order(values: Iterable[str], first: Sequence[str]) -> dict[str, int]:
    """Each value's rank: those of ``first`` in its order, then the others sorted."""
    present = set(values)
    known = [v for v in first if v in present]
    return {v: rank for rank, v in enumerate(known + sorted(present - set(known)))}


def _sums(rows: Sequence[_Request]) -> dict[str, int]:
    return {
        "requests": len(rows),
        "events": sum(r.events for r in rows if r.events is not None),
        "events_all_or_empty": sum(r.events_kind == "all_or_empty" for r in rows),
        "events_unparseable": sum(r.events_kind == "unparseable" for r in rows),
    }


def _grouped(
    rows: Sequence[_Request], columns: Sequence[str], ranks: Mapping[str, Mapping[str, int]]
) -> list[tuple[tuple[str, ...], list[_Request]]]:
    """The rows grouped by ``columns``, the groups in the order of their values' ranks."""
    groups: dict[tuple[str, ...], list[_Request]] = {}
    for row in rows:
        groups.setdefault(tuple(row.group(c) for c in columns), []).append(row)
    return sorted(
        groups.items(),
        key=lambda item: [ranks[c][v] for c, v in zip(columns, item[0], strict=True)],
    )


def _counts(
    rows: Sequence[_Request], column: str, ranks: Mapping[str, Mapping[str, int]]
) -> list[dict[str, Any]]:
    out = []
    for (key,), group in _grouped(rows, (column,), ranks):
        sums = _sums(group)
        out.append({column: key, "requests": sums["requests"], "events": sums["events"]})
    return out


def _breakdown(
    rows: Sequence[_Request], ranks: Mapping[str, Mapping[str, int]]
) -> list[dict[str, Any]]:
    return [
        dict(zip(_GROUPS, key, strict=True)) | _sums(group)
        for key, group in _grouped(rows, _GROUPS, ranks)
    ]


def _use_flags(rows: Sequence[_Request], titles: Mapping[str, str]) -> list[dict[str, Any]]:
    out = []
    for index, flag in enumerate(USE_FLAGS):
        counts = Counter(r.flags[index] for r in rows)
        entry: dict[str, Any] = {"flag": flag, "title": titles.get(flag, flag)}
        entry.update({value: counts.get(value, 0) for value in FLAG_VALUES})
        out.append(entry)
    return out


def _age_days(created: datetime | None, as_of: datetime | None) -> int | None:
    if as_of is None or created is None:
        return None
    return (as_of - created).days


def _drafts(rows: Sequence[_Request], as_of: datetime | None) -> dict[str, Any]:
    """The drafts, oldest first (those without a readable creation time last; ties by name)."""
    drafts = sorted(
        (r for r in rows if r.status == TaskStatus.DRAFT.value),
        key=lambda r: (r.created is None, r.created or _NEVER, r.name),
    )
    by_substate: dict[str, list[_Request]] = {}
    for row in drafts:
        by_substate.setdefault(row.substate, []).append(row)
    oldest_rows = [
        {
            "name": row.name,
            "pwg": row.pwg,
            "substate": row.substate or "draft",
            "age_days": _age_days(row.created, as_of),
        }
        for row in drafts[:OLDEST_SHOWN]
    ]
    return {
        "requests": len(drafts),
        "oldest_age_days": oldest_rows[0]["age_days"] if oldest_rows else None,
        "by_substate": [
            {
                "substate": substate or "draft",
                "requests": len(group),
                "oldest_age_days": _age_days(group[0].created, as_of),
                "oldest_task": group[0].name,
            }
            for substate, group in sorted(by_substate.items())
        ],
        "oldest": oldest_rows,
    }


def campaign_report(
    state: State, substates: Mapping[str, str | None], as_of: str
) -> dict[str, Any]:
    """Requested events and request counts by PWG x priority x status, use flags, drafts."""
    rows = _requests(state, substates)
    firsts = {
        "pwg": [p.slug for p in state.settings.pwgs],
        "priority": PRIORITIES,
        "status": [s.value for s in TaskStatus],
    }
    ranks = {c: _order((r.group(c) for r in rows), firsts[c]) for c in _GROUPS}
    kinds = Counter(r.events_kind for r in rows)
    substate_counts = Counter(r.substate for r in rows if r.substate)
    return {
        "as_of": as_of,
        "requests": len(rows),
        "events": {
            "requested": _sums(rows)["events"],
            "with_count": kinds.get("count", 0),
            "all_or_empty": kinds.get("all_or_empty", 0),
            "unparseable": kinds.get("unparseable", 0),
        },
        "by_pwg": _counts(rows, "pwg", ranks),
        "by_priority": _counts(rows, "priority", ranks),
        "by_status": _counts(rows, "status", ranks),
        "by_substate": [{"substate": k, "requests": v} for k, v in sorted(substate_counts.items())],
        "breakdown": _breakdown(rows, ranks),
        "use_flags": _use_flags(rows, state.settings.columns),
        "drafts": _drafts(rows, _timestamp(as_of)),
    }


def breakdown_csv(report: Mapping[str, Any]) -> str:
    """The PWG x priority x status table of a report as CSV (header row, LF line endings)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(BREAKDOWN_COLUMNS)
    writer.writerows([row[c] for c in BREAKDOWN_COLUMNS] for row in report["breakdown"])
    return out.getvalue()


# --------------------------------------------------------------------------- text output
def human_count(value: int) -> str:
    """2750000 -> '2.75M', 400000 -> '400k', 12 -> '12'."""
    for size, suffix in ((1_000_000_000, "B"), (1_000_000, "M"), (1_000, "k")):
        if value >= size:
            return f"{value / size:.2f}".rstrip("0").rstrip(".") + suffix
    return str(value)


def _table(headers: Sequence[str], rows: Sequence[Sequence[Any]], markdown: bool) -> list[str]:
    cells = [[str(h) for h in headers]] + [[str(c) for c in row] for row in rows]
    if markdown:
        lines = ["| " + " | ".join(cells[0]) + " |", "|" + "---|" * len(headers)]
        return lines + [
            "| " + " | ".join(c.replace("|", "\\|") for c in r) + " |" for r in cells[1:]
        ]
    widths = [max(len(r[i]) for r in cells) for i in range(len(headers))]
    return ["  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip() for r in cells]


def format_report(report: Mapping[str, Any], *, markdown: bool) -> str:
    """The report as Markdown (``markdown=True``) or aligned plain text."""
    events = report["events"]
    h = "## " if markdown else ""
    lines = [
        f"{'# ' if markdown else ''}Campaign summary (as of {report['as_of'] or 'unknown'})",
        "",
        f"{report['requests']} requests; {human_count(events['requested'])} events requested "
        f"({events['requested']}) by {events['with_count']} requests with a count; "
        f"{events['all_or_empty']} ask for All or leave it empty; "
        f"{events['unparseable']} unparseable.",
        "",
        f"{h}Requests by PWG x priority x status",
        "",
    ]
    lines += _table(
        ("PWG", "Priority", "Status", "Requests", "Events", "All/empty", "Unparseable"),
        [
            (
                r["pwg"],
                r["priority"],
                r["status"],
                r["requests"],
                human_count(r["events"]),
                r["events_all_or_empty"],
                r["events_unparseable"],
            )
            for r in report["breakdown"]
        ],
        markdown,
    )
    lines += ["", f"{h}Requests per use flag", ""]
    lines += _table(
        ("Flag", "Yes", "Maybe", "No", "Empty", "Other text"),
        [
            (f["title"], f["yes"], f["maybe"], f["no"], f["empty"], f["other"])
            for f in report["use_flags"]
        ],
        markdown,
    )
    drafts = report["drafts"]
    lines += ["", f"{h}Stuck in draft: {drafts['requests']} requests", ""]
    lines += _table(
        ("Sub-state", "Requests", "Oldest age (days)", "Oldest request"),
        [
            (d["substate"], d["requests"], _age(d["oldest_age_days"]), d["oldest_task"])
            for d in drafts["by_substate"]
        ],
        markdown,
    )
    return "\n".join(lines) + "\n"


def _age(days: int | None) -> str:
    return "?" if days is None else str(days)
