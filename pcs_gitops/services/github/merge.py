"""The end of a request's pull request: merged (recorded on the default branch, the branch
deleted, the issue closed) or closed without merge; and the request issue closed (withdrawn)."""

from __future__ import annotations

from pcs_gitops.domain.catalog import catalog_tasks
from pcs_gitops.domain.intake import TaskIntake
from pcs_gitops.errors import GitError, PcsError, PushRejected
from pcs_gitops.services import request_texts as texts
from pcs_gitops.services.branches import issue_of_branch, request_branch
from pcs_gitops.services.github.context import SURFACE, Pipeline
from pcs_gitops.services.github.converge import Steer, converge, no_change
from pcs_gitops.services.github.events import PullEvent
from pcs_gitops.services.github.outcome import Change, Outcome, RequestRef
from pcs_gitops.services.github.status import first_with, own_comments, write_status
from pcs_gitops.services.github_port import PullInfo
from pcs_gitops.services.ports import Actor, BranchOptions, Target
from pcs_gitops.services.tasks import intake_task
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
    """Record what the merge made known, delete the branch, close the issue."""
    out.handled = True
    page_url = [""]
    message = f"Record the merge of dataset request #{issue} (#{pull.number})"

    def record(uow: UnitOfWork) -> None:
        state = uow.state
        task = state.task_for_key(("issue", str(issue)))
        if task is None:
            out.notes.append(f"no task for issue #{issue} on {pull.base}; nothing recorded")
            return
        page_url[0] = texts.request_page_url(state.settings, task.name)
        rows = [t.name for t in catalog_tasks(state.tasks.values())]
        merged = TaskIntake(
            public_catalog_issue=issue,
            public_catalog_pr=pull.number,
            public_catalog_page_url=page_url[0],
            public_catalog_row_index=rows.index(task.name) + 1 if task.name in rows else None,
            public_catalog_commit_sha=merge_sha or None,
        )
        try:
            intake_task(state, merged, Actor("pcs", SURFACE), uow.clock.now())
        except PcsError as exc:
            out.notes.append(f"the merge of #{pull.number} was not recorded: {exc}")
            return
        if state.dirty:
            uow.commit(message)

    target = Target("default", title=message)
    try:
        done = p.publisher.run(target, record, BranchOptions(status=False))
    except PushRejected:
        raise
    except GitError as exc:
        # A protected default branch refuses the bot's push: the merge itself stands, so the
        # request is closed anyway with how to record the rest.
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
    if previous.get("phase") != "merged":
        p.github.close_issue(issue, reason="completed")
    view = texts.RequestView(
        issue=issue,
        branch=pull.head,
        phase="merged",
        pull_number=pull.number,
        pull_url=pull.html_url,
        page_url=page_url[0],
    )
    write_status(p, issue, view, status, previous, [], out, desired=[], notes=list(out.notes))


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
        f"to {base}, or record it with: pcs task intake --public-catalog-issue {issue} "
        f"--public-catalog-pr {pull}"
        + (f" --public-catalog-commit-sha {merge_sha}" if merge_sha else "")
    )
