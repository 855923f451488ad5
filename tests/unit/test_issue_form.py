"""Tests of the issue-form parser and renderer (pcs_gitops.domain.issue_form)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pcs_gitops.adapters.yaml_store import YamlStateStore
from pcs_gitops.domain.issue_form import (
    NO_RESPONSE,
    FormField,
    FormValue,
    IssueForm,
    field_by_name,
    parse_issue_body,
    render_issue_body,
)
from pcs_gitops.domain.request_form import FORM_ALIASES
from pcs_gitops.errors import ValidationFailed
from tests.conftest import REAL_FORM

ROOT = Path(__file__).resolve().parents[2]

# A copy of eic/epic-prod .github/ISSUE_TEMPLATE/dataset_request.yml, as yaml.safe_load gives
# it (descriptions shortened); embedded so the tests do not read ../shared at run time.
_YES_NO_MAYBE = ["No", "Yes", "Maybe"]
EPIC_TEMPLATE: dict[str, Any] = {
    "name": "Dataset Request",
    "description": "Submit a new simulation dataset request",
    "title": "[Dataset Request] ",
    "labels": ["dataset-request"],
    "body": [
        {
            "type": "dropdown",
            "id": "dsc_or_pwg",
            "attributes": {
                "label": "DSC or PWG",
                "options": [
                    "Exclusive/Diffractive/Tagging",
                    "Inclusive",
                    "Jets & HF",
                    "SIDIS",
                    "BSM/EW",
                    "Other",
                ],
            },
            "validations": {"required": True},
        },
        {
            "type": "input",
            "id": "dataset_path",
            "attributes": {"label": "Dataset Path", "placeholder": "/gpfs/path/to/files"},
            "validations": {"required": False},
        },
        {
            "type": "input",
            "id": "generator_dataset_version",
            "attributes": {"label": "Generator/Dataset Version"},
            "validations": {"required": False},
        },
        {
            "type": "input",
            "id": "number_of_events",
            "attributes": {"label": "Number of Events"},
            "validations": {"required": False},
        },
        {
            "type": "dropdown",
            "id": "background",
            "attributes": {"label": "Background", "options": ["No", "Yes"]},
            "validations": {"required": True},
        },
        {
            "type": "dropdown",
            "id": "new_request",
            "attributes": {"label": "New Request", "options": ["Yes", "No"]},
            "validations": {"required": True},
        },
        {
            "type": "dropdown",
            "id": "pre_tdr_use",
            "attributes": {"label": "Pre-TDR Use", "options": _YES_NO_MAYBE},
            "validations": {"required": True},
        },
        {
            "type": "dropdown",
            "id": "early_science_use",
            "attributes": {"label": "Early Science Use", "options": _YES_NO_MAYBE},
            "validations": {"required": True},
        },
        {
            "type": "dropdown",
            "id": "other_use",
            "attributes": {"label": "Other Use", "options": _YES_NO_MAYBE},
            "validations": {"required": True},
        },
        {
            "type": "textarea",
            "id": "description",
            "attributes": {"label": "Description"},
            "validations": {"required": True},
        },
        {
            "type": "dropdown",
            "id": "priority",
            "attributes": {
                "label": "Priority",
                "options": ["1 (Highest)", "2 (Medium)", "3 (Lower)", "-1 (N/A)"],
            },
            "validations": {"required": True},
        },
    ],
}
EPIC = IssueForm.from_template(
    EPIC_TEMPLATE, aliases={"generator_dataset_version": ("Generator Config",)}
)

# A synthetic form with the field kinds the epic-prod form lacks.
SYNTHETIC_TEMPLATE: dict[str, Any] = {
    "name": "Synthetic",
    "title": "[Synthetic] ",
    "labels": "one, two",
    "body": [
        {"type": "markdown", "attributes": {"value": "Thanks for filing!"}},
        {"type": "textarea", "id": "notes", "attributes": {"label": "Notes"}},
        {"type": "input", "id": "name", "attributes": {"label": "Your name"}},
        {
            "type": "dropdown",
            "id": "detectors",
            "attributes": {
                "label": "Detectors",
                "multiple": True,
                "options": ["Tracker", "Calorimeter, barrel", "Calorimeter", "ZDC, far-forward"],
            },
        },
        {
            "type": "checkboxes",
            "id": "terms",
            "attributes": {
                "label": "Code of Conduct",
                "options": [
                    {"label": "I agree to follow this project's Code of Conduct", "required": True},
                    {"label": "I searched for duplicates"},
                    {"label": "Subscribe me"},
                ],
            },
        },
        {
            "type": "dropdown",
            "id": "energy",
            "attributes": {"label": "Beam energy", "options": ["5x41", "10x100", "18x275"]},
            "validations": {"required": False},
        },
        {"type": "textarea", "id": "logs", "attributes": {"label": "Logs", "render": "shell"}},
    ],
}
SYNTHETIC = IssueForm.from_template(SYNTHETIC_TEMPLATE)

# Catalogues whose forms are not ours, read with the built-in aliases of the request pipeline:
# a trimmed form (no generator field, the aliases' target), a renamed one (other ids and
# labels), the form as it was before e4d82e2 (id generator_config, label "Generator Config",
# which is also the alias of generator_dataset_version) and the real epic-prod file.
TRIMMED_TEMPLATE: dict[str, Any] = {
    **EPIC_TEMPLATE,
    "body": [f for f in EPIC_TEMPLATE["body"] if f["id"] in ("dataset_path", "description")],
}
TRIMMED = IssueForm.from_template(TRIMMED_TEMPLATE, aliases=FORM_ALIASES)
RENAMED_TEMPLATE: dict[str, Any] = {
    **EPIC_TEMPLATE,
    "body": [
        {**f, "id": "x_" + f["id"], "attributes": {**f["attributes"], "label": "My " + label}}
        for f in EPIC_TEMPLATE["body"]
        for label in [f["attributes"]["label"]]
    ],
}
RENAMED = IssueForm.from_template(RENAMED_TEMPLATE, aliases=FORM_ALIASES)
OLD_LABELS_TEMPLATE: dict[str, Any] = {
    **EPIC_TEMPLATE,
    "body": [
        {"type": "input", "id": "generator_config", "attributes": {"label": "Generator Config"}}
        if f["id"] == "generator_dataset_version"
        else f
        for f in EPIC_TEMPLATE["body"]
    ],
}
OLD_LABELS = IssueForm.from_template(OLD_LABELS_TEMPLATE, aliases=FORM_ALIASES)
REAL = IssueForm.from_template(YamlStateStore(ROOT).load_file(REAL_FORM), aliases=FORM_ALIASES)

# Shaped like issue #122 (values invented): three paths in one field, generator text with
# commas, a four-line description with a trailing space on its second line.
BODY_122 = (
    "### DSC or PWG\n\nJets & HF\n\n"
    "### Dataset Path\n\n(1) /gpfs/a/b (2) /gpfs/a/c (3) root://host//d\n\n"
    "### Generator/Dataset Version\n\nPythia8 8.310, tune A, seed 1, v1.2\n\n"
    "### Number of Events\n\n(1) ~1.1M (2) ~1M (3) ~770K\n\n"
    "### Background\n\nNo\n\n"
    "### New Request\n\nYes\n\n"
    "### Pre-TDR Use\n\nYes\n\n"
    "### Early Science Use\n\nMaybe\n\n"
    "### Other Use\n\nNo\n\n"
    "### Description\n\n"
    "Jet samples for the HF group.\n"
    "Three energies, \n"
    "same generator settings.\n"
    "Contact: someone@example.org\n\n"
    "### Priority\n\n1 (Highest)"
)
EXPECTED_122: dict[str, FormValue] = {
    "dsc_or_pwg": "Jets & HF",
    "dataset_path": "(1) /gpfs/a/b (2) /gpfs/a/c (3) root://host//d",
    "generator_dataset_version": "Pythia8 8.310, tune A, seed 1, v1.2",
    "number_of_events": "(1) ~1.1M (2) ~1M (3) ~770K",
    "background": "No",
    "new_request": "Yes",
    "pre_tdr_use": "Yes",
    "early_science_use": "Maybe",
    "other_use": "No",
    "description": (
        "Jet samples for the HF group.\n"
        "Three energies, \n"
        "same generator settings.\n"
        "Contact: someone@example.org"
    ),
    "priority": "1 (Highest)",
}


# --- template ------------------------------------------------------------------------


def test_from_template_reads_the_epic_form() -> None:
    assert EPIC.name == "Dataset Request"
    assert EPIC.title == "[Dataset Request] "
    assert EPIC.labels == ("dataset-request",)
    assert [f.id for f in EPIC.fields] == list(EXPECTED_122)
    priority = EPIC.field("priority")
    assert priority.type == "dropdown"
    assert priority.options == ("1 (Highest)", "2 (Medium)", "3 (Lower)", "-1 (N/A)")
    assert priority.required
    assert not EPIC.field("dataset_path").required
    assert EPIC.field("generator_dataset_version").aliases == ("Generator Config",)


def test_from_template_skips_markdown_and_reads_checkboxes_and_multiple() -> None:
    assert SYNTHETIC.labels == ("one", "two")
    assert [f.id for f in SYNTHETIC.fields] == [
        "notes",
        "name",
        "detectors",
        "terms",
        "energy",
        "logs",
    ]
    assert SYNTHETIC.field("detectors").multiple
    assert not SYNTHETIC.field("energy").multiple
    assert SYNTHETIC.field("terms").options[1] == "I searched for duplicates"


def test_from_template_slugs_a_missing_id() -> None:
    form = IssueForm.from_template(
        {"name": "x", "body": [{"type": "input", "attributes": {"label": "Generator Config"}}]}
    )
    assert form.fields == (
        FormField(id="generator_config", label="Generator Config", type="input"),
    )


def test_from_template_reports_every_problem() -> None:
    bad = {
        "name": "x",
        "body": [
            {"type": "dropdown", "id": "a", "attributes": {"label": "A", "options": [False, True]}},
            {"type": "slider", "id": "b", "attributes": {"label": "B"}},
            {"type": "input", "id": "c", "attributes": {"label": "C"}},
            {"type": "input", "id": "c", "attributes": {"label": "C2"}},
            {"type": "input", "id": "d", "attributes": {}},
        ],
    }
    with pytest.raises(ValidationFailed) as info:
        IssueForm.from_template(bad)
    text = str(info.value)
    assert "quote YAML words" in text
    assert "unknown type 'slider'" in text
    assert "field id 'c' is used twice" in text
    assert "label 'C' is used by" not in text
    assert "'attributes.label' must be a non-empty string" in text


def test_field_by_name() -> None:
    assert field_by_name(EPIC, "Priority") is EPIC.field("priority")
    assert field_by_name(EPIC, "  priority ") is EPIC.field("priority")
    assert field_by_name(EPIC, "number_of_events") is EPIC.field("number_of_events")
    assert field_by_name(EPIC, "NUMBER OF EVENTS") is EPIC.field("number_of_events")
    assert field_by_name(EPIC, "generator config") is EPIC.field("generator_dataset_version")
    assert field_by_name(EPIC, "Issue") is None


# --- parsing -------------------------------------------------------------------------


def test_parse_realistic_body() -> None:
    assert parse_issue_body(EPIC, BODY_122) == EXPECTED_122


def test_render_realistic_body_is_what_github_writes() -> None:
    assert render_issue_body(EPIC, EXPECTED_122) == BODY_122


def test_parse_crlf_body() -> None:
    assert parse_issue_body(EPIC, BODY_122.replace("\n", "\r\n")) == EXPECTED_122


def test_heading_like_lines_and_blank_lines_stay_in_a_textarea() -> None:
    description = (
        "First paragraph.\n\n\n"
        "### Physics goals\n"
        "- DVCS\n"
        "### DSC or PWG\n"  # a label already seen: stays text
        "\n"
        "    indented line  \n"
        "last"
    )
    body = render_issue_body(EPIC, {**EXPECTED_122, "description": description})
    assert parse_issue_body(EPIC, body)["description"] == description


def test_no_response_and_unselected_dropdowns_are_none() -> None:
    body = BODY_122.replace("(1) /gpfs/a/b (2) /gpfs/a/c (3) root://host//d", NO_RESPONSE)
    body = body.replace(
        "### Number of Events\n\n(1) ~1.1M (2) ~1M (3) ~770K",
        "### Number of Events\n\n_no RESPONSE_",
    )
    body = body.replace("### Background\n\nNo", "### Background\n\nNone")
    body = body.replace("### Other Use\n\nNo", f"### Other Use\n\n{NO_RESPONSE}")
    parsed = parse_issue_body(EPIC, body)
    assert parsed["dataset_path"] is None
    assert parsed["number_of_events"] is None
    assert parsed["background"] is None
    assert parsed["other_use"] is None
    assert parsed["dsc_or_pwg"] == "Jets & HF"


def test_render_empty_answers_as_no_response() -> None:
    body = render_issue_body(EPIC, {"dataset_path": "   ", "description": ""})
    assert body.count(NO_RESPONSE) == len(EPIC.fields)
    assert parse_issue_body(EPIC, body) == dict.fromkeys(EXPECTED_122)


def test_old_generator_config_heading_maps_to_the_new_id() -> None:
    old = BODY_122.replace("### Generator/Dataset Version", "### Generator Config")
    assert parse_issue_body(EPIC, old) == EXPECTED_122


def test_a_form_without_the_alias_target_builds_and_parses_its_fields() -> None:
    assert [f.id for f in TRIMMED.fields] == ["dataset_path", "description"]
    body = (
        f"### Dataset Path\n\n{EXPECTED_122['dataset_path']}\n\n"
        f"### Description\n\n{EXPECTED_122['description']}"
    )
    assert parse_issue_body(TRIMMED, body) == {
        "dataset_path": EXPECTED_122["dataset_path"],
        "description": EXPECTED_122["description"],
    }


def test_an_alias_that_is_another_fields_label_gives_way_to_that_field() -> None:
    old = BODY_122.replace("### Generator/Dataset Version", "### Generator Config")
    parsed = parse_issue_body(OLD_LABELS, old)
    assert parsed["generator_config"] == EXPECTED_122["generator_dataset_version"]
    assert OLD_LABELS.field("generator_config").aliases == ()


def test_a_renamed_form_parses_under_its_own_ids() -> None:
    body = "\n".join(
        "### My " + line[4:] if line.startswith("### ") else line for line in BODY_122.split("\n")
    )
    assert parse_issue_body(RENAMED, body) == {"x_" + k: v for k, v in EXPECTED_122.items()}


def test_the_real_epic_prod_form_parses_an_issue_body() -> None:
    assert [f.id for f in REAL.fields] == list(EXPECTED_122)
    assert parse_issue_body(REAL, BODY_122) == EXPECTED_122


def test_headings_match_case_insensitively_and_ignore_trailing_whitespace() -> None:
    body = BODY_122.replace("### Dataset Path\n", "### dataset path  \n")
    assert parse_issue_body(EPIC, body) == EXPECTED_122


def test_text_before_the_first_heading_is_ignored() -> None:
    assert parse_issue_body(EPIC, "Preamble\n### Not a label\n\n" + BODY_122) == EXPECTED_122


def test_missing_fields_are_none() -> None:
    body = "### DSC or PWG\n\nSIDIS\n\n### Priority\n\n3 (Lower)\n"
    parsed = parse_issue_body(EPIC, body)
    assert parsed == {**dict.fromkeys(EXPECTED_122), "dsc_or_pwg": "SIDIS", "priority": "3 (Lower)"}
    assert parse_issue_body(EPIC, "") == dict.fromkeys(EXPECTED_122)


def test_later_duplicate_heading_stays_text() -> None:
    body = "### Description\n\nfirst\n\n### Description\n\nsecond\n"
    assert parse_issue_body(EPIC, body)["description"] == "first\n\n### Description\n\nsecond"


def test_multiple_dropdown_and_checkboxes() -> None:
    body = (
        "### Notes\n\n_No response_\n\n"
        "### Your name\n\n  Ada  \n\n"
        "### Detectors\n\nCalorimeter, barrel, ZDC, far-forward, Calorimeter, Muon, Tracker\n\n"
        "### Code of Conduct\n\n"
        "- [X] I agree to follow this project's Code of Conduct\n"
        "- [ ] I searched for duplicates\n"
        "- [x] Subscribe me\n\n"
        "### Beam energy\n\nNone\n\n"
        "### Logs\n\n```shell\nerror: boom\n```"
    )
    assert parse_issue_body(SYNTHETIC, body) == {
        "notes": None,
        "name": "Ada",
        "detectors": ["Calorimeter, barrel", "ZDC, far-forward", "Calorimeter", "Muon", "Tracker"],
        "terms": ["I agree to follow this project's Code of Conduct", "Subscribe me"],
        "energy": None,
        "logs": "```shell\nerror: boom\n```",
    }


def test_nothing_checked_and_nothing_selected() -> None:
    body = render_issue_body(SYNTHETIC, {"detectors": [], "terms": []})
    assert "- [ ] Subscribe me" in body
    assert "### Detectors\n\n_No response_\n\n" in body
    parsed = parse_issue_body(SYNTHETIC, body)
    assert parsed["terms"] == []
    assert parsed["detectors"] is None


def test_render_exact_shape() -> None:
    body = render_issue_body(
        SYNTHETIC,
        {
            "notes": "a\n\nb",
            "name": "Ada",
            "detectors": ["Tracker", "ZDC, far-forward"],
            "terms": ["I searched for duplicates"],
            "energy": "10x100",
        },
    )
    assert body == (
        "### Notes\n\na\n\nb\n\n"
        "### Your name\n\nAda\n\n"
        "### Detectors\n\nTracker, ZDC, far-forward\n\n"
        "### Code of Conduct\n\n"
        "- [ ] I agree to follow this project's Code of Conduct\n"
        "- [X] I searched for duplicates\n"
        "- [ ] Subscribe me\n\n"
        "### Beam energy\n\n10x100\n\n"
        "### Logs\n\n_No response_"
    )


# --- round trip ----------------------------------------------------------------------

_CHARS = st.characters(exclude_categories=["Cs"], exclude_characters="\r\n")


def _free_heading(form: IssueForm, index: int) -> st.SearchStrategy[str]:
    """``### x`` lines that do not start a section when they appear in field ``index``."""
    seen = {f.id for f in form.fields[: index + 1]}

    def harmless(text: str) -> bool:
        field = form.field_for_heading(text)
        return field is None or field.id in seen

    earlier = [n for f in form.fields[: index + 1] for n in f.names]
    return st.one_of(
        st.text(_CHARS, max_size=20).filter(harmless),
        st.sampled_from(earlier).map(str.upper),
    ).map(lambda t: "### " + t)


def _answer(form: IssueForm, index: int) -> st.SearchStrategy[FormValue]:
    field = form.fields[index]
    line = st.text(_CHARS, max_size=30).filter(
        lambda t: not t.startswith("### ") or form.field_for_heading(t[4:]) is None
    )
    if field.type == "input":
        return st.one_of(st.none(), st.just(NO_RESPONSE), line)
    if field.type == "textarea":
        lines = st.lists(
            st.one_of(line, st.sampled_from(["", "  ", "\t"]), _free_heading(form, index)),
            max_size=8,
        )
        return st.one_of(st.none(), lines.map("\n".join))
    if field.type == "checkboxes" or field.multiple:
        return st.lists(st.sampled_from(field.options), unique=True)
    return st.one_of(st.none(), st.sampled_from(field.options))


def _answers(form: IssueForm) -> st.SearchStrategy[dict[str, FormValue]]:
    return st.fixed_dictionaries({f.id: _answer(form, i) for i, f in enumerate(form.fields)})


def _normalised(field: FormField, value: FormValue) -> FormValue:
    """What the parser should give back for ``value`` (the documented normalisation)."""
    if field.type == "checkboxes":
        chosen = set(value or [])
        return [o for o in field.options if o in chosen]
    if isinstance(value, list):
        return value or None
    if value is None:
        return None
    if field.type == "textarea":
        lines = value.split("\n")
        while lines and not lines[0].strip():
            lines.pop(0)
        text = "\n".join(lines).rstrip()
    else:
        text = value.strip()
    if not text or text.casefold() == NO_RESPONSE.casefold():
        return None
    return text


@pytest.mark.parametrize(
    "form",
    [EPIC, SYNTHETIC, TRIMMED, RENAMED, OLD_LABELS, REAL],
    ids=["epic", "synthetic", "trimmed", "renamed", "old-labels", "real-epic-prod"],
)
@settings(max_examples=200, deadline=None)
@given(data=st.data())
def test_render_then_parse_round_trips(form: IssueForm, data: st.DataObject) -> None:
    answers = data.draw(_answers(form))
    body = render_issue_body(form, answers)
    expected = {f.id: _normalised(f, answers[f.id]) for f in form.fields}
    assert parse_issue_body(form, body) == expected
    assert parse_issue_body(form, body.replace("\n", "\r\n")) == expected


_LABEL = (
    st.text(
        st.characters(whitelist_categories=["L", "N"], whitelist_characters=" /&-()?"),
        min_size=1,
        max_size=20,
    )
    .map(str.strip)
    .filter(bool)
)
_OPTION = (
    st.text(
        st.characters(whitelist_categories=["L", "N"], whitelist_characters=" ,/&-"),
        min_size=1,
        max_size=12,
    )
    .map(str.strip)
    .filter(bool)
)


@st.composite
def _forms(draw: st.DrawFn) -> IssueForm:
    """Any issue form: 1-8 fields of every type, unique labels, optional ids."""
    labels = draw(st.lists(_LABEL, min_size=1, max_size=8, unique_by=str.casefold))
    body: list[dict[str, Any]] = []
    for index, label in enumerate(labels):
        kind = draw(st.sampled_from(["input", "textarea", "dropdown", "checkboxes"]))
        item: dict[str, Any] = {"type": kind, "id": f"f{index}", "attributes": {"label": label}}
        if kind in ("dropdown", "checkboxes"):
            item["attributes"]["options"] = draw(
                st.lists(_OPTION, min_size=1, max_size=5, unique=True)
            )
            item["attributes"]["multiple"] = kind == "dropdown" and draw(st.booleans())
        body.append(item)
    return IssueForm.from_template({"name": "Any", "body": body}, aliases=FORM_ALIASES)


@settings(max_examples=150, deadline=None)
@given(data=st.data())
def test_render_then_parse_round_trips_on_any_form(data: st.DataObject) -> None:
    form = data.draw(_forms())
    answers = data.draw(_answers(form))
    expected = {f.id: _normalised(f, answers[f.id]) for f in form.fields}
    assert parse_issue_body(form, render_issue_body(form, answers)) == expected
