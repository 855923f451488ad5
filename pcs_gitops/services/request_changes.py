"""Changes to a request after it was filed: priority, withdrawal, reinstatement, and comments
made on its issue. State operations: the use cases and the GitHub pipeline call them inside
their unit of work (each writes the task and one history entry, or nothing when nothing
changes)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

from pcs_gitops.domain.catalog import PRIORITIES
from pcs_gitops.domain.free_text import line_break_problem, text_problem
from pcs_gitops.domain.model import HistoryEntry, ProdTask, TaskStatus
from pcs_gitops.domain.state import State
from pcs_gitops.domain.withdrawal import REINSTATE_ACTION, WITHDRAW_ACTION, Withdrawal
from pcs_gitops.errors import Conflict, UsageError
from pcs_gitops.services.ports import Actor
from pcs_gitops.services.tasks import resolve_task

PRIORITY_ACTION = "priority"
COMMENT_ACTION = "comment"
MAX_REASON = 2_000
COMMENT_EXCERPT = 200  # characters of an issue comment kept in the history
FINISHED = (TaskStatus.COMPLETED, TaskStatus.FAILED)


def _reason(reason: str | None) -> str:
    text = (reason or "").strip()
    if len(text) > MAX_REASON:
        raise UsageError(f"the reason is {len(text)} characters; the limit is {MAX_REASON}")
    problem = (text_problem(text) or line_break_problem(text)) if text else None
    if problem:
        raise UsageError(f"the reason: {problem}")
    return text


def _refuse_finished(task: ProdTask, what: str) -> None:
    if task.status in FINISHED:
        raise Conflict(f"task '{task.name}' is {task.status.value}: its {what} no longer changes")


def set_priority(
    state: State, name: str, priority: str | int, reason: str | None, actor: Actor, now: str
) -> tuple[ProdTask, str]:
    """Set the request's catalogue priority (1, 2, 3 or -1) in draft, ready or submitted;
    returns the task and the priority it had. The same priority again changes nothing."""
    value = str(priority).strip()
    if value not in PRIORITIES:
        raise UsageError(f"priority '{priority}' is not one of {', '.join(PRIORITIES)}")
    why = _reason(reason)
    task = resolve_task(state, name)
    before = task.catalog.get("priority", "")
    if before == value:
        return task, before
    _refuse_finished(task, "priority")
    if not task.catalog:
        raise Conflict(f"task '{task.name}' has no catalogue row, so no priority to change")
    detail = {"from": before, "to": value, **({"reason": why} if why else {})}
    updated = replace(task, catalog={**task.catalog, "priority": value}).with_history(
        HistoryEntry(now, actor.login, actor.surface, PRIORITY_ACTION, detail)
    )
    state.put_task(updated)
    return updated, before


def withdraw(state: State, name: str, reason: str | None, actor: Actor, now: str) -> ProdTask:
    """Withdraw a request that is not finished: it keeps its records and history, a ready one
    goes back to draft, and nothing approves or submits it until it is reinstated. Withdrawing
    a withdrawn request changes nothing."""
    why = _reason(reason)
    task = resolve_task(state, name)
    if task.withdrawn is not None:
        return task
    _refuse_finished(task, "withdrawal")
    detail: dict[str, str] = {"reason": why} if why else {}
    status = task.status
    if status is TaskStatus.READY:
        status = TaskStatus.DRAFT
        detail.update({"from": "ready", "to": "draft"})
    withdrawal = Withdrawal(actor.login, now, why)
    # back in draft, the task is no longer approved (a submitted one keeps what was approved)
    approval = None if status is TaskStatus.DRAFT else task.approval
    updated = replace(task, status=status, withdrawn=withdrawal, approval=approval).with_history(
        HistoryEntry(now, actor.login, actor.surface, WITHDRAW_ACTION, detail)
    )
    state.put_task(updated)
    return updated


def reinstate(state: State, name: str, reason: str | None, actor: Actor, now: str) -> ProdTask:
    """Lift a withdrawal (the request is a draft again, or stays submitted); a request that is
    not withdrawn is left as it is."""
    why = _reason(reason)
    task = resolve_task(state, name)
    if task.withdrawn is None:
        return task
    detail = {"reason": why} if why else {}
    updated = replace(task, withdrawn=None).with_history(
        HistoryEntry(now, actor.login, actor.surface, REINSTATE_ACTION, detail)
    )
    state.put_task(updated)
    return updated


@dataclass(frozen=True)
class IssueComment:
    """A plain comment (no command) on a request's issue."""

    author: str
    at: str
    url: str
    text: str


def comment_excerpt(text: str) -> str:
    """What the history keeps of an issue comment: its first 200 characters, trimmed."""
    return text.strip()[:COMMENT_EXCERPT]


def record_issue_comments(
    state: State, name: str, comments: Sequence[IssueComment], surface: str = "github"
) -> ProdTask:
    """Append issue comments to the task's history (author, time, link, first 200
    characters), each once: a comment whose link is recorded already is skipped, so a replayed
    event adds nothing. For the pipeline, which batches them into the request's next commit."""
    task = resolve_task(state, name)
    seen = {str(h.detail.get("url")) for h in task.history if h.action == COMMENT_ACTION}
    entries = []
    for comment in comments:
        if comment.url in seen or not comment.text.strip():
            continue
        seen.add(comment.url)
        detail = {"text": comment_excerpt(comment.text), "url": comment.url}
        entries.append(HistoryEntry(comment.at, comment.author, surface, COMMENT_ACTION, detail))
    if not entries:
        return task
    updated = replace(task, history=(*task.history, *entries))
    state.put_task(updated)
    return updated
