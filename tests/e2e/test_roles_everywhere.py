"""One identity and role model on every surface: a caller without the role is refused with the
same words on GitHub (the comment's author), the CLI (``--actor``), MCP (the local user's
``created_by``) and REST (the token's login), and nothing changes anywhere."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from pcs_gitops.entrypoints.cli import cli
from tests.conftest import snapshot
from tests.support.fake_github import FakeGitHub
from tests.support.gh_events import (
    MANAGER,
    OTHER_MANAGER,
    REQUESTER,
    comment_event,
    git,
    issue,
    issue_event,
    make_catalogue_repo,
    write_event,
)
from tests.support.mcp_client import call
from tests.support.rest_client import rest_server

STRANGER = "mallory"
TASK = "issue-250"


def pcs(root: Path, *args: str, env: dict[str, str] | None = None) -> Any:
    return CliRunner().invoke(
        cli,
        ["--repo", str(root), *args],
        env={"GITHUB_TOKEN": "", "PCS_GITHUB_TOKEN": "", **(env or {})},
    )


@pytest.fixture
def published(tmp_path: Path) -> Path:
    """A catalogue whose main holds request #250 (taken in by the pipeline, then merged)."""
    root = make_catalogue_repo(tmp_path / "catalogue")
    event = write_event(tmp_path, "opened", issue_event("opened", issue(250)))
    done = pcs(root, "gh", "handle", "--offline", "--event-name", "issues", "--event-path", event)
    assert done.exit_code == 0, done.output
    git(root, "merge", "-q", "--no-ff", "-m", "Merge #1", "pcs/request-250")
    return root


def _did(root: Path) -> str:
    listing = pcs(root, "dataset", "list", "--json")
    return str(json.loads(listing.stdout)["datasets"][0]["did"])


def test_a_caller_without_the_role_is_refused_identically_on_every_surface(
    published: Path, tmp_path: Path
) -> None:
    root, did = published, _did(published)
    before = snapshot(root)
    expected = (
        f"{STRANGER} may not change this request ('{TASK}'): only the requester, a member of "
        "the request's PWG, a production manager or an admin may change this request. Who may: "
        f"the requester and `{MANAGER}`, `{OTHER_MANAGER}` (from state/roles.yaml)"
    )
    by_cli = pcs(root, "--actor", STRANGER, "task", "link-input", TASK, "--did", did)
    assert by_cli.exit_code == 1
    assert by_cli.stderr.strip() == f"Error: {expected}"

    by_mcp = call(
        root, "pcs_prodtask_link_input", {"task_name": TASK, "did": did, "created_by": STRANGER}
    )
    assert by_mcp.is_error and by_mcp.text == expected

    with FakeGitHub() as fake:
        fake.tokens = {"tok-mallory": STRANGER}
        with rest_server(root, {"GITHUB_API_URL": fake.url}) as rest:
            answer = rest.post(
                f"/pcs/api/prod-tasks/{TASK}/link-input/", {"did": did}, token="tok-mallory"
            )
    assert (answer.status, answer.message) == (403, expected)

    comment = comment_event(issue(250), f"/pcs link-input {did}", STRANGER, comment_id=77)
    event = write_event(tmp_path, "comment", comment)
    handled = pcs(
        root,
        "gh",
        "handle",
        "--offline",
        "--json",
        "--event-name",
        "issue_comment",
        "--event-path",
        str(event),
    )
    assert handled.exit_code == 0, handled.output
    assert json.loads(handled.stdout)["commits"] == []
    replies = [
        json.loads(line)["body"]
        for line in (root / ".pcs" / "outbox.jsonl").read_text().splitlines()
        if "<!-- pcs-reply: 77 -->" in line
    ]
    assert len(replies) == 1 and f"Not applied: {expected}" in replies[0]
    assert snapshot(root) == before


def test_the_requester_changes_their_request_and_only_a_manager_moves_it(
    published: Path,
) -> None:
    did = _did(published)
    linked = pcs(published, "--actor", REQUESTER, "task", "link-input", TASK, "--did", did)
    assert linked.exit_code == 0, linked.output
    refused = pcs(published, "--actor", REQUESTER, "task", "set-status", TASK, "draft")
    assert refused.exit_code == 1
    assert "may not move this request back to draft" in refused.stderr
    by_manager = pcs(published, "--actor", MANAGER, "task", "set-status", TASK, "draft")
    assert by_manager.exit_code == 0, by_manager.output
