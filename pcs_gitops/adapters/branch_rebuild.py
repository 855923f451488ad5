"""When, and from what, a request branch is rebuilt on its base.

A request branch carries records only, so it is rebuilt only when its base (the default branch)
changed what its records meet (``services.github.rebase.rebuild_reasons_of``). The rebuild needs
no checkout: the base's records are parsed once per base commit (``Rebuilder.state_at``; a push
rebuilds every branch it meets on the same one), the branch head's records are that state with
the fork's version of what the base changed since and the branch's own files laid over it, and
the new commit is the base's tree with the files the unit of work wrote.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Protocol

from pcs_gitops.adapters.commit_state import is_record_file
from pcs_gitops.domain.state import State
from pcs_gitops.services.branches import issue_of_branch
from pcs_gitops.services.github.rebase import rebuild_reasons_of
from pcs_gitops.services.loading import overlay
from pcs_gitops.services.ports import BranchOptions, BranchWorkspace, Divergence, RawRecordFile
from pcs_gitops.services.unit_of_work import UnitOfWork

Written = Callable[[], dict[str, bytes | None]]  # what a unit of work wrote: path -> bytes


class Rebuilder(Protocol):
    def state_at(self, commit: str) -> State:
        """The records of ``commit`` (shared: copy before changing them)."""
        ...

    def records_at(self, commit: str, paths: Sequence[str]) -> Sequence[RawRecordFile]:
        """The record files among ``paths`` as ``commit`` has them (absent ones left out)."""
        ...

    def unit_of_work(self, state: Callable[[], State]) -> tuple[UnitOfWork, Written]:
        """A unit of work over ``state`` whose writes are kept, not written to a checkout."""
        ...

    def commit(
        self, base: str, files: dict[str, bytes | None], parents: Sequence[str], message: str
    ) -> str | None:
        """A commit of ``base``'s tree with ``files``; None when it changes nothing."""
        ...

    def verify(self, commit: str) -> list[str]:
        """What ``pcs validate`` finds in ``commit`` (its parent's locked tags kept)."""
        ...


@dataclass(frozen=True)
class RebuildPlan:
    branch: str
    issue: int
    head: str
    base: str
    base_head: str
    divergence: Divergence


def must_rebuild(workspace: BranchWorkspace, branch: str, base: str) -> bool:
    """Whether a branch behind its base is rebuilt on it: a request branch only when the base
    changed what its records meet; any other branch always."""
    if issue_of_branch(branch) is None:
        return True
    found = workspace.diverged([branch], base, fetch=False)
    return branch in found and bool(rebuild_reasons_of(found[branch]))


def rebuild_plan(
    workspace: BranchWorkspace, branch: str, base: str, opts: BranchOptions
) -> RebuildPlan | None:
    """The rebuild this change of a request branch starts with (after ``heads``: fetched);
    None when there is none to do (or one only a checkout can do: no common ancestor)."""
    issue = issue_of_branch(branch)
    if issue is None or not (opts.sync or opts.force_sync):
        return None
    head, base_head = workspace.heads(branch, base, fetch=False)
    if head is None or base_head is None:
        return None
    found = workspace.diverged([branch], base, fetch=False).get(branch)
    if found is None or not found.related or not found.fork:
        return None
    if not opts.force_sync and not rebuild_reasons_of(found):
        return None
    return RebuildPlan(branch, issue, head, base, base_head, found)


def head_state(rebuilder: Rebuilder, plan: RebuildPlan) -> State | None:
    """The branch head's records, without reading all of them again: the base's, with the
    fork's version of what the base changed since, and the branch's own changes over that.
    None when one of those files cannot be read (a checkout then says which)."""
    divergence = plan.divergence
    source = rebuilder.state_at(plan.base_head).copy()
    changed_on_base = sorted(p for p in divergence.base_paths if is_record_file(p))
    at_fork = list(rebuilder.records_at(divergence.fork, changed_on_base))
    had = {raw.relpath for raw in at_fork}
    problems = overlay(source, at_fork, [p for p in changed_on_base if p not in had])
    mine = [p for p in divergence.branch_paths if is_record_file(p)]
    kept = {raw.relpath for raw in divergence.branch_files}
    problems += overlay(source, divergence.branch_files, [p for p in mine if p not in kept])
    return None if problems else source
