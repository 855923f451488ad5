"""``push`` events on the default branch: stale request branches are rebuilt on it."""

from __future__ import annotations

from pcs_gitops.services import request_texts as texts
from pcs_gitops.services.branches import REQUEST_PREFIX, issue_of_branch
from pcs_gitops.services.github.approvals import withdraw_stale_on_default
from pcs_gitops.services.github.context import Pipeline
from pcs_gitops.services.github.converge import Steer, converge, no_change
from pcs_gitops.services.github.events import PushEvent
from pcs_gitops.services.github.intake import take_in_only
from pcs_gitops.services.github.outcome import Change, Outcome, RequestRef


def on_push(p: Pipeline, event: PushEvent, out: Outcome) -> None:
    if event.ref != f"refs/heads/{p.default_branch}" or event.deleted:
        out.ignore(f"a push to {event.ref or 'an unknown ref'}, not to the default branch")
        return
    out.handled = True
    withdraw_stale_on_default(p, event, out)  # first: the request branches then build on it
    requests = {
        branch: number
        for branch in p.workspace.branches(REQUEST_PREFIX)
        if (number := issue_of_branch(branch)) is not None
    }
    for branch in sorted(p.workspace.stale(list(requests), p.default_branch)):
        number = requests[branch]
        pull = p.github.find_pull(branch)
        if pull is None or pull.state != "open":
            continue
        req = RequestRef(issue=number, sender=event.sender)
        change = Change(f"Bring dataset request #{number} up to date with the default branch")
        converge(p, req, no_change, change, out, Steer(known_pull=pull))
        out.refreshed.append(number)
    retry_blocked(p, event, out)
    if not out.refreshed:
        out.reason = "no open request pull request is stale, none waits for a repair"


def retry_blocked(p: Pipeline, event: PushEvent, out: Outcome) -> None:
    """Take in again the requests that waited for the default branch to be repaired."""
    waiting = p.github.list_issues(texts.BLOCKED_LABEL)
    if not waiting or p.base_problems():
        return
    label = p.trusted.settings.request_label
    for issue in waiting:
        if label not in issue.labels or not issue.body:
            continue
        req = RequestRef(
            issue=issue.number,
            sender=event.sender,
            requester=issue.author,
            labels=issue.labels,
            body=issue.body,
        )
        change = Change(f"Take in dataset request #{issue.number} after the repair")
        converge(p, req, lambda state, ch, r: take_in_only(p, state, ch, r), change, out)
        out.refreshed.append(issue.number)
