"""Field-level authority over a change between two commits (``pcs check-change``).

A hand edit (a pull request that is not pcs's own) may not do what only pcs does:

- ``lifecycle``: ``status``, ``approval``, ``panda_task_id``, ``attempts`` and ``panda`` change
  only through pcs, unless the author holds the role of the operation the diff shows (a
  production manager's pull request may approve: the approval must then be theirs and match the
  payload) and the move is one the transition map allows;
- ``approved-payload``: the payload of a task past draft does not change: neither the task's
  payload fields nor anything its payload is built from (config, datasets, tags), unless the
  same change sends the ready task back to draft;
- ``locked-tag``: a locked tag is immutable (and not deleted).

Each refusal names the file, the field, the rule and who may.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from pcs_gitops.domain.approval import staleness
from pcs_gitops.domain.authz import Operation, RoleCheck, authorize, who_may
from pcs_gitops.domain.lifecycle import transition_refusal
from pcs_gitops.domain.model import ProdTask, TagStatus, TaskStatus
from pcs_gitops.domain.settings import Roles
from pcs_gitops.domain.state import RecordKind, State, record_path, tag_path

LIFECYCLE_FIELDS = ("status", "approval", "panda_task_id", "attempts", "panda")
PAYLOAD_FIELDS = (
    "prod_config",
    "overrides",
    "input_datasets",
    "output_datasets",
    "sample_variant",
)
PAYLOAD_CATALOG_FIELDS = ("events", "priority")  # the counts and the JEDI priority
WITHDRAW = "'pcs task withdraw-stale-approvals'"
NOBODY_TAG = "nobody: a locked tag is immutable; create a new tag with the new parameters"


@dataclass(frozen=True, order=True)
class ChangeRefusal:
    file: str
    field: str
    rule: str
    message: str
    who_may: str

    def __str__(self) -> str:
        return f"{self.file}: {self.field}: {self.message} [{self.rule}; who may: {self.who_may}]"

    def to_dict(self) -> dict[str, str]:
        return {
            "file": self.file,
            "field": self.field,
            "rule": self.rule,
            "message": self.message,
            "who_may": self.who_may,
        }


@dataclass(frozen=True)
class Judge:
    """Who makes the change, and what they may do (login grants of the trusted roles)."""

    actor: str
    holds: RoleCheck
    roles: Roles  # of the base branch

    def allows(self, operation: Operation, task: ProdTask) -> bool:
        requester = task.requested_by or task.created_by
        pwg = task.catalog.get("pwg") or None
        decision = authorize(
            operation, sender=self.actor, holds=self.holds, requester=requester, request_pwg=pwg
        )
        return decision.allowed

    def who(self, operation: Operation, task: ProdTask) -> str:
        return who_may(operation, self.roles, task.catalog.get("pwg") or None)


def _fields(task: ProdTask | None) -> dict[str, Any]:
    if task is None:
        return {}
    data = task.to_dict()
    data |= {f"catalog.{k}": task.catalog.get(k, "") for k in PAYLOAD_CATALOG_FIELDS}
    return data


def _operation(before: ProdTask | None, after: ProdTask, changed: list[str]) -> Operation:
    """The operation a change of lifecycle fields amounts to."""
    old = before.status if before is not None else TaskStatus.DRAFT
    if after.status is TaskStatus.READY and (old is TaskStatus.DRAFT or "approval" in changed):
        return Operation.APPROVE
    if after.status is TaskStatus.DRAFT and old is TaskStatus.READY:
        return Operation.DRAFT
    if after.status in (TaskStatus.COMPLETED, TaskStatus.FAILED) or changed == ["panda"]:
        return Operation.FINISH
    return Operation.SUBMIT


def _lifecycle(
    judge: Judge, new: State, before: ProdTask | None, after: ProdTask, file: str
) -> list[ChangeRefusal]:
    was, now = _fields(before), _fields(after)
    default = _fields(ProdTask(name=after.name, prod_config=after.prod_config))
    old = was or default
    changed = [f for f in LIFECYCLE_FIELDS if old.get(f) != now.get(f)]
    if not changed:
        return []
    operation = _operation(before, after, changed)
    who = judge.who(operation, after)
    if not judge.allows(operation, after):
        what = f"changed by hand: that would {operation.value}, which pcs records for whoever may"
        return [ChangeRefusal(file, f, "lifecycle", what, who) for f in changed]
    start = before.status if before is not None else TaskStatus.DRAFT
    if start is not after.status:
        refusal = transition_refusal(start, after.status)
        if refusal and after.status is not TaskStatus.SUBMITTED:
            return [ChangeRefusal(file, "status", "lifecycle", refusal, who)]
    if operation is Operation.APPROVE:
        return _approval(judge, new, after, file, who)
    return []


def _approval(
    judge: Judge, new: State, after: ProdTask, file: str, who: str
) -> list[ChangeRefusal]:
    approval = after.approval
    if approval is None:
        return [ChangeRefusal(file, "approval", "lifecycle", "ready without an approval", who)]
    if approval.by.casefold() != judge.actor.casefold():
        message = f"the approval names {approval.by}, but the change is by {judge.actor}"
        return [ChangeRefusal(file, "approval.by", "lifecycle", message, who)]
    stale = staleness(new, after)
    if stale is not None:
        message = f"the approval does not match the payload ({stale[0]}); use 'pcs task approve'"
        return [ChangeRefusal(file, "approval.payload_sha256", "lifecycle", message, who)]
    return []


def _payload(
    judge: Judge, new: State, before: ProdTask | None, after: ProdTask, file: str
) -> list[ChangeRefusal]:
    if before is None or before.status is TaskStatus.DRAFT:
        return []
    if before.status is TaskStatus.READY and after.status is TaskStatus.DRAFT:
        return []  # the approval is withdrawn in the same change (its own rule decides who)
    was, now = _fields(before), _fields(after)
    names = (*PAYLOAD_FIELDS, *(f"catalog.{k}" for k in PAYLOAD_CATALOG_FIELDS))
    fields = [f for f in names if was.get(f) != now.get(f)]
    refusals = []
    who = (
        f"a production manager, sending it back to draft first ({WITHDRAW} or 'pcs task "
        f"set-status {after.name} draft')"
        if before.status is TaskStatus.READY
        else "nobody: it was sent to PanDA"
    )
    for field in fields:
        message = f"is part of the payload of this {before.status.value} task"
        refusals.append(ChangeRefusal(file, field, "approved-payload", message, who))
    if not fields and after.status is TaskStatus.READY and before.status is TaskStatus.READY:
        stale = staleness(new, after)
        if stale is not None:
            message = f"the change alters what this approved task sends: {stale[0]}"
            refusals.append(ChangeRefusal(file, "approval", "approved-payload", message, who))
    return refusals


def _locked_tags(old: State, new: State) -> list[ChangeRefusal]:
    refusals = []
    for label, before in old.tags.items():
        if before.status is not TagStatus.LOCKED:
            continue
        after = new.tags.get(label)
        file = tag_path(before.kind, label)
        if after is None:
            refusals.append(ChangeRefusal(file, "(record)", "locked-tag", "deleted", NOBODY_TAG))
            continue
        was, now = before.to_dict(), after.to_dict()
        for field in (k for k in was.keys() | now.keys() if was.get(k) != now.get(k)):
            refusals.append(ChangeRefusal(file, field, "locked-tag", "changed", NOBODY_TAG))
    return refusals


def change_refusals(old: State, new: State, judge: Judge) -> list[ChangeRefusal]:
    """Everything in ``old`` -> ``new`` that ``judge.actor`` may not do by hand."""
    refusals = _locked_tags(old, new)
    for name in sorted(old.tasks.keys() | new.tasks.keys()):
        before, after = old.tasks.get(name), new.tasks.get(name)
        file = record_path(RecordKind.PROD_TASK, name)
        if after is None:
            if before is not None and before.status is not TaskStatus.DRAFT:
                message = f"a {before.status.value} task is never deleted"
                refusals.append(ChangeRefusal(file, "(record)", "lifecycle", message, "nobody"))
            continue
        refusals += _lifecycle(judge, new, before, after, file)
        refusals += _payload(judge, new, before, after, file)
    return sorted(set(refusals))
