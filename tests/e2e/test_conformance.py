"""One corpus of good and bad requests through the CLI, MCP and REST: identical verdicts.

Three identical copies of the imported catalogue evolve side by side: every case runs as a
``pcs`` command on one copy, as the matching MCP tool on the second and as the matching REST
call (real HTTP, one server for the module) on the third. A refusal must be refused by all
three with the same message (the CLI prints it after ``Error: ``; MCP returns it as the text of
an isError result; REST as the ``message`` of its JSON body), the same exit code (REST: 400 for
the CLI's exit 2, another 4xx for its exit 1), and no change to any state. An accepted request
must be accepted by all three with the same answer, apart from who acted and when. The REST
caller is a production manager (in every copy's roles.yaml, so the states stay comparable):
the role policy is not what this corpus compares.
"""

from __future__ import annotations

import csv
import io
import json
import shutil
import urllib.parse
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner, Result

from pcs_gitops.bootstrap import init_repository
from pcs_gitops.entrypoints.cli import cli
from pcs_gitops.entrypoints.rest.routes import API
from tests.conftest import REAL_CATALOG, snapshot
from tests.support.fake_github import FakeGitHub
from tests.support.mcp_client import ToolResult, calls
from tests.support.rest_client import MANAGER, TOKENS, Answer, Rest, grant_roles, rest_server
from tests.support.rest_client import token as token_of

RunCli = Callable[..., Result]
NEW_PATH = "/volatile/eic/EPIC/EVGEN/DIS/pythia8.306-1.0/NC/noRad/ep/18x275/q2_7to70"
# Keys that name who acted and when, or what was written: they differ between the surfaces.
VOLATILE = {"history", "created_by", "created_at", "confirmed_at", "commit", "at"}
SAMPLE_ROWS = 30
FIRST = "<first task>"  # replaced by the name of the first imported task
FIRST_DID = "<first did>"  # replaced by the DID of the first imported dataset
FIRST_INPUT = "<first input>"  # replaced by the DID of the first imported task's input


@dataclass(frozen=True)
class Case:
    id: str
    cli: tuple[str, ...]
    tool: str
    args: dict[str, Any] = field(default_factory=dict)
    ok: bool = False  # the expected verdict


def intake(tool: str, args: dict[str, Any]) -> tuple[str, ...]:
    """The CLI form of an intake tool call (options named after the arguments)."""
    command = ("dataset", "intake") if tool == "pcs_dataset_intake" else ("task", "intake")
    out: list[str] = list(command)
    for key, value in args.items():
        out += [f"--{key.replace('_', '-')}", str(value)]
    return tuple(out)


def dataset_case(id_: str, ok: bool = False, **args: Any) -> Case:
    return Case(id_, intake("pcs_dataset_intake", args), "pcs_dataset_intake", args, ok)


def task_case(id_: str, ok: bool = False, **args: Any) -> Case:
    return Case(id_, intake("pcs_prodtask_intake", args), "pcs_prodtask_intake", args, ok)


def payload_case(id_: str, cli: tuple[str, ...], tool: str, ok: bool = False, **args: Any) -> Case:
    return Case(id_, cli, tool, args, ok)


def status(id_: str, name: str, target: str, ok: bool = False) -> Case:
    return Case(
        id_,
        ("task", "set-status", name, target),
        "pcs_prodtask_set_status",
        {"task_name": name, "status": target},
        ok,
    )


CORPUS: tuple[Case, ...] = (
    # -- dataset intake
    dataset_case("dataset: new path", ok=True, source_location=NEW_PATH),
    dataset_case("dataset: same path again", ok=True, source_location=NEW_PATH),
    dataset_case(
        "dataset: same path, other stage (conflict noted)",
        ok=True,
        source_location=NEW_PATH,
        stage="simu",
    ),
    dataset_case("dataset: empty location", source_location=""),
    dataset_case("dataset: relative path", source_location="volatile/eic/x", source_kind="path"),
    dataset_case("dataset: dot-dot", source_location="/volatile/../etc/passwd"),
    dataset_case("dataset: shell character", source_location="/volatile/eic/x;rm"),
    dataset_case("dataset: space", source_location="/volatile/eic/a b"),
    dataset_case("dataset: bidi control", source_location="/volatile/eic/\u202ex"),
    dataset_case("dataset: bad url", source_location="ftp://example.org/x", source_kind="url"),
    dataset_case("dataset: not a DID", source_location="nocolon", source_kind="rucio_did"),
    dataset_case(
        "dataset: manifest not csv", source_location="/a/b.txt", source_kind="csv_manifest"
    ),
    dataset_case("dataset: empty file list", source_location=" , ", source_kind="file_list"),
    dataset_case(
        "dataset: unknown physics tag", source_location="/volatile/eic/y", physics_tag="p99999"
    ),
    dataset_case(
        "dataset: tag of the wrong kind", source_location="/volatile/eic/y", simu_tag="e1"
    ),
    # -- task intake
    task_case("task: no key"),
    task_case("task: row key without csv path", public_catalog_row_key="Dataset Path=/x"),
    task_case("task: issue not a number", public_catalog_issue="abc"),
    task_case("task: issue zero", public_catalog_issue="0"),
    task_case("task: formula in a cell", public_catalog_issue="7", pwg="=cmd|' /C calc'!A0"),
    task_case("task: unknown config", public_catalog_issue="7", prod_config="nosuch"),
    task_case("task: unknown input dataset", public_catalog_issue="7", dataset="nosuch"),
    task_case("task: bad name", public_catalog_issue="7", name="bad name"),
    task_case("task: bad PR number", public_catalog_issue="7", public_catalog_pr="-3"),
    task_case(
        "task: new issue 7",
        ok=True,
        public_catalog_issue="7",
        pwg="jets_hf",
        priority="2",
        dataset_path=NEW_PATH,
        events="1M",
    ),
    task_case("task: issue 7 again", ok=True, public_catalog_issue="7", pwg="jets_hf"),
    task_case("task: issue #7 with a change", ok=True, public_catalog_issue="#7", priority="1"),
    task_case("task: renaming by intake", public_catalog_issue="7", name="other-name"),
    task_case(
        "task: issue 7 told apart by a sample variant",
        ok=True,
        public_catalog_issue="7",
        sample_variant="second",
    ),
    task_case(
        "task: a sample variant like an attempt", public_catalog_issue="7", sample_variant="a.try2"
    ),
    task_case(
        "task: name taken by another key",
        public_catalog_issue="8",
        name="issue-7",
    ),
    # -- lifecycle
    status("status: unknown task", "no-such-task", "ready"),
    status("status: unknown status", "issue-7", "done"),
    status("status: draft to submitted", "issue-7", "submitted"),
    status("status: draft to completed", "issue-7", "completed"),
    status("status: same status", "issue-7", "draft", ok=True),
    status("status: ambiguous prefix", "req.EVGEN", "ready"),
    payload_case(
        "files: a known count",
        ("dataset", "count-files", FIRST_INPUT, "--files", "20"),
        "pcs_dataset_count_files",
        ok=True,
        name=FIRST_INPUT,
        files=20,
    ),
    payload_case(
        "files: unknown dataset",
        ("dataset", "count-files", "nosuch", "--files", "3"),
        "pcs_dataset_count_files",
        name="nosuch",
        files=3,
    ),
    payload_case(
        "files: not readable here",
        ("dataset", "count-files", FIRST_INPUT),
        "pcs_dataset_count_files",
        name=FIRST_INPUT,
    ),
    payload_case(
        "approve: not ready",
        ("task", "approve", "issue-7"),
        "pcs_prodtask_approve",
        task_name="issue-7",
    ),
    status("status: first task to ready, its tags only inferred", FIRST, "ready"),
    Case(
        "confirm: an unknown field",
        ("task", "confirm", FIRST, "--field", "colour"),
        "pcs_prodtask_confirm",
        {"task_name": FIRST, "fields": ["colour"]},
    ),
    Case(
        "confirm: a read value cannot be set",
        ("task", "confirm", FIRST, "--field", "beams=5x41"),
        "pcs_prodtask_confirm",
        {"task_name": FIRST, "fields": ["beams=5x41"]},
    ),
    Case(
        "confirm: the first task's inferred values",
        ("task", "confirm", FIRST),
        "pcs_prodtask_confirm",
        {"task_name": FIRST},
        ok=True,
    ),
    status("status: first task to ready", FIRST, "ready", ok=True),
    payload_case(
        "approve: approved already",
        ("task", "approve", FIRST),
        "pcs_prodtask_approve",
        ok=True,
        task_name=FIRST,
    ),
    payload_case(
        "plan: the approved payload",
        ("task", "plan", FIRST),
        "pcs_prodtask_plan",
        ok=True,
        name=FIRST,
    ),
    payload_case(
        "withdraw: every approval holds",
        ("task", "withdraw-stale-approvals"),
        "pcs_prodtask_withdraw_stale_approvals",
        ok=True,
    ),
    payload_case(
        "compose: a task past draft keeps its outputs",
        ("task", "compose-outputs", FIRST),
        "pcs_prodtask_compose_outputs",
        ok=True,
        task_name=FIRST,
    ),
    status("status: ready to completed", FIRST, "completed"),
    # -- inputs
    Case(
        "link: unknown DID",
        ("task", "link-input", "issue-7", "--did", "group.EIC.evgen:nosuch.b1"),
        "pcs_prodtask_link_input",
        {"task_name": "issue-7", "did": "group.EIC.evgen:nosuch.b1"},
    ),
    Case(
        "link: neither did nor dids",
        ("task", "link-input", "issue-7"),
        "pcs_prodtask_link_input",
        {"task_name": "issue-7"},
    ),
    Case(
        "link: both did and dids",
        ("task", "link-input", "issue-7", "--did", "a:b", "--dids", "a:b"),
        "pcs_prodtask_link_input",
        {"task_name": "issue-7", "did": "a:b", "dids": "a:b"},
    ),
    Case(
        "link: empty dids",
        ("task", "link-input", "issue-7", "--dids", " , "),
        "pcs_prodtask_link_input",
        {"task_name": "issue-7", "dids": " , "},
    ),
    Case(
        "link: unknown task",
        ("task", "link-input", "no-such-task", "--did", FIRST_DID),
        "pcs_prodtask_link_input",
        {"task_name": "no-such-task", "did": FIRST_DID},
    ),
    Case(
        "link: good DID",
        ("task", "link-input", "issue-7", "--did", FIRST_DID),
        "pcs_prodtask_link_input",
        {"task_name": "issue-7", "did": FIRST_DID},
        ok=True,
    ),
    task_case(
        "task: a second request for the same output", public_catalog_issue="8", dataset=FIRST_DID
    ),
    Case(
        "link: task not in draft",
        ("task", "link-input", FIRST, "--did", FIRST_DID),
        "pcs_prodtask_link_input",
        {"task_name": FIRST, "did": FIRST_DID},
    ),
    # -- comments
    Case(
        "comment: empty",
        ("task", "comment", "issue-7", "   "),
        "pcs_prodtask_comment",
        {"task_name": "issue-7", "text": "   "},
    ),
    Case(
        "comment: unknown task",
        ("task", "comment", "no-such-task", "hello"),
        "pcs_prodtask_comment",
        {"task_name": "no-such-task", "text": "hello"},
    ),
    Case(
        "comment: too long",
        ("task", "comment", "issue-7", "x" * 20_001),
        "pcs_prodtask_comment",
        {"task_name": "issue-7", "text": "x" * 20_001},
    ),
    Case(
        "comment: good",
        ("task", "comment", "issue-7", "looks fine"),
        "pcs_prodtask_comment",
        {"task_name": "issue-7", "text": "looks fine"},
        ok=True,
    ),
    # -- reads
    Case("get: unknown task", ("task", "get", "nope"), "pcs_prodtask_get", {"name": "nope"}),
    Case(
        "get: ambiguous task",
        ("task", "get", "req.EVGEN"),
        "pcs_prodtask_get",
        {"name": "req.EVGEN"},
    ),
    Case("get: task 7", ("task", "get", "issue-7"), "pcs_prodtask_get", {"name": "7"}, ok=True),
    Case(
        "get: unknown dataset",
        ("dataset", "get", "nope:x"),
        "pcs_dataset_get",
        {"did": "nope:x"},
    ),
    Case(
        "get: dataset by DID",
        ("dataset", "get", FIRST_DID),
        "pcs_dataset_get",
        {"did": FIRST_DID},
        ok=True,
    ),
    Case("tag: unknown", ("tag", "get", "p0"), "pcs_tag_get", {"tag_label": "p0"}),
    Case(
        "tag: unknown type",
        ("tag", "list", "--type", "zzz"),
        "pcs_tag_list",
        {"tag_type": "zzz"},
    ),
    Case(
        "list: bad issue filter",
        ("task", "list", "--public-catalog-issue", "x"),
        "pcs_prodtask_list",
        {"public_catalog_issue": "x"},
    ),
    Case(
        "list: by issue",
        ("task", "list", "--public-catalog-issue", "7"),
        "pcs_prodtask_list",
        {"public_catalog_issue": 7},
        ok=True,
    ),
    Case(
        "readiness: unknown task",
        ("task", "readiness", "nope"),
        "pcs_prodtask_readiness",
        {"name": "nope"},
    ),
    Case(
        "readiness: issue 7",
        ("task", "readiness", "issue-7"),
        "pcs_prodtask_readiness",
        {"name": "issue-7"},
        ok=True,
    ),
    Case(
        "artifact: unknown task",
        ("task", "artifact", "nope", "--fmt", "dump"),
        "pcs_prodtask_artifact",
        {"name": "nope", "fmt": "dump"},
    ),
)


def _strip(value: Any) -> Any:
    """A payload without the keys that name the actor, the time or the files written."""
    if isinstance(value, dict):
        return {k: _strip(v) for k, v in value.items() if k not in VOLATILE}
    if isinstance(value, list):
        return [_strip(v) for v in value]
    return value


def _resolve(value: Any, names: dict[str, str]) -> Any:
    if isinstance(value, str):
        return names.get(value, value)
    if isinstance(value, dict):
        return {k: _resolve(v, names) for k, v in value.items()}
    if isinstance(value, tuple | list):
        return type(value)(_resolve(v, names) for v in value)
    return value


@pytest.fixture(scope="module")
def small_catalogue(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A catalogue holding the first rows of the real one. Every case loads the whole state on
    each surface and snapshots it, so the verdicts are compared on a small state (the full 405
    requests made this the slowest test); the rows still hold every kind of record."""
    base = tmp_path_factory.mktemp("small-catalogue")
    rows = list(csv.reader(io.StringIO(REAL_CATALOG.read_text(encoding="utf-8"), newline="")))
    head = io.StringIO(newline="")
    csv.writer(head, lineterminator="\r\n").writerows(rows[: 1 + SAMPLE_ROWS])
    sample = base / "datasets.csv"
    sample.write_text(head.getvalue(), encoding="utf-8", newline="")
    root = base / "repo"
    init_repository(root)
    imported = CliRunner().invoke(
        cli, ["--repo", str(root), "catalog", "import", str(sample)], env={"PCS_ACTOR": "importer"}
    )
    assert imported.exit_code == 0, imported.output
    return root


# tool -> (method, route, the argument that names the record in the path)
REST_ROUTES: dict[str, tuple[str, str, str | None]] = {
    "pcs_dataset_intake": ("POST", "/datasets/intake/", None),
    "pcs_prodtask_intake": ("POST", "/prod-tasks/intake/", None),
    "pcs_prodtask_set_status": ("POST", "/prod-tasks/{}/set-status/", "task_name"),
    "pcs_prodtask_link_input": ("POST", "/prod-tasks/{}/link-input/", "task_name"),
    "pcs_prodtask_confirm": ("POST", "/prod-tasks/{}/confirm/", "task_name"),
    "pcs_prodtask_comment": ("POST", "/prod-tasks/{}/comment/", "task_name"),
    "pcs_prodtask_get": ("GET", "/prod-tasks/{}/", "name"),
    "pcs_prodtask_readiness": ("GET", "/prod-tasks/{}/readiness/", "name"),
    "pcs_prodtask_list": ("GET", "/prod-tasks/", None),
    "pcs_prodtask_artifact": ("GET", "/prod-tasks/command/", None),
    "pcs_dataset_get": ("GET", "/datasets/{}/", "did"),
    "pcs_tag_get": ("GET", "/tags/{}/", "tag_label"),
    "pcs_tag_list": ("GET", "/tags/", None),
    "pcs_prodtask_approve": ("POST", "/prod-tasks/{}/approve/", "task_name"),
    "pcs_prodtask_plan": ("GET", "/prod-tasks/{}/plan/", "name"),
    "pcs_prodtask_compose_outputs": ("POST", "/prod-tasks/{}/compose-outputs/", "task_name"),
    "pcs_prodtask_withdraw_stale_approvals": (
        "POST",
        "/prod-tasks/withdraw-stale-approvals/",
        None,
    ),
    "pcs_dataset_count_files": ("POST", "/datasets/{}/count-files/", "name"),
}


WRITES = frozenset(
    {
        "pcs_dataset_intake",
        "pcs_prodtask_intake",
        "pcs_prodtask_set_status",
        "pcs_prodtask_link_input",
        "pcs_prodtask_confirm",
        "pcs_prodtask_comment",
        "pcs_prodtask_approve",
        "pcs_prodtask_compose_outputs",
        "pcs_prodtask_withdraw_stale_approvals",
        "pcs_dataset_count_files",
    }
)


def rest_call(rest: Rest, tool: str, args: dict[str, Any]) -> Answer:
    """The REST form of an MCP tool call, as the production manager of every copy."""
    method, route, named = REST_ROUTES[tool]
    rest_args = dict(args)
    if named is not None:
        route = route.format(urllib.parse.quote(str(rest_args.pop(named)), safe=":"))
    if method == "GET":
        return rest.call("GET", API + route, query=rest_args or None)
    return rest.call("POST", API + route, rest_args, token=token_of(MANAGER))


@pytest.fixture(scope="module")
def triplet(
    small_catalogue: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[Path, Path, Rest]]:
    base = tmp_path_factory.mktemp("conformance")
    roots = [base / surface for surface in ("cli", "mcp", "rest")]
    for root in roots:
        shutil.copytree(small_catalogue, root)
        grant_roles(root)
    with FakeGitHub() as fake:
        fake.tokens = dict(TOKENS)
        with rest_server(roots[2], {"GITHUB_API_URL": fake.url}) as rest:
            yield roots[0], roots[1], rest


def test_cli_mcp_and_rest_give_identical_verdicts(
    triplet: tuple[Path, Path, Rest], run_cli: RunCli
) -> None:
    cli_root, mcp_root, rest = triplet
    rest_root = rest.context.services.root
    listing = run_cli("--repo", str(cli_root), "task", "list", "--limit", "1", "--json")
    datasets = run_cli(
        "--repo", str(cli_root), "dataset", "list", "--stage", "evgen", "--limit", "1", "--json"
    )
    first = json.loads(listing.stdout)["tasks"][0]
    names = {
        FIRST: first["name"],
        FIRST_DID: json.loads(datasets.stdout)["datasets"][0]["did"],
        FIRST_INPUT: first["input_datasets"][0],
    }
    cases = [
        Case(c.id, tuple(_resolve(list(c.cli), names)), c.tool, _resolve(c.args, names), c.ok)
        for c in CORPUS
    ]
    mismatches: list[str] = []
    for case in cases:
        before = [snapshot(root) for root in (cli_root, mcp_root, rest_root)]
        # one identity on every surface: the production manager the REST token names
        cli = run_cli("--repo", str(cli_root), "--actor", MANAGER, *case.cli, *_json_flag(case))
        mcp_args = {**case.args, "created_by": MANAGER} if case.tool in WRITES else case.args
        (mcp,) = calls(mcp_root, [(case.tool, mcp_args)])
        answer = rest_call(rest, case.tool, case.args)
        problem = _compare(case, cli, mcp) or _compare_rest(cli, answer)
        changed = [snapshot(root) for root in (cli_root, mcp_root, rest_root)] != before
        if problem is None and not case.ok and changed:
            problem = "a refusal changed the state"
        if problem is not None:
            mismatches.append(f"{case.id}: {problem}")
    assert mismatches == []
    assert _strip(_records(cli_root)) == _strip(_records(mcp_root))
    assert _strip(_records(cli_root)) == _strip(_records(rest_root))


def _json_flag(case: Case) -> tuple[str, ...]:
    return () if case.tool == "pcs_prodtask_artifact" else ("--json",)


def _compare(case: Case, cli: Result, mcp: ToolResult) -> str | None:
    cli_ok = cli.exit_code == 0
    if cli_ok != (not mcp.is_error):
        return (
            f"verdicts differ: CLI exit {cli.exit_code} ({cli.output.strip()[:300]!r}), "
            f"MCP isError={mcp.is_error} ({mcp.text[:300]!r})"
        )
    if cli_ok != case.ok:
        return f"both {'accepted' if cli_ok else 'refused'}, expected the opposite: {mcp.text!r}"
    if not cli_ok:
        if not cli.stderr.startswith("Error: "):
            return f"the CLI did not print a PcsError: {cli.stderr!r}"
        message = cli.stderr.removeprefix("Error: ").removesuffix("\n")
        if message != mcp.text:
            return f"messages differ:\n  CLI: {message!r}\n  MCP: {mcp.text!r}"
        if mcp.data is None or mcp.data.get("exit_code") != cli.exit_code:
            return f"exit codes differ: CLI {cli.exit_code}, MCP {mcp.data!r}"
        return None
    cli_payload = _strip(json.loads(cli.stdout))
    mcp_payload = _strip(mcp.data)
    shared = set(cli_payload) & set(mcp_payload)
    if not shared:
        return "no field in common between the answers"
    for key in sorted(shared):
        if cli_payload[key] != mcp_payload[key]:
            return f"answers differ in {key!r}: CLI {cli_payload[key]!r}, MCP {mcp_payload[key]!r}"
    return None


def _compare_rest(cli: Result, answer: Answer) -> str | None:
    """REST against the CLI (which ``_compare`` has already found to agree with MCP)."""
    cli_ok, rest_ok = cli.exit_code == 0, 200 <= answer.status < 300
    if cli_ok != rest_ok:
        return f"verdicts differ: CLI exit {cli.exit_code}, REST {answer.status} {answer.body!r}"
    if not cli_ok:
        message = cli.stderr.removeprefix("Error: ").removesuffix("\n")
        if answer.message != message:
            return f"messages differ:\n  CLI:  {message!r}\n  REST: {answer.message!r}"
        if (cli.exit_code == 2) != (answer.status == 400):
            return f"statuses differ: CLI exit {cli.exit_code}, REST {answer.status}"
        return None
    if not isinstance(answer.body, dict):
        return f"REST answered {answer.body!r}"
    cli_payload, rest_payload = _strip(json.loads(cli.stdout)), _strip(answer.body)
    for key in sorted(set(cli_payload) & set(rest_payload)):
        if cli_payload[key] != rest_payload[key]:
            return (
                f"answers differ in {key!r}: CLI {cli_payload[key]!r}, REST {rest_payload[key]!r}"
            )
    return None


def _records(root: Path) -> dict[str, Any]:
    """Every record under state/ parsed (the YAML is compared as data)."""
    return {
        path: yaml.safe_load(content.decode("utf-8")) for path, content in snapshot(root).items()
    }


def test_every_tool_of_the_corpus_has_its_rest_endpoint() -> None:
    assert {c.tool for c in CORPUS} <= set(REST_ROUTES)


def test_the_corpus_covers_both_verdicts_of_every_write_tool() -> None:
    verdicts = {(c.tool, c.ok) for c in CORPUS}
    for tool in (
        "pcs_dataset_intake",
        "pcs_prodtask_intake",
        "pcs_prodtask_set_status",
        "pcs_prodtask_link_input",
        "pcs_prodtask_confirm",
        "pcs_prodtask_comment",
        "pcs_prodtask_approve",
        "pcs_dataset_count_files",
    ):
        assert (tool, True) in verdicts and (tool, False) in verdicts, tool
    assert len({c.id for c in CORPUS}) == len(CORPUS)
