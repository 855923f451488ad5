"""Importing a public catalogue file: one external EVGEN dataset and one draft task per row."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

from pcs_gitops.domain.catalog import CatalogRow, parse_catalog
from pcs_gitops.domain.model import HistoryEntry, ProdTask, PublicCatalog, TaskStatus
from pcs_gitops.domain.naming import task_name_for_row_key
from pcs_gitops.domain.state import State
from pcs_gitops.errors import PcsError, UsageError
from pcs_gitops.services.datasets import DatasetIntake, intake_dataset
from pcs_gitops.services.ports import Actor


@dataclass
class ImportReport:
    rows: int = 0
    tasks_created: int = 0
    tasks_updated: int = 0
    tasks_unchanged: int = 0
    datasets_created: int = 0
    tags_created: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "rows": self.rows,
            "tasks_created": self.tasks_created,
            "tasks_updated": self.tasks_updated,
            "tasks_unchanged": self.tasks_unchanged,
            "datasets_created": self.datasets_created,
            "tags_created": self.tags_created,
            "warnings": self.warnings,
        }


def _row_key(row: CatalogRow) -> str:
    key = row.row_key()
    occurrence = row.unmapped.get("__occurrence__")
    return f"{key}#{occurrence}" if occurrence else key


def _input_for_row(
    state: State, row: CatalogRow, actor: Actor, now: str, report: ImportReport
) -> tuple[str, ...]:
    path = row.fields.get("dataset_path", "")
    if not path.strip():
        report.warnings.append(f"line {row.line}: no dataset path; the task has no input dataset")
        return ()
    version = row.fields.get("generator_version", "")
    request = DatasetIntake(
        source_location=path,
        description=f"imported from the public catalogue (line {row.line})",
        release_url=version if version.strip().startswith(("http://", "https://")) else None,
    )
    try:
        outcome = intake_dataset(state, request, actor, now)
    except PcsError as exc:
        report.warnings.append(
            f"line {row.line}: no input dataset for {path!r}: {exc}; the path is kept on the task"
        )
        return ()
    if outcome.created:
        report.datasets_created += 1
        report.tags_created.extend(outcome.tags_created)
    return (outcome.dataset.did,)


def import_catalog(
    state: State, text: str, actor: Actor, now: str, *, max_warnings: int = 10_000
) -> ImportReport:
    """Import every row of a catalogue file; values that fit no field are kept and reported."""
    try:
        parsed = parse_catalog(text)
    except ValueError as exc:
        raise UsageError(f"cannot import the catalogue: {exc}") from exc
    report = ImportReport(warnings=list(parsed.warnings))
    settings = state.settings
    by_key = {t.public_catalog.intake_key(): t for t in state.tasks.values()}
    for row in parsed.rows:
        report.rows += 1
        key = _row_key(row)
        issue = row.issue
        intake_key: tuple[str, ...] = (
            ("issue", str(issue)) if issue is not None else ("row", settings.csv_path, key)
        )
        inputs = _input_for_row(state, row, actor, now, report)
        unmapped = {k: v for k, v in row.unmapped.items() if k != "__occurrence__"}
        existing = by_key.get(intake_key)
        if existing is None:
            name = f"issue-{issue}" if issue is not None else task_name_for_row_key(key)
            if name in state.tasks:
                report.warnings.append(
                    f"line {row.line}: task name '{name}' is taken by another key; row skipped"
                )
                continue
            task = ProdTask(
                name=name,
                prod_config=settings.standard_prod_config,
                input_datasets=inputs,
                catalog=dict(row.fields),
                public_catalog=PublicCatalog(
                    repo=settings.repository,
                    issue=issue,
                    csv_path=settings.csv_path,
                    row_key=key,
                ),
                unmapped=unmapped,
                created_by=actor.login,
                created_at=now,
                history=(
                    HistoryEntry(now, actor.login, actor.surface, "imported", {"line": row.line}),
                ),
            )
            state.put_task(task)
            by_key[intake_key] = task
            report.tasks_created += 1
            continue
        changes: dict[str, Any] = {}
        if dict(existing.catalog) != row.fields:
            changes["catalog"] = {
                k: v for k, v in row.fields.items() if existing.catalog.get(k) != v
            }
        if inputs and existing.input_datasets != inputs and not existing.input_datasets:
            changes["input_datasets"] = list(inputs)
        if unmapped and dict(existing.unmapped) != unmapped:
            changes["unmapped"] = unmapped
        if not changes:
            report.tasks_unchanged += 1
            continue
        if existing.status is not TaskStatus.DRAFT:
            report.warnings.append(
                f"line {row.line}: task '{existing.name}' is {existing.status.value}; "
                "its catalogue fields were not changed"
            )
            continue
        updated = replace(
            existing,
            catalog=dict(row.fields),
            input_datasets=existing.input_datasets or inputs,
            unmapped=unmapped or existing.unmapped,
        ).with_history(HistoryEntry(now, actor.login, actor.surface, "reimported", changes))
        state.put_task(updated)
        by_key[intake_key] = updated
        report.tasks_updated += 1
    if len(report.warnings) > max_warnings:
        report.warnings = [*report.warnings[:max_warnings], "(more warnings cut)"]
    return report
