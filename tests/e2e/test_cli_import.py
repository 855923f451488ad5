"""`pcs catalog import` keeps every row or refuses the file, and never stores a hostile cell."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import Result

from tests.conftest import snapshot

RunCli = Callable[..., Result]
HEADER = (
    "DSC or PWG,Priority,Dataset Path,Generator/Dataset Version,Number of Events,Background,"
    "New Request,Pre-TDR Use,Early Science Use,Other Use,Description,Issue\r\n"
)
A = "/volatile/eic/EPIC/EVGEN/DIS/NC/10x100/minQ2=1"
B = "/volatile/eic/EPIC/EVGEN/DIS/NC/18x275/minQ2=10"


def row(path: str, issue: str = "", description: str = "d", events: str = "1M") -> str:
    return f"inclusive,1,{path},pythia8,{events},No,Yes,No,No,,{description},{issue}\r\n"


def write(tmp_path: Path, *rows: str) -> str:
    path = tmp_path / "datasets.csv"
    path.write_bytes((HEADER + "".join(rows)).encode())
    return str(path)


def import_file(run_cli: RunCli, repo: Path, source: str) -> Result:
    return run_cli("--repo", str(repo), "catalog", "import", source)


def test_rows_sharing_an_issue_number_refuse_the_file_and_write_nothing(
    repo: Path, run_cli: RunCli, tmp_path: Path
) -> None:
    before = snapshot(repo)
    source = write(tmp_path, row(A, "5"), row(B, "6"), row(B + "/x", "5"), row(A + "/y", "5"))
    result = import_file(run_cli, repo, source)
    assert result.exit_code == 1
    assert result.stderr == (
        "Error: refused: nothing was imported; correct these lines of the catalogue file and "
        "import it again: 2 problem(s)\n"
        "  line 4: issue 5 is also the issue of line 2; one request has one row: merge the two "
        "rows or correct the issue number\n"
        "  line 5: issue 5 is also the issue of line 2; one request has one row: merge the two "
        "rows or correct the issue number\n"
    )
    assert snapshot(repo) == before


def test_rows_sharing_a_path_without_an_issue_are_all_kept(
    repo: Path, run_cli: RunCli, tmp_path: Path
) -> None:
    source = write(tmp_path, row(A, description="first"), row(A, description="second"))
    result = run_cli("--repo", str(repo), "catalog", "import", source, "--json")
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert (report["rows"], report["tasks_created"]) == (2, 2)
    tasks = sorted((repo / "state" / "prod_tasks").iterdir())
    assert len(tasks) == 2
    texts = [p.read_text(encoding="utf-8") for p in tasks]
    assert sum("description: first" in t for t in texts) == 1
    assert sum("description: second" in t for t in texts) == 1


@pytest.mark.parametrize(
    ("cell", "reason"),
    [
        ("-2+3*cmd|' /C calc'!A0", "starts with '-' and is not a plain number"),
        ("=HYPERLINK(x)", "starts with '='"),
        ("ok\u202etxt", "contains U+202E (a bidirectional control) at position 3"),
        ("nul\x00here", "contains U+0000 (a control character) at position 4"),
    ],
)
def test_a_hostile_cell_refuses_the_file_naming_its_line_and_column(
    repo: Path, run_cli: RunCli, tmp_path: Path, cell: str, reason: str
) -> None:
    before = snapshot(repo)
    csv_before = (repo / "docs" / "_data" / "datasets.csv").read_bytes()
    source = write(tmp_path, row(A, "5"), row(B, "6", description=f'"{cell}"'))
    result = import_file(run_cli, repo, source)
    assert result.exit_code == 1
    assert f"  line 3, column 'Description': the value {reason}" in result.stderr
    assert "nothing was imported" in result.stderr
    assert snapshot(repo) == before
    assert (repo / "docs" / "_data" / "datasets.csv").read_bytes() == csv_before


def test_a_negative_priority_is_a_plain_number_and_imports(
    repo: Path, run_cli: RunCli, tmp_path: Path
) -> None:
    source = write(tmp_path, row(A, "5").replace("inclusive,1,", "inclusive,-1,"))
    assert import_file(run_cli, repo, source).exit_code == 0


def test_a_reimport_with_a_new_path_moves_the_input_with_the_row(
    repo: Path, run_cli: RunCli, tmp_path: Path
) -> None:
    assert import_file(run_cli, repo, write(tmp_path, row(A, "5"))).exit_code == 0
    result = import_file(run_cli, repo, write(tmp_path, row(B, "5")))
    assert result.exit_code == 0, result.output
    shown = json.loads(run_cli("--repo", str(repo), "task", "get", "issue-5", "--json").stdout)
    task = shown.get("task", shown)
    assert task["catalog"]["dataset_path"] == B
    (did,) = task["input_datasets"]
    dataset = json.loads(run_cli("--repo", str(repo), "dataset", "get", did, "--json").stdout)
    assert dataset.get("dataset", dataset)["source"]["location"] == B
