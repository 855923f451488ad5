"""An approval is bound to the payload it approved.

The *canonical effective payload* of a task is what would be sent and run: the JEDI
taskParamMap, the condor and prun commands, and the effective config. Its sha256 (canonical
JSON, :mod:`pcs_gitops.domain.payload`) is stored with the approval, with one digest per part
and per input the payload is built from (production config, overrides, datasets, tags, the
request's counts, the catalogue settings). ``ready`` means approved *for this payload*: when the
digest no longer matches, the approval is stale and the task goes back to draft; the component
digests say what changed.
"""

from __future__ import annotations

from typing import Any

from pcs_gitops.domain.approval_record import Approval
from pcs_gitops.domain.artifacts import artifact_context, build_condor, build_jedi, build_panda
from pcs_gitops.domain.model import Dataset, ProdTask, TaskStatus
from pcs_gitops.domain.payload import payload_sha256
from pcs_gitops.domain.rules import Problem
from pcs_gitops.domain.state import SETTINGS_FILE, RecordKind, State, record_path, tag_path

PAYLOAD_PARTS: dict[str, str] = {
    "task_params": "the JEDI taskParamMap",
    "condor": "the condor command",
    "prun": "the prun command",
    "effective_config": "the effective config",
}
WITHDRAWN = "approval withdrawn"


def _input_parts(task: ProdTask) -> dict[str, str]:
    return {
        "prod_config": f"production config '{task.prod_config}'",
        "overrides": "the task's overrides",
        "datasets": "its input or output datasets",
        "tags": "the tags of those datasets",
        "request": "the request's events, priority, sample variant or generation",
        "settings": "the catalogue settings (state/catalog.yaml)",
    }


def effective_payload(state: State, task: ProdTask) -> dict[str, Any]:
    """What would be sent and run for the task's next attempt."""
    ctx = artifact_context(state, task)
    return {
        "task_params": build_jedi(state, task),
        "condor": build_condor(state, task),
        "prun": build_panda(state, task),
        "effective_config": dict(ctx.effective),
    }


def _datasets(state: State, task: ProdTask) -> list[Dataset]:
    dids = (*task.input_datasets, *task.intermediate_datasets, *task.output_datasets)
    found = (state.dataset_for_did(d) for d in dids)
    return [d for d in found if d is not None]


def _inputs(state: State, task: ProdTask) -> dict[str, Any]:
    datasets = _datasets(state, task)
    # what names and sizes a dataset: its metadata block says who vouched for the tags (the
    # tags themselves are in the record), which is no input of the payload
    keep = ("description", "created_by", "created_at", "history", "metadata")
    labels = sorted({label for d in datasets for label in d.tags.labels().values()})
    config = state.prod_configs.get(task.prod_config)
    settings = state.settings
    return {
        "prod_config": config.to_dict()["settings"] if config is not None else None,
        "overrides": dict(task.overrides),
        "datasets": [{k: v for k, v in d.to_dict().items() if k not in keep} for d in datasets],
        "tags": {k: dict(state.tags[k].parameters) for k in labels if k in state.tags},
        "request": {
            "events": task.catalog.get("events", ""),
            "priority": task.catalog.get("priority", ""),
            "sample_variant": task.sample_variant,
            "created_by": task.created_by,
            # what an internal_evgen task generates (absent otherwise: older hashes hold)
            **({"generation": task.generation.to_dict()} if task.generation else {}),
        },
        "settings": {
            "task_priorities": dict(settings.task_priorities),
            "default_scope": settings.default_scope,
        },
    }


def payload_components(
    state: State, task: ProdTask, payload: dict[str, Any] | None = None
) -> dict[str, str]:
    """One digest per payload part and per input; ``payload`` is the whole payload's (given
    when the caller built it already: ``effective_payload``)."""
    if payload is None:
        payload = effective_payload(state, task)
    parts = {name: payload_sha256(payload[name]) for name in PAYLOAD_PARTS}
    parts |= {name: payload_sha256(value) for name, value in _inputs(state, task).items()}
    return {"payload": payload_sha256(payload), **parts}


def scalar_params(params: dict[str, Any]) -> dict[str, Any]:
    """The taskParamMap's plain values (the job parameters and the log spec left out)."""
    return {k: v for k, v in params.items() if isinstance(v, str | int | float | bool)}


def approval_for(state: State, task: ProdTask, by: str, at: str) -> Approval:
    components = payload_components(state, task)
    digest = components.pop("payload")
    values = scalar_params(build_jedi(state, task))
    return Approval(by=by, at=at, payload_sha256=digest, components=components, task_params=values)


def _value_changes(approved: Approval, params: dict[str, Any]) -> str:
    """'nFiles 400 -> 40000, site A -> B' between the approved and the current map."""
    now = scalar_params(params)
    keys = [k for k in {**approved.task_params, **now} if approved.task_params.get(k) != now.get(k)]
    return ", ".join(
        f"{k} {approved.task_params.get(k, '(none)')} -> {now.get(k, '(none)')}" for k in keys
    )


def changed_parts(
    state: State, task: ProdTask, approved: Approval, now: dict[str, str]
) -> list[str]:
    """What differs between an approval's components and the current ones, in words."""
    names = {**PAYLOAD_PARTS, **_input_parts(task)}
    changed = [key for key in names if approved.components.get(key) != now.get(key)]
    out = []
    for key in changed:
        text = names[key]
        if key == "task_params":
            values = _value_changes(approved, build_jedi(state, task))
            text = f"{text} ({values})" if values else text
        out.append(text)
    return out


def staleness(state: State, task: ProdTask) -> tuple[str, list[str]] | None:
    """Why a ready task's approval does not hold (reason, changed parts), or None when it
    does (or the task is not ready)."""
    if task.status is not TaskStatus.READY:
        return None
    if task.approval is None:
        return f"{WITHDRAWN}: the task is ready without an approval", []
    now = payload_components(state, task)
    if now["payload"] == task.approval.payload_sha256:
        return None
    changed = changed_parts(state, task, task.approval, now)
    return f"{WITHDRAWN}: payload changed: {'; '.join(changed) or 'how pcs builds it'}", changed


def payload_files(state: State, task: ProdTask) -> set[str]:
    """The record files the task's payload is built from."""
    datasets = _datasets(state, task)
    files = {
        SETTINGS_FILE,
        record_path(RecordKind.PROD_TASK, task.name),
        record_path(RecordKind.PROD_CONFIG, task.prod_config),
    }
    files |= {record_path(RecordKind.DATASET, d.name) for d in datasets}
    for dataset in datasets:
        for kind, label in dataset.tags.labels().items():
            files.add(tag_path(kind, label))
    return files


def approval_problems(state: State) -> list[Problem]:
    """Ready tasks whose approval no longer holds (a hand edit, or a change pcs did not see)."""
    problems = []
    for name, task in state.tasks.items():
        stale = staleness(state, task)
        if stale is not None:
            problems.append(
                Problem(
                    record_path(RecordKind.PROD_TASK, name),
                    "approval",
                    f"{stale[0]}; run 'pcs task withdraw-stale-approvals' (the task goes back "
                    "to draft), then a production manager approves the new payload",
                )
            )
    return problems
