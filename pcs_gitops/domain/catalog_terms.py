"""The words the public catalogue shows for a request's status, priority and origin, with their
meanings (the legends of the site and of the JSON API index), and the counts on the home page.

Priority meanings are the ones the epic-prod dataset request form states ("Urgency of the
request: 1 = Highest, 2 = Medium, 3 = Lower, -1 = N/A").
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from pcs_gitops.domain.catalog import PRIORITIES, parse_event_count
from pcs_gitops.domain.model import ProdTask, TaskStatus
from pcs_gitops.domain.settings import CatalogSettings

STATUS_MEANINGS = {
    TaskStatus.DRAFT.value: "requested; not yet approved for production (see its sub-state)",
    TaskStatus.READY.value: "every readiness check passes and a production manager approved it",
    TaskStatus.SUBMITTED.value: "submitted to PanDA; the task id is recorded",
    TaskStatus.COMPLETED.value: "PanDA finished the task (done)",
    TaskStatus.FAILED.value: "PanDA ended the task without success (finished, failed, broken, ...)",
}
SUBSTATE_MEANINGS = {
    "withdrawn": "its requester or a production manager withdrew it (it can be reinstated)",
    "needs-input": "the input dataset is missing or not readable",
    "needs-metadata": "catalogue fields, event count or tags are missing or invalid",
    "needs-confirmation": "its physics or evgen tag is inferred and waits for confirmation",
    "needs-config": "the production config, outputs or background mixing are incomplete",
    "awaiting-review": "complete; waiting for a production manager to approve it",
}
PRIORITY_MEANINGS = {"1": "Highest", "2": "Medium", "3": "Lower", "-1": "N/A"}
IMPORTED = "imported"
REQUESTED = "requested"
ORIGIN_MEANINGS = {
    IMPORTED: "historical: imported from the catalogue file, not filed through this system",
    REQUESTED: "filed through this system (issue form, CLI or bot)",
}
NO_VALUE = "(none)"


def origin(task: ProdTask) -> str:
    """``imported`` for a request that came from the historical catalogue file, else
    ``requested``."""
    first = task.history[0] if task.history else None
    return IMPORTED if first is not None and first.action == IMPORTED else REQUESTED


def priority_number(text: str) -> int | None:
    """The priority as a number (1, 2, 3 or -1); None for anything else (``Will be 1``, empty)."""
    return int(text) if text.strip() in PRIORITIES else None


def events_number(text: str) -> int | None:
    """The requested event count as a number (``1M`` -> 1000000); None for ``All``, empty or
    free text."""
    return parse_event_count(text) if text.strip() else None


def legends() -> dict[str, dict[str, str]]:
    return {
        "status": dict(STATUS_MEANINGS),
        "substate": dict(SUBSTATE_MEANINGS),
        "priority": dict(PRIORITY_MEANINGS),
        "origin": dict(ORIGIN_MEANINGS),
    }


# --------------------------------------------------------------------------- home-page counts
# A dimension: (key, title, the value of a task, the label of a value). Catalogue fields count
# by their value; a dimension without any value (a field no request fills, such as
# ``campaign`` before any request names one) is left out until requests carry it.
Dimension = tuple[str, str, Callable[[ProdTask, str | None], str]]


def _catalog_field(field: str) -> Callable[[ProdTask, str | None], str]:
    return lambda task, _: task.catalog.get(field, "")


def _status(task: ProdTask, substate: str | None) -> str:
    return f"draft: {substate}" if substate else task.status.value


DIMENSIONS: tuple[Dimension, ...] = (
    ("campaign", "Campaign", lambda task, _: task.campaign or ""),
    ("pwg", "PWG", _catalog_field("pwg")),
    ("status", "Status", _status),
    ("priority", "Priority", _catalog_field("priority")),
    ("origin", "Origin", lambda task, _: origin(task)),
)


def summary_counts(
    settings: CatalogSettings,
    tasks: Iterable[ProdTask],
    substates: Mapping[str, str | None],
) -> dict[str, Any]:
    """Requests counted along each dimension: ``{"requests": N, "dimensions": [{key, title,
    values: [{value, label, requests}]}]}``, values by count then name."""
    tasks = list(tasks)
    labels = {
        "pwg": {p.slug: p.name for p in settings.pwgs},
        "priority": {k: f"{k} ({v})" for k, v in PRIORITY_MEANINGS.items()},
    }
    out: list[dict[str, Any]] = []
    for key, title, value_of in DIMENSIONS:
        counts = Counter(value_of(t, substates.get(t.name)) or NO_VALUE for t in tasks)
        if set(counts) <= {NO_VALUE}:
            continue
        names = labels.get(key, {})
        values = [
            {"value": value, "label": names.get(value, value), "requests": n}
            for value, n in sorted(counts.items(), key=lambda item: (-item[1], item[0]))
        ]
        out.append({"key": key, "title": title, "values": values})
    return {"requests": len(tasks), "dimensions": out}
