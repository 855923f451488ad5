"""Workflow modes as ordered stage graphs: what a task runs, in which order, and what it keeps.

A production config's ``workflow_mode`` picks one template:

- ``external_evgen``: an input EVGEN dataset (made elsewhere) -> ``simu`` -> ``reco``;
- ``internal_evgen``: ``evgen`` (the generator, run from the EvGen tag's parameters, as many
  events as the request asks) -> ``simu`` -> ``reco``; no input dataset.

Each stage has a transformation, an executable, a container, its splitting (events and files
per job) and its output: ``evgen`` makes an EVGEN dataset (``s0.r0``), ``simu`` a FULL one
(``r0``), ``reco`` a RECO one. Their defaults are the config's own fields (``transformation``,
``exec_command``, ``container_image``, ``events_per_job``, ``files_per_job``); the optional
setting ``stages`` (``{simu: {executable: ./sim.sh}, ...}``) sets one stage's values. Which
outputs are kept (recorded as datasets): ``evgen`` always (internal mode), ``simu`` with
``copy_full``, ``reco`` with ``copy_reco``; a stage's ``keep`` says otherwise. The last kept
output is the task's ``output_datasets``; the earlier ones are its ``intermediate_datasets``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from pcs_gitops.domain.job_counts import as_int
from pcs_gitops.domain.model import Stage


class WorkflowMode(StrEnum):
    EXTERNAL_EVGEN = "external_evgen"
    INTERNAL_EVGEN = "internal_evgen"


WORKFLOW_MODES: tuple[str, ...] = tuple(m.value for m in WorkflowMode)
DEFAULT_MODE = WorkflowMode.EXTERNAL_EVGEN

# stage name -> (the dataset stage of its output, the setting that keeps that output)
STAGE_OUTPUTS: dict[str, tuple[Stage, str | None]] = {
    "evgen": (Stage.EVGEN, None),
    "simu": (Stage.FULL, "copy_full"),
    "reco": (Stage.RECO, "copy_reco"),
}
TEMPLATES: dict[WorkflowMode, tuple[str, ...]] = {
    WorkflowMode.EXTERNAL_EVGEN: ("simu", "reco"),
    WorkflowMode.INTERNAL_EVGEN: ("evgen", "simu", "reco"),
}
# per-stage keys of the ``stages`` setting -> the config field that gives their default
STAGE_KEYS: dict[str, str] = {
    "transformation": "transformation",
    "executable": "exec_command",
    "container": "container_image",
    "events_per_job": "events_per_job",
    "files_per_job": "files_per_job",
}
STAGE_FLAGS = ("keep",)


@dataclass(frozen=True)
class StageSpec:
    """One step of a task's stage graph, with its effective values."""

    name: str
    produces: Stage
    transformation: str
    executable: str
    container: str
    events_per_job: int | None
    files_per_job: int | None
    keep: bool

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "produces": self.produces.value,
            "transformation": self.transformation,
            "executable": self.executable,
            "container": self.container,
            "events_per_job": self.events_per_job,
            "files_per_job": self.files_per_job,
            "keep": self.keep,
        }


@dataclass(frozen=True)
class StageGraph:
    mode: WorkflowMode
    stages: tuple[StageSpec, ...]

    @property
    def reads_input(self) -> bool:
        """Whether the first stage reads an input dataset (else it generates its events)."""
        return self.mode is WorkflowMode.EXTERNAL_EVGEN

    @property
    def first(self) -> StageSpec:
        return self.stages[0]

    def kept(self) -> tuple[StageSpec, ...]:
        return tuple(s for s in self.stages if s.keep)

    def executables(self) -> tuple[str, ...]:
        """The executables a job runs, in stage order; a run of stages sharing one runs it once."""
        out: list[str] = []
        for stage in self.stages:
            if not out or out[-1] != stage.executable:
                out.append(stage.executable)
        return tuple(out)

    def to_dict(self) -> dict[str, Any]:
        return {
            "mode": self.mode.value,
            "input": "dataset" if self.reads_input else "generator",
            "stages": [s.to_dict() for s in self.stages],
        }


def workflow_mode(effective: Mapping[str, Any]) -> WorkflowMode:
    """The effective config's mode; an unknown value counts as the default (the schema refuses
    it before it is stored)."""
    value = str(effective.get("workflow_mode") or DEFAULT_MODE.value)
    return WorkflowMode(value) if value in WORKFLOW_MODES else DEFAULT_MODE


def mode_of(settings: Mapping[str, Any], overrides: Mapping[str, Any]) -> WorkflowMode:
    """A task's mode from its config's settings and its overrides, without building the whole
    effective config (readiness and the pages ask it of every task)."""
    return workflow_mode(
        {"workflow_mode": overrides.get("workflow_mode", settings.get("workflow_mode"))}
    )


def parse_mode(text: str) -> WorkflowMode | None:
    """A mode from user text (``internal_evgen``, ``internal-evgen``, ``Internal``), or None."""
    cleaned = text.strip().lower().replace("-", "_")
    for mode in WorkflowMode:
        if cleaned in (mode.value, mode.value.split("_")[0]):
            return mode
    return None


def _flag(value: Any) -> bool:
    if isinstance(value, str):
        return value.strip().lower() in ("true", "yes", "1", "on")
    return bool(value)


def _stage_settings(effective: Mapping[str, Any], name: str) -> Mapping[str, Any]:
    stages = effective.get("stages")
    own = stages.get(name) if isinstance(stages, Mapping) else None
    return own if isinstance(own, Mapping) else {}


def _stage(effective: Mapping[str, Any], name: str) -> StageSpec:
    own = _stage_settings(effective, name)

    def value(key: str) -> Any:
        return own[key] if own.get(key) not in (None, "") else effective.get(STAGE_KEYS[key])

    produces, keep_setting = STAGE_OUTPUTS[name]
    keep = own.get("keep")
    if keep is None:
        keep = True if keep_setting is None else effective.get(keep_setting)
    return StageSpec(
        name=name,
        produces=produces,
        transformation=str(value("transformation") or ""),
        executable=str(value("executable") or ""),
        container=str(value("container") or ""),
        events_per_job=_positive(value("events_per_job")),
        files_per_job=_positive(value("files_per_job")),
        keep=_flag(keep),
    )


def _positive(value: Any) -> int | None:
    number = as_int(value)
    return number if number is not None and number > 0 else None


def stage_graph(effective: Mapping[str, Any]) -> StageGraph:
    """The stage graph of an effective config (defaults, config settings, task overrides)."""
    mode = workflow_mode(effective)
    return StageGraph(mode, tuple(_stage(effective, name) for name in TEMPLATES[mode]))


def kept_outputs(effective: Mapping[str, Any]) -> tuple[Stage, ...]:
    """The dataset stages of the kept outputs, in stage order (what :func:`stage_graph` keeps,
    without building the stages: every task's readiness asks it)."""
    out = []
    for name in TEMPLATES[workflow_mode(effective)]:
        produces, keep_setting = STAGE_OUTPUTS[name]
        keep = _stage_settings(effective, name).get("keep")
        if keep is None:
            keep = True if keep_setting is None else effective.get(keep_setting)
        if _flag(keep):
            out.append(produces)
    return tuple(out)


def stage_setting_problems(value: Any) -> list[str]:
    """What is wrong with a ``stages`` setting (the schema says the same; this names the stage)."""
    if not isinstance(value, Mapping):
        return ["'stages' must map a stage name (evgen, simu, reco) to its settings"]
    problems: list[str] = []
    for name, own in value.items():
        if name not in STAGE_OUTPUTS:
            problems.append(f"'stages' names an unknown stage '{name}'; use evgen, simu or reco")
        elif not isinstance(own, Mapping):
            problems.append(f"'stages.{name}' must be a mapping of its settings")
        else:
            known = (*STAGE_KEYS, *STAGE_FLAGS)
            problems += [
                f"'stages.{name}.{key}' is not a stage setting; use {', '.join(known)}"
                for key in own
                if key not in known
            ]
    return problems
