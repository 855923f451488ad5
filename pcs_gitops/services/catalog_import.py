"""Importing a public catalogue file: one external EVGEN dataset and one draft task per row,
with its output datasets composed (an output another row already produces is told apart by a
sample variant and reported)."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

from pcs_gitops.domain.catalog import CatalogReader, CatalogRow
from pcs_gitops.domain.model import HistoryEntry, ProdTask, PublicCatalog, TaskStatus
from pcs_gitops.domain.naming import task_name_for_issue, task_name_for_row_key
from pcs_gitops.domain.state import State
from pcs_gitops.errors import PcsError, UsageError, ValidationFailed
from pcs_gitops.services.datasets import DatasetIntake, intake_dataset
from pcs_gitops.services.metadata import refresh_candidates
from pcs_gitops.services.outputs import compose_outputs
from pcs_gitops.services.ports import Actor, Progress, no_progress


@dataclass
class ImportReport:
    rows: int = 0
    tasks_created: int = 0
    tasks_updated: int = 0
    tasks_unchanged: int = 0
    datasets_created: int = 0
    tags_created: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    created_datasets: list[str] = field(default_factory=list)  # not reported

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


def _input_for_row(
    state: State, row: CatalogRow, actor: Actor, now: str, report: ImportReport
) -> tuple[str, ...]:
    path = row.fields.get("dataset_path", "")
    if not path.strip():
        report.warnings.append(f"line {row.line}: no dataset path; the task has no input dataset")
        return ()
    version = row.fields.get("generator_version", "").strip()
    is_url = version.startswith(("http://", "https://"))
    request = DatasetIntake(
        source_location=path,
        description=f"imported from the public catalogue (line {row.line})",
        release_url=version if is_url else None,
        generator_text=None if is_url else version or None,
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
        report.created_datasets.append(outcome.dataset.name)
    return (outcome.dataset.did,)


@dataclass
class _Import:
    """One import in progress: the state, who imports, and what happened so far."""

    state: State
    actor: Actor
    now: str
    report: ImportReport
    by_key: dict[tuple[str, ...] | None, ProdTask]
    refusals: list[str] = field(default_factory=list)

    def intake_key(self, row: CatalogRow) -> tuple[str, ...]:
        if row.issue is not None:
            return ("issue", str(row.issue))
        return ("row", self.state.settings.csv_path, row.stored_key())

    def add(self, row: CatalogRow) -> None:
        self.report.rows += 1
        key = self.intake_key(row)
        existing = self.by_key.get(key)
        if existing is None:
            self.create(row, key)
        else:
            self.update(row, existing)

    def create(self, row: CatalogRow, key: tuple[str, ...]) -> None:
        issue = row.issue
        name = task_name_for_issue(issue) if issue is not None else task_name_for_row_key(key[2])
        taken = self.state.tasks.get(name)
        if taken is not None:
            self.refusals.append(
                f"line {row.line}: its task name '{name}' is taken by a task with another "
                f"catalogue key ({taken.public_catalog.row_key}); rename that task first"
            )
            return
        settings = self.state.settings
        task = ProdTask(
            name=name,
            prod_config=settings.standard_prod_config,
            input_datasets=_input_for_row(self.state, row, self.actor, self.now, self.report),
            catalog=dict(row.fields),
            public_catalog=PublicCatalog(
                repo=settings.repository,
                issue=issue,
                csv_path=settings.csv_path,
                row_key=row.stored_key(),
            ),
            unmapped=dict(row.unmapped),
            created_by=self.actor.login,
            created_at=self.now,
            history=(self.entry("imported", {"line": row.line}),),
        )
        self.state.put_task(task)
        self.by_key[key] = self.with_outputs(row, task)
        self.report.tasks_created += 1

    def with_outputs(self, row: CatalogRow, task: ProdTask) -> ProdTask:
        """The task with its outputs composed; a collision is told apart and reported."""
        outcome = compose_outputs(self.state, task, self.actor, self.now, distinguish=True)
        self.report.warnings += [f"line {row.line}: {note}" for note in outcome.notes]
        if outcome.problems and task.input_datasets:
            problems = "; ".join(outcome.problems)
            self.report.warnings.append(f"line {row.line}: no output dataset: {problems}")
        return outcome.task

    def entry(self, action: str, detail: dict[str, Any]) -> HistoryEntry:
        return HistoryEntry(self.now, self.actor.login, self.actor.surface, action, detail)

    def update(self, row: CatalogRow, existing: ProdTask) -> None:
        changes: dict[str, Any] = {}
        if dict(existing.catalog) != row.fields:
            changes["catalog"] = {
                k: v for k, v in row.fields.items() if existing.catalog.get(k) != v
            }
        inputs = self.inputs_after(row, existing)
        if inputs != existing.input_datasets:
            changes["input_datasets"] = list(inputs)
        if row.unmapped and dict(existing.unmapped) != row.unmapped:
            changes["unmapped"] = dict(row.unmapped)
        if not changes:
            self.report.tasks_unchanged += 1
            return
        if existing.status is not TaskStatus.DRAFT:
            self.report.warnings.append(
                f"line {row.line}: task '{existing.name}' is {existing.status.value}; "
                "its catalogue fields were not changed"
            )
            return
        updated = replace(
            existing,
            catalog=dict(row.fields),
            input_datasets=inputs,
            unmapped=row.unmapped or existing.unmapped,
        ).with_history(self.entry("reimported", changes))
        self.state.put_task(updated)
        self.by_key[self.intake_key(row)] = self.with_outputs(row, updated)
        self.report.tasks_updated += 1

    def inputs_after(self, row: CatalogRow, existing: ProdTask) -> tuple[str, ...]:
        """The task's inputs after a re-import: an input that was the dataset of the row's old
        path follows the path; an input linked by hand stays."""
        old_path = existing.catalog.get("dataset_path", "")
        new_path = row.fields.get("dataset_path", "")
        if existing.input_datasets and (old_path == new_path or not self.follows_path(existing)):
            return existing.input_datasets
        if existing.status is not TaskStatus.DRAFT:
            return existing.input_datasets
        return _input_for_row(self.state, row, self.actor, self.now, self.report)

    def follows_path(self, task: ProdTask) -> bool:
        path = task.catalog.get("dataset_path", "").strip()
        inputs = self.state.inputs_of(task)
        return len(inputs) == 1 and inputs[0].source.location == path


def import_catalog(
    state: State,
    text: str,
    actor: Actor,
    now: str,
    *,
    max_warnings: int = 10_000,
    progress: Progress = no_progress,
) -> ImportReport:
    """Import every row of a catalogue file; values that fit no field are kept and reported.

    The rows are read one at a time. A file with a repeated issue number or a hostile cell
    (formula prefix, control or bidirectional character) is refused as a whole with every
    offending line named, and nothing is imported.
    """
    try:
        reader = CatalogReader(text)
        run = _Import(state, actor, now, ImportReport(), _tasks_by_key(state))
        for count, row in enumerate(reader.rows(), start=1):
            if not reader.refusals and not run.refusals:
                run.add(row)
            progress("importing rows", count, 0)
    except ValueError as exc:
        raise UsageError(f"cannot import the catalogue: {exc}") from exc
    if run.report.rows:
        progress("importing rows", run.report.rows, run.report.rows)
    refusals = reader.refusals + run.refusals
    if refusals:
        header = REFUSED
        if len(refusals) > MAX_REFUSALS_SHOWN:
            header += f" (the first {MAX_REFUSALS_SHOWN} of {len(refusals)} are shown)"
        raise ValidationFailed(refusals[:MAX_REFUSALS_SHOWN], header=header)
    for name in run.report.created_datasets:  # later rows may have added neighbouring tags
        fresh = refresh_candidates(state, state.datasets[name])
        if fresh is not state.datasets[name]:
            state.put_dataset(fresh)
    run.report.warnings[:0] = reader.warnings
    if len(run.report.warnings) > max_warnings:
        run.report.warnings = [*run.report.warnings[:max_warnings], "(more warnings cut)"]
    return run.report


MAX_REFUSALS_SHOWN = 100
REFUSED = (
    "refused: nothing was imported; correct these lines of the catalogue file and import it again"
)


def _tasks_by_key(state: State) -> dict[tuple[str, ...] | None, ProdTask]:
    return {t.public_catalog.intake_key(): t for t in state.tasks.values()}
