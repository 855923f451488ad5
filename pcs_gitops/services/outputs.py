"""Composing a task's output datasets: find or make the simulation and reconstruction tags, write
the output records (source kind ``internal``), and refuse an output another request produces.

``compose_outputs`` is a state-level operation: task intake, input linking and the catalogue
import call it for drafts, and ``pcs task compose-outputs`` runs it over existing tasks. With
``distinguish`` (the import and the migration of imported requests), an output that collides
with another request's is told apart by a sample variant derived from what differs between the
two requests' dataset paths, and reported, never merged silently.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from functools import cached_property

from pcs_gitops.domain.model import (
    Dataset,
    DatasetTags,
    HistoryEntry,
    ProdTask,
    Source,
    SourceKind,
    TagKind,
    TaskStatus,
)
from pcs_gitops.domain.naming import NameError_, build_dataset_name, build_did, check_sample
from pcs_gitops.domain.outputs import (
    EVGEN_SIMU_LABEL,
    FULL_RECO_LABEL,
    PlannedOutput,
    plan_outputs,
)
from pcs_gitops.domain.state import State
from pcs_gitops.errors import Conflict
from pcs_gitops.services.ports import Actor
from pcs_gitops.services.request_texts import request_page_url
from pcs_gitops.services.tags import find_or_create_tag

OUTPUTS_ACTION = "outputs"  # the history action of a change of the task's outputs
_UNSAFE = re.compile(r"[^A-Za-z0-9_+-]+")
MAX_VARIANT_TRIES = 50


@dataclass
class ComposeOutcome:
    task: ProdTask
    changed: bool = False
    outputs: list[str] = field(default_factory=list)  # output DIDs
    problems: list[str] = field(default_factory=list)  # why no output could be composed
    notes: list[str] = field(default_factory=list)  # e.g. a collision told apart

    def to_dict(self) -> dict[str, object]:
        return {
            "name": self.task.name,
            "changed": self.changed,
            "output_datasets": self.outputs,
            "problems": self.problems,
            "notes": self.notes,
        }


def request_pointer(state: State, task: ProdTask) -> str:
    """Where a person finds a request: its issue (when it has one) and its catalogue page."""
    page = request_page_url(state.settings, task.name)
    issue = task.public_catalog.issue
    if issue is None:
        return f"request '{task.name}' ({page})"
    repo = task.public_catalog.repo or state.settings.repository
    return (
        f"request '{task.name}' (issue #{issue}: https://github.com/{repo}/issues/{issue}; {page})"
    )


def collision_message(state: State, name: str, owner: ProdTask) -> str:
    return (
        f"the output dataset {name} is already produced by {request_pointer(state, owner)}. "
        "Two requests may not produce the same output: comment on that request instead, or "
        "tell this one apart with the optional form field 'Sample variant' (pcs task intake "
        "--sample-variant TEXT)"
    )


@dataclass(frozen=True)
class _Named:
    """A planned output with its tag labels: its name and DID follow (the name built once:
    an import of 20,000 rows asked for it 80,000 times)."""

    plan: PlannedOutput
    simu: str
    reco: str

    @cached_property
    def name(self) -> str:
        return build_dataset_name(self.plan.composed(self.simu, self.reco))

    @cached_property
    def did(self) -> str:
        return build_did(self.plan.scope, self.name, 1)


def compose_outputs(
    state: State, task: ProdTask, actor: Actor, now: str, *, distinguish: bool = False
) -> ComposeOutcome:
    """Give a draft task the outputs its input and config compose (nothing when it has them)."""
    outcome = ComposeOutcome(task, outputs=list(task.output_datasets))
    if task.status is not TaskStatus.DRAFT:
        outcome.notes.append(f"task '{task.name}' is {task.status.value}; its outputs stay")
        return outcome
    plans, problems = plan_outputs(state, task)
    if problems:
        outcome.problems = problems
        return outcome
    named = [_named(state, plan, actor, now) for plan in plans]
    owner = _first_owner(state, task, named)
    if owner is not None and distinguish:
        task, named = _told_apart(state, task, owner, named, outcome)
        owner = _first_owner(state, task, named)
    if owner is not None:
        raise Conflict(collision_message(state, named[-1].name, owner))
    datasets = [_output_record(state, task, n, actor, now) for n in named]
    return _record(state, task, datasets, outcome, actor, now)


def _named(state: State, plan: PlannedOutput, actor: Actor, now: str) -> _Named:
    simu = EVGEN_SIMU_LABEL
    if plan.simu is not None:
        simu = _tag_label(state, TagKind.SIMU, plan.simu, actor, now)
    reco = FULL_RECO_LABEL
    if plan.reco is not None:
        reco = _tag_label(state, TagKind.RECO, plan.reco, actor, now)
    return _Named(plan, simu, reco)


def _tag_label(
    state: State, kind: TagKind, params: Mapping[str, str], actor: Actor, now: str
) -> str:
    release = params.get("sim_version") or params.get("reco_version") or ""
    tag, _ = find_or_create_tag(
        state,
        kind,
        params,
        created_by=actor.login,
        created_at=now,
        description=f"{kind.value} of produced datasets, software release {release}",
    )
    return tag.label


def _first_owner(state: State, task: ProdTask, named: list[_Named]) -> ProdTask | None:
    for output in named:
        owner = state.task_for_output(output.did)
        if owner is not None and owner.name != task.name:
            return owner
    return None


def _told_apart(
    state: State, task: ProdTask, owner: ProdTask, named: list[_Named], outcome: ComposeOutcome
) -> tuple[ProdTask, list[_Named]]:
    """The task with a sample variant that no other request's output uses (same tags)."""
    mine, theirs = task.catalog.get("dataset_path", ""), owner.catalog.get("dataset_path", "")
    base = distinguishing_variant(mine, theirs, task.name)
    for number in range(1, MAX_VARIANT_TRIES + 1):
        variant = base if number == 1 else f"{base}_{number}"
        candidate = replace(task, sample_variant=variant)
        plans, _ = plan_outputs(state, candidate)
        tried = [_Named(p, n.simu, n.reco) for p, n in zip(plans, named, strict=False)]
        if tried and _first_owner(state, candidate, tried) is None:
            outcome.notes.append(
                f"task '{task.name}' would produce the same output as "
                f"{request_pointer(state, owner)}; it was told apart with the sample variant "
                f"'{variant}'"
            )
            return candidate, tried
    return task, named


def distinguishing_variant(mine: str, theirs: str, fallback: str) -> str:
    """A sample variant from what tells two dataset paths apart: the last segment of ``mine``
    that ``theirs`` lacks (cleaned to sample characters), else the task name."""
    their_parts = set(theirs.strip("/").split("/"))
    differing = [p for p in mine.strip("/").split("/") if p and p not in their_parts]
    text = _UNSAFE.sub("_", differing[-1] if differing else fallback).strip("_") or "variant"
    try:
        check_sample(text)
    except NameError_:
        text = f"v_{text}"
    return text[:60]


def _output_record(state: State, task: ProdTask, output: _Named, actor: Actor, now: str) -> Dataset:
    plan = output.plan
    dataset = Dataset(
        name=output.name,
        did=output.did,
        scope=plan.scope,
        detector_version=plan.detector_version,
        detector_config=plan.detector_config,
        tags=DatasetTags(plan.physics, plan.evgen, output.simu, output.reco, plan.background),
        sample=plan.sample,
        stage=plan.stage,
        source=Source(SourceKind.INTERNAL, f"prod_task:{task.name}"),
        description=f"{plan.stage.value} output of task {task.name}",
        created_by=actor.login,
        created_at=now,
        history=(HistoryEntry(now, actor.login, actor.surface, "created"),),
    )
    existing = state.datasets.get(output.name)
    if existing is not None and _same_output(existing, dataset):
        return existing
    return dataset


def _same_output(a: Dataset, b: Dataset) -> bool:
    keep = ("description", "created_by", "created_at", "history")
    left = {k: v for k, v in a.to_dict().items() if k not in keep}
    right = {k: v for k, v in b.to_dict().items() if k not in keep}
    return left == right


def _record(
    state: State,
    task: ProdTask,
    datasets: list[Dataset],
    outcome: ComposeOutcome,
    actor: Actor,
    now: str,
) -> ComposeOutcome:
    for dataset in datasets:
        if state.datasets.get(dataset.name) is not dataset:
            state.put_dataset(dataset)
    dids = tuple(d.did for d in datasets)
    outputs, intermediates = dids[-1:], dids[:-1]
    outcome.outputs = list(outputs)
    stored = state.tasks.get(task.name)
    if stored is not None and stored == task and _lists(stored) == (intermediates, outputs):
        outcome.task = stored
        return outcome
    detail: dict[str, object] = {"output_datasets": list(outputs)}
    if intermediates:
        detail["intermediate_datasets"] = list(intermediates)
    if task.sample_variant != (stored.sample_variant if stored is not None else ""):
        detail["sample_variant"] = task.sample_variant
    updated = replace(task, output_datasets=outputs, intermediate_datasets=intermediates)
    updated = updated.with_history(
        HistoryEntry(now, actor.login, actor.surface, OUTPUTS_ACTION, detail)
    )
    state.put_task(updated)
    _drop_orphans(state, sum(_lists(stored or task), ()), dids)
    outcome.task, outcome.changed = updated, True
    return outcome


def _lists(task: ProdTask) -> tuple[tuple[str, ...], tuple[str, ...]]:
    return task.intermediate_datasets, task.output_datasets


def _drop_orphans(state: State, old: tuple[str, ...], new: tuple[str, ...]) -> None:
    """Remove the records of outputs the task no longer lists and no other task lists."""
    for did in old:
        if did in new or state.task_for_output(did) is not None:
            continue
        dataset = state.dataset_for_did(did)
        if dataset is not None and dataset.source.kind is SourceKind.INTERNAL:
            state.remove_dataset(dataset.name)
