"""Approval bound to the payload: what it records, when it goes stale, and what withdraws it."""

from __future__ import annotations

from dataclasses import replace

import pytest

from pcs_gitops.domain.approval import approval_problems, staleness
from pcs_gitops.domain.artifacts import build_jedi
from pcs_gitops.domain.model import ProdConfig, TaskStatus
from pcs_gitops.domain.payload import payload_sha256
from pcs_gitops.domain.state import State
from pcs_gitops.errors import InvalidPayload, InvalidTransition
from pcs_gitops.services import approval as approvals
from pcs_gitops.services.approval import SYSTEM, Withdrawal
from tests.support.payload_state import MANAGER, NOW, payload_state, readable

LATER = "2026-11-29T08:00:00Z"


def approved() -> State:
    state = payload_state()
    approvals.approve(state, state.tasks["issue-5"], MANAGER, NOW, readable)
    state.dirty.clear()
    return state


def edit_config(state: State, **settings: object) -> None:
    config = state.prod_configs["standard"]
    state.put_prod_config(replace(config, settings={**config.settings, **settings}))


def test_approving_records_who_when_and_the_payload_hash() -> None:
    state = approved()
    task = state.tasks["issue-5"]
    assert task.status is TaskStatus.READY
    approval = task.approval
    assert approval is not None and (approval.by, approval.at) == ("maria", NOW)
    params = build_jedi(state, task)
    # one hash for the taskParamMap, the same an attempt that sends it records
    assert approval.components["task_params"] == payload_sha256(params)
    assert approval.task_params["nFiles"] == params["nFiles"] == 400
    assert set(approval.components) >= {"condor", "prun", "effective_config", "prod_config"}
    assert task.history[-1].detail == {
        "from": "draft",
        "to": "ready",
        "payload_sha256": approval.payload_sha256,
    }
    assert staleness(state, task) is None and approval_problems(state) == []


def test_approving_an_approval_that_still_holds_changes_nothing() -> None:
    state = approved()
    task = state.tasks["issue-5"]
    assert approvals.approve(state, task, MANAGER, LATER, readable) is task
    assert state.dirty == set()


def test_a_task_that_is_not_ready_is_not_approved() -> None:
    state = payload_state()
    task = replace(state.tasks["issue-5"], catalog={**state.tasks["issue-5"].catalog, "events": ""})
    with pytest.raises(InvalidTransition, match="the request asks for all events of its input"):
        approvals.approve(state, task, MANAGER, NOW, readable)
    submitted = replace(task, status=TaskStatus.SUBMITTED)
    with pytest.raises(InvalidTransition, match="cannot move from 'submitted' to 'ready'"):
        approvals.approve(state, submitted, MANAGER, NOW, readable)


def test_a_payload_without_outputs_is_refused_everywhere() -> None:
    state = payload_state()
    task = replace(state.tasks["issue-5"], output_datasets=())
    refusal = approvals.payload_refusal(state, task, for_submission=False) or ""
    assert (
        "  - output_datasets: the task has no output dataset, so its taskName would be" in refusal
    )


def test_a_payload_without_its_size_is_refused_for_approval_and_submission() -> None:
    state = payload_state()
    task = replace(state.tasks["issue-5"], catalog={**state.tasks["issue-5"].catalog, "events": ""})
    assert approvals.payload_refusal(state, task, for_submission=False) is None  # PanDA takes it
    assert approvals.payload_refusal(state, task, for_submission=True) == (
        "the JEDI taskParamMap of task 'issue-5' is not one PanDA should run:\n"
        "  - taskParamMap.noInput: the task has no input and neither nFiles nor nEvents, so "
        "PanDA would run a single job; give the number of events or count the input's files\n"
        "Correct the production config or the task's overrides, then try again"
    )


def test_a_config_change_makes_the_approval_stale_and_says_how() -> None:
    state = approved()
    edit_config(state, events_per_job=10, site="CERN")
    reason, changed = staleness(state, state.tasks["issue-5"]) or ("", [])
    assert reason == (
        "approval withdrawn: payload changed: the JEDI taskParamMap (nEventsPerJob 1000 -> 10, "
        "nFiles 400 -> 40000, site BNL_OSG_PanDA_1 -> CERN); the prun command; the effective "
        "config; production config 'standard'"
    )
    assert changed[-1] == "production config 'standard'"
    [problem] = approval_problems(state)
    assert (problem.file, problem.path) == ("state/prod_tasks/issue-5.yaml", "approval")


def test_a_change_the_payload_does_not_read_keeps_the_approval() -> None:
    state = approved()
    config = state.prod_configs["standard"]
    state.put_prod_config(ProdConfig("standard", "a new description", config.settings))
    state.put_tag(replace(state.tags["p2001"], description="renamed"))
    assert staleness(state, state.tasks["issue-5"]) is None


def test_withdrawing_sends_stale_tasks_back_to_draft_with_the_reason() -> None:
    state = approved()
    edit_config(state, cores=4)
    untouched = approvals.withdraw_stale_approvals(state, SYSTEM, LATER, {"state/roles.yaml"})
    assert untouched == []  # the change touched nothing the payload reads
    [done] = approvals.withdraw_stale_approvals(
        state, SYSTEM, LATER, {"state/prod_configs/standard.yaml"}
    )
    assert isinstance(done, Withdrawal)
    task = state.tasks["issue-5"]
    assert (task.status, task.approval) == (TaskStatus.DRAFT, None)
    entry = task.history[-1]
    assert (entry.by, entry.surface, entry.action) == ("pcs", "pcs", "status")
    assert entry.detail["reason"].startswith(
        "approval withdrawn: payload changed: the JEDI taskParamMap (coreCount 1 -> 4)"
    )
    assert approvals.withdraw_stale_approvals(state, SYSTEM, LATER) == []


def test_a_ready_task_without_an_approval_is_reported_and_withdrawn() -> None:
    state = payload_state()
    state.put_task(replace(state.tasks["issue-5"], status=TaskStatus.READY))
    assert approval_problems(state)[0].message.startswith(
        "approval withdrawn: the task is ready without an approval; run 'pcs task "
        "withdraw-stale-approvals'"
    )
    [done] = approvals.withdraw_stale_approvals(state, SYSTEM, LATER)
    assert done.task.status is TaskStatus.DRAFT


def test_sending_back_to_draft_drops_the_approval() -> None:
    state = approved()
    back = approvals.send_back(state, state.tasks["issue-5"], MANAGER, LATER)
    assert (back.status, back.approval) == (TaskStatus.DRAFT, None)


def test_submission_refuses_a_stale_approval_and_names_what_to_do() -> None:
    state = approved()
    approvals.require_approved_payload(state, state.tasks["issue-5"])
    edit_config(state, memory_mb=4000)
    with pytest.raises(InvalidPayload) as refused:
        approvals.require_approved_payload(state, state.tasks["issue-5"])
    message = str(refused.value)
    assert message.startswith(
        "task 'issue-5': its approval (by maria, 2026-11-28T12:00:00Z) does not match the "
        "payload it would send: payload changed: the JEDI taskParamMap (ramCount 2000 -> 4000)"
    )
    assert message.endswith("have a production manager approve it ('pcs task approve issue-5')")


@pytest.mark.parametrize(("edit", "state_name"), [(False, "approved"), (True, "stale")])
def test_the_plan_shows_the_approval_state(edit: bool, state_name: str) -> None:
    state = approved()
    if edit:
        edit_config(state, site="CERN")
    view = approvals.approval_view(state, state.tasks["issue-5"])
    assert view["approval_state"] == state_name
    assert view["task_params"]["taskName"] in view["task_params_json"]
    assert bool(view["changed"]) is edit
    assert (
        approvals.approval_view(payload_state(), payload_state().tasks["issue-5"])["approval_state"]
        == "none"
    )
