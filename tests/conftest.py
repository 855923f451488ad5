"""Shared fixtures: fresh repositories in temp dirs, the imported real catalogue, a CLI runner."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from pcs_gitops.adapters.clock import FixedClock
from pcs_gitops.bootstrap import Services, build, init_repository
from pcs_gitops.config import Settings
from pcs_gitops.entrypoints.cli import cli

DATA = Path(__file__).parent / "data"
REAL_CATALOG = DATA / "epic-prod" / "datasets.csv"
REAL_FORM = DATA / "epic-prod" / "dataset_request.yml"
NOW = "2026-11-28T12:00:00Z"


@pytest.fixture(autouse=True)
def _outside_github_actions(monkeypatch: pytest.MonkeyPatch) -> None:
    """Tests see pcs as a developer runs it, even when the suite itself runs in Actions (no
    annotations, no job summary); the tests of that output set the variables themselves."""
    for name in ("GITHUB_ACTIONS", "GITHUB_STEP_SUMMARY"):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """A new, empty managed repository."""
    root = tmp_path / "repo"
    init_repository(root)
    return root


@pytest.fixture(scope="session")
def _imported_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("imported") / "repo"
    init_repository(root)
    result = CliRunner().invoke(
        cli,
        ["--repo", str(root), "catalog", "import", str(REAL_CATALOG)],
        env={"PCS_ACTOR": "importer"},
    )
    assert result.exit_code == 0, result.output
    return root


@pytest.fixture
def imported_repo(_imported_template: Path, tmp_path: Path) -> Path:
    """A repository holding the real epic-prod catalogue (405 requests), copied per test."""
    root = tmp_path / "imported"
    shutil.copytree(_imported_template, root)
    return root


@pytest.fixture
def services(repo: Path) -> Services:
    return build(Settings.from_env(repo, {}), clock=FixedClock(NOW))


@pytest.fixture
def run_cli() -> Callable[..., Result]:
    """Invoke ``pcs`` in-process; returns click's Result (stdout and stderr kept apart)."""

    def invoke(*args: str, env: dict[str, str] | None = None) -> Result:
        return CliRunner().invoke(cli, list(args), env={"PCS_ACTOR": "tester", **(env or {})})

    return invoke


def snapshot(root: Path) -> dict[str, bytes]:
    """Every file under state/ with its bytes (to prove a refusal changed nothing)."""
    return {
        str(p.relative_to(root)): p.read_bytes()
        for p in sorted((root / "state").rglob("*"))
        if p.is_file()
    }
