"""Git over HTTP with a token, against a smart-HTTP remote that checks it
(tests/support/git_http.py): branches are published and listed; a bad token, a refused push
and an unreachable remote each fail with one line that says what to do and never shows the
token; PCS_DEBUG keeps git's full output in the error's detail."""

from __future__ import annotations

import base64
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from pcs_gitops.adapters.git import failure_summary, run_git
from pcs_gitops.adapters.request_branch import GitBranchWorkspace
from pcs_gitops.errors import GitError
from tests.support.git_http import GitHttpRemote

TOKEN = "s3cr3t-token"
ENV = {
    "GIT_AUTHOR_NAME": "t",
    "GIT_AUTHOR_EMAIL": "t@example.org",
    "GIT_COMMITTER_NAME": "t",
    "GIT_COMMITTER_EMAIL": "t@example.org",
}


@pytest.fixture
def remote(tmp_path: Path) -> Iterator[GitHttpRemote]:
    with GitHttpRemote(tmp_path / "remotes", token=TOKEN) as served:
        yield served


def git(root: Path, *args: str) -> str:
    run = subprocess.run(
        ["git", *args],
        cwd=root,
        env={"PATH": "/usr/bin:/bin", "HOME": str(root), **ENV},
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return run.stdout.strip()


@pytest.fixture
def checkout(tmp_path: Path, remote: GitHttpRemote) -> tuple[Path, str]:
    """A local repository with one commit on main, pushed to a new remote over HTTP."""
    root = tmp_path / "local"
    root.mkdir()
    git(root, "init", "--quiet", "--initial-branch=main")
    (root / "README").write_text("x\n", encoding="utf-8")
    git(root, "add", "README")
    git(root, "commit", "--quiet", "-m", "first")
    url = remote.create("origin.git")
    header = base64.b64encode(f"x-access-token:{TOKEN}".encode()).decode()
    git(root, "-c", f"http.extraheader=AUTHORIZATION: basic {header}", "push", "-q", url, "main")
    return root, url


def test_a_branch_is_published_and_listed_over_http_with_the_token(
    checkout: tuple[Path, str], remote: GitHttpRemote
) -> None:
    root, url = checkout
    workspace = GitBranchWorkspace(root, remote_url=url, token=TOKEN)
    head = git(root, "rev-parse", "HEAD")
    workspace.publish("pcs/request-1", head, None)
    assert workspace.branches("pcs/") == ["pcs/request-1"]
    assert {status for _, _, status in remote.requests} == {200}


def test_a_wrong_token_fails_in_one_line_without_the_token(
    checkout: tuple[Path, str], remote: GitHttpRemote
) -> None:
    root, url = checkout
    workspace = GitBranchWorkspace(root, remote_url=url, token="wrong-" + TOKEN)
    with pytest.raises(GitError) as failure:
        workspace.branches("pcs/")
    message = str(failure.value)
    assert message.startswith("git ls-remote failed (exit 128): ")
    assert message.endswith(
        "the remote refused the credentials; check that the token (PCS_GITHUB_TOKEN or "
        "GITHUB_TOKEN) is valid and may push to the repository"
    )
    assert "\n" not in message
    assert TOKEN not in message and TOKEN not in failure.value.detail
    assert "git -c core.hooksPath=/dev/null ls-remote --heads" in failure.value.detail
    assert ("GET", "/origin.git/info/refs", 401) in remote.requests


def test_a_refused_push_fails_in_one_line(
    checkout: tuple[Path, str], remote: GitHttpRemote
) -> None:
    root, url = checkout
    remote.refuse_pushes = True
    workspace = GitBranchWorkspace(root, remote_url=url, token=TOKEN)
    with pytest.raises(GitError) as failure:
        workspace.publish("main", git(root, "rev-parse", "HEAD"), None)
    message = str(failure.value)
    assert message.startswith("git push failed (exit 128): ")
    assert "403" in message and "\n" not in message


def test_an_unreachable_remote_says_so(tmp_path: Path) -> None:
    with pytest.raises(GitError) as failure:
        run_git(["ls-remote", "http://127.0.0.1:9/x.git"], tmp_path)
    assert str(failure.value).endswith(
        "the remote could not be reached; check the network and the remote URL"
    )


@pytest.mark.parametrize(
    ("args", "output", "expected"),
    [
        (
            ["push", "--quiet", "url", "a:refs/heads/main"],
            "To http://h/r.git\n ! [rejected]        a -> main (fetch first)\n"
            "error: failed to push some refs to 'http://h/r.git'\nhint: Updates were rejected\n",
            "git push failed (exit 1): ! [rejected]        a -> main (fetch first); the remote "
            "branch moved meanwhile or refuses this push; run again, and if it persists check "
            "the branch protection",
        ),
        (
            ["-c", "core.hooksPath=/dev/null", "commit", "-m", "x"],
            "Author identity unknown\n\n*** Please tell me who you are.\n\nfatal: unable to "
            "auto-detect email address (got 'x@y.(none)')\n",
            "git commit failed (exit 128): unable to auto-detect email address (got "
            "'x@y.(none)'); set an identity: git config user.name and user.email",
        ),
        (
            ["merge", "--ff-only", "abc"],
            "hint: Diverging branches can't be fast-forwarded\nfatal: Not possible to "
            "fast-forward, aborting.\n",
            "git merge failed (exit 128): Not possible to fast-forward, aborting; rerun with "
            "PCS_DEBUG=1 to see git's full output",
        ),
        (
            ["status"],
            "",
            "git status failed (exit 1): no message; rerun with PCS_DEBUG=1 to "
            "see git's full output",
        ),
    ],
)
def test_a_git_failure_is_one_line_with_gits_key_line_and_advice(
    args: list[str], output: str, expected: str
) -> None:
    assert failure_summary(args, 1 if "push" in args or args == ["status"] else 128, output) == (
        expected
    )
