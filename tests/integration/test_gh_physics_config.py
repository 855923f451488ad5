"""The "Physics configuration" issue form through ``pcs gh handle --offline``: a filed form
becomes a draft tag of the author's PWG on its own branch and pull request, answered by ONE
comment; a refusal says what is wrong and changes nothing."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest

from pcs_gitops.adapters.yaml_store import dump_yaml, load_yaml_text
from pcs_gitops.domain.issue_form import IssueForm, render_issue_body
from tests.support.fake_github import FakeGitHub
from tests.support.fake_github_fixture import fake_github_server  # noqa: F401
from tests.support.gh_events import MANAGER, git, issue, issue_event, make_catalogue_repo
from tests.support.offline_pipeline import Pipeline
from tests.support.online_pipeline import Online

ROOT = Path(__file__).parents[2]
FORM = ROOT / ".github" / "ISSUE_TEMPLATE" / "physics_config.yml"
MEMBER, STRANGER = "paul", "mallory"
ANSWERS = {
    "pwg": "Exclusive/Diffractive/Tagging",
    "tag_type": "Physics",
    "process": "DEMP",
    "beam_energy_electron": "10",
    "beam_energy_hadron": "100",
    "other_parameters": "q2_range = q2_10_20\nparticle = pi+",
    "description": "DEMP pi+ at 10x100",
}


@pytest.fixture
def pipeline(tmp_path: Path) -> Pipeline:
    root = make_catalogue_repo(tmp_path / "catalogue")
    shutil.copy(FORM, root / ".github" / "ISSUE_TEMPLATE" / "physics_config.yml")
    roles = {
        "grants": [
            {"role": "production_manager", "logins": [MANAGER], "teams": []},
            {"role": "pwg_member", "pwg": "edt", "logins": [MEMBER], "teams": []},
            {"role": "admin", "logins": [], "teams": []},
        ]
    }
    (root / "state" / "roles.yaml").write_text(dump_yaml(roles), encoding="utf-8")
    git(root, "add", "-A")
    git(root, "commit", "-qm", "The physics form and a PWG member")
    return Pipeline(root, tmp_path)


def physics_issue(number: int, author: str, **answers: str) -> dict[str, Any]:
    form = IssueForm.from_template(load_yaml_text(FORM.read_text(encoding="utf-8"), "form"))
    body = render_issue_body(form, {**ANSWERS, **answers})
    return issue(number, body, author=author, labels=("physics-config",))


def answer(pipeline: Pipeline, number: int) -> str:
    bodies = [b for b in pipeline.comments(number).values() if "<!-- pcs-physics-config -->" in b]
    assert len(bodies) == 1, bodies
    return bodies[0]


def test_a_filed_configuration_becomes_a_draft_tag_with_its_own_pull_request(
    pipeline: Pipeline,
) -> None:
    out = pipeline.handle("issues", issue_event("opened", physics_issue(401, MEMBER)))
    assert out["handled"] and len(out["commits"]) == 1
    text = answer(pipeline, 401)
    assert "This configuration is the draft tag **p" in text
    assert "A production manager approves it" in text
    branches = git(pipeline.root, "for-each-ref", "--format=%(refname:short)", "refs/heads/")
    (branch,) = [b for b in branches.splitlines() if "tag-p" in b]
    tags = git(pipeline.root, "ls-tree", "-r", "--name-only", branch, "state/tags/physics")
    new = [
        t
        for t in tags.splitlines()
        if t
        not in git(
            pipeline.root, "ls-tree", "-r", "--name-only", "main", "state/tags/physics"
        ).splitlines()
    ]
    assert len(new) == 1
    record = pipeline.show(branch, new[0])
    assert "pwg: edt" in record and "status: draft" in record and "particle: pi+" in record
    assert any(e["op"] == "create_pull" for e in pipeline.outbox())
    # a replay makes nothing new and leaves the answer as it is
    lines = len(pipeline.outbox())
    again = pipeline.handle("issues", issue_event("reopened", physics_issue(401, MEMBER)))
    assert again["commits"] == [] and len(pipeline.outbox()) == lines


def test_a_configuration_outside_the_template_or_by_a_stranger_is_refused(
    pipeline: Pipeline,
) -> None:
    head = pipeline.head("main")
    pipeline.handle(
        "issues", issue_event("opened", physics_issue(402, MEMBER, beam_energy_electron="12"))
    )
    text = answer(pipeline, 402)
    assert "Not applied" in text and "beam\\_energy\\_electron" in text and "'12'" in text
    pipeline.handle("issues", issue_event("opened", physics_issue(403, STRANGER)))
    assert "Not applied" in answer(pipeline, 403)
    branches = git(pipeline.root, "for-each-ref", "--format=%(refname:short)", "refs/heads/")
    assert [b for b in branches.splitlines() if "tag-p" in b] == []
    assert pipeline.head("main") == head


def test_other_issue_actions_on_a_configuration_do_nothing(pipeline: Pipeline) -> None:
    out = pipeline.handle("issues", issue_event("edited", physics_issue(404, MEMBER)))
    assert not out["handled"] and "pcs tag edit" in out["reason"]
    assert pipeline.outbox() == []


def test_a_filed_configuration_online_opens_its_pull_request_on_github(
    tmp_path: Path, fake_github: FakeGitHub
) -> None:
    online = Online(tmp_path, fake_github)
    checkout = online.checkout
    shutil.copy(FORM, checkout / ".github" / "ISSUE_TEMPLATE" / "physics_config.yml")
    roles = load_yaml_text((checkout / "state" / "roles.yaml").read_text(encoding="utf-8"), "r")
    roles["grants"].append({"role": "pwg_member", "pwg": "edt", "logins": [MEMBER], "teams": []})
    (checkout / "state" / "roles.yaml").write_text(dump_yaml(roles), encoding="utf-8")
    git(checkout, "add", "-A")
    git(checkout, "commit", "-qm", "The physics form and a PWG member")
    git(checkout, "push", "-q", "origin", "HEAD:main")
    the_issue = physics_issue(405, MEMBER)
    fake_github.add_issue(
        405,
        title="[Physics configuration] DEMP",
        body=the_issue["body"],
        user=MEMBER,
        labels=["physics-config"],
    )
    out = online.handle("issues", issue_event("opened", the_issue))
    assert out.handled and len(out.commits) == 1
    ((number, pull),) = fake_github.state.pulls.items()
    assert pull["head"].startswith("pcs/batch-tag-p")
    comments = [c["body"] for c in online.comments(405)]
    assert len(comments) == 1 and f"/pull/{number}" in comments[0]
    online.handle("issues", issue_event("reopened", the_issue))
    assert len(fake_github.state.pulls) == 1 and len(online.comments(405)) == 1
