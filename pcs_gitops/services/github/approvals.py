"""A push to the default branch that changed what an approved payload is built from (a merged
config or tag change, a hand edit): the approvals that no longer hold are withdrawn there, with
one commit, and each request's issue says so (status comment, label)."""

from __future__ import annotations

from pcs_gitops.domain.approval import staleness
from pcs_gitops.domain.model import TaskStatus
from pcs_gitops.domain.state import State
from pcs_gitops.errors import GitError, PushRejected, StateFileError, ValidationFailed
from pcs_gitops.services import request_texts as texts
from pcs_gitops.services.approval import withdraw_stale_approvals
from pcs_gitops.services.github.context import SURFACE, Pipeline
from pcs_gitops.services.github.events import PushEvent
from pcs_gitops.services.github.outcome import Outcome
from pcs_gitops.services.github.status import first_with, own_comments, view_of, write_status
from pcs_gitops.services.github.views import Snapshot, request_snapshot
from pcs_gitops.services.ports import Actor, BranchOptions, Target
from pcs_gitops.services.unit_of_work import UnitOfWork


def withdraw_stale_on_default(p: Pipeline, event: PushEvent, out: Outcome) -> None:
    """Withdraw, on the default branch, every approval whose payload changed (the caller has
    read the pushed commit and found one: ``any_stale``)."""
    actor = Actor(event.sender or "pcs", SURFACE)

    def change(uow: UnitOfWork) -> list[tuple[int, Snapshot | None]]:
        found = withdraw_stale_approvals(uow.state, actor, uow.clock.now())
        if not found:
            return []
        names = ", ".join(w.task.name for w in found)
        uow.commit(f"Withdraw the approval of {names}: its payload changed on the default branch")
        return [
            (
                w.task.public_catalog.issue,
                request_snapshot(uow.state, w.task.public_catalog.issue, p.probe),
            )
            for w in found
            if w.task.public_catalog.issue is not None
        ]

    try:
        done = p.publisher.run(Target("default"), change, BranchOptions(status=False))
    except PushRejected:
        raise
    except (ValidationFailed, StateFileError):  # a broken default branch: pcs:blocked's turn
        return
    except GitError as exc:  # a protected default branch: say what a maintainer must run
        out.notes.append(
            f"approvals whose payload changed could not be withdrawn on {p.default_branch}: "
            f"{exc}; run 'pcs task withdraw-stale-approvals' there"
        )
        return
    if done.placement is not None and done.placement.commit:
        out.commits.append(done.placement.commit)
        out.pushed.append(done.placement.branch)
    for issue, snap in done.result:
        own = own_comments(p, issue)
        status = first_with(own, texts.STATUS_MARKER)
        previous = texts.decode_state(status.body) if status else {}
        view = view_of(p, issue, texts.branch_name(issue), snap, "open", None)
        desired = texts.desired_labels(
            snap.status if snap else None, snap.substate if snap else None
        )
        write_status(p, issue, view, status, previous, [], out, desired=desired)
        out.refreshed.append(issue)


def any_stale(state: State) -> bool:
    """Whether an approval of ``state`` no longer holds (its payload changed)."""
    ready = (t for t in state.tasks.values() if t.status is TaskStatus.READY)
    return any(staleness(state, t) is not None for t in ready)
