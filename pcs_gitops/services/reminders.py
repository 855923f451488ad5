"""Reminders on stalled requests: drafts unchanged for ``stalled_after_days`` or more.

A draft is stalled from its last history entry (or its creation) on. Each full period of that
many days earns one comment on the request's issue, naming what is missing (the readiness
problems) and who can act (from the roles); the comment carries a hidden marker with the
period, so a second run in the same period posts nothing. Withdrawn requests and requests
without an issue get none.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from pcs_gitops.domain.authz import Operation, who_may
from pcs_gitops.domain.model import ProdTask, TaskStatus
from pcs_gitops.domain.readiness import PathProbe, readiness
from pcs_gitops.domain.state import State
from pcs_gitops.errors import GitHubError, UsageError
from pcs_gitops.services.github_port import GitHubPort
from pcs_gitops.services.github_wording import for_github
from pcs_gitops.services.request_texts import md_escape, short_text

MARKER = "<!-- pcs-reminder: {task} since {since} period {period} -->"
MAX_PROBLEM = 300
# Who acts on a draft in each sub-state: the requester's side fixes the request, managers
# review (and lock tags, fix configs).
ACTORS_OF_SUBSTATE = {
    "needs-input": Operation.UPDATE,
    "needs-metadata": Operation.UPDATE,
    "needs-confirmation": Operation.CONFIRM,
}


@dataclass(frozen=True)
class Stalled:
    task: str
    issue: int
    substate: str
    since: str
    days: int  # whole days since
    period: int  # 1 for the first full period, 2 for the second, ...
    missing: tuple[str, ...]
    who: str

    @property
    def marker(self) -> str:
        return MARKER.format(task=self.task, since=self.since, period=self.period)

    def to_dict(self) -> dict[str, object]:
        return {
            "task": self.task,
            "issue": self.issue,
            "substate": self.substate,
            "since": self.since,
            "days": self.days,
            "period": self.period,
            "missing": list(self.missing),
            "who": self.who,
        }


@dataclass
class Reminder:
    stalled: Stalled
    action: str = ""  # posted, already, failed
    error: str = ""

    def to_dict(self) -> dict[str, object]:
        out = {**self.stalled.to_dict(), "reminder": self.action}
        if self.error:
            out["error"] = self.error
        return out


@dataclass
class ReminderReport:
    days: int
    reminders: list[Reminder] = field(default_factory=list)

    def to_dict(self) -> dict[str, object]:
        return {"days": self.days, "stalled": [r.to_dict() for r in self.reminders]}


def _instant(text: str) -> datetime | None:
    try:
        return datetime.fromisoformat(text)
    except ValueError:
        return None


def _since(task: ProdTask) -> str:
    return task.history[-1].at if task.history else task.created_at


def stalled_drafts(state: State, now: str, days: int, probe: PathProbe) -> list[Stalled]:
    """The drafts with an issue, not withdrawn, unchanged for ``days`` days or more."""
    if days < 1:
        raise UsageError(f"--days must be 1 or more, not {days}")
    today = _instant(now)
    if today is None:
        raise UsageError(f"the clock's time '{now}' is not ISO-8601")
    found = []
    for task in sorted(state.tasks.values(), key=lambda t: t.name):
        issue = task.public_catalog.issue
        if task.status is not TaskStatus.DRAFT or task.withdrawn is not None or issue is None:
            continue
        since = _instant(_since(task))
        age = (today - since).days if since is not None else -1
        if age < days:
            continue
        found.append(_stalled(state, task, issue, age, days, probe))
    return found


def _stalled(
    state: State, task: ProdTask, issue: int, age: int, days: int, probe: PathProbe
) -> Stalled:
    check = readiness(state, task, probe)
    substate = check.substate(task.status) or "draft"
    operation = ACTORS_OF_SUBSTATE.get(substate, Operation.APPROVE)
    return Stalled(
        task=task.name,
        issue=issue,
        substate=substate,
        since=_since(task),
        days=age,
        period=age // days,
        missing=tuple(check.problems),
        who=who_may(operation, state.roles, task.catalog.get("pwg") or None),
    )


def reminder_text(stalled: Stalled) -> str:
    """The comment: what is missing and who can act (every value escaped)."""
    lines = [
        stalled.marker,
        f"**Reminder**: this request (`{stalled.task}`) has been a draft "
        f"(`{stalled.substate}`) with no change for {stalled.days} days.",
        "",
    ]
    if stalled.missing:
        lines.append("What is missing:")
        lines += [f"- {md_escape(short_text(for_github(p), MAX_PROBLEM))}" for p in stalled.missing]
    else:
        lines.append("Nothing is missing: it awaits a production manager's review.")
    lines += ["", f"Who can act: {stalled.who}.", "", "Comment `/pcs help` for the commands."]
    return "\n".join(lines) + "\n"


def post_reminders(github: GitHubPort, stalled: Sequence[Stalled], days: int) -> ReminderReport:
    """One comment per stalled request and period: a reminder the bot posted already for this
    period (found by its marker) is not posted again. A GitHub failure is reported on its
    request and the others go on."""
    report = ReminderReport(days)
    for item in stalled:
        reminder = Reminder(item)
        try:
            reminder.action = "already" if _posted(github, item) else "posted"
            if reminder.action == "posted":
                github.create_comment(item.issue, reminder_text(item))
        except GitHubError as exc:
            reminder.action, reminder.error = "failed", str(exc)
        report.reminders.append(reminder)
    return report


def _posted(github: GitHubPort, item: Stalled) -> bool:
    """The bot's reminder of this period is there (a user pasting the marker does not count)."""
    login = github.bot_login().casefold()
    return any(
        c.body.startswith(item.marker) and c.author.casefold() == login
        for c in github.list_comments(item.issue)
    )
