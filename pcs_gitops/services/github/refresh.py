"""``push`` events on the default branch: its derived files are rendered, and the request
branches whose records meet what it changed are rebuilt on it (the others are left alone: they
carry records only, so they still merge cleanly and validate the same)."""

from __future__ import annotations

from dataclasses import dataclass

from pcs_gitops.errors import StateFileError, ValidationFailed
from pcs_gitops.services import request_texts as texts
from pcs_gitops.services.branches import REQUEST_PREFIX, issue_of_branch
from pcs_gitops.services.github.approvals import any_stale, withdraw_stale_on_default
from pcs_gitops.services.github.context import Pipeline
from pcs_gitops.services.github.converge import Steer, converge, no_change
from pcs_gitops.services.github.events import PushEvent
from pcs_gitops.services.github.intake import take_in_only
from pcs_gitops.services.github.outcome import Change, Outcome, RequestRef
from pcs_gitops.services.github.rebase import rebuild_reasons_of
from pcs_gitops.services.github.rendering import render_on_default


def on_push(p: Pipeline, event: PushEvent, out: Outcome) -> None:
    if event.ref != f"refs/heads/{p.default_branch}" or event.deleted:
        out.ignore(f"a push to {event.ref or 'an unknown ref'}, not to the default branch")
        return
    out.handled = True
    behind = lagging(p)
    if behind is not None and behind.approvals:  # first: the request branches build on it
        withdraw_stale_on_default(p, event, out)
    if behind is not None and behind.derived:
        render_on_default(p, event, out)
    requests = {
        branch: number
        for branch in p.workspace.branches(REQUEST_PREFIX)
        if (number := issue_of_branch(branch)) is not None
    }
    diverged = p.workspace.diverged(list(requests), p.default_branch)
    for branch, divergence in sorted(diverged.items()):
        number = requests[branch]
        reasons = rebuild_reasons_of(divergence)
        if not reasons:
            out.unaffected.append(number)
            continue
        pull = p.github.find_pull(branch)
        if pull is None or pull.state != "open":
            continue
        req = RequestRef(issue=number, sender=event.sender)
        why = "".join(f"\n- {reason}" for reason in reasons)
        change = Change(
            f"Bring dataset request #{number} up to date with the default branch\n\nWhy:{why}"
        )
        converge(p, req, no_change, change, out, Steer(known_pull=pull))
        out.refreshed.append(number)
    retry_blocked(p, event, out)
    if not out.refreshed:
        out.reason = "no open request pull request is stale, none waits for a repair"


@dataclass(frozen=True)
class Lagging:
    """What the pushed commit leaves for the default branch to catch up on."""

    approvals: bool  # an approval whose payload changed
    derived: bool  # derived files behind the records


def lagging(p: Pipeline) -> Lagging | None:
    """The pushed commit (the checkout), read once for both; None when it does not load (a
    broken default branch: pcs:blocked's turn)."""
    try:
        with p.publisher.reading() as uow:
            return Lagging(any_stale(uow.state), p.derived_stale(uow.state))
    except (ValidationFailed, StateFileError):
        return None


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
