"""How many events and jobs a task asks for, from its settings, its request and its input.

- ``events_per_task`` (a setting or override) wins; otherwise the request's "Number of Events"
  (400k, 2.75M). An empty field or ``All`` asks for *all events of the input*.
- The job count is ``n_jobs`` when set, else ceil(events / events_per_job); for all events it is
  the number of input files recorded on the input datasets (``files``, e.g. a manifest's lines:
  one pseudo-file per input file, ``nFilesPerJob`` of them per job). Without that count the
  task cannot be approved: readiness names what is missing.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

from pcs_gitops.domain.catalog import parse_event_count
from pcs_gitops.domain.model import Dataset, ProdTask

ALL_EVENTS = frozenset({"", "all"})


def as_int(value: Any) -> int | None:
    """An integer from a config value (numbers and numeric text); None otherwise."""
    if value is None or isinstance(value, bool):
        return None
    try:
        return int(value)
    except (TypeError, ValueError):
        try:
            number = float(value)
        except (TypeError, ValueError):
            return None
        return int(number) if math.isfinite(number) else None


def _positive(value: Any) -> int | None:
    number = as_int(value)
    return number if number is not None and number > 0 else None


def wants_all_events(task: ProdTask) -> bool:
    return task.catalog.get("events", "").strip().lower() in ALL_EVENTS


def events_per_job(effective: Mapping[str, Any]) -> int | None:
    return _positive(effective.get("events_per_job"))


def event_count(effective: Mapping[str, Any], task: ProdTask) -> int | None:
    """Events of the task: the events_per_task setting, else the request's count."""
    explicit = _positive(effective.get("events_per_task"))
    if explicit is not None:
        return explicit
    parsed = parse_event_count(task.catalog.get("events", ""))
    return parsed if parsed is not None and parsed > 0 else None


def input_files(inputs: Sequence[Dataset]) -> int | None:
    """Files of all inputs together, when every input's count is recorded."""
    counts = [d.files for d in inputs]
    if not counts or any(c is None for c in counts):
        return None
    return sum(c for c in counts if c is not None)


def job_count(
    effective: Mapping[str, Any], task: ProdTask, inputs: Sequence[Dataset]
) -> int | None:
    """n_jobs when set; else ceil(events / events_per_job); for all events, the input files."""
    explicit = _positive(effective.get("n_jobs"))
    if explicit is not None:
        return explicit
    events, per_job = event_count(effective, task), events_per_job(effective)
    if events is not None and per_job is not None:
        return -(-events // per_job)
    if events is None and wants_all_events(task):
        return input_files(inputs)
    return None


def missing_count(
    effective: Mapping[str, Any], task: ProdTask, inputs: Sequence[Dataset]
) -> str | None:
    """What is missing to know how many jobs a task asking for all events runs (or None)."""
    if not wants_all_events(task) or job_count(effective, task, inputs) is not None:
        return None
    if event_count(effective, task) is not None:
        return None
    uncounted = [d.name for d in inputs if d.files is None] or ["its input"]
    return (
        "the request asks for all events of its input, but how many files "
        f"{', '.join(uncounted)} holds is not recorded: run 'pcs dataset count-files NAME' "
        "(it reads a CSV manifest under the data roots; --files N records a known count), or "
        "give the number of events"
    )
