"""A State copied, and another commit's files laid over it (domain/state.py copy/forget,
services/loading.overlay): what a request branch rebuilt without a checkout starts from."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from pcs_gitops.services.loading import overlay
from tests.support.payload_state import payload_state


@dataclass(frozen=True)
class Raw:
    relpath: str
    data: Any
    error: str | None = None


def test_a_copy_shares_records_but_not_changes() -> None:
    state = payload_state()
    copy = state.copy()
    task = copy.tasks["issue-5"]
    copy.put_task(replace(task, description="changed in the copy"))
    copy.forget("state/tags/evgen/e1.yaml")
    assert state.tasks["issue-5"].description != "changed in the copy"
    assert "e1" in state.tags and "e1" not in copy.tags
    assert copy.dirty == {"state/prod_tasks/issue-5.yaml"} and state.dirty == set()


def test_overlay_replaces_adds_and_drops_records_and_keeps_the_indexes_true() -> None:
    state = payload_state()
    task = state.tasks["issue-5"]
    assert state.task_for_key(("issue", "5")) is task  # the index is built
    moved = replace(task, public_catalog=replace(task.public_catalog, issue=6))
    name = next(iter(state.datasets))
    problems = overlay(
        state,
        [
            Raw("state/prod_tasks/issue-5.yaml", moved.to_dict()),
            Raw("state/tags/evgen/e9.yaml", {**state.tags["e1"].to_dict(), "label": "e9"}),
        ],
        deleted=[f"state/datasets/{name}.yaml"],
    )
    assert problems == []
    assert state.task_for_key(("issue", "5")) is None
    assert state.task_for_key(("issue", "6")) == moved
    assert "e9" in state.tags and name not in state.datasets
    assert state.dirty == set()


def test_overlay_says_which_file_it_cannot_read() -> None:
    state = payload_state()
    problems = overlay(
        state,
        [
            Raw("state/prod_tasks/broken.yaml", None, "state/prod_tasks/broken.yaml: bad YAML"),
            Raw("state/elsewhere/x.yaml", {"name": "x"}),
        ],
    )
    assert [p.file for p in problems] == ["state/prod_tasks/broken.yaml", "state/elsewhere/x.yaml"]
