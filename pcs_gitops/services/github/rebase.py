"""Carrying a request's records from its branch onto the current default branch."""

from __future__ import annotations

from dataclasses import replace

from pcs_gitops.domain.divergence import Side, rebuild_reasons
from pcs_gitops.domain.model import DatasetTags, TagKind
from pcs_gitops.domain.naming import ComposedName, build_dataset_name, build_did
from pcs_gitops.domain.state import State
from pcs_gitops.errors import Conflict
from pcs_gitops.services.loading import load_state
from pcs_gitops.services.outputs import compose_outputs
from pcs_gitops.services.ports import Actor, Divergence
from pcs_gitops.services.tags import find_or_create_tag, find_tag


def rebase_request(state: State, source: State, issue: int, actor: Actor, now: str) -> list[str]:
    """Carry the records of request ``issue`` from ``source`` (its branch) into ``state`` (the
    current default branch): the task, its input datasets and the tags they use.

    Datasets whose source the base already holds are reused; tag labels the base has taken for
    other parameters meanwhile are allocated again, and the dataset renamed. Returns notes on
    what was renamed. Raises ``Conflict`` when a name is taken and cannot be re-derived.
    """
    task = source.task_for_key(("issue", str(issue)))
    if task is None:
        return []
    notes: list[str] = []
    did_map: dict[str, str] = {}
    for did in task.input_datasets:
        dataset = source.dataset_for_did(did)
        if dataset is None:
            continue
        same = state.dataset_for_source(dataset.source.kind.value, dataset.source.location)
        if same is not None:
            did_map[did] = same.did
            continue
        labels = {
            kind: _carry_tag(state, source, label, kind, actor, now)
            for kind, label in dataset.tags.labels().items()
        }
        parts = ComposedName(
            scope=dataset.scope,
            detector_version=dataset.detector_version,
            detector_config=dataset.detector_config,
            physics=labels[TagKind.PHYSICS],
            evgen=labels[TagKind.EVGEN],
            simu=labels[TagKind.SIMU],
            reco=labels[TagKind.RECO],
            background=labels.get(TagKind.BACKGROUND),
            sample=dataset.sample,
        )
        name = build_dataset_name(parts)
        if name in state.datasets:
            other = state.datasets[name]
            raise Conflict(
                f"the dataset name '{name}' of request #{issue} is used on the default branch "
                f"by {other.source.kind.value} '{other.source.location}'"
            )
        moved = replace(
            dataset,
            name=name,
            did=build_did(dataset.scope, name, dataset.block),
            tags=DatasetTags(
                physics=parts.physics,
                evgen=parts.evgen,
                simu=parts.simu,
                reco=parts.reco,
                background=parts.background,
            ),
        )
        state.put_dataset(moved)
        did_map[did] = moved.did
        if moved.name != dataset.name:
            notes.append(
                f"The input dataset was renamed {dataset.name} -> {moved.name}: its tag "
                "labels were taken on the default branch meanwhile."
            )
    other_task = state.tasks.get(task.name)
    if other_task is not None and other_task.public_catalog.intake_key() != (
        task.public_catalog.intake_key()
    ):
        raise Conflict(f"the task name '{task.name}' is used on the default branch by another key")
    inputs = tuple(did_map.get(d, d) for d in task.input_datasets)
    for did in task.output_datasets:  # outputs are derived: carried, then composed on the base
        output = source.dataset_for_did(did)
        if output is not None and state.dataset_for_did(did) is None:
            state.put_dataset(output)
    carried = replace(task, input_datasets=inputs)
    state.put_task(carried)
    compose_outputs(state, carried, actor, now)
    return notes


def _carry_tag(
    state: State, source: State, label: str, kind: TagKind, actor: Actor, now: str
) -> str:
    tag = source.tags.get(label)
    if tag is None:
        return label  # a dangling label: validation reports it
    existing = state.tags.get(label)
    if (
        existing is not None
        and existing.kind is tag.kind
        and dict(existing.parameters) == dict(tag.parameters)
    ):
        return label
    found = find_tag(state, kind, tag.parameters)
    if found is not None:
        return found.label
    if existing is None:
        state.put_tag(tag)
        state.tag_cache = None
        return label
    created, _ = find_or_create_tag(
        state,
        kind,
        tag.parameters,
        created_by=tag.created_by or actor.login,
        created_at=tag.created_at or now,
        description=tag.description,
    )
    return created.label


def rebuild_reasons_of(divergence: Divergence) -> list[str]:
    """Why a request branch must be rebuilt on the default branch (empty: it need not)."""
    if not divergence.related:
        return ["the branch and the default branch have no common ancestor"]
    sides = []
    for paths, files in (
        (divergence.branch_paths, divergence.branch_files),
        (divergence.base_paths, divergence.base_files),
    ):
        loaded = load_state(files, None)
        if loaded.problems:
            return [f"a record cannot be read: {loaded.problems[0]}"]
        sides.append(Side(paths, loaded.state))
    return rebuild_reasons(sides[0], sides[1])
