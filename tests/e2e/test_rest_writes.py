"""``pcs serve``'s writes over real HTTP: tokens, roles, idempotent intake, the lifecycle, and
github mode (branches and pull requests).

Tokens are resolved by the fake GitHub (``GET /user``); ``maria`` is a production manager by
login, ``tess`` through the team ``epic/prod-managers``, ``rita`` and ``otto`` hold no role. One
server for the module over a copy of the imported catalogue; each test uses its own keys.
"""

from __future__ import annotations

import json
import shutil
import socket
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from pcs_gitops.entrypoints.rest import app as rest_app
from pcs_gitops.entrypoints.rest.routes import API
from tests.conftest import snapshot
from tests.support.fake_github import FakeGitHub
from tests.support.gh_events import git, make_catalogue_repo
from tests.support.mcp_client import install_form
from tests.support.rest_client import (
    MANAGER,
    MANAGER_TEAM,
    OTHER,
    REQUESTER,
    TEAM_MANAGER,
    TOKENS,
    Rest,
    grant_roles,
    rest_server,
    token,
)

PATH = "/volatile/eic/EPIC/EVGEN/DIS/pythia8.306-1.0/NC/noRad/ep/18x275/q2_{}"
SERVER_TOKEN = "tok-server"


@pytest.fixture(scope="module")
def fake() -> Iterator[FakeGitHub]:
    with FakeGitHub() as server:
        server.tokens = {**TOKENS, SERVER_TOKEN: "pcs-bot"}
        server.add_team_member(*MANAGER_TEAM, TEAM_MANAGER)
        yield server


@pytest.fixture(scope="module")
def root(_imported_template: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    copy = tmp_path_factory.mktemp("rest-writes") / "repo"
    shutil.copytree(_imported_template, copy)
    grant_roles(copy)
    install_form(copy)
    return copy


@pytest.fixture(scope="module")
def rest(root: Path, fake: FakeGitHub) -> Iterator[Rest]:
    env = {
        "GITHUB_API_URL": fake.url,
        "PCS_GITHUB_TOKEN": SERVER_TOKEN,  # team checks and request issues ask the fake
        "GITHUB_REPOSITORY": fake.repo,
    }
    with rest_server(root, env) as server:
        yield server


def post(rest: Rest, route: str, body: Any, login: str | None, **query: Any) -> Any:
    return rest.post(API + route, body, token=None if login is None else token(login), **query)


def intake(rest: Rest, issue: int, login: str = REQUESTER, **fields: Any) -> Any:
    body = {"public_catalog_issue": issue, "pwg": "jets_hf", "dataset_path": PATH.format(issue)}
    return post(rest, "/prod-tasks/intake/", {**body, **fields}, login)


def a_did(rest: Rest) -> str:
    return str(rest.get(f"{API}/datasets/", stage="evgen", limit=1).body["datasets"][0]["did"])


# --------------------------------------------------------------------------- authentication


@pytest.mark.parametrize(
    "headers",
    [{}, {"Authorization": "Bearer tok-unknown"}, {"Authorization": "Basic dXNlcg=="}],
    ids=["no-token", "refused-token", "not-bearer"],
)
def test_a_write_without_a_valid_token_is_401_and_writes_nothing(
    rest: Rest, root: Path, headers: dict[str, str]
) -> None:
    before = snapshot(root)
    body = {"source_location": PATH.format("401")}
    answer = rest.call("POST", f"{API}/datasets/intake/", body, headers=headers)
    assert answer.status == 401
    assert answer.body["error"] == "Unauthenticated"
    assert answer.headers["www-authenticate"] == "Bearer"
    assert "tok-unknown" not in answer.message
    assert snapshot(root) == before


def test_a_token_is_asked_about_once(rest: Rest, fake: FakeGitHub) -> None:
    login = "cache-probe"
    fake.tokens[token(login)] = login
    for n in range(3):
        assert intake(rest, 7100 + n, login).status == 201
    assert (
        sum(1 for c in fake.calls if c.headers.get("authorization") == f"Bearer tok-{login}") == 1
    )


# --------------------------------------------------------------------------- intake


def test_dataset_intake_is_idempotent(rest: Rest, root: Path) -> None:
    body = {"source_location": PATH.format("7to70")}
    first = post(rest, "/datasets/intake/", body, REQUESTER)
    assert (first.status, first.body["created"]) == (201, True), first.body
    assert first.body["commit"]["records_written"]
    before = snapshot(root)
    again = post(rest, "/datasets/intake/", body, OTHER)
    assert (again.status, again.body["created"], again.body["commit"]) == (200, False, None)
    assert again.body["name"] == first.body["name"]
    assert snapshot(root) == before
    dataset = rest.get(f"{API}/datasets/{first.body['name']}/").body
    assert dataset["history"][0] | {"at": None} == {
        "at": None,
        "by": REQUESTER,
        "surface": "rest",
        "action": "created",
    }


def test_dataset_create_of_a_recorded_source_is_a_409(rest: Rest) -> None:
    body = {"source_location": PATH.format("10to100")}
    assert post(rest, "/datasets/", body, REQUESTER).status == 201
    again = post(rest, "/datasets/", body, REQUESTER)
    assert (again.status, again.body["error"]) == (409, "Conflict")
    assert again.message.endswith("use 'pcs dataset intake' to look it up")


def test_task_intake_takes_numbers_and_a_repeat_changes_nothing(rest: Rest, root: Path) -> None:
    first = intake(rest, 7001, events=1000000, priority=2)
    assert (first.status, first.body["name"]) == (201, "issue-7001")
    assert first.body["task"]["catalog"]["events"] == "1000000"
    assert first.body["task"]["created_by"] == REQUESTER
    before = snapshot(root)
    same = {"events": "1000000", "priority": "2", "dataset_path": PATH.format(7001)}
    again = intake(rest, "#7001", **same)  # type: ignore[arg-type]
    assert again.status == 200
    assert (again.body["created"], again.body["changed"], again.body["commit"]) == (
        False,
        [],
        None,
    )
    assert snapshot(root) == before


def test_task_create_of_a_taken_key_is_a_409(rest: Rest) -> None:
    assert intake(rest, 7002).status == 201
    again = post(rest, "/prod-tasks/", {"public_catalog_issue": 7002}, REQUESTER)
    assert again.status == 409
    assert again.message == "the catalogue key already belongs to task 'issue-7002'"


@pytest.mark.parametrize(
    ("body", "status", "message"),
    [
        ({"public_catalog_issue": 7003, "colour": "red"}, 400, "unknown body field(s) colour;"),
        ({"public_catalog_issue": [7003]}, 400, "body field 'public_catalog_issue' must be"),
        ({"public_catalog_issue": 7003, "pwg": "=cmd|' /C calc'!A0"}, 400, "refused catalogue"),
        ({"public_catalog_issue": 7003, "prod_config": "nosuch"}, 404, "production config"),
        ([1, 2], 400, "the request body must be a JSON object"),
    ],
    ids=["unknown-field", "wrong-type", "formula", "unknown-config", "not-an-object"],
)
def test_a_refused_intake_writes_nothing(
    rest: Rest, root: Path, body: Any, status: int, message: str
) -> None:
    before = snapshot(root)
    answer = post(rest, "/prod-tasks/intake/", body, REQUESTER)
    assert answer.status == status
    assert answer.message.startswith(message)
    assert snapshot(root) == before


def test_a_body_that_is_not_json_is_a_400(rest: Rest) -> None:
    answer = rest.call(
        "POST", f"{API}/prod-tasks/intake/", raw=b"{'issue': 5}", token=token(REQUESTER)
    )
    assert answer.status == 400
    assert answer.message.startswith("the request body is not valid JSON (")


def raw_post(rest: Rest, route: str, head: str, body: bytes) -> tuple[int, Any]:
    """POST over a plain socket: only ``body`` is sent (never more than the server reads, so
    its answer is not lost to a reset), then the answer is read until the server closes."""
    host, port = rest.url.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=60) as conn:
        request = f"POST {API}{route} HTTP/1.1\r\nHost: {host}\r\n{head}\r\n"
        conn.sendall(request.encode() + body)
        answer = b""
        for _ in range(10_000):
            chunk = conn.recv(65536)
            if not chunk:
                break
            answer += chunk
    status_line, _, rest_of = answer.partition(b"\r\n")
    payload = rest_of.split(b"\r\n\r\n", 1)[1]
    return int(status_line.split()[1]), json.loads(payload)


def test_a_body_declared_over_the_limit_is_a_413_before_it_is_read(rest: Rest) -> None:
    head = (
        f"Authorization: Bearer {token(REQUESTER)}\r\n"
        f"Content-Type: application/json\r\nContent-Length: {rest_app.MAX_BODY + 1}\r\n"
    )
    status, body = raw_post(rest, "/prod-tasks/issue-7001/comment/", head, b"")
    assert (status, body["error"]) == (413, "TooLarge")
    assert body["message"] == (
        f"the request body is {rest_app.MAX_BODY + 1} bytes; the limit is {rest_app.MAX_BODY}"
    )


def test_a_streamed_body_over_the_limit_is_a_413(rest: Rest, root: Path) -> None:
    before = snapshot(root)
    size = rest_app.MAX_BODY + 1
    head = (
        f"Authorization: Bearer {token(REQUESTER)}\r\n"
        "Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n"
    )
    chunk = f"{size:x}\r\n".encode() + b"x" * size + b"\r\n"  # the final chunk never comes
    status, body = raw_post(rest, "/prod-tasks/issue-7001/comment/", head, chunk)
    assert (status, body["error"]) == (413, "TooLarge")
    assert snapshot(root) == before


# --------------------------------------------------------------------------- roles


def test_the_creator_links_inputs_of_their_draft_and_others_may_not(rest: Rest) -> None:
    assert intake(rest, 7004, sample_variant="second").status == 201  # an imported row's input
    did = a_did(rest)
    refused = post(rest, "/prod-tasks/issue-7004/link-input/", {"did": did}, OTHER)
    assert (refused.status, refused.body["error"]) == (403, "Refused")
    assert refused.message.startswith(f"{OTHER} may not change this request ('issue-7004'): ")
    own = post(rest, "/prod-tasks/issue-7004/link-input/", {"dids": [did]}, REQUESTER)
    assert own.status == 200, own.body
    assert own.body["task"]["input_datasets"] == [did]
    by_manager = post(rest, "/prod-tasks/7004/link-input/", {"dids": did}, MANAGER)
    assert (by_manager.status, by_manager.body["commit"]) == (200, None)


def test_only_managers_move_tasks_and_a_team_grant_counts(rest: Rest, fake: FakeGitHub) -> None:
    assert intake(rest, 7005).status == 201
    refused = post(rest, "/prod-tasks/issue-7005/set-status/", {"status": "draft"}, REQUESTER)
    assert refused.status == 403
    assert refused.message == (
        f"{REQUESTER} may not move this request back to draft ('issue-7005'): only a production "
        "manager or an admin may move this request back to draft. Who may: "
        f"`{MANAGER}`, `epic/prod-managers` (from state/roles.yaml)"
    )
    team_path = f"/orgs/{MANAGER_TEAM[0]}/teams/{MANAGER_TEAM[1]}/memberships/{TEAM_MANAGER}"
    asked = fake.requests.count(("GET", team_path))
    same = post(rest, "/prod-tasks/issue-7005/set-status/", {"status": "draft"}, TEAM_MANAGER)
    assert (same.status, same.body["from"], same.body["commit"]) == (200, "draft", None)
    assert fake.requests.count(("GET", team_path)) == asked + 1


def test_the_lifecycle_refusals_have_their_statuses(rest: Rest) -> None:
    assert intake(rest, 7006).status == 201
    route = "/prod-tasks/issue-7006/set-status/"
    unknown = post(rest, route, {"status": "done"}, MANAGER)
    assert (unknown.status, unknown.body["error"]) == (400, "UsageError")
    jump = post(rest, route, {"status": "completed"}, MANAGER)
    assert (jump.status, jump.body["error"]) == (422, "InvalidTransition")
    missing = post(rest, "/prod-tasks/no-such-task/set-status/", {"status": "ready"}, MANAGER)
    assert (missing.status, missing.message) == (
        404,
        "no task is named 'no-such-task'; see 'pcs task list'",
    )
    ambiguous = post(rest, "/prod-tasks/req.EVGEN/set-status/", {"status": "ready"}, MANAGER)
    assert (ambiguous.status, ambiguous.body["error"]) == (409, "AmbiguousIdentifier")


def test_a_manager_readies_and_records_a_submission_once(rest: Rest) -> None:
    listing = rest.get(f"{API}/prod-tasks/", name_contains="req.EVGEN.BACKGROUNDS", limit=1)
    name = listing.body["tasks"][0]["name"]
    did = listing.body["tasks"][0]["input_datasets"][0]
    counted = post(rest, f"/datasets/{did}/count-files/", {"files": 20}, MANAGER)  # all events
    assert (counted.status, counted.body["files"], counted.body["how"]) == (200, 20, "given")
    confirmed = post(rest, f"/prod-tasks/{name}/confirm/", {}, MANAGER)
    assert confirmed.status == 200, confirmed.body
    ready = post(rest, f"/prod-tasks/{name}/set-status/", {"status": "ready"}, MANAGER)
    assert (ready.status, ready.body["status"]) == (200, "ready"), ready.body
    by_requester = post(
        rest, "/prod-tasks/record-submission/", {"panda_task_id": 1}, REQUESTER, name=name
    )
    assert by_requester.status == 403
    first = post(
        rest, "/prod-tasks/record-submission/", {"panda_task_id": "424242"}, MANAGER, name=name
    )
    assert first.status == 200, first.body
    assert first.body["attempt"]["jedi_task_id"] == 424242
    assert first.body["task"]["status"] == "submitted"
    again = post(
        rest, "/prod-tasks/record-submission/", {"panda_task_id": 424243}, MANAGER, name=name
    )
    assert (again.status, again.body["error"]) == (409, "Conflict")
    nameless = post(rest, "/prod-tasks/record-submission/", {"panda_task_id": 5}, MANAGER)
    assert (nameless.status, nameless.message) == (400, "query parameter 'name' is required")


def test_anyone_may_comment_and_the_history_names_them(rest: Rest) -> None:
    assert intake(rest, 7007).status == 201
    answer = post(rest, "/prod-tasks/issue-7007/comment/", {"text": "looks fine"}, OTHER)
    assert answer.status == 200
    last = answer.body["history"][-1]
    assert (last["by"], last["surface"], last["detail"]) == (OTHER, "rest", {"text": "looks fine"})


def test_a_request_issue_is_opened_once(rest: Rest, fake: FakeGitHub) -> None:
    form = {
        "dsc_or_pwg": "jets_hf",
        "dataset_path": PATH.format("20to200"),
        "generator_dataset_version": "https://github.com/eic/epic-prod/releases/tag/v1",
        "number_of_events": "1M",
        "background": "No",
        "new_request": "Yes",
        "pre_tdr_use": "No",
        "early_science_use": "Yes",
        "other_use": "No",
        "description": "A study.",
        "priority": "2",
    }
    preview = post(rest, "/requests/", form, REQUESTER)
    assert (preview.status, preview.body["created"], preview.body["number"]) == (200, False, None)
    opened = post(rest, "/requests/", {**form, "go": True}, REQUESTER)
    assert (opened.status, opened.body["created"]) == (201, True), opened.body
    again = post(rest, "/requests/", {**form, "go": "true"}, REQUESTER)
    assert (again.status, again.body["number"]) == (200, opened.body["number"])
    assert fake.state.issues[opened.body["number"]]["title"] == opened.body["title"]


# --------------------------------------------------------------------------- github mode


def test_in_github_mode_a_write_lands_on_a_branch_with_one_pull_request(
    tmp_path: Path, fake: FakeGitHub
) -> None:
    repo = make_catalogue_repo(tmp_path / "catalogue")
    grant_roles(repo)
    git(repo, "commit", "-qam", "Roles")
    head, before = git(repo, "rev-parse", "HEAD"), snapshot(repo)
    env = {"GITHUB_API_URL": fake.url, "PCS_PUBLISH": "github"}  # no server token: offline
    with rest_server(repo, env) as rest:
        first = intake(rest, 8)
        again = intake(rest, 8)
    assert first.status == 201, first.body
    published = first.body["published"]
    assert (published["branch"], published["base"]) == ("pcs/request-8", "main")
    assert published["commit"] == git(repo, "rev-parse", "pcs/request-8")
    assert published["pull"]["action"] == "created"
    assert again.status == 200
    assert again.body["published"]["commit"] is None
    assert again.body["published"]["pull"]["number"] == published["pull"]["number"]
    outbox = (repo / ".pcs" / "outbox.jsonl").read_text(encoding="utf-8")
    assert outbox.count('"op": "create_pull"') == 1
    assert (git(repo, "rev-parse", "HEAD"), snapshot(repo)) == (head, before)


# --------------------------------------------------------------------------- server failures


def test_github_out_of_reach_is_a_502_and_writes_nothing(repo: Path) -> None:
    with socket.socket() as closed:
        closed.bind(("127.0.0.1", 0))
        port = closed.getsockname()[1]
    before = snapshot(repo)
    with rest_server(repo, {"GITHUB_API_URL": f"http://127.0.0.1:{port}"}) as rest:
        answer = intake(rest, 9)
    assert (answer.status, answer.body["error"]) == (502, "GitHubError")
    assert answer.message.endswith("check GITHUB_API_URL and that the server can reach it")
    assert snapshot(repo) == before


def test_a_bug_is_a_json_500_without_details(repo: Path, fake: FakeGitHub) -> None:
    def broken_github(_: object) -> Any:
        raise RuntimeError("secret internals")

    grant_roles(repo)
    env = {"GITHUB_API_URL": fake.url}
    with rest_server(repo, env, github_factory=broken_github) as rest:
        answer = post(rest, "/prod-tasks/issue-9/set-status/", {"status": "ready"}, REQUESTER)
    assert answer.status == 500
    assert answer.body == {
        "error": "InternalError",
        "message": "internal error (RuntimeError); this is a bug: the server log has the details",
    }


def test_a_path_without_its_final_slash_is_redirected(rest: Rest) -> None:
    answer = rest.get(f"{API}/tags")  # urllib follows the redirect
    assert answer.status == 200
    assert "tags" in answer.body
