"""``pcs mcp`` end to end: the SDK client in memory and over stdio against a real subprocess."""

from __future__ import annotations

import io
import json
import socket
import subprocess
import time
from collections.abc import Callable
from csv import reader
from pathlib import Path
from typing import Any

import anyio
import pytest
from click.testing import Result
from mcp import Client, ClientSession
from mcp.client.stdio import StdioServerParameters, stdio_client

from pcs_gitops.adapters.yaml_store import YamlStateStore
from pcs_gitops.domain.issue_form import IssueForm, parse_issue_body
from pcs_gitops.entrypoints.mcp_server import TOOL_NAMES
from tests.conftest import snapshot
from tests.support.mcp_client import (
    FORM,
    ToolResult,
    call,
    calls,
    in_memory,
    install_form,
    payload,
    pcs_command,
    stdio_env,
)

RunCli = Callable[..., Result]
EXPECTED_TOOLS = {
    "pcs_dataset_list",
    "pcs_dataset_get",
    "pcs_dataset_intake",
    "pcs_prodtask_list",
    "pcs_prodtask_get",
    "pcs_prodtask_artifact",
    "pcs_prodtask_readiness",
    "pcs_prodtask_intake",
    "pcs_prodtask_link_input",
    "pcs_prodtask_confirm",
    "pcs_prodtask_set_status",
    "pcs_prodtask_comment",
    "pcs_prodtask_approve",
    "pcs_prodtask_plan",
    "pcs_prodtask_compose_outputs",
    "pcs_prodtask_withdraw_stale_approvals",
    "pcs_dataset_count_files",
    "pcs_infer",
    "pcs_catalog_row_preview",
    "pcs_tag_list",
    "pcs_tag_get",
    "pcs_tag_search",
    "pcs_request_open_issue",
    "pcs_campaign_list",
    "pcs_campaign_get",
    "pcs_stalled_list",
}
WRITE_TOOLS = {
    "pcs_dataset_intake",
    "pcs_prodtask_intake",
    "pcs_prodtask_link_input",
    "pcs_prodtask_confirm",
    "pcs_prodtask_set_status",
    "pcs_prodtask_comment",
    "pcs_prodtask_approve",
    "pcs_prodtask_compose_outputs",
    "pcs_prodtask_withdraw_stale_approvals",
    "pcs_dataset_count_files",
    "pcs_request_open_issue",
    "pcs_campaign_create",
    "pcs_campaign_close",
    "pcs_prodtask_clone",
    "pcs_prodtask_priority",
    "pcs_prodtask_withdraw",
    "pcs_prodtask_reinstate",
    "pcs_tag_create",
    "pcs_tag_edit",
    "pcs_tag_lock",
}
EXPECTED_TOOLS |= WRITE_TOOLS
NEW_PATH = "/volatile/eic/EPIC/EVGEN/DIS/pythia8.306-1.0/NC/noRad/ep/18x275/q2_5to50"
REQUEST = {
    "dsc_or_pwg": "jets_hf",
    "dataset_path": NEW_PATH,
    "generator_dataset_version": "https://github.com/eic/pythia/releases/tag/v1.0",
    "number_of_events": "2.75M",
    "background": "no",
    "new_request": "Yes",
    "pre_tdr_use": "No",
    "early_science_use": "maybe",
    "other_use": "No",
    "description": "Jets at 18x275.\n\nSecond paragraph: ### not a heading",
    "priority": "2",
    "contact": "@someone",
}


def cli_json(run_cli: RunCli, root: Path, *args: str) -> Any:
    result = run_cli("--repo", str(root), *args, "--json")
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def cli_error(result: Result) -> str:
    assert result.exit_code != 0, result.output
    assert result.stderr.startswith("Error: "), result.stderr
    return result.stderr.removeprefix("Error: ").removesuffix("\n")


# -- listing --------------------------------------------------------------------------------------
def test_every_tool_is_listed_with_a_description_and_a_schema(repo: Path) -> None:
    async def session(client: Any) -> Any:
        return (await client.list_tools()).tools

    tools = in_memory(repo, session)
    assert {t.name for t in tools} == EXPECTED_TOOLS == set(TOOL_NAMES)
    assert "pcs_prodtask_submit" not in {t.name for t in tools}
    for tool in tools:
        assert tool.description and len(tool.description) > 60, tool.name
        assert tool.input_schema["type"] == "object", tool.name
        assert tool.output_schema is not None and tool.output_schema["type"] == "object"
        assert tool.annotations is not None
        assert tool.annotations.read_only_hint is (tool.name not in WRITE_TOOLS), tool.name
        for prop, schema in tool.input_schema.get("properties", {}).items():
            if prop not in ("limit", "offset"):
                assert schema.get("description"), f"{tool.name}.{prop} has no description"


# -- reads ----------------------------------------------------------------------------------------
def test_read_tools_answer_as_the_cli_does(imported_repo: Path, run_cli: RunCli) -> None:
    root = imported_repo
    listing = cli_json(run_cli, root, "dataset", "list", "--limit", "3", "--offset", "2")
    some_task = cli_json(run_cli, root, "task", "list", "--limit", "1")["tasks"][0]["name"]
    did = listing["datasets"][0]["did"]
    name = listing["datasets"][1]["name"]
    results = calls(
        root,
        [
            ("pcs_dataset_list", {"limit": 3, "offset": 2}),
            ("pcs_dataset_list", {"name_contains": ".P6001.", "stage": "evgen", "limit": 500}),
            ("pcs_dataset_get", {"did": did}),
            ("pcs_dataset_get", {"dataset_name": name}),
            ("pcs_prodtask_list", {"limit": 5, "offset": 100}),
            ("pcs_prodtask_list", {"name_contains": "BEAMGAS", "status": "draft"}),
            ("pcs_prodtask_get", {"name": some_task}),
            ("pcs_prodtask_readiness", {"name": some_task}),
            ("pcs_infer", {"path": NEW_PATH}),
            ("pcs_tag_list", {"tag_type": "evgen", "limit": 7}),
            ("pcs_tag_get", {"tag_label": "p6001"}),
            ("pcs_tag_search", {"query": "PYTHIA8", "tag_type": "e"}),
            ("pcs_prodtask_list", {"pwg": "Jets & HF", "priority": "2", "limit": 3}),
        ],
    )
    data = [payload(r) for r in results]
    assert data[0] == listing and data[0]["count"] == 810  # 405 inputs and their outputs
    assert data[1] == cli_json(
        run_cli,
        root,
        "dataset",
        "list",
        "--name-contains",
        ".P6001.",
        "--stage",
        "evgen",
        "--limit",
        "500",
    )
    assert data[1]["count"] > 0
    assert data[2] == cli_json(run_cli, root, "dataset", "get", did)
    assert data[3] == cli_json(run_cli, root, "dataset", "get", name)
    assert data[4] == cli_json(run_cli, root, "task", "list", "--limit", "5", "--offset", "100")
    assert data[5] == cli_json(
        run_cli, root, "task", "list", "--name-contains", "BEAMGAS", "--status", "draft"
    )
    assert data[6] == cli_json(run_cli, root, "task", "get", some_task)
    assert data[7] == cli_json(run_cli, root, "task", "readiness", some_task)
    assert data[8] == cli_json(run_cli, root, "infer", NEW_PATH)
    assert data[9] == cli_json(run_cli, root, "tag", "list", "--type", "evgen", "--limit", "7")
    assert data[10] == cli_json(run_cli, root, "tag", "get", "p6001")
    assert data[11]["count"] >= 1
    assert all("pythia8" in json.dumps(t).casefold() for t in data[11]["tags"])
    assert all(t["kind"] == "evgen" for t in data[11]["tags"])
    assert data[12] == cli_json(
        run_cli, root, "task", "list", "--pwg", "jets_hf", "--priority", "2", "--limit", "3"
    )
    assert data[12]["count"] > 0


def test_dataset_get_needs_exactly_one_key(repo: Path) -> None:
    for args in ({}, {"did": "a:b", "dataset_name": "b"}):
        result = call(repo, "pcs_dataset_get", args)
        assert result.is_error
        assert result.text == "give exactly one of did or dataset_name"
        assert result.data == {
            "error": "UsageError",
            "message": result.text,
            "exit_code": 2,
        }


@pytest.mark.parametrize("fmt", ["condor", "panda", "jedi", "dump"])
def test_artifact_formats_match_the_cli(imported_repo: Path, run_cli: RunCli, fmt: str) -> None:
    name = cli_json(run_cli, imported_repo, "task", "list", "--limit", "1", "--offset", "7")[
        "tasks"
    ][0]["name"]
    before = snapshot(imported_repo)
    data = payload(call(imported_repo, "pcs_prodtask_artifact", {"name": name, "fmt": fmt}))
    cli = run_cli("--repo", str(imported_repo), "task", "artifact", name, "--fmt", fmt)
    assert cli.exit_code == 0, cli.output
    assert data["text"] == cli.stdout
    assert data["name"] == name and data["fmt"] == fmt
    if fmt in ("jedi", "dump"):
        assert data["artifact"] == json.loads(cli.stdout)
    else:
        assert "artifact" not in data
    assert snapshot(imported_repo) == before


def test_artifact_default_is_dump_and_unknown_formats_are_refused(imported_repo: Path) -> None:
    with_default, unknown = calls(
        imported_repo,
        [
            ("pcs_prodtask_list", {"limit": 1}),
            ("pcs_prodtask_artifact", {"name": "x", "fmt": "yaml"}),
        ],
    )
    name = payload(with_default)["tasks"][0]["name"]
    assert payload(call(imported_repo, "pcs_prodtask_artifact", {"name": name}))["fmt"] == "dump"
    assert unknown.is_error
    assert unknown.text == "unknown format 'yaml'; choose from condor, panda, jedi, dump"


# -- writes ---------------------------------------------------------------------------------------
def test_task_intake_is_idempotent_on_the_issue_number(imported_repo: Path) -> None:
    root = imported_repo
    row = {"pwg": "jets_hf", "priority": "2", "dataset_path": NEW_PATH, "events": "1M"}
    first = payload(call(root, "pcs_prodtask_intake", {"public_catalog_issue": "5", **row}))
    assert first["created"] is True and first["name"] == "issue-5"
    assert first["task"]["public_catalog"]["issue"] == 5
    assert first["task"]["catalog"]["issue"] == "5"
    assert first["task"]["history"] == [
        {"at": "2026-11-28T12:00:00Z", "by": "mcp", "surface": "mcp", "action": "created"}
    ]
    assert first["commit"]["records_written"] == ["state/prod_tasks/issue-5.yaml"]
    before = snapshot(root)
    again = calls(
        root,
        [
            ("pcs_prodtask_intake", {"public_catalog_issue": 5, **row}),
            ("pcs_prodtask_intake", {"public_catalog_issue": "#5", **row}),
            ("pcs_prodtask_intake", {"public_catalog_issue": " 5"}),
        ],
    )
    for result in again:
        data = payload(result)
        assert (data["created"], data["name"], data["changed"], data["commit"]) == (
            False,
            "issue-5",
            [],
            None,
        )
    assert snapshot(root) == before
    updated = payload(
        call(
            root,
            "pcs_prodtask_intake",
            {"public_catalog_issue": 5, "priority": "1", "created_by": "alice"},
        )
    )
    assert (updated["created"], updated["changed"]) == (False, ["catalog.priority"])
    assert updated["task"]["history"][-1]["by"] == "alice"
    assert updated["task"]["history"][-1]["surface"] == "mcp"


def test_dataset_intake_is_idempotent_on_the_source(imported_repo: Path) -> None:
    root = imported_repo
    first = payload(call(root, "pcs_dataset_intake", {"source_location": NEW_PATH}))
    assert first["created"] is True
    assert first["dataset"]["source"] == {"kind": "path", "location": NEW_PATH}
    assert first["dataset"]["created_by"] == "mcp"
    before = snapshot(root)
    again = payload(
        call(root, "pcs_dataset_intake", {"source_location": NEW_PATH, "source_kind": "path"})
    )
    assert (again["created"], again["name"], again["commit"]) == (False, first["name"], None)
    assert again["dataset"] == first["dataset"]
    assert snapshot(root) == before


def test_a_refused_transition_is_an_error_with_the_cli_message(
    imported_repo: Path, run_cli: RunCli
) -> None:
    root = imported_repo
    name = cli_json(run_cli, root, "task", "list", "--limit", "1")["tasks"][0]["name"]
    before = snapshot(root)
    result = call(root, "pcs_prodtask_set_status", {"task_name": name, "status": "submitted"})
    assert result.is_error
    assert snapshot(root) == before
    cli = run_cli("--repo", str(root), "task", "set-status", name, "submitted")
    assert cli.exit_code == 1
    assert result.text == cli_error(cli)
    assert result.text.startswith(f"task '{name}': cannot move from 'draft' to 'submitted'")
    assert result.data == {"error": "InvalidTransition", "message": result.text, "exit_code": 1}
    assert snapshot(root) == before


def test_status_link_input_and_comment_record_the_mcp_identity(imported_repo: Path) -> None:
    root = imported_repo
    made = payload(call(root, "pcs_dataset_intake", {"source_location": NEW_PATH}))
    did = made["dataset"]["did"]
    results = calls(
        root,
        [
            ("pcs_prodtask_intake", {"public_catalog_issue": 9, "pwg": "inclusive"}),
            ("pcs_prodtask_link_input", {"task_name": "issue-9", "dids": [did]}),
            ("pcs_prodtask_link_input", {"task_name": "issue-9", "dids": did}),
            ("pcs_prodtask_comment", {"task_name": "9", "text": "looks good", "created_by": "bob"}),
            ("pcs_prodtask_set_status", {"task_name": "issue-9", "status": "draft"}),
        ],
    )
    data = [payload(r) for r in results]
    assert data[1]["task"]["input_datasets"] == [did]
    output = data[1]["task"]["output_datasets"][0].split(":", 1)[1].removesuffix(".b1")
    assert data[1]["commit"]["records_written"] == [  # the input brings the task its output
        f"state/datasets/{output}.yaml",
        "state/prod_tasks/issue-9.yaml",
    ]
    assert data[2]["commit"] is None  # nothing changed: nothing committed
    assert data[3]["history"][-1] == {
        "at": "2026-11-28T12:00:00Z",
        "by": "bob",
        "surface": "mcp",
        "action": "comment",
        "detail": {"text": "looks good"},
    }
    assert (data[4]["from"], data[4]["status"]) == ("draft", "draft")
    actions = [(h["by"], h["action"]) for h in data[3]["history"]]
    assert actions == [
        ("mcp", "created"),
        ("mcp", "link-input"),
        ("mcp", "outputs"),
        ("bob", "comment"),
    ]


def test_catalog_row_preview_writes_nothing(imported_repo: Path) -> None:
    root = imported_repo
    csv = root / "docs" / "_data" / "datasets.csv"
    before, csv_before = snapshot(root), csv.read_bytes()
    args = {
        "public_catalog_issue": "12",
        "pwg": "jets_hf",
        "priority": "1",
        "dataset_path": NEW_PATH,
        "events": "1M",
        "row_description": "a preview",
    }
    preview = payload(call(root, "pcs_catalog_row_preview", args))
    assert snapshot(root) == before and csv.read_bytes() == csv_before
    assert preview["created"] is True and preview["name"] == "issue-12"
    assert preview["row"]["DSC or PWG"] == "jets_hf"
    assert preview["row"]["Issue"] == "12"
    assert list(preview["row"]) == [
        "DSC or PWG",
        "Priority",
        "Dataset Path",
        "Generator/Dataset Version",
        "Number of Events",
        "Background",
        "New Request",
        "Pre-TDR Use",
        "Early Science Use",
        "Other Use",
        "Description",
        "Issue",
    ]
    assert preview["page"]["path"] == "docs/requests/issue-12.html"
    assert preview["page"]["url"].endswith("/requests/issue-12.html")
    assert "a preview" in preview["page"]["html"] and NEW_PATH in preview["page"]["html"]
    written = payload(call(root, "pcs_prodtask_intake", args))
    assert written["task"]["catalog"] == preview["task"]["catalog"]
    page = (root / preview["page"]["path"]).read_text(encoding="utf-8")
    assert page == preview["page"]["html"]
    text = csv.read_bytes().decode("utf-8")
    assert "\r\n" + preview["csv_line"] + "\r\n" in text
    rows = list(reader(io.StringIO(text, newline="")))
    assert rows[preview["row_number"]] == list(preview["row"].values())
    bad = call(root, "pcs_catalog_row_preview", {"public_catalog_issue": "13", "pwg": "=1+1"})
    assert bad.is_error and bad.text.startswith("refused catalogue value(s):")


# -- request issues -------------------------------------------------------------------------------
def _form() -> IssueForm:
    data = YamlStateStore(FORM.parent).load_file(FORM)
    return IssueForm.from_template(data)


def test_request_preview_renders_the_form_body_and_lists_problems(imported_repo: Path) -> None:
    install_form(imported_repo)
    before = snapshot(imported_repo)
    preview = payload(call(imported_repo, "pcs_request_open_issue", REQUEST))
    assert preview["ok"] is True and preview["problems"] == []
    assert preview["created"] is False and preview["number"] is None
    assert preview["labels"] == ["dataset-request"]
    assert preview["title"].startswith("[Dataset Request] ")
    parsed = parse_issue_body(_form(), preview["body"])
    assert parsed["dsc_or_pwg"] == "Jets & HF"
    assert parsed["priority"] == "2 (Medium)"
    assert parsed["background"] == "No"
    assert parsed["early_science_use"] == "Maybe"
    assert parsed["description"] == REQUEST["description"]
    assert parse_issue_body(_form(), preview["issue_body"]) == parsed
    assert preview["issue_body"].startswith(preview["marker"] + "\n\n")
    assert not (imported_repo / ".pcs" / "outbox.jsonl").exists()

    assert preview["catalog"]["pwg"] == "jets_hf" and preview["catalog"]["priority"] == "2"
    assert preview["input_dataset"]["exists"] is False
    assert snapshot(imported_repo) == before

    bad = payload(
        call(
            imported_repo,
            "pcs_request_open_issue",
            {
                **REQUEST,
                "dsc_or_pwg": "Astronomy",
                "priority": "9",
                "dataset_path": "rel/x",
                "description": "=HYPERLINK()",
            },
        )
    )
    assert bad["ok"] is False
    text = "\n".join(bad["problems"])
    assert "DSC or PWG: is required" not in text
    assert "DSC or PWG: 'Astronomy' is not one of" in text
    assert "Priority: '9' is not one of" in text
    assert "Dataset Path: dataset path 'rel/x' must be an absolute path" in text
    assert "Description: the value starts with '='" in text
    tag = payload(
        call(imported_repo, "pcs_request_open_issue", {**REQUEST, "physics_tag": "p99999"})
    )
    assert tag["problems"] == [
        "Dataset Path: the input dataset could not be taken in: physics tag 'p99999' does not "
        "exist; list the tags with 'pcs tag list'"
    ]
    assert snapshot(imported_repo) == before


def test_request_open_issue_with_go_creates_exactly_one_issue(imported_repo: Path) -> None:
    install_form(imported_repo)
    outbox = imported_repo / ".pcs" / "outbox.jsonl"
    before = snapshot(imported_repo)
    first, second = calls(
        imported_repo,
        [
            ("pcs_request_open_issue", {**REQUEST, "go": True}),
            ("pcs_request_open_issue", {**REQUEST, "go": True}),
        ],
    )
    third = call(imported_repo, "pcs_request_open_issue", {**REQUEST, "go": True})
    one, two, three = payload(first), payload(second), payload(third)
    assert (one["created"], two["created"], three["created"]) == (True, False, False)
    assert one["number"] == two["number"] == three["number"] == 1
    assert one["via"] == "OutboxGitHub"
    entries = [json.loads(line) for line in outbox.read_text(encoding="utf-8").splitlines()]
    assert [e["op"] for e in entries] == ["create_issue"]
    assert entries[0]["title"] == one["title"]
    assert entries[0]["body"] == one["issue_body"]
    assert entries[0]["labels"] == ["dataset-request"]
    assert snapshot(imported_repo) == before  # opening an issue changes no record

    refused = call(imported_repo, "pcs_request_open_issue", {"dsc_or_pwg": "Inclusive", "go": True})
    assert refused.is_error
    assert refused.text.startswith("the request was not opened; fix these first:")
    assert len(outbox.read_text(encoding="utf-8").splitlines()) == 1


def test_request_needs_the_form_in_the_repository(repo: Path) -> None:
    (repo / ".github" / "ISSUE_TEMPLATE" / "dataset_request.yml").unlink()
    result = call(repo, "pcs_request_open_issue", REQUEST)
    assert result.is_error
    assert ".github/ISSUE_TEMPLATE/dataset_request.yml" in result.text


# -- stdio ----------------------------------------------------------------------------------------
def test_stdio_subprocess_serves_reads_writes_and_refusals(
    imported_repo: Path, tmp_path: Path
) -> None:
    root = imported_repo
    install_form(root)
    command, args = pcs_command(root)
    params = StdioServerParameters(command=command, args=args, env=stdio_env(), cwd=str(tmp_path))
    errlog_path = tmp_path / "server-stderr.log"

    async def main() -> list[ToolResult]:
        with errlog_path.open("w", encoding="utf-8") as errlog:
            async with (
                stdio_client(params, errlog=errlog) as (read, write),
                ClientSession(read, write) as session,
            ):
                await session.initialize()
                tools = await session.list_tools()
                assert {t.name for t in tools.tools} == EXPECTED_TOOLS
                out = []
                for tool, arguments in (
                    ("pcs_prodtask_list", {"limit": 2}),
                    ("pcs_prodtask_intake", {"public_catalog_issue": "5", "pwg": "other"}),
                    ("pcs_prodtask_intake", {"public_catalog_issue": 5, "pwg": "other"}),
                    ("pcs_prodtask_set_status", {"task_name": "issue-5", "status": "done"}),
                    ("pcs_request_open_issue", {**REQUEST, "go": True}),
                    ("pcs_request_open_issue", {**REQUEST, "go": True}),
                ):
                    out.append(ToolResult.of(await session.call_tool(tool, arguments)))
                return out

    listed, created, again, refused, issue, issue_again = anyio.run(main)
    assert payload(listed)["count"] == 405
    assert payload(created)["created"] is True
    assert payload(created)["task"]["history"][0]["surface"] == "mcp"
    assert payload(again)["created"] is False
    assert refused.is_error
    assert refused.text == (
        "status 'done' is unknown; choose from draft, ready, submitted, completed, failed"
    )
    assert (payload(issue)["created"], payload(issue_again)["created"]) == (True, False)
    assert (root / "state" / "prod_tasks" / "issue-5.yaml").is_file()
    lines = (root / ".pcs" / "outbox.jsonl").read_text(encoding="utf-8").splitlines()
    assert len(lines) == 1
    assert "Traceback" not in errlog_path.read_text(encoding="utf-8")


def test_pcs_mcp_refuses_an_unknown_mode(repo: Path, run_cli: RunCli) -> None:
    result = run_cli("--repo", str(repo), "mcp", env={"PCS_MCP_MODE": "cloud"})
    assert result.exit_code == 2
    assert (
        cli_error(result)
        == "PCS_PUBLISH (or PCS_MCP_MODE) 'cloud' is unknown; choose from local, github"
    )


def test_http_serves_the_same_tools_on_localhost(repo: Path, tmp_path: Path) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    command, args = pcs_command(repo)
    log = (tmp_path / "http-server.log").open("w", encoding="utf-8")
    server = subprocess.Popen(
        [command, *args, "--http", "--port", str(port)],
        env=stdio_env(),
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            with socket.socket() as attempt:
                if attempt.connect_ex(("127.0.0.1", port)) == 0:
                    break
            assert server.poll() is None, (tmp_path / "http-server.log").read_text()
            assert time.monotonic() < deadline, "the HTTP server did not start"
            time.sleep(0.1)

        async def main() -> tuple[set[str], ToolResult]:
            async with Client(f"http://127.0.0.1:{port}/mcp") as client:
                tools = {t.name for t in (await client.list_tools()).tools}
                tags = ToolResult.of(await client.call_tool("pcs_tag_get", {"tag_label": "s0"}))
                return tools, tags

        tools, tag = anyio.run(main)
    finally:
        server.terminate()
        server.wait(timeout=30)
        log.close()
    assert tools == EXPECTED_TOOLS
    assert payload(tag)["label"] == "s0"
