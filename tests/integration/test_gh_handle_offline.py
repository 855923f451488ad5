"""``pcs gh handle --offline`` on a real git repository: branches, records, the outbox."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from pcs_gitops.entrypoints.cli import cli
from tests.support.gh_events import (
    DEMP_BODY,
    DIS_BODY,
    MANAGER,
    OTHER_MANAGER,
    REQUESTER,
    comment_event,
    confirm_input_on_main,
    git,
    issue,
    issue_event,
    make_catalogue_repo,
    pull_closed_event,
    push_event,
    write_event,
)
from tests.support.offline_pipeline import Pipeline


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    return make_catalogue_repo(tmp_path / "catalogue")


@pytest.fixture
def pipeline(repo: Path, tmp_path: Path) -> Pipeline:
    return Pipeline(repo, tmp_path)


def test_first_delivery_commits_the_request_branch_and_writes_the_outbox(
    pipeline: Pipeline, repo: Path
) -> None:
    main_before = pipeline.head("main")
    out = pipeline.handle("issues", issue_event("opened", issue(201)))
    assert out["handled"] and out["offline"]
    assert out["pushed"] == ["pcs/request-201"]
    # the branch: one commit on top of main, with the records only (main renders them)
    assert git(repo, "rev-list", "--count", "main..pcs/request-201") == "1"
    changed = git(repo, "diff", "--name-only", "main", "pcs/request-201").split()
    assert changed and all(path.startswith("state/") for path in changed)
    assert git(repo, "merge-base", "main", "pcs/request-201") == main_before
    task = pipeline.task("pcs/request-201", 201)
    assert task["status"] == "draft"
    assert task["catalog"]["pwg"] == "edt"
    assert task["catalog"]["priority"] == "2"
    assert task["public_catalog"]["issue"] == 201
    assert len(task["input_datasets"]) == 1
    # the caller's working tree did not move
    assert git(repo, "symbolic-ref", "HEAD") == "refs/heads/main"
    assert pipeline.head("main") == main_before
    assert git(repo, "status", "--porcelain") == ""
    assert git(repo, "worktree", "list").count("\n") == 0
    # the outbox: one PR, one status comment, the sub-state label, the commit status
    assert pipeline.ops() == ["create_pull", "set_status", "add_labels", "create_comment"]
    pull = pipeline.outbox()[0]
    assert pull["head"] == "pcs/request-201" and pull["base"] == "main"
    assert pull["title"] == "[Dataset Request] #201: edt DEMPgen-1.2.4/10x100/q2_10_20/pi+"
    assert pull["body"].rstrip().endswith("Request #201")
    status = pipeline.outbox()[1]
    assert status["state"] == "success" and status["context"] == "pcs/validate"
    assert status["sha"] == pipeline.head("pcs/request-201")
    # a new input's tags are only inferred: the request waits for their confirmation
    assert pipeline.outbox()[2]["labels"] == ["pcs:needs-confirmation"]
    assert "### Dataset request #201: draft (needs confirmation)" in pipeline.status_comment(201)
    assert out["api_calls"] <= 6


def test_replaying_an_event_creates_nothing(pipeline: Pipeline) -> None:
    event = issue_event("opened", issue(201))
    pipeline.handle("issues", event)
    head = pipeline.head("pcs/request-201")
    lines = len(pipeline.outbox())
    again = pipeline.handle("issues", event)
    assert again["commits"] == [] and again["write_calls"] == 0
    assert pipeline.head("pcs/request-201") == head
    assert len(pipeline.outbox()) == lines


def test_opened_and_labeled_arriving_together_make_one_of_everything(pipeline: Pipeline) -> None:
    the_issue = issue(202)
    pipeline.handle("issues", issue_event("opened", the_issue))
    labeled = issue_event("labeled", the_issue, label={"name": "dataset-request"})
    out = pipeline.handle("issues", labeled)
    assert out["commits"] == [] and out["write_calls"] == 0
    assert pipeline.ops().count("create_pull") == 1
    assert pipeline.ops().count("create_comment") == 1
    assert git(pipeline.root, "rev-list", "--count", "main..pcs/request-202") == "1"


def test_unrelated_events_are_ignored_quietly(pipeline: Pipeline) -> None:
    other = issue(203, "A bug report", labels=("bug",))
    assert not pipeline.handle("issues", issue_event("opened", other))["handled"]
    chatter = comment_event(issue(201), "Thanks, looks good!", REQUESTER)
    assert not pipeline.handle("issue_comment", chatter)["handled"]
    assert not pipeline.handle("push", push_event("a" * 40, ref="refs/heads/feature"))["handled"]
    assert not pipeline.handle("workflow_run", {"action": "completed"})["handled"]
    other_label = issue_event("labeled", issue(201), label={"name": "pcs:needs-input"})
    assert not pipeline.handle("issues", other_label)["handled"]
    assert pipeline.outbox() == []
    assert pipeline.head("pcs/request-201") is None


def test_a_request_with_problems_is_handled_and_explained(pipeline: Pipeline) -> None:
    body = DIS_BODY.replace("400k", '=HYPERLINK("http://evil")').replace(
        "/volatile/eic/EPIC/EVGEN/DIS/NC/18x275/minQ2=10", "/volatile/../etc; rm -rf ~"
    )
    out = pipeline.handle("issues", issue_event("opened", issue(204, body)))
    assert out["handled"]
    comment = pipeline.status_comment(204)
    assert "**Refused values**" in comment
    assert "formula" in comment
    assert "Dataset Path" in comment
    assert "needs input" in comment
    task = pipeline.task("pcs/request-204", 204)
    assert task["catalog"].get("events", "") == ""
    assert "HYPERLINK" not in pipeline.show("pcs/request-204", "docs/_data/datasets.csv")
    assert pipeline.outbox()[-2]["labels"] == ["pcs:needs-input"]


def test_a_body_that_is_not_the_form_gets_an_explanation_and_no_branch(pipeline: Pipeline) -> None:
    out = pipeline.handle(
        "issues",
        issue_event(
            "labeled", issue(205, "Please make me a sample"), label={"name": "dataset-request"}
        ),
    )
    assert out["handled"] and out["commits"] == []
    assert pipeline.head("pcs/request-205") is None
    assert pipeline.ops() == ["create_comment"]
    assert "not a request form" in pipeline.status_comment(205)


def test_a_correction_by_the_requester_updates_branch_pr_comment_and_replies_once(
    pipeline: Pipeline,
) -> None:
    the_issue = issue(206)
    pipeline.handle("issues", issue_event("opened", the_issue))
    head = pipeline.head("pcs/request-206")
    update = comment_event(
        the_issue, "!UPDATE number of events: 1.5M\n", REQUESTER, comment_id=7001
    )
    out = pipeline.handle("issue_comment", update)
    assert out["reply"] == "created"
    assert pipeline.head("pcs/request-206") != head
    assert pipeline.task("pcs/request-206", 206)["catalog"]["events"] == "1.5M"
    pulls = [e for e in pipeline.outbox() if e["op"] == "update_pull"]
    assert "| Number of Events | 1.5M |" in pulls[-1]["body"]  # the row the merge will publish
    replies = [b for b in pipeline.comments(206).values() if "<!-- pcs-reply: 7001 -->" in b]
    assert len(replies) == 1
    assert "Updated **Number of Events**: 400k → 1.5M" in replies[0]
    assert "update_pull" in pipeline.ops() and "update_comment" in pipeline.ops()
    # a multi-line value, then clearing a field
    pipeline.handle(
        "issue_comment",
        comment_event(the_issue, "!update Description:\nfirst\n\nsecond", REQUESTER, comment_id=72),
    )
    assert pipeline.task("pcs/request-206", 206)["catalog"]["description"] == "first\n\nsecond"
    clear = comment_event(the_issue, "/pcs update Other Use=", REQUESTER, comment_id=73)
    pipeline.handle("issue_comment", clear)
    assert pipeline.task("pcs/request-206", 206)["catalog"]["other_use"] == ""
    # replaying a command changes and posts nothing
    lines = len(pipeline.outbox())
    again = pipeline.handle("issue_comment", update)
    assert again["reply"] == "exists" and again["write_calls"] == 0
    assert len(pipeline.outbox()) == lines


def test_the_issue_field_cannot_be_updated(pipeline: Pipeline) -> None:
    the_issue = issue(207)
    pipeline.handle("issues", issue_event("opened", the_issue))
    head = pipeline.head("pcs/request-207")
    pipeline.handle("issue_comment", comment_event(the_issue, "!update Issue: 1", REQUESTER))
    assert pipeline.head("pcs/request-207") == head
    reply = next(b for b in pipeline.comments(207).values() if "pcs-reply" in b)
    assert "Not applied" in reply and "cannot be changed" in reply


def test_an_unauthorised_status_change_is_refused_and_names_who_may(
    pipeline: Pipeline, repo: Path
) -> None:
    confirm_input_on_main(repo)
    the_issue = issue(208)
    pipeline.handle("issues", issue_event("opened", the_issue))
    head = pipeline.head("pcs/request-208")
    for sender, cid in ((REQUESTER, 1), ("mallory", 2)):
        out = pipeline.handle(
            "issue_comment", comment_event(the_issue, "/pcs status ready", sender, comment_id=cid)
        )
        assert out["reply"] == "created" and out["commits"] == []
    assert pipeline.head("pcs/request-208") == head
    assert pipeline.task("pcs/request-208", 208)["status"] == "draft"
    replies = [b for b in pipeline.comments(208).values() if "pcs-reply" in b]
    assert all("Not applied" in r and f"`{MANAGER}`" in r for r in replies)
    # a manager who is not the requester may approve
    out = pipeline.handle(
        "issue_comment", comment_event(the_issue, "/pcs status ready", MANAGER, comment_id=3)
    )
    assert pipeline.task("pcs/request-208", 208)["status"] == "ready"
    assert out["labels_removed"] == ["pcs:awaiting-review"]
    assert "ready" in pipeline.status_comment(208)


def test_nobody_approves_their_own_request(pipeline: Pipeline, repo: Path) -> None:
    confirm_input_on_main(repo)
    the_issue = issue(209, author=MANAGER)
    pipeline.handle("issues", issue_event("opened", the_issue))
    pipeline.handle("issue_comment", comment_event(the_issue, "/pcs status ready", MANAGER))
    assert pipeline.task("pcs/request-209", 209)["status"] == "draft"
    pipeline.handle(
        "issue_comment", comment_event(the_issue, "/pcs status ready", OTHER_MANAGER, comment_id=2)
    )
    assert pipeline.task("pcs/request-209", 209)["status"] == "ready"


def test_edited_or_deleted_comments_and_bot_comments_never_run_commands(pipeline: Pipeline) -> None:
    the_issue = issue(210)
    pipeline.handle("issues", issue_event("opened", the_issue))
    lines = len(pipeline.outbox())
    for event in (
        comment_event(the_issue, "!update Priority: 1", REQUESTER, action="edited"),
        comment_event(the_issue, "!update Priority: 1", REQUESTER, action="deleted"),
        comment_event(the_issue, "!update Priority: 1", "pcs-bot"),
        comment_event(the_issue, "!update Priority: 1", "some-app[bot]", user_type="Bot"),
    ):
        assert not pipeline.handle("issue_comment", event)["handled"]
    assert len(pipeline.outbox()) == lines
    assert pipeline.task("pcs/request-210", 210)["catalog"]["priority"] == "2"


def test_editing_the_issue_body_applies_only_the_changed_fields(pipeline: Pipeline) -> None:
    the_issue = issue(211)
    pipeline.handle("issues", issue_event("opened", the_issue))
    pipeline.handle("issue_comment", comment_event(the_issue, "!update Priority: 1", REQUESTER))
    edited = issue(211, DEMP_BODY.replace("400k", "800k"))
    changes = {"body": {"from": DEMP_BODY}}
    pipeline.handle("issues", issue_event("edited", edited, changes=changes))
    task = pipeline.task("pcs/request-211", 211)
    assert task["catalog"]["events"] == "800k"
    assert task["catalog"]["priority"] == "1"  # the correction is not reverted


def test_closing_the_issue_withdraws_the_request(pipeline: Pipeline) -> None:
    the_issue = issue(212)
    pipeline.handle("issues", issue_event("opened", the_issue))
    closed = issue(212, state="closed")
    out = pipeline.handle("issues", issue_event("closed", closed))
    assert out["deleted"] == ["pcs/request-212"]
    assert pipeline.head("pcs/request-212") is None
    assert {"op": "update_pull", "number": 1, "state": "closed"} in pipeline.outbox()
    assert "closed without merge" in pipeline.status_comment(212)
    lines = len(pipeline.outbox())
    again = pipeline.handle("issues", issue_event("closed", closed))
    assert again["write_calls"] == 0 and len(pipeline.outbox()) == lines


def test_a_merged_request_is_recorded_on_main_and_lives_on_in_its_issue(
    pipeline: Pipeline, repo: Path
) -> None:
    pipeline.handle("issues", issue_event("opened", issue(213)))
    git(repo, "merge", "--no-ff", "-q", "-m", "Merge #1", "pcs/request-213")
    merge_sha = git(repo, "rev-parse", "HEAD")
    merged = pull_closed_event(213, 1, merged=True, merge_sha=merge_sha)
    out = pipeline.handle("pull_request", merged)
    assert out["handled"]
    assert out["deleted"] == ["pcs/request-213"]
    assert git(repo, "status", "--porcelain") == ""
    task = pipeline.task("main", 213)
    assert task["public_catalog"]["pr"] == 1
    assert task["public_catalog"]["commit_sha"] == merge_sha
    assert task["public_catalog"]["row_index"] == 1
    assert task["public_catalog"]["page_url"].endswith("/requests/issue-213.html")
    assert task["history"][-1]["action"] == "published"
    assert "close_issue" not in pipeline.ops()  # the issue is the request's home until it ends
    assert "In the catalogue since pull request #1" in pipeline.status_comment(213)
    lines = len(pipeline.outbox())
    head = pipeline.head("main")
    again = pipeline.handle("pull_request", merged)
    assert again["write_calls"] == 0 and again["commits"] == []
    assert len(pipeline.outbox()) == lines and pipeline.head("main") == head


def test_two_requests_racing_for_the_same_base_both_stay_valid(
    pipeline: Pipeline, repo: Path
) -> None:
    pipeline.handle("issues", issue_event("opened", issue(301)))
    pipeline.handle("issues", issue_event("opened", issue(302, DIS_BODY)))
    statuses = [e for e in pipeline.outbox() if e["op"] == "set_status"]
    assert [s["state"] for s in statuses] == ["success", "success"]
    # both took the first free evgen label from the same base
    for branch in ("pcs/request-301", "pcs/request-302"):
        assert "state/tags/evgen/e1.yaml" in git(repo, "ls-tree", "-r", "--name-only", branch)
    # 301 is merged; the push refreshes 302 onto the new main
    merged = pipeline.merge(301, 1)
    assert merged["deleted"] == ["pcs/request-301"]
    out = pipeline.handle("push", push_event(git(repo, "rev-parse", "HEAD")))
    assert out["refreshed"] == [302]
    assert git(repo, "merge-base", "--is-ancestor", "main", "pcs/request-302") == ""
    csv = pipeline.show("pcs/request-302", "docs/_data/datasets.csv")
    assert ",301" in csv and ",302" not in csv  # main's catalogue; #302's row comes at its merge
    why = git(repo, "log", "-1", "--format=%b", "pcs/request-302")
    assert "both changed state/tags/evgen/e1.yaml" in why
    task = pipeline.task("pcs/request-302", 302)
    assert ".e2." in task["input_datasets"][0]  # e1 went to #301 meanwhile
    assert [e for e in pipeline.outbox() if e["op"] == "set_status"][-1]["state"] == "success"
    # merging the refreshed branch is clean
    pipeline.merge(302, 2)
    result = CliRunner().invoke(cli, ["--repo", str(repo), "validate"])
    assert result.exit_code == 0, result.output
    result = CliRunner().invoke(cli, ["--repo", str(repo), "render", "--check"])
    assert result.exit_code == 0, result.output
    # a second push finds nothing stale
    again = pipeline.handle("push", push_event(git(repo, "rev-parse", "HEAD")))
    assert again["refreshed"] == [] and again["write_calls"] == 0


def test_form_parse_prints_the_answers_by_field_id(tmp_path: Path) -> None:
    from tests.support.gh_events import FORM

    body = tmp_path / "body.md"
    body.write_text(
        "### DSC or PWG\n\nSIDIS\n\n### Generator Config\n\npythia 8\n\n### Priority\n\n"
        "1 (Highest)\n\n### Other Use\n\n_No response_\n",
        encoding="utf-8",
    )
    result = CliRunner().invoke(cli, ["form", "parse", "--template", str(FORM), str(body)])
    assert result.exit_code == 0, result.output
    values = json.loads(result.stdout)
    assert values["dsc_or_pwg"] == "SIDIS"
    assert values["generator_dataset_version"] == "pythia 8"  # the old label still maps
    assert values["priority"] == "1 (Highest)"
    assert values["other_use"] is None
    assert values["dataset_path"] is None


def test_form_parse_accepts_a_template_without_the_aliased_field(tmp_path: Path) -> None:
    template = tmp_path / "trimmed.yml"
    template.write_text(
        "name: Trimmed\nbody:\n"
        "- {type: input, id: dataset_path, attributes: {label: Dataset Path}}\n"
        "- {type: textarea, id: notes, attributes: {label: Notes}}\n",
        encoding="utf-8",
    )
    body = tmp_path / "body.md"
    body.write_text("### Dataset Path\n\n/volatile/eic/a\n\n### Notes\n\nhi\n", "utf-8")
    result = CliRunner().invoke(cli, ["form", "parse", "--template", str(template), str(body)])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == {"dataset_path": "/volatile/eic/a", "notes": "hi"}


def test_handle_without_an_event_is_a_usage_error(repo: Path) -> None:
    result = CliRunner().invoke(
        cli,
        ["--repo", str(repo), "gh", "handle"],
        env={"GITHUB_EVENT_NAME": "", "GITHUB_EVENT_PATH": "", "GITHUB_TOKEN": ""},
    )
    assert result.exit_code == 2
    assert "no event to handle" in result.output


def test_a_dry_run_reports_but_changes_nothing(pipeline: Pipeline, repo: Path) -> None:
    path = write_event(pipeline.tmp, "dry", issue_event("opened", issue(220)))
    result = CliRunner().invoke(
        cli,
        [
            *("--repo", str(repo), "gh", "handle", "--dry-run"),
            *("--event-name", "issues", "--event-path", str(path)),
        ],
        env={"GITHUB_TOKEN": "", "PCS_GITHUB_TOKEN": ""},
    )
    assert result.exit_code == 0, result.output
    assert "request #220 [offline, dry run]" in result.stdout
    assert "would push: pcs/request-220" in result.stdout
    assert pipeline.head("pcs/request-220") is None
    assert pipeline.outbox() == []


def test_a_pr_closed_without_merge_is_reopened_by_the_next_correction(pipeline: Pipeline) -> None:
    the_issue = issue(221)
    pipeline.handle("issues", issue_event("opened", the_issue))
    # a maintainer closes PR #1 on "GitHub" (the outbox stands in for it)
    with (pipeline.root / ".pcs" / "outbox.jsonl").open("a", encoding="utf-8") as outbox:
        outbox.write(json.dumps({"op": "update_pull", "number": 1, "state": "closed"}) + "\n")
    out = pipeline.handle("pull_request", pull_closed_event(221, 1, merged=False))
    assert out["handled"] and out["commits"] == []
    assert "closed without merging" in pipeline.status_comment(221)
    pipeline.handle("issue_comment", comment_event(the_issue, "!update Priority: 3", REQUESTER))
    reopened = [e for e in pipeline.outbox() if e["op"] == "update_pull" and "title" in e]
    assert reopened[-1]["state"] == "open" and reopened[-1]["number"] == 1
    assert "create_pull" not in pipeline.ops()[1:]
    assert "closed without merging" not in pipeline.status_comment(221)


def test_each_command_line_of_a_comment_is_its_own_command(pipeline: Pipeline) -> None:
    the_issue = issue(230)
    pipeline.handle("issues", issue_event("opened", the_issue))
    release = "https://github.com/JeffersonLab/DEMPgen/releases/tag/v1.2.5"
    body = f"!update Generator/Dataset Version: {release}\n!update Number of Events: 2M\n"
    out = pipeline.handle("issue_comment", comment_event(the_issue, body, REQUESTER, comment_id=91))
    catalog = pipeline.task("pcs/request-230", 230)["catalog"]
    assert (catalog["generator_version"], catalog["events"]) == (release, "2M")
    assert len(out["commits"]) == 2  # one commit per command
    (reply,) = [b for b in pipeline.comments(230).values() if "<!-- pcs-reply: 91 -->" in b]
    assert "2 commands" in reply
    assert "Updated **Generator/Dataset Version**" in reply
    assert "Updated **Number of Events**: 400k → 2M" in reply


def test_a_refused_path_correction_changes_nothing_and_says_so(
    pipeline: Pipeline, repo: Path
) -> None:
    folder = "/volatile/eic/EPIC/EVGEN/DIS/NC/18x275/minQ2=10"
    taken = f"{folder}/pythia8NCDIS_18x275_minQ2=10.csv"
    release = "https://github.com/JeffersonLab/DEMPgen/releases/tag/v1.2.4"
    made = CliRunner().invoke(
        cli,
        [
            "--repo",
            str(repo),
            "dataset",
            "intake",
            "--source-location",
            taken,
            "--release-url",
            release,
        ],
    )
    assert made.exit_code == 0, made.output
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "An input on main")
    the_issue = issue(231)
    pipeline.handle("issues", issue_event("opened", the_issue))
    head = pipeline.head("pcs/request-231")
    before = pipeline.task("pcs/request-231", 231)
    same_name = f"{folder}/pythia8NCDIS_18x275_minQ2=10_b.csv"
    correction = comment_event(
        the_issue, f"!update Dataset Path: {same_name}", REQUESTER, comment_id=92
    )
    out = pipeline.handle("issue_comment", correction)
    assert out["commits"] == [] and pipeline.head("pcs/request-231") == head
    after = pipeline.task("pcs/request-231", 231)
    assert after["catalog"] == before["catalog"]
    assert after["input_datasets"] == before["input_datasets"]
    (reply,) = [b for b in pipeline.comments(231).values() if "<!-- pcs-reply: 92 -->" in b]
    assert reply.count("Not applied") == 1 and "already used by" in reply
    assert "Updated" not in reply


def test_a_request_whose_tags_are_only_inferred_is_not_approved_and_says_what_to_confirm(
    pipeline: Pipeline,
) -> None:
    the_issue = issue(230)
    pipeline.handle("issues", issue_event("opened", the_issue))
    status = pipeline.status_comment(230)
    assert "Inferred tag mapping confirmed" in status
    pipeline.handle("issue_comment", comment_event(the_issue, "/pcs status ready", MANAGER))
    assert pipeline.task("pcs/request-230", 230)["status"] == "draft"
    (reply,) = [b for b in pipeline.comments(230).values() if "pcs-reply" in b]
    assert "Not applied" in reply and "is inferred from the path" in reply


def demp_issue(number: int, particle: str) -> dict[str, Any]:
    """A DEMP request like DEMP_BODY's for another particle (the same tags, its own dataset)."""
    return issue(number, DEMP_BODY.replace("q2_10_20/pi+", f"q2_10_20/{particle}"))


def test_a_merge_leaves_alone_the_open_requests_it_does_not_meet(
    pipeline: Pipeline, repo: Path
) -> None:
    pipeline.handle("issues", issue_event("opened", demp_issue(401, "pi+")))
    pipeline.merge(401, 1)
    # two more requests on the tags #401 brought; each branch carries its records only
    for number, particle in ((402, "K+"), (403, "p")):
        pipeline.handle("issues", issue_event("opened", demp_issue(number, particle)))
        changed = git(repo, "diff", "--name-only", f"main...pcs/request-{number}").split()
        assert changed and all(path.startswith("state/") for path in changed), changed
        assert not any("/tags/" in path for path in changed)
    head = pipeline.head("pcs/request-403")
    pipeline.merge(402, 2)
    out = pipeline.handle("push", push_event(git(repo, "rev-parse", "HEAD")))
    assert out["refreshed"] == [] and out["unaffected"] == [403]
    assert pipeline.head("pcs/request-403") == head and out["write_calls"] == 0
    # it still merges cleanly, and the default branch renders what it brought
    pipeline.merge(403, 3)
    for command in (["validate"], ["render", "--check"]):
        result = CliRunner().invoke(cli, ["--repo", str(repo), *command])
        assert result.exit_code == 0, result.output
    csv = pipeline.show("main", "docs/_data/datasets.csv")
    assert all(f",{n}" in csv for n in (401, 402, 403))


def test_a_push_renders_the_default_branchs_derived_files_once(
    pipeline: Pipeline, repo: Path
) -> None:
    pipeline.handle("issues", issue_event("opened", demp_issue(411, "pi+")))
    # merged without the pull request event: the records are on main, their catalogue row not
    git(repo, "merge", "--no-ff", "-q", "-m", "Merge #1", "pcs/request-411")
    assert ",411" not in pipeline.show("main", "docs/_data/datasets.csv")
    out = pipeline.handle("push", push_event(git(repo, "rev-parse", "HEAD")))
    assert out["rendered"] > 0 and out["pushed"] == ["main"]
    assert ",411" in pipeline.show("main", "docs/_data/datasets.csv")
    message = git(repo, "log", "-1", "--format=%s", "main")
    assert message.startswith("Render the catalogue, pages and JSON API for ")
    result = CliRunner().invoke(cli, ["--repo", str(repo), "render", "--check"])
    assert result.exit_code == 0, result.output
    again = pipeline.handle("push", push_event(git(repo, "rev-parse", "HEAD")))
    assert again["rendered"] == 0 and again["commits"] == [] and again["write_calls"] == 0


def test_a_request_whose_records_cannot_be_carried_onto_main_says_so_and_keeps_its_branch(
    pipeline: Pipeline, repo: Path
) -> None:
    pipeline.handle("issues", issue_event("opened", demp_issue(421, "pi+")))
    pipeline.merge(421, 1)
    pipeline.handle("issues", issue_event("opened", demp_issue(422, "K+")))
    head = pipeline.head("pcs/request-422")
    # main takes #422's input dataset name for another source
    name = next(
        p
        for p in git(repo, "diff", "--name-only", "main...pcs/request-422").split()
        if p.startswith("state/datasets/") and ".s0.r0." in p
    )
    record = pipeline.show("pcs/request-422", name).replace("q2_10_20/K+", "elsewhere/K+")
    (repo / name).write_text(record + "\n", encoding="utf-8")
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "A dataset of another source under #422's name")
    out = pipeline.handle("push", push_event(git(repo, "rev-parse", "HEAD")))
    assert out["refreshed"] == [422]
    assert pipeline.head("pcs/request-422") == head  # nothing carried, nothing lost
    status = pipeline.status_comment(422)
    assert "could not be brought up to date with main" in status
    assert "is used on the default branch by path" in status
