"""Mode twins through the CLI, MCP and REST: the same request in the other workflow mode,
linked both ways, idempotent, compared, and each on its request page."""

from __future__ import annotations

import json
from pathlib import Path

from pcs_gitops.domain.jedi_params import task_param_problems
from pcs_gitops.entrypoints.rest.routes import API
from tests.conftest import snapshot
from tests.e2e.test_payload_story import RunCli, requested, task_file
from tests.support.fake_github import FakeGitHub
from tests.support.mcp_client import call, payload
from tests.support.rest_client import MANAGER, OTHER, REQUESTER, TOKENS, rest_server, token

__all__ = ["requested"]  # the fixture
TWIN = "issue-5.internal_evgen"


def test_the_cli_twins_a_request_once_and_compares_the_two(
    requested: Path, run_cli: RunCli
) -> None:
    root = requested
    as_rita = ("--repo", str(root), "--actor", REQUESTER)
    made = run_cli(*as_rita, "task", "twin", "issue-5", "--mode", "internal_evgen", "--json")
    assert made.exit_code == 0, made.output
    out = json.loads(made.stdout)
    assert (out["created"], out["twin"], out["mode"]) == (True, TWIN, "internal_evgen")
    assert task_file(root)["twin"] == TWIN and task_file(root, TWIN)["twin"] == "issue-5"
    twin = task_file(root, TWIN)
    assert twin["input_datasets"] == [] and twin["generation"]["physics"].startswith("p")
    assert twin["output_datasets"][0].endswith(".internal_evgen.b1")
    assert ".s0.r0." in twin["intermediate_datasets"][0]

    before = snapshot(root)
    again = run_cli(*as_rita, "task", "twin", "issue-5", "--mode", "internal_evgen")
    assert again.exit_code == 0 and "already has the twin" in again.stdout
    assert snapshot(root) == before

    jedis = [
        json.loads(run_cli(*as_rita, "task", "artifact", n, "--fmt", "jedi").stdout)
        for n in ("issue-5", TWIN)
    ]
    assert jedis[0] != jedis[1]
    assert [task_param_problems(j, for_submission=True) for j in jedis] == [[], []]
    report = run_cli(*as_rita, "task", "compare", "issue-5", TWIN)
    assert report.exit_code == 0, report.output
    assert "B: evgen -> simu -> reco" in report.stdout and "jobParameters[0].value" in report.stdout
    as_json = json.loads(run_cli(*as_rita, "task", "compare", "issue-5", TWIN, "--json").stdout)
    assert as_json["twins"] is True
    assert run_cli("--repo", str(root), "validate").exit_code == 0

    refused = run_cli(*as_rita, "task", "twin", "issue-5", "--mode", "external_evgen")
    assert refused.exit_code == 1 and refused.stderr.startswith("Error: task 'issue-5' already")


def test_both_twins_appear_linked_on_the_site(requested: Path, run_cli: RunCli) -> None:
    root = requested
    as_rita = ("--repo", str(root), "--actor", REQUESTER)
    assert run_cli(*as_rita, "task", "twin", "5", "--mode", "internal").exit_code == 2
    assert run_cli(*as_rita, "task", "twin", "5", "--mode", "internal_evgen").exit_code == 0
    assert run_cli("--repo", str(root), "render").exit_code == 0
    pages = root / "docs" / "requests"
    original = (pages / "issue-5.html").read_text()
    twin = (pages / f"{TWIN}.html").read_text()
    assert "<tr><th>Workflow mode</th><td>external_evgen</td></tr>" in original
    assert f'<a href="{TWIN}.html">{TWIN}</a>' in original
    assert "<tr><th>Workflow mode</th><td>internal_evgen</td></tr>" in twin
    assert '<a href="issue-5.html">issue-5</a>' in twin


def test_mcp_twins_and_compares(requested: Path) -> None:
    root = requested
    args = {"task_name": "issue-5", "mode": "internal_evgen", "created_by": REQUESTER}
    made = payload(call(root, "pcs_prodtask_twin", args))
    assert (made["created"], made["twin"]) == (True, TWIN)
    assert payload(call(root, "pcs_prodtask_twin", args))["created"] is False
    outsider = call(root, "pcs_prodtask_twin", {**args, "created_by": OTHER})
    assert outsider.is_error
    report = payload(call(root, "pcs_prodtask_compare", {"a": "issue-5", "b": TWIN}))
    assert report["modes"] == {"a": "external_evgen", "b": "internal_evgen"}


def test_rest_twins_for_those_who_may_change_the_request(requested: Path) -> None:
    with FakeGitHub() as fake:
        fake.tokens = dict(TOKENS)
        with rest_server(requested, {"GITHUB_API_URL": fake.url}) as rest:
            route = f"{API}/prod-tasks/issue-5/twin/"
            body = {"mode": "internal_evgen"}
            outsider = rest.post(route, body, token=token(OTHER))
            assert outsider.status == 403
            made = rest.post(route, body, token=token(MANAGER))
            assert (made.status, made.body["twin"]) == (201, TWIN), made.body
            again = rest.post(route, body, token=token(REQUESTER))
            assert (again.status, again.body["created"]) == (200, False)
            compared = rest.get(f"{API}/prod-tasks/issue-5/compare/?other={TWIN}")
            assert compared.status == 200 and compared.body["twins"] is True
