"""``PCS_MCP_MODE=github`` offline: MCP writes land on branches with one pull request each.

The MCP server runs in memory against a real git repository (no token, so branches are local
refs and GitHub calls go to ``.pcs/outbox.jsonl``, as ``pcs gh handle --offline`` does).
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from pcs_gitops.entrypoints.cli import cli
from tests.conftest import snapshot
from tests.support.gh_events import (
    MANAGER,
    git,
    issue,
    issue_event,
    make_catalogue_repo,
    write_event,
)
from tests.support.mcp_client import call, calls, payload

NEW_PATH = "/volatile/eic/EPIC/EVGEN/DIS/pythia8.306-1.0/NC/noRad/ep/18x275/q2_5to50"
ROW = {"pwg": "jets_hf", "priority": "2", "dataset_path": NEW_PATH, "events": "1M"}
GITHUB = {"PCS_MCP_MODE": "github"}


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    return make_catalogue_repo(tmp_path / "catalogue")


def outbox(root: Path) -> list[dict[str, Any]]:
    path = root / ".pcs" / "outbox.jsonl"
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def ops(root: Path, op: str) -> list[dict[str, Any]]:
    return [entry for entry in outbox(root) if entry["op"] == op]


def branches(root: Path) -> list[str]:
    out = git(root, "for-each-ref", "--format=%(refname:short)", "refs/heads/")
    return sorted(out.splitlines())


class Untouched:
    """The working tree, the index, HEAD and the checked-out branch of the repository."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.state = self._now()

    def _now(self) -> tuple[Any, ...]:
        root = self.root
        return (
            git(root, "rev-parse", "HEAD"),
            git(root, "symbolic-ref", "HEAD"),
            git(root, "status", "--porcelain", "--untracked-files=all"),
            snapshot(root),
        )

    def check(self) -> None:
        assert self._now() == self.state


def test_task_intake_commits_to_the_request_branch_and_opens_one_pull(repo: Path) -> None:
    base = git(repo, "rev-parse", "main")
    untouched = Untouched(repo)
    args = {"public_catalog_issue": "#7", **ROW}
    data = payload(call(repo, "pcs_prodtask_intake", args, **GITHUB))
    assert (data["created"], data["name"]) == (True, "issue-7")
    assert data["commit"]["records_written"] == ["state/prod_tasks/issue-7.yaml"]
    published = data["published"]
    head = git(repo, "rev-parse", "pcs/request-7")
    assert published == {
        "branch": "pcs/request-7",
        "base": "main",
        "commit": head,
        "pull": {"number": 1, "url": "outbox:pull/1", "action": "created"},
    }
    # one commit on top of main, holding the record only (main renders the catalogue)
    assert git(repo, "rev-parse", "pcs/request-7^") == base
    assert git(repo, "log", "-1", "--format=%s", head) == "Task intake issue-7"
    changed = git(repo, "diff", "--name-only", base, head).splitlines()
    assert changed == ["state/prod_tasks/issue-7.yaml"]
    record = git(repo, "show", f"{head}:state/prod_tasks/issue-7.yaml")
    assert NEW_PATH in record and "surface: mcp" in record
    untouched.check()
    assert not (repo / "state" / "prod_tasks" / "issue-7.yaml").exists()
    # the request pipeline's pull request: its title, its body, ONE of it; the new head's status
    pull, status = outbox(repo)
    assert (status["op"], status["sha"], status["context"], status["state"]) == (
        "set_status",
        head,
        "pcs/validate",
        "success",
    )
    assert (pull["op"], pull["head"], pull["base"], pull["number"]) == (
        "create_pull",
        "pcs/request-7",
        "main",
        1,
    )
    assert pull["title"].startswith("[Dataset Request] #7: jets_hf")
    assert pull["body"].startswith("<!-- pcs-request: 7 -->") and "Request #7" in pull["body"]

    again = payload(call(repo, "pcs_prodtask_intake", args, **GITHUB))
    assert (again["created"], again["changed"], again["commit"]) == (False, [], None)
    assert again["published"]["commit"] is None
    assert again["published"]["pull"] == {
        "number": 1,
        "url": "outbox:pull/1",
        "action": "unchanged",
    }
    assert git(repo, "rev-parse", "pcs/request-7") == head
    assert len(outbox(repo)) == 2
    untouched.check()


def test_later_changes_to_the_task_go_to_the_same_branch_and_pull(repo: Path) -> None:
    untouched = Untouched(repo)
    results = calls(
        repo,
        [
            ("pcs_prodtask_intake", {"public_catalog_issue": 8, **ROW}),
            ("pcs_prodtask_comment", {"task_name": "8", "text": "please", "created_by": "bob"}),
            ("pcs_prodtask_set_status", {"task_name": "issue-8", "status": "draft"}),
            (
                "pcs_prodtask_set_status",
                {"task_name": "issue-8", "status": "draft", "created_by": MANAGER},
            ),
        ],
        **GITHUB,
    )
    refused = results[2]
    made, commented, same = (payload(r) for r in (results[0], results[1], results[3]))
    # the roles decide: a local server's user names themselves, and must hold the role
    assert refused.is_error and refused.text.startswith("mcp may not move this request back")
    assert commented["published"]["branch"] == "pcs/request-8"
    assert commented["published"]["commit"] == git(repo, "rev-parse", "pcs/request-8")
    assert git(repo, "rev-parse", "pcs/request-8^") == made["published"]["commit"]
    assert commented["published"]["pull"]["number"] == 1
    assert commented["published"]["pull"]["action"] in ("unchanged", "updated")
    assert commented["history"][-1]["by"] == "bob"
    assert (same["from"], same["status"], same["commit"]) == ("draft", "draft", None)
    assert same["published"]["commit"] is None
    assert len(ops(repo, "create_pull")) == 1
    assert branches(repo) == ["main", "pcs/request-8"]
    untouched.check()


def test_a_refused_change_commits_nothing_and_says_what_the_cli_says(repo: Path) -> None:
    # a task on the default branch (written locally, committed as a merge would)
    payload(call(repo, "pcs_prodtask_intake", {"public_catalog_issue": 3, **ROW}))
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "issue-3")
    untouched = Untouched(repo)
    wrong = {"task_name": "issue-3", "status": "submitted"}
    github = call(repo, "pcs_prodtask_set_status", wrong, **GITHUB)
    assert github.is_error
    assert branches(repo) == ["main"] and outbox(repo) == []
    untouched.check()
    local = call(repo, "pcs_prodtask_set_status", wrong)
    assert local.is_error
    assert (github.text, github.data) == (local.text, local.data)
    assert github.text.startswith("task 'issue-3': cannot move from 'draft' to 'submitted'")
    # refused on an existing request branch: the branch and its pull request stay as they were
    payload(call(repo, "pcs_prodtask_comment", {"task_name": "3", "text": "hi"}, **GITHUB))
    head, lines = git(repo, "rev-parse", "pcs/request-3"), outbox(repo)
    again = call(repo, "pcs_prodtask_set_status", wrong, **GITHUB)
    assert again.is_error and again.text == local.text
    assert git(repo, "rev-parse", "pcs/request-3") == head and outbox(repo) == lines
    untouched.check()


def test_dataset_and_row_keyed_task_intakes_get_branches_of_their_own(repo: Path) -> None:
    untouched = Untouched(repo)
    digest = hashlib.sha256(f"path:{NEW_PATH}".encode()).hexdigest()[:12]
    row_key = f"Dataset Path={NEW_PATH}"
    task_args = {
        "public_catalog_csv_path": "docs/_data/datasets.csv",
        "public_catalog_row_key": row_key,
        "pwg": "inclusive",
    }
    results = calls(
        repo,
        [
            ("pcs_dataset_intake", {"source_location": NEW_PATH}),
            ("pcs_dataset_intake", {"source_location": NEW_PATH, "source_kind": "path"}),
            ("pcs_prodtask_intake", task_args),
            ("pcs_prodtask_intake", task_args),
        ],
        **GITHUB,
    )
    first, second, task, task_again = (payload(r) for r in results)
    branch = f"pcs/dataset-{digest}"
    assert first["created"] is True and first["published"]["branch"] == branch
    assert first["published"]["pull"]["action"] == "created"
    dataset_file = f"state/datasets/{first['name']}.yaml"
    assert NEW_PATH in git(repo, "show", f"{branch}:{dataset_file}")
    assert (second["created"], second["commit"], second["published"]["commit"]) == (
        False,
        None,
        None,
    )
    assert second["published"]["pull"]["action"] == "unchanged"
    assert git(repo, "rev-list", "--count", f"main..{branch}") == "1"
    task_branch = f"pcs/task-{task['name']}"
    assert task["published"]["branch"] == task_branch
    assert task["name"].startswith("req.")
    assert task_again["published"]["commit"] is None
    pulls = ops(repo, "create_pull")
    assert [(p["head"], p["title"]) for p in pulls] == [
        (branch, f"[PCS] Dataset {NEW_PATH}"),
        (task_branch, f"[PCS] Task {task['name']}"),
    ]
    assert all(p["body"].startswith(f"<!-- pcs-branch: {p['head']} -->") for p in pulls)
    assert branches(repo) == sorted(["main", branch, task_branch])
    untouched.check()


def test_mcp_and_the_request_pipeline_share_one_branch_and_pull(repo: Path, tmp_path: Path) -> None:
    event = write_event(tmp_path, "opened", issue_event("opened", issue(213)))
    handled = CliRunner().invoke(
        cli,
        [
            *("--repo", str(repo), "gh", "handle", "--offline", "--json"),
            *("--event-name", "issues", "--event-path", str(event)),
        ],
        env={"GITHUB_TOKEN": "", "PCS_GITHUB_TOKEN": ""},
    )
    assert handled.exit_code == 0, handled.output
    head = git(repo, "rev-parse", "pcs/request-213")
    (pull,) = ops(repo, "create_pull")
    lines = len(outbox(repo))
    untouched = Untouched(repo)
    data = payload(
        call(repo, "pcs_prodtask_comment", {"task_name": "213", "text": "MCP note"}, **GITHUB)
    )
    assert data["published"]["branch"] == "pcs/request-213"
    assert git(repo, "rev-parse", "pcs/request-213^") == head
    # the pipeline's own PR, with the body the pipeline writes: nothing to update on GitHub
    # but the new head's commit status
    assert data["published"]["pull"] == {
        "number": pull["number"],
        "url": f"outbox:pull/{pull['number']}",
        "action": "unchanged",
    }
    assert [op["op"] for op in outbox(repo)[lines:]] == ["set_status"]
    untouched.check()
