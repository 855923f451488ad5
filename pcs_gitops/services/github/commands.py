"""``issue_comment`` events: ``!update Field: value`` and ``/pcs ...`` commands on a request."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Any

from pcs_gitops.domain import authz
from pcs_gitops.domain import request_form as rf
from pcs_gitops.domain.approval import WITHDRAWN
from pcs_gitops.domain.commands import Command, CommandKind, parse_commands, resolve_field
from pcs_gitops.domain.model import ProdTask
from pcs_gitops.domain.state import State
from pcs_gitops.errors import PcsError, Refused, SubmissionError, UsageError
from pcs_gitops.services import approval as approvals
from pcs_gitops.services import request_texts as texts
from pcs_gitops.services.authorization import require
from pcs_gitops.services.github import request_commands
from pcs_gitops.services.github.context import SURFACE, Pipeline
from pcs_gitops.services.github.converge import Steer, converge
from pcs_gitops.services.github.events import CommentEvent
from pcs_gitops.services.github.intake import apply_answers, field_label, take_in
from pcs_gitops.services.github.outcome import Change, Outcome, RequestRef
from pcs_gitops.services.github.status import answered_comments, first_with, reply
from pcs_gitops.services.github_port import CommentInfo
from pcs_gitops.services.github_wording import for_github
from pcs_gitops.services.ports import Actor
from pcs_gitops.services.tasks import link_input, set_status
from pcs_gitops.services.usecases import panda as panda_cases


def on_comment(p: Pipeline, event: CommentEvent, out: Outcome) -> None:
    """Run every unanswered command comment of the request (this one and any an earlier run
    missed: GitHub keeps only the newest pending run of a burst), oldest first, each command of
    a comment on its own, with ONE reply per comment."""
    if event.action != "created":
        out.ignore("edited or deleted comments never run commands")
        return
    out.issue = event.issue
    if event.on_pull:
        out.ignore("comments on pull requests are not commands")
        return
    label = p.trusted.settings.request_label
    if label not in event.issue_labels:
        out.ignore(f"issue #{event.issue} does not carry the '{label}' label")
        return
    if not parse_commands(event.comment_body):
        out.ignore("the comment holds no command")
        return
    if event.by_bot or _is_bot(p, event.sender):
        out.ignore("comments by bots are ignored")
        return
    if event.comment_id is None:
        raise UsageError("the event payload has no valid 'id' (a positive integer)")
    out.handled = True
    pending = _unanswered(p, event, event.comment_id)
    if not pending:
        out.reply = "exists"
        return
    for comment in pending:
        _run_comment(p, event, comment, out)


def _is_bot(p: Pipeline, login: str) -> bool:
    return login.casefold().endswith("[bot]") or login.casefold() == p.github.bot_login().casefold()


def _unanswered(p: Pipeline, event: CommentEvent, comment_id: int) -> list[CommentInfo]:
    """The request's command comments that have no reply yet, oldest first: those posted after
    the status comment (the bot tracks the request from then on), and this event's own."""
    comments = p.github.list_comments(event.issue)
    bot = p.github.bot_login().casefold() if comments else ""
    own = [c for c in comments if c.author.casefold() == bot]
    answered = answered_comments(own)
    status = first_with(own, texts.STATUS_MARKER)
    floor = status.id if status is not None else comment_id
    pending = {
        c.id: c
        for c in comments
        if c.id > floor
        and c.id not in answered
        and c.author.casefold() != bot
        and not c.author.casefold().endswith("[bot]")
        and parse_commands(c.body)
    }
    if comment_id not in answered:
        pending[comment_id] = CommentInfo(comment_id, event.sender, event.comment_body, "")
    return [pending[k] for k in sorted(pending)]


def _run_comment(p: Pipeline, event: CommentEvent, comment: CommentInfo, out: Outcome) -> None:
    req = RequestRef(
        issue=event.issue,
        sender=comment.author,
        requester=event.issue_author,
        labels=event.issue_labels,
        body=event.issue_body,
    )
    answers: list[tuple[Command, str]] = []
    for command in parse_commands(comment.body):
        early = _early_reply(event, comment, command)
        if early is not None:
            answers.append((command, early))
            continue
        if command.kind is CommandKind.RETRY:  # PanDA's records are on the default branch
            answers.append((command, retry(p, req)))
            continue
        if command.kind is CommandKind.CLONE:  # clones are new requests on their own branch
            answers.append((command, request_commands.clone(p, req, command)))
            continue
        change = Change(f"Dataset request #{event.issue}: {command.kind.value}", is_command=True)
        refresh = command.kind is CommandKind.REFRESH
        final = converge(
            p,
            req,
            partial(run_command, p, command),
            change,
            out,
            Steer(force_sync=refresh, reopen=refresh),
        )
        answers.append((command, final.reply or "Nothing to do."))
    reply(p, event.issue, comment.id, comment.author, answers, out)


def retry(p: Pipeline, req: RequestRef) -> str:
    """``/pcs retry``: a production manager asks PanDA to run the failed task again (the same
    use case as ``pcs task retry``; its records go to the default branch)."""
    panda = p.panda() or NoPanda()
    try:
        done = panda_cases.retry(p.publisher, panda, p.github, str(req.issue), p.actor(req.sender))
    except PcsError as exc:
        return f"Not applied: {texts.md_escape(for_github(str(exc)))}"
    attempt = done["attempt"]
    how = "PanDA runs it again already" if done["already_running"] else done["panda_message"]
    return (
        f"Asked PanDA to retry jediTaskID {done['jedi_task_id']}: "
        f"{texts.md_escape(str(how))}; recorded as try {attempt['try_number']}."
    )


class NoPanda:
    """PanDA as a job without access to it sees it: every call says how to get there."""

    MESSAGE = (
        "this repository's request job has no PanDA access (PANDA_URL_SSL and the OIDC token "
        "are not set in its workflow); a production manager runs 'pcs task retry' where PanDA "
        "is reachable"
    )

    def __getattr__(self, name: str) -> Callable[..., Any]:
        def refuse(*args: Any, **kwargs: Any) -> Any:
            raise SubmissionError(self.MESSAGE)

        return refuse


def _early_reply(event: CommentEvent, comment: CommentInfo, command: Command) -> str | None:
    """The reply to a command that needs no branch work (None: run it)."""
    if event.issue_state != "open":
        return "This request is closed; commands are not accepted."
    if len(comment.body) > rf.MAX_BODY:
        return f"Not applied: the comment is longer than {rf.MAX_BODY} characters."
    if command.kind is CommandKind.HELP:
        return texts.HELP_TEXT
    if command.kind is CommandKind.INVALID:
        return f"Not understood: {texts.md_escape(command.error)}. `/pcs help` lists the commands."
    return None


def run_command(
    p: Pipeline, command: Command, state: State, change: Change, req: RequestRef
) -> None:
    task = take_in(p, state, req, change)
    if task is None:
        raise UsageError(
            "the request could not be taken in from the issue body; "
            + (rf.NOT_A_FORM if change.phase == "not-a-form" else "see the status comment")
        )
    try:
        require(p.actor(req.sender), authz.action_for(command), p.trusted.roles, task)
    except Refused as exc:
        change.reply = f"Not applied: {exc}"  # logins, task names and roles.yaml only
        raise
    actor = Actor(req.sender, SURFACE)
    now = p.clock.now()
    if command.kind is CommandKind.UPDATE:
        correct(p, state, change, req, command, task)
    elif command.kind is CommandKind.STATUS:
        before = task.status.value
        after = set_status(state, task.name, command.argument, actor, now, p.probe)
        change.message = f"Dataset request #{req.issue}: {after.status.value} (by {req.sender})"
        change.reply = (
            f"The request is already {before}."
            if after.status.value == before
            else f"Moved the request from {before} to **{after.status.value}**."
        )
    elif command.kind is CommandKind.LINK_INPUT:
        linked = link_input(state, task.name, command.argument, None, actor, now)
        change.message = f"Dataset request #{req.issue}: link input (by {req.sender})"
        change.reply = (
            f"Linked the input dataset {texts.md_escape(command.argument)}."
            if linked != task
            else "That input dataset is linked already."
        )
    elif command.kind in request_commands.REQUEST_CHANGES:
        request_commands.change_request(command, state, change, req, task, actor, now, p.probe)
    elif command.kind is CommandKind.REFRESH:
        change.message = f"Refresh dataset request #{req.issue}"
        change.reply = "Refreshed the request branch against the default branch."
    say_withdrawn_approvals(state, change, actor, now)


def say_withdrawn_approvals(state: State, change: Change, actor: Actor, now: str) -> None:
    """A command that changed what an approved payload is built from withdraws the approval
    (the unit of work would at its commit); the reply says so, with what changed."""
    if not state.dirty:
        return
    for withdrawal in approvals.withdraw_stale_approvals(state, actor, now, set(state.dirty)):
        what = withdrawal.reason.removeprefix(f"{WITHDRAWN}: ")
        change.reply = (change.reply or "") + (
            f" The approval of `{withdrawal.task.name}` was withdrawn ({texts.md_escape(what)}):"
            " it is a draft again until a production manager approves the new payload."
        )


def correct(
    p: Pipeline, state: State, change: Change, req: RequestRef, command: Command, task: ProdTask
) -> None:
    field_id = resolve_field(p.form, command.field, state.settings.columns)
    label = field_label(p.form, field_id)
    answers = rf.answers_from_form(
        p.form, {field_id: command.value or None}, state.settings, only=[field_id]
    )
    if answers.problems:
        raise UsageError(f"{label}: {answers.problems[label]}")
    catalog_id = rf.FORM_TO_CATALOG.get(field_id)
    old = task.catalog.get(catalog_id, "") if catalog_id else ""
    new = answers.catalog.get(catalog_id, "") if catalog_id else answers.extras[field_id]
    change.touched = True
    change.resolved.add(label)
    change.notes += answers.notes
    change.message = f"Dataset request #{req.issue}: update {field_id} (by {req.sender})"
    changed = apply_answers(p, state, req, answers, change, task, strict=True)
    shown = texts.md_escape(label)
    if catalog_id is None:
        change.reply = f"Applied **{shown}** to the input dataset intake."
    elif changed:
        change.reply = "Updated " + texts.describe_change(label, old, new) + "."
    else:
        change.reply = f"Nothing changed: **{shown}** already holds that value."
