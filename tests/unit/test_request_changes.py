"""Priority, withdrawal, reinstatement and issue comments as state operations (what the use
cases and the GitHub pipeline call)."""

from __future__ import annotations

import pytest

from pcs_gitops.domain.approval_record import Approval
from pcs_gitops.domain.model import Attempt, ProdTask, PublicCatalog, TaskStatus
from pcs_gitops.domain.state import State
from pcs_gitops.errors import Conflict, UsageError
from pcs_gitops.services import request_changes as ops
from pcs_gitops.services.ports import Actor

ACTOR = Actor("boss", "cli")
NOW = "2026-11-28T12:00:00Z"


def state_with(status: TaskStatus = TaskStatus.DRAFT) -> State:
    state = State()
    submitted = status in (TaskStatus.SUBMITTED, TaskStatus.COMPLETED)
    approved = status is not TaskStatus.DRAFT
    state.put_task(
        ProdTask(
            "issue-5",
            "standard",
            status=status,
            catalog={"pwg": "edt", "priority": "2"},
            public_catalog=PublicCatalog(issue=5),
            panda_task_id=7 if submitted else None,
            attempts=(Attempt(1, 7, "t", "boss", NOW),) if submitted else (),
            approval=Approval("boss", NOW, "0" * 64) if approved else None,
        )
    )
    return state


@pytest.mark.parametrize("status", [TaskStatus.DRAFT, TaskStatus.READY, TaskStatus.SUBMITTED])
def test_the_priority_changes_until_the_request_is_finished(status: TaskStatus) -> None:
    state = state_with(status)
    task, before = ops.set_priority(state, "5", "1", "for the TDR", ACTOR, NOW)
    assert (before, task.catalog["priority"], task.status) == ("2", "1", status)
    assert task.history[-1].detail == {"from": "2", "to": "1", "reason": "for the TDR"}
    state.dirty.clear()
    assert ops.set_priority(state, "5", 1, None, ACTOR, NOW)[0] == task and not state.dirty


def test_a_finished_request_or_a_bad_priority_is_refused() -> None:
    with pytest.raises(Conflict, match="task 'issue-5' is completed: its priority no longer"):
        ops.set_priority(state_with(TaskStatus.COMPLETED), "5", "1", None, ACTOR, NOW)
    with pytest.raises(UsageError, match="priority '4' is not one of 1, 2, 3, -1"):
        ops.set_priority(state_with(), "5", "4", None, ACTOR, NOW)
    with pytest.raises(UsageError, match="the reason:"):
        ops.set_priority(state_with(), "5", "1", "=HYPERLINK(1)", ACTOR, NOW)


def test_withdrawing_a_ready_request_sends_it_back_to_draft_and_reinstating_keeps_draft() -> None:
    state = state_with(TaskStatus.READY)
    task = ops.withdraw(state, "issue-5", "duplicate of #4", ACTOR, NOW)
    assert task.status is TaskStatus.DRAFT and task.withdrawn is not None
    assert task.approval is None  # a draft is not approved: reinstated, it is approved anew
    assert task.history[-1].detail == {"reason": "duplicate of #4", "from": "ready", "to": "draft"}
    assert ops.withdraw(state, "issue-5", "again", ACTOR, NOW) == task
    back = ops.reinstate(state, "issue-5", None, ACTOR, NOW)
    assert (back.withdrawn, back.status) == (None, TaskStatus.DRAFT)
    assert [h.action for h in back.history] == ["withdrawn", "reinstated"]
    assert ops.reinstate(state, "issue-5", None, ACTOR, NOW) == back


def test_a_submitted_request_is_withdrawn_but_stays_submitted() -> None:
    task = ops.withdraw(state_with(TaskStatus.SUBMITTED), "5", None, ACTOR, NOW)
    assert task.status is TaskStatus.SUBMITTED and task.withdrawn is not None
    assert task.approval is not None  # what was approved and submitted stays on record


def test_issue_comments_keep_author_time_link_and_200_characters_once_each() -> None:
    state = state_with()
    long = "x" * 250
    comments = [
        ops.IssueComment(
            "rita", "2026-11-29T08:00:00Z", "https://github.com/o/r/issues/5#c1", long
        ),
        ops.IssueComment("otto", "2026-11-29T09:00:00Z", "https://github.com/o/r/issues/5#c2", " "),
    ]
    task = ops.record_issue_comments(state, "issue-5", comments)
    entry = task.history[-1]
    assert (entry.by, entry.at, entry.surface, entry.action) == (
        "rita",
        "2026-11-29T08:00:00Z",
        "github",
        "comment",
    )
    assert entry.detail == {"text": "x" * 200, "url": "https://github.com/o/r/issues/5#c1"}
    assert len(task.history) == 1
    state.dirty.clear()
    assert ops.record_issue_comments(state, "issue-5", comments) == task and not state.dirty
