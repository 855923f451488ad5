"""Branch names of the MCP server's github mode: deterministic, distinct and valid git refs."""

from __future__ import annotations

import hashlib
import subprocess

import pytest

from pcs_gitops.domain.state import State
from pcs_gitops.services.branch_publishing import (
    dataset_branch,
    intake_branch,
    ref_safe,
    task_branch,
)
from pcs_gitops.services.tasks import TaskIntake


def valid_ref(branch: str) -> bool:
    done = subprocess.run(["git", "check-ref-format", "--branch", branch], capture_output=True)
    return done.returncode == 0


@pytest.mark.parametrize(
    "name",
    [
        "issue-5",
        "req.DIS.NC.18x275.minQ2=10",
        "a..b",
        "x.lock",
        ".hidden",
        "a/b c~d^e:f?g*h[i\\j",
        "ünïcode",
        "-",
        "n" * 300,
    ],
)
def test_ref_safe_names_are_valid_refs_and_keep_distinct_names_apart(name: str) -> None:
    safe = ref_safe(name)
    assert valid_ref(f"pcs/mcp-task-{safe}"), safe
    assert len(safe) <= 100
    assert ref_safe(name) == safe
    if safe != name:
        assert hashlib.sha256(name.encode()).hexdigest()[:8] in safe


def test_names_that_need_no_change_are_kept() -> None:
    assert ref_safe("req.DIS.NC.18x275.q2_5to50") == "req.DIS.NC.18x275.q2_5to50"
    assert ref_safe("a/b") != ref_safe("a-b")


def test_dataset_branch_uses_the_guessed_kind() -> None:
    path = "/volatile/eic/EPIC/EVGEN/DIS/x"
    digest = hashlib.sha256(f"path:{path}".encode()).hexdigest()[:12]
    assert dataset_branch(None, path) == dataset_branch("path", f" {path} ")
    assert dataset_branch(None, path) == f"pcs/mcp-dataset-{digest}"
    assert dataset_branch("url", path) != dataset_branch("path", path)


def test_task_keys_map_to_request_or_mcp_branches() -> None:
    state = State()
    assert task_branch(state, "12") == "pcs/request-12"
    assert task_branch(state, "#12") == "pcs/request-12"
    assert task_branch(state, "issue-12") == "pcs/request-12"
    assert task_branch(state, "req.some.row") == "pcs/mcp-task-req.some.row"
    assert intake_branch(state, TaskIntake(public_catalog_issue="#4")) == "pcs/request-4"
    row = TaskIntake(public_catalog_csv_path="x.csv", public_catalog_row_key="Dataset Path=/a/b")
    assert intake_branch(state, row) == "pcs/mcp-task-req.a.b"
    assert intake_branch(state, TaskIntake(public_catalog_issue="nope")).startswith("pcs/mcp-task-")
