"""``/pcs priority``, ``/pcs withdraw``, ``/pcs reinstate``, ``/pcs confirm``, ``/pcs approve``
and ``/pcs clone`` on a request's issue: the same operations as ``pcs task
priority|withdraw|reinstate|confirm|approve`` and ``pcs task clone``, with the reply the
commenter reads."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from pcs_gitops.domain.commands import Command, CommandKind
from pcs_gitops.domain.model import ProdTask
from pcs_gitops.domain.readiness import PathProbe
from pcs_gitops.domain.stages import WorkflowMode
from pcs_gitops.domain.state import State
from pcs_gitops.errors import PcsError, RecordNotFound
from pcs_gitops.services import approval as approvals
from pcs_gitops.services import confirmation, request_changes, twins
from pcs_gitops.services import request_texts as texts
from pcs_gitops.services.cloning import CloneSelection
from pcs_gitops.services.github.context import Pipeline
from pcs_gitops.services.github.outcome import Change, RequestRef
from pcs_gitops.services.github_wording import for_github
from pcs_gitops.services.ports import Actor
from pcs_gitops.services.usecases import campaigns


@dataclass(frozen=True)
class On:
    """A command at work on the request's branch: its state, the change it makes, the request,
    its task as it was, who asks and when."""

    command: Command
    state: State
    change: Change
    req: RequestRef
    task: ProdTask
    actor: Actor
    now: str
    probe: PathProbe

    @property
    def by(self) -> str:
        return f"(by {self.req.sender})"

    @property
    def why(self) -> str:
        reason = self.command.reason
        return f" ({texts.md_escape(reason)})" if reason else ""


def priority(on: On) -> None:
    updated, before = request_changes.set_priority(
        on.state, on.task.name, on.command.argument, on.command.reason, on.actor, on.now
    )
    after = updated.catalog["priority"]
    on.change.message = f"Dataset request #{on.req.issue}: priority {after} {on.by}"
    on.change.reply = (
        f"The priority is {before} already."
        if before == after
        else f"Changed the priority from {before or 'none'} to **{after}**{on.why}."
    )


def withdraw(on: On) -> None:
    if on.task.withdrawn is not None:
        on.change.reply = "The request is withdrawn already; `/pcs reinstate` lifts it."
        return
    updated = request_changes.withdraw(on.state, on.task.name, on.command.reason, on.actor, on.now)
    on.change.message = f"Dataset request #{on.req.issue}: withdrawn {on.by}"
    back = " It is a draft again." if on.task.status is not updated.status else ""
    on.change.reply = (
        f"**Withdrew** the request{on.why}: it keeps its records and history, and nothing "
        f"approves or submits it until `/pcs reinstate`.{back}"
    )


def reinstate(on: On) -> None:
    if on.task.withdrawn is None:
        on.change.reply = "The request is not withdrawn; nothing to reinstate."
        return
    request_changes.reinstate(on.state, on.task.name, on.command.reason, on.actor, on.now)
    on.change.message = f"Dataset request #{on.req.issue}: reinstated {on.by}"
    on.change.reply = f"**Reinstated** the request{on.why}."


def approve(on: On) -> None:
    """``/pcs approve``: a production manager who is not the requester approves the payload the
    request would send, as ``pcs task approve`` does (the approval holds that payload's hash)."""
    updated = approvals.approve(on.state, on.task, on.actor, on.now, on.probe)
    digest = updated.approval.payload_sha256[:12] if updated.approval else "?"
    if updated is on.task:
        on.change.reply = f"Already approved for this payload (sha256 `{digest}`)."
        return
    on.change.message = f"Dataset request #{on.req.issue}: approved {on.by}"
    on.change.reply = (
        f"**Approved** the payload (sha256 `{digest}`): the request is **ready**. Any later "
        "change to what the payload is built from sends it back to draft."
    )


def confirm(on: On) -> None:
    """``/pcs confirm [field | field=label ...]``: vouch for (or correct) the metadata inferred
    for the request's inputs, as ``pcs task confirm`` does."""
    fields = on.command.fields or None
    _, outcomes = confirmation.confirm(on.state, on.task.name, fields, on.actor, on.now)
    on.change.message = f"Dataset request #{on.req.issue}: confirm the input's metadata {on.by}"
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
    on.change.reply = "Confirmed the input's metadata:\n" + "\n".join(lines)


def twin(on: On) -> None:
    """``/pcs twin [MODE]``: the same request in the other workflow mode (or MODE), on the
    request's branch, linked both ways, as ``pcs task twin`` makes it."""
    mode = on.command.argument
    if not mode:
        own = twins.task_mode(on.state, on.task)
        mode = next(m for m in WorkflowMode if m is not own).value
    done = twins.twin_task(on.state, on.task.name, mode, on.actor, on.now)
    if not done.created:
        on.change.reply = f"The request's {done.mode.value} twin is `{done.twin.name}` already."
        return
    on.change.message = f"Dataset request #{on.req.issue}: twin in {done.mode.value} {on.by}"
    waits = (
        f" It has no output yet: {texts.md_escape('; '.join(done.problems))}."
        if done.problems
        else ""
    )
    on.change.reply = (
        f"Made the {done.mode.value} twin `{done.twin.name}` of this request (same tags, linked "
        f"both ways); it goes with this request's pull request.{waits}"
    )


# The commands that change the request on its branch, each as its CLI twin does.
ON_BRANCH: dict[CommandKind, Callable[[On], None]] = {
    CommandKind.PRIORITY: priority,
    CommandKind.WITHDRAW: withdraw,
    CommandKind.REINSTATE: reinstate,
    CommandKind.CONFIRM: confirm,
    CommandKind.APPROVE: approve,
    CommandKind.TWIN: twin,
}


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
