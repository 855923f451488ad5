"""The public catalogue file (``datasets.csv``): reading every historical layout, writing today's.

Values are kept verbatim (including embedded CRLF and surrounding spaces) so that importing the
real file and rendering it back is byte-identical. The writer is the stdlib ``csv`` module with
minimal quoting and CRLF, as epic-prod's file is.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field

from pcs_gitops.domain.free_text import formula_problem as formula_problem
from pcs_gitops.domain.free_text import line_break_problem, text_problem
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
    """One data row of a catalogue file: its fields by id, and what fit no field.

    Rows without an issue number are keyed on their dataset path; the n-th row with a path seen
    before is ``occurrence`` n and is stored under its own key (``...#n``)."""

    line: int  # 1-based physical line where the row starts
    fields: dict[str, str]
    unmapped: dict[str, str] = field(default_factory=dict)
    occurrence: int = 1

    @property
    def issue(self) -> int | None:
        match = _ISSUE.match(self.fields.get("issue", ""))
        return int(match.group(1)) if match else None

    def row_key(self) -> str:
        if self.issue is not None:
            return f"Issue={self.issue}"
        return f"Dataset Path={self.fields.get('dataset_path', '')}"

    def stored_key(self) -> str:
        """The row key a task records: the row key, plus ``#n`` for a repeated path."""
        key = self.row_key()
        return f"{key}#{self.occurrence}" if self.occurrence > 1 else key


@dataclass
class ParsedCatalog:
    header: list[str]
    rows: list[CatalogRow]
    warnings: list[str]
    line_ending: str
    refusals: list[str] = field(default_factory=list)


class CatalogReader:
    """A catalogue CSV in any of epic-prod's layouts, read row by row; never drops a value
    silently.

    The header is read on construction (``ValueError`` when the file is not a catalogue);
    :meth:`rows` yields the data rows. While reading, ``warnings`` collects what was kept
    verbatim or skipped, and ``refusals`` what makes the file unimportable: a repeated issue
    number (two requests cannot share one) and cells no write path accepts (formula prefixes,
    control and bidirectional characters).
    """

    def __init__(self, text: str) -> None:
        self.warnings: list[str] = []
        self.refusals: list[str] = []
        if text.startswith("\ufeff"):
            text = text[1:]
            self.warnings.append("the file starts with a byte-order mark; it was ignored")
        self.line_ending = "\r\n" if "\r\n" in text.split("\n", 1)[0] + "\n" else "\n"
        self._reader = csv.reader(io.StringIO(text, newline=""), strict=True)
        header = self._next_record()
        if header is None:
            raise ValueError("the file is empty: expected a header row")
        self.header = header
        self._ids = self._field_ids(header)
        self._titles = {i: t for i, t in zip(self._ids, header, strict=True) if i is not None}
        self._paths_seen: dict[str, int] = {}
        self._issue_lines: dict[int, int] = {}

    def _next_record(self) -> list[str] | None:
        try:
            return next(self._reader, None)
        except csv.Error as exc:
            raise ValueError(
                f"line {self._reader.line_num}: the CSV cannot be parsed: {exc}"
            ) from exc

    def _field_ids(self, header: list[str]) -> list[str | None]:
        ids: list[str | None] = []
        for title in header:
            field_id = HEADER_ALIASES.get(title.strip())
            if field_id is None:
                self.warnings.append(
                    f"header: unknown column '{title}'; its values are kept as unmapped"
                )
            elif field_id in ids:
                self.warnings.append(
                    f"header: column '{title}' repeats '{field_id}'; kept as unmapped"
                )
                field_id = None
            ids.append(field_id)
        if "dataset_path" not in ids:
            raise ValueError(
                "header: no 'Dataset Path' column; this is not a catalogue file "
                f"(header was: {', '.join(header)})"
            )
        return ids

    def rows(self) -> Iterator[CatalogRow]:
        line = 2
        while (cells := self._next_record()) is not None:
            start = line
            line += 1 + sum(c.count("\n") for c in cells)
            if not any(c.strip() for c in cells):
                kind = "whitespace-only row" if any(cells) else "blank separator row"
                self.warnings.append(f"line {start}: {kind} skipped")
                continue
            row = self._row(start, cells)
            _row_warnings(row, start, self.warnings)
            self.refusals.extend(hostile_cells(row, self._titles))
            self._key(row)
            yield row

    def _row(self, start: int, cells: list[str]) -> CatalogRow:
        row = CatalogRow(line=start, fields={})
        for index, value in enumerate(cells):
            field_id = self._ids[index] if index < len(self._ids) else None
            if field_id is None:
                title = self.header[index] if index < len(self.header) else f"column {index + 1}"
                row.unmapped[title] = value
                self.warnings.append(
                    f"line {start}: value {value!r} under '{title}' kept as unmapped"
                )
            else:
                row.fields[field_id] = value
        missing = [self.header[i] for i in range(len(cells), len(self.header))]
        if missing:
            self.warnings.append(f"line {start}: row lacks the cell(s) {', '.join(missing)}")
        return row

    def _key(self, row: CatalogRow) -> None:
        issue = row.issue
        if issue is not None:
            first = self._issue_lines.setdefault(issue, row.line)
            if first != row.line:
                self.refusals.append(
                    f"line {row.line}: issue {issue} is also the issue of line {first}; one "
                    "request has one row: merge the two rows or correct the issue number"
                )
            return
        key = row.row_key()
        row.occurrence = self._paths_seen[key] = self._paths_seen.get(key, 0) + 1
        if row.occurrence > 1:
            self.warnings.append(
                f"line {row.line}: duplicate row key '{key}'; stored as occurrence {row.occurrence}"
            )


def parse_catalog(text: str) -> ParsedCatalog:
    """The whole file at once (see :class:`CatalogReader`)."""
    reader = CatalogReader(text)
    rows = list(reader.rows())
    return ParsedCatalog(
        header=reader.header,
        rows=rows,
        warnings=reader.warnings,
        line_ending=reader.line_ending,
        refusals=reader.refusals,
    )


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
    """The tasks that have a catalogue row, in the file's order (PWG, then path ignoring case).
    A clone is its source's request produced in another campaign: the source's row stands for
    it (the file has one row per request)."""
    return sorted((t for t in tasks if t.catalog and not t.cloned_from), key=catalog_sort_key)


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


# Catalogue fields that may span lines (the form's textareas); every other field takes one line.
MULTILINE_FIELDS = frozenset({"description"})


def check_catalog_fields(fields: Mapping[str, str], *, description: str | None = None) -> list[str]:
    """Problems with free-text catalogue values (and a task description) supplied by a
    requester: formula prefixes, control characters, line breaks in one-line fields."""
    problems = []
    for field_id in CATALOG_FIELD_IDS:
        value = fields.get(field_id)
        if value is None:
            continue
        reason = text_problem(value)
        if reason is None and field_id not in MULTILINE_FIELDS:
            reason = line_break_problem(value)
        if reason:
            problems.append(f"{field_id}: {reason}")
    if description is not None:
        reason = text_problem(description)
        if reason:
            problems.append(f"task description: {reason}")
    return problems


def hostile_cells(row: CatalogRow, titles: Mapping[str, str]) -> list[str]:
    """The cells of an imported row that may not be stored, each as 'line N, column C: why'
    (``titles``: field id -> the column title of this file)."""
    found = []
    for key, value in (*row.fields.items(), *row.unmapped.items()):
        reason = text_problem(value) if value else None
        if reason:
            found.append(f"line {row.line}, column '{titles.get(key, key)}': {reason}")
    return found
