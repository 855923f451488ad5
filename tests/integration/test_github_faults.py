"""The fake GitHub's fault rules, seen through the project's PyGithub adapter: a status on the
n-th call, a failure after the change was applied, delays, dropped connections and both kinds
of rate limit; each failure reaches the user as one line, waits as one progress line."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from pcs_gitops.adapters.github_api import PyGithubClient
from pcs_gitops.errors import GitHubError
from tests.support.fake_github import DROP, FakeGitHub
from tests.support.fake_github_fixture import fake_github_server  # noqa: F401

Factory = Callable[..., PyGithubClient]


@pytest.fixture
def progress() -> list[str]:
    return []


@pytest.fixture
def make_client(fake_github: FakeGitHub, progress: list[str]) -> Iterator[Factory]:
    clients: list[PyGithubClient] = []

    def make(**kwargs: Any) -> PyGithubClient:
        options: dict[str, Any] = {
            "retries": 2,
            "backoff": 0.001,
            "secondary_rate_wait": 0.01,
            "seconds_between_requests": None,
            "seconds_between_writes": None,
            "timeout": 5,
            "progress": progress.append,
            **kwargs,
        }
        client = PyGithubClient("test-token", fake_github.repo, fake_github.url, **options)
        clients.append(client)
        return client

    yield make
    for client in clients:
        client.close()


@pytest.fixture
def client(make_client: Factory) -> PyGithubClient:
    return make_client()


def test_a_fault_on_the_nth_call_leaves_the_calls_before_it_alone(
    fake_github: FakeGitHub, client: PyGithubClient
) -> None:
    issue = fake_github.add_issue()
    fake_github.add_fault("POST", r"/comments$", 502, nth=2)
    client.create_comment(issue, "first")
    with pytest.raises(GitHubError, match=r"^GitHub refused create_comment \(502\)"):
        client.create_comment(issue, "second")
    client.create_comment(issue, "third")
    bodies = [c["body"] for c in fake_github.state.comments.values()]
    assert bodies == ["first", "third"]


def test_a_failure_after_the_change_leaves_the_change_made(
    fake_github: FakeGitHub, client: PyGithubClient
) -> None:
    issue = fake_github.add_issue()
    fake_github.fail_after_change("POST", r"/comments$", 500)
    with pytest.raises(GitHubError) as failure:
        client.create_comment(issue, "made but not confirmed")
    message = str(failure.value)
    assert "\n" not in message
    assert message.startswith("GitHub refused create_comment (500): Server Error. ")
    assert "check whether the change was made" in message
    assert [c["body"] for c in fake_github.state.comments.values()] == ["made but not confirmed"]
    assert len(fake_github.requests) == 1  # a POST is never sent twice


def test_an_idempotent_write_failing_after_its_change_is_retried_to_the_same_result(
    fake_github: FakeGitHub, client: PyGithubClient
) -> None:
    pull = fake_github.add_pull("pcs/request-1", title="old")
    fake_github.fail_after_change("PATCH", rf"/pulls/{pull}$", 502)
    assert client.update_pull(pull, title="new").title == "new"
    assert fake_github.state.issues[pull]["title"] == "new"
    assert [m for m, _ in fake_github.requests] == ["PATCH", "PATCH"]


def test_a_connection_dropped_after_the_change_says_github_was_unreachable_in_one_line(
    fake_github: FakeGitHub, client: PyGithubClient
) -> None:
    issue = fake_github.add_issue()
    fake_github.fail_after_change("POST", r"/comments$", DROP)
    with pytest.raises(GitHubError) as failure:
        client.create_comment(issue, "lost answer")
    message = str(failure.value)
    assert message.startswith(f"Could not reach GitHub at {fake_github.url} for create_comment: ")
    assert "object at 0x" not in message and "\n" not in message
    assert "Remote end closed connection without response" in message
    assert len(fake_github.state.comments) == 1
    assert "RemoteDisconnected" in failure.value.detail


def test_a_delay_longer_than_the_timeout_is_retried_for_a_read(
    fake_github: FakeGitHub, make_client: Factory
) -> None:
    fake_github.add_pull("pcs/request-1")
    fake_github.delay_next("GET", r"/pulls$", 2.0)
    client = make_client(timeout=1)
    assert client.find_pull("pcs/request-1") is not None
    assert len(fake_github.requests) == 2


def test_a_short_delay_is_just_a_slow_answer(
    fake_github: FakeGitHub, client: PyGithubClient
) -> None:
    fake_github.add_pull("pcs/request-1")
    fake_github.delay_next("GET", r"/pulls$", 0.05)
    assert client.find_pull("pcs/request-1") is not None
    assert len(fake_github.requests) == 1


def test_a_primary_rate_limit_waits_until_its_reset_with_one_progress_line(
    fake_github: FakeGitHub, client: PyGithubClient, progress: list[str]
) -> None:
    fake_github.add_pull("pcs/request-1")
    reset = int(time.time()) + 1
    fake_github.rate_limit_next("GET", r"/pulls$", primary=True, retry_after=None, reset=reset)
    assert client.find_pull("pcs/request-1") is not None
    (line,) = progress
    assert line.startswith(
        f"GitHub rate limit on GET /repos/{fake_github.repo}/pulls: retrying in "
    )
    assert line.endswith(" s")


def test_a_primary_rate_limit_without_a_reset_time_falls_back_to_the_backoff(
    fake_github: FakeGitHub, client: PyGithubClient, progress: list[str]
) -> None:
    fake_github.add_pull("pcs/request-1")
    fake_github.rate_limit_next("GET", r"/pulls$", primary=True, retry_after=None, reset=None)
    assert client.find_pull("pcs/request-1") is not None
    assert [m for m, _ in fake_github.requests] == ["GET", "GET"]
    assert progress == []  # a wait under a second is not worth a line


def test_a_retry_after_of_a_second_is_announced_once(
    fake_github: FakeGitHub, client: PyGithubClient, progress: list[str]
) -> None:
    issue = fake_github.add_issue()
    fake_github.rate_limit_next("POST", r"/comments$", retry_after="1")
    client.create_comment(issue, "after the wait")
    assert progress == [
        f"GitHub rate limit on POST /repos/{fake_github.repo}/issues/{issue}/comments: "
        "retrying in 1 s"
    ]


def test_an_exhausted_primary_rate_limit_says_to_wait(
    fake_github: FakeGitHub, client: PyGithubClient
) -> None:
    fake_github.rate_limit_next("GET", r"/pulls$", times=10, primary=True, retry_after="0")
    with pytest.raises(GitHubError, match=r"find_pull \(403\): API rate limit exceeded"):
        client.find_pull("x")
    assert len(fake_github.requests) == 3


SCRIPT = """
import json, sys
from pcs_gitops.adapters.github_api import PyGithubClient
url, repo, debug = sys.argv[1], sys.argv[2], sys.argv[3] == "1"
client = PyGithubClient("t", repo, url, retries=1, backoff=0.001, seconds_between_requests=None,
                        seconds_between_writes=None, debug=debug)
print(json.dumps([client.bot_login(), client.find_pull("x")]))
"""


@pytest.mark.parametrize("debug", [False, True])
def test_pygithub_logs_nothing_on_stderr_unless_debugging(
    fake_github: FakeGitHub, debug: bool
) -> None:
    fake_github.fail_next(
        "GET", r"^/user$", 403, {"message": "Resource not accessible by integration"}
    )
    fake_github.rate_limit_next("GET", r"/pulls$")
    run = subprocess.run(
        [sys.executable, "-c", SCRIPT, fake_github.url, fake_github.repo, "1" if debug else "0"],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    assert json.loads(run.stdout) == ["github-actions[bot]", None]
    if debug:
        assert "Request GET /user failed with 403" in run.stderr
    else:
        assert run.stderr == ""
