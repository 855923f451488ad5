"""A locked tag never changes: ``pcs validate`` compares the state with the locked tags of the
commit it descends from (real git in a temporary directory)."""

from __future__ import annotations

from pathlib import Path

import pytest

from pcs_gitops.adapters.git import GitRepository
from pcs_gitops.adapters.yaml_store import TextStore
from pcs_gitops.domain.model import Tag, TagKind, TagStatus
from pcs_gitops.domain.state import State
from pcs_gitops.errors import UsageError
from pcs_gitops.services.locked_tags import first_difference, locked_at, locked_tag_problems
from tests.support.gh_events import git, make_catalogue_repo

SENTINEL = "state/tags/physics/p6001.yaml"


@pytest.fixture
def root(tmp_path: Path) -> Path:
    return make_catalogue_repo(tmp_path / "catalogue")


def commit(root: Path, message: str) -> None:
    git(root, "commit", "-qam", message)


def test_the_base_is_head_with_uncommitted_records_else_heads_parent(root: Path) -> None:
    repository = GitRepository(root)
    parent = git(root, "rev-parse", "HEAD~1").strip()
    assert repository.parent_of_worktree("state") == parent  # committed: the last commit's base
    (root / SENTINEL).write_text((root / SENTINEL).read_text() + "\n", encoding="utf-8")
    head = git(root, "rev-parse", "HEAD").strip()
    assert repository.parent_of_worktree("state") == head
    commit(root, "edit")
    assert repository.parent_of_worktree("state") == head
    assert GitRepository(root.parent).parent_of_worktree("state") is None  # not a repository


def test_a_first_commit_has_no_base(tmp_path: Path) -> None:
    git(tmp_path, "init", "-q")
    (tmp_path / "state").mkdir()
    (tmp_path / "state" / "a.yaml").write_text("a: 1\n", encoding="utf-8")
    git(tmp_path, "add", "-A")
    commit(tmp_path, "first")
    assert GitRepository(tmp_path).parent_of_worktree("state") is None


def test_files_at_reads_a_commits_files_byte_for_byte(root: Path) -> None:
    odd = root / "state" / "tags" / "physics" / "odd.yaml"
    odd.write_bytes("a: 'é'\r\nb: c\r\n".encode())
    git(root, "add", "-A")
    commit(root, "odd")
    files = GitRepository(root).files_at("HEAD", "state/tags")
    assert files["state/tags/physics/odd.yaml"] == "a: 'é'\r\nb: c\r\n"
    assert SENTINEL in files and all(p.startswith("state/tags/") for p in files)
    with pytest.raises(UsageError, match="'--help' is not a git revision"):
        GitRepository(root).files_at("--help", "state/tags")
    with pytest.raises(UsageError, match="'nope' names no commit of this repository"):
        GitRepository(root).files_at("nope", "state/tags")


def test_a_changed_unlocked_or_removed_locked_tag_is_a_problem_naming_its_field(
    root: Path,
) -> None:
    base = locked_at(TextStore(GitRepository(root).files_at("HEAD", "state/tags")).iter_files())
    assert set(base) == {"p6001", "r0", "s0"}
    state = State()
    state.tags = dict(base)
    state.tags["p6001"] = Tag(**{**base["p6001"].__dict__, "status": TagStatus.DRAFT})
    del state.tags["s0"]
    found = [(p.file, p.path) for p in locked_tag_problems("main", base, state)]
    assert found == [(SENTINEL, "status"), ("state/tags/simu/s0.yaml", "label")]


def test_the_first_difference_is_the_deepest_changed_field() -> None:
    old = {"label": "p1", "parameters": {"a": "1", "b": "2"}}
    assert first_difference(old, {"label": "p1", "parameters": {"a": "1", "b": "3"}}) == (
        "parameters.b"
    )
    assert first_difference(old, {**old, "pwg": "edt"}) == "pwg"
    assert first_difference(old, old) == ""


def test_an_unlocked_tag_may_change() -> None:
    draft = Tag(TagKind.PHYSICS, "p2001", category=2, parameters={"process": "DIS"})
    state = State()
    state.tags["p2001"] = Tag(**{**draft.__dict__, "parameters": {"process": "DIS_NC"}})
    assert locked_tag_problems("main", {}, state) == []
