"""The request issue follows PanDA: one comment, the lifecycle label, closed when completed.

Each request issue gets ONE PanDA comment (marked ``<!-- pcs-panda -->``, written by the bot,
edited in place, never a second one) that shows the jediTaskID with its monitor link, PanDA's
status, the file counts and the reason of a failure; the label ``pcs:submitted``,
``pcs:completed`` or ``pcs:failed`` names the lifecycle status; a completed request's issue is
closed. Labels and closing are applied before the comment is written, so a run that fails half
way is finished by the next one; a run that finds the comment as it should be writes nothing.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from pcs_gitops.domain.model import ProdTask, TaskStatus
from pcs_gitops.domain.settings import CatalogSettings
from pcs_gitops.errors import GitHubError
from pcs_gitops.services.github_port import CommentInfo, GitHubPort, own_marked_comment
from pcs_gitops.services.request_texts import md_escape

PANDA_MARKER = "<!-- pcs-panda -->"
LIFECYCLE_LABELS: dict[TaskStatus, str] = {
    TaskStatus.SUBMITTED: "pcs:submitted",
    TaskStatus.COMPLETED: "pcs:completed",
    TaskStatus.FAILED: "pcs:failed",
}
FOOTER = "_This comment follows PanDA: `pcs panda sync` keeps it up to date._"


@dataclass
class IssueUpdate:
    """What one issue got: ``comment`` is created, updated or unchanged."""

    task: str
    issue: int
    comment: str = "unchanged"
    labels_added: list[str] = field(default_factory=list)
    labels_removed: list[str] = field(default_factory=list)
    closed: bool = False
    error: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {
            "task": self.task,
            "issue": self.issue,
            "comment": self.comment,
            "labels_added": self.labels_added,
            "labels_removed": self.labels_removed,
            "closed": self.closed,
            "error": self.error,
        }


def panda_comment(task: ProdTask, settings: CatalogSettings) -> str:
    """The PanDA comment of a task that PanDA knows (``panda_task_id`` set)."""
    link = settings.panda_monitor_link(task.panda_task_id)
    ident = f"[{task.panda_task_id}]({link})" if link else str(task.panda_task_id)
    rows = [("jediTaskID", ident)]
    current = task.attempts[-1] if task.attempts else None
    if current is not None:
        rows.append(
            ("Attempt", f"try {current.try_number} ({current.kind.value}), `{current.task_name}`")
        )
    rows += _progress_rows(task)
    table = "\n".join(f"| {k} | {v} |" for k, v in rows)
    head = f"**PanDA: {task.status.value}** · task `{task.name}`"
    return f"{PANDA_MARKER}\n{head}\n\n| | |\n|---|---|\n{table}\n\n{FOOTER}\n"


def _progress_rows(task: ProdTask) -> list[tuple[str, str]]:
    panda = task.panda
    if panda is None:
        return [("PanDA status", "not read yet")]
    rows = [("PanDA status", md_escape(panda.status))]
    if panda.files_total:
        rows.append(
            (
                "Input files",
                f"{panda.files_finished} of {panda.files_total} done, {panda.files_failed} failed",
            )
        )
    if panda.reason:
        rows.append(("Reason", md_escape(panda.reason[:1000])))
    if panda.last_change:
        rows.append(("Last change in PanDA", md_escape(panda.last_change)))
    rows.append(("Read by pcs", md_escape(panda.checked_at)))
    return rows


def update_issue(github: GitHubPort, task: ProdTask, settings: CatalogSettings) -> IssueUpdate:
    """Bring the task's request issue in line with its PanDA state (see the module docstring).
    The task must have an issue and a PanDA task id."""
    issue = task.public_catalog.issue
    assert issue is not None and task.panda_task_id is not None
    update = IssueUpdate(task.name, issue)
    body = panda_comment(task, settings)
    existing = _own_comment(github, issue)
    if existing is not None and existing.body == body:
        return update
    wanted = LIFECYCLE_LABELS[task.status]
    update.labels_added = [wanted]
    github.add_labels(issue, [wanted])
    for label in sorted(set(LIFECYCLE_LABELS.values()) - {wanted}):
        github.remove_label(issue, label)
        update.labels_removed.append(label)
    if task.status is TaskStatus.COMPLETED:
        github.close_issue(issue, reason="completed")
        update.closed = True
    if existing is None:
        github.create_comment(issue, body)
        update.comment = "created"
    else:
        github.update_comment(existing.id, body)
        update.comment = "updated"
    return update


def update_issues(
    github: GitHubPort, tasks: Iterable[ProdTask], settings: CatalogSettings
) -> list[IssueUpdate]:
    """:func:`update_issue` for every task with an issue and a PanDA id; a GitHub failure is
    reported on its issue and the others go on."""
    updates: list[IssueUpdate] = []
    for task in tasks:
        issue = task.public_catalog.issue
        if issue is None or task.panda_task_id is None or task.status not in LIFECYCLE_LABELS:
            continue
        try:
            updates.append(update_issue(github, task, settings))
        except GitHubError as exc:
            updates.append(IssueUpdate(task.name, issue, comment="failed", error=str(exc)))
    return updates


def _own_comment(github: GitHubPort, issue: int) -> CommentInfo | None:
    """The bot's PanDA comment (a user pasting the marker does not count)."""
    return own_marked_comment(github, issue, PANDA_MARKER)
