"""From request to a task PanDA should run, through the CLI, MCP and REST: distinct outputs,
a refused duplicate, approval by a manager bound to the payload, withdrawal on a change."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import Result

from pcs_gitops.domain.naming import parse_did
from pcs_gitops.entrypoints.rest.routes import API
from tests.conftest import snapshot
from tests.support.fake_github import FakeGitHub
from tests.support.mcp_client import call, payload
from tests.support.rest_client import (
    MANAGER,
    REQUESTER,
    TOKENS,
    grant_roles,
    rest_server,
    token,
)

RunCli = Callable[..., Result]
PATH = "/volatile/eic/EPIC/EVGEN/DIS/BeAGLE1.03.02-1.0/eH2/10x130"
CONFIG = "state/prod_configs/standard.yaml"


@pytest.fixture
def requested(repo: Path, run_cli: RunCli) -> Path:
    """maria manages production; rita requested issue 5 (1M events of PATH) and confirmed the
    tags inferred from its path."""
    grant_roles(repo)
    base = ("--repo", str(repo), "--actor", REQUESTER)
    made = run_cli(*base, "dataset", "intake", "--source-location", PATH, "--json")
    did = json.loads(made.stdout)["dataset"]["did"]
    assert run_cli(*base, *intake(5, did)).exit_code == 0
    assert run_cli(*base, "task", "confirm", "issue-5").exit_code == 0
    return repo


def intake(issue: int, did: str, *extra: str) -> tuple[str, ...]:
    fields = ("--pwg", "inclusive", "--priority", "1", "--dataset-path", PATH, "--events", "1M")
    key = ("--public-catalog-issue", str(issue), "--input-dataset-did", did)
    return ("task", "intake", *key, *fields, *extra)


def task_file(root: Path, name: str = "issue-5") -> dict[str, Any]:
    data = yaml.safe_load((root / "state" / "prod_tasks" / f"{name}.yaml").read_text())
    assert isinstance(data, dict)
    return data


def set_config(root: Path, **settings: Any) -> None:
    path = root / CONFIG
    data = yaml.safe_load(path.read_text())
    data["settings"].update(settings)
    path.write_text(yaml.safe_dump(data, sort_keys=False))


def test_the_cli_story_from_request_to_a_payload_panda_should_run(
    requested: Path, run_cli: RunCli
) -> None:
    root = requested
    as_rita, as_maria = (
        ("--repo", str(root), "--actor", REQUESTER),
        ("--repo", str(root), "--actor", MANAGER),
    )
    record = task_file(root)
    _, input_name, _ = parse_did(record["input_datasets"][0])
    _, output_name, _ = parse_did(record["output_datasets"][0])
    jedi = json.loads(run_cli(*as_rita, "task", "artifact", "issue-5", "--fmt", "jedi").stdout)
    assert jedi["taskName"] == output_name != input_name
    assert jedi["jobParameters"][1]["dataset"] == f"group.EIC:{output_name}"

    # a second request for the same output: refused, pointing at the first
    did = record["input_datasets"][0]
    before = snapshot(root)
    twin = run_cli(*as_rita, *intake(6, did))
    assert twin.exit_code == 1 and snapshot(root) == before
    assert "already produced by request 'issue-5' (issue #5: https://github.com/" in twin.stderr
    assert "/requests/issue-5.html" in twin.stderr
    told_apart = run_cli(*as_rita, *intake(6, did, "--sample-variant", "second"))
    assert told_apart.exit_code == 0, told_apart.output
    assert task_file(root, "issue-6")["output_datasets"] == [f"group.EIC:{output_name}.second.b1"]

    # the requester may not approve; a production manager does, for this payload
    own = run_cli(*as_rita, "task", "approve", "issue-5")
    assert own.exit_code == 1 and "nobody approves their own request" in own.stderr
    approved = run_cli(*as_maria, "task", "approve", "issue-5", "--json")
    assert approved.exit_code == 0, approved.output
    shown = json.loads(run_cli(*as_maria, "task", "get", "issue-5", "--json").stdout)
    assert shown["status"] == "ready"
    assert shown["approval"]["by"] == MANAGER
    assert (
        shown["approval"]["payload_sha256"]
        == json.loads(approved.stdout)["approval"]["payload_sha256"]
    )
    assert run_cli(*as_maria, "task", "submit", "issue-5", "--dry-run").exit_code == 0

    # the config changes: validate says so, submit refuses, the withdrawal names the change
    set_config(root, site="CERN")
    validate = run_cli("--repo", str(root), "validate")
    assert validate.exit_code == 1 and "site BNL_OSG_PanDA_1 -> CERN" in validate.stderr
    stale = run_cli(*as_maria, "task", "submit", "issue-5", "--dry-run")
    assert stale.exit_code == 1
    assert "does not match the payload it would send" in stale.stderr
    assert "Nothing was sent" in stale.stderr
    withdrawn = run_cli(*as_maria, "task", "withdraw-stale-approvals")
    assert withdrawn.stdout.startswith("issue-5: approval withdrawn: payload changed: ")
    record = task_file(root)
    assert (record["status"], record.get("approval")) == ("draft", None)
    assert record["history"][-1]["detail"]["reason"].startswith(
        "approval withdrawn: payload changed: the JEDI taskParamMap (site BNL_OSG_PanDA_1 -> CERN)"
    )
    assert run_cli("--repo", str(root), "validate").exit_code == 0


def test_a_pcs_write_that_changes_an_approved_payload_withdraws_it_in_the_same_commit(
    requested: Path, run_cli: RunCli
) -> None:
    root = requested
    as_rita, as_maria = (
        ("--repo", str(root), "--actor", REQUESTER),
        ("--repo", str(root), "--actor", MANAGER),
    )
    did = task_file(root)["input_datasets"][0]
    everything = run_cli(*as_rita, *intake(5, did, "--events", "All"))
    assert everything.exit_code == 0, everything.output
    refused = run_cli(*as_maria, "task", "approve", "issue-5")
    assert refused.exit_code == 1 and "pcs dataset count-files" in refused.stderr
    assert run_cli(*as_maria, "dataset", "count-files", did, "--files", "20").exit_code == 0
    assert run_cli(*as_maria, "task", "approve", "issue-5").exit_code == 0
    assert task_file(root)["approval"]["task_params"]["nFiles"] == 20
    recount = run_cli(*as_maria, "dataset", "count-files", did, "--files", "30", "--json")
    withdrawn = json.loads(recount.stdout)["commit"]["approvals_withdrawn"]
    assert [w["name"] for w in withdrawn] == ["issue-5"]
    assert "nFiles 20 -> 30" in withdrawn[0]["reason"]
    assert task_file(root)["status"] == "draft"
    # the reply says so, and shows the task as committed (back in draft)
    assert run_cli(*as_maria, "task", "approve", "issue-5").exit_code == 0
    text = run_cli(*as_maria, "task", "priority", "issue-5", "3")
    assert text.exit_code == 0, text.output
    assert "; issue-5: approval withdrawn: payload changed: " in text.stdout
    assert run_cli(*as_maria, "task", "approve", "issue-5").exit_code == 0
    data = json.loads(run_cli(*as_maria, "task", "priority", "issue-5", "2", "--json").stdout)
    assert (data["status"], data["task"].get("approval")) == ("draft", None)


def test_mcp_approves_shows_the_plan_and_withdraws(requested: Path) -> None:
    root = requested
    refused = call(root, "pcs_prodtask_approve", {"task_name": "issue-5", "created_by": REQUESTER})
    assert refused.is_error and "nobody approves their own request" in refused.text
    done = payload(call(root, "pcs_prodtask_approve", {"task_name": 5, "created_by": MANAGER}))
    assert (done["from"], done["status"], done["approval"]["by"]) == ("draft", "ready", MANAGER)
    plan = payload(call(root, "pcs_prodtask_plan", {"name": "issue-5"}))
    assert plan["approval_state"] == "approved"
    assert plan["payload_sha256"] == done["approval"]["payload_sha256"]
    assert json.loads(plan["task_params_json"]) == plan["task_params"]
    set_config(root, cores=2)
    assert (
        payload(call(root, "pcs_prodtask_plan", {"name": "issue-5"}))["approval_state"] == "stale"
    )
    withdrawn = payload(call(root, "pcs_prodtask_withdraw_stale_approvals", {}))
    assert [w["name"] for w in withdrawn["withdrawn"]] == ["issue-5"]
    again = payload(
        call(root, "pcs_prodtask_compose_outputs", {"task_name": "issue-5", "created_by": MANAGER})
    )
    assert again["changed"] == 0 and again["tasks"][0]["problems"] == []


def test_rest_approves_for_managers_only_and_answers_the_plan(requested: Path) -> None:
    with FakeGitHub() as fake:
        fake.tokens = dict(TOKENS)
        with rest_server(requested, {"GITHUB_API_URL": fake.url}) as rest:
            route = f"{API}/prod-tasks/issue-5/approve/"
            own = rest.post(route, {}, token=token(REQUESTER))
            assert (own.status, own.body["error"]) == (403, "Refused")
            done = rest.post(route, {}, token=token(MANAGER))
            assert (done.status, done.body["status"]) == (200, "ready"), done.body
            plan = rest.get(f"{API}/prod-tasks/issue-5/plan/")
            assert (
                plan.body["approval"]["payload_sha256"] == done.body["approval"]["payload_sha256"]
            )
            missing = rest.post(f"{API}/prod-tasks/nosuch/approve/", {}, token=token(MANAGER))
            assert missing.status == 404
            count = rest.post(
                f"{API}/datasets/{task_file(requested)['input_datasets'][0]}/count-files/",
                {},
                token=token(MANAGER),
            )
            assert (count.status, count.body["error"]) == (400, "UsageError")
            assert "cannot read path" in count.message
            nothing = rest.post(
                f"{API}/prod-tasks/withdraw-stale-approvals/", {}, token=token(MANAGER)
            )
            assert (nothing.status, nothing.body["withdrawn"]) == (200, [])
