"""The YAML state store (pcs_gitops.adapters.yaml_store) on real files in a temp directory."""

from __future__ import annotations

import itertools
import os
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pcs_gitops.adapters import yaml_store
from pcs_gitops.adapters.yaml_store import (
    RawFile,
    YamlStateStore,
    dump_yaml,
    load_yaml_text,
    write_atomic,
)
from pcs_gitops.errors import StateFileError

RECORD = "state/prod_tasks/issue-5.yaml"


def billion_laughs(levels: int = 8, fan_out: int = 9) -> str:
    """The classic YAML bomb: each level is a list of ``fan_out`` aliases of the level below."""
    lines = ["a: &a [" + ", ".join(['"lol"'] * fan_out) + "]"]
    for below, level in itertools.pairwise("abcdefghijklmnopqrstuvwxyz"[: levels + 1]):
        lines.append(f"{level}: &{level} [" + ", ".join([f"*{below}"] * fan_out) + "]")
    return "\n".join(lines) + "\n"


def files_in(directory: Path) -> list[str]:
    return sorted(str(p.relative_to(directory)) for p in directory.rglob("*") if p.is_file())


# --------------------------------------------------------------------------- dumping
def test_keys_are_written_in_insertion_order_not_sorted() -> None:
    assert dump_yaml({"name": "x", "status": "draft", "a": 1}) == "name: x\nstatus: draft\na: 1\n"


def test_nested_records_use_block_style_with_two_space_indent() -> None:
    data = {"tags": {"physics": "p1", "background": None}, "list": [1, "two"], "e": {}, "f": []}
    assert dump_yaml(data) == (
        "tags:\n  physics: p1\n  background: null\nlist:\n- 1\n- two\ne: {}\nf: []\n"
    )


def test_non_ascii_text_is_written_as_utf8_not_escaped() -> None:
    text = dump_yaml({"description": "Q² from 1 to 10⁴ GeV² – 〃"})
    assert text == "description: Q² from 1 to 10⁴ GeV² – 〃\n"
    assert "\\u" not in text


def test_a_dump_always_ends_with_exactly_one_newline() -> None:
    for data in ({"a": 1}, {"a": "x\n"}, {"a": "line\nline\n\n"}, {}):
        text = dump_yaml(data)
        assert text.endswith("\n")
        assert load_yaml_text(text, RECORD) == data


def test_shared_objects_are_written_out_in_full_never_as_anchors() -> None:
    shared = {"kind": "path", "location": "/a"}
    items = ["x", "y"]
    text = dump_yaml({"first": shared, "second": shared, "l1": items, "l2": items})
    assert "&" not in text
    assert "*" not in text
    assert load_yaml_text(text, RECORD) == {
        "first": shared,
        "second": shared,
        "l1": items,
        "l2": items,
    }


def test_the_same_data_always_dumps_to_the_same_bytes() -> None:
    data = {"name": "t", "history": [{"at": "2026", "by": "me", "detail": {"x": [1, 2]}}]}
    assert dump_yaml(data) == dump_yaml(dict(data))


@pytest.mark.parametrize(
    "value",
    [
        "line one \r\nline two",
        "one\r\ntwo\r\n",
        "trailing spaces   ",
        "  leading spaces",
        "multi \nline \nwith trailing spaces \n",
        "\nstarts with a newline",
        "ends with newlines\n\n",
        "lone\rcarriage return",
        "tab\there",
        "yes",
        "null",
        "1.0",
        "0x10",
        "~",
        "- not a list",
        "key: not a mapping",
        "#not a comment",
        "*not an alias",
        "&not an anchor",
        "'single' and \"double\"",
        "",
    ],
)
def test_a_string_round_trips_exactly(value: str) -> None:
    assert load_yaml_text(dump_yaml({"v": value}), RECORD) == {"v": value}


@settings(max_examples=200, deadline=None)
@given(st.dictionaries(st.text(max_size=10), st.text(max_size=60), max_size=4))
def test_any_text_mapping_round_trips_exactly(data: dict[str, str]) -> None:
    text = dump_yaml(data)
    assert load_yaml_text(text, RECORD) == data
    assert list(load_yaml_text(text, RECORD)) == list(data)


# --------------------------------------------------------------------------- writing
def test_a_write_replaces_the_file_atomically_and_leaves_no_temp_file(tmp_path: Path) -> None:
    target = tmp_path / "state" / "prod_tasks" / "x.yaml"
    write_atomic(target, "a: 1\n")
    write_atomic(target, b"a: 2\n")
    assert target.read_bytes() == b"a: 2\n"
    assert files_in(tmp_path) == ["state/prod_tasks/x.yaml"]


def test_a_failed_write_keeps_the_old_file_and_removes_the_temp_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "x.yaml"
    target.write_bytes(b"a: 1\n")

    def refuse(src: str, dst: object) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(yaml_store.os, "replace", refuse)
    with pytest.raises(OSError, match="disk full"):
        write_atomic(target, "a: 2\n")
    assert target.read_bytes() == b"a: 1\n"
    assert files_in(tmp_path) == ["x.yaml"]


def test_the_store_writes_only_when_the_bytes_change(tmp_path: Path) -> None:
    store = YamlStateStore(tmp_path)
    assert store.write(RECORD, {"name": "issue-5", "status": "draft"}) is True
    first = (tmp_path / RECORD).stat().st_mtime_ns
    os.utime(tmp_path / RECORD, ns=(first - 10**9, first - 10**9))
    assert store.write(RECORD, {"name": "issue-5", "status": "draft"}) is False
    assert (tmp_path / RECORD).stat().st_mtime_ns == first - 10**9
    assert store.write(RECORD, {"name": "issue-5", "status": "ready"}) is True
    assert (tmp_path / RECORD).read_text(encoding="utf-8") == "name: issue-5\nstatus: ready\n"
    assert files_in(tmp_path) == [RECORD]


def test_the_store_reads_back_what_it_wrote_in_path_order(tmp_path: Path) -> None:
    store = YamlStateStore(tmp_path)
    store.write("state/tags/simu/s0.yaml", {"label": "s0"})
    store.write("state/catalog.yaml", {"repository": "eic/epic-prod"})
    store.write(RECORD, {"name": "issue-5", "text": "line \r\nline"})
    (tmp_path / "state" / "README.txt").write_text("not a record")
    (tmp_path / "state" / ".hidden.yaml").write_text("a: 1")
    assert list(store.iter_files()) == [
        RawFile("state/catalog.yaml", {"repository": "eic/epic-prod"}),
        RawFile(RECORD, {"name": "issue-5", "text": "line \r\nline"}),
        RawFile("state/tags/simu/s0.yaml", {"label": "s0"}),
    ]


def test_deleting_a_record_reports_whether_a_file_was_there(tmp_path: Path) -> None:
    store = YamlStateStore(tmp_path)
    store.write(RECORD, {"name": "issue-5"})
    assert store.delete(RECORD) is True
    assert store.delete(RECORD) is False


def forking_early(
    monkeypatch: pytest.MonkeyPatch, per_worker: int = 2, workers: int = 3
) -> list[int]:
    """Make the store fork ``workers`` ways from ``per_worker`` files each (reads and writes of
    a handful of records); the number of chunks of each fork made."""
    forks: list[int] = []
    real_map_chunks = yaml_store.forking.map_chunks

    def counting_map_chunks(fn, chunks):  # type: ignore[no-untyped-def]
        forks.append(len(chunks))
        return real_map_chunks(fn, chunks)

    monkeypatch.setattr(yaml_store, "_FILES_PER_WORKER", per_worker)
    monkeypatch.setattr(yaml_store.forking, "available_cpus", lambda: workers)
    monkeypatch.setattr(yaml_store.forking, "map_chunks", counting_map_chunks)
    return forks


def many_records(count: int) -> dict[str, dict[str, object] | None]:
    return {f"state/datasets/d{n:02d}.yaml": {"name": f"d{n:02d}", "n": n} for n in range(count)}


def test_many_records_written_by_forked_workers_are_what_one_process_writes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The changed records come back in the order given (an unchanged one is left out, a
    record given None is deleted); progress is told by the caller, up to the total."""
    records = many_records(11)
    serial = YamlStateStore(tmp_path / "serial")
    serial.write("state/datasets/d03.yaml", records["state/datasets/d03.yaml"])
    serial.write("state/datasets/gone.yaml", {"name": "gone"})
    records["state/datasets/gone.yaml"] = None
    paths = sorted(records)
    expected = [p for p in paths if p != "state/datasets/d03.yaml"]
    assert serial.write_many(paths, records.__getitem__, lambda *a: None) == expected

    forks = forking_early(monkeypatch)
    parallel = YamlStateStore(tmp_path / "parallel")
    parallel.write("state/datasets/d03.yaml", records["state/datasets/d03.yaml"])
    parallel.write("state/datasets/gone.yaml", {"name": "gone"})
    seen: list[tuple[str, int, int]] = []
    assert parallel.write_many(paths, records.__getitem__, lambda *a: seen.append(a)) == expected
    assert forks == [3]
    assert files_in(tmp_path / "parallel") == files_in(tmp_path / "serial")
    for name in files_in(tmp_path / "serial"):
        assert (tmp_path / "parallel" / name).read_bytes() == (
            tmp_path / "serial" / name
        ).read_bytes()
    assert seen[-1] == ("writing records", 12, 12)
    assert all(done <= total == 12 for _, done, total in seen)


def test_a_record_a_worker_cannot_write_fails_the_write_with_its_own_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The error a worker met is raised as it was (type, errno, file), as one process would,
    and the records before it in every share are written."""
    records = many_records(9)
    (tmp_path / "state").mkdir()
    (tmp_path / "state" / "prod_tasks").write_text("a file where a directory belongs")
    blocked = "state/prod_tasks/t1.yaml"  # sorts last: in the last worker's share
    records[blocked] = {"name": "t1"}
    forks = forking_early(monkeypatch)
    store = YamlStateStore(tmp_path)
    with pytest.raises(OSError) as caught:
        store.write_many(sorted(records), records.__getitem__, lambda *a: None)
    assert forks == [3]
    assert type(caught.value) in (NotADirectoryError, FileExistsError)
    assert str(tmp_path / "state" / "prod_tasks") in str(caught.value)
    assert files_in(tmp_path / "state" / "datasets") == [f"d{n:02d}.yaml" for n in range(9)]


# --------------------------------------------------------------------------- hostile input
def test_a_yaml_bomb_is_refused_naming_the_file() -> None:
    bomb = billion_laughs()
    assert bomb.count("*") == 8 * 9
    with pytest.raises(StateFileError) as caught:
        load_yaml_text(bomb, RECORD)
    assert str(caught.value) == (
        f"{RECORD}: YAML anchors and aliases are not allowed in records (line 1); "
        "write the values out in full"
    )


def test_a_yaml_bomb_is_refused_before_any_node_is_composed(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def explode(*args: object, **kwargs: object) -> object:
        raise AssertionError("the document was composed")

    monkeypatch.setattr(yaml_store.yaml, "load", explode)
    with pytest.raises(StateFileError, match="anchors and aliases are not allowed"):
        load_yaml_text(billion_laughs(), RECORD)


@pytest.mark.parametrize(
    ("text", "line"),
    [
        ("a: &x 1\nb: *x\n", 1),
        ("a: 1\nb: &x 2\n", 2),
        ("list:\n  - name: one\n    spec: &s {cores: 1}\n  - name: two\n    spec: *s\n", 3),
        ("a: [1, 2]\nb: {c: *undefined}\n", 2),
        ("--- &doc\na: 1\n", 1),
    ],
)
def test_an_anchor_or_alias_anywhere_is_refused_with_its_line(text: str, line: int) -> None:
    with pytest.raises(StateFileError) as caught:
        load_yaml_text(text, RECORD)
    assert str(caught.value).startswith(f"{RECORD}: YAML anchors and aliases are not allowed")
    assert f"(line {line})" in str(caught.value)


def test_stars_and_ampersands_inside_values_are_plain_text() -> None:
    text = "description: 'a * b & c'\nother: x*y&z\n"
    assert load_yaml_text(text, RECORD) == {"description": "a * b & c", "other": "x*y&z"}


@pytest.mark.parametrize(
    ("text", "where", "problem"),
    [
        ("name: [oops\nstatus: draft\n", "(line 2, column 7)", "did not find expected ',' or ']'"),
        ("name: a: b\n", "(line 1, column 8)", "mapping values are not allowed in this context"),
        ("\tname: x\n", "(line 1, column 1)", "found character that cannot start any token"),
        ("a: 1\na: 'unterminated\n", "(line 3, column 1)", "found unexpected end of stream"),
    ],
)
def test_unparseable_yaml_names_the_file_and_the_line(text: str, where: str, problem: str) -> None:
    with pytest.raises(StateFileError) as caught:
        load_yaml_text(text, RECORD)
    assert str(caught.value) == f"{RECORD}: unparseable YAML {where}: {problem}"


def test_the_store_reports_a_bad_file_as_an_error_and_keeps_reading(tmp_path: Path) -> None:
    store = YamlStateStore(tmp_path)
    store.write("state/prod_tasks/good.yaml", {"name": "good"})
    bad = tmp_path / "state" / "prod_tasks" / "bomb.yaml"
    bad.write_text(billion_laughs(), encoding="utf-8")
    binary = tmp_path / "state" / "prod_tasks" / "latin1.yaml"
    binary.write_bytes("name: caf\xe9\n".encode("latin-1"))
    found = {raw.relpath: raw for raw in store.iter_files()}
    assert found["state/prod_tasks/good.yaml"] == RawFile(
        "state/prod_tasks/good.yaml", {"name": "good"}
    )
    bomb = found["state/prod_tasks/bomb.yaml"]
    assert bomb.data is None
    assert bomb.error is not None
    assert bomb.error.startswith("state/prod_tasks/bomb.yaml: YAML anchors and aliases")
    latin1 = found["state/prod_tasks/latin1.yaml"]
    assert latin1.error is not None
    assert latin1.error.startswith("state/prod_tasks/latin1.yaml: cannot read: ")


def test_a_big_state_parsed_by_forked_workers_reads_exactly_what_one_process_reads(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = YamlStateStore(tmp_path)
    for number in range(23):
        store.write(f"state/prod_tasks/t{number:02d}.yaml", {"name": f"t{number:02d}", "n": number})
        store.write(f"state/datasets/d{number:02d}.yaml", {"name": f"d{number:02d}"})
    (tmp_path / "state" / "prod_tasks" / "t07.yaml").write_text(billion_laughs(), "utf-8")
    (tmp_path / "state" / "datasets" / "d11.yaml").write_bytes(b"name: caf\xe9\n")
    serial = list(store.iter_files())
    forks = forking_early(monkeypatch, per_worker=5)
    parallel = list(store.iter_files())

    assert forks == [3]
    assert parallel == serial
    assert [raw.relpath for raw in parallel] == sorted(raw.relpath for raw in parallel)
    assert sum(raw.error is not None for raw in parallel) == 2


def test_a_store_rooted_at_a_relative_path_reads_repository_relative_paths(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "state" / "prod_tasks").mkdir(parents=True)
    (tmp_path / "state" / "prod_tasks" / "t.yaml").write_text("name: t\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    found = [(raw.relpath, raw.data) for raw in YamlStateStore(Path(".")).iter_files()]
    assert found == [("state/prod_tasks/t.yaml", {"name": "t"})]
