"""The PanDA comment, labels and closing through PyGithub against the fake GitHub REST server
(services/panda_issue.py with adapters/github_api.py)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import Result

from pcs_gitops.adapters.clock import FixedClock
from pcs_gitops.bootstrap import Services, build
from pcs_gitops.config import Settings
from pcs_gitops.services import panda_issue, panda_sync, submission
from pcs_gitops.services.panda_port import PandaTask
from pcs_gitops.services.ports import Actor
from tests.support.fake_github import FakeGitHub
from tests.support.fake_github_fixture import fake_github_server as fake_github_server
from tests.support.panda_repo import make_ready_task
from tests.support.scripted_panda import ScriptedPanda

FAST = {"retries": 0, "seconds_between_requests": None, "seconds_between_writes": None}
ACTOR = Actor("pcs-panda-sync", "cli")


@pytest.fixture
def services(
    repo: Path,
    run_cli: Callable[..., Result],
    monkeypatch: pytest.MonkeyPatch,
    fake_github: FakeGitHub,
) -> Services:
    root = make_ready_task(repo, run_cli, monkeypatch)
    env = {
        "GITHUB_TOKEN": "t",
        "GITHUB_API_URL": fake_github.url,
        "GITHUB_REPOSITORY": fake_github.repo,
    }
    return build(Settings.from_env(root, env), clock=FixedClock("2026-11-28T12:00:00Z"))


def test_sync_results_reach_the_issue_once(services: Services, fake_github: FakeGitHub) -> None:
    fake_github.add_issue(7, title="Dataset request", labels=["dataset-request"])
    fake_github.add_comment(7, panda_issue.PANDA_MARKER + " pasted by a user", user="mallory")
    panda = ScriptedPanda()
    outcome = submission.submit_task(services.uow, panda, "issue-7", Actor("op", "cli"))
    github = services.github_port(offline=False, **FAST)
    settings = services.trusted_state().settings

    def sync(status: str) -> list[panda_issue.IssueUpdate]:
        panda.details[4242] = PandaTask(4242, str(outcome.params["taskName"]), status)
        report = panda_sync.sync_tasks(services.uow, panda, ACTOR)
        return panda_issue.update_issues(github, [t.task for t in report.tasks], settings)

    assert [u.comment for u in sync("running")] == ["created"]
    assert fake_github.state.labels_of(7) == ["dataset-request", "pcs:submitted"]
    fake_github.clear_log()
    assert [u.comment for u in sync("running")] == ["unchanged"]
    assert fake_github.writes == []
    assert [(u.comment, u.closed) for u in sync("done")] == [("updated", True)]
    issue = fake_github.state.issues[7]
    assert issue["state"] == "closed"
    assert fake_github.state.labels_of(7) == ["dataset-request", "pcs:completed"]
    bot = [c for c in fake_github.state.comments.values() if c["user"] == "pcs-bot"]
    assert len(bot) == 1 and "**PanDA: completed**" in bot[0]["body"]
