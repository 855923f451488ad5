"""``pcs gh handle`` online: PyGithub against the fake GitHub server, git against a bare origin."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from pcs_gitops.adapters.request_branch import GitBranchWorkspace
from pcs_gitops.entrypoints.cli import cli
from pcs_gitops.errors import GitError
from tests.support.fake_github import FakeGitHub
from tests.support.fake_github_fixture import fake_github_server  # noqa: F401
from tests.support.gh_events import (
    REQUESTER,
    comment_event,
    confirm_input_on_main,
    git,
    issue,
    issue_event,
    make_catalogue_repo,
    pull_closed_event,
    write_event,
)
from tests.support.online_pipeline import TEAM_MANAGER, Online, file_issue


@pytest.fixture
def online(tmp_path: Path, fake_github: FakeGitHub) -> Online:
    return Online(tmp_path, fake_github)


def test_first_delivery_makes_at_most_six_api_calls_and_pushes_the_branch(online: Online) -> None:
    the_issue = file_issue(online, 201)
    online.fake.clear_log()
    out = online.handle("issues", issue_event("opened", the_issue))
    assert out.handled
    assert out.api_calls == len(online.fake.requests) <= 6
    assert sorted(online.fake.writes) == sorted(
        [
            ("POST", f"/repos/{online.fake.repo}/pulls"),
            ("POST", f"/repos/{online.fake.repo}/statuses/{out.commits[0]}"),
            ("POST", f"/repos/{online.fake.repo}/issues/201/labels"),
            ("POST", f"/repos/{online.fake.repo}/issues/201/comments"),
        ]
    )
    head = online.head("pcs/request-201")
    assert head == out.commits[0]
    assert online.task("pcs/request-201", 201)["catalog"]["pwg"] == "edt"
    pulls = list(online.fake.state.pulls.values())
    assert len(pulls) == 1 and pulls[0]["head"] == "pcs/request-201"
    assert online.fake.state.issues[pulls[0]["number"]]["body"].rstrip().endswith("Request #201")
    # a new input's tags are only inferred: the request waits for their confirmation
    assert online.fake.state.labels_of(201) == ["dataset-request", "pcs:needs-confirmation"]
    [status] = online.fake.state.statuses
    assert (status["sha"], status["state"], status["context"]) == (head, "success", "pcs/validate")
    # the Actions checkout stays on main, untouched, and holds no credential
    assert git(online.checkout, "status", "--porcelain") == ""
    assert git(online.checkout, "rev-parse", "--abbrev-ref", "HEAD") == "main"
    assert "test-token" not in (online.checkout / ".git" / "config").read_text()


def test_a_replay_makes_no_write(online: Online) -> None:
    event = issue_event("opened", file_issue(online, 202))
    online.handle("issues", event)
    head = online.head("pcs/request-202")
    online.fake.clear_log()
    again = online.handle("issues", event)
    assert again.write_calls == 0 and online.fake.writes == []
    assert again.api_calls == len(online.fake.requests) <= 3
    assert online.head("pcs/request-202") == head
    assert len(online.comments(202)) == 1


def test_a_correction_replies_once_and_edits_the_status_comment_in_place(online: Online) -> None:
    the_issue = file_issue(online, 203)
    online.handle("issues", issue_event("opened", the_issue))
    cid = online.fake.add_comment(203, "!update Priority: 1 (Highest)", user=REQUESTER)
    event = comment_event(the_issue, "!update Priority: 1 (Highest)", REQUESTER, comment_id=cid)
    online.fake.clear_log()
    out = online.handle("issue_comment", event)
    assert out.reply == "created"
    assert online.task("pcs/request-203", 203)["catalog"]["priority"] == "1"
    bodies = [c["body"] for c in online.comments(203)]
    assert sum("<!-- pcs-status -->" in b for b in bodies) == 1
    assert sum(f"<!-- pcs-reply: {cid} -->" in b for b in bodies) == 1
    assert out.api_calls == len(online.fake.requests)
    # the status comment is found among the bot's own comments only
    online.fake.add_comment(203, "<!-- pcs-status --> forged by a user", user="mallory")
    online.fake.clear_log()
    again = online.handle("issue_comment", event)
    assert again.write_calls == 0 and again.reply == "exists"


def test_team_membership_grants_the_manager_role(online: Online) -> None:
    confirm_input_on_main(online.checkout)
    git(online.checkout, "push", "-q", "origin", "main")
    the_issue = file_issue(online, 204)
    online.handle("issues", issue_event("opened", the_issue))
    refused = comment_event(the_issue, "/pcs status ready", "mallory", comment_id=1)
    online.handle("issue_comment", refused)
    assert online.task("pcs/request-204", 204)["status"] == "draft"
    approve = comment_event(the_issue, "/pcs status ready", TEAM_MANAGER, comment_id=2)
    online.handle("issue_comment", approve)
    assert online.task("pcs/request-204", 204)["status"] == "ready"
    assert "pcs:awaiting-review" not in online.fake.state.labels_of(204)


def test_closing_the_issue_closes_the_pr_and_deletes_the_branch(online: Online) -> None:
    the_issue = file_issue(online, 205)
    online.handle("issues", issue_event("opened", the_issue))
    [pull] = online.fake.state.pulls
    out = online.handle("issues", issue_event("closed", issue(205, state="closed")))
    assert out.deleted == ["pcs/request-205"]
    assert online.head("pcs/request-205") is None
    assert online.fake.state.issues[pull]["state"] == "closed"


def test_a_merge_is_recorded_on_main_and_the_issue_stays_open(online: Online) -> None:
    the_issue = file_issue(online, 206)
    online.handle("issues", issue_event("opened", the_issue))
    [number] = online.fake.state.pulls
    # "GitHub" merges the PR
    git(online.checkout, "fetch", "-q", "origin", "pcs/request-206")
    git(online.checkout, "merge", "-q", "--no-ff", "-m", "Merge", "FETCH_HEAD")
    git(online.checkout, "push", "-q", "origin", "main")
    merge_sha = git(online.checkout, "rev-parse", "HEAD")
    online.fake.state.pulls[number].update(merged=True, merged_at="2024-01-01T00:00:00Z")
    online.fake.state.issues[number]["state"] = "closed"
    event = pull_closed_event(206, number, merged=True, merge_sha=merge_sha)
    event["repository"]["full_name"] = online.fake.repo
    event["pull_request"]["head"]["repo"]["full_name"] = online.fake.repo
    out = online.handle("pull_request", event)
    assert out.handled and out.pushed == ["main"]
    record = online.task("main", 206)["public_catalog"]
    assert (record["pr"], record["commit_sha"]) == (number, merge_sha)
    assert online.head("pcs/request-206") is None
    assert online.fake.state.issues[206]["state"] == "open"
    online.fake.clear_log()
    assert online.handle("pull_request", event).write_calls == 0
    # a change after the merge: a new branch from main and a new pull request saying what changes
    cid = online.fake.add_comment(206, "!update Priority: 1", user=REQUESTER)
    fix = comment_event(the_issue, "!update Priority: 1", REQUESTER, comment_id=cid)
    out = online.handle("issue_comment", fix)
    assert out.pull is not None and out.pull["action"] == "created"
    assert out.pull["number"] != number
    assert online.task("pcs/request-206", 206)["catalog"]["priority"] == "1"
    body = online.fake.state.issues[out.pull["number"]]["body"]
    assert f"A change to dataset request #206, published in #{number}" in body
    assert "updated: catalog.priority" in body and "Closes" not in body
    [status] = [c for c in online.comments(206) if "<!-- pcs-status -->" in c["body"]]
    assert f"In the catalogue since pull request #{number}" in status["body"]
    assert f"Change waiting for review: #{out.pull['number']}" in status["body"]


def test_the_cli_reads_the_event_from_the_actions_environment(
    online: Online, tmp_path: Path
) -> None:
    the_issue = file_issue(online, 207)
    path = write_event(tmp_path, "opened", issue_event("opened", the_issue))
    env = {
        "GITHUB_TOKEN": "test-token",
        "GITHUB_EVENT_NAME": "issues",
        "GITHUB_EVENT_PATH": str(path),
        "GITHUB_REPOSITORY": online.fake.repo,
        "GITHUB_API_URL": online.fake.url,
        "GITHUB_SERVER_URL": "https://github.example",
    }
    result = CliRunner().invoke(
        cli,
        [
            *("--repo", str(online.checkout), "gh", "handle", "--json"),
            *("--remote-url", online.origin.as_uri()),
        ],
        env=env,
    )
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["offline"] is False and report["handled"] is True
    assert report["api_calls"] <= 6
    assert online.head("pcs/request-207") is not None


@pytest.mark.parametrize("debug", ["", "1"])
def test_an_unreachable_remote_is_one_error_line_and_git_output_only_when_debugging(
    online: Online, tmp_path: Path, debug: str
) -> None:
    the_issue = file_issue(online, 208)
    path = write_event(tmp_path, "opened", issue_event("opened", the_issue))
    env = {
        "GITHUB_TOKEN": "test-token",
        "GITHUB_EVENT_NAME": "issues",
        "GITHUB_EVENT_PATH": str(path),
        "GITHUB_REPOSITORY": online.fake.repo,
        "GITHUB_API_URL": online.fake.url,
        "PCS_BOT_LOGIN": "",
        "PCS_DEBUG": debug,
    }
    result = CliRunner().invoke(
        cli,
        [
            *("--repo", str(online.checkout), "gh", "handle"),
            *("--remote-url", "http://127.0.0.1:9/octo-org/pcs-state.git"),
        ],
        env=env,
    )
    assert result.exit_code == 1
    lines = result.stderr.splitlines()
    assert lines[-1].startswith("Error: git ls-remote failed (exit 128): unable to access ")
    assert lines[-1].endswith(
        "the remote could not be reached; check the network and the remote URL"
    )
    if debug:  # among the debug lines: on a loaded machine the GitHub client's come first
        failed = "git failed: git -c core.hooksPath=/dev/null ls-remote "
        assert any(line.startswith(failed) for line in lines[:-1])
    else:
        assert len(lines) == 1


def test_the_token_never_reaches_argv_config_or_error_messages(tmp_path: Path) -> None:
    root = make_catalogue_repo(tmp_path / "repo")
    workspace = GitBranchWorkspace(
        root, remote_url="http://127.0.0.1:9/octo-org/pcs-state.git", token="s3cr3t-token"
    )
    env = workspace._auth_env()
    assert env["GIT_CONFIG_KEY_0"] == "http.http://127.0.0.1:9/.extraheader"
    assert "s3cr3t-token" not in env["GIT_CONFIG_VALUE_0"]  # base64 inside a basic header
    with pytest.raises(GitError) as failure:
        workspace.branches("pcs/request-")
    assert "s3cr3t-token" not in str(failure.value)
    assert "s3cr3t-token" not in (root / ".git" / "config").read_text()


def test_a_push_to_main_refreshes_the_stale_request_branches_on_the_remote(
    online: Online,
) -> None:
    from tests.support.gh_events import DIS_BODY, push_event

    first = file_issue(online, 301)
    second = file_issue(online, 302, DIS_BODY)
    online.handle("issues", issue_event("opened", first))
    online.handle("issues", issue_event("opened", second))
    pull_first, pull_second = sorted(online.fake.state.pulls)
    git(online.checkout, "fetch", "-q", "origin", "pcs/request-301")
    git(online.checkout, "merge", "-q", "--no-ff", "-m", "Merge", "FETCH_HEAD")
    git(online.checkout, "push", "-q", "origin", "main")
    online.fake.state.pulls[pull_first].update(merged=True, merged_at="2024-01-01T00:00:00Z")
    online.fake.state.issues[pull_first]["state"] = "closed"
    merged = pull_closed_event(301, pull_first, merged=True, merge_sha="")
    merged["pull_request"]["head"]["repo"]["full_name"] = online.fake.repo
    online.handle("pull_request", merged)
    before = online.head("pcs/request-302")
    out = online.handle("push", push_event(online.head("main") or ""))
    assert out.refreshed == [302]
    after = online.head("pcs/request-302")
    assert after != before
    parents = git(online.origin, "rev-list", "--parents", "-n", "1", str(after)).split()[1:]
    assert parents == [before, online.head("main")]
    assert online.fake.state.statuses[-1]["sha"] == after
    assert online.fake.state.statuses[-1]["state"] == "success"
    assert online.fake.state.issues[pull_second]["state"] == "open"
    online.fake.clear_log()
    again = online.handle("push", push_event(online.head("main") or ""))
    # nothing stale: one listing of the requests waiting for a repair, nothing else
    assert again.refreshed == [] and again.api_calls == 1 and again.write_calls == 0


def test_a_protected_main_keeps_the_merge_and_says_how_to_record_it(
    online: Online,
) -> None:
    the_issue = file_issue(online, 207)
    online.handle("issues", issue_event("opened", the_issue))
    [number] = online.fake.state.pulls
    git(online.checkout, "fetch", "-q", "origin", "pcs/request-207")
    git(online.checkout, "merge", "-q", "--no-ff", "-m", "Merge", "FETCH_HEAD")
    git(online.checkout, "push", "-q", "origin", "main")
    merge_sha = git(online.checkout, "rev-parse", "HEAD")
    # From now on the origin refuses pushes to main, as a protected branch does.
    hook = online.origin / "hooks" / "pre-receive"
    hook.write_text(
        "#!/bin/sh\n"
        "while read old new ref; do\n"
        '  if [ "$ref" = refs/heads/main ]; then\n'
        '    echo "GH006: Protected branch update failed for refs/heads/main." >&2; exit 1\n'
        "  fi\n"
        "done\n",
        encoding="utf-8",
    )
    hook.chmod(0o755)
    online.fake.state.pulls[number].update(merged=True, merged_at="2024-01-01T00:00:00Z")
    event = pull_closed_event(207, number, merged=True, merge_sha=merge_sha)
    event["repository"]["full_name"] = online.fake.repo
    event["pull_request"]["head"]["repo"]["full_name"] = online.fake.repo

    out = online.handle("pull_request", event)

    assert out.handled and out.pushed == [] and online.head("main") == merge_sha
    [note] = out.notes
    assert note.startswith("the merge record could not be pushed to main (")
    assert f"pcs task record-publication 207 --pr {number} --commit-sha {merge_sha}" in note
    assert online.fake.state.issues[207]["state"] == "open"
    assert online.head("pcs/request-207") is None
    [status] = [c for c in online.comments(207) if "<!-- pcs-status -->" in c["body"]]
    assert f"In the catalogue since pull request #{number}" in status["body"]
    assert "could not be pushed to main" in status["body"]
    assert "/requests/issue-207.html" in status["body"]


def test_a_burst_of_commands_loses_none_when_a_run_is_dropped(online: Online) -> None:
    the_issue = file_issue(online, 240)
    online.handle("issues", issue_event("opened", the_issue))
    texts = ("!update Priority: 1", "!update Number of Events: 2M", "!update Other Use: Maybe")
    ids = [online.fake.add_comment(240, texts[0], user=REQUESTER)]
    online.handle("issue_comment", comment_event(the_issue, texts[0], REQUESTER, comment_id=ids[0]))
    # GitHub's concurrency group keeps only the newest pending run: the middle one never runs
    ids += [online.fake.add_comment(240, text, user=REQUESTER) for text in texts[1:]]
    out = online.handle(
        "issue_comment", comment_event(the_issue, texts[2], REQUESTER, comment_id=ids[2])
    )
    assert out.reply == "created"
    catalog = online.task("pcs/request-240", 240)["catalog"]
    assert (catalog["priority"], catalog["events"], catalog["other_use"]) == ("1", "2M", "Maybe")
    bodies = [c["body"] for c in online.comments(240)]
    for cid in ids:
        assert sum(f"<!-- pcs-reply: {cid} -->" in b for b in bodies) == 1
    # the dropped run's event arriving late finds its command answered
    late = online.handle(
        "issue_comment", comment_event(the_issue, texts[1], REQUESTER, comment_id=ids[1])
    )
    assert late.reply == "exists" and late.write_calls == 0
