"""Dataset use cases: intake of external inputs (idempotent on source), create, list, get."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from pcs_gitops.domain.free_text import text_problem
from pcs_gitops.domain.inference import infer, manifest_parts
from pcs_gitops.domain.intake import DatasetIntake as DatasetIntake
from pcs_gitops.domain.intake import guess_source_kind as guess_source_kind
from pcs_gitops.domain.intake import validate_location as validate_location
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
from pcs_gitops.domain.state import State
from pcs_gitops.errors import AmbiguousIdentifier, Conflict, RecordNotFound, UsageError
from pcs_gitops.services.metadata import bind_tags
from pcs_gitops.services.ports import Actor
from pcs_gitops.services.tags import get_tag


@dataclass
class IntakeOutcome:
    dataset: Dataset
    created: bool
    conflicts: list[str] = field(default_factory=list)
    tags_created: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def _source_of(req: DatasetIntake) -> Source:
    try:
        kind = SourceKind(req.source_kind) if req.source_kind else None
    except ValueError:
        choices = ", ".join(k.value for k in EXTERNAL_SOURCE_KINDS)
        raise UsageError(
            f"source kind '{req.source_kind}' is unknown; choose from {choices}"
        ) from None
    kind = kind or guess_source_kind(req.source_location)
    return Source(kind, validate_location(kind, req.source_location))


def _inference_path(source: Source) -> tuple[str, str]:
    """(the directory that names the sample, the manifest's file name or "")."""
    location = source.location
    if source.kind is SourceKind.FILE_LIST:
        return location.split(",", 1)[0].rsplit("/", 1)[0], ""
    if source.kind is SourceKind.CSV_MANIFEST:
        return manifest_parts(location)
    return location, ""


def find_by_source(state: State, source: Source) -> Dataset | None:
    return state.dataset_for_source(source.kind.value, source.location)


def _conflicts(existing: Dataset, req: DatasetIntake) -> list[str]:
    wanted: dict[str, str | None] = {
        "physics_tag": req.physics_tag,
        "evgen_tag": req.evgen_tag,
        "simu_tag": req.simu_tag,
        "reco_tag": req.reco_tag,
        "background_tag": req.background_tag,
        "detector_version": req.detector_version,
        "detector_config": req.detector_config,
        "scope": req.scope,
        "stage": req.stage if req.stage != "evgen" else None,
        "sample": req.sample,
    }
    stored: dict[str, str | None] = {
        "physics_tag": existing.tags.physics,
        "evgen_tag": existing.tags.evgen,
        "simu_tag": existing.tags.simu,
        "reco_tag": existing.tags.reco,
        "background_tag": existing.tags.background,
        "detector_version": existing.detector_version,
        "detector_config": existing.detector_config,
        "scope": existing.scope,
        "stage": existing.stage.value,
        "sample": existing.sample,
    }
    return [
        f"{key}: stored '{stored[key]}', supplied '{value}'"
        for key, value in wanted.items()
        if value is not None and value != stored[key]
    ]


def intake_dataset(state: State, req: DatasetIntake, actor: Actor, now: str) -> IntakeOutcome:
    """Return the dataset recorded for the source, creating it (and draft tags) when new."""
    if problem := text_problem(req.description):
        raise UsageError(f"dataset description: {problem}")
    source = _source_of(req)
    existing = find_by_source(state, source)
    if existing is not None:
        return IntakeOutcome(existing, False, conflicts=_conflicts(existing, req))
    try:
        stage = Stage(req.stage)
    except ValueError:
        raise UsageError(
            f"stage '{req.stage}' is unknown; choose from {', '.join(s.value for s in Stage)}"
        ) from None
    folder, manifest = _inference_path(source)
    inference = infer(folder, req.release_url, req.generator_text, manifest)
    binding = bind_tags(state, req, inference, source.location, actor, now)
    labels = binding.labels
    settings = state.settings
    scope = req.scope or settings.default_scope
    parts = ComposedName(
        scope=scope,
        detector_version=req.detector_version or settings.detector_version,
        detector_config=req.detector_config or settings.detector_config,
        physics=labels[TagKind.PHYSICS] or "",
        evgen=labels[TagKind.EVGEN] or "",
        simu=get_tag(state, req.simu_tag or "s0", TagKind.SIMU).label,
        reco=get_tag(state, req.reco_tag or "r0", TagKind.RECO).label,
        background=labels[TagKind.BACKGROUND],
        sample=req.sample if req.sample is not None else inference.sample,
    )
    try:
        name = build_dataset_name(parts)
    except NameError_ as exc:
        raise UsageError(f"cannot name the dataset for {source.location}: {exc}") from exc
    if name in state.datasets:
        other = state.datasets[name]
        raise Conflict(
            f"the dataset name '{name}' is already used by {other.source.kind.value} "
            f"'{other.source.location}'; give this input a distinguishing --sample"
        )
    dataset = Dataset(
        name=name,
        did=build_did(scope, name, 1),
        scope=scope,
        detector_version=parts.detector_version,
        detector_config=parts.detector_config,
        tags=DatasetTags(
            physics=parts.physics,
            evgen=parts.evgen,
            simu=parts.simu,
            reco=parts.reco,
            background=parts.background,
        ),
        sample=parts.sample,
        stage=stage,
        source=source,
        description=req.description,
        created_by=actor.login,
        created_at=now,
        history=(HistoryEntry(now, actor.login, actor.surface, "created"),),
        metadata=binding.metadata,
    )
    state.put_dataset(dataset)
    notes = list(inference.notes)
    return IntakeOutcome(dataset, True, tags_created=binding.tags_created, notes=notes)


def resolve_dataset(state: State, key: str) -> Dataset:
    """A dataset by name or DID; refuses ambiguity."""
    key = key.strip()
    if key in state.datasets:
        return state.datasets[key]
    by_did = state.dataset_for_did(key)
    if by_did is not None:
        return by_did
    partial = [d.name for d in state.datasets.values() if d.name.startswith(key + ".")]
    if len(partial) > 1:
        raise AmbiguousIdentifier("dataset", key, sorted(partial))
    if len(partial) == 1:
        return state.datasets[partial[0]]
    raise RecordNotFound(f"no dataset is named '{key}' or has that DID; see 'pcs dataset list'")


def dataset_summary(dataset: Dataset) -> dict[str, Any]:
    return {
        "name": dataset.name,
        "did": dataset.did,
        "scope": dataset.scope,
        "detector_version": dataset.detector_version,
        "detector_config": dataset.detector_config,
        "stage": dataset.stage.value,
        "is_external": dataset.is_external,
        "source_kind": dataset.source.kind.value,
        "source_location": dataset.source.location,
        "tags": dataset.tags.to_dict(),
        "sample": dataset.sample,
    }


def list_datasets(
    state: State,
    *,
    stage: str | None = None,
    source_kind: str | None = None,
    source_location: str | None = None,
    scope: str | None = None,
    name_contains: str | None = None,
    limit: int = 20,
    offset: int = 0,
) -> dict[str, Any]:
    if limit < 0 or offset < 0:
        raise UsageError("limit and offset must be zero or positive")
    needle = (name_contains or "").casefold()
    matches = [
        d
        for d in sorted(state.datasets.values(), key=lambda d: d.name)
        if (stage is None or d.stage.value == stage)
        and (source_kind is None or d.source.kind.value == source_kind)
        and (source_location is None or d.source.location == source_location)
        and (scope is None or d.scope == scope)
        and (not needle or needle in d.name.casefold())
    ]
    page = matches[offset : offset + limit]
    return {
        "count": len(matches),
        "limit": limit,
        "offset": offset,
        "datasets": [dataset_summary(d) for d in page],
    }
