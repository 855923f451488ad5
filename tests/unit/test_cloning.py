"""Cloning requests into a campaign, on an in-memory state: names, inputs relinked, what is not
copied, which requests a filter selects, and that cloning twice makes nothing new."""

from __future__ import annotations

from dataclasses import replace

import pytest

from pcs_gitops.domain.campaigns import Campaign
from pcs_gitops.domain.model import (
    Attempt,
    Dataset,
    DatasetTags,
    HistoryEntry,
    ProdTask,
    PublicCatalog,
    Source,
    SourceKind,
    Stage,
    TaskStatus,
)
from pcs_gitops.domain.naming import build_did
from pcs_gitops.domain.state import State
from pcs_gitops.domain.withdrawal import Withdrawal
from pcs_gitops.errors import UsageError
from pcs_gitops.services import cloning
from pcs_gitops.services.ports import Actor

ACTOR = Actor("boss", "cli")
NOW = "2026-11-28T12:00:00Z"
CAMPAIGN = Campaign("26.07", "26.07.1", "epic_craterlake", "26.07.1-stable", settings={"cores": 2})
SCOPE = "group.EIC.evgen"


def dataset(version: str, location: str) -> Dataset:
    name = f"{SCOPE}.{version}.epic_craterlake.p2001.e1.s0.r0"
    return Dataset(
        name=name,
        scope=SCOPE,
        detector_version=version,
        detector_config="epic_craterlake",
        tags=DatasetTags("p2001", "e1", "s0", "r0"),
        stage=Stage.EVGEN,
        source=Source(SourceKind.PATH, location),
        did=build_did(SCOPE, name),
    )


def task(name: str, issue: int, pwg: str = "inclusive", **kw: object) -> ProdTask:
    return ProdTask(
        name=name,
        prod_config="standard",
        catalog={"pwg": pwg, "priority": "2", "issue": str(issue)},
        public_catalog=PublicCatalog(repo="eic/epic-prod", issue=issue, csv_path="d.csv"),
        created_by="anna",
        **kw,  # type: ignore[arg-type]
    )


@pytest.fixture
def state() -> State:
    found = State()
    old = dataset("26.02.0", "/volatile/eic/a")
    found.put_dataset(old)
    found.put_dataset(dataset("26.07.1", "/volatile/eic/b"))
    found.campaigns["26.07"] = CAMPAIGN
    submitted = {
        "status": TaskStatus.SUBMITTED,
        "panda_task_id": 9,
        "attempts": (Attempt(1, 9, "t", "boss", NOW),),
        "history": (HistoryEntry(NOW, "boss", "cli", "status", {"to": "ready"}),),
        "input_datasets": (old.did,),
        "overrides": {"cores": 8, "site": "X"},
    }
    found.put_task(task("issue-1", 1, **submitted))
    found.put_task(task("issue-2", 2, pwg="edt"))
    found.put_task(task("issue-3", 3, withdrawn=Withdrawal("anna", NOW)))
    return found


def test_a_clone_is_a_fresh_draft_of_the_campaign_with_the_sources_request(state: State) -> None:
    plans = cloning.clone_into(state, CAMPAIGN, [state.tasks["issue-1"]], ACTOR, NOW)
    assert [p.to_dict() for p in plans] == [
        {"source": "issue-1", "name": "26.07.issue-1", "action": "create"}
    ]
    clone = state.tasks["26.07.issue-1"]
    assert (clone.status, clone.panda_task_id, clone.attempts) == (TaskStatus.DRAFT, None, ())
    assert (clone.campaign, clone.cloned_from, clone.requested_by) == ("26.07", "issue-1", "anna")
    assert clone.overrides == {
        "cores": 2,
        "site": "X",
        "detector_version": "26.07.1",
        "detector_config": "epic_craterlake",
        "jug_xl_tag": "26.07.1-stable",
    }
    assert clone.input_datasets == (
        state.datasets[f"{SCOPE}.26.07.1.epic_craterlake.p2001.e1.s0.r0"].did,
    )
    assert clone.public_catalog.intake_key() == ("row", "d.csv", "Campaign=26.07; Issue=1")
    assert [h.action for h in clone.history] == ["cloned", "outputs"]
    assert clone.history[0].detail["relinked_inputs"] == list(clone.input_datasets)
    # its own outputs, produced with the campaign's release
    [output] = clone.output_datasets
    assert ".26.07.1.epic_craterlake.p2001.e1." in output
    assert state.task_for_output(output) == clone


def test_cloning_again_finds_the_clone_and_withdrawn_requests_are_skipped(state: State) -> None:
    sources = [state.tasks[n] for n in ("issue-1", "issue-2", "issue-3")]
    cloning.clone_into(state, CAMPAIGN, sources, ACTOR, NOW)
    state.dirty.clear()
    again = cloning.clone_into(state, CAMPAIGN, sources, ACTOR, NOW)
    assert [(p.action, p.reason) for p in again] == [
        ("exists", ""),
        ("exists", ""),
        ("skip", "withdrawn"),
    ]
    assert state.dirty == set()
    clone = state.tasks["26.07.issue-2"]
    inside = cloning.plan_clones(state, CAMPAIGN, [clone])
    assert [(p.action, p.reason) for p in inside] == [("skip", "already in the campaign")]


def test_a_clone_of_a_clone_drops_the_old_campaign_from_its_name() -> None:
    source = ProdTask("26.02.issue-9", "standard", campaign="26.02")
    assert cloning.clone_name(source, CAMPAIGN) == "26.07.issue-9"


def test_an_input_without_a_counterpart_in_the_campaign_stays_linked(state: State) -> None:
    plain = dataset("26.02.0", "/volatile/eic/c")
    name = plain.name + ".x"
    other = replace(plain, sample="x", name=name, did=build_did(SCOPE, name))
    state.put_dataset(other)
    assert cloning.relinked_input(state, other.did, CAMPAIGN) == other.did
    assert cloning.relinked_input(state, "no:such.b1", CAMPAIGN) == "no:such.b1"


def test_a_filter_selects_every_matching_request_and_nothing_selects_nothing(state: State) -> None:
    by_pwg = cloning.select_sources(state, cloning.CloneSelection(pwg="Inclusive"))
    assert [t.name for t in by_pwg] == ["issue-1", "issue-3"]
    by_status = cloning.select_sources(
        state, cloning.CloneSelection(status="draft", campaign="none")
    )
    assert [t.name for t in by_status] == ["issue-2", "issue-3"]
    with pytest.raises(UsageError, match="say what to clone"):
        cloning.select_sources(state, cloning.CloneSelection())
    with pytest.raises(UsageError, match="status 'paused' is unknown"):
        cloning.select_sources(state, cloning.CloneSelection(status="paused"))
