"""``/pcs priority``, ``/pcs withdraw``, ``/pcs reinstate`` and ``/pcs clone`` on a request's
issue: the same use cases as ``pcs task priority|withdraw|reinstate`` and ``pcs campaign
clone``, with the reply the commenter reads."""

from __future__ import annotations

from pcs_gitops.domain.commands import Command, CommandKind
from pcs_gitops.domain.model import ProdTask
from pcs_gitops.domain.readiness import PathProbe
from pcs_gitops.domain.state import State
from pcs_gitops.errors import PcsError, RecordNotFound
from pcs_gitops.services import approval as approvals
from pcs_gitops.services import confirmation, request_changes
from pcs_gitops.services import request_texts as texts
from pcs_gitops.services.cloning import CloneSelection
from pcs_gitops.services.github.context import Pipeline
from pcs_gitops.services.github.outcome import Change, RequestRef
from pcs_gitops.services.github_wording import for_github
from pcs_gitops.services.ports import Actor
from pcs_gitops.services.usecases import campaigns

REQUEST_CHANGES = (
    CommandKind.PRIORITY,
    CommandKind.WITHDRAW,
    CommandKind.REINSTATE,
    CommandKind.CONFIRM,
    CommandKind.APPROVE,
)


def _why(command: Command) -> str:
    return f" ({texts.md_escape(command.reason)})" if command.reason else ""


def change_request(
    command: Command,
    state: State,
    change: Change,
    req: RequestRef,
    task: ProdTask,
    actor: Actor,
    now: str,
    probe: PathProbe,
) -> None:
    """Priority, withdrawal, reinstatement, confirmation or approval of the request, on its
    branch."""
    by = f"(by {req.sender})"
    if command.kind is CommandKind.CONFIRM:
        confirm(command, state, change, req, task, actor, now)
    elif command.kind is CommandKind.APPROVE:
        approve(state, change, req, task, actor, now, probe)
    elif command.kind is CommandKind.PRIORITY:
        updated, before = request_changes.set_priority(
            state, task.name, command.argument, command.reason, actor, now
        )
        priority = updated.catalog["priority"]
        change.message = f"Dataset request #{req.issue}: priority {priority} {by}"
        change.reply = (
            f"The priority is {before} already."
            if before == updated.catalog.get("priority")
            else f"Changed the priority from {before or 'none'} to **{command.argument}**"
            + _why(command)
            + "."
        )
    elif command.kind is CommandKind.WITHDRAW:
        if task.withdrawn is not None:
            change.reply = "The request is withdrawn already; `/pcs reinstate` lifts it."
            return
        updated = request_changes.withdraw(state, task.name, command.reason, actor, now)
        change.message = f"Dataset request #{req.issue}: withdrawn {by}"
        back = " It is a draft again." if task.status is not updated.status else ""
        change.reply = (
            f"**Withdrew** the request{_why(command)}: it keeps its records and history, and "
            f"nothing approves or submits it until `/pcs reinstate`.{back}"
        )
    else:
        if task.withdrawn is None:
            change.reply = "The request is not withdrawn; nothing to reinstate."
            return
        request_changes.reinstate(state, task.name, command.reason, actor, now)
        change.message = f"Dataset request #{req.issue}: reinstated {by}"
        change.reply = f"**Reinstated** the request{_why(command)}."


def approve(
    state: State,
    change: Change,
    req: RequestRef,
    task: ProdTask,
    actor: Actor,
    now: str,
    probe: PathProbe,
) -> None:
    """``/pcs approve``: a production manager who is not the requester approves the payload the
    request would send, as ``pcs task approve`` does (the approval holds that payload's hash)."""
    updated = approvals.approve(state, task, actor, now, probe)
    digest = updated.approval.payload_sha256[:12] if updated.approval else "?"
    if updated is task:
        change.reply = f"Already approved for this payload (sha256 `{digest}`)."
        return
    change.message = f"Dataset request #{req.issue}: approved (by {req.sender})"
    change.reply = (
        f"**Approved** the payload (sha256 `{digest}`): the request is **ready**. Any later "
        "change to what the payload is built from sends it back to draft."
    )


def confirm(
    command: Command,
    state: State,
    change: Change,
    req: RequestRef,
    task: ProdTask,
    actor: Actor,
    now: str,
) -> None:
    """``/pcs confirm [field | field=label ...]``: vouch for (or correct) the metadata inferred
    for the request's inputs, as ``pcs task confirm`` does."""
    _, outcomes = confirmation.confirm(state, task.name, command.fields or None, actor, now)
    change.message = f"Dataset request #{req.issue}: confirm the input's metadata (by {req.sender})"
    lines = []
    for outcome in outcomes:
        done = [f"confirmed {', '.join(outcome.confirmed)}"] if outcome.confirmed else []
        done += [f"bound {k} to {v}" for k, v in outcome.corrected.items()]
        if outcome.renamed_from:
            done.append(f"renamed from {outcome.renamed_from}")
        what = "; ".join(done) or "nothing new: every value named was confirmed already"
        lines.append(f"- `{outcome.dataset}`: {texts.md_escape(what)}")
        if outcome.left_open:
            unknown = ", ".join(outcome.left_open)
            lines.append(f"  - still unknown (correct them with `!update`): {unknown}")
    change.reply = "Confirmed the input's metadata:\n" + "\n".join(lines)


def clone(p: Pipeline, req: RequestRef, command: Command) -> str:
    """``/pcs clone CAMPAIGN``: the merged request, cloned as a new draft into an open campaign
    (its own branch and pull request, like ``pcs campaign clone``)."""
    selection = CloneSelection(names=(str(req.issue),))
    try:
        done = campaigns.clone_tasks(p.publisher, command.argument, selection, p.actor(req.sender))
    except RecordNotFound:
        return (
            f"Not applied: request #{req.issue} is not on {p.default_branch} yet; clone it "
            "after its pull request is merged."
        )
    except PcsError as exc:
        return f"Not applied: {texts.md_escape(for_github(str(exc)))}"
    campaign = texts.md_escape(done["campaign"])
    where = _pull_link(done.get("published"))
    if done["created"]:
        names = ", ".join(f"`{n}`" for n in done["created"])
        return f"Cloned the request into campaign **{campaign}** as {names}{where}."
    if done["existing"]:
        names = ", ".join(f"`{n}`" for n in done["existing"])
        return f"The request is in campaign **{campaign}** already as {names}{where}."
    skipped = "; ".join(str(s.get("reason", "")) for s in done["skipped"]) or "nothing to clone"
    return f"Not applied: {texts.md_escape(skipped)}."


def _pull_link(published: object) -> str:
    """ " in <the pull request's URL>" when the clone was published to one."""
    pull = published.get("pull") if isinstance(published, dict) else None
    url = pull.get("url") if isinstance(pull, dict) else None
    return f" in {url}" if isinstance(url, str) and url else ""
