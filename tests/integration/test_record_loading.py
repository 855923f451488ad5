"""Loading records fast gives exactly what PyYAML gives: the direct construction, the record
cache and the marshalled transfer from forked workers never change a value."""

from __future__ import annotations

import datetime
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from pcs_gitops.adapters import forking, yaml_store
from pcs_gitops.adapters.record_cache import RECORD_CACHE
from pcs_gitops.adapters.yaml_store import RawFile, YamlStateStore, dump_yaml, load_yaml_text

# The store's loader through PyYAML's own constructor (it refuses repeated keys).
LOADER = yaml_store._Loader
# Texts that a plain scalar could be read as: numbers, booleans, nulls, dates, YAML syntax.
TRICKY = st.sampled_from(
    ["1", "-1", "0x1f", "1_000", "1.5e3", ".inf", "yes", "No", "on", "~", "null", "2026-03-01",
     "2026-03-01T09:00:00Z", "- a", "a: b", "#x", "'q'", '"d"', "", " lead", "trail ", "x\ny",
     "x\r\ny", "\ttab", "Q² ≥ 10⁴", "{{ site }}", "[1]"]
)  # fmt: skip
SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**40), max_value=2**40),
    st.floats(allow_nan=False),
    st.text(max_size=20),
    TRICKY,
)
RECORDS = st.recursive(
    SCALARS,
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.dictionaries(st.one_of(st.text(max_size=8), TRICKY), inner, max_size=4)
    ),
    max_leaves=25,
)


def reference(text: str) -> Any:
    return yaml.load(text, Loader=LOADER)


@settings(max_examples=300, deadline=None)
@given(RECORDS)
def test_dumped_records_load_back_exactly_as_pyyaml_loads_them(data: Any) -> None:
    text = dump_yaml({"record": data})
    assert load_yaml_text(text, "state/x.yaml") == reference(text) == {"record": data}


DOCUMENTS = st.lists(
    st.sampled_from(
        [
            "a: 1\n",
            "b: [1, x, 2.5, null]\n",
            "c: {d: e, f: [g]}\n",
            "d: 2026-03-01\n",
            "e: !!set {x, y}\n",
            "f: {<<: {g: 1}, h: 2}\n",
            "g: !!binary aGk=\n",
            "h: !!omap [a: 1]\n",
            "i: |\n  text\n  more\n",
            "j: >\n  folded\n  text\n",
            "k: 'q''s'\n",
            'l: "\\t\\u00e9"\n',
            "? [1, 2]\n: complex\n",
            "m: yes\n",
            "n: 0o17\n",
            "o: -.inf\n",
            "p:\n- q: 1\n  r: 2\n",
        ]
    ),
    min_size=1,
    max_size=5,
)


@settings(max_examples=200, deadline=None)
@given(DOCUMENTS)
def test_any_yaml_document_loads_as_pyyaml_loads_it_or_fails_as_it_fails(parts: list[str]) -> None:
    text = "".join(parts)
    try:
        expected: Any = reference(text)
    except yaml.YAMLError:
        with pytest.raises(Exception, match=r"unparseable YAML|duplicate key"):
            load_yaml_text(text, "state/x.yaml")
        return
    assert load_yaml_text(text, "state/x.yaml") == expected


def test_timestamps_and_sets_keep_their_pyyaml_types() -> None:
    data = load_yaml_text("d: 2026-03-01\ns: !!set {a}\n", "state/x.yaml")
    assert data == {"d": datetime.date(2026, 3, 1), "s": {"a"}}


# --------------------------------------------------------------------------- record cache
def write_records(root: Path, count: int) -> YamlStateStore:
    store = YamlStateStore(root, root / ".pcs")
    for number in range(count):
        store.write(f"state/prod_tasks/t{number:03d}.yaml", {"name": f"t{number:03d}", "n": number})
    return store


def parsed_paths(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    seen: list[str] = []
    real = yaml_store._parse

    def spy(relpath: str, content: bytes) -> RawFile:
        seen.append(relpath)
        return real(relpath, content)

    monkeypatch.setattr(yaml_store, "_parse", spy)
    return seen


def test_unchanged_files_are_not_parsed_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = write_records(tmp_path, 60)
    first = list(store.iter_files())
    assert (tmp_path / ".pcs" / RECORD_CACHE).is_file()
    seen = parsed_paths(monkeypatch)
    assert list(YamlStateStore(tmp_path, tmp_path / ".pcs").iter_files()) == first
    assert seen == []


def test_a_changed_file_is_parsed_again_and_the_rest_come_from_the_cache(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = write_records(tmp_path, 60)
    list(store.iter_files())
    store.write("state/prod_tasks/t007.yaml", {"name": "t007", "n": "changed"})
    (tmp_path / "state" / "prod_tasks" / "t008.yaml").write_bytes(b"name: [oops\n")
    seen = parsed_paths(monkeypatch)
    found = {raw.relpath: raw for raw in YamlStateStore(tmp_path, tmp_path / ".pcs").iter_files()}
    assert sorted(seen) == ["state/prod_tasks/t007.yaml", "state/prod_tasks/t008.yaml"]
    assert found["state/prod_tasks/t007.yaml"].data == {"name": "t007", "n": "changed"}
    assert found["state/prod_tasks/t008.yaml"].error is not None
    assert found == {raw.relpath: raw for raw in YamlStateStore(tmp_path).iter_files()}


@pytest.mark.parametrize("damage", [b"", b"\x00garbage", b"\xe3\x00\x00\x00"])
def test_a_damaged_cache_means_parsing_every_file(tmp_path: Path, damage: bytes) -> None:
    store = write_records(tmp_path, 5)
    expected = list(YamlStateStore(tmp_path).iter_files())
    list(store.iter_files())
    (tmp_path / ".pcs" / RECORD_CACHE).write_bytes(damage)
    assert list(YamlStateStore(tmp_path, tmp_path / ".pcs").iter_files()) == expected


def test_records_holding_timestamps_load_through_the_cache(tmp_path: Path) -> None:
    store = write_records(tmp_path, 3)
    (tmp_path / "state" / "prod_tasks" / "t001.yaml").write_text("name: t001\nat: 2026-03-01\n")
    first = list(store.iter_files())
    assert list(YamlStateStore(tmp_path, tmp_path / ".pcs").iter_files()) == first
    assert first[1].data["at"] == datetime.date(2026, 3, 1)


@pytest.mark.parametrize(
    "value", [[("a", {"b": [1, 2.5, None, True]}, None)], {datetime.date(2026, 1, 1)}]
)
def test_worker_results_survive_the_pipe_encoding(value: Any) -> None:
    assert forking.unpack(forking.pack(value)) == value
