"""Eight requests filed at once, each handled by its own job (its own checkout of main, as in
Actions) against one bare remote and one GitHub: eight branches and pull requests; merged one
after the other (each merge refreshing the others, as the push to main does), the catalogue
ends with eight rows and validates."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import pytest

from pcs_gitops.bootstrap import build
from pcs_gitops.config import Settings
from pcs_gitops.entrypoints.github_payload import parse_event
from pcs_gitops.services.github import handler
from pcs_gitops.services.github.outcome import Outcome
from tests.support.fake_github import FakeGitHub
from tests.support.fake_github_fixture import fake_github_server  # noqa: F401
from tests.support.gh_events import (
    DEMP_BODY,
    git,
    issue_event,
    pull_closed_event,
    push_event,
)
from tests.support.online_pipeline import FAST, Online, file_issue

pytestmark = pytest.mark.slow
K = 8
FIRST = 300


def _body(i: int) -> str:
    return DEMP_BODY.replace("q2_10_20", f"q2_10_{20 + i}")


def _job(online: Online, root: Path, name: str, payload: dict[str, Any]) -> Outcome:
    """One Actions job: a fresh clone of main, the event, the real adapters."""
    git(root.parent, "clone", "-q", online.origin.as_uri(), str(root))
    settings = Settings(
        repo_root=root,
        github_token="test-token",
        github_repository=online.fake.repo,
        github_api_url=online.fake.url,
        github_server_url="https://github.example",
    )
    event = parse_event(name, payload)
    pipeline = build(settings).request_pipeline(
        offline=False, remote_url=online.origin.as_uri(), default_branch="main", **FAST
    )
    return handler.handle(pipeline, event)


def test_eight_concurrent_requests_give_eight_prs_and_eight_rows(
    tmp_path: Path, fake_github: FakeGitHub
) -> None:
    online = Online(tmp_path, fake_github)
    events = [issue_event("opened", file_issue(online, FIRST + i, _body(i))) for i in range(K)]
    outcomes: dict[int, Outcome] = {}
    errors: list[BaseException] = []

    def run(i: int) -> None:
        try:
            outcomes[i] = _job(online, tmp_path / f"job{i}", "issues", events[i])
        except BaseException as exc:  # reported below
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(K)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=300)
    assert errors == [] and len(outcomes) == K
    pulls = {p["head"]: n for n, p in fake_github.state.pulls.items()}
    assert sorted(pulls) == sorted(f"pcs/request-{FIRST + i}" for i in range(K))

    checkout = online.checkout
    for i in range(K):
        branch = f"pcs/request-{FIRST + i}"
        git(checkout, "pull", "-q", "origin", "main")
        git(checkout, "fetch", "-q", "origin", branch)
        git(checkout, "merge", "-q", "--no-ff", "-m", f"Merge {branch}", "FETCH_HEAD")
        git(checkout, "push", "-q", "origin", "main")
        number = pulls[branch]
        fake_github.state.pulls[number].update(merged=True, merged_at="2026-11-30T00:00:00Z")
        merged = pull_closed_event(FIRST + i, number, merged=True)
        merged["repository"]["full_name"] = fake_github.repo
        merged["pull_request"]["head"]["repo"]["full_name"] = fake_github.repo
        _job(online, tmp_path / f"merge{i}", "pull_request", merged)
        # the push of the merge record refreshes the branches still waiting
        _job(online, tmp_path / f"push{i}", "push", push_event(online.head("main") or ""))

    final = tmp_path / "final"
    git(tmp_path, "clone", "-q", online.origin.as_uri(), str(final))
    csv = (final / "docs" / "_data" / "datasets.csv").read_bytes().decode("utf-8")
    assert all(f",{FIRST + i}\r\n" in csv for i in range(K))
    from click.testing import CliRunner

    from pcs_gitops.entrypoints.cli import cli

    assert CliRunner().invoke(cli, ["--repo", str(final), "validate"]).exit_code == 0
    assert CliRunner().invoke(cli, ["--repo", str(final), "render", "--check"]).exit_code == 0
