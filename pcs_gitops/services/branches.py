"""Which branch a change goes to when it is published for review (pure functions).

A task with a public-catalogue issue shares the request pipeline's branch ``pcs/request-<issue>``
(and its one pull request); any other task gets ``pcs/task-<name>``; a dataset intake
``pcs/dataset-<12 hex of sha256("kind:location")>``; a change over many records
``pcs/batch-<key>``. Names are valid git refs and deterministic, so the same change always
lands on the same branch.
"""

from __future__ import annotations

import hashlib
import re

from pcs_gitops.domain.state import State
from pcs_gitops.errors import PcsError
from pcs_gitops.services.ports import Target
from pcs_gitops.services.tasks import parse_issue_number, resolve_task

REQUEST_PREFIX = "pcs/request-"
TASK_PREFIX = "pcs/task-"
DATASET_PREFIX = "pcs/dataset-"
BATCH_PREFIX = "pcs/batch-"
MAX_REF_PART = 100
_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


def request_branch(issue: int) -> str:
    return f"{REQUEST_PREFIX}{issue}"


def issue_of_branch(branch: str) -> int | None:
    """The issue number of a request branch ``pcs/request-<n>``; None for any other branch."""
    if not branch.startswith(REQUEST_PREFIX):
        return None
    tail = branch[len(REQUEST_PREFIX) :]
    return int(tail) if tail.isdigit() and not tail.startswith("0") else None


def digest(text: str, length: int = 12) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:length]


def ref_safe(text: str) -> str:
    """``text`` as one component of a git ref: letters, digits and ``. _ -`` only, no ``..``,
    no leading or trailing dot or dash, no ``.lock`` suffix. A changed or shortened name gets an
    8-hex digest of the original, so two different names never share a branch."""
    safe = _UNSAFE.sub("-", text)
    safe = re.sub(r"\.{2,}", ".", safe).strip(".-")
    if safe.endswith(".lock"):
        safe = safe[: -len(".lock")] + "-lock"
    if safe == text and 0 < len(safe) <= MAX_REF_PART:
        return safe
    head = safe[: MAX_REF_PART - 9].rstrip(".-")
    return f"{head}-{digest(text, 8)}" if head else digest(text)


def branch_for(target: Target, state: State) -> str:
    """The branch of a change to ``target``; ``state`` is the default branch's (it tells which
    catalogue issue an existing task belongs to)."""
    if target.kind == "request" and target.issue is not None:
        return request_branch(target.issue)
    if target.kind == "task":
        return _task_branch(state, target.key)
    if target.kind == "row":
        existing = state.task_for_key(("row", *target.row)) if target.row else None
        if existing is not None:
            return _task_branch(state, existing.name)
        return f"{TASK_PREFIX}{ref_safe(target.key)}"
    if target.kind == "dataset":
        return f"{DATASET_PREFIX}{digest(target.key)}"
    return f"{BATCH_PREFIX}{ref_safe(target.key or 'change')}"


def _task_branch(state: State, key: str) -> str:
    """A task named as the user gave it (a name, an issue number or an unambiguous prefix): its
    request branch when it has a catalogue issue. A key that names no task on the default branch
    (a task that so far exists only on its branch) is read as written: an issue number or
    ``issue-<n>`` -> the request branch, anything else -> ``pcs/task-<key>``; the change itself
    then resolves the key on that branch and refuses as the CLI would when it names nothing."""
    text = key.strip()
    try:
        task = resolve_task(state, text)
    except PcsError:
        try:
            issue = parse_issue_number(text.removeprefix("issue-"))
        except PcsError:
            issue = None
        return request_branch(issue) if issue is not None else f"{TASK_PREFIX}{ref_safe(text)}"
    if task.public_catalog.issue is not None:
        return request_branch(task.public_catalog.issue)
    return f"{TASK_PREFIX}{ref_safe(task.name)}"
