"""What free text no write path accepts (pcs_gitops.domain.free_text and the catalogue checks)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pcs_gitops.domain.catalog import check_catalog_fields
from pcs_gitops.domain.free_text import (
    BIDI_CONTROLS,
    formula_problem,
    hostile_character,
    line_break_problem,
    text_problem,
)

PLAIN_NUMBERS = st.from_regex(r"\A-[0-9]{1,6}(\.[0-9]{1,3})?\Z")


@pytest.mark.parametrize(
    ("value", "first"),
    [("=SUM(1)", "="), ("+1", "+"), ("@x", "@"), ("\tx", "\t"), ("\rx", "\r")],
)
def test_a_value_a_spreadsheet_would_run_as_a_formula_is_refused(value: str, first: str) -> None:
    assert formula_problem(value) == (
        f"starts with {first!r}, which a spreadsheet runs as a formula"
    )


@pytest.mark.parametrize("value", ["-2+3*cmd|' /C calc'!A0", "-1+1", "-x", "- item", "-", "-1 "])
def test_a_minus_is_refused_unless_the_whole_value_is_a_plain_number(value: str) -> None:
    assert formula_problem(value) == (
        "starts with '-' and is not a plain number, which a spreadsheet runs as a formula"
    )


@pytest.mark.parametrize("value", ["-1", "-2.75", "", "plain", "a=b", "J/Psi -> e+e-", "1M"])
def test_a_value_a_spreadsheet_shows_as_text_is_allowed(value: str) -> None:
    assert formula_problem(value) is None


@given(PLAIN_NUMBERS)
def test_every_negative_plain_number_is_allowed(value: str) -> None:
    assert formula_problem(value) is None


@given(PLAIN_NUMBERS, st.text(min_size=1).filter(lambda t: not t[0].isdigit() and t[0] != "."))
def test_a_negative_number_followed_by_anything_else_is_refused(number: str, tail: str) -> None:
    assert formula_problem(number + tail) is not None


@given(st.text())
def test_an_allowed_value_never_starts_like_a_formula(value: str) -> None:
    if formula_problem(value) is None and value:
        assert value[0] not in "=+@\t\r"
        if value[0] == "-":
            float(value)  # a plain number


@pytest.mark.parametrize(
    ("value", "found"),
    [
        ("ok\u202etxt", "contains U+202E (a bidirectional control) at position 3"),
        ("a\x00b", "contains U+0000 (a control character) at position 2"),
        ("\x85", "contains U+0085 (a control character) at position 1"),
        ("x\u2066", "contains U+2066 (a bidirectional control) at position 2"),
    ],
)
def test_control_and_bidirectional_characters_are_found_and_named(value: str, found: str) -> None:
    assert hostile_character(value) == found


@pytest.mark.parametrize("value", ["tab\tinside", "two\r\nlines", "two\nlines", "Q² ≤ 10⁴ 〃"])
def test_tabs_line_breaks_and_other_unicode_are_not_hostile(value: str) -> None:
    assert hostile_character(value) is None


@given(st.text(), st.sampled_from(["\x00", "\x1b", "\x7f", *BIDI_CONTROLS]), st.text())
def test_any_text_holding_a_control_character_is_refused(a: str, char: str, b: str) -> None:
    assert text_problem(a + char + b) is not None


def test_a_free_text_refusal_says_what_to_do() -> None:
    assert text_problem("@x") == (
        "the value starts with '@', which a spreadsheet runs as a formula; "
        "remove the leading character or prefix the text with a letter"
    )
    assert text_problem("a\u202eb") == (
        "the value contains U+202E (a bidirectional control) at position 2; "
        "remove it (retype the text rather than pasting it)"
    )


@pytest.mark.parametrize("value", ["a\nb", "a\r\nb", "a\rb", "a\u2028b", "_No response_\n\n### X"])
def test_a_line_break_in_a_one_line_value_is_found(value: str) -> None:
    problem = line_break_problem(value)
    assert problem is not None
    assert "but this field takes one line" in problem


def test_surrounding_line_breaks_do_not_make_a_value_multi_line() -> None:
    assert line_break_problem("\nvalue\n") is None


def test_catalogue_field_checks_name_the_field_and_say_what_to_do() -> None:
    problems = check_catalog_fields(
        {"description": "=HYPERLINK(x)", "priority": "-1", "pwg": "@", "events": "1M\n2M"},
        description="-2+3*cmd",
    )
    assert problems == [
        "pwg: the value starts with '@', which a spreadsheet runs as a formula; "
        "remove the leading character or prefix the text with a letter",
        "events: the value spans 2 lines but this field takes one line; it was not recorded. "
        "Give a single value on one line (and one request per dataset)",
        "description: the value starts with '=', which a spreadsheet runs as a formula; "
        "remove the leading character or prefix the text with a letter",
        "task description: the value starts with '-' and is not a plain number, which a "
        "spreadsheet runs as a formula; remove the leading character or prefix the text with "
        "a letter",
    ]


def test_a_multi_line_description_is_accepted() -> None:
    assert check_catalog_fields({"description": "one\r\ntwo"}) == []
