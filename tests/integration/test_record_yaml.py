"""The fast record writer (adapters/record_yaml) writes the bytes PyYAML writes, for any record."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pcs_gitops.adapters.yaml_store import dump_yaml, dump_yaml_pyyaml, load_yaml_text

ROOT = Path(__file__).resolve().parents[2]

# Strings that YAML reads as something else, or that need quoting or escaping.
TRICKY = [
    "",
    " ",
    "true",
    "No",
    "yes",
    "null",
    "~",
    "=",
    "1",
    "0o17",
    "0x1F",
    "1_000",
    "1e3",
    ".5",
    ".inf",
    "-.nan",
    "2026-01-01",
    "2026-01-01T10:00:00Z",
    "12:30:45",
    "a: b",
    "a:",
    "a #b",
    "#a",
    "-",
    "- a",
    "--- a",
    "...",
    "...a",
    "? a",
    ": a",
    "@a",
    "`a",
    "%a",
    "!a",
    "&a",
    "*a",
    "|a",
    ">a",
    "'a'",
    '"a"',
    "a'b",
    'a"b',
    "a\\b",
    "[a]",
    "{a}",
    "a, b",
    "a\tb",
    "a\nb",
    "a\r\nb",
    "a\n",
    "\na",
    "a \nb",
    "a\x85b",
    "a\u2028b",
    "\ufeffa",
    "a\x00b",
    "a\x7fb",
    "Q² 10⁴ GeV²",
    "ü",
    "a ",
    " a",
    "a  b",
    "https://github.com/eic/epic-prod/issues/1",
    "/volatile/eic/EPIC/EVGEN/DIS/NC/18x275/minQ2=10",
    "group.EIC:group.EIC.26.02.0.epic_craterlake.p1.e1.s1.r1.s0.b1",
    "x" * 5000,
    "word " * 2500,
]

texts = st.one_of(st.sampled_from(TRICKY), st.text(max_size=30))
scalars = st.one_of(texts, st.integers(), st.booleans(), st.none(), st.floats(allow_nan=False))
keys = st.one_of(st.sampled_from(["name", "status", "", "true", "1", "a: b", "x" * 130]), texts)
values = st.recursive(
    scalars,
    lambda inner: st.one_of(st.lists(inner, max_size=4), st.dictionaries(keys, inner, max_size=4)),
    max_leaves=25,
)
records = st.dictionaries(keys, values, max_size=6)


@settings(max_examples=600, deadline=None)
@given(records)
def test_a_record_is_written_byte_for_byte_as_pyyaml_writes_it(record: dict[str, Any]) -> None:
    assert dump_yaml(record) == dump_yaml_pyyaml(record)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(TRICKY), min_size=1, max_size=8))
def test_tricky_strings_as_values_keys_and_items_are_written_as_pyyaml_writes_them(
    strings: list[str],
) -> None:
    record = {
        "value": strings[0],
        "items": strings,
        "nested": {s: [{"k": s}] for s in strings},
        "lists": [[s] for s in strings],
    }
    assert dump_yaml(record) == dump_yaml_pyyaml(record)


@pytest.mark.parametrize("line_break", ["\n", "\r", "\x85", "\u2028", "\u2029"])
def test_a_string_with_a_line_break_is_written_as_pyyaml_writes_it_at_any_depth(
    line_break: str,
) -> None:
    """PyYAML indents the continuation of a quoted string after any YAML line break as deep
    as the string stands (Hypothesis found {'name': {'name': 'a\u2028b'}})."""
    text = f"a{line_break}b"
    for record in (
        {"name": text},
        {"name": {"name": text}},
        {"a": {"b": {"c": [text]}}},
        {"items": [{"k": text}], "after": text},
    ):
        assert dump_yaml(record) == dump_yaml_pyyaml(record), record


@settings(max_examples=300, deadline=None)
@given(
    st.dictionaries(
        st.from_regex(r"[a-z_]{1,12}", fullmatch=True),
        st.one_of(texts, st.lists(texts, max_size=3)),
        max_size=6,
    )
)
def test_a_written_record_reads_back_as_the_same_record(record: dict[str, Any]) -> None:
    assert load_yaml_text(dump_yaml(record), "state/x.yaml") == record


def test_every_record_of_the_repository_and_the_test_data_is_written_as_pyyaml_writes_it() -> None:
    paths = [*(ROOT / "state").rglob("*.yaml"), *(ROOT / "tests" / "data").rglob("*.yaml")]
    assert paths
    for path in paths:
        data = load_yaml_text(path.read_text(encoding="utf-8"), str(path))
        assert dump_yaml(data) == dump_yaml_pyyaml(data), path
