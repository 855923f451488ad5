"""The tooling gate runs inside the test suite: ruff, mypy --strict, import-linter contracts."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _tool(name: str) -> str:
    candidate = Path(sys.executable).with_name(name)
    found = str(candidate) if candidate.exists() else shutil.which(name)
    assert found, f"{name} is not installed: pip install -e '.[test]'"
    return found


def _run(*argv: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(argv, cwd=ROOT, capture_output=True, text=True, check=False)


def test_ruff_reports_no_problem() -> None:
    result = _run(_tool("ruff"), "check", "pcs_gitops", "tests", "benchmarks")
    assert result.returncode == 0, result.stdout + result.stderr


def test_mypy_strict_passes_on_the_package() -> None:
    result = _run(_tool("mypy"), "pcs_gitops")
    assert result.returncode == 0, result.stdout + result.stderr


def test_layer_contracts_hold() -> None:
    result = _run(_tool("lint-imports"), "--no-cache")
    assert result.returncode == 0, result.stdout + result.stderr


def test_repository_schemas_match_the_packaged_ones() -> None:
    packaged = ROOT / "pcs_gitops" / "resources" / "schemas"
    for schema in packaged.glob("*.schema.json"):
        assert (ROOT / "schemas" / schema.name).read_text() == schema.read_text(), schema.name
