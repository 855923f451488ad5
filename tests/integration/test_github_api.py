"""PyGithubClient against the fake GitHub server, over real HTTP."""

from __future__ import annotations

import re
import socket
import subprocess
import sys
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from pcs_gitops.adapters.github_api import ACTIONS_BOT_LOGIN, PyGithubClient
from pcs_gitops.errors import GitHubError, PcsError, UsageError
from pcs_gitops.services.github_port import CommentInfo, GitHubPort, PullInfo
from tests.support.fake_github import FakeGitHub
from tests.support.fake_github_fixture import fake_github_server  # noqa: F401

REPO = "octo-org/pcs-state"

Factory = Callable[..., PyGithubClient]


@pytest.fixture
def make_client(fake_github: FakeGitHub) -> Iterator[Factory]:
    clients: list[PyGithubClient] = []

    def make(**kwargs: Any) -> PyGithubClient:
        options: dict[str, Any] = {
            "retries": 2,
            "backoff": 0.001,
            "secondary_rate_wait": 0.01,
            "seconds_between_requests": None,
            "seconds_between_writes": None,
            "timeout": 5,
        }
        options.update(kwargs)
        token = options.pop("token", "test-token")
        repo = options.pop("repository", fake_github.repo)
        client = PyGithubClient(token, repo, fake_github.url, **options)
        clients.append(client)
        return client

    yield make
    for client in clients:
        client.close()


@pytest.fixture
def client(make_client: Factory) -> PyGithubClient:
    return make_client()


# ---------------------------------------------------------------------------- construction


def test_is_a_github_port(client: PyGithubClient) -> None:
    assert isinstance(client, GitHubPort)


def test_import_loads_no_pygithub() -> None:
    code = (
        "import sys, pcs_gitops.adapters.github_api as m; "
        "m.PyGithubClient('t', 'o/r'); "
        "assert 'github' not in sys.modules and 'requests' not in sys.modules, sorted(sys.modules)"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_construction_sends_nothing(fake_github: FakeGitHub, client: PyGithubClient) -> None:
    assert fake_github.requests == []
    assert client.api_calls == 0


@pytest.mark.parametrize("bad", ["", "octo-org", "/x", "x/", "a/b/c"])
def test_bad_repository_is_a_usage_error(bad: str) -> None:
    with pytest.raises(UsageError, match="owner/name"):
        PyGithubClient("t", bad)


# ---------------------------------------------------------------------------- pull requests


def test_create_find_update_pull(fake_github: FakeGitHub, client: PyGithubClient) -> None:
    assert client.find_pull("pcs/request-5") is None

    created = client.create_pull(
        title="Request 5", body="body ✓", head="pcs/request-5", base="main"
    )
    assert created == PullInfo(
        number=1,
        head="pcs/request-5",
        base="main",
        title="Request 5",
        body="body ✓",
        state="open",
        merged=False,
        html_url=f"https://github.com/{REPO}/pull/1",
    )
    assert client.find_pull("pcs/request-5") == created
    assert client.find_pull("pcs/request-6") is None

    updated = client.update_pull(1, title="Request 5 (v2)", body="new body")
    assert (updated.title, updated.body, updated.state) == ("Request 5 (v2)", "new body", "open")
    assert fake_github.state.issues[1]["title"] == "Request 5 (v2)"

    closed = client.update_pull(1, state="closed")
    assert closed.state == "closed"
    assert client.find_pull("pcs/request-5") == closed  # closed PRs are found too

    # an update without changes is a read
    fake_github.clear_log()
    assert client.update_pull(1) == closed
    assert fake_github.requests == [("GET", f"/repos/{REPO}/pulls/1")]


def test_find_pull_is_one_request_and_picks_newest(
    fake_github: FakeGitHub, client: PyGithubClient
) -> None:
    fake_github.add_pull("pcs/request-7", title="old", state="closed")
    fake_github.add_pull("pcs/other")
    fake_github.add_pull("pcs/request-7", title="new", merged=True)
    fake_github.clear_log()

    found = client.find_pull("pcs/request-7")

    assert found is not None
    assert (found.number, found.title, found.merged, found.state) == (3, "new", True, "closed")
    # the list response is enough: no lazy completion of the PR objects
    assert fake_github.requests == [("GET", f"/repos/{REPO}/pulls")]
    query = fake_github.calls[0].query
    assert query["head"] == "octo-org:pcs/request-7"
    assert query["state"] == "all"
    assert query["per_page"] == "100"


def test_duplicate_pull_is_a_clear_github_error(
    fake_github: FakeGitHub, client: PyGithubClient
) -> None:
    client.create_pull(title="t", body="b", head="pcs/request-5", base="main")
    with pytest.raises(GitHubError) as info:
        client.create_pull(title="t", body="b", head="pcs/request-5", base="main")
    message = str(info.value)
    assert message.startswith(
        "GitHub refused create_pull (422): Validation Failed: "
        "A pull request already exists for octo-org:pcs/request-5. Check "
    )
    assert isinstance(info.value, PcsError)
    assert len(fake_github.writes) == 2  # a 422 is not retried


def test_update_unknown_pull_is_404(client: PyGithubClient) -> None:
    with pytest.raises(GitHubError, match=r"GitHub refused update_pull \(404\): Not Found\. Check"):
        client.update_pull(99, title="x")


def test_other_repository_is_404(make_client: Factory) -> None:
    other = make_client(repository="octo-org/elsewhere")
    with pytest.raises(GitHubError, match=r"\(404\).*octo-org/elsewhere exists"):
        other.find_pull("x")


# ---------------------------------------------------------------------------- comments


def test_comments_create_update_and_list_all_pages(
    fake_github: FakeGitHub, client: PyGithubClient
) -> None:
    issue = fake_github.add_issue(title="a request")
    fake_github.add_comment(issue, "from a human", user="alice")
    created = [client.create_comment(issue, f"comment {i}") for i in range(104)]
    assert created[0].author == "pcs-bot"
    assert created[0].html_url.endswith(f"/issues/{issue}#issuecomment-{created[0].id}")
    client.update_comment(created[3].id, "edited ✓")
    fake_github.clear_log()

    comments = client.list_comments(issue)

    assert len(comments) == 105
    assert comments[0] == CommentInfo(
        id=comments[0].id,
        author="alice",
        body="from a human",
        html_url=comments[0].html_url,
        created_at=comments[0].created_at,
    )
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", comments[0].created_at)
    assert [c.id for c in comments] == sorted(c.id for c in comments)
    assert comments[4].body == "edited ✓"
    assert comments[-1].body == "comment 103"
    # two pages of 100, following the Link header
    assert fake_github.requests == [("GET", f"/repos/{REPO}/issues/{issue}/comments")] * 2
    assert fake_github.calls[0].query.get("per_page") == "100"
    assert fake_github.calls[1].query == {"per_page": "100", "page": "2"}


def test_comment_is_one_post(fake_github: FakeGitHub, client: PyGithubClient) -> None:
    issue = fake_github.add_issue()
    client.create_comment(issue, "hi")
    client.update_comment(1_000_001, "ho")
    assert fake_github.requests == [
        ("POST", f"/repos/{REPO}/issues/{issue}/comments"),
        ("PATCH", f"/repos/{REPO}/issues/comments/1000001"),
    ]


# ---------------------------------------------------------------------------- issues, labels


def test_labels_add_and_remove_with_404_tolerated(
    fake_github: FakeGitHub, client: PyGithubClient
) -> None:
    issue = fake_github.add_issue(labels=["pcs/request"])
    client.add_labels(issue, ["pcs/approved", "needs review"])
    client.add_labels(issue, [])  # nothing to do, nothing sent
    assert fake_github.state.issues[issue]["labels"] == [
        "pcs/request",
        "pcs/approved",
        "needs review",
    ]

    client.remove_label(issue, "pcs/approved")
    client.remove_label(issue, "needs review")
    client.remove_label(issue, "pcs/approved")  # 404 "Label does not exist": fine

    assert fake_github.state.issues[issue]["labels"] == ["pcs/request"]
    assert [m for m, _ in fake_github.requests] == ["POST", "DELETE", "DELETE", "DELETE"]


def test_remove_label_other_errors_raise(fake_github: FakeGitHub, client: PyGithubClient) -> None:
    issue = fake_github.add_issue(labels=["x"])
    fake_github.fail_next("DELETE", r"/labels/", 403, {"message": "Must have admin rights"})
    with pytest.raises(GitHubError, match=r"remove_label \(403\): Must have admin rights\. Check"):
        client.remove_label(issue, "x")


def test_create_issue_close_and_find_by_marker(
    fake_github: FakeGitHub, client: PyGithubClient
) -> None:
    marker = "<!-- pcs:request-id=42 -->"
    # a PR mentioning the marker is not an issue
    fake_github.add_pull("pcs/request-42", body=f"PR for\n{marker}")
    for i in range(120):  # more than one page of issues
        fake_github.add_issue(title=f"filler {i}", body=f"other {i}")
    assert client.find_issue_by_marker(marker) is None

    number = client.create_issue(
        title="Request 42", body=f"text\n{marker}\n", labels=["pcs/request", "pcs/new"]
    )
    assert fake_github.state.issues[number]["labels"] == ["pcs/request", "pcs/new"]
    for i in range(3):
        fake_github.add_issue(title=f"later {i}")
    client.close_issue(number, reason="not_planned")
    assert fake_github.state.issues[number]["state"] == "closed"
    assert fake_github.state.issues[number]["state_reason"] == "not_planned"

    fake_github.clear_log()
    assert client.find_issue_by_marker(marker) == number  # closed issues count
    assert fake_github.requests == [("GET", f"/repos/{REPO}/issues")]  # newest first: one page
    assert fake_github.calls[0].query["state"] == "all"

    with pytest.raises(UsageError):
        client.find_issue_by_marker("")


def test_find_issue_by_marker_reads_every_page_without_lazy_fetches(
    fake_github: FakeGitHub, client: PyGithubClient
) -> None:
    first = fake_github.add_issue(title="old one", body="<!-- m -->")
    for i in range(150):
        fake_github.add_issue(title=f"filler {i}")
    fake_github.clear_log()
    assert client.find_issue_by_marker("<!-- m -->") == first
    assert fake_github.requests == [("GET", f"/repos/{REPO}/issues")] * 2


# ---------------------------------------------------------------------------- statuses, teams


def test_set_status(fake_github: FakeGitHub, client: PyGithubClient) -> None:
    sha = "a" * 40
    client.set_status(
        sha,
        state="pending",
        context="pcs/validate",
        description="validating",
        target_url="https://example.org/run/1",
    )
    client.set_status(sha, state="success", context="pcs/validate", description="x" * 300)
    first, second = fake_github.state.statuses
    assert (first["sha"], first["state"], first["context"]) == (sha, "pending", "pcs/validate")
    assert first["target_url"] == "https://example.org/run/1"
    assert len(second["description"]) == 140  # truncated, GitHub would refuse more
    assert second["target_url"] is None
    assert fake_github.requests == [("POST", f"/repos/{REPO}/statuses/{sha}")] * 2


def test_bad_status_state_is_422(client: PyGithubClient) -> None:
    with pytest.raises(GitHubError, match=r"set_status \(422\): Validation Failed: Status state"):
        client.set_status("abc", state="great", context="c", description="d")


def test_team_membership(fake_github: FakeGitHub, client: PyGithubClient) -> None:
    fake_github.add_team_member("octo-org", "pcs-leads", "alice")
    fake_github.add_team_member("octo-org", "pcs-leads", "carol", state="pending")
    assert client.has_team_member("octo-org", "pcs-leads", "alice") is True
    assert client.has_team_member("octo-org", "pcs-leads", "bob") is False
    assert client.has_team_member("octo-org", "pcs-leads", "carol") is False  # invited only
    assert client.has_team_member("octo-org", "no-such-team", "alice") is False
    assert fake_github.requests == [
        ("GET", "/orgs/octo-org/teams/pcs-leads/memberships/alice"),
        ("GET", "/orgs/octo-org/teams/pcs-leads/memberships/bob"),
        ("GET", "/orgs/octo-org/teams/pcs-leads/memberships/carol"),
        ("GET", "/orgs/octo-org/teams/no-such-team/memberships/alice"),
    ]


def test_team_membership_forbidden_raises(fake_github: FakeGitHub, client: PyGithubClient) -> None:
    fake_github.fail_next("GET", r"/memberships/", 403, {"message": "Resource not accessible"})
    with pytest.raises(GitHubError, match=r"has_team_member \(403\).*members: read"):
        client.has_team_member("octo-org", "pcs-leads", "alice")


# ---------------------------------------------------------------------------- identity


def test_bot_login_is_cached(fake_github: FakeGitHub, client: PyGithubClient) -> None:
    assert client.bot_login() == "pcs-bot"
    assert client.bot_login() == "pcs-bot"
    assert fake_github.requests == [("GET", "/user")]


def test_bot_login_of_an_installation_token(
    fake_github: FakeGitHub, client: PyGithubClient
) -> None:
    fake_github.fail_next(
        "GET", r"^/user$", 403, {"message": "Resource not accessible by integration"}
    )
    assert client.bot_login() == ACTIONS_BOT_LOGIN


def test_bot_login_given(fake_github: FakeGitHub, make_client: Factory) -> None:
    assert make_client(bot_login="my-app[bot]").bot_login() == "my-app[bot]"
    assert fake_github.requests == []


def test_bad_token(fake_github: FakeGitHub, make_client: Factory) -> None:
    fake_github.tokens = {"good": "alice"}
    with pytest.raises(
        GitHubError, match=r"bot_login \(401\): Bad credentials\. Check that the token"
    ):
        make_client(token="bad").bot_login()
    assert make_client(token="good").bot_login() == "alice"


# ---------------------------------------------------------------------------- retries


def test_retry_on_a_502_then_success(fake_github: FakeGitHub, client: PyGithubClient) -> None:
    fake_github.add_pull("pcs/request-1")
    fake_github.fail_next("GET", r"/pulls$", 502)
    found = client.find_pull("pcs/request-1")
    assert found is not None and found.number == 1
    assert fake_github.requests == [("GET", f"/repos/{REPO}/pulls")] * 2
    assert client.api_calls == 2


def test_idempotent_writes_are_retried(fake_github: FakeGitHub, client: PyGithubClient) -> None:
    fake_github.add_pull("pcs/request-1")
    fake_github.fail_next("PATCH", r"/pulls/1$", 503)
    assert client.update_pull(1, title="new").title == "new"
    assert fake_github.requests == [("PATCH", f"/repos/{REPO}/pulls/1")] * 2
    assert client.write_calls == 2


def test_post_is_not_retried_on_5xx(fake_github: FakeGitHub, client: PyGithubClient) -> None:
    issue = fake_github.add_issue()
    fake_github.fail_next("POST", r"/comments$", 502)
    with pytest.raises(GitHubError) as info:
        client.create_comment(issue, "once")
    assert str(info.value).startswith("GitHub refused create_comment (502): Server Error. ")
    assert "not retried" in str(info.value)
    assert fake_github.requests == [("POST", f"/repos/{REPO}/issues/{issue}/comments")]
    assert fake_github.state.comments == {}


def test_dropped_connection(fake_github: FakeGitHub, client: PyGithubClient) -> None:
    issue = fake_github.add_issue()
    fake_github.drop_next("GET", r"/comments$")
    assert client.list_comments(issue) == []  # a read is retried
    fake_github.drop_next("POST", r"/comments$")
    with pytest.raises(GitHubError, match="Could not reach GitHub"):
        client.create_comment(issue, "once")  # the POST may have arrived: not sent twice
    assert [m for m, _ in fake_github.requests] == ["GET", "GET", "POST"]
    assert client.api_calls == 3


def test_retries_exhausted(fake_github: FakeGitHub, client: PyGithubClient) -> None:
    fake_github.fail_next("GET", r"/pulls$", 500, times=10)
    with pytest.raises(GitHubError, match=r"find_pull \(500\): Server Error\. .*2 retries"):
        client.find_pull("x")
    assert len(fake_github.requests) == 3  # 1 + 2 retries
    assert client.api_calls == 3


@pytest.mark.parametrize("status", [403, 429])
def test_secondary_rate_limit_then_success(
    fake_github: FakeGitHub, client: PyGithubClient, status: int
) -> None:
    issue = fake_github.add_issue()
    fake_github.rate_limit_next("POST", r"/comments$", status=status)
    comment = client.create_comment(issue, "after the limit")
    assert comment.body == "after the limit"
    assert fake_github.requests == [("POST", f"/repos/{REPO}/issues/{issue}/comments")] * 2
    assert len(fake_github.state.comments) == 1
    assert (client.api_calls, client.write_calls) == (2, 2)


def test_secondary_rate_limit_without_retry_after(
    fake_github: FakeGitHub, client: PyGithubClient
) -> None:
    fake_github.add_pull("pcs/request-1")
    fake_github.rate_limit_next("GET", r"/pulls$", retry_after=None)
    assert client.find_pull("pcs/request-1") is not None
    assert len(fake_github.requests) == 2


def test_persistent_rate_limit_is_reported(fake_github: FakeGitHub, client: PyGithubClient) -> None:
    fake_github.rate_limit_next("GET", r"/pulls$", times=10)
    with pytest.raises(GitHubError, match=r"find_pull \(403\): You have exceeded a secondary rate"):
        client.find_pull("x")
    assert len(fake_github.requests) == 3


def test_exhausted_rate_limit_without_retry_after_says_so(
    fake_github: FakeGitHub, client: PyGithubClient
) -> None:
    # GithubRetry reads the 403 body to recognise the rate limit, so the message is lost
    fake_github.rate_limit_next("GET", r"/pulls$", times=10, retry_after=None)
    with pytest.raises(GitHubError, match=r"\(403\).*a rate limit outlasted 2 retries"):
        client.find_pull("x")


def test_unreachable_server() -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    client = PyGithubClient(
        "t",
        REPO,
        f"http://127.0.0.1:{port}",
        retries=1,
        backoff=0.001,
        seconds_between_requests=None,
        seconds_between_writes=None,
    )
    with pytest.raises(GitHubError, match=r"Could not reach GitHub at http://127\.0\.0\.1"):
        client.find_pull("x")
    assert client.api_calls == 2  # the attempt and its retry, though neither got an answer
    client.close()


# ---------------------------------------------------------------------------- counting


def test_api_and_write_calls_match_the_server_log(
    fake_github: FakeGitHub, client: PyGithubClient
) -> None:
    issue = fake_github.add_issue()
    fake_github.add_team_member("octo-org", "leads", "alice")
    pr = client.create_pull(title="t", body="b", head="pcs/x", base="main")
    client.find_pull("pcs/x")
    client.update_pull(pr.number, body="b2")
    c = client.create_comment(issue, "c")
    client.update_comment(c.id, "c2")
    client.list_comments(issue)
    client.add_labels(issue, ["a"])
    client.remove_label(issue, "zzz")
    client.close_issue(issue)
    client.create_issue(title="i", body="m", labels=[])
    client.find_issue_by_marker("m")
    client.set_status("f" * 40, state="success", context="c", description="d")
    client.has_team_member("octo-org", "leads", "alice")
    client.bot_login()
    fake_github.fail_next("GET", r"/user", 502)  # not sent: bot_login is cached
    client.bot_login()

    assert client.api_calls == len(fake_github.requests) == 14
    assert client.write_calls == len(fake_github.writes) == 9


# ---------------------------------------------------------------------------- dry run


def test_dry_run_sends_no_writes(fake_github: FakeGitHub, make_client: Factory) -> None:
    issue = fake_github.add_issue(labels=["x"])
    existing = fake_github.add_pull("pcs/request-9", title="old title")
    dry = make_client(dry_run=True)

    pr = dry.create_pull(title="t", body="b", head="pcs/request-10", base="main")
    assert (pr.number, pr.state, pr.head) == (0, "open", "pcs/request-10")
    updated = dry.update_pull(existing, title="new title", state="closed")
    assert (updated.number, updated.title, updated.state) == (existing, "new title", "closed")
    comment = dry.create_comment(issue, "hello")
    assert (comment.id, comment.author, comment.body) == (0, "pcs-bot", "hello")
    dry.update_comment(5, "x")
    dry.add_labels(issue, ["y"])
    dry.remove_label(issue, "x")
    dry.close_issue(issue)
    assert dry.create_issue(title="i", body="b", labels=["l"]) == 0
    dry.set_status("abc", state="success", context="c", description="d", target_url=None)
    assert dry.find_pull("pcs/request-9") is not None  # reads go through

    assert fake_github.writes == []
    assert dry.write_calls == 0
    assert dry.api_calls == len(fake_github.requests) == 3  # GET pull, GET /user, GET pulls
    assert [e["op"] for e in dry.dry_run_log] == [
        "create_pull",
        "update_pull",
        "create_comment",
        "update_comment",
        "add_labels",
        "remove_label",
        "close_issue",
        "create_issue",
        "set_status",
    ]
    assert dry.dry_run_log[1] == {
        "op": "update_pull",
        "number": existing,
        "title": "new title",
        "state": "closed",
    }
    assert fake_github.state.issues[existing]["title"] == "old title"
    assert fake_github.state.issues[issue]["labels"] == ["x"]
