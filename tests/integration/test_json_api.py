"""The static JSON API: every generated document validates against its published JSON Schema,
numbers are numbers, listings are paginated with an index, and items link their documents."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from pcs_gitops.adapters import json_api, rendering
from pcs_gitops.domain import site_paths
from pcs_gitops.domain.state import State
from pcs_gitops.services import bench
from pcs_gitops.services.setup import initial_state
from tests.support.site_fixture import T0, site_state

ROOT = Path(__file__).resolve().parents[2]


def schema_for(path: str) -> str:
    name = path.removeprefix("docs/api/")
    if name == "index.json":
        return "index"
    if name.startswith(("prod-tasks.", "datasets.")):
        return "prod-task-listing" if name.startswith("prod-tasks") else "dataset-listing"
    if name.endswith(("/jedi.json", "/dump.json")):
        return name.rsplit("/", 1)[1].removesuffix(".json")
    return "prod-task" if name.startswith("prod-tasks/") else "dataset"


def documents(files: dict[str, bytes]) -> dict[str, Any]:
    return {
        path: json.loads(content)
        for path, content in files.items()
        if path.startswith("docs/api/") and not path.startswith("docs/api/schemas/")
    }


def validators(files: dict[str, bytes]) -> dict[str, jsonschema.Draft202012Validator]:
    out = {}
    for name in json_api.SCHEMAS:
        schema = json.loads(files[f"docs/{site_paths.schema_document(name)}"])
        jsonschema.Draft202012Validator.check_schema(schema)
        out[name] = jsonschema.Draft202012Validator(schema)
    return out


def big_state(tasks: int) -> State:
    state = initial_state(T0, "octo-org/pcs-api")
    bench.generate(state, tasks, T0)
    return state


@pytest.mark.parametrize("make", [site_state, lambda: big_state(1100)], ids=["site", "paged"])
def test_every_generated_document_validates_against_its_schema(make: Any) -> None:
    files = rendering.plan_pages(make(), workers=1)
    checks = validators(files)
    docs = documents(files)
    assert docs
    for path, document in docs.items():
        errors = list(checks[schema_for(path)].iter_errors(document))
        assert not errors, f"{path}: {errors[0].message} at {list(errors[0].absolute_path)}"


def test_the_published_schemas_are_the_packaged_ones() -> None:
    files = rendering.plan_pages(site_state(), workers=1)
    for path, content in json_api.schema_files().items():
        assert files[f"docs/{path}"] == content
    assert (ROOT / "docs" / "api" / "schemas" / "prod-task.schema.json").is_file()


def test_listings_are_paginated_in_order_of_arrival_with_an_index() -> None:
    state = big_state(1100)
    newest = max(state.tasks.values(), key=lambda t: t.name)
    state.put_task(replace(newest, created_at="2099-01-01T00:00:00Z"))
    files = rendering.plan_pages(state, workers=1)
    index = json.loads(files["docs/api/index.json"])
    pages = index["listings"]["prod-tasks"]["pages"]
    assert index["api_version"] == json_api.API_VERSION
    assert index["listings"]["prod-tasks"]["count"] == 1100
    assert [p["url"] for p in pages] == [
        "api/prod-tasks.json",
        "api/prod-tasks.2.json",
        "api/prod-tasks.3.json",
    ]
    listed = []
    for page in pages:
        document = json.loads(files[f"docs/{page['url']}"])
        assert document["count"] == page["count"] == len(document["tasks"])
        listed += [t["name"] for t in document["tasks"]]
    assert len(listed) == len(set(listed)) == 1100
    assert listed[-1] == newest.name
    third = json.loads(files["docs/api/prod-tasks.3.json"])
    assert third["links"] == {
        "index": "api/index.json",
        "prev": "api/prod-tasks.2.json",
        "next": None,
    }


def test_numbers_are_numbers_with_the_recorded_text_beside_them() -> None:
    files = rendering.plan_pages(site_state(), workers=1)
    task = json.loads(files["docs/api/prod-tasks/issue-7.json"])
    assert (task["priority"], task["priority_text"]) == (1, "1")
    assert (task["events"], task["events_text"]) == (2_750_000, "2.75M")
    other = json.loads(files["docs/api/prod-tasks/req.EVGEN.SINGLE.e-.1GeV.45to135deg.json"])
    assert other["events"] is None
    assert other["events_text"] == "</td><td>"


def test_listing_items_link_their_document_and_page() -> None:
    files = rendering.plan_pages(site_state(), workers=1)
    listing = json.loads(files["docs/api/prod-tasks.json"])
    for item in listing["tasks"]:
        assert f"docs/{item['links']['json']}" in files
        assert f"docs/{item['links']['page']}" in files
        assert f"docs/{item['links']['jedi']}" in files
    datasets = json.loads(files["docs/api/datasets.json"])
    for item in datasets["datasets"]:
        assert f"docs/{item['links']['json']}" in files


def test_no_json_file_is_over_a_megabyte_on_a_paginated_state() -> None:
    files = rendering.plan_pages(big_state(1100), workers=1)
    assert max(len(c) for p, c in files.items() if p.endswith(".json")) < 1_000_000
