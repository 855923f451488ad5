"""The task lifecycle: one transition map, no other states.

Withdrawal (``domain.withdrawal``) is not a sixth state: a withdrawn request keeps its status
(a ``ready`` one goes back to ``draft``) and carries a ``withdrawn`` block, which makes the
readiness check fail (draft sub-state ``withdrawn``) and approval and submission refuse it,
until a production manager reinstates it.
"""

from __future__ import annotations

from pcs_gitops.domain.model import TaskStatus

TRANSITIONS: dict[TaskStatus, frozenset[TaskStatus]] = {
    TaskStatus.DRAFT: frozenset({TaskStatus.READY}),
    TaskStatus.READY: frozenset({TaskStatus.DRAFT, TaskStatus.SUBMITTED}),
    TaskStatus.SUBMITTED: frozenset({TaskStatus.COMPLETED, TaskStatus.FAILED}),
    TaskStatus.COMPLETED: frozenset(),
    TaskStatus.FAILED: frozenset(),
}
# Entering "submitted" is only possible by recording a submission (it needs a PanDA task id).
ONLY_BY_SUBMISSION = frozenset({TaskStatus.SUBMITTED})


def transition_refusal(current: TaskStatus, target: TaskStatus) -> str | None:
    """Why ``current -> target`` is not allowed through set-status, or None when it is."""
    allowed = TRANSITIONS[current]
    if target not in allowed:
        if not allowed:
            return f"'{current.value}' is terminal: no transition leaves it"
        names = ", ".join(sorted(s.value for s in allowed))
        return (
            f"cannot move from '{current.value}' to '{target.value}'; "
            f"allowed from '{current.value}': {names}"
        )
    if target in ONLY_BY_SUBMISSION:
        return (
            "a task becomes 'submitted' only by recording a submission: run "
            "'pcs task record-submission NAME --panda-task-id N' (or 'pcs task submit NAME')"
        )
    return None
