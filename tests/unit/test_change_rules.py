"""Field-level authority: what a hand edit between two commits may not do."""

from __future__ import annotations

from dataclasses import replace

from pcs_gitops.domain.change_rules import ChangeRefusal, Judge, change_refusals
from pcs_gitops.domain.model import Attempt, TagStatus, TaskStatus
from pcs_gitops.domain.settings import Role, RoleGrant, Roles
from pcs_gitops.domain.state import State
from pcs_gitops.services import approval as approvals
from tests.support.payload_state import MANAGER, NOW, payload_state, readable

ROLES = Roles((RoleGrant(Role.PRODUCTION_MANAGER, logins=("maria",)),))
WHO_APPROVES = "`maria` (from state/roles.yaml)"
TASK = "state/prod_tasks/issue-5.yaml"


def judge(actor: str) -> Judge:
    return Judge(
        actor, lambda role, pwg: actor == "maria" and role is Role.PRODUCTION_MANAGER, ROLES
    )


def approved() -> State:
    state = payload_state()
    approvals.approve(state, state.tasks["issue-5"], MANAGER, NOW, readable)
    return state


def test_a_draft_may_be_edited_by_hand() -> None:
    new = payload_state()
    new.put_task(
        replace(new.tasks["issue-5"], catalog={**new.tasks["issue-5"].catalog, "events": "900M"})
    )
    assert change_refusals(payload_state(), new, judge("eve")) == []


def test_setting_status_ready_by_hand_is_refused_naming_who_may() -> None:
    new = payload_state()
    new.put_task(replace(new.tasks["issue-5"], status=TaskStatus.READY))
    assert change_refusals(payload_state(), new, judge("eve")) == [
        ChangeRefusal(
            TASK,
            "status",
            "lifecycle",
            "changed by hand: that would approve this request, which pcs records for whoever may",
            WHO_APPROVES,
        )
    ]


def test_a_managers_change_may_approve_with_their_own_matching_approval() -> None:
    assert change_refusals(payload_state(), approved(), judge("maria")) == []


def test_an_approval_in_someone_elses_name_or_for_another_payload_is_refused() -> None:
    new = approved()
    task = new.tasks["issue-5"]
    assert task.approval is not None
    forged = replace(task, approval=replace(task.approval, by="otto"))
    new.put_task(forged)
    [refusal] = change_refusals(payload_state(), new, judge("maria"))
    assert (refusal.field, refusal.message) == (
        "approval.by",
        "the approval names otto, but the change is by maria",
    )
    new.put_task(replace(task, approval=replace(task.approval, payload_sha256="0" * 64)))
    [refusal] = change_refusals(payload_state(), new, judge("maria"))
    assert refusal.field == "approval.payload_sha256"


def test_the_payload_of_an_approved_task_does_not_change_by_hand() -> None:
    old, new = approved(), approved()
    task = new.tasks["issue-5"]
    new.put_task(replace(task, overrides={"cores": 8}, catalog={**task.catalog, "events": "1M"}))
    refusals = change_refusals(old, new, judge("maria"))
    assert [(r.field, r.rule) for r in refusals] == [
        ("catalog.events", "approved-payload"),
        ("overrides", "approved-payload"),
    ]
    assert refusals[0].who_may.startswith("a production manager, sending it back to draft first")


def test_changing_what_an_approved_payload_reads_is_refused_unless_it_goes_back_to_draft() -> None:
    old, new = approved(), approved()
    config = new.prod_configs["standard"]
    new.put_prod_config(replace(config, settings={**config.settings, "n_jobs": 100000}))
    [refusal] = change_refusals(old, new, judge("maria"))
    assert (refusal.file, refusal.field, refusal.rule) == (TASK, "approval", "approved-payload")
    assert "nFiles 400 -> 100000" in refusal.message
    approvals.withdraw_stale_approvals(new, MANAGER, NOW)
    assert change_refusals(old, new, judge("maria")) == []
    assert [r.field for r in change_refusals(old, new, judge("eve"))] == ["approval", "status"]


def test_submission_fields_are_pcs_work() -> None:
    old, new = approved(), approved()
    task = new.tasks["issue-5"]
    attempt = Attempt(1, 4242, "x", "eve", NOW)
    new.put_task(
        replace(task, status=TaskStatus.SUBMITTED, panda_task_id=4242, attempts=(attempt,))
    )
    fields = [r.field for r in change_refusals(old, new, judge("eve"))]
    assert fields == ["attempts", "panda_task_id", "status"]


def test_a_locked_tag_is_immutable() -> None:
    old, new = payload_state(), payload_state()
    assert new.tags["p2001"].status is TagStatus.LOCKED
    tag = new.tags["p2001"]
    new.put_tag(replace(tag, parameters={**tag.parameters, "beam_energy_hadron": "275"}))
    del new.tags["e1"]
    refusals = change_refusals(old, new, judge("maria"))
    assert [(r.file, r.field, r.rule) for r in refusals] == [
        ("state/tags/evgen/e1.yaml", "(record)", "locked-tag"),
        ("state/tags/physics/p2001.yaml", "parameters", "locked-tag"),
    ]
    assert refusals[0].who_may.startswith("nobody: a locked tag is immutable")


def test_a_task_past_draft_is_never_deleted() -> None:
    new = approved()
    del new.tasks["issue-5"]
    [refusal] = change_refusals(approved(), new, judge("maria"))
    assert (refusal.field, refusal.message) == ("(record)", "a ready task is never deleted")
