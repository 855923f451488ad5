"""A managed repository with one ready task (``issue-7``, request issue #7) for the PanDA tests."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import Result

from pcs_gitops import bootstrap
from pcs_gitops.domain.readiness import unreachable

DIS_PATH = "/volatile/eic/EPIC/EVGEN/DIS/DJANGOH4.6.21-1.0/NC/Rad/ep/18x275/q2_1to10"
DIS_RELEASE = "https://github.com/eic/InclusiveDjangohSamples/releases/tag/DJANGOH4.6.21-1.0"
MONITOR = "https://pandamon.example/task/{jedi_task_id}/"


def make_ready_task(
    repo: Path, run_cli: Callable[..., Result], monkeypatch: pytest.MonkeyPatch
) -> Path:
    """Take in an input dataset and make task ``issue-7`` ready; the catalogue settings get a
    PanDA monitor link template."""
    monkeypatch.setattr(bootstrap, "path_probe", unreachable)  # /volatile is not mounted here
    base = ("--repo", str(repo))
    result = run_cli(
        *base,
        "dataset",
        "intake",
        "--source-location",
        DIS_PATH,
        "--release-url",
        DIS_RELEASE,
        "--json",
    )
    assert result.exit_code == 0, result.output
    did = json.loads(result.stdout)["dataset"]["did"]
    result = run_cli(
        *base,
        "task",
        "intake",
        "--public-catalog-issue",
        "7",
        "--input-dataset-did",
        did,
        "--pwg",
        "inclusive",
        "--priority",
        "1",
        "--dataset-path",
        DIS_PATH,
        "--events",
        "400k",
        "--generator-version",
        DIS_RELEASE,
    )
    assert result.exit_code == 0, result.output
    result = run_cli(*base, "task", "confirm", "issue-7")  # the requester vouches for the tags
    assert result.exit_code == 0, result.output + result.stderr
    result = run_cli(*base, "task", "set-status", "issue-7", "ready")
    assert result.exit_code == 0, result.output + result.stderr
    settings_file = repo / "state" / "catalog.yaml"
    settings = yaml.safe_load(settings_file.read_text())
    settings["panda_monitor_url"] = MONITOR
    settings_file.write_text(yaml.safe_dump(settings, sort_keys=False))
    return repo


def task_record(root: Path, name: str = "issue-7") -> dict[str, Any]:
    data = yaml.safe_load((root / "state" / "prod_tasks" / f"{name}.yaml").read_text())
    assert isinstance(data, dict)
    return data


def history(root: Path, name: str = "issue-7") -> list[str]:
    return [entry["action"] for entry in task_record(root, name)["history"]]
