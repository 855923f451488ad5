"""Approval bound to the payload, as state-level operations every surface shares.

- ``approve``: a draft (or a ready task whose approval went stale) becomes ``ready`` when every
  readiness check passes and its JEDI taskParamMap is one PanDA accepts; the approval records
  who, when and the sha256 of the canonical effective payload (:mod:`pcs_gitops.domain.approval`).
  Who may approve is the use case's business (production managers, never the requester).
- ``withdraw_stale_approvals``: every ready task whose payload changed goes back to draft, with a
  history entry saying what changed. The unit of work runs it on every commit for the tasks the
  change touched; the pipeline runs it after a push to the default branch.
- ``require_approved_payload``: what submit (and its dry run) check before anything is sent.
- ``approval_view``: the plan a pull request shows (taskParamMap, approval state and hash).
"""

from __future__ import annotations

import json
from collections.abc import Collection
from dataclasses import dataclass, field, replace
from typing import Any

from pcs_gitops.domain.approval import (
    approval_for,
    changed_parts,
    effective_payload,
    payload_components,
    payload_files,
    staleness,
)
from pcs_gitops.domain.artifacts import build_jedi
from pcs_gitops.domain.jedi_params import task_param_problems
from pcs_gitops.domain.lifecycle import transition_refusal
from pcs_gitops.domain.model import HistoryEntry, ProdTask, TaskStatus
from pcs_gitops.domain.readiness import PathProbe, readiness
from pcs_gitops.domain.state import State
from pcs_gitops.errors import InvalidPayload, InvalidTransition
from pcs_gitops.services.ports import Actor

STATUS_ACTION = "status"  # the history action of every status change
SYSTEM = Actor("pcs", "pcs")  # who withdraws an approval when a write changed the payload


@dataclass(frozen=True)
class Withdrawal:
    task: ProdTask  # as it is now: back in draft
    reason: str
    changed: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.task.name, "reason": self.reason, "changed": self.changed}


def payload_refusal(state: State, task: ProdTask, *, for_submission: bool) -> str | None:
    """Why the task's JEDI taskParamMap should not be shown or sent (None when it may): what
    PanDA would not accept, and a taskName that is not a produced dataset's name."""
    problems = task_param_problems(build_jedi(state, task), for_submission=for_submission)
    if not task.output_datasets:
        problems.insert(
            0,
            "output_datasets: the task has no output dataset, so its taskName would be its "
            f"input's name; link its input, or run 'pcs task compose-outputs {task.name}'",
        )
    if not problems:
        return None
    return (
        f"the JEDI taskParamMap of task '{task.name}' is not one PanDA should run:\n  - "
        + "\n  - ".join(problems)
        + "\nCorrect the production config or the task's overrides, then try again"
    )


def approve(
    state: State, task: ProdTask, actor: Actor, now: str, probe: PathProbe, reason: str = ""
) -> ProdTask:
    """Approve the task's current payload (see the module docstring); an approval that still
    holds is kept as it is. A ``reason`` given goes into the history entry."""
    if task.status is TaskStatus.READY and staleness(state, task) is None:
        return task
    if task.status is not TaskStatus.READY:
        refusal = transition_refusal(task.status, TaskStatus.READY)
        if refusal:
            raise InvalidTransition(f"task '{task.name}': {refusal}")
    check = readiness(state, task, probe)
    if not check.ready:
        raise InvalidTransition(
            f"task '{task.name}' is not ready:\n  - " + "\n  - ".join(check.problems)
        )
    refusal = payload_refusal(state, task, for_submission=True)
    if refusal:
        raise InvalidPayload(refusal)
    approval = approval_for(state, task, actor.login, now)
    detail = {"from": task.status.value, "to": "ready", "payload_sha256": approval.payload_sha256}
    if reason:
        detail["reason"] = reason
    updated = replace(task, status=TaskStatus.READY, approval=approval).with_history(
        HistoryEntry(now, actor.login, actor.surface, STATUS_ACTION, detail)
    )
    state.put_task(updated)
    return updated


def send_back(state: State, task: ProdTask, actor: Actor, now: str, reason: str = "") -> ProdTask:
    """ready -> draft: the approval is dropped (the history keeps who approved what)."""
    refusal = transition_refusal(task.status, TaskStatus.DRAFT)
    if refusal:
        raise InvalidTransition(f"task '{task.name}': {refusal}")
    detail = {"from": "ready", "to": "draft", **({"reason": reason} if reason else {})}
    updated = replace(task, status=TaskStatus.DRAFT, approval=None).with_history(
        HistoryEntry(now, actor.login, actor.surface, STATUS_ACTION, detail)
    )
    state.put_task(updated)
    return updated


def withdraw_stale_approvals(
    state: State, actor: Actor, now: str, touched: Collection[str] | None = None
) -> list[Withdrawal]:
    """Send every ready task whose approval no longer matches its payload back to draft, with
    a history entry naming what changed; ``touched`` (record files) limits the look to the tasks
    whose payload reads one of them."""
    withdrawn = []
    for task in [t for t in state.tasks.values() if t.status is TaskStatus.READY]:
        if touched is not None and not payload_files(state, task) & set(touched):
            continue
        stale = staleness(state, task)
        if stale is None:
            continue
        reason, changed = stale
        detail = {"from": "ready", "to": "draft", "reason": reason, "changed": changed}
        updated = replace(task, status=TaskStatus.DRAFT, approval=None).with_history(
            HistoryEntry(now, actor.login, actor.surface, STATUS_ACTION, detail)
        )
        state.put_task(updated)
        withdrawn.append(Withdrawal(updated, reason, changed))
    return withdrawn


def require_approved_payload(state: State, task: ProdTask) -> None:
    """Refuse to send a task whose approval does not match its payload, or whose payload PanDA
    would not accept; nothing was sent."""
    stale = staleness(state, task)
    if stale is not None:
        approval = task.approval
        who = f" (by {approval.by}, {approval.at})" if approval is not None else ""
        raise InvalidPayload(
            f"task '{task.name}': its approval{who} does not match the payload it would send: "
            f"{stale[0].removeprefix('approval withdrawn: ')}. Nothing was sent. Run 'pcs task "
            f"withdraw-stale-approvals', check the new payload ('pcs task artifact {task.name} "
            f"--fmt jedi'), and have a production manager approve it ('pcs task approve "
            f"{task.name}')"
        )
    refusal = payload_refusal(state, task, for_submission=True)
    if refusal:
        raise InvalidPayload(f"{refusal}. Nothing was sent")


def approval_view(state: State, task: ProdTask) -> dict[str, Any]:
    """What a reviewer sees of the task's payload: the taskParamMap (object and pretty JSON),
    its problems, the current payload hash and the approval (``state``: approved, stale or
    none; ``changed``: what differs from the approved payload)."""
    payload = effective_payload(state, task)  # built once: its parts are hashed below
    params = payload["task_params"]
    components = payload_components(state, task, payload)
    approval = task.approval
    changed: list[str] = []
    if approval is None:
        status = "none"
    elif approval.payload_sha256 == components["payload"]:
        status = "approved"
    else:
        status, changed = "stale", changed_parts(state, task, approval, components)
    return {
        "name": task.name,
        "status": task.status.value,
        "approval_state": status,
        "approval": approval.to_dict() if approval is not None else None,
        "payload_sha256": components["payload"],
        "changed": changed,
        "problems": task_param_problems(params, for_submission=True),
        "task_params": params,
        "task_params_json": json.dumps(params, indent=2, ensure_ascii=False) + "\n",
    }
