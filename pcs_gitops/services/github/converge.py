"""Converging the world on a request after an event: its branch (through the publishing port),
its ONE pull request and commit status (the branch publisher keeps those), then its labels, its
status comment and the reply to a command.

Every step first looks at what exists, so replaying an event, or two events arriving for the
same change, creates nothing new, and an event that changes nothing commits nothing."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

from pcs_gitops.domain.state import State
from pcs_gitops.errors import Refused, StateFileError, ValidationFailed
from pcs_gitops.services import request_texts as texts
from pcs_gitops.services.branches import request_branch
from pcs_gitops.services.github.context import SURFACE, Pipeline
from pcs_gitops.services.github.history import record_plain_comments
from pcs_gitops.services.github.outcome import Change, Outcome, RequestRef
from pcs_gitops.services.github.status import first_with, own_among, view_of
from pcs_gitops.services.github.status import write_status as write_status_comment
from pcs_gitops.services.github.views import Snapshot, request_snapshot
from pcs_gitops.services.github_port import CommentInfo, PullInfo
from pcs_gitops.services.ports import Actor, BranchOptions, Placement, Target
from pcs_gitops.services.unit_of_work import UnitOfWork

Mutation = Callable[[State, Change, RequestRef], None]


def no_change(state: State, change: Change, req: RequestRef) -> None:
    return None


@dataclass(frozen=True)
class Seen:
    """The bot's comments on the request as this run found them (read once, before the
    branch work: the status comment's hidden state says which head was validated)."""

    own: list[CommentInfo]
    status: CommentInfo | None
    previous: dict[str, Any]


@dataclass(frozen=True)
class Steer:
    """How one event treats the request branch."""

    force_sync: bool = False  # rebuild on the default branch even when it did not change
    reopen: bool = False  # reopen a closed pull request even without a new commit
    known_pull: PullInfo | None = None
    require_branch: bool = False  # do nothing when the branch does not exist
    allow_sync: bool = True


def converge(
    p: Pipeline,
    req: RequestRef,
    mutation: Mutation,
    change: Change,
    out: Outcome,
    steer: Steer = Steer(),
) -> Change:
    """Run ``mutation`` on the request branch and bring the issue up to date; returns the change
    as it ended (its reply says what happened, for a command)."""
    branch = request_branch(req.issue)
    out.issue = req.issue
    out.branch = branch
    if steer.require_branch and branch not in p.workspace.branches(branch):
        out.ignore(f"the branch {branch} does not exist")
        return change
    current = [change]

    comments = p.github.list_comments(req.issue)

    def run(uow: UnitOfWork) -> Snapshot | None:
        current[0] = change.fresh()
        mutation(uow.state, current[0], req)
        if uow.state.dirty:  # issue comments ride along with the request's next commit
            record_plain_comments(p, uow.state, req.issue, comments)
            uow.commit(current[0].message)
        return request_snapshot(uow.state, req.issue, p.probe)

    failures: list[Exception] = []

    def recover(uow: UnitOfWork, exc: Exception) -> Snapshot | None:
        failures.append(exc)
        if not isinstance(exc, Refused):
            current[0].fail(str(exc))
        return request_snapshot(uow.state, req.issue, p.probe)

    def sync_failed(source: State, exc: Exception) -> Snapshot | None:
        failures.append(exc)
        current[0] = change.fresh()
        current[0].touched = True
        current[0].notes.append(
            f"The request branch could not be brought up to date with {p.default_branch}: "
            f"{exc}. A maintainer must resolve it."
        )
        return request_snapshot(source, req.issue, p.probe)

    own = own_among(p, comments)
    status = first_with(own, texts.STATUS_MARKER)
    previous = texts.decode_state(status.body) if status else {}
    validated = previous.get("validated")
    options = BranchOptions(
        validated_head=validated if isinstance(validated, str) else None,
        check_head=True,
        sync=steer.allow_sync,
        force_sync=steer.force_sync,
        recover=recover,
        on_sync_failure=sync_failed,
        sync_message=change.message,
        known_pull=steer.known_pull,
        reopen=steer.reopen,
        actor=Actor(req.sender, SURFACE),
    )
    try:
        done = p.publisher.run(Target("request", issue=req.issue), run, options)
    except (ValidationFailed, StateFileError):  # the state could not even be loaded
        if not p.base_problems():
            raise
        return blocked(p, req, change, out, own, status, previous)
    if failures and not isinstance(failures[-1], Refused) and p.base_problems():
        return blocked(p, req, change, out, own, status, previous)
    placement = done.placement
    assert placement is not None  # the branch publisher always says where
    final = current[0]
    if placement.notes:
        final.touched = True
        final.notes[:0] = list(placement.notes)
    out.handled = True
    if placement.commit:
        out.commits.append(placement.commit)
        out.pushed.append(branch)
    if placement.pull is not None:
        out.pull = placement.pull.to_dict()
    seen = Seen(own, status, previous)
    update_issue(p, req, done.result, final, placement, out, steer, seen)
    return final


def blocked(
    p: Pipeline,
    req: RequestRef,
    change: Change,
    out: Outcome,
    own: list[CommentInfo],
    status: CommentInfo | None,
    previous: dict[str, Any],
) -> Change:
    """The default branch itself does not validate: say so on the issue (not the requester's
    fault; retried after the repair), label it for the maintainers, report the problems."""
    problems = p.base_problems()
    out.handled = True
    out.base_problems = [problem.to_dict() for problem in problems]
    view = replace(
        view_of(p, req.issue, request_branch(req.issue), None, "blocked", None),
        validation=tuple(str(problem) for problem in problems),
    )
    write_status_comment(
        p,
        req.issue,
        view,
        status,
        previous,
        req.labels,
        out,
        desired=[texts.BLOCKED_LABEL],
        notes=[],
        validation=view.validation,
    )
    return change


def update_issue(
    p: Pipeline,
    req: RequestRef,
    snap: Snapshot | None,
    change: Change,
    placement: Placement,
    out: Outcome,
    steer: Steer,
    seen: Seen,
) -> None:
    """The status comment and the labels, once the branch and PR are done."""
    pull = placement.pull_info or steer.known_pull
    status, previous = seen.status, seen.previous
    if change.phase == "pull-closed" and previous.get("phase") in ("closed", "merged"):
        out.reason = "the request was withdrawn or merged already"
        return
    if pull is not None and pull.state == "closed" and not pull.merged and not change.phase:
        change.phase = "pull-closed"
    view = view_of(p, req.issue, placement.branch, snap, change.phase, pull)
    desired = texts.desired_labels(snap.status if snap else None, snap.substate if snap else None)
    write_status_comment(
        p,
        req.issue,
        view,
        status,
        previous,
        req.labels,
        out,
        desired=desired,
        change=change,
        validation=placement.validation,
        validated=placement.status_head,
    )
