"""A broken default branch fails loud and blames nobody: the job exits non-zero with an error
annotation on the broken file, the requester is told the catalogue is being repaired and their
request waits (label ``pcs:blocked``), and the next push to main takes it in."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner

from pcs_gitops.entrypoints.cli import cli
from tests.support.fake_github import FakeGitHub
from tests.support.fake_github_fixture import fake_github_server  # noqa: F401
from tests.support.gh_events import DIS_BODY, git, issue_event, push_event, write_event
from tests.support.online_pipeline import Online, file_issue

BROKEN, WAITING = 270, 280


@pytest.fixture
def online(tmp_path: Path, fake_github: FakeGitHub) -> Online:
    return Online(tmp_path, fake_github)


def _on_main(online: Online, change: Callable[[Path], str]) -> str:
    """Commit ``change`` to main (as a maintainer's push would) and return the file it broke."""
    checkout = online.checkout
    git(checkout, "pull", "-q", "origin", "main")
    broken = change(checkout)
    git(checkout, "add", "-A")
    git(checkout, "commit", "-qm", "A hand edit")
    git(checkout, "push", "-q", "origin", "main")
    return broken


def _merge_request(online: Online) -> None:
    online.handle("issues", issue_event("opened", file_issue(online, BROKEN)))
    checkout = online.checkout
    git(checkout, "fetch", "-q", "origin", f"pcs/request-{BROKEN}")
    git(checkout, "merge", "-q", "--no-ff", "-m", "Merge", "FETCH_HEAD")
    git(checkout, "push", "-q", "origin", "main")


def delete_the_input(root: Path) -> str:
    task = json.loads(json.dumps(_task(root)))
    (did,) = task["input_datasets"]
    name = did.split(":", 1)[1].rsplit(".b", 1)[0]
    (root / "state" / "datasets" / f"{name}.yaml").unlink()
    return f"state/prod_tasks/issue-{BROKEN}.yaml"


def repeat_a_key(root: Path) -> str:
    path = root / "state" / "prod_tasks" / f"issue-{BROKEN}.yaml"
    path.write_text(path.read_text(encoding="utf-8") + "status: completed\n", encoding="utf-8")
    return f"state/prod_tasks/issue-{BROKEN}.yaml"


def _task(root: Path) -> dict[str, object]:
    from pcs_gitops.adapters.yaml_store import load_yaml_text

    path = root / "state" / "prod_tasks" / f"issue-{BROKEN}.yaml"
    data = load_yaml_text(path.read_text(encoding="utf-8"), "task")
    assert isinstance(data, dict)
    return data


@pytest.mark.parametrize("breakage", [delete_the_input, repeat_a_key], ids=lambda f: f.__name__)
def test_a_broken_main_blocks_new_requests_loudly_and_a_repair_takes_them_in(
    online: Online, tmp_path: Path, breakage: Callable[[Path], str]
) -> None:
    _merge_request(online)
    broken_file = _on_main(online, breakage)
    # another input than the broken request's (taking that one in again would repair main)
    event = issue_event("opened", file_issue(online, WAITING, DIS_BODY))

    out = online.handle("issues", event)

    assert out.handled and out.commits == [] and online.head(f"pcs/request-{WAITING}") is None
    assert {p["file"] for p in out.base_problems} == {broken_file}
    assert "pcs:blocked" in online.fake.state.issues[WAITING]["labels"]
    [status] = [c["body"] for c in online.comments(WAITING) if "<!-- pcs-status -->" in c["body"]]
    assert "waiting for the catalogue to be repaired" in status
    assert "nothing is wrong with the request itself" in status
    assert "would leave invalid state" not in status

    # the job fails, with an error annotation on the broken file
    path = write_event(tmp_path, "waiting", event)
    result = CliRunner().invoke(
        cli,
        [
            *("--repo", str(online.checkout), "gh", "handle"),
            *("--event-name", "issues", "--event-path", str(path)),
            *("--remote-url", online.origin.as_uri()),
        ],
        env={
            "GITHUB_TOKEN": "test-token",
            "GITHUB_REPOSITORY": online.fake.repo,
            "GITHUB_API_URL": online.fake.url,
            "GITHUB_ACTIONS": "true",
        },
    )
    assert result.exit_code == 1
    assert f"::error file={broken_file}" in result.stderr
    assert "Repair the default branch" in result.stderr

    # the repair: a push to main takes the waiting request in
    git(online.checkout, "revert", "--no-edit", "HEAD")
    git(online.checkout, "push", "-q", "origin", "main")
    repaired = online.handle("push", push_event(git(online.checkout, "rev-parse", "HEAD")))
    assert WAITING in repaired.refreshed
    assert online.head(f"pcs/request-{WAITING}") is not None
    assert online.task(f"pcs/request-{WAITING}", WAITING)["public_catalog"]["issue"] == WAITING
    assert "pcs:blocked" not in online.fake.state.issues[WAITING]["labels"]
    [status] = [c["body"] for c in online.comments(WAITING) if "<!-- pcs-status -->" in c["body"]]
    assert "waiting for the catalogue" not in status
