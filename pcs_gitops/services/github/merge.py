"""The end of a request's pull request: merged (the publication recorded on the default branch,
the branch deleted; the issue stays open for the rest of the request's life) or closed without
merge; and the request issue closed (withdrawn)."""

from __future__ import annotations

from dataclasses import replace

from pcs_gitops.errors import GitError, PushRejected
from pcs_gitops.services import request_texts as texts
from pcs_gitops.services.branches import issue_of_branch, request_branch
from pcs_gitops.services.github.context import SURFACE, Pipeline
from pcs_gitops.services.github.converge import Steer, converge, no_change
from pcs_gitops.services.github.events import PullEvent
from pcs_gitops.services.github.outcome import Change, Outcome, RequestRef
from pcs_gitops.services.github.status import first_with, own_comments, view_of, write_status
from pcs_gitops.services.github.views import Snapshot, request_snapshot
from pcs_gitops.services.github_port import PullInfo
from pcs_gitops.services.ports import Actor, BranchOptions, Target
from pcs_gitops.services.tasks import publication_for, record_publication
from pcs_gitops.services.unit_of_work import UnitOfWork


def on_pull(p: Pipeline, event: PullEvent, out: Outcome) -> None:
    if event.action != "closed":
        out.ignore(f"pull request action '{event.action}' needs nothing")
        return
    number = issue_of_branch(event.head_ref)
    if number is None:
        out.ignore(f"'{event.head_ref}' is not a request branch")
        return
    if event.head_repo.casefold() != p.repository.casefold():
        out.ignore("the pull request comes from another repository")
        return
    out.issue = number
    out.branch = event.head_ref
    pull = PullInfo(
        number=event.number,
        head=event.head_ref,
        base=event.base_ref or p.default_branch,
        title=event.title,
        body=event.body,
        state="closed",
        merged=event.merged,
        html_url=event.html_url,
    )
    if pull.merged:
        record_merge(p, number, pull, event.merge_sha, out)
        return
    req = RequestRef(issue=number, sender=event.sender)
    change = Change(f"Dataset request #{number}", phase="pull-closed")
    steer = Steer(known_pull=pull, require_branch=True, allow_sync=False)
    converge(p, req, no_change, change, out, steer)


def record_merge(p: Pipeline, issue: int, pull: PullInfo, merge_sha: str, out: Outcome) -> None:
    """Record the publication on the default branch and delete the request branch. The issue
    stays open: it is the place for commands until the task is completed, failed or withdrawn;
    a later change gets a new branch and pull request."""
    out.handled = True
    snapshot: list[Snapshot | None] = [None]

    def record(uow: UnitOfWork) -> None:
        state = uow.state
        task = state.task_for_key(("issue", str(issue)))
        if task is None:
            out.notes.append(f"no task for issue #{issue} on {pull.base}; nothing recorded")
            return
        publication = publication_for(state, task, pull.number, merge_sha)
        record_publication(state, task.name, publication, Actor("pcs", SURFACE), uow.clock.now())
        if state.dirty:
            uow.commit(f"Record the merge of dataset request #{issue} (#{pull.number})")
        snapshot[0] = request_snapshot(state, issue, p.probe)

    try:
        done = p.publisher.run(Target("default"), record, BranchOptions(status=False))
    except PushRejected:
        raise
    except GitError as exc:
        # A protected default branch refuses the bot's push: the merge itself stands; the
        # status comment says how to record the rest.
        out.notes.append(_merge_not_recorded(pull.base, issue, pull.number, merge_sha, exc))
    else:
        if done.placement is not None and done.placement.commit:
            out.commits.append(done.placement.commit)
            out.pushed.append(done.placement.branch)
    if p.workspace.delete(pull.head):
        out.deleted.append(pull.head)
    own = own_comments(p, issue)
    status = first_with(own, texts.STATUS_MARKER)
    previous = texts.decode_state(status.body) if status else {}
    snap = snapshot[0]
    view = view_of(p, issue, pull.head, snap, "open", None)
    if snap is None or snap.published_pull is None:  # not recorded: say what was merged
        view = replace(view, published_pull=pull.number)
    desired = texts.desired_labels(snap.status if snap else None, snap.substate if snap else None)
    write_status(p, issue, view, status, previous, [], out, desired=desired, notes=list(out.notes))


def withdraw(p: Pipeline, issue: int, labels: list[str], out: Outcome) -> None:
    """The issue was closed: close the open request PR, delete the branch, say so."""
    branch = request_branch(issue)
    out.branch = branch
    pull = p.github.find_pull(branch)
    if pull is not None and pull.merged:
        out.ignore(f"the request was merged in #{pull.number}")
        return
    out.handled = True
    if pull is not None and pull.state == "open":
        p.github.update_pull(pull.number, state="closed")
        out.pull = {"number": pull.number, "url": pull.html_url, "action": "closed"}
    if p.workspace.delete(branch):
        out.deleted.append(branch)
    own = own_comments(p, issue)
    status = first_with(own, texts.STATUS_MARKER)
    if status is None and pull is None and not out.deleted:
        out.ignore("the request was never taken in")
        return
    previous = texts.decode_state(status.body) if status else {}
    view = texts.RequestView(
        issue=issue, branch=branch, phase="closed", pull_number=pull.number if pull else None
    )
    write_status(p, issue, view, status, previous, labels, out, desired=[])


def _merge_not_recorded(base: str, issue: int, pull: int, merge_sha: str, exc: GitError) -> str:
    text = str(exc).strip()
    first_line = text.splitlines()[0] if text else "refused"
    return (
        f"the merge record could not be pushed to {base} ({first_line}); allow the bot to push "
        f"to {base}, or record it with: pcs task record-publication {issue} --pr {pull}"
        + (f" --commit-sha {merge_sha}" if merge_sha else "")
    )
