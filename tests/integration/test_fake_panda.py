"""The fake PanDA server (tests/support/fake_panda.py) answers the REAL panda-client 2.x the way
panda-server does: every case of panda-client.md, seen through ``pandaclient.Client``."""

from __future__ import annotations

import importlib
import json
from collections.abc import Iterator
from typing import Any

import pytest

from pcs_gitops.adapters.panda import forget_loaded_client
from tests.support.fake_panda import FakePanda
from tests.support.fake_panda import fake_panda_server as fake_panda_server

PARAMS = {
    "taskName": "group.EIC.evgen.x.p1",
    "userName": "pcs",
    "vo": "eic",
    "prodSourceLabel": "managed",
    "taskType": "prod",
    "taskPriority": 900,
    "uniqueTaskName": True,
    "nFiles": 10,
}
NEW_4242 = (0, (0, "succeeded. new jediTaskID=4242"))


@pytest.fixture
def client(fake_panda: FakePanda, monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    """``pandaclient.Client`` loaded with the variables that point it at the fake, offline."""
    for name, value in fake_panda.client_env().items():
        monkeypatch.setenv(name, value)
    for name in ("PANDA_AUTH", "PANDA_AUTH_VO", "PANDA_AUTH_ID_TOKEN", "X509_USER_PROXY"):
        monkeypatch.delenv(name, raising=False)
    module = importlib.reload(importlib.import_module("pandaclient.Client"))
    yield module
    forget_loaded_client()


def _insert(client: Any, **changes: Any) -> Any:
    return client.insertTaskParams({**PARAMS, **changes})


def test_a_new_task_is_created_and_read_back(fake_panda: FakePanda, client: Any) -> None:
    assert _insert(client) == NEW_4242
    assert client.getTaskStatus(4242) == (0, "registered")
    ok, details = client.get_task_details_json(4242)[1]
    assert ok is True and details["taskName"] == PARAMS["taskName"] and details["nFiles"] == 10
    found = client.get_tasks_detailed_info_since(
        filters={"taskName": PARAMS["taskName"], "userName": "pcs"}
    )
    assert [t["jediTaskID"] for t in found[1]] == [4242]
    submit = fake_panda.endpoint_calls("submit")[0]
    assert (
        submit.method == "POST"
        and submit.params["task_parameters"]["taskName"] == PARAMS["taskName"]
    )


@pytest.mark.parametrize("kind", ["http-500", "drop"])
def test_a_lost_answer_after_the_commit_is_255_and_the_task_exists(
    fake_panda: FakePanda, client: Any, kind: str
) -> None:
    fake_panda.script("submit", kind)
    assert _insert(client) == (255, None)
    assert [t.jedi_task_id for t in fake_panda.tasks_named(PARAMS["taskName"])] == [4242]


def test_a_failure_before_the_commit_creates_nothing(fake_panda: FakePanda, client: Any) -> None:
    fake_panda.script("submit", "http-500", commit=False)
    assert _insert(client) == (255, None)
    assert fake_panda.tasks == {}


def test_a_maintenance_page_with_status_200_raises_out_of_the_client(
    fake_panda: FakePanda, client: Any
) -> None:
    fake_panda.script("submit", "html-200")
    with pytest.raises(json.JSONDecodeError):
        _insert(client)
    assert len(fake_panda.tasks) == 1


@pytest.mark.parametrize(
    ("kind", "options", "reply"),
    [
        (
            "reactivate",
            {"task_id": 77},
            (
                0,
                (
                    0,
                    "reactivation accepted. jediTaskID=77 (currently in failed state) will be "
                    "re-executed with old and/or new input",
                ),
            ),
        ),
        ("banned-dn", {}, (0, (0, "The following DN is banned: DN=pcs-operator"))),
        ("no-id", {}, (0, (0, "succeeded"))),
        (
            "refuse",
            {"code": 10, "message": "Too many active tasks"},
            (0, (10, "Too many active tasks")),
        ),
    ],
)
def test_scripted_submit_answers_have_the_client_shapes(
    fake_panda: FakePanda, client: Any, kind: str, options: dict[str, Any], reply: Any
) -> None:
    fake_panda.script("submit", kind, **options)
    assert _insert(client) == reply
    assert len(fake_panda.tasks) == (1 if kind == "no-id" else 0)


def test_a_new_task_is_invisible_for_the_configured_number_of_reads(
    fake_panda: FakePanda, client: Any
) -> None:
    fake_panda.invisible_reads = 2
    assert _insert(client) == NEW_4242
    by_name = {"taskName": PARAMS["taskName"], "userName": "pcs"}
    assert client.get_tasks_detailed_info_since(filters=by_name) == (0, [])
    assert client.getTaskStatus(4242) == (255, None)  # "not found" looks like a transport failure
    assert client.get_task_details_json(4242)[1][0] is True


def test_terminal_statuses_carry_reason_and_progress(fake_panda: FakePanda, client: Any) -> None:
    _insert(client)
    fake_panda.set_status(4242, "finished", error_dialog="2 files failed", files=(10, 8, 2))
    ok, details = client.get_task_details_json(4242)[1]
    assert ok is True
    assert (details["status"], details["errorDialog"]) == ("finished", "2 files failed")
    assert (details["nFiles"], details["nFilesFinished"], details["nFilesFailed"]) == (10, 8, 2)
    assert details["modificationTime"] > details["creationDate"]  # datetimes, decoded by the client
    assert client.get_task_details_json(999) == (
        0,
        (False, "Task not found or error retrieving task info"),
    )


def test_a_second_production_insert_under_the_same_name_is_aborted_as_a_duplicate(
    fake_panda: FakePanda, client: Any
) -> None:
    assert _insert(client) == NEW_4242
    assert _insert(client) == (0, (0, "succeeded. new jediTaskID=4243"))
    duplicate = fake_panda.tasks[4243]
    assert (duplicate.status, duplicate.task_name) == ("aborted", None)
    assert duplicate.error_dialog == "toabort since there is duplicated task -> jediTaskID=4242"


def test_analysis_duplicates_get_codes_2_and_3(fake_panda: FakePanda, client: Any) -> None:
    assert _insert(client, taskType="anal") == NEW_4242
    assert _insert(client, taskType="anal")[1][0] == 2
    fake_panda.set_status(4242, "failed")
    code, message = _insert(client, taskType="anal")[1]
    assert code == 0 and message.startswith("reactivation accepted. jediTaskID=4242")


def test_retry_codes(fake_panda: FakePanda, client: Any) -> None:
    _insert(client)
    assert client.retryTask(4242, newParams={})[1][0] == 4  # registered: not retryable
    assert client.retryTask(1, newParams={})[1] == (2, "jediTaskID=1 not found")
    fake_panda.set_status(4242, "failed", error_dialog="boom")
    code, message = client.retryTask(4242, newParams={})[1]
    assert code == 0 and message.startswith("command=retry is registered for task ID 4242")
    assert (fake_panda.tasks[4242].status, fake_panda.tasks[4242].attempt_nr) == ("toretry", 1)
    assert "new_parameters" not in fake_panda.endpoint_calls("retry")[-1].params


def test_retry_with_new_parameters_inserts_a_new_production_task(
    fake_panda: FakePanda, client: Any
) -> None:
    _insert(client)
    fake_panda.set_status(4242, "failed")
    assert client.retryTask(4242, newParams={"nFiles": 3})[1][0] == 0
    assert 4243 in fake_panda.tasks


def test_oidc_sends_the_token_and_the_vo(
    fake_panda: FakePanda, client: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name, value in {
        "PANDA_AUTH": "oidc",
        "PANDA_AUTH_VO": "EIC.production",
        "PANDA_AUTH_ID_TOKEN": "tok",
    }.items():
        monkeypatch.setenv(name, value)
    fake_panda.token = "tok"
    assert _insert(client) == NEW_4242
    headers = fake_panda.endpoint_calls("submit")[0].headers
    assert (headers["authorization"], headers["origin"]) == ("Bearer tok", "EIC.production")
    fake_panda.token = "other"
    assert client.getTaskStatus(4242) == (255, None)


def test_without_the_production_role_the_server_rewrites_the_task(
    fake_panda: FakePanda, client: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name, value in {
        "PANDA_AUTH": "oidc",
        "PANDA_AUTH_VO": "EIC",
        "PANDA_AUTH_ID_TOKEN": "t",
    }.items():
        monkeypatch.setenv(name, value)
    _insert(client)
    task = fake_panda.tasks[4242]
    assert (task.user_name, task.params["taskType"], task.params["taskPriority"]) == (
        "pcs-operator",
        "anal",
        1000,
    )
