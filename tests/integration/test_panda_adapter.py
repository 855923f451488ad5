"""The PanDA adapter (adapters/panda.py) with the real panda-client against the fake server: the
client's variables are set only during a call, failures become PcsErrors, nothing is printed."""

from __future__ import annotations

import os
import sys
from typing import Any

import pytest

from pcs_gitops.adapters.panda import PandaClient, exact_filter
from pcs_gitops.config import PANDA_CLIENT_VARIABLES, PandaSettings
from pcs_gitops.errors import PcsError, SubmissionError
from pcs_gitops.services.panda_port import NewTask, OutcomeUnknown, PandaUnreachable
from pcs_gitops.services.panda_replies import classify_insert_reply
from tests.support.fake_panda import FakePanda
from tests.support.fake_panda import fake_panda_server as fake_panda_server

PARAMS = {
    "taskName": "group.EIC.evgen.x.p1",
    "userName": "pcs",
    "vo": "eic",
    "prodSourceLabel": "managed",
    "taskType": "prod",
    "uniqueTaskName": True,
}


def adapter(fake: FakePanda, timeout: float = 20.0, **extra: str) -> PandaClient:
    """The adapter as bootstrap builds it: every client variable named, set or None."""
    settings = PandaSettings.from_env(fake.client_env(**extra))
    env = {name: settings.client_env.get(name) for name in PANDA_CLIENT_VARIABLES}
    return PandaClient(env, timeout_seconds=timeout)


def test_submit_and_read_back(fake_panda: FakePanda, capfd: pytest.CaptureFixture[str]) -> None:
    panda = adapter(fake_panda)
    panda.prepare()
    assert classify_insert_reply(panda.insert_task_params(PARAMS)) == NewTask(
        4242, "succeeded. new jediTaskID=4242"
    )
    fake_panda.set_status(4242, "running", files=(10, 3, 1))
    task = panda.task_details(4242)
    assert task is not None
    assert (task.status, task.files_total, task.files_finished, task.files_failed) == (
        "running",
        10,
        3,
        1,
    )
    assert task.modification_time.endswith("Z")
    assert panda.task_details(1) is None
    assert [
        t.jedi_task_id for t in panda.find_tasks_by_name(PARAMS["taskName"], user_name="pcs")
    ] == [4242]
    assert panda.find_tasks_by_name("other", user_name="pcs") == []
    out = capfd.readouterr()
    assert out.out == "" and out.err == ""  # "No valid grid proxy ..." stays inside the adapter


def test_the_client_variables_are_set_only_during_a_call(
    fake_panda: FakePanda, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PANDA_AUTH", "oidc")  # an operator's shell setting pcs was not given
    for name in ("PANDA_URL_SSL", "PANDACACHE_URL"):
        monkeypatch.delenv(name, raising=False)
    before = dict(os.environ)
    panda = adapter(fake_panda)
    assert panda.task_details(1) is None  # no OIDC: the variable is removed for the call
    assert dict(os.environ) == before


def test_an_answer_later_than_the_timeout_is_an_unknown_outcome(fake_panda: FakePanda) -> None:
    fake_panda.script("submit", "delay", delay=3.0)
    with pytest.raises(OutcomeUnknown, match=r"no answer within 0\.3 s; PanDA may have created"):
        adapter(fake_panda, timeout=0.3).insert_task_params(PARAMS)
    assert len(fake_panda.tasks) == 1  # committed before the answer


def test_a_maintenance_page_is_an_unknown_outcome(fake_panda: FakePanda) -> None:
    fake_panda.script("submit", "html-200")
    with pytest.raises(OutcomeUnknown, match="not JSON"):
        adapter(fake_panda).insert_task_params(PARAMS)


def test_a_dropped_connection_is_a_transport_failure(fake_panda: FakePanda) -> None:
    fake_panda.script("submit", "drop")
    reply = adapter(fake_panda).insert_task_params(PARAMS)
    assert reply == (255, None)
    with pytest.raises(OutcomeUnknown):
        classify_insert_reply(reply)


def test_unserialisable_parameters_are_never_sent(fake_panda: FakePanda) -> None:
    with pytest.raises(SubmissionError, match="nothing reached PanDA"):
        adapter(fake_panda).insert_task_params({**PARAMS, "bad": object()})
    assert fake_panda.calls == []


def test_reads_without_an_answer_are_unreachable_not_missing(fake_panda: FakePanda) -> None:
    panda = adapter(fake_panda, timeout=5)
    fake_panda.script("get_detailed_info", "http-500")
    with pytest.raises(PandaUnreachable, match="status read of jediTaskID 7"):
        panda.task_details(7)
    fake_panda.script("get_tasks_detailed_info_since", "drop")
    with pytest.raises(PandaUnreachable, match="look-up"):
        panda.find_tasks_by_name("x")
    fake_panda.stop()
    with pytest.raises(PandaUnreachable):
        panda.task_details(7)


def test_names_with_regex_characters_are_matched_exactly(fake_panda: FakePanda) -> None:
    panda = adapter(fake_panda)
    panda.insert_task_params({**PARAMS, "taskName": "a+b"})
    panda.insert_task_params({**PARAMS, "taskName": "aab"})
    assert [t.task_name for t in panda.find_tasks_by_name("a+b", user_name="pcs")] == ["a+b"]
    assert exact_filter("a.b") == "a.b" and exact_filter("a+b") == r"^a\+b$"


def test_retry_sends_no_new_parameters(fake_panda: FakePanda) -> None:
    panda = adapter(fake_panda)
    panda.insert_task_params(PARAMS)
    fake_panda.set_status(4242, "failed")
    reply = panda.retry_task(4242)
    assert reply.accepted and "registered" in reply.message
    assert fake_panda.endpoint_calls("retry")[-1].params == {"task_id": 4242}
    assert panda.retry_task(4242).code == 4


@pytest.mark.parametrize(
    ("extra", "needs"),
    [
        ({"PANDA_AUTH": "oidc"}, "PANDA_AUTH_VO"),
        ({"PANDA_AUTH": "oidc", "PANDA_AUTH_VO": "EIC.production"}, "a token"),
    ],
)
def test_oidc_without_vo_or_token_is_refused_before_anything_is_sent(
    fake_panda: FakePanda,
    extra: dict[str, str],
    needs: str,
    tmp_path: Any,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    panda = adapter(fake_panda, PANDA_CONFIG_ROOT=str(tmp_path), **extra)
    for call in (panda.prepare, lambda: panda.insert_task_params(PARAMS)):
        with pytest.raises(SubmissionError, match=needs):
            call()
    assert fake_panda.calls == []


def test_oidc_with_a_token_reaches_the_server(fake_panda: FakePanda) -> None:
    fake_panda.token = "secret"
    panda = adapter(
        fake_panda,
        PANDA_AUTH="oidc",
        PANDA_AUTH_VO="EIC.production",
        PANDA_AUTH_ID_TOKEN="secret",
    )
    assert panda.task_details(4242) is None
    assert fake_panda.calls[-1].headers["origin"] == "EIC.production"


def test_without_the_panda_extra(fake_panda: FakePanda, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "pandaclient", None)  # makes the import fail
    with pytest.raises(PcsError, match=r"pip install 'pcs-gitops\[panda\]'"):
        adapter(fake_panda).prepare()
