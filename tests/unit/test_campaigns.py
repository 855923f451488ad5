"""Campaign records: family names (26.07) with the patch in the detector version, settings
typed by the production config fields, round trips, and the rules of ``pcs validate``."""

from __future__ import annotations

from dataclasses import replace

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pcs_gitops.domain.campaign_rules import dynamic_problems
from pcs_gitops.domain.campaigns import (
    Campaign,
    CampaignStatus,
    family_of,
    name_problems,
    parse_setting,
)
from pcs_gitops.domain.model import ProdConfig, ProdTask, TaskStatus
from pcs_gitops.domain.state import State
from pcs_gitops.domain.withdrawal import Withdrawal
from pcs_gitops.errors import Conflict, RecordNotFound, UsageError
from pcs_gitops.services import campaigns
from pcs_gitops.services.ports import Actor

ACTOR = Actor("boss", "cli")
NOW = "2026-11-28T12:00:00Z"
CAMPAIGN = Campaign("26.07", "26.07.1", "epic_craterlake", "26.07.1-stable")


@pytest.mark.parametrize(
    ("version", "family"),
    [("26.07.1", "26.07"), ("26.07", "26.07"), ("26.07.12", "26.07"), ("26.7.1", None)],
)
def test_a_release_belongs_to_the_family_of_its_first_two_numbers(
    version: str, family: str | None
) -> None:
    assert family_of(version) == family


@settings(max_examples=200, deadline=None)
@given(st.integers(0, 99), st.integers(0, 99), st.integers(0, 999))
def test_every_release_is_of_its_own_family(year: int, month: int, patch: int) -> None:
    family = f"{year:02d}.{month:02d}"
    assert family_of(f"{family}.{patch}") == family
    assert name_problems(replace(CAMPAIGN, name=family, detector_version=f"{family}.{patch}")) == []


def test_a_campaign_is_named_by_its_family_and_its_release_is_of_that_family() -> None:
    wrong = replace(CAMPAIGN, name="26.07.1", detector_version="26.08.0", settings={"sites": "x"})
    assert name_problems(wrong) == [
        ("name", "campaign name '26.07.1' must be a family like 26.07 (two numbers)"),
        ("detector_version", "detector_version '26.08.0' is not of campaign family '26.07.1'"),
        ("settings.sites", "'sites' is not a production config field"),
    ]


@settings(max_examples=200, deadline=None)
@given(
    st.sampled_from(list(CampaignStatus)),
    st.text(max_size=40),
    st.dictionaries(st.sampled_from(["site", "cores", "copy_full"]), st.just("x"), max_size=3),
)
def test_a_campaign_record_round_trips(
    status: CampaignStatus, description: str, chosen: dict[str, str]
) -> None:
    campaign = replace(CAMPAIGN, status=status, description=description, settings=chosen)
    assert Campaign.from_dict(campaign.to_dict()) == campaign


@pytest.mark.parametrize(
    ("text", "parsed"),
    [
        ("site=BNL", ("site", "BNL")),
        ("cores = 4", ("cores", 4)),
        ("walltime_hours=1.5", ("walltime_hours", 1.5)),
        ("copy_full=yes", ("copy_full", True)),
        ("copy_full=off", ("copy_full", False)),
    ],
)
def test_a_setting_takes_the_type_of_its_production_config_field(
    text: str, parsed: tuple[str, object]
) -> None:
    assert parse_setting(text) == parsed


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("cores=four", "setting 'cores' takes a int, not 'four'"),
        ("copy_full=maybe", "setting 'copy_full' takes true or false, not 'maybe'"),
        ("colour=red", "'colour=red' is not KEY=VALUE of a production config field"),
    ],
)
def test_a_setting_of_the_wrong_type_or_field_is_refused(text: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        parse_setting(text)


def _state() -> State:
    state = State()
    state.prod_configs["standard"] = ProdConfig("standard")
    return state


def test_creating_a_campaign_again_changes_nothing_and_another_release_is_a_conflict() -> None:
    state = _state()
    spec = campaigns.CampaignSpec("26.07", detector_version="26.07.1", settings=("cores=2",))
    made, created = campaigns.create_campaign(state, spec, ACTOR, NOW)
    assert created and made.software_release == "26.07.1-stable" and made.settings == {"cores": 2}
    state.dirty.clear()
    again, created = campaigns.create_campaign(state, spec, Actor("chief", "mcp"), "later")
    assert (again, created, state.dirty) == (made, False, set())
    with pytest.raises(Conflict, match=r"campaign '26\.07' exists with other values"):
        campaigns.create_campaign(state, replace(spec, detector_version="26.07.2"), ACTOR, NOW)


def test_closing_a_campaign_keeps_why_in_its_history_and_refuses_new_tasks() -> None:
    state = _state()
    campaigns.create_campaign(state, campaigns.CampaignSpec("26.07"), ACTOR, NOW)
    closed = campaigns.close_campaign(state, "26.07", "superseded by 26.08", ACTOR, NOW)
    assert closed.status is CampaignStatus.CLOSED
    assert closed.history[-1].detail == {"reason": "superseded by 26.08"}
    with pytest.raises(Conflict, match=r"campaign '26\.07' is closed"):
        campaigns.require_open(state, "26.07")
    with pytest.raises(RecordNotFound, match=r"campaign '26\.10' does not exist"):
        campaigns.require_open(state, "26.10")


def test_a_bad_campaign_is_refused_with_every_problem() -> None:
    spec = campaigns.CampaignSpec("2607", prod_config="nope", description="=cmd()")
    with pytest.raises(UsageError) as refused:
        campaigns.create_campaign(_state(), spec, ACTOR, NOW)
    text = str(refused.value)
    assert "campaign name '2607' must be a family" in text
    assert "production config 'nope' does not exist" in text
    assert "description:" in text


def test_validate_refuses_an_unknown_campaign_and_a_ready_withdrawn_task() -> None:
    state = _state()
    state.put_task(ProdTask("a", "standard", campaign="26.07"))
    withdrawn = Withdrawal("anna", NOW, "no longer needed")
    state.put_task(ProdTask("b", "standard", status=TaskStatus.READY, withdrawn=withdrawn))
    state.put_task(ProdTask("c", "standard", cloned_from="gone"))
    assert sorted(dynamic_problems(state)) == [
        (
            "state/prod_tasks/a.yaml",
            "campaign",
            "campaign '26.07' does not exist; create it with 'pcs campaign create 26.07'",
        ),
        (
            "state/prod_tasks/b.yaml",
            "withdrawn",
            "a withdrawn task cannot be ready: move it to draft or reinstate it",
        ),
        ("state/prod_tasks/c.yaml", "cloned_from", "no task is named 'gone'"),
    ]


def test_a_task_keeps_its_campaign_clone_source_and_withdrawal_through_its_record() -> None:
    task = ProdTask(
        "26.07.issue-5",
        "standard",
        campaign="26.07",
        cloned_from="issue-5",
        withdrawn=Withdrawal("boss", NOW, "duplicate"),
    )
    assert ProdTask.from_dict(task.to_dict()) == task
    plain = ProdTask("issue-5", "standard").to_dict()
    assert not {"campaign", "cloned_from", "withdrawn"} & set(plain)
