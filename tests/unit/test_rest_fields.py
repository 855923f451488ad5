"""How the REST surface reads body fields and query parameters (``entrypoints/rest/fields.py``):
numbers where text is documented, whole numbers, lists, booleans; unknown or mistyped fields
refused with the field's name."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pcs_gitops.entrypoints.rest.fields import BOOL, INT, LIST, Param, read_body, read_query
from pcs_gitops.errors import UsageError

TEXT_FIELD = (Param("name", "A name."),)


@given(st.text() | st.integers())
def test_text_fields_take_strings_and_numbers_as_their_text(value: str | int) -> None:
    assert read_body({"name": value}, TEXT_FIELD) == {"name": str(value)}


@given(st.integers())
def test_whole_numbers_round_trip_as_json_numbers_and_as_digits(value: int) -> None:
    params = (Param("n", kind=INT),)
    assert read_body({"n": value}, params) == {"n": value}
    assert read_query({"n": [str(value)]}, params) == {"n": value}


@given(st.lists(st.text(alphabet=st.characters(blacklist_characters=","), min_size=1)))
def test_lists_take_a_list_or_one_comma_separated_string(items: list[str]) -> None:
    params = (Param("dids", kind=LIST),)
    assert read_body({"dids": items}, params) == {"dids": items}
    if items:
        assert read_body({"dids": ",".join(items)}, params) == {"dids": items}


@pytest.mark.parametrize(("value", "expected"), [(True, True), ("false", False), ("TRUE", True)])
def test_booleans_take_json_booleans_and_their_words(value: Any, expected: bool) -> None:
    assert read_body({"go": value}, (Param("go", kind=BOOL),)) == {"go": expected}


def test_absent_fields_take_their_defaults() -> None:
    params = (Param("limit", kind=INT, default=20), Param("status"))
    assert read_query({}, params) == {"limit": 20, "status": None}


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"nme": "x"}, "unknown body field(s) nme; this endpoint takes name, n"),
        ({"name": True}, "body field 'name' must be text (or a number)"),
        ({"name": {"a": 1}}, "body field 'name' must be text (or a number)"),
        ({"name": ["a"]}, "body field 'name' must be text (or a number)"),
        ({"n": "five"}, "body field 'n' is 'five'; it must be a whole number"),
        ({"n": 2.5}, "body field 'n' is '2.5'; it must be a whole number"),
        ({"name": "x"}, "body field 'n' is required"),
    ],
)
def test_a_field_of_the_wrong_name_or_type_is_a_usage_error_naming_it(
    body: dict[str, Any], message: str
) -> None:
    params = (Param("name"), Param("n", kind=INT, required=True))
    with pytest.raises(UsageError) as refused:
        read_body(body, params)
    assert str(refused.value) == message


@pytest.mark.parametrize("body", [[], "text", 5, None])
def test_a_body_must_be_a_json_object(body: Any) -> None:
    with pytest.raises(UsageError, match="the request body must be a JSON object"):
        read_body(body, TEXT_FIELD)


def test_a_list_field_refuses_a_list_of_non_strings() -> None:
    with pytest.raises(UsageError, match="must be a list of strings or one comma-separated"):
        read_body({"dids": [1, 2]}, (Param("dids", kind=LIST),))
