"""The public catalogue file (``datasets.csv``): reading every historical layout, writing today's.

Values are kept verbatim (including embedded CRLF and surrounding spaces) so that importing the
real file and rendering it back is byte-identical. The writer is the stdlib ``csv`` module with
minimal quoting and CRLF, as epic-prod's file is.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from pcs_gitops.domain.model import CATALOG_FIELD_IDS, ProdTask
from pcs_gitops.domain.settings import CatalogSettings

# Header titles seen in epic-prod's history, mapped to field ids.
HEADER_ALIASES: dict[str, str] = {
    "DSC or PWG": "pwg",
    "Priority": "priority",
    "Dataset Path": "dataset_path",
    "Simulation Path": "dataset_path",
    "Generator/Dataset Version": "generator_version",
    "Generator Config": "generator_version",
    "Number of Events": "events",
    "Events": "events",
    "Background": "background",
    "New Request": "new_request",
    "Pre-TDR Use": "pre_tdr_use",
    "Early Science Use": "early_science_use",
    "Other Use": "other_use",
    "Description": "description",
    "Issue": "issue",
}
PRIORITIES = ("1", "2", "3", "-1")
_ISSUE = re.compile(r"^\s*#?([1-9]\d*)\s*$")


@dataclass
class CatalogRow:
    """One data row of a catalogue file: its fields by id, and what fit no field."""

    line: int  # 1-based physical line where the row starts
    fields: dict[str, str]
    unmapped: dict[str, str] = field(default_factory=dict)

    @property
    def issue(self) -> int | None:
        match = _ISSUE.match(self.fields.get("issue", ""))
        return int(match.group(1)) if match else None

    def row_key(self) -> str:
        if self.issue is not None:
            return f"Issue={self.issue}"
        return f"Dataset Path={self.fields.get('dataset_path', '')}"


@dataclass
class ParsedCatalog:
    header: list[str]
    rows: list[CatalogRow]
    warnings: list[str]
    line_ending: str


def parse_catalog(text: str) -> ParsedCatalog:
    """Parse a catalogue CSV in any of epic-prod's layouts; never drops a value silently."""
    warnings: list[str] = []
    if text.startswith("\ufeff"):
        text = text[1:]
        warnings.append("the file starts with a byte-order mark; it was ignored")
    line_ending = "\r\n" if "\r\n" in text.split("\n", 1)[0] + "\n" else "\n"
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        records = list(reader)
    except csv.Error as exc:
        raise ValueError(f"line {reader.line_num}: the CSV cannot be parsed: {exc}") from exc
    if not records:
        raise ValueError("the file is empty: expected a header row")
    header = records[0]
    ids: list[str | None] = []
    for title in header:
        field_id = HEADER_ALIASES.get(title.strip())
        if field_id is None:
            warnings.append(f"header: unknown column '{title}'; its values are kept as unmapped")
        elif field_id in ids:
            warnings.append(f"header: column '{title}' repeats '{field_id}'; kept as unmapped")
            field_id = None
        ids.append(field_id)
    if "dataset_path" not in ids:
        raise ValueError(
            "header: no 'Dataset Path' column; this is not a catalogue file "
            f"(header was: {', '.join(header)})"
        )
    rows: list[CatalogRow] = []
    line = 2
    seen_keys: dict[str, int] = {}
    for cells in records[1:]:
        start = line
        line += 1 + sum(c.count("\n") for c in cells)
        if not any(c.strip() for c in cells):
            if any(cells):
                warnings.append(f"line {start}: whitespace-only row skipped")
            else:
                warnings.append(f"line {start}: blank separator row skipped")
            continue
        row = CatalogRow(line=start, fields={})
        for index, value in enumerate(cells):
            field_id = ids[index] if index < len(ids) else None
            if field_id is None:
                title = header[index] if index < len(header) else f"column {index + 1}"
                row.unmapped[title] = value
                warnings.append(f"line {start}: value {value!r} under '{title}' kept as unmapped")
            else:
                row.fields[field_id] = value
        missing = [header[i] for i in range(len(cells), len(header))]
        if missing:
            warnings.append(f"line {start}: row lacks the cell(s) {', '.join(missing)}")
        _row_warnings(row, start, warnings)
        key = row.row_key()
        if key in seen_keys:
            seen_keys[key] += 1
            warnings.append(
                f"line {start}: duplicate row key '{key}'; stored as occurrence {seen_keys[key]}"
            )
            row.unmapped["__occurrence__"] = str(seen_keys[key])
        else:
            seen_keys[key] = 1
        rows.append(row)
    return ParsedCatalog(header=header, rows=rows, warnings=warnings, line_ending=line_ending)


def _row_warnings(row: CatalogRow, line: int, warnings: list[str]) -> None:
    priority = row.fields.get("priority", "")
    if priority and priority not in PRIORITIES:
        warnings.append(f"line {line}: priority {priority!r} is not 1, 2, 3 or -1; kept verbatim")
    events = row.fields.get("events", "")
    if events and parse_event_count(events) is None and events.strip().lower() != "all":
        warnings.append(f"line {line}: event count {events!r} is not a number; kept verbatim")
    for field_id, value in row.fields.items():
        if value != value.strip():
            warnings.append(f"line {line}: {field_id} has surrounding whitespace; kept verbatim")


_COUNT = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([kKmMbB]?)\s*$")
_MULTIPLIER = {"": 1, "k": 1_000, "m": 1_000_000, "b": 1_000_000_000}


def parse_event_count(text: str) -> int | None:
    """``400k`` -> 400000, ``2.75M`` -> 2750000; None for ``All``, empty or free text."""
    match = _COUNT.match(text.replace(",", ""))
    if match is None:
        return None
    value = float(match.group(1)) * _MULTIPLIER[match.group(2).lower()]
    return round(value)


def catalog_sort_key(task: ProdTask) -> tuple[str, str, str]:
    return (
        task.catalog.get("pwg", ""),
        task.catalog.get("dataset_path", "").casefold(),
        task.name,
    )


def catalog_tasks(tasks: Iterable[ProdTask]) -> list[ProdTask]:
    """The tasks that have a catalogue row, in the file's order (PWG, then path ignoring case)."""
    return sorted((t for t in tasks if t.catalog), key=catalog_sort_key)


def render_catalog(settings: CatalogSettings, tasks: Iterable[ProdTask]) -> str:
    """The catalogue CSV in today's exact format."""
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    columns = list(settings.columns.items())
    writer.writerow([title for _, title in columns])
    for task in catalog_tasks(tasks):
        writer.writerow([task.catalog.get(field_id, "") for field_id, _ in columns])
    return out.getvalue()


def catalog_row(settings: CatalogSettings, task: ProdTask) -> dict[str, str]:
    """The row a task contributes, keyed by column title."""
    return {title: task.catalog.get(field_id, "") for field_id, title in settings.columns.items()}


FORMULA_PREFIXES = ("=", "+", "@", "\t", "\r")


def formula_problem(value: str) -> str | None:
    """Why a spreadsheet would run ``value`` as a formula, or None when it is safe."""
    if not value:
        return None
    if value.startswith(FORMULA_PREFIXES):
        return f"starts with {value[0]!r}, which a spreadsheet runs as a formula"
    if value.startswith("-") and len(value) > 1 and not (value[1].isdigit() or value[1] == " "):
        return "starts with '-' followed by a non-digit, which a spreadsheet runs as a formula"
    return None


def check_catalog_fields(fields: Mapping[str, str]) -> list[str]:
    """Problems with free-text catalogue values supplied by a requester."""
    problems = []
    for field_id in CATALOG_FIELD_IDS:
        value = fields.get(field_id)
        if value is None:
            continue
        reason = formula_problem(value)
        if reason:
            problems.append(
                f"{field_id}: the value {reason}; remove the leading character or "
                "prefix the text with a letter"
            )
    return problems
