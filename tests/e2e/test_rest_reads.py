"""``pcs serve``'s reads, refusals and OpenAPI document, over real HTTP on loopback.

One server for the module, on a copy of the imported real catalogue (405 requests); these tests
write nothing, and every answer is compared with what the CLI says about the same copy.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import Result
from jsonschema import Draft202012Validator

from pcs_gitops.entrypoints.rest.routes import API, ROUTES
from pcs_gitops.services.submission import ARTIFACT_FORMATS
from tests.conftest import snapshot
from tests.support.fake_github import FakeGitHub
from tests.support.rest_client import TOKENS, Rest, grant_roles, rest_server

RunCli = Callable[..., Result]


@pytest.fixture(scope="module")
def root(_imported_template: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    copy = tmp_path_factory.mktemp("rest-reads") / "repo"
    shutil.copytree(_imported_template, copy)
    grant_roles(copy)
    return copy


@pytest.fixture(scope="module")
def rest(root: Path) -> Iterator[Rest]:
    with FakeGitHub() as fake:
        fake.tokens = dict(TOKENS)
        with rest_server(root, {"GITHUB_API_URL": fake.url}) as server:
            yield server


@pytest.fixture
def cli_json(root: Path, run_cli: RunCli) -> Callable[..., Any]:
    def run(*args: str) -> Any:
        result = run_cli("--repo", str(root), *args, "--json")
        assert result.exit_code == 0, result.output
        return json.loads(result.stdout)

    return run


@pytest.fixture
def cli_refusal(root: Path, run_cli: RunCli) -> Callable[..., str]:
    def run(*args: str) -> str:
        result = run_cli("--repo", str(root), *args)
        assert result.exit_code != 0 and result.stderr.startswith("Error: "), result.output
        return result.stderr.removeprefix("Error: ").removesuffix("\n")

    return run


def first_task(rest: Rest) -> dict[str, Any]:
    answer = rest.get(f"{API}/prod-tasks/", limit=1)
    assert answer.status == 200
    return dict(answer.body["tasks"][0])


# --------------------------------------------------------------------------- lists


@pytest.mark.parametrize(
    "query",
    [
        {},
        {"limit": 5, "offset": 5},
        {"status": "draft", "name_contains": "dis", "limit": 3},
        {"public_catalog_issue": "#40"},
        {"limit": 0},
        {"pwg": "edt", "priority": "1", "substate": "needs-input", "limit": 4},
    ],
    ids=["default", "page", "filters", "issue", "empty-page", "pwg-priority-substate"],
)
def test_the_task_list_pages_and_filters_as_the_cli_does(
    rest: Rest, cli_json: Callable[..., Any], query: dict[str, Any]
) -> None:
    answer = rest.get(f"{API}/prod-tasks/", **query)
    options = [f"--{k.replace('_', '-')}={v}" for k, v in query.items()]
    assert answer.status == 200
    assert answer.body == cli_json("task", "list", *options)


@pytest.mark.parametrize(
    "query",
    [{}, {"stage": "evgen", "limit": 4, "offset": 2}, {"name_contains": "P1128"}],
    ids=["default", "stage-page", "contains"],
)
def test_the_dataset_list_pages_and_filters_as_the_cli_does(
    rest: Rest, cli_json: Callable[..., Any], query: dict[str, Any]
) -> None:
    answer = rest.get(f"{API}/datasets/", **query)
    options = [f"--{k.replace('_', '-')}={v}" for k, v in query.items()]
    assert answer.status == 200
    assert answer.body["count"] > 0
    assert answer.body == cli_json("dataset", "list", *options)


def test_the_tag_list_and_one_tag_answer_as_the_cli(
    rest: Rest, cli_json: Callable[..., Any]
) -> None:
    listing = rest.get(f"{API}/tags/", tag_type="physics", limit=3)
    assert listing.body == cli_json("tag", "list", "--type", "physics", "--limit", "3")
    label = listing.body["tags"][0]["label"]
    assert rest.get(f"{API}/tags/{label}/").body == cli_json("tag", "get", label)


# --------------------------------------------------------------------------- one record


def test_a_task_is_found_by_name_and_by_its_issue_number(
    rest: Rest, cli_json: Callable[..., Any]
) -> None:
    task = first_task(rest)
    by_name = rest.get(f"{API}/prod-tasks/{task['name']}/")
    assert by_name.status == 200
    assert by_name.body == cli_json("task", "get", task["name"])
    issue = task["public_catalog_issue"]
    if issue is not None:
        assert rest.get(f"{API}/prod-tasks/{issue}/").body == by_name.body


def test_a_dataset_is_found_by_its_did(rest: Rest, cli_json: Callable[..., Any]) -> None:
    dataset = rest.get(f"{API}/datasets/", limit=1).body["datasets"][0]
    answer = rest.get(f"{API}/datasets/{dataset['did']}/")
    assert answer.status == 200
    assert answer.body == cli_json("dataset", "get", dataset["did"])


def test_the_readiness_checklist_is_the_clis(rest: Rest, cli_json: Callable[..., Any]) -> None:
    name = first_task(rest)["name"]
    answer = rest.get(f"{API}/prod-tasks/{name}/readiness/")
    assert answer.body == cli_json("task", "readiness", name)


@pytest.mark.parametrize("fmt", ARTIFACT_FORMATS)
def test_the_command_of_every_format_is_the_text_the_cli_prints(
    rest: Rest, root: Path, run_cli: RunCli, fmt: str
) -> None:
    name = first_task(rest)["name"]
    answer = rest.get(f"{API}/prod-tasks/command/", name=name, fmt=fmt)
    printed = run_cli("--repo", str(root), "task", "artifact", name, "--fmt", fmt)
    assert answer.status == 200
    assert (answer.body["name"], answer.body["fmt"]) == (name, fmt)
    assert answer.body["text"] == printed.stdout
    if fmt in ("jedi", "dump"):
        assert json.loads(printed.stdout) == answer.body["artifact"]


def test_inference_of_a_path_is_the_clis(rest: Rest, cli_json: Callable[..., Any]) -> None:
    path = "/volatile/eic/EPIC/EVGEN/DIS/pythia8.306-1.0/NC/noRad/ep/18x275/q2_7to70"
    assert rest.get(f"{API}/infer/", path=path).body == cli_json("infer", path)


def test_a_preview_shows_the_row_and_writes_nothing(rest: Rest, root: Path) -> None:
    before = snapshot(root)
    answer = rest.call(
        "POST", f"{API}/prod-tasks/intake/preview/", {"public_catalog_issue": 9001, "pwg": "x"}
    )
    assert answer.status == 200, answer.body
    assert (answer.body["created"], answer.body["name"]) == (True, "issue-9001")
    assert answer.body["page"]["html"]
    assert snapshot(root) == before


# --------------------------------------------------------------------------- refusals


@pytest.mark.parametrize(
    ("path", "query", "cli", "status"),
    [
        ("/prod-tasks/nope/", {}, ("task", "get", "nope"), 404),
        ("/prod-tasks/req.EVGEN/", {}, ("task", "get", "req.EVGEN"), 409),
        ("/datasets/nope:x/", {}, ("dataset", "get", "nope:x"), 404),
        ("/tags/p0/", {}, ("tag", "get", "p0"), 404),
        (
            "/prod-tasks/",
            {"public_catalog_issue": "x"},
            ("task", "list", "--public-catalog-issue", "x"),
            400,
        ),
        (
            "/prod-tasks/command/",
            {"name": "nope"},
            ("task", "artifact", "nope", "--fmt", "dump"),
            404,
        ),
        ("/prod-tasks/nope/readiness/", {}, ("task", "readiness", "nope"), 404),
    ],
    ids=["task", "ambiguous", "dataset", "tag", "bad-filter", "command", "readiness"],
)
def test_a_refused_read_has_the_clis_message_and_its_status(
    rest: Rest,
    cli_refusal: Callable[..., str],
    path: str,
    query: dict[str, str],
    cli: tuple[str, ...],
    status: int,
) -> None:
    answer = rest.get(API + path, **query)
    assert answer.status == status
    assert answer.body["message"] == cli_refusal(*cli)
    assert set(answer.body) == {"error", "message"}


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"limit": "many"}, "query parameter 'limit' is 'many'; it must be a whole number"),
        ({"limit": "-1"}, "limit and offset must be zero or positive"),
        ({"colour": "red"}, "unknown query parameter(s) colour; this endpoint takes status, "),
    ],
)
def test_bad_query_parameters_are_usage_errors(
    rest: Rest, query: dict[str, str], message: str
) -> None:
    answer = rest.get(f"{API}/prod-tasks/", **query)
    assert (answer.status, answer.body["error"]) == (400, "UsageError")
    assert answer.body["message"].startswith(message)


def test_a_repeated_query_parameter_is_refused(rest: Rest) -> None:
    answer = rest.call("GET", f"{API}/prod-tasks/?limit=1&limit=2")
    assert answer.status == 400
    assert answer.body["message"] == "query parameter 'limit' is given 2 times; give it once"


def test_an_unknown_route_is_a_json_404(rest: Rest) -> None:
    answer = rest.get("/pcs/api/nothing-here/")
    assert answer.status == 404
    assert answer.body == {
        "error": "NotFound",
        "message": "no endpoint GET /pcs/api/nothing-here/; the endpoints are listed in "
        "/pcs/api/openapi.json",
    }


def test_a_method_the_path_does_not_take_is_a_json_405(rest: Rest) -> None:
    answer = rest.call("DELETE", f"{API}/prod-tasks/")
    assert answer.status == 405
    assert answer.body["error"] == "MethodNotAllowed"
    assert "POST" in answer.headers["allow"]


# --------------------------------------------------------------------------- OpenAPI


def openapi_schemas(node: Any) -> Iterator[dict[str, Any]]:
    """Every JSON Schema object of the document (``schema`` values and component schemas)."""
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "schema" and isinstance(value, dict):
                yield value
            elif key == "schemas" and isinstance(value, dict):
                yield from value.values()
            else:
                yield from openapi_schemas(value)
    elif isinstance(node, list):
        for item in node:
            yield from openapi_schemas(item)


def test_the_openapi_document_lists_every_route_with_its_shapes(rest: Rest) -> None:
    answer = rest.get(f"{API}/openapi.json")
    assert answer.status == 200
    doc = answer.body
    assert doc["openapi"].startswith("3.1.")
    assert {"title", "version"} <= set(doc["info"])
    for endpoint in ROUTES:
        operation = doc["paths"][endpoint.path][endpoint.method.lower()]
        assert operation["operationId"] == endpoint.name
        assert operation["summary"] == endpoint.summary
        assert "200" in operation["responses"] and "404" in operation["responses"]
        names = {p["name"] for p in operation["parameters"]}
        assert names == {p.name for p in (*endpoint.path_params, *endpoint.query)}
        if endpoint.method == "POST":
            body = operation["requestBody"]["content"]["application/json"]["schema"]
            assert set(body["properties"]) == {p.name for p in endpoint.body}
        if endpoint.write is not None:
            assert operation["security"] == [{"githubToken": []}]
            assert {"401", "403"} <= set(operation["responses"])
    operation_ids = [op["operationId"] for ops in doc["paths"].values() for op in ops.values()]
    assert len(operation_ids) == len(set(operation_ids)) == len(ROUTES)


def test_every_schema_in_the_openapi_document_is_valid_json_schema(rest: Rest) -> None:
    doc = rest.get(f"{API}/openapi.json").body
    schemas = list(openapi_schemas(doc))
    assert len(schemas) > len(ROUTES)
    for schema in schemas:
        if "$ref" not in schema:
            Draft202012Validator.check_schema(schema)


def test_a_documented_request_body_validates_against_its_schema(rest: Rest) -> None:
    doc = rest.get(f"{API}/openapi.json").body
    operation = doc["paths"][f"{API}/prod-tasks/intake/"]["post"]
    schema = operation["requestBody"]["content"]["application/json"]["schema"]
    validator = Draft202012Validator(schema)
    assert validator.is_valid({"public_catalog_issue": 7, "events": 1000000, "pwg": "jets_hf"})
    assert not validator.is_valid({"public_catalog_issue": 7, "colour": "red"})
