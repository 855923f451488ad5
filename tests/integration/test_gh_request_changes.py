"""``/pcs priority``, ``/pcs withdraw``, ``/pcs reinstate`` and ``/pcs clone`` on a request's
issue, and plain comments in its history: through ``pcs gh handle --offline`` and, for comments
GitHub keeps, through the fake GitHub server."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from pcs_gitops.entrypoints.cli import cli
from tests.support.fake_github import FakeGitHub
from tests.support.fake_github_fixture import fake_github_server  # noqa: F401
from tests.support.gh_events import (
    MANAGER,
    REQUESTER,
    comment_event,
    git,
    issue,
    issue_event,
    make_catalogue_repo,
    pull_closed_event,
    push_event,
)
from tests.support.offline_pipeline import Pipeline
from tests.support.online_pipeline import Online, file_issue


@pytest.fixture
def pipeline(tmp_path: Path) -> Pipeline:
    return Pipeline(make_catalogue_repo(tmp_path / "catalogue"), tmp_path)


def reply_to(pipeline: Pipeline, number: int, comment_id: int) -> str:
    marker = f"<!-- pcs-reply: {comment_id} -->"
    bodies = [b for b in pipeline.comments(number).values() if marker in b]
    assert len(bodies) == 1, bodies
    return bodies[0]


def say(pipeline: Pipeline, number: int, text: str, sender: str, cid: int) -> str:
    pipeline.handle("issue_comment", comment_event(issue(number), text, sender, comment_id=cid))
    return reply_to(pipeline, number, cid)


def test_a_manager_reprioritises_with_a_reason_the_requester_may_not(pipeline: Pipeline) -> None:
    pipeline.handle("issues", issue_event("opened", issue(301)))
    refused = say(pipeline, 301, "/pcs priority 1", REQUESTER, 1)
    assert "Not applied" in refused and "convener" in refused
    assert pipeline.task("pcs/request-301", 301)["catalog"]["priority"] == "2"
    done = say(pipeline, 301, "/pcs priority 1 the\n  analysis is due", MANAGER, 2)
    assert "from 2 to **1** (the analysis is due)" in done
    task = pipeline.task("pcs/request-301", 301)
    assert task["catalog"]["priority"] == "1"
    entry = task["history"][-1]
    assert entry["action"] == "priority" and entry["by"] == MANAGER
    assert entry["detail"] == {"from": "2", "to": "1", "reason": "the analysis is due"}
    head = pipeline.head("pcs/request-301")
    assert "already" in say(pipeline, 301, "/pcs priority 1", MANAGER, 3)
    assert pipeline.head("pcs/request-301") == head
    bad = say(pipeline, 301, "/pcs priority 7", MANAGER, 4)
    assert "Not applied" in bad and "1, 2, 3, -1" in bad


def test_withdrawal_blocks_approval_until_a_manager_reinstates(pipeline: Pipeline) -> None:
    pipeline.handle("issues", issue_event("opened", issue(302)))
    done = say(pipeline, 302, "/pcs withdraw duplicate of #300", REQUESTER, 1)
    assert "**Withdrew** the request (duplicate of #300)" in done
    task = pipeline.task("pcs/request-302", 302)
    assert task["withdrawn"]["by"] == REQUESTER
    assert task["history"][-1]["detail"] == {"reason": "duplicate of #300"}
    assert "withdrawn already" in say(pipeline, 302, "/pcs withdraw", REQUESTER, 2)
    refused = say(pipeline, 302, "/pcs status ready", MANAGER, 3)
    assert "Not applied" in refused and "withdrawn" in refused
    assert "Not applied" in say(pipeline, 302, "/pcs reinstate", REQUESTER, 4)
    assert "**Reinstated** the request." in say(pipeline, 302, "/pcs reinstate", MANAGER, 5)
    assert "withdrawn" not in pipeline.task("pcs/request-302", 302)
    assert "not withdrawn" in say(pipeline, 302, "/pcs reinstate", MANAGER, 6)


def test_help_lists_the_new_commands(pipeline: Pipeline) -> None:
    pipeline.handle("issues", issue_event("opened", issue(303)))
    text = say(pipeline, 303, "/pcs help", REQUESTER, 1)
    for command in ("/pcs priority N", "/pcs withdraw", "/pcs reinstate", "/pcs clone CAMPAIGN"):
        assert command in text


def test_clone_waits_for_the_merge_then_opens_one_pull_request(
    pipeline: Pipeline, tmp_path: Path
) -> None:
    repo = pipeline.root
    pipeline.handle("issues", issue_event("opened", issue(304)))
    early = say(pipeline, 304, "/pcs clone 26.07", MANAGER, 1)
    assert "not on main yet" in early and "after its pull request is merged" in early
    git(repo, "merge", "--no-ff", "-q", "-m", "Merge #1", "pcs/request-304")
    merged = pull_closed_event(304, 1, merged=True, merge_sha=git(repo, "rev-parse", "HEAD"))
    pipeline.handle("pull_request", merged)
    closed = say(pipeline, 304, "/pcs clone 26.07", MANAGER, 2)
    assert "Not applied" in closed and "26.07" in closed
    made = CliRunner().invoke(
        cli, ["--repo", str(repo), "--actor", MANAGER, "campaign", "create", "26.07"]
    )
    assert made.exit_code == 0, made.output
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "Campaign 26.07")
    assert "Not applied" in say(pipeline, 304, "/pcs clone 26.07", REQUESTER, 3)
    done = say(pipeline, 304, "/pcs clone 26.07", MANAGER, 4)
    assert "Cloned the request into campaign **26.07** as `" in done
    branches = git(repo, "for-each-ref", "--format=%(refname:short)", "refs/heads/")
    clone_branches = [b for b in branches.splitlines() if "clone" in b]
    assert len(clone_branches) == 1
    again = say(pipeline, 304, "/pcs clone 26.07", MANAGER, 5)
    assert "in campaign **26.07** already as `" in again
    assert git(repo, "rev-parse", clone_branches[0]) == pipeline.head(clone_branches[0])


@pytest.fixture
def online(tmp_path: Path, fake_github: FakeGitHub) -> Online:
    return Online(tmp_path, fake_github)


def test_plain_comments_ride_along_with_the_next_commit(online: Online) -> None:
    the_issue = file_issue(online, 305)
    online.handle("issues", issue_event("opened", the_issue))
    long_text = "Could we also get the 18x275 beam? " + "x" * 300
    first = online.fake.add_comment(305, long_text, user="bob")
    online.fake.add_comment(305, "<!-- pcs-status --> not the bot", user="mallory")
    cid = online.fake.add_comment(305, "/pcs priority 1 beam time", user="boss")
    online.handle(
        "issue_comment", comment_event(the_issue, "/pcs priority 1", "boss", comment_id=cid)
    )
    history = online.task("pcs/request-305", 305)["history"]
    comments = [h for h in history if h["action"] == "comment"]
    assert len(comments) == 1
    entry = comments[0]
    assert entry["by"] == "bob" and entry["surface"] == "github"
    assert entry["detail"]["text"] == long_text[:200]
    assert entry["detail"]["url"].endswith(f"#issuecomment-{first}")
    assert entry["at"].endswith("Z")
    # the next commit records nothing twice
    cid2 = online.fake.add_comment(305, "/pcs priority 2", user="boss")
    online.handle(
        "issue_comment", comment_event(the_issue, "/pcs priority 2", "boss", comment_id=cid2)
    )
    history = online.task("pcs/request-305", 305)["history"]
    assert sum(h["action"] == "comment" for h in history) == 1


def test_confirm_vouches_for_the_inferred_input_and_unblocks_approval(pipeline: Pipeline) -> None:
    out = pipeline.handle("issues", issue_event("opened", issue(306)))
    assert "pcs:needs-confirmation" in out["labels_added"]
    refused = say(pipeline, 306, "/pcs status ready", MANAGER, 1)
    assert "Not applied" in refused and "/pcs confirm" in refused
    assert "Not applied" in say(pipeline, 306, "/pcs confirm", "mallory", 2)
    done = say(pipeline, 306, "/pcs confirm", REQUESTER, 3)
    assert "Confirmed the input's metadata:" in done and "confirmed " in done
    files = git(pipeline.root, "ls-tree", "-r", "--name-only", "pcs/request-306", "state/datasets")
    records = [pipeline.show("pcs/request-306", f) for f in files.splitlines()]
    assert any(f"confirmed_by: {REQUESTER}" in r for r in records), records
    again = say(pipeline, 306, "/pcs confirm", REQUESTER, 4)
    assert "confirmed already" in again
    bad = say(pipeline, 306, "/pcs confirm colour", REQUESTER, 5)
    assert "Not applied" in bad and "colour" in bad
    assert "Moved the request from draft to **ready**" in say(
        pipeline, 306, "/pcs status ready", MANAGER, 6
    )


def test_what_github_shows_names_comment_commands_not_cli_commands(pipeline: Pipeline) -> None:
    """Status comments and replies across the request's life speak GitHub (#10 point 7)."""
    from pcs_gitops.services.github_wording import names_cli_command

    pipeline.handle("issues", issue_event("opened", issue(307)))  # needs confirmation
    say(pipeline, 307, "/pcs status ready", MANAGER, 1)  # refused: not confirmed
    say(pipeline, 307, "/pcs withdraw", REQUESTER, 2)  # the checklist: reinstate
    say(pipeline, 307, "/pcs status ready", MANAGER, 3)  # refused: withdrawn
    say(pipeline, 307, "/pcs retry", MANAGER, 4)  # no PanDA in this job
    say(pipeline, 307, "!update Dataset Path: rucio:foo", REQUESTER, 5)  # unknown tags
    bodies = list(pipeline.comments(307).values())
    assert any("/pcs reinstate" in b for b in bodies)
    assert any("/pcs confirm" in b for b in bodies)
    offending = [b for b in bodies if names_cli_command(b)]
    assert offending == []


def pull_body(pipeline: Pipeline, branch: str) -> str:
    """The request pull request's body as the outbox last wrote it."""
    bodies = [
        e["body"]
        for e in pipeline.outbox()
        if e["op"] in ("create_pull", "update_pull") and "body" in e
    ]
    assert bodies, branch
    return str(bodies[-1])


def test_approve_binds_the_payload_and_the_pull_request_shows_it(pipeline: Pipeline) -> None:
    pipeline.handle("issues", issue_event("opened", issue(308)))
    body = pull_body(pipeline, "pcs/request-308")
    assert "### Payload" in body and "not approved yet; `/pcs approve` approves" in body
    assert "<details><summary>JEDI taskParamMap</summary>" in body and '"taskName"' in body
    assert "<details><summary>Request page, as it will be published" in body
    assert "| Workflow mode | external\\_evgen |" in body and "| Output datasets | " in body
    say(pipeline, 308, "/pcs confirm", REQUESTER, 1)
    refused = say(pipeline, 308, "/pcs approve", REQUESTER, 2)
    assert "Not applied" in refused
    done = say(pipeline, 308, "/pcs approve", MANAGER, 3)
    assert "**Approved** the payload (sha256 `" in done and "**ready**" in done
    task = pipeline.task("pcs/request-308", 308)
    assert task["status"] == "ready" and task["approval"]["by"] == MANAGER
    digest = task["approval"]["payload_sha256"]
    body = pull_body(pipeline, "pcs/request-308")
    assert f"approved by {MANAGER}" in body and digest in body
    assert f"**Approved** by {MANAGER}" in pipeline.status_comment(308)
    head = pipeline.head("pcs/request-308")
    assert "Already approved for this payload" in say(pipeline, 308, "/pcs approve", MANAGER, 4)
    assert pipeline.head("pcs/request-308") == head
    # the priority feeds taskPriority: changing it withdraws the approval, and everyone is told
    changed = say(pipeline, 308, "/pcs priority 1", MANAGER, 5)
    assert "The approval of `issue-308` was withdrawn (payload changed: " in changed
    task = pipeline.task("pcs/request-308", 308)
    assert task["status"] == "draft" and "approval" not in task
    last = [h for h in task["history"] if h["action"] == "status"][-1]
    assert last["detail"]["reason"].startswith("approval withdrawn: payload changed")
    status = pipeline.status_comment(308)
    assert "**Approval withdrawn**" in status and "`/pcs approve`" in status
    assert "**approval withdrawn**" in pull_body(pipeline, "pcs/request-308")
    assert (
        "pcs:awaiting-review"
        in [label for e in pipeline.outbox() if e["op"] == "add_labels" for label in e["labels"]][
            -1:
        ]
    )


def test_a_config_change_merged_on_main_withdraws_the_approval_there(
    pipeline: Pipeline,
) -> None:
    repo = pipeline.root
    pipeline.handle("issues", issue_event("opened", issue(309)))
    say(pipeline, 309, "/pcs confirm", REQUESTER, 1)
    say(pipeline, 309, "/pcs approve", MANAGER, 2)
    git(repo, "merge", "--no-ff", "-q", "-m", "Merge #1", "pcs/request-309")
    merged = pull_closed_event(309, 1, merged=True, merge_sha=git(repo, "rev-parse", "HEAD"))
    pipeline.handle("pull_request", merged)
    assert pipeline.task("main", 309)["status"] == "ready"
    nothing = pipeline.handle("push", push_event(git(repo, "rev-parse", "HEAD")))
    assert nothing["commits"] == [] and pipeline.task("main", 309)["status"] == "ready"
    config = repo / "state" / "prod_configs" / "standard.yaml"
    text = config.read_text(encoding="utf-8")
    assert "cores: 1" in text
    config.write_text(text.replace("cores: 1", "cores: 4"), encoding="utf-8")
    git(repo, "commit", "-qam", "More cores for everything")
    out = pipeline.handle("push", push_event(git(repo, "rev-parse", "HEAD")))
    assert len(out["commits"]) == 1 and 309 in out["refreshed"]
    task = pipeline.task("main", 309)
    assert task["status"] == "draft" and "approval" not in task
    entry = [h for h in task["history"] if h["action"] == "status"][-1]
    assert "the production config" in entry["detail"]["reason"] or entry["detail"]["changed"]
    assert "**Approval withdrawn**" in pipeline.status_comment(309)
    again = pipeline.handle("push", push_event(git(repo, "rev-parse", "HEAD")))
    assert again["commits"] == []


def test_twin_makes_the_request_in_the_other_mode_on_its_branch(pipeline: Pipeline) -> None:
    pipeline.handle("issues", issue_event("opened", issue(310)))
    assert "Not applied" in say(pipeline, 310, "/pcs twin", "mallory", 1)
    done = say(pipeline, 310, "/pcs twin", REQUESTER, 2)
    assert "Made the internal_evgen twin `issue-310.internal_evgen`" in done
    files = git(pipeline.root, "ls-tree", "--name-only", "pcs/request-310", "state/prod_tasks/")
    assert "state/prod_tasks/issue-310.internal_evgen.yaml" in files.splitlines()
    twin = pipeline.show("pcs/request-310", "state/prod_tasks/issue-310.internal_evgen.yaml")
    assert "twin: issue-310" in twin
    assert pipeline.task("pcs/request-310", 310)["twin"] == "issue-310.internal_evgen"
    assert "twin is `issue-310.internal_evgen` already" in say(
        pipeline, 310, "/pcs twin internal_evgen", REQUESTER, 3
    )
    same = say(pipeline, 310, "/pcs twin external_evgen", REQUESTER, 4)
    assert "Not applied" in same and "a task has one twin" in same
    bad = say(pipeline, 310, "/pcs twin sideways", REQUESTER, 5)
    assert "Not applied" in bad and "sideways" in bad
