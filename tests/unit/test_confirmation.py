"""Inferred metadata at dataset intake (services.metadata) and its confirmation or correction
(services.confirmation), on an in-memory state: what a task needs before it may become ready."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pcs_gitops.domain.metadata import Confidence, DatasetMetadata, Provenance
from pcs_gitops.domain.model import TaskStatus
from pcs_gitops.domain.readiness import readiness
from pcs_gitops.domain.rules import check_state
from pcs_gitops.domain.state import State
from pcs_gitops.errors import Conflict, InvalidTransition, UsageError
from pcs_gitops.services import confirmation, tasks
from pcs_gitops.services.datasets import DatasetIntake, intake_dataset
from pcs_gitops.services.ports import Actor
from pcs_gitops.services.setup import initial_state

NOW = "2026-12-01T10:00:00Z"
LATER = "2026-12-02T10:00:00Z"
ANNA = Actor("anna", "cli")
MANAGER = Actor("maria", "cli")
EVGEN = "/volatile/eic/EPIC/EVGEN/"
DIS = EVGEN + "DIS/NC/10x100/minQ2=1"
BEAGLE = EVGEN + "DIS/BeAGLE1.03.02-1.3/eH2/en/10x130/q2_1to1000"
BEAGLE_RELEASE = "https://github.com/eic/BeAGLEsamples/releases/tag/BeAGLE1.03.02-1.3"


def readable(_: str) -> bool:
    return True


def take_in(state: State, location: str, **extra: str) -> str:
    """Take a dataset in (as anna); its name."""
    return intake_dataset(
        state, DatasetIntake(source_location=location, **extra), ANNA, NOW
    ).dataset.name


def request(state: State, dataset: str, issue: int = 7) -> str:
    """A complete draft task on ``dataset`` (every check passes but the confirmation)."""
    outcome = tasks.intake_task(
        state,
        tasks.TaskIntake(
            public_catalog_issue=issue,
            input_dataset_did=state.datasets[dataset].did,
            catalog={"pwg": "inclusive", "priority": "1", "dataset_path": "/x", "events": "1M"},
        ),
        ANNA,
        NOW,
    )
    return outcome.task.name


def check(state: State, name: str, check_id: str) -> tuple[str, ...] | None:
    found = readiness(state, state.tasks[name], readable)
    return next((c.problems for c in found.checks if c.id == check_id), None)


# --------------------------------------------------------------------------- intake


def test_a_source_that_reveals_nothing_gets_placeholders_recorded_as_unknown() -> None:
    state = initial_state(NOW)
    name = take_in(state, "rucio:foo")
    dataset = state.datasets[name]
    assert name == "group.EIC.evgen.26.02.0.epic_craterlake.p0.e0.s0.r0.foo"
    assert (dataset.tags.physics, dataset.tags.evgen) == ("p0", "e0")
    physics = dataset.metadata.values["physics_tag"]
    assert (physics.value, physics.confidence, physics.provenance) == (
        "p0",
        Confidence.UNKNOWN,
        Provenance.DEFAULT,
    )
    assert state.tags["p0"].parameters == {} and state.tags["e0"].parameters == {}
    assert "p6001" not in {d.tags.physics for d in state.datasets.values()}
    assert check_state(state) == []


def test_the_tags_check_asks_for_a_correction_of_an_unknown_physics_tag() -> None:
    state = initial_state(NOW)
    name = request(state, take_in(state, "rucio:foo"))
    problems = check(state, name, "tags") or ()
    assert problems[0] == (
        "physics tag unknown (placeholder p0): nothing in the input revealed it; correct it with "
        "'pcs task confirm issue-7 --field physics_tag=p<N>' (or '/pcs confirm "
        "physics_tag=p<N>' on its issue)"
    )


def test_neighbouring_tags_are_offered_as_candidates() -> None:
    state = initial_state(NOW)
    for other in ("DIS/NC/10x100/minQ2=10", "DIS/NC/18x275/minQ2=1", "DIS/CC/10x100/minQ2=1"):
        take_in(state, EVGEN + other, generator_text="pythia8")
    dataset = state.datasets[take_in(state, DIS, generator_text="pythia8")]
    physics = dataset.metadata.values["physics_tag"]
    labels = {
        t.label: (t.parameters.get("q2_range"), t.parameters.get("beam_energy_electron"))
        for t in state.tags.values()
        if t.label in physics.candidates
    }
    assert sorted(labels.values()) == [("minQ2=1", "18"), ("minQ2=10", "10")]  # not DIS_CC


def test_a_generator_without_a_version_is_a_guess_with_the_known_versions_as_candidates() -> None:
    state = initial_state(NOW)
    take_in(state, EVGEN + "BACKGROUNDS/BEAMGAS/proton/pythia8.306-1.0/100GeV/")
    dataset = state.datasets[take_in(state, DIS, generator_text="pythia8")]
    evgen, version = (dataset.metadata.values[f] for f in ("evgen_tag", "generator_version"))
    assert (evgen.confidence, evgen.provenance) == (Confidence.GUESS, Provenance.REQUEST)
    assert (version.value, version.confidence, version.candidates) == (
        "",
        Confidence.UNKNOWN,
        ("8.306-1.0",),
    )


def test_a_version_read_from_the_path_and_the_release_alike_is_certain() -> None:
    state = initial_state(NOW)
    dataset = state.datasets[take_in(state, BEAGLE, release_url=BEAGLE_RELEASE)]
    values = dataset.metadata.values
    assert values["evgen_tag"].confidence is Confidence.CERTAIN
    assert values["physics_tag"].confidence is Confidence.LIKELY
    assert (values["species"].value, values["q2_range"].value) == ("eH2", "q2_1to1000")


def test_a_tag_named_by_the_requester_is_confirmed_by_them_at_intake() -> None:
    state = initial_state(NOW)
    take_in(state, DIS, generator_text="pythia8")
    dataset = state.datasets[take_in(state, EVGEN + "DIS/NC/5x41/minQ2=1", evgen_tag="e1")]
    evgen = dataset.metadata.values["evgen_tag"]
    assert (evgen.confirmed_by, evgen.confirmed_at, evgen.provenance) == (
        "anna",
        NOW,
        Provenance.REQUEST,
    )


# --------------------------------------------------------------------------- confirmation


def test_an_inferred_only_tag_mapping_blocks_approval_and_confirming_it_unblocks() -> None:
    state = initial_state(NOW)
    name = request(state, take_in(state, BEAGLE, release_url=BEAGLE_RELEASE))
    assert readiness(state, state.tasks[name], readable).substate(TaskStatus.DRAFT) == (
        "needs-confirmation"
    )
    with pytest.raises(InvalidTransition, match="inferred from the path"):
        tasks.set_status(state, name, "ready", MANAGER, NOW, readable)
    _, [done] = confirmation.confirm(state, name, None, ANNA, LATER)
    assert done.confirmed == [
        "physics_tag",
        "evgen_tag",
        "beams",
        "species",
        "q2_range",
        "generator",
        "generator_version",
    ]
    tag = state.datasets[done.dataset].metadata.values["physics_tag"]
    assert (tag.confirmed_by, tag.confirmed_at) == ("anna", LATER)
    assert tasks.set_status(state, name, "ready", MANAGER, LATER, readable).status.value == "ready"


def test_confirming_again_changes_nothing() -> None:
    state = initial_state(NOW)
    name = request(state, take_in(state, BEAGLE, release_url=BEAGLE_RELEASE))
    confirmation.confirm(state, name, ["physics_tag"], ANNA, NOW)
    state.dirty.clear()
    _, [again] = confirmation.confirm(state, name, ["physics_tag"], ANNA, LATER)
    assert again.confirmed == [] and state.dirty == set()


def test_an_unknown_tag_is_refused_and_a_correction_binds_a_real_tag_and_renames() -> None:
    state = initial_state(NOW)
    take_in(state, BEAGLE, release_url=BEAGLE_RELEASE)  # p2002, e1 exist
    old = take_in(state, "rucio:foo")
    name = request(state, old)
    with pytest.raises(Conflict, match=r"physics tag of .* is unknown"):
        confirmation.confirm(state, name, ["physics_tag"], ANNA, LATER)
    specs = ["physics_tag=p2002", "evgen_tag=e1"]
    task, [done] = confirmation.confirm(state, name, specs, ANNA, LATER)
    assert done.corrected == {"physics_tag": "p2002", "evgen_tag": "e1"}
    assert (done.renamed_from, done.dataset) == (
        old,
        "group.EIC.evgen.26.02.0.epic_craterlake.p2002.e1.s0.r0.foo",
    )
    assert old not in state.datasets
    assert task is not None and task.input_datasets == (state.datasets[done.dataset].did,)
    assert [h.action for h in task.history[-2:]] == ["dataset-renamed", "outputs"]
    # the outputs follow the input's new tags
    assert [".p2002.e1." in did for did in task.output_datasets] == [True]
    assert check(state, name, "outputs") == ()
    assert check(state, name, "confirmation") == ()
    assert check_state(state) == []


def test_a_correction_is_refused_while_a_task_using_the_dataset_is_past_draft() -> None:
    state = initial_state(NOW)
    take_in(state, BEAGLE, release_url=BEAGLE_RELEASE)
    name = request(state, take_in(state, "rucio:foo"))
    state.put_task(replace(state.tasks[name], status=TaskStatus.READY))
    with pytest.raises(Conflict, match="no longer drafts"):
        confirmation.confirm(state, name, ["physics_tag=p2002"], ANNA, LATER)


def test_a_relabelled_tag_must_be_confirmed_again() -> None:
    state = initial_state(NOW)
    name = request(state, take_in(state, BEAGLE, release_url=BEAGLE_RELEASE))
    confirmation.confirm(state, name, None, ANNA, LATER)
    dataset = state.inputs_of(state.tasks[name])[0]
    carried = replace(dataset, tags=replace(dataset.tags, evgen="e7"))
    state.datasets[dataset.name] = carried  # as a carry onto a newer base would relabel it
    assert check(state, name, "confirmation") == (
        "evgen tag e7 replaced the confirmed e1: confirm it with 'pcs task confirm issue-7' (or "
        "'/pcs confirm' on its issue)",
    )
    _, [done] = confirmation.confirm(state, name, ["evgen_tag"], ANNA, LATER)
    assert done.confirmed == ["evgen_tag"] and check(state, name, "confirmation") == ()


def test_a_dataset_recorded_before_metadata_tracking_has_nothing_to_confirm() -> None:
    state = initial_state(NOW)
    name = take_in(state, BEAGLE)
    state.datasets[name] = replace(state.datasets[name], metadata=DatasetMetadata())
    task = request(state, name)
    assert check(state, task, "confirmation") is None  # no check: nothing is gated
    with pytest.raises(Conflict, match="record no inferred metadata"):
        confirmation.confirm(state, task, None, ANNA, LATER)


@pytest.mark.parametrize(
    ("specs", "message"),
    [
        (["colour"], "field 'colour' is unknown"),
        (["beams=5x41"], "beams is read from the input, it cannot be set"),
    ],
)
def test_a_wrong_field_is_a_usage_error(specs: Sequence[str], message: str) -> None:
    with pytest.raises(UsageError, match=message):
        confirmation.parse_request(specs)


@given(st.lists(st.text(max_size=30), max_size=5))
def test_any_field_list_parses_or_is_refused_as_a_usage_error(specs: list[str]) -> None:
    try:
        found = confirmation.parse_request(specs)
    except UsageError:
        return
    assert set(found.corrections) <= set(found.fields or ())
