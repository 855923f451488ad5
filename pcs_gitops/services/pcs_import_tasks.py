"""Importing the reference PCS's production tasks.

``dataset`` (the produced dataset) becomes ``output_datasets``; ``csv_file`` becomes an input
dataset with ``source.kind: csv_manifest`` (taken in like any intake) when the task links no
input; the ``overrides`` grab-bag is split into config overrides, the public catalogue mapping
and dataset links; PanDA attempts come from the ``pandatasks`` rows. In the reference a task's
identity is its dataset's composed name, so two tasks producing one dataset are a collision.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from pcs_gitops.domain.model import (
    PUBLIC_CATALOG_KEYS,
    Attempt,
    HistoryEntry,
    ProdTask,
    PublicCatalog,
    TaskStatus,
)
from pcs_gitops.domain.naming import task_name_for_issue
from pcs_gitops.domain.pcs_export import ExportRecord, SplitOverrides, split_overrides, task_name
from pcs_gitops.errors import PcsError
from pcs_gitops.services.datasets import DatasetIntake, intake_dataset
from pcs_gitops.services.pcs_import_base import (
    COLLISION,
    CREATED,
    FRESH_REPOSITORY,
    SKIPPED,
    UNCHANGED,
    ImportRun,
)

_INTS = ("issue", "pr", "row_index")
SUBMITTED_STATES = (TaskStatus.SUBMITTED, TaskStatus.COMPLETED, TaskStatus.FAILED)


class Refusal(Exception):
    """A task that cannot be recorded here as exported (the message says why and what to do)."""


@dataclass
class Draft:
    """A task as it would be recorded here, with notes for the report."""

    rec: ExportRecord
    name: str
    output: str
    task: ProdTask | None = None
    problem: str = ""
    notes: list[str] = field(default_factory=list)


def _public_catalog(split: SplitOverrides, notes: list[str]) -> PublicCatalog:
    values: dict[str, Any] = {}
    for key in PUBLIC_CATALOG_KEYS:
        value = split.public_catalog.get(key)
        if value is None or str(value).strip() == "":
            continue
        text = str(value).strip().lstrip("#")
        if key in _INTS and not text.isdigit():
            notes.append(f"public_catalog_{key} '{value}' is not a number: not imported")
            continue
        values[key] = int(text) if key in _INTS else text
    return PublicCatalog.from_dict(values)


def _name(rec: ExportRecord, catalog: PublicCatalog) -> str:
    if catalog.issue is not None:
        return task_name_for_issue(catalog.issue)
    return task_name(rec.text("name"), rec.pk)


def _linked(run: ImportRun, dids: list[str], what: str, notes: list[str]) -> list[str]:
    found = []
    for did in dids:
        here = run.export_dids.get(did)
        if here is None:
            notes.append(f"{what} DID {did} is not an imported dataset: not linked")
        elif here not in found:
            found.append(here)
    return found


def _csv_input(run: ImportRun, rec: ExportRecord, name: str, notes: list[str]) -> list[str]:
    """The input dataset of the task's ``csv_file`` (a CSV manifest), taken in like any intake."""
    location = rec.text("csv_file")
    if not location:
        return []
    request = DatasetIntake(
        source_location=location,
        source_kind="csv_manifest",
        description=f"csv_file of task {rec.text('name') or name} in the reference PCS",
    )
    try:
        outcome = intake_dataset(run.state, request, run.actor, run.now)
    except PcsError as exc:
        notes.append(f"csv_file {location!r} gives no input dataset here: {exc}")
        return []
    notes.append(f"csv_file became the input dataset {outcome.dataset.name}")
    return [outcome.dataset.did]


def _attempts(run: ImportRun, rec: ExportRecord, notes: list[str]) -> tuple[Attempt, ...]:
    rows = [r for r in run.export.records("pandatasks") if r.fields.get("prod_task") == rec.pk]
    rows.sort(key=lambda r: int(r.fields.get("try_number") or 0))
    attempts: list[Attempt] = []
    for row in rows:
        jedi = row.fields.get("jedi_task_id")
        if jedi is None:
            continue  # reported with the pandatasks rows
        attempts.append(
            Attempt(
                try_number=len(attempts) + 1,
                jedi_task_id=int(jedi),
                task_name=row.text("task_name"),
                submitted_by=str(row.mapping("metadata").get("username") or rec.text("created_by")),
                submitted_at=row.text("created_at"),
            )
        )
    return tuple(attempts)


def _lifecycle(
    rec: ExportRecord, status: TaskStatus, attempts: tuple[Attempt, ...], notes: list[str]
) -> tuple[int | None, tuple[Attempt, ...]]:
    """The PanDA task id and attempts, refused where the reference's relaxations left a state
    the lifecycle here does not allow."""
    panda_id = rec.fields.get("panda_task_id")
    jedi = int(panda_id) if panda_id is not None else None
    if status not in SUBMITTED_STATES:
        if jedi is not None:
            raise Refusal(
                f"it is {status.value} but records jediTaskID {jedi} (a commissioning "
                "relaxation of the reference): set it submitted there, or clear the id"
            )
        return None, attempts
    if jedi is None and not attempts:
        raise Refusal(f"it is {status.value} without any PanDA task id; record it there first")
    if not attempts:
        notes.append(f"its attempt is made from panda_task_id {jedi} (no pandatasks row)")
        attempt = Attempt(1, jedi or 0, rec.text("name"), rec.text("created_by"), "")
        return jedi, (attempt,)
    if jedi is not None and jedi != attempts[-1].jedi_task_id:
        raise Refusal(
            f"its panda_task_id {jedi} is not its last attempt's ({attempts[-1].jedi_task_id})"
        )
    return attempts[-1].jedi_task_id, attempts


def _draft(run: ImportRun, rec: ExportRecord) -> Draft:
    notes: list[str] = []
    split = split_overrides(rec.mapping("overrides"))
    notes += split.notes
    catalog = _public_catalog(split, notes)
    name = _name(rec, catalog)
    output = run.dataset_dids.get(rec.fields.get("dataset"), "")
    draft = Draft(rec, name, output, notes=notes)
    try:
        draft.task = _task(run, rec, draft, split, catalog)
    except Refusal as exc:
        draft.problem = str(exc)
    return draft


def _task(
    run: ImportRun, rec: ExportRecord, draft: Draft, split: SplitOverrides, catalog: PublicCatalog
) -> ProdTask:
    try:
        status = TaskStatus(rec.text("status"))
    except ValueError:
        raise Refusal(
            f"its status '{rec.text('status')}' has no counterpart here (past_output archive "
            "rows stay in the reference; their datasets are imported)"
        ) from None
    if not draft.output:
        raise Refusal(f"its dataset (pcs.dataset pk={rec.fields.get('dataset')}) is not imported")
    config = run.config_names.get(rec.fields.get("prod_config"))
    if config is None:
        raise Refusal(
            f"its production config (pcs.prodconfig pk={rec.fields.get('prod_config')}) is "
            "not imported"
        )
    notes = draft.notes
    inputs = _linked(run, split.inputs, "input", notes)
    if inputs and rec.text("csv_file"):
        notes.append("csv_file not used: the task links input datasets (they win, as there)")
    elif not inputs:
        inputs = _csv_input(run, rec, draft.name, notes)
    outputs = [draft.output, *_linked(run, split.outputs, "output", notes)]
    panda_id, attempts = _lifecycle(rec, status, _attempts(run, rec, notes), notes)
    _dropped_columns(run, rec, notes)
    return ProdTask(
        name=draft.name,
        prod_config=config,
        status=status,
        description=rec.text("description"),
        input_datasets=tuple(inputs),
        output_datasets=tuple(dict.fromkeys(outputs)),
        intermediate_datasets=tuple(_linked(run, split.intermediates, "intermediate", notes)),
        overrides=split.config,
        public_catalog=catalog,
        panda_task_id=panda_id,
        attempts=attempts,
        created_by=rec.text("created_by"),
        created_at=rec.text("created_at"),
        history=(_imported(run, rec),),
        campaign=run.campaign_names.get(rec.fields.get("campaign")),
    )


def _dropped_columns(run: ImportRun, rec: ExportRecord, notes: list[str]) -> None:
    campaign = rec.fields.get("campaign")
    if campaign is not None and campaign not in run.campaign_names:
        notes.append(f"its campaign (pcs.campaign pk={campaign}) is not imported: none is set")
    if any(rec.text(k) for k in ("requestor", "priority")):
        notes.append(
            "requester columns (requestor, priority, use flags) not imported: the public "
            "catalogue row is their source here"
        )
    if rec.text("condor_command") or rec.text("panda_command"):
        notes.append("cached commands not imported: artifacts are built from the records")


def _imported(run: ImportRun, rec: ExportRecord) -> HistoryEntry:
    detail = {"from": run.report.source, "record": rec.ref, "name": rec.text("name")}
    return HistoryEntry(run.now, run.actor.login, run.actor.surface, "imported", detail)


# --------------------------------------------------------------------------- the import


def import_tasks(run: ImportRun) -> None:
    drafts = [_draft(run, rec) for rec in run.export.records("prodtask")]
    by_output: dict[str, list[Draft]] = defaultdict(list)
    by_name: dict[str, list[Draft]] = defaultdict(list)
    for draft in drafts:
        if draft.task is not None:
            by_output[draft.output].append(draft)
            by_name[draft.name].append(draft)
    settled = {
        draft.rec.pk: (draft.name, _settle(run, draft, by_output, by_name)) for draft in drafts
    }
    for row in run.export.records("pandatasks"):
        name, outcome = settled.get(row.fields.get("prod_task"), ("", SKIPPED))
        if outcome not in (CREATED, UNCHANGED):
            message = f"its task (pcs.prodtask pk={row.fields.get('prod_task')}) is not imported"
            run.result(row, row.text("task_name"), SKIPPED, message)
        elif row.fields.get("jedi_task_id") is None:
            message = "it never reached JEDI (no jediTaskID): not an attempt here"
            run.result(row, row.text("task_name"), SKIPPED, message)
        else:
            run.result(row, row.text("task_name"), outcome, f"an attempt of task {name}")


def _settle(
    run: ImportRun,
    draft: Draft,
    by_output: dict[str, list[Draft]],
    by_name: dict[str, list[Draft]],
) -> str:
    """Record the task (or why not); its outcome."""
    rec, task = draft.rec, draft.task
    if task is None:
        run.result(rec, draft.name, SKIPPED, f"not imported: {draft.problem}").notes += draft.notes
        return SKIPPED
    problem = _clash(run, draft, by_output, by_name)
    if problem:
        run.result(rec, draft.name, COLLISION, problem)
        return COLLISION
    if run.text_refusal(rec, draft.name, "description"):
        return SKIPPED
    outcome = UNCHANGED if task.name in run.state.tasks else CREATED
    if outcome == CREATED:
        run.state.put_task(task)
    run.result(rec, task.name, outcome).notes += draft.notes
    return outcome


def _same(one: ProdTask, other: ProdTask) -> bool:
    def key(task: ProdTask) -> dict[str, Any]:
        return {k: v for k, v in task.to_dict().items() if k != "history"}

    return key(one) == key(other)


def _clash(
    run: ImportRun,
    draft: Draft,
    by_output: dict[str, list[Draft]],
    by_name: dict[str, list[Draft]],
) -> str:
    """Why the task cannot be recorded ("" when it can, or is already here as it is)."""
    assert draft.task is not None
    twins = [d.rec.ref for d in by_output[draft.output] if d is not draft]
    if twins:
        return (
            f"it produces the dataset of {', '.join(twins)} too (a task's identity in the "
            "reference is its dataset's composed name): none is imported; give each its own "
            "dataset in the reference (a distinguishing sample_name) and export again"
        )
    namesakes = [d.rec.ref for d in by_name[draft.name] if d is not draft]
    if namesakes:
        return (
            f"its name becomes '{draft.name}' here, as does that of {', '.join(namesakes)}: "
            "none is imported; rename all but one in the reference and export again"
        )
    existing = run.state.tasks.get(draft.name)
    if existing is not None and not _same(existing, draft.task):
        return (
            f"task '{draft.name}' exists here and differs (status {existing.status.value}, "
            f"config {existing.prod_config}): kept as it is here; {FRESH_REPOSITORY}"
        )
    key = draft.task.public_catalog.intake_key()
    owner = run.state.task_for_key(key) if key is not None else None
    if owner is not None and owner.name != draft.name:
        return (
            f"its catalogue key {'/'.join(key or ())} belongs to task '{owner.name}' here: "
            f"not imported; {FRESH_REPOSITORY}"
        )
    return ""
