"""``push`` events on the default branch: stale request branches are rebuilt on it."""

from __future__ import annotations

from pcs_gitops.services.branches import REQUEST_PREFIX, issue_of_branch
from pcs_gitops.services.github.context import Pipeline
from pcs_gitops.services.github.converge import Steer, converge, no_change
from pcs_gitops.services.github.events import PushEvent
from pcs_gitops.services.github.outcome import Change, Outcome, RequestRef


def on_push(p: Pipeline, event: PushEvent, out: Outcome) -> None:
    if event.ref != f"refs/heads/{p.default_branch}" or event.deleted:
        out.ignore(f"a push to {event.ref or 'an unknown ref'}, not to the default branch")
        return
    out.handled = True
    for branch in sorted(p.workspace.branches(REQUEST_PREFIX)):
        number = issue_of_branch(branch)
        if number is None or not p.workspace.behind(branch, p.default_branch):
            continue
        pull = p.github.find_pull(branch)
        if pull is None or pull.state != "open":
            continue
        req = RequestRef(issue=number, sender=event.sender)
        change = Change(f"Bring dataset request #{number} up to date with the default branch")
        converge(p, req, no_change, change, out, Steer(known_pull=pull))
        out.refreshed.append(number)
    if not out.refreshed:
        out.reason = "no open request pull request is stale"
