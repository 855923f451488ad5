"""The dynamic catalogue on every surface (CLI, MCP, REST): campaigns, cloning into one,
re-prioritising, withdrawing and reinstating requests, and PWG-authored physics tags that a
production manager locks.

The catalogue holds three requests of the PWG ``edt`` filed by ``anna`` (#250-#252), merged on
main; ``boss`` is a production manager, ``paul`` a member and ``cora`` a convener of ``edt``.
"""

from __future__ import annotations

import csv
import io
import json
import re
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from pcs_gitops.adapters.yaml_store import dump_yaml
from pcs_gitops.bootstrap import build
from pcs_gitops.config import Settings
from pcs_gitops.domain.issue_form import parse_issue_body, render_issue_body
from pcs_gitops.entrypoints.cli import cli
from pcs_gitops.errors import UsageError
from pcs_gitops.services.ports import Actor
from pcs_gitops.services.usecases.tags import file_physics_config
from tests.conftest import snapshot
from tests.support.gh_events import MANAGER, REQUESTER, git, make_catalogue_repo
from tests.support.mcp_client import call
from tests.support.surfaces import SURFACES, Surface, surface

MEMBER, CONVENER, STRANGER = "paul", "cora", "mallory"
PHYSICS_FORM = Path(__file__).parents[2] / ".github" / "ISSUE_TEMPLATE" / "physics_config.yml"
LOGINS = (MANAGER, REQUESTER, MEMBER, CONVENER, STRANGER)
TASKS = ("issue-250", "issue-251", "issue-252")
PATH = "/volatile/eic/EPIC/EVGEN/EXCLUSIVE/DEMP/DEMPgen-1.2.4/10x100/q2_{}/pi+"
GOOD_PHYSICS = {
    "process": "DEMP",
    "beam_energy_electron": "10",
    "beam_energy_hadron": "100",
    "q2_range": "q2_10_20",
}


def pcs(root: Path, *args: str, actor: str = MANAGER, **env: str) -> Result:
    return CliRunner().invoke(
        cli,
        ["--repo", str(root), "--actor", actor, *args],
        env={"GITHUB_TOKEN": "", "PCS_GITHUB_TOKEN": "", **env},
    )


def done(result: Result) -> Any:
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout) if result.stdout.startswith("{") else result.stdout


def task_record(root: Path, name: str) -> dict[str, Any]:
    return json.loads(pcs(root, "task", "get", name, "--json").stdout)


@pytest.fixture(scope="session")
def _template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = make_catalogue_repo(tmp_path_factory.mktemp("dynamic") / "catalogue")
    roles = {
        "grants": [
            {"role": "production_manager", "logins": [MANAGER], "teams": []},
            {"role": "pwg_member", "pwg": "edt", "logins": [MEMBER], "teams": []},
            {"role": "pwg_convener", "pwg": "edt", "logins": [CONVENER], "teams": []},
            {"role": "admin", "logins": [], "teams": []},
        ]
    }
    (root / "state" / "roles.yaml").write_text(dump_yaml(roles), encoding="utf-8")
    for number, task in zip((250, 251, 252), TASKS, strict=True):
        path = PATH.format(number)
        intake = done(
            pcs(
                root,
                "dataset",
                "intake",
                "--source-location",
                path,
                "--release-url",
                "https://github.com/JeffersonLab/DEMPgen/releases/tag/v1.2.4",
                "--json",
                actor=REQUESTER,
            )
        )
        done(
            pcs(
                root,
                "task",
                "intake",
                "--public-catalog-issue",
                str(number),
                "--pwg",
                "edt",
                "--priority",
                "2",
                "--dataset-path",
                path,
                "--events",
                "400k",
                "--json",
                actor=REQUESTER,
            )
        )
        did = intake["dataset"]["did"]
        done(pcs(root, "task", "link-input", task, "--did", did, actor=REQUESTER))
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "Three requests of edt, merged")
    return root


@pytest.fixture
def root(_template: Path, tmp_path: Path) -> Path:
    copy = tmp_path / "catalogue"
    shutil.copytree(_template, copy)
    return copy


@pytest.fixture(params=SURFACES)
def on(request: pytest.FixtureRequest, root: Path) -> Iterator[Surface]:
    with surface(request.param, root, LOGINS) as found:
        yield found


# --------------------------------------------------------------------------- campaigns


def test_cloning_three_requests_makes_three_drafts_once(on: Surface, root: Path) -> None:
    assert on.run("campaign_create", MANAGER, name="26.07", detector_version="26.07.1").ok
    first = on.run("clone", MANAGER, campaign="26.07", task_names=list(TASKS))
    assert first.ok, first.message
    clones = [f"26.07.{name}" for name in TASKS]
    assert first.data["created"] == clones
    before = snapshot(root)
    again = on.run("clone", MANAGER, campaign="26.07", task_names=list(TASKS))
    assert (again.data["created"], again.data["existing"]) == ([], clones)
    assert again.data["commit"] is None and snapshot(root) == before
    for clone, source in zip(clones, TASKS, strict=True):
        record = task_record(root, clone)
        assert (record["status"], record["campaign"], record["cloned_from"]) == (
            "draft",
            "26.07",
            source,
        )
        assert record["overrides"]["detector_version"] == "26.07.1"
        assert [h["action"] for h in record["history"]] == ["cloned", "outputs"]
        # its own output, produced with the campaign's release: no collision with the source's
        [output] = record["output_datasets"]
        assert ".26.07.1." in output and output not in task_record(root, source)["output_datasets"]
        assert record["requested_by"] == REQUESTER  # the requester keeps their rights
    listed = json.loads(pcs(root, "task", "list", "--campaign", "26.07", "--json").stdout)
    assert [t["name"] for t in listed["tasks"]] == clones


def test_clones_are_not_new_rows_of_the_public_catalogue(root: Path) -> None:
    catalogue = (root / "docs" / "_data" / "datasets.csv").read_bytes()
    done(pcs(root, "campaign", "create", "26.07"))
    done(pcs(root, "task", "clone", *TASKS, "--into", "26.07"))
    assert (root / "docs" / "_data" / "datasets.csv").read_bytes() == catalogue


def test_only_production_managers_clone_and_make_campaigns(on: Surface, root: Path) -> None:
    refused = on.run("campaign_create", MEMBER, name="26.07")
    assert not refused.ok
    assert refused.message.startswith(
        f"{MEMBER} may not create or close a campaign: only a production manager or an admin"
    )
    done(pcs(root, "campaign", "create", "26.07"))
    before = snapshot(root)
    refused = on.run("clone", REQUESTER, campaign="26.07", task_names=[TASKS[0]])
    assert "may not clone requests into a campaign" in refused.message
    assert snapshot(root) == before


def test_a_closed_campaign_takes_no_clones(on: Surface, root: Path) -> None:
    done(pcs(root, "campaign", "create", "26.07"))
    closed = on.run("campaign_close", MANAGER, name="26.07")
    assert closed.ok and closed.data["campaign"]["status"] == "closed"
    refused = on.run("clone", MANAGER, campaign="26.07", task_names=[TASKS[0]])
    assert refused.message == "campaign '26.07' is closed: it takes no new tasks"


def test_a_batch_clone_on_github_is_one_pull_request_listing_every_clone(root: Path) -> None:
    done(pcs(root, "campaign", "create", "26.07"))
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "Campaign 26.07")
    github = {"PCS_PUBLISH": "github"}
    first = done(pcs(root, "task", "clone", *TASKS, "--into", "26.07", "--json", **github))
    branch = first["published"]["branch"]
    assert branch.startswith("pcs/batch-clone-26.07-")
    again = done(pcs(root, "task", "clone", *TASKS, "--into", "26.07", "--json", **github))
    assert again["created"] == [] and again["published"]["commit"] is None
    outbox = [
        json.loads(line) for line in (root / ".pcs" / "outbox.jsonl").read_text().splitlines()
    ]
    pulls = [e for e in outbox if e["op"] == "create_pull"]
    assert len(pulls) == 1
    assert all(f"`26.07.{name}`" in pulls[0]["body"] for name in TASKS)
    listing = git(root, "ls-tree", "--name-only", branch, "state/prod_tasks/")
    assert {f"state/prod_tasks/26.07.{name}.yaml" for name in TASKS} <= set(listing.split())


# --------------------------------------------------------------------------- requests


def test_withdraw_then_submit_is_refused(on: Surface, root: Path) -> None:
    withdrawn = on.run("withdraw", REQUESTER, task=TASKS[0], reason="superseded by #251")
    assert withdrawn.ok, withdrawn.message
    assert withdrawn.data["withdrawn"]["by"] == REQUESTER
    submit = pcs(root, "task", "submit", TASKS[0], "--dry-run")
    assert submit.exit_code == 1
    assert "A withdrawn request is never submitted" in submit.stderr
    approve = pcs(root, "task", "set-status", TASKS[0], "ready")
    assert approve.exit_code == 1 and "superseded by #251" in approve.stderr
    readiness = json.loads(pcs(root, "task", "readiness", TASKS[0], "--json").stdout)
    assert readiness["substate"] == "withdrawn"
    listed = json.loads(pcs(root, "task", "list", "--json").stdout)["tasks"]
    assert [t["withdrawn"] for t in listed] == [True, False, False]


def test_only_a_manager_reinstates_and_the_request_is_a_draft_again(
    on: Surface, root: Path
) -> None:
    done(pcs(root, "task", "withdraw", TASKS[0], actor=REQUESTER))
    refused = on.run("reinstate", REQUESTER, task=TASKS[0])
    assert f"{REQUESTER} may not reinstate this request ('{TASKS[0]}')" in refused.message
    back = on.run("reinstate", MANAGER, task=TASKS[0])
    assert back.ok and back.data["withdrawn"] is None and back.data["status"] == "draft"
    history = [h["action"] for h in task_record(root, TASKS[0])["history"]]
    assert history[-2:] == ["withdrawn", "reinstated"]


def test_a_stranger_withdraws_nothing(on: Surface, root: Path) -> None:
    before = snapshot(root)
    refused = on.run("withdraw", STRANGER, task=TASKS[1])
    assert refused.message.startswith(
        f"{STRANGER} may not withdraw this request ('{TASKS[1]}'): only the requester (before "
        "submission), a production manager or an admin may withdraw this request"
    )
    assert snapshot(root) == before


def _row(root: Path, path: str) -> dict[str, str]:
    text = (root / "docs" / "_data" / "datasets.csv").read_text(encoding="utf-8")
    return next(r for r in csv.DictReader(io.StringIO(text)) if r["Dataset Path"] == path)


def test_a_convener_reprioritises_after_the_merge_and_the_row_changes(
    on: Surface, root: Path
) -> None:
    assert _row(root, PATH.format(251))["Priority"] == "2"
    refused = on.run("priority", MEMBER, task=TASKS[1], priority=1)
    assert refused.message.startswith(
        f"{MEMBER} may not change the priority of this request ('{TASKS[1]}'): only a convener "
        "of the request's PWG, a production manager or an admin may"
    )
    changed = on.run("priority", CONVENER, task=TASKS[1], priority=1, reason="needed for the TDR")
    assert changed.ok, changed.message
    assert (changed.data["from"], changed.data["priority"]) == ("2", "1")
    assert _row(root, PATH.format(251))["Priority"] == "1"
    entry = task_record(root, TASKS[1])["history"][-1]
    assert (entry["action"], entry["by"], entry["detail"]) == (
        "priority",
        CONVENER,
        {"from": "2", "to": "1", "reason": "needed for the TDR"},
    )


# --------------------------------------------------------------------------- tags


def test_a_members_physics_tag_outside_the_template_is_refused_naming_the_parameter(
    on: Surface, root: Path
) -> None:
    before = snapshot(root)
    wrong = {**GOOD_PHYSICS, "beam_energy_hadron": "99"}
    refused = on.run("tag_create", MEMBER, tag_type="physics", pwg="edt", parameters=wrong)
    assert not refused.ok
    assert "parameter 'beam_energy_hadron' is '99'; the template allows 41, 100" in (
        refused.message
    )
    assert snapshot(root) == before
    made = on.run("tag_create", MEMBER, tag_type="physics", pwg="edt", parameters=GOOD_PHYSICS)
    assert made.ok, made.message
    assert (made.data["tag"]["pwg"], made.data["tag"]["status"]) == ("edt", "draft")
    label = made.data["label"]
    assert label.startswith("p5")  # DEMP: exclusive and other
    outsider = on.run("tag_edit", REQUESTER, label=label, parameters={"q2_range": "q2_20_35"})
    assert f"{REQUESTER} may not author or edit this tag ('{label}')" in outsider.message
    edited = on.run("tag_edit", MEMBER, label=label, parameters={"q2_range": "q2_20_35"})
    assert edited.ok and edited.data["changed"] == ["q2_range"]
    assert not on.run("tag_lock", MEMBER, label=label).ok
    locked = on.run("tag_lock", MANAGER, label=label)
    assert locked.ok and locked.data["tag"]["status"] == "locked"
    frozen = on.run("tag_edit", MANAGER, label=label, parameters={"q2_range": "q2_10_20"})
    assert frozen.message.startswith(f"tag {label} is locked: a locked tag never changes")


def test_editing_a_locked_tag_by_hand_fails_validate_against_the_parent_commit(
    root: Path,
) -> None:
    made = done(
        pcs(
            root,
            "tag",
            "create",
            "physics",
            "--pwg",
            "edt",
            *[f"--param={k}={v}" for k, v in GOOD_PHYSICS.items()],
            "--json",
            actor=MEMBER,
        )
    )
    label = made["label"]
    done(pcs(root, "tag", "lock", label))
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", f"Lock {label}")
    record = root / "state" / "tags" / "physics" / f"{label}.yaml"
    record.write_text(record.read_text().replace("q2_10_20", "q2_20_35"), encoding="utf-8")
    uncommitted = pcs(root, "validate")
    assert uncommitted.exit_code == 1
    assert f"state/tags/physics/{label}.yaml: parameters.q2_range: locked tag {label} differs" in (
        uncommitted.stderr
    )
    git(root, "commit", "-q", "-am", "Edit the locked tag")
    committed = pcs(root, "validate")
    assert committed.exit_code == 1 and "a locked tag never changes" in committed.stderr
    assert pcs(root, "validate", "--no-base").exit_code == 0
    assert pcs(root, "validate", "--base", "HEAD").exit_code == 0


def test_a_task_using_a_draft_pwg_tag_cannot_be_approved_until_it_is_locked(root: Path) -> None:
    made = done(
        pcs(
            root,
            "tag",
            "create",
            "physics",
            "--pwg",
            "edt",
            *[f"--param={k}={v}" for k, v in GOOD_PHYSICS.items()],
            "--json",
            actor=MEMBER,
        )
    )
    label = made["label"]
    path = "/volatile/eic/EPIC/EVGEN/EXCLUSIVE/DEMP/DEMPgen-1.2.4/10x100/q2_10_20/pi-"
    dataset = done(
        pcs(
            root,
            "dataset",
            "intake",
            "--source-location",
            path,
            "--physics-tag",
            label,
            "--release-url",
            "https://github.com/JeffersonLab/DEMPgen/releases/tag/v1.2.4",
            "--json",
        )
    )
    done(pcs(root, "task", "link-input", TASKS[2], "--did", dataset["dataset"]["did"]))
    refused = pcs(root, "task", "set-status", TASKS[2], "ready")
    assert refused.exit_code == 1
    assert f"physics tag {label} is a draft; a production manager approves it" in refused.stderr
    done(pcs(root, "tag", "lock", label))
    done(pcs(root, "task", "confirm", TASKS[2]))  # the EvGen tag was inferred from the path
    done(pcs(root, "task", "set-status", TASKS[2], "ready"))


# --------------------------------------------------------------------------- reads, reminders


def test_campaigns_read_alike_on_every_surface(root: Path) -> None:
    done(pcs(root, "campaign", "create", "26.07", "--description", "July"))
    by_cli = done(pcs(root, "campaign", "list", "--json"))
    assert [c["name"] for c in by_cli["campaigns"]] == ["26.07"]
    one = done(pcs(root, "campaign", "get", "26.07", "--json"))
    assert (one["description"], one["tasks"], one["task_names"]) == ("July", 0, [])
    assert call(root, "pcs_campaign_list").data == by_cli
    assert call(root, "pcs_campaign_get", {"name": "26.07"}).data == one
    with surface("rest", root, LOGINS) as on:
        assert on.rest is not None
        assert on.rest.get("/pcs/api/campaigns/").body == by_cli
        assert on.rest.get("/pcs/api/campaigns/26.07/").body == one
        missing = on.rest.get("/pcs/api/campaigns/26.10/")
    assert missing.status == 404 and "campaign '26.10' does not exist" in missing.message


def _age_everything(root: Path) -> None:
    for record in (root / "state" / "prod_tasks").glob("*.yaml"):
        text = re.sub(
            r"(\bat|created_at): '[^']+'", r"\1: '2026-01-01T00:00:00Z'", record.read_text()
        )
        record.write_text(text, encoding="utf-8")


def test_pcs_remind_posts_one_reminder_per_stalled_request_and_period(root: Path) -> None:
    _age_everything(root)
    first = done(pcs(root, "remind", "--offline", "--json"))
    assert [(s["task"], s["reminder"]) for s in first["stalled"]] == [
        (name, "posted") for name in TASKS
    ]
    assert first["days"] == 14 and first["stalled"][0]["substate"] == "needs-confirmation"
    again = done(pcs(root, "remind", "--offline", "--json"))
    assert {s["reminder"] for s in again["stalled"]} == {"already"}
    outbox = (root / ".pcs" / "outbox.jsonl").read_text().splitlines()
    comments = [json.loads(line) for line in outbox if '"create_comment"' in line]
    assert [c["issue"] for c in comments] == [250, 251, 252]
    who = "Who can act: the requester and `boss`, `paul`, `cora` (from state/roles.yaml)."
    assert who in comments[0]["body"]
    by_mcp = call(root, "pcs_stalled_list", {"days": 30}).data
    with surface("rest", root, LOGINS) as on:
        assert on.rest is not None
        by_rest = on.rest.get("/pcs/api/stalled/", days=30).body
    assert [s["task"] for s in by_mcp["stalled"]] == [s["task"] for s in by_rest["stalled"]]
    assert [s["task"] for s in by_mcp["stalled"]] == list(TASKS)


def test_a_filed_physics_configuration_form_becomes_a_draft_tag_of_its_pwg(root: Path) -> None:
    services = build(Settings.from_env(root, {}))
    form = services.issue_form(PHYSICS_FORM)
    answers = {
        "pwg": "Exclusive/Diffractive/Tagging",
        "tag_type": "Physics",
        "process": "DEMP",
        "beam_energy_electron": "10",
        "beam_energy_hadron": "100",
        "other_parameters": "q2_range = q2_10_20\nparticle = pi+",
        "description": "DEMP pi+ at 10x100",
    }
    body = render_issue_body(form, answers)
    parsed = parse_issue_body(form, body)
    made = file_physics_config(services.publisher(), parsed, Actor(MEMBER, "github"))
    tag = made["tag"]
    assert (made["created"], tag["pwg"], tag["status"]) == (True, "edt", "draft")
    assert tag["parameters"] == {**GOOD_PHYSICS, "particle": "pi+"}
    refused = {**answers, "beam_energy_electron": "12"}
    with pytest.raises(UsageError, match="parameter 'beam_energy_electron' is '12'"):
        file_physics_config(
            services.publisher(),
            parse_issue_body(form, render_issue_body(form, refused)),
            Actor(MEMBER, "github"),
        )
