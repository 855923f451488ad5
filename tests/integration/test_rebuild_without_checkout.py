"""A request branch rebuilt on the default branch without a checkout (adapters/branch_rebuild.py,
adapters/commit_state.py): the branch head's records come out exactly as a checkout reads them,
and the rebuilt branch holds exactly what the checkout path builds, with real git."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from pcs_gitops import bootstrap
from pcs_gitops.adapters.branch_rebuild import head_state, rebuild_plan
from pcs_gitops.adapters.commit_state import (
    CapturedWrites,
    CommitStateStore,
    GitRebuilder,
    commit_files,
)
from pcs_gitops.adapters.request_branch import GitBranchWorkspace
from pcs_gitops.domain.state import State
from pcs_gitops.services.loading import load_state
from pcs_gitops.services.ports import BranchOptions
from tests.support.gh_events import (
    DIS_BODY,
    git,
    issue,
    issue_event,
    make_catalogue_repo,
    push_event,
)
from tests.support.offline_pipeline import Pipeline

IDENTITY = ("pcs-test", "pcs-test@example.invalid")
TIMESTAMP = re.compile(rb"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z")


def racing(root: Path, tmp: Path) -> Pipeline:
    """#301 and #302 both take evgen label e1 on the same main; #301 is merged (recorded and
    rendered on main), so #302 must be rebuilt with e2."""
    pipeline = Pipeline(root, tmp)
    pipeline.handle("issues", issue_event("opened", issue(301)))
    pipeline.handle("issues", issue_event("opened", issue(302, DIS_BODY)))
    pipeline.merge(301, 1)
    return pipeline


def loaded(root: Path, commit: str) -> State:
    result = load_state(CommitStateStore(root, commit).iter_files(), None)
    assert result.problems == []
    return result.state


def records(state: State) -> dict[str, Any]:
    return {
        "tags": state.tags,
        "datasets": state.datasets,
        "configs": state.prod_configs,
        "tasks": state.tasks,
        "campaigns": state.campaigns,
        "settings": state.settings,
    }


def unrebuilt_uow(state: Any, store: Any) -> Any:
    raise AssertionError("not used")


def test_the_branch_heads_records_are_the_bases_with_the_fork_and_the_branch_laid_over(
    tmp_path: Path,
) -> None:
    root = make_catalogue_repo(tmp_path / "catalogue")
    racing(root, tmp_path)
    workspace = GitBranchWorkspace(root)
    plan = rebuild_plan(workspace, "pcs/request-302", "main", BranchOptions())
    assert plan is not None
    assert plan.divergence.fork == git(root, "merge-base", "main", "pcs/request-302")
    rebuilder = GitRebuilder(root, IDENTITY, None, unrebuilt_uow, lambda commit: [])
    built = head_state(rebuilder, plan)
    assert built is not None
    assert records(built) == records(loaded(root, plan.head))
    # the base's records are kept as they are (the rebuild works on copies)
    assert records(rebuilder.state_at(plan.base_head)) == records(loaded(root, plan.base_head))
    assert "issue-301" in rebuilder.state_at(plan.base_head).tasks
    assert "issue-301" not in built.tasks


def test_a_commit_of_files_over_another_commits_tree(tmp_path: Path) -> None:
    root = make_catalogue_repo(tmp_path / "catalogue")
    base = git(root, "rev-parse", "HEAD")
    captured = CapturedWrites()
    captured.write("state/campaigns/26.10.yaml", {"name": "26.10", "status": "open"})
    gone = git(root, "ls-tree", "-r", "--name-only", base, "state/prod_configs").split()[0]
    captured.delete(gone)
    new = commit_files(root, base, captured.files, [base], "Two changes", IDENTITY)
    assert new is not None
    changed = git(root, "diff", "--name-status", base, new).splitlines()
    assert sorted(changed) == sorted(["A\tstate/campaigns/26.10.yaml", f"D\t{gone}"])
    assert git(root, "log", "-1", "--format=%an|%s", new) == "pcs-test|Two changes"
    assert git(root, "show", f"{new}:state/campaigns/26.10.yaml") == "name: '26.10'\nstatus: open"
    assert git(root, "status", "--porcelain") == ""  # no working tree, no index touched
    assert commit_files(root, base, {}, [base], "Nothing", IDENTITY) is None


@pytest.fixture
def checkouts(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """The branches checked out into a worktree, as they happen."""
    seen: list[str] = []
    original = GitBranchWorkspace.checkout

    def counting(self: GitBranchWorkspace, branch: str, base: str) -> Any:
        seen.append(branch)
        return original(self, branch, base)

    monkeypatch.setattr(GitBranchWorkspace, "checkout", counting)
    yield seen


def rebuilt_tree(root: Path, tmp: Path, checkouts: list[str]) -> dict[str, bytes]:
    """#302 rebuilt by the push after #301's merge (``checkouts``: those the push made)."""
    pipeline = racing(root, tmp)
    checkouts.clear()
    out = pipeline.handle("push", push_event(git(root, "rev-parse", "HEAD")))
    assert out["refreshed"] == [302]
    paths = git(root, "ls-tree", "-r", "--name-only", "pcs/request-302").split("\n")
    return {
        path: TIMESTAMP.sub(b"<time>", git(root, "show", f"pcs/request-302:{path}").encode())
        for path in paths
        if path.startswith("state/")
    }


def test_the_rebuild_without_a_checkout_builds_what_the_checkout_builds(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, checkouts: list[str]
) -> None:
    fast = rebuilt_tree(
        make_catalogue_repo(tmp_path / "a" / "catalogue"), tmp_path / "a", checkouts
    )
    assert checkouts == []  # the push checked nothing out
    monkeypatch.setattr(bootstrap.Services, "_rebuilder", lambda self, workspace: None)
    slow = rebuilt_tree(
        make_catalogue_repo(tmp_path / "b" / "catalogue"), tmp_path / "b", checkouts
    )
    assert checkouts == ["pcs/request-302"]
    assert fast == slow
    assert any(".e2." in path for path in fast)  # e1 went to #301 meanwhile
