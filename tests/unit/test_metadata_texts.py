"""The inferred-values section of the status comment (services.metadata_texts): values, where
they came from, candidates, what is confirmed, what to do; every value escaped."""

from __future__ import annotations

from dataclasses import replace

from pcs_gitops.domain.metadata import DatasetMetadata
from pcs_gitops.services import confirmation
from pcs_gitops.services.datasets import DatasetIntake, intake_dataset
from pcs_gitops.services.metadata_texts import ALL_CONFIRMED, HOW_TO, inferred_values_section
from pcs_gitops.services.ports import Actor
from pcs_gitops.services.setup import initial_state

NOW = "2026-12-01T10:00:00Z"
ANNA = Actor("anna", "github")
DIS = "/volatile/eic/EPIC/EVGEN/DIS/NC/10x100/minQ2=1"
BEAGLE = "/volatile/eic/EPIC/EVGEN/DIS/BeAGLE1.03.02-1.3/eH2/en/10x130/q2_1to1000"


def test_the_section_lists_each_value_with_its_source_and_says_what_to_do() -> None:
    state = initial_state(NOW)
    intake_dataset(
        state,
        DatasetIntake(source_location="/volatile/eic/EPIC/EVGEN/DIS/NC/18x275/minQ2=1"),
        ANNA,
        NOW,
    )
    outcome = intake_dataset(
        state, DatasetIntake(source_location=DIS, generator_text="pythia8"), ANNA, NOW
    )
    text = inferred_values_section([outcome.dataset])
    name = outcome.dataset.name.replace("_", "\\_")
    assert text.splitlines()[:9] == [
        "#### Inferred values",
        "",
        f"Input {name}:",
        "",
        "| Value | Inferred | From | Confidence | Candidates | Status |",
        "|---|---|---|---|---|---|",
        "| physics tag | p2003 | the path | likely | p2002 | **confirm it** |",
        "| evgen tag | e1 | the request | guess |  | **confirm it** |",
        "| beams | 10x100 | the path | likely |  | not confirmed |",
    ]
    assert "| generator version | unknown | the request | unknown |  | open |" in text
    assert text.endswith(HOW_TO)


def test_an_unknown_tag_asks_for_a_correction_and_a_confirmed_one_names_who() -> None:
    state = initial_state(NOW)
    dataset = intake_dataset(state, DatasetIntake(source_location="rucio:foo"), ANNA, NOW).dataset
    text = inferred_values_section([dataset])
    assert (
        "| physics tag | unknown (placeholder p0) | a convention | unknown |  | **correct it** |"
        in text
    )
    known = intake_dataset(state, DatasetIntake(source_location=BEAGLE), ANNA, NOW).dataset
    confirmation.confirm(state, known.name, None, ANNA, NOW)
    text = inferred_values_section([state.datasets[known.name]])
    assert "confirmed by anna at 2026-12-01T10:00:00Z |" in text
    assert text.endswith(ALL_CONFIRMED)


def test_hostile_values_are_escaped() -> None:
    state = initial_state(NOW)
    dataset = intake_dataset(
        state, DatasetIntake(source_location="rucio:x_<b>@evil|`y`"), ANNA, NOW
    ).dataset
    text = inferred_values_section([dataset])
    assert "<b>" not in text and "@evil" not in text and "`y`" not in text


def test_inputs_recorded_before_metadata_tracking_give_no_section() -> None:
    state = initial_state(NOW)
    dataset = intake_dataset(state, DatasetIntake(source_location=DIS), ANNA, NOW).dataset
    assert inferred_values_section([replace(dataset, metadata=DatasetMetadata())]) == ""
    assert inferred_values_section([]) == ""
