"""Branch names of the branch publisher: deterministic, distinct and valid git refs."""

from __future__ import annotations

import hashlib
import subprocess

import pytest

from pcs_gitops.domain.intake import DatasetIntake, TaskIntake
from pcs_gitops.domain.state import State
from pcs_gitops.services.branches import branch_for, ref_safe
from pcs_gitops.services.ports import Target
from pcs_gitops.services.usecases.datasets import dataset_target
from pcs_gitops.services.usecases.tasks import intake_target, task_target


def dataset_branch(kind: str | None, location: str) -> str:
    return branch_for(dataset_target(DatasetIntake(location, kind)), State())


def task_branch(state: State, key: str) -> str:
    return branch_for(task_target(key), state)


def intake_branch(state: State, req: TaskIntake) -> str:
    return branch_for(intake_target(req), state)


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
    assert valid_ref(f"pcs/task-{safe}"), safe
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
    assert dataset_branch(None, path) == f"pcs/dataset-{digest}"
    assert dataset_branch("url", path) != dataset_branch("path", path)


def test_task_keys_map_to_request_or_task_branches() -> None:
    state = State()
    assert task_branch(state, "12") == "pcs/request-12"
    assert task_branch(state, "#12") == "pcs/request-12"
    assert task_branch(state, "issue-12") == "pcs/request-12"
    assert task_branch(state, "req.some.row") == "pcs/task-req.some.row"
    assert intake_branch(state, TaskIntake(public_catalog_issue="#4")) == "pcs/request-4"
    row = TaskIntake(public_catalog_csv_path="x.csv", public_catalog_row_key="Dataset Path=/a/b")
    assert intake_branch(state, row) == "pcs/task-req.a.b"
    assert intake_branch(state, TaskIntake(public_catalog_issue="nope")).startswith("pcs/task-")


def test_a_batch_gets_a_branch_named_after_its_key() -> None:
    assert branch_for(Target("batch", key="import-datasets.csv"), State()) == (
        "pcs/batch-import-datasets.csv"
    )
