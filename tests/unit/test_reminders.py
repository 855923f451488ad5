"""Reminders on stalled drafts: which drafts are stalled, what the comment says, and one
comment per period (a recording fake of the GitHub port's comment calls)."""

from __future__ import annotations

from dataclasses import replace

import pytest

from pcs_gitops.domain.model import HistoryEntry, ProdTask, PublicCatalog, TaskStatus
from pcs_gitops.domain.readiness import unreachable
from pcs_gitops.domain.settings import Role, RoleGrant, Roles
from pcs_gitops.domain.state import State
from pcs_gitops.domain.withdrawal import Withdrawal
from pcs_gitops.errors import GitHubError, UsageError
from pcs_gitops.services import reminders
from pcs_gitops.services.github_port import CommentInfo

NOW = "2026-12-20T06:00:00Z"
BOT = "pcs-bot"


class FakeComments:
    """The comment part of the GitHub port: comments per issue, and the ones created."""

    def __init__(self, failing: set[int] | None = None) -> None:
        self.comments: dict[int, list[CommentInfo]] = {}
        self.created: list[tuple[int, str]] = []
        self.failing = failing or set()

    def bot_login(self) -> str:
        return BOT

    def list_comments(self, issue: int) -> list[CommentInfo]:
        if issue in self.failing:
            raise GitHubError(f"GitHub refused the comments of #{issue}")
        return list(self.comments.get(issue, []))

    def create_comment(self, issue: int, body: str, author: str = BOT) -> CommentInfo:
        found = self.comments.setdefault(issue, [])
        info = CommentInfo(len(self.created) + 1, author, body, f"u{issue}")
        found.append(info)
        self.created.append((issue, body))
        return info


def task(name: str, issue: int | None, last: str, **kw: object) -> ProdTask:
    return ProdTask(
        name,
        "standard",
        catalog={"pwg": "edt", "priority": "2", "dataset_path": "/p"},
        public_catalog=PublicCatalog(issue=issue),
        history=(HistoryEntry(last, "anna", "github", "created"),),
        **kw,  # type: ignore[arg-type]
    )


@pytest.fixture
def state() -> State:
    found = State()
    found.roles = Roles((RoleGrant(Role.PRODUCTION_MANAGER, logins=("boss",)),))
    found.put_task(task("issue-1", 1, "2026-12-01T06:00:00Z"))  # 19 days
    found.put_task(task("issue-2", 2, "2026-12-10T06:00:00Z"))  # 10 days
    found.put_task(task("issue-3", 3, "2026-11-01T06:00:00Z", status=TaskStatus.READY))
    found.put_task(task("issue-4", 4, "2026-11-01T06:00:00Z", withdrawn=Withdrawal("a", NOW)))
    found.put_task(task("row-5", None, "2026-11-01T06:00:00Z"))
    found.put_task(task("issue-6", 6, "2026-11-15T06:00:00Z"))  # 35 days: period 2
    return found


def test_only_drafts_with_an_issue_unchanged_for_the_days_are_stalled(state: State) -> None:
    stalled = reminders.stalled_drafts(state, NOW, 14, unreachable)
    assert [(s.task, s.days, s.period) for s in stalled] == [("issue-1", 19, 1), ("issue-6", 35, 2)]
    first = stalled[0]
    assert first.substate == "needs-input"
    assert first.missing[0].startswith("no input dataset is linked")
    assert first.who == "the requester and `boss` (from state/roles.yaml)"
    with pytest.raises(UsageError, match="--days must be 1 or more"):
        reminders.stalled_drafts(state, NOW, 0, unreachable)


def test_one_reminder_per_period_names_what_is_missing_and_who_can_act(state: State) -> None:
    github = FakeComments()
    stalled = reminders.stalled_drafts(state, NOW, 14, unreachable)
    first = reminders.post_reminders(github, stalled, 14)  # type: ignore[arg-type]
    assert [r.action for r in first.reminders] == ["posted", "posted"]
    issue, body = github.created[0]
    assert issue == 1
    assert body.startswith("<!-- pcs-reminder: issue-1 since 2026-12-01T06:00:00Z period 1 -->")
    assert "no change for 19 days" in body and "Who can act: the requester and `boss`" in body
    again = reminders.post_reminders(github, stalled, 14)  # type: ignore[arg-type]
    assert [r.action for r in again.reminders] == ["already", "already"]
    assert len(github.created) == 2
    later = reminders.stalled_drafts(state, "2027-01-10T06:00:00Z", 14, unreachable)
    reminders.post_reminders(github, later, 14)  # type: ignore[arg-type]
    assert [i for i, _ in github.created] == [1, 6, 1, 2, 6]


def test_a_marker_pasted_by_someone_else_does_not_count(state: State) -> None:
    github = FakeComments()
    stalled = reminders.stalled_drafts(state, NOW, 14, unreachable)[:1]
    github.create_comment(1, stalled[0].marker + " copied", author="mallory")
    report = reminders.post_reminders(github, stalled, 14)  # type: ignore[arg-type]
    assert [r.action for r in report.reminders] == ["posted"]


def test_a_github_failure_is_reported_and_the_others_go_on(state: State) -> None:
    github = FakeComments(failing={1})
    stalled = reminders.stalled_drafts(state, NOW, 14, unreachable)
    report = reminders.post_reminders(github, stalled, 14)  # type: ignore[arg-type]
    assert [(r.action, r.error) for r in report.reminders] == [
        ("failed", "GitHub refused the comments of #1"),
        ("posted", ""),
    ]


def test_reminder_values_are_escaped() -> None:
    stalled = reminders.Stalled("t", 1, "needs-metadata", NOW, 20, 1, ("<b>@all</b>",), "x")
    assert "&lt;b&gt;&#64;all&lt;/b&gt;" in reminders.reminder_text(replace(stalled))
