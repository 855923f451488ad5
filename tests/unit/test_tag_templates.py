"""PWG-authored physics configurations: the category templates, the "Physics configuration"
form, and the state operations that create, edit and lock tags."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pcs_gitops.domain.model import Tag, TagKind, TagStatus
from pcs_gitops.domain.physics_config_form import draft_from_answers, extra_parameters
from pcs_gitops.domain.settings import PHYSICS_CATEGORIES
from pcs_gitops.domain.state import State
from pcs_gitops.domain.tag_templates import template_problems
from pcs_gitops.errors import Conflict, UsageError
from pcs_gitops.services import tag_authoring as ops
from pcs_gitops.services.ports import Actor

DIS = {
    "process": "DIS_NC",
    "beam_energy_electron": "18",
    "beam_energy_hadron": "275",
    "q2_range": "minQ2=10",
}
ACTOR = Actor("paul", "cli")
NOW = "2026-11-28T12:00:00Z"


def problems(params: dict[str, str], category: int | None = None) -> list[str]:
    return template_problems(TagKind.PHYSICS, params, PHYSICS_CATEGORIES, category)


def test_a_physics_tag_within_its_categorys_template_has_no_problem() -> None:
    assert problems(DIS) == []
    assert problems({**DIS, "beam_species": "eAu", "notes": "high Q2"}) == []


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        (
            {**DIS, "q2_range": ""},
            ["parameter 'q2_range' is required; give it"],
        ),
        (
            {**DIS, "beam_energy_hadron": "99"},
            [
                "parameter 'beam_energy_hadron' is '99'; the template allows 41, 100, 110, 115, "
                "130, 166, 250, 275"
            ],
        ),
        (
            {**DIS, "beam_energy_electon": "5"},
            [
                "parameter 'beam_energy_electon' is not a physics parameter; use one of "
                "process, beam_energy_electron, beam_energy_hadron, beam_species, nucleon, "
                "q2_range, decay_mode, hadron_charge, helicity, polarization, coherence, model, "
                "beam_config, state, mechanism, final_state, channel, mass, particle, "
                "gun_energy, notes"
            ],
        ),
        (
            {"process": "SINGLE", "particle": "pi+", "beam_energy_electron": "10"},
            [
                "parameter 'gun_energy' is required; give it",
                "parameter 'beam_energy_hadron' is required; give it",
                "parameter 'beam_energy_electron' is '10'; the template allows N/A",
            ],
        ),
    ],
)
def test_each_problem_names_the_parameter_and_what_to_write(
    params: dict[str, str], expected: list[str]
) -> None:
    assert sorted(problems(params)) == sorted(expected)


def test_a_process_of_another_category_is_refused() -> None:
    assert problems({**DIS, "process": "DVCS"}, category=2) == [
        "parameter 'process' is 'DVCS', a process of category 3 (DVCS / DDVCS / TCS), not of 2 "
        "(DIS family)"
    ]


def test_evgen_tags_need_a_generator_and_its_version() -> None:
    found = template_problems(
        TagKind.EVGEN, {"generator": "pythia8", "radiative": "maybe"}, PHYSICS_CATEGORIES
    )
    assert found == [
        "parameter 'generator_version' is required; give it",
        "parameter 'radiative' is 'maybe'; the template allows on, off",
    ]


def test_the_form_gives_a_draft_of_its_fields_and_other_parameters() -> None:
    answers = {
        "pwg": "Inclusive",
        "tag_type": "Physics",
        "process": "DIS_NC",
        "beam_energy_electron": "18",
        "beam_energy_hadron": "275",
        "q2_range": "minQ2=10",
        "generator": None,
        "other_parameters": "# kinematics\nbeam_species = eAu\n\nnotes = gold",
        "description": "eAu DIS",
    }
    draft = draft_from_answers(answers)
    assert (draft.kind, draft.pwg, draft.description) == ("physics", "Inclusive", "eAu DIS")
    assert draft.parameters == {**DIS, "beam_species": "eAu", "notes": "gold"}


def test_the_form_refuses_a_line_that_is_not_a_parameter() -> None:
    with pytest.raises(UsageError, match="Other parameters, line 2: 'eAu' is not 'name = value'"):
        draft_from_answers({"other_parameters": "a = b\neAu"})
    with pytest.raises(UsageError, match="'process' has its own field"):
        draft_from_answers({"process": "DIS", "other_parameters": "process = SIDIS"})


_NAME = st.from_regex(r"[a-z][a-z0-9_]{0,15}", fullmatch=True)
_VALUE = st.from_regex(r"[A-Za-z0-9_.+-][A-Za-z0-9_.+= -]{0,20}[A-Za-z0-9_.+-]", fullmatch=True)


@settings(max_examples=200, deadline=None)
@given(st.dictionaries(_NAME, _VALUE, max_size=6))
def test_other_parameters_read_back_what_was_written(params: dict[str, str]) -> None:
    text = "\n".join(f"{name} = {value}" for name, value in params.items())
    assert extra_parameters(text) == params


def _state() -> State:
    return State()


def test_a_new_tag_gets_its_categorys_next_label_and_its_pwg() -> None:
    state = _state()
    state.put_tag(Tag(TagKind.PHYSICS, "p2004", category=2, parameters={"process": "DIS"}))
    draft = ops.TagDraft("physics", "Inclusive", DIS, "high Q2")
    tag, created = ops.create_tag(state, draft, ACTOR, NOW)
    assert created and (tag.label, tag.pwg, tag.category) == ("p2005", "inclusive", 2)
    twin, created = ops.create_tag(state, ops.TagDraft("p", "inclusive", DIS), ACTOR, NOW)
    assert (twin.label, created) == ("p2005", False)
    evgen = ops.TagDraft("e", "inclusive", {"generator": "pythia8", "generator_version": "8.3"})
    assert ops.create_tag(state, evgen, ACTOR, NOW)[0].label == "e1"


def test_an_unknown_pwg_or_kind_is_refused() -> None:
    with pytest.raises(UsageError, match="PWG 'nuclear' is unknown"):
        ops.create_tag(_state(), ops.TagDraft("physics", "nuclear", DIS), ACTOR, NOW)
    with pytest.raises(UsageError, match="tag type 'simu' cannot be authored"):
        ops.create_tag(_state(), ops.TagDraft("simu", "inclusive", {}), ACTOR, NOW)


def test_editing_keeps_the_template_and_a_locked_tag_never_changes() -> None:
    state = _state()
    tag, _ = ops.create_tag(state, ops.TagDraft("physics", "inclusive", DIS), ACTOR, NOW)
    edited, changed = ops.edit_tag(state, tag.label, {"q2_range": "minQ2=100"}, None, ACTOR)
    assert changed == ["q2_range"] and edited.parameters["q2_range"] == "minQ2=100"
    assert ops.edit_tag(state, tag.label, {"q2_range": "minQ2=100"}, None, ACTOR)[1] == []
    with pytest.raises(UsageError, match="parameter 'q2_range' is required"):
        ops.edit_tag(state, tag.label, {"q2_range": ""}, None, ACTOR)
    locked, done = ops.lock_tag(state, tag.label)
    assert done and locked.status is TagStatus.LOCKED
    assert ops.lock_tag(state, tag.label) == (locked, False)
    with pytest.raises(Conflict, match=f"tag {tag.label} is locked: a locked tag never changes"):
        ops.edit_tag(state, tag.label, {"notes": "x"}, None, ACTOR)


def test_a_tag_cannot_be_locked_without_its_required_parameters() -> None:
    state = _state()
    state.put_tag(Tag(TagKind.EVGEN, "e7", parameters={"generator": "pythia8"}))
    with pytest.raises(UsageError, match="tag e7 cannot be locked: it lacks generator_version"):
        ops.lock_tag(state, "e7")
