"""Who holds a token: GET /user on the fake GitHub over real HTTP, cached by token hash."""

from __future__ import annotations

import socket

import pytest

from pcs_gitops.adapters.github_identity import GitHubIdentity
from pcs_gitops.errors import GitHubError, Unauthenticated
from tests.support.fake_github import FakeGitHub
from tests.support.fake_github_fixture import fake_github_server  # noqa: F401

TOKENS = {"tok-alice": "alice", "tok-bob": "bob"}


class Ticks:
    """A monotonic clock the test moves by hand."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def user_requests(fake: FakeGitHub) -> int:
    return sum(1 for request in fake.requests if request == ("GET", "/user"))


def test_a_token_resolves_to_its_login_with_the_token_as_bearer(fake_github: FakeGitHub) -> None:
    fake_github.tokens = dict(TOKENS)
    identity = GitHubIdentity(fake_github.url)
    assert identity.login_for("tok-alice") == "alice"
    assert identity.login_for("tok-bob") == "bob"
    assert fake_github.calls[0].headers["authorization"] == "Bearer tok-alice"


def test_a_known_token_is_asked_about_once_until_its_entry_ages(fake_github: FakeGitHub) -> None:
    fake_github.tokens = dict(TOKENS)
    ticks = Ticks()
    identity = GitHubIdentity(fake_github.url, max_age=60, monotonic=ticks)
    for _ in range(3):
        assert identity.login_for("tok-alice") == "alice"
    assert user_requests(fake_github) == 1
    ticks.now += 61
    assert identity.login_for("tok-alice") == "alice"
    assert user_requests(fake_github) == 2


def test_the_cache_keeps_at_most_its_size_forgetting_the_least_recent(
    fake_github: FakeGitHub,
) -> None:
    fake_github.tokens = {f"tok-{n}": f"user-{n}" for n in range(4)}
    identity = GitHubIdentity(fake_github.url, max_entries=2)
    for n in (0, 1, 0, 2):  # 1 is now the least recently used
        identity.login_for(f"tok-{n}")
    assert user_requests(fake_github) == 3
    identity.login_for("tok-0")
    assert user_requests(fake_github) == 3
    identity.login_for("tok-1")
    assert user_requests(fake_github) == 4


def test_the_cache_holds_no_token_in_clear(fake_github: FakeGitHub) -> None:
    fake_github.tokens = dict(TOKENS)
    identity = GitHubIdentity(fake_github.url)
    identity.login_for("tok-alice")
    assert "tok-alice" not in repr(vars(identity))


def test_a_refused_token_is_unauthenticated_without_echoing_it(fake_github: FakeGitHub) -> None:
    fake_github.tokens = dict(TOKENS)
    identity = GitHubIdentity(fake_github.url)
    for _ in range(2):
        with pytest.raises(Unauthenticated) as refused:
            identity.login_for("tok-secret-wrong")
        assert "tok-secret-wrong" not in str(refused.value)
        assert str(refused.value).startswith("GitHub did not accept the token (GET ")
    assert user_requests(fake_github) == 2  # refusals are not cached


def test_a_github_failure_is_a_github_error(fake_github: FakeGitHub) -> None:
    fake_github.fail_next("GET", r"/user", 500, {"message": "boom"})
    with pytest.raises(GitHubError, match="answered 500 while identifying the token"):
        GitHubIdentity(fake_github.url).login_for("tok-alice")


def test_an_unreachable_github_is_a_github_error_naming_the_setting() -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    with pytest.raises(GitHubError, match="check GITHUB_API_URL"):
        GitHubIdentity(f"http://127.0.0.1:{port}").login_for("tok-alice")
