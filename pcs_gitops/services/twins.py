"""Mode twins: the same request in the other workflow mode, linked both ways.

``twin_task`` is a state-level operation (the use case in ``services/usecases/twins.py`` and
the GitHub pipeline's ``/pcs twin`` call it). The twin keeps the request's physics, EvGen,
simulation and reconstruction tags: it is bound to the same production config with a
``workflow_mode`` override, carries the request's catalogue fields, and is told apart from the
original's outputs by a sample variant named after its mode. An ``internal_evgen`` twin
generates what the original read (its ``generation`` block holds the input's tags and sample);
an ``external_evgen`` twin of an internal task needs an EVGEN input linked before its outputs
can be composed. Twinning again returns the existing twin and changes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from pcs_gitops.domain.effective_config import effective_config
from pcs_gitops.domain.model import HistoryEntry, ProdTask, PublicCatalog, TaskStatus
from pcs_gitops.domain.outputs import identity_of
from pcs_gitops.domain.stages import WORKFLOW_MODES, StageGraph, WorkflowMode, parse_mode
from pcs_gitops.domain.stages import stage_graph as graph_of_settings
from pcs_gitops.domain.state import State
from pcs_gitops.errors import Conflict, UsageError
from pcs_gitops.services.outputs import compose_outputs
from pcs_gitops.services.ports import Actor
from pcs_gitops.services.tasks import resolve_task

TWIN_ACTION = "twin"  # the history action of linking a twin
TWIN_ROW_KEY = "Twin of"  # the public catalogue key of a twin: "Twin of=<original>"


@dataclass
class TwinOutcome:
    task: ProdTask
    twin: ProdTask
    mode: WorkflowMode  # the twin's
    created: bool
    problems: list[str]  # why the twin has no outputs yet

    def to_dict(self) -> dict[str, object]:
        return {
            "name": self.task.name,
            "twin": self.twin.name,
            "mode": self.mode.value,
            "created": self.created,
            "task": self.task.to_dict(),
            "twin_task": self.twin.to_dict(),
            "problems": self.problems,
        }


def task_graph(state: State, task: ProdTask) -> StageGraph:
    """The stage graph of a task's effective config."""
    config = state.prod_configs.get(task.prod_config)
    return graph_of_settings(effective_config(config, task.overrides))


def task_mode(state: State, task: ProdTask) -> WorkflowMode:
    return task_graph(state, task).mode


def wanted_mode(text: str) -> WorkflowMode:
    mode = parse_mode(text)
    if mode is None:
        raise UsageError(f"unknown workflow mode '{text}'; choose {' or '.join(WORKFLOW_MODES)}")
    return mode


def twin_task(state: State, name: str, mode: str, actor: Actor, now: str) -> TwinOutcome:
    """Make (or find) the twin of task ``name`` in workflow ``mode``, linked both ways."""
    task = resolve_task(state, name)
    wanted = wanted_mode(mode)
    existing = _existing_twin(state, task, wanted)
    if existing is not None:
        return TwinOutcome(task, existing, wanted, created=False, problems=[])
    own = task_mode(state, task)
    if own is wanted:
        raise UsageError(
            f"task '{task.name}' is already {wanted.value}; its twin is the same request in "
            f"the other mode: pcs task twin {task.name} --mode {_other(wanted).value}"
        )
    twin = _new_twin(state, task, wanted, actor, now)
    state.put_task(twin)
    composed = compose_outputs(state, twin, actor, now)
    linked = replace(task, twin=twin.name).with_history(
        HistoryEntry(now, actor.login, actor.surface, TWIN_ACTION, {"twin": twin.name})
    )
    state.put_task(linked)
    return TwinOutcome(linked, composed.task, wanted, created=True, problems=composed.problems)


def _other(mode: WorkflowMode) -> WorkflowMode:
    return next(m for m in WorkflowMode if m is not mode)


def _existing_twin(state: State, task: ProdTask, wanted: WorkflowMode) -> ProdTask | None:
    if not task.twin:
        return None
    twin = state.tasks.get(task.twin)
    if twin is None:
        return None
    mode = task_mode(state, twin)
    if mode is not wanted:
        raise Conflict(
            f"task '{task.name}' already has the twin '{twin.name}' ({mode.value}); a task has "
            "one twin, in the other mode"
        )
    return twin


def twin_name(task: ProdTask, mode: WorkflowMode) -> str:
    return f"{task.name}.{mode.value}"


def _new_twin(
    state: State, task: ProdTask, wanted: WorkflowMode, actor: Actor, now: str
) -> ProdTask:
    name = twin_name(task, wanted)
    if name in state.tasks:
        raise Conflict(
            f"task '{name}' exists but is not linked to '{task.name}' as its twin; rename or "
            "remove it, or link the two by hand in their records (twin: NAME on both)"
        )
    config = state.prod_configs.get(task.prod_config)
    overrides = dict(task.overrides)
    overrides.pop("workflow_mode", None)
    if graph_of_settings(effective_config(config, overrides)).mode is not wanted:
        overrides["workflow_mode"] = wanted.value
    identity = identity_of(state, task, task_mode(state, task))
    variant = ".".join(p for p in (task.sample_variant, wanted.value) if p)
    return ProdTask(
        name=name,
        prod_config=task.prod_config,
        status=TaskStatus.DRAFT,
        description=task.description,
        overrides=overrides,
        catalog=dict(task.catalog),
        public_catalog=PublicCatalog(
            repo=task.public_catalog.repo,
            csv_path=task.public_catalog.csv_path,
            row_key=f"{TWIN_ROW_KEY}={task.name}",
        ),
        created_by=actor.login,
        created_at=now,
        requested_by=task.requested_by or task.created_by,
        sample_variant=variant,
        generation=identity if wanted is WorkflowMode.INTERNAL_EVGEN else None,
        twin=task.name,
        campaign=task.campaign,
        history=(HistoryEntry(now, actor.login, actor.surface, "created", {"twin_of": task.name}),),
    )
