"""What a task produces: its output datasets, planned from its input and its effective config.

The naming authority (:mod:`pcs_gitops.domain.naming`) composes every output name. A task's
outputs take from its first input dataset the physics, evgen and background tags and the sample,
and from its effective config the Rucio scope (``output_scope``, default ``group.EIC``), the
detector version and configuration, and the software (``jug_xl_tag``) that names the
simulation and reconstruction tags:

- ``reco`` (when ``copy_reco``): ``{scope}.{version}.{config}.p<N>.e<N>.s<N>.r<N>[.k<N>][.sample]``;
- ``full`` (when ``copy_full``): the same name with the ``r0`` sentinel ("not reconstructed: FULL
  simulation output"), which the grammar tells apart from the reco output;
- the log is no dataset record: JEDI names it ``<scope>:<taskName>.log`` (see the artifacts).

The sample is the input's sample, then the task's ``sample_variant`` (dot-joined): two requests
for the same input produce the same output unless the second names a variant.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from pcs_gitops.domain.effective_config import effective_config
from pcs_gitops.domain.model import Dataset, DatasetTags, ProdTask, SourceKind, Stage
from pcs_gitops.domain.naming import ComposedName, NameError_, build_dataset_name, check_sample
from pcs_gitops.domain.state import State

SIMULATOR = "npsim"  # DD4hep's simulation of the ePIC detector, in the eic_xl container
FULL_RECO_LABEL = "r0"  # the sentinel reco tag of FULL simulation output


@dataclass(frozen=True)
class PlannedOutput:
    """One output dataset a task should have; the simulation and reconstruction tags are given
    by their parameters (their labels are found, or made, by the service that composes)."""

    stage: Stage
    scope: str
    detector_version: str
    detector_config: str
    physics: str
    evgen: str
    background: str | None
    sample: str
    simu: Mapping[str, str]
    reco: Mapping[str, str] | None  # None: the r0 sentinel (a FULL output)

    def composed(self, simu_label: str, reco_label: str) -> ComposedName:
        return ComposedName(
            scope=self.scope,
            detector_version=self.detector_version,
            detector_config=self.detector_config,
            physics=self.physics,
            evgen=self.evgen,
            simu=simu_label,
            reco=reco_label,
            background=self.background,
            sample=self.sample,
        )

    def matches(self, state: State, dataset: Dataset) -> bool:
        """Whether a recorded dataset is this output (compared by tag parameters, not labels)."""
        tags = dataset.tags
        same = (
            dataset.stage is self.stage
            and (dataset.scope, dataset.detector_version, dataset.detector_config)
            == (self.scope, self.detector_version, self.detector_config)
            and (tags.physics, tags.evgen, tags.background, dataset.sample)
            == (self.physics, self.evgen, self.background, self.sample)
        )
        return same and _params(state, tags.simu) == dict(self.simu) and self._reco_is(state, tags)

    def _reco_is(self, state: State, tags: DatasetTags) -> bool:
        if self.reco is None:
            return bool(tags.reco == FULL_RECO_LABEL)
        return _params(state, tags.reco) == dict(self.reco)


def _params(state: State, label: str) -> dict[str, str] | None:
    tag = state.tags.get(label)
    return dict(tag.parameters) if tag is not None else None


def simu_parameters(effective: Mapping[str, Any]) -> dict[str, str]:
    """The simulation tag of an output: the simulator, its software release and the geometry."""
    return {
        "detector_sim": SIMULATOR,
        "sim_version": str(effective.get("jug_xl_tag") or ""),
        "detector_config": str(effective.get("detector_config") or ""),
    }


def reco_parameters(effective: Mapping[str, Any]) -> dict[str, str]:
    """The reconstruction tag of an output: the software release and the detector config."""
    return {
        "reco_version": str(effective.get("jug_xl_tag") or ""),
        "reco_config": str(effective.get("detector_config") or ""),
    }


def output_sample(input_sample: str, variant: str) -> str:
    return ".".join(part for part in (input_sample, variant.strip()) if part)


def _stages(effective: Mapping[str, Any]) -> tuple[Stage, ...]:
    wanted = ((Stage.RECO, "copy_reco"), (Stage.FULL, "copy_full"))
    return tuple(stage for stage, flag in wanted if effective.get(flag) is True)


def plan_outputs(state: State, task: ProdTask) -> tuple[tuple[PlannedOutput, ...], list[str]]:
    """The outputs the task should have, or (nothing, why not)."""
    inputs = state.inputs_of(task)
    if not inputs:
        return (), ["the task has no input dataset to compose its output from; link one first"]
    config = state.prod_configs.get(task.prod_config)
    effective = effective_config(config, task.overrides)
    source = inputs[0]
    problems = _config_problems(task, effective)
    sample = output_sample(source.sample, task.sample_variant)
    try:
        check_sample(sample)
    except NameError_ as exc:
        problems.append(f"the output's sample: {exc}")
    stages = _stages(effective)
    if problems or not stages:
        return (), problems or ["no physics output configured: set copy_reco or copy_full"]
    simu = simu_parameters(effective)
    plans = tuple(
        PlannedOutput(
            stage=stage,
            scope=str(effective.get("output_scope") or ""),
            detector_version=str(effective.get("detector_version") or ""),
            detector_config=str(effective.get("detector_config") or ""),
            physics=source.tags.physics,
            evgen=source.tags.evgen,
            background=source.tags.background,
            sample=sample,
            simu=simu,
            reco=reco_parameters(effective) if stage is Stage.RECO else None,
        )
        for stage in stages
    )
    try:  # the grammar, with placeholder labels (the real ones are not known here)
        build_dataset_name(plans[0].composed("s1", "r1"))
    except NameError_ as exc:
        return (), [f"the output cannot be named: {exc}"]
    return plans, []


def _config_problems(task: ProdTask, effective: Mapping[str, Any]) -> list[str]:
    if effective.get("jug_xl_tag"):
        return []
    return [
        f"production config '{task.prod_config}' has no jug_xl_tag: the simulation and "
        "reconstruction tags of the output are named after that software release; set it"
    ]


def output_problems(state: State, task: ProdTask) -> list[str]:
    """Why the task's recorded outputs are not the ones its input and config compose now."""
    plans, problems = plan_outputs(state, task)
    if problems:
        return problems
    redo = f"run 'pcs task compose-outputs {task.name}'"
    if not task.output_datasets:
        return [f"no output dataset is composed yet; {redo}"]
    recorded = [state.dataset_for_did(did) for did in task.output_datasets]
    found = [d for d in recorded if d is not None]
    if len(found) != len(recorded):
        return [f"an output dataset of the task does not exist; {redo}"]
    out = []
    for dataset in found:
        if dataset.source.kind is not SourceKind.INTERNAL:
            out.append(f"output {dataset.name} is an external dataset; outputs are produced")
    stale = [d.name for d in found if not any(p.matches(state, d) for p in plans)]
    missing = [p.stage.value for p in plans if not any(p.matches(state, d) for d in found)]
    if stale or missing:
        what = ", ".join(stale) or "the outputs"
        out.append(f"{what} no longer match what the input and the config compose; {redo}")
    return out


def output_owners(state: State) -> dict[str, list[str]]:
    """Output DID -> the tasks that list it (more than one is a collision)."""
    owners: dict[str, list[str]] = {}
    for name, task in state.tasks.items():
        for did in task.output_datasets:
            owners.setdefault(did, []).append(name)
    return owners
