"""Importing the reference PCS's datasets: one record per dataset (its first block), named by the
naming authority from its tags, with its stage and source, and the tag mapping the reference
bound recorded as its metadata (inferred when an importer of the reference chose it).

The reference never enforced composed-name uniqueness: rows that compose to the same name here
are a collision, every one reported and none imported."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from pcs_gitops.domain.intake import validate_location
from pcs_gitops.domain.metadata import (
    Confidence,
    DatasetMetadata,
    MetadataValue,
    Provenance,
)
from pcs_gitops.domain.model import (
    EXTERNAL_SOURCE_KINDS,
    Dataset,
    DatasetTags,
    HistoryEntry,
    Source,
    SourceKind,
    Stage,
    TagKind,
)
from pcs_gitops.domain.naming import ComposedName, NameError_, build_dataset_name, build_did
from pcs_gitops.domain.pcs_export import TAG_MODELS, ExportRecord
from pcs_gitops.errors import PcsError
from pcs_gitops.services.metadata import FIELD_OF_KIND, neighbours
from pcs_gitops.services.pcs_import_base import (
    COLLISION,
    CREATED,
    FRESH_REPOSITORY,
    SKIPPED,
    UNCHANGED,
    ImportRun,
)

MODEL_OF_KIND = {kind: model for model, kind in TAG_MODELS.items()}
TAG_FIELDS = {
    TagKind.PHYSICS: "physics_tag",
    TagKind.EVGEN: "evgen_tag",
    TagKind.SIMU: "simu_tag",
    TagKind.RECO: "reco_tag",
    TagKind.BACKGROUND: "background_tag",
}
AUTOMATIC_PREFIXES = ("csv_import.", "past.")  # dataset names the reference's importers give
AUTOMATIC_KINDS = ("panda_taskname",)  # direct PanDA intake


@dataclass
class Candidate:
    """One exported dataset (its first block) as it would be recorded here."""

    rec: ExportRecord
    dataset: Dataset | None = None
    problem: str = ""
    notes: tuple[str, ...] = ()


def _labels(run: ImportRun, rec: ExportRecord) -> dict[TagKind, str | None] | str:
    """The dataset's tag labels here, or why it cannot have them."""
    labels: dict[TagKind, str | None] = {}
    for kind, name in TAG_FIELDS.items():
        pk = rec.fields.get(name)
        if pk is None:
            if kind is not TagKind.BACKGROUND:
                return f"it has no {kind.value} tag"
            labels[kind] = None
            continue
        label = run.tag_labels.get((MODEL_OF_KIND[kind], pk))
        if label is None:
            return f"its {kind.value} tag (pcs.{MODEL_OF_KIND[kind]} pk={pk}) is not imported"
        labels[kind] = label
    return labels


def _stage(rec: ExportRecord, labels: dict[TagKind, str | None]) -> tuple[Stage, list[str]]:
    text = str(rec.mapping("metadata").get("stage") or "").strip().lower()
    if text in {s.value for s in Stage}:
        return Stage(text), []
    stage = (
        Stage.EVGEN
        if labels[TagKind.SIMU] == "s0"
        else (Stage.FULL if labels[TagKind.RECO] == "r0" else Stage.RECO)
    )
    return stage, [f"no metadata.stage in the reference: {stage.value}, from its s/r tags"]


def _source(rec: ExportRecord) -> tuple[Source, list[str]]:
    """The reference's ``metadata.source``; a produced dataset (or a direct PanDA intake) is
    internal here, located by its reference DID."""
    source = rec.mapping("metadata").get("source")
    did = rec.text("did")
    if not isinstance(source, dict) or not source.get("kind"):
        return Source(SourceKind.INTERNAL, did), []
    kind, location = str(source["kind"]), str(source.get("location") or "")
    if kind in {k.value for k in EXTERNAL_SOURCE_KINDS}:
        return Source(SourceKind(kind), validate_location(SourceKind(kind), location)), []
    return Source(SourceKind.INTERNAL, location or did), [
        f"source kind '{kind}' is internal here (location {location or did})"
    ]


def _metadata(run: ImportRun, rec: ExportRecord, tags: DatasetTags) -> DatasetMetadata:
    """The tag mapping the reference bound: inferred when one of its importers chose it,
    confirmed by its creator when a person composed the dataset."""
    source = rec.mapping("metadata").get("source")
    source_kind = str(source.get("kind") or "") if isinstance(source, dict) else ""
    automatic = rec.text("dataset_name").startswith(AUTOMATIC_PREFIXES) or (
        source_kind in AUTOMATIC_KINDS
    )
    values = {}
    for kind, label in tags.labels().items():
        name = FIELD_OF_KIND.get(kind)
        if name is None:
            continue
        if automatic:
            tag = run.state.tags[label]
            offer = tuple(neighbours(run.state, kind, tag.parameters, label))
            values[name] = MetadataValue(label, Provenance.REFERENCE, Confidence.LIKELY, offer)
        else:
            values[name] = MetadataValue(
                label,
                Provenance.REFERENCE,
                Confidence.CERTAIN,
                (),
                rec.text("created_by") or "reference",
                rec.text("created_at"),
            )
    return DatasetMetadata(values)


def _composed(rec: ExportRecord, tags: DatasetTags) -> ComposedName:
    return ComposedName(
        scope=rec.text("scope") or "group.EIC",
        detector_version=rec.text("detector_version"),
        detector_config=rec.text("detector_config"),
        physics=tags.physics,
        evgen=tags.evgen,
        simu=tags.simu,
        reco=tags.reco,
        background=tags.background,
        sample=rec.text("sample_name"),
    )


def _candidate(run: ImportRun, rec: ExportRecord) -> Candidate:
    labels = _labels(run, rec)
    if isinstance(labels, str):
        return Candidate(rec, problem=labels)
    tags = DatasetTags(
        physics=labels[TagKind.PHYSICS] or "",
        evgen=labels[TagKind.EVGEN] or "",
        simu=labels[TagKind.SIMU] or "",
        reco=labels[TagKind.RECO] or "",
        background=labels[TagKind.BACKGROUND],
    )
    parts = _composed(rec, tags)
    try:
        name = build_dataset_name(parts)
        source, source_notes = _source(rec)
    except (NameError_, PcsError) as exc:
        return Candidate(rec, problem=f"it cannot be recorded here: {exc}")
    stage, stage_notes = _stage(rec, labels)
    dataset = Dataset(
        name=name,
        did=build_did(parts.scope, name, 1),
        scope=parts.scope,
        detector_version=parts.detector_version,
        detector_config=parts.detector_config,
        tags=tags,
        stage=stage,
        source=source,
        sample=parts.sample,
        description=rec.text("description"),
        created_by=rec.text("created_by"),
        created_at=rec.text("created_at"),
        history=(_imported(run, rec),),
        metadata=_metadata(run, rec, tags),
    )
    notes = (*source_notes, *stage_notes, *_identity_notes(rec, name))
    return Candidate(rec, dataset, notes=notes)


def _identity_notes(rec: ExportRecord, name: str) -> list[str]:
    notes = []
    if rec.text("composed_name") and rec.text("composed_name") != name:
        notes.append(f"the reference's composed_name '{rec.text('composed_name')}' is stale")
    if rec.text("did"):
        notes.append(f"the reference's DID {rec.text('did')} is kept in its history")
    if rec.fields.get("campaign") is not None:  # no campaign on a dataset here: on its task
        notes.append(f"its campaign (pcs.campaign pk={rec.fields['campaign']}) is its task's")
    return notes


def _imported(run: ImportRun, rec: ExportRecord) -> HistoryEntry:
    detail: dict[str, Any] = {"from": run.report.source, "record": rec.ref}
    for key in ("dataset_name", "did", "composed_name", "name", "status"):
        if rec.text(key):
            detail[key] = rec.text(key)
    return HistoryEntry(run.now, run.actor.login, run.actor.surface, "imported", detail)


# --------------------------------------------------------------------------- the import


def _heads(run: ImportRun) -> list[ExportRecord]:
    """The first block of each exported dataset; the other blocks are reported."""
    groups: dict[str, list[ExportRecord]] = defaultdict(list)
    for rec in run.export.records("dataset"):
        groups[rec.text("dataset_name") or rec.ref].append(rec)
    heads = []
    for rows in groups.values():
        rows.sort(key=lambda r: (int(r.fields.get("block_num") or 1), str(r.pk)))
        heads.append(rows[0])
        for block in rows[1:]:
            run.result(
                block,
                rows[0].text("dataset_name"),
                SKIPPED,
                f"block {block.fields.get('block_num')} of the dataset of {rows[0].ref}: one "
                "record per dataset here (its DID names block 1); links to this block's DID "
                "resolve to that record",
            ).notes.append(f"its reference DID {block.text('did')}")
    return heads


def import_datasets(run: ImportRun) -> None:
    heads = _heads(run)
    candidates = [_candidate(run, rec) for rec in heads]
    by_name: dict[str, list[Candidate]] = defaultdict(list)
    for found in candidates:
        if found.dataset is not None:
            by_name[found.dataset.name].append(found)
    for found in candidates:
        _settle(run, found, by_name)
    for rec in run.export.records("dataset"):
        head = next((h for h in heads if h.text("dataset_name") == rec.text("dataset_name")), None)
        if head is not None and head.pk in run.dataset_dids and rec.text("did"):
            run.export_dids[rec.text("did")] = run.dataset_dids[head.pk]


def _settle(run: ImportRun, found: Candidate, by_name: dict[str, list[Candidate]]) -> None:
    rec, dataset = found.rec, found.dataset
    if dataset is None:
        run.result(rec, rec.text("dataset_name"), SKIPPED, f"not imported: {found.problem}")
        return
    twins = [c.rec.ref for c in by_name[dataset.name] if c is not found]
    if twins:
        run.result(
            rec,
            dataset.name,
            COLLISION,
            f"composes to {dataset.name}, as does {', '.join(twins)} (the reference never "
            "enforced unique composed names): none is imported; in the reference give all but "
            "one a distinguishing sample_name (physics vocabulary: scan point, polarisation, "
            "angle, machine setting, never a hash) or retire the duplicates, then export again",
        )
        return
    problem = _clash_here(run, dataset)
    if problem:
        run.result(rec, dataset.name, COLLISION, problem)
        return
    if run.text_refusal(rec, dataset.name, "description"):
        return
    outcome = UNCHANGED if dataset.name in run.state.datasets else CREATED
    if outcome == CREATED:
        run.state.put_dataset(dataset)
    run.result(rec, dataset.name, outcome).notes.extend(found.notes)
    run.dataset_dids[rec.pk] = dataset.did


def _same(one: Dataset, other: Dataset) -> bool:
    def key(d: Dataset) -> dict[str, Any]:
        return {k: v for k, v in d.to_dict().items() if k not in ("history", "metadata")}

    return key(one) == key(other)


def _clash_here(run: ImportRun, dataset: Dataset) -> str:
    """Why ``dataset`` cannot join the records here ("" when it can, or is already here)."""
    existing = run.state.datasets.get(dataset.name)
    if existing is not None and not _same(existing, dataset):
        return (
            f"a dataset named {dataset.name} exists here with another source or stage "
            f"({existing.source.kind.value}:{existing.source.location}): not imported, nor the "
            f"tasks that use it; {FRESH_REPOSITORY}"
        )
    if dataset.is_external:
        other = run.state.dataset_for_source(dataset.source.kind.value, dataset.source.location)
        if other is not None and other.name != dataset.name:
            return (
                f"its source {dataset.source.kind.value}:{dataset.source.location} is recorded "
                f"here by dataset {other.name}: one source is one dataset; not imported, nor "
                f"the tasks that use it; {FRESH_REPOSITORY}"
            )
    return ""
