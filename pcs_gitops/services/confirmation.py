"""Confirming (or correcting) the inferred metadata of a task's inputs or of one dataset.

A confirmation records who vouched for a value and when. An unknown value cannot be confirmed:
it needs a correction, ``physics_tag=p2079``, which binds another existing tag (one of the
candidates, or any tag of that kind); the dataset's composed name follows its tags, so a
correction renames the dataset and every draft task that refers to it by DID (a task that reads
it gets the outputs its new tags compose).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from pcs_gitops.domain.metadata import (
    FIELD_TITLES,
    METADATA_FIELDS,
    TAG_MAPPING_FIELDS,
    Confidence,
    MetadataValue,
    Provenance,
    is_placeholder,
    tag_fields,
)
from pcs_gitops.domain.model import Dataset, DatasetTags, HistoryEntry, ProdTask, TaskStatus
from pcs_gitops.domain.naming import ComposedName, NameError_, build_dataset_name, build_did
from pcs_gitops.domain.state import State
from pcs_gitops.errors import Conflict, PcsError, RecordNotFound, UsageError
from pcs_gitops.services.datasets import resolve_dataset
from pcs_gitops.services.metadata import FIELD_OF_KIND
from pcs_gitops.services.outputs import compose_outputs
from pcs_gitops.services.ports import Actor
from pcs_gitops.services.tags import get_tag
from pcs_gitops.services.tasks import resolve_task

KIND_OF_FIELD = {name: kind for kind, name in FIELD_OF_KIND.items()}
ALL = "all"


@dataclass(frozen=True)
class Request:
    """What to confirm: ``fields`` (None: every value known so far) and ``corrections``
    (field -> tag label) of tag-mapping fields."""

    fields: tuple[str, ...] | None
    corrections: dict[str, str]


def parse_request(specs: Sequence[str] | None) -> Request:
    """``["physics_tag", "evgen_tag=e3"]`` -> fields and corrections; none or ``all``: every
    value. Unknown field names and corrections of descriptive values are refused."""
    names: list[str] = []
    corrections: dict[str, str] = {}
    for spec in (s.strip() for s in specs or () if s.strip()):
        name, has_value, value = (part.strip() for part in spec.partition("="))
        if name == ALL and not has_value:
            continue
        if name not in METADATA_FIELDS:
            raise UsageError(
                f"field '{name}' is unknown; choose from {', '.join(METADATA_FIELDS)} or all"
            )
        if has_value and name not in TAG_MAPPING_FIELDS:
            raise UsageError(
                f"{name} is read from the input, it cannot be set: correct the tag mapping "
                f"({', '.join(f'{f}=<label>' for f in TAG_MAPPING_FIELDS)}) or the input's path"
            )
        if has_value:
            corrections[name] = value
        names.append(name)
    return Request(tuple(dict.fromkeys(names)) or None, corrections)


@dataclass
class Outcome:
    """What one confirmation did to one dataset."""

    dataset: str
    confirmed: list[str] = field(default_factory=list)
    corrected: dict[str, str] = field(default_factory=dict)
    renamed_from: str | None = None
    left_open: list[str] = field(default_factory=list)  # unknown descriptive values

    def to_dict(self) -> dict[str, Any]:
        return {
            "dataset": self.dataset,
            "confirmed": self.confirmed,
            "corrected": self.corrected,
            "renamed_from": self.renamed_from,
            "left_open": self.left_open,
        }


def subject_datasets(state: State, subject: str) -> tuple[ProdTask | None, list[Dataset]]:
    """The task named ``subject`` with its inputs, else the dataset of that name or DID."""
    try:
        task = resolve_task(state, subject)
    except RecordNotFound:
        return None, [resolve_dataset(state, subject)]
    return task, state.inputs_of(task)


def confirm(
    state: State, subject: str, specs: Sequence[str] | None, actor: Actor, now: str
) -> tuple[ProdTask | None, list[Outcome]]:
    """Confirm (and correct) the metadata of a task's inputs, or of one dataset."""
    request = parse_request(specs)
    task, datasets = subject_datasets(state, subject)
    tracked = [d for d in datasets if d.metadata]
    if not tracked:
        what = f"the inputs of task '{task.name}'" if task else f"dataset '{datasets[0].name}'"
        raise Conflict(
            f"{what} record no inferred metadata (written before it was tracked, or no input "
            "is linked); nothing to confirm"
        )
    if request.corrections and len(tracked) > 1:
        raise UsageError(
            f"task '{subject}' has {len(tracked)} inputs: correct each by its dataset name "
            f"({', '.join(d.name for d in tracked)})"
        )
    outcomes = [_confirm_dataset(state, d, request, actor, now) for d in tracked]
    return (resolve_task(state, task.name) if task else None), outcomes


def _confirm_dataset(
    state: State, dataset: Dataset, request: Request, actor: Actor, now: str
) -> Outcome:
    outcome = Outcome(dataset.name)
    for name, label in request.corrections.items():
        dataset = _correct(state, dataset, name, label, actor, now, outcome)
    wanted = request.fields or tuple(dataset.metadata.values)
    metadata = dataset.metadata
    labels = tag_fields(dataset.tags.to_dict())
    for name in wanted:
        value = metadata.get(name)
        if value is None:
            raise UsageError(f"dataset {dataset.name} records no {FIELD_TITLES[name]}")
        if name in TAG_MAPPING_FIELDS:
            value = _current(value, labels[name])
        if value.confirmed:
            continue
        if value.unknown:
            if request.fields is None and name not in TAG_MAPPING_FIELDS:
                outcome.left_open.append(name)
                continue
            raise Conflict(_needs_correction(dataset, name, value))
        metadata = metadata.with_value(name, value.confirm(actor.login, now))
        outcome.confirmed.append(name)
    if outcome.confirmed or outcome.corrected:
        detail: dict[str, Any] = {"fields": outcome.confirmed}
        if outcome.corrected:
            detail["corrected"] = dict(outcome.corrected)
        entry = HistoryEntry(now, actor.login, actor.surface, "confirmed", detail)
        state.put_dataset(replace(dataset, metadata=metadata, history=(*dataset.history, entry)))
    return outcome


def _current(value: MetadataValue, label: str | None) -> MetadataValue:
    """The value of a tag-mapping field as the dataset is tagged now: a label changed since
    (a request carried onto a newer base) needs confirming again; a placeholder is unknown."""
    if is_placeholder(label):
        return replace(value, value=label or "", confidence=Confidence.UNKNOWN, confirmed_by="")
    if value.value == (label or ""):
        return value
    return replace(value, value=label or "", confirmed_by="", confirmed_at="")


def _needs_correction(dataset: Dataset, name: str, value: MetadataValue) -> str:
    offer = f" (candidates: {', '.join(value.candidates)})" if value.candidates else ""
    if name in TAG_MAPPING_FIELDS:
        how = f"correct it with --field {name}=<label>{offer}, or '/pcs confirm {name}=<label>'"
    else:
        how = f"correct the input's path or generator/version of the request instead{offer}"
    return (
        f"{FIELD_TITLES[name]} of {dataset.name} is unknown (nothing in the input revealed it) "
        f"and cannot be confirmed: {how}"
    )


def _correct(
    state: State, dataset: Dataset, name: str, label: str, actor: Actor, now: str, out: Outcome
) -> Dataset:
    """Bind another existing tag for ``name`` (a person's statement: confirmed at once)."""
    kind = KIND_OF_FIELD[name]
    tag = get_tag(state, label, kind)
    if is_placeholder(tag.label):
        raise UsageError(f"{tag.label} is the placeholder for an unknown tag; name a real tag")
    if dataset.tags.labels().get(kind) == tag.label:
        return dataset  # the bound tag: a plain confirmation
    stated = MetadataValue(tag.label, Provenance.REQUEST, Confidence.CERTAIN, (), actor.login, now)
    metadata = dataset.metadata.with_value(name, stated)
    tags = replace(dataset.tags, **{kind.value: tag.label})
    renamed = _renamed(state, replace(dataset, tags=tags, metadata=metadata), dataset, actor, now)
    out.corrected[name] = tag.label
    out.renamed_from, out.dataset = out.renamed_from or dataset.name, renamed.name
    return renamed


def _renamed(state: State, changed: Dataset, old: Dataset, actor: Actor, now: str) -> Dataset:
    name = _composed(changed.tags, changed)
    if name != old.name and name in state.datasets:
        raise Conflict(
            f"with that tag the dataset would be named '{name}', which another dataset already "
            "has; confirm that dataset instead, or give this one a distinguishing sample"
        )
    users = [t for t in state.tasks.values() if old.did in _dids(t)]
    busy = [t.name for t in users if t.status is not TaskStatus.DRAFT]
    if busy:
        raise Conflict(
            f"dataset {old.name} is used by task(s) {', '.join(busy)} that are no longer drafts; "
            "its tags change only while every task using it is a draft"
        )
    renamed = replace(changed, name=name, did=build_did(changed.scope, name, changed.block))
    state.remove_dataset(old.name)
    state.put_dataset(renamed)
    for task in users:
        moved = _with_did(task, old.did, renamed.did, actor, now)
        state.put_task(moved)
        if renamed.did in moved.input_datasets:
            _recompose(state, moved, actor, now)
    return renamed


def _recompose(state: State, task: ProdTask, actor: Actor, now: str) -> None:
    """The outputs follow the input's new tags. Outputs another request produces already are
    not taken: the task keeps its old ones, and its readiness asks for 'pcs task
    compose-outputs', which names that request."""
    try:
        compose_outputs(state, task, actor, now)
    except Conflict:
        return


def _composed(tags: DatasetTags, dataset: Dataset) -> str:
    try:
        return build_dataset_name(
            ComposedName(
                scope=dataset.scope,
                detector_version=dataset.detector_version,
                detector_config=dataset.detector_config,
                physics=tags.physics,
                evgen=tags.evgen,
                simu=tags.simu,
                reco=tags.reco,
                background=tags.background,
                sample=dataset.sample,
            )
        )
    except NameError_ as exc:
        raise PcsError(f"cannot rename dataset {dataset.name}: {exc}") from exc


def _dids(task: ProdTask) -> tuple[str, ...]:
    return (*task.input_datasets, *task.output_datasets, *task.intermediate_datasets)


def _with_did(task: ProdTask, old: str, new: str, actor: Actor, now: str) -> ProdTask:
    def swap(dids: tuple[str, ...]) -> tuple[str, ...]:
        return tuple(new if d == old else d for d in dids)

    return replace(
        task,
        input_datasets=swap(task.input_datasets),
        output_datasets=swap(task.output_datasets),
        intermediate_datasets=swap(task.intermediate_datasets),
    ).with_history(
        HistoryEntry(now, actor.login, actor.surface, "dataset-renamed", {"from": old, "to": new})
    )
