"""``pcs check-change`` on real git repositories: hand edits refused, pcs's own changes pass."""

from __future__ import annotations

import json
import os
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import Result

from pcs_gitops.adapters.git import GitHistory
from tests.support.rest_client import grant_roles

RunCli = Callable[..., Result]
PATH = "/volatile/eic/EPIC/EVGEN/DIS/BeAGLE1.03.02-1.0/eH2/10x130"
BOT = ("pcs-bot", "pcs-bot@users.noreply.github.com")


def git(root: Path, *args: str, author: tuple[str, str] = ("eve", "eve@example.org")) -> str:
    env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}
    name, email = author
    env |= {
        "GIT_AUTHOR_NAME": name,
        "GIT_AUTHOR_EMAIL": email,
        "GIT_COMMITTER_NAME": name,
        "GIT_COMMITTER_EMAIL": email,
    }
    done = subprocess.run(["git", *args], cwd=root, env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    return done.stdout


def commit_all(root: Path, message: str, author: tuple[str, str] = ("eve", "eve@x.org")) -> None:
    git(root, "add", "--all")
    git(root, "commit", "--quiet", "--no-verify", "-m", message, author=author)


@pytest.fixture
def catalogue(repo: Path, run_cli: RunCli) -> Path:
    """A catalogue on main with one request (issue 5, complete) and maria as production
    manager."""
    grant_roles(repo)
    base = ("--repo", str(repo))
    dataset = run_cli(*base, "dataset", "intake", "--source-location", PATH, "--json")
    did = json.loads(dataset.stdout)["dataset"]["did"]
    fields = ("--pwg", "inclusive", "--priority", "1", "--dataset-path", PATH, "--events", "1M")
    intake = ("task", "intake", "--public-catalog-issue", "5", "--input-dataset-did", did)
    assert run_cli(*base, "--actor", "rita", *intake, *fields).exit_code == 0
    # the requester vouches for the inferred tags, so the request can be approved
    assert run_cli(*base, "--actor", "rita", "task", "confirm", "issue-5").exit_code == 0
    commit_all(repo, "a request")
    git(repo, "checkout", "--quiet", "-b", "change")
    return repo


def edit(root: Path, relpath: str, old: str, new: str) -> None:
    path = root / relpath
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_a_hand_edit_to_ready_fails_and_names_file_field_rule_and_who(
    catalogue: Path, run_cli: RunCli
) -> None:
    edit(catalogue, "state/prod_tasks/issue-5.yaml", "status: draft", "status: ready")
    edit(catalogue, "state/prod_tasks/issue-5.yaml", "events: 1M", "events: 900M")
    commit_all(catalogue, "ready, by hand")
    result = run_cli("--repo", str(catalogue), "check-change", "--base", "main", "--actor", "eve")
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        "state/prod_tasks/issue-5.yaml: status: changed by hand: that would approve this "
        "request, which pcs records for whoever may [lifecycle; who may: `maria`, "
        "`epic/prod-managers` (from state/roles.yaml)]",
        "1 change(s) refused for eve",
    ]
    validate = run_cli("--repo", str(catalogue), "validate")
    assert validate.exit_code == 1 and "ready without an approval" in validate.stderr


def test_pcs_own_changes_pass(catalogue: Path, run_cli: RunCli) -> None:
    base = ("--repo", str(catalogue))
    assert run_cli(*base, "--actor", "maria", "task", "approve", "issue-5").exit_code == 0
    commit_all(catalogue, "Approve issue-5", author=BOT)
    result = run_cli(*base, "check-change", "--base", "main", "--actor", "pcs-bot", "--json")
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert (report["ok"], report["own"], report["refusals"]) == (True, True, [])
    assert [c["author"] for c in report["commits"]] == ["pcs-bot"]
    # a bot's pull request with a commit of someone else's is judged like any other
    edit(catalogue, "state/prod_tasks/issue-5.yaml", "overrides: {}", "overrides:\n  cores: 8")
    commit_all(catalogue, "sneak in a change")
    again = run_cli(*base, "check-change", "--base", "main", "--actor", "pcs-bot", "--json")
    assert again.exit_code == 1
    assert {r["rule"] for r in json.loads(again.stdout)["refusals"]} == {"lifecycle"}


def test_a_managers_pull_request_may_approve_but_not_for_the_requester(
    catalogue: Path, run_cli: RunCli
) -> None:
    base = ("--repo", str(catalogue))
    assert run_cli(*base, "--actor", "maria", "task", "approve", "issue-5").exit_code == 0
    commit_all(catalogue, "Approve issue-5", author=("maria", "maria@example.org"))
    ok = run_cli(*base, "check-change", "--base", "main", "--actor", "maria")
    assert ok.exit_code == 0, ok.output
    assert ok.stdout == "ok: nothing in this change needs pcs or a role maria lacks\n"
    refused = run_cli(*base, "check-change", "--base", "main", "--actor", "rita")
    assert refused.exit_code == 1 and "[lifecycle; who may: `maria`" in refused.stderr


def test_base_head_and_actor_come_from_a_pull_request_event(
    catalogue: Path, run_cli: RunCli, tmp_path: Path
) -> None:
    edit(catalogue, "state/prod_tasks/issue-5.yaml", "status: draft", "status: ready")
    commit_all(catalogue, "ready, by hand")
    main = git(catalogue, "rev-parse", "main").strip()
    event = tmp_path / "event.json"
    event.write_text(
        json.dumps({"pull_request": {"base": {"sha": main}, "user": {"login": "eve"}}}),
        encoding="utf-8",
    )
    env = {"GITHUB_EVENT_NAME": "pull_request", "GITHUB_EVENT_PATH": str(event)}
    result = run_cli("--repo", str(catalogue), "check-change", env=env)
    assert result.exit_code == 1 and "1 change(s) refused for eve" in result.stderr
    outside = run_cli("--repo", str(catalogue), "check-change", "--actor", "eve")
    assert outside.exit_code == 2
    assert "give --base (and --actor), or run in a pull_request or push event" in outside.stderr


def test_an_unknown_base_is_refused_with_what_to_do(catalogue: Path, run_cli: RunCli) -> None:
    result = run_cli("--repo", str(catalogue), "check-change", "--base", "nosuch", "--actor", "eve")
    assert result.exit_code == 1
    assert "git knows no commit 'nosuch' here" in result.stderr
    assert "fetch-depth: 0" in result.stderr


def test_the_history_reads_files_of_a_commit_byte_for_byte(tmp_path: Path) -> None:
    root = tmp_path / "r"
    root.mkdir()
    git(root, "init", "--quiet", "--initial-branch=main")
    (root / "state").mkdir()
    content = "description: 'Zürich ✓ — ünïcode'\n".encode()
    (root / "state" / "a.yaml").write_bytes(content)
    (root / "state" / "b.yaml").write_bytes(b"x: 1\n")
    commit_all(root, "two files")
    history = GitHistory(root)
    head = history.resolve("HEAD")
    assert history.files(head, "state") == {"state/a.yaml": content, "state/b.yaml": b"x: 1\n"}
    assert history.authors(head, head) == []
