"""``issues`` events: a request taken in from the issue body, or updated from an edited body."""

from __future__ import annotations

import re
from dataclasses import replace

from pcs_gitops.domain import authz
from pcs_gitops.domain import request_form as rf
from pcs_gitops.domain.issue_form import IssueForm, parse_issue_body
from pcs_gitops.domain.model import ProdTask
from pcs_gitops.domain.state import State
from pcs_gitops.errors import PcsError, Refused, UsageError
from pcs_gitops.services.authorization import require
from pcs_gitops.services.datasets import intake_dataset
from pcs_gitops.services.github.context import SURFACE, Pipeline
from pcs_gitops.services.github.converge import converge
from pcs_gitops.services.github.events import IssueEvent
from pcs_gitops.services.github.merge import withdraw
from pcs_gitops.services.github.outcome import Change, Outcome, RequestRef
from pcs_gitops.services.ports import Actor
from pcs_gitops.services.tasks import intake_task

ACTIONS = ("opened", "edited", "reopened", "labeled")


def on_issue(p: Pipeline, event: IssueEvent, out: Outcome) -> None:
    if event.is_pull or event.number is None:
        out.ignore("the issue is a pull request")
        return
    number = event.number
    label = p.trusted.settings.request_label
    out.issue = number
    if label not in event.labels:
        out.ignore(f"issue #{number} does not carry the '{label}' label")
        return
    if event.action == "labeled" and event.label_added != label:
        out.ignore(f"the label added is not '{label}'")
        return
    if event.action == "closed":
        withdraw(p, number, list(event.labels), out)
        return
    if event.action not in ACTIONS:
        out.ignore(f"issue action '{event.action}' needs nothing")
        return
    if event.state != "open":
        out.ignore(f"issue #{number} is closed")
        return
    if event.action == "edited" and event.old_body is None:
        out.ignore("only the title changed; the request is built from the body")
        return
    req = RequestRef(
        issue=number,
        sender=event.sender,
        requester=event.author,
        labels=event.labels,
        body=event.body,
        old_body=event.old_body,
    )
    if event.action == "edited":
        change = Change(f"Update dataset request #{number} from the edited issue")
        converge(p, req, lambda state, ch, r: edit(p, state, ch, r), change, out)
    else:
        change = Change(f"Take in dataset request #{number}")
        converge(p, req, lambda state, ch, r: take_in_only(p, state, ch, r), change, out)


def take_in_only(p: Pipeline, state: State, change: Change, req: RequestRef) -> None:
    take_in(p, state, req, change)


def take_in(p: Pipeline, state: State, req: RequestRef, change: Change) -> ProdTask | None:
    """The request's task; taken in from the issue body when the branch has none yet."""
    task = state.task_for_key(("issue", str(req.issue)))
    if task is not None:
        return task
    body = req.body or ""
    if len(body) > rf.MAX_BODY:
        change.touched = True
        change.problems["Issue body"] = (
            f"the body is {len(body)} characters long; the limit is {rf.MAX_BODY}."
        )
        return None
    if not rf.form_found(p.form, body):
        change.touched = True
        change.phase = "not-a-form"
        return None
    answers = rf.answers_from_form(p.form, parse_issue_body(p.form, body), state.settings)
    change.touched = True
    change.problems.update(answers.problems)
    change.notes += answers.notes
    apply_answers(p, state, req, answers, change, None)
    return state.task_for_key(("issue", str(req.issue)))


def edit(p: Pipeline, state: State, change: Change, req: RequestRef) -> None:
    task = state.task_for_key(("issue", str(req.issue)))
    if task is None:
        take_in(p, state, req, change)
        return
    if req.old_body is None:
        return
    try:
        require(p.actor(req.sender), authz.Operation.UPDATE, p.trusted.roles, task)
    except Refused as exc:
        change.touched = True
        change.notes.append(f"An edit of the issue body was not applied: {exc}")
        return
    old = parse_issue_body(p.form, req.old_body)
    new = parse_issue_body(p.form, req.body or "")
    fields = rf.changed_fields(old, new)
    if not fields:
        return
    answers = rf.answers_from_form(p.form, new, state.settings, only=fields)
    change.touched = True
    change.problems.update(answers.problems)
    change.resolved |= set(answers.accepted)
    change.notes += answers.notes
    apply_answers(p, state, req, answers, change, task)


def apply_answers(
    p: Pipeline,
    state: State,
    req: RequestRef,
    answers: rf.RequestAnswers,
    change: Change,
    task: ProdTask | None,
    *,
    strict: bool = False,
) -> list[str]:
    """Record accepted answers: the input dataset for a path, then the task (one intake).

    Taking a request in keeps what it can and lists the rest as problems; a correction
    (``strict``) is refused as a whole when its input dataset cannot be taken in, so the row,
    the task and the payload never disagree."""
    actor = Actor(req.sender, SURFACE)
    now = p.clock.now()
    path_label = field_label(p.form, "dataset_path")
    carried = task is not None and bool(answers.extras) and "dataset_path" not in answers.catalog
    if carried:  # a dataset-intake option changed: it applies to the current path
        assert task is not None
        answers.catalog["dataset_path"] = task.catalog.get("dataset_path", "")
    did = None
    recorded = task.catalog.get("generator_version", "") if task is not None else ""
    dataset_req = answers.dataset_intake(f"input of dataset request #{req.issue}", recorded)
    if dataset_req is not None:
        try:
            outcome = intake_dataset(state, dataset_req, actor, now)
        except PcsError as exc:
            if strict:
                message = f"{path_label}: the input dataset could not be taken in: {exc}"
                raise UsageError(message) from exc
            change.problems[path_label] = f"the input dataset could not be taken in: {exc}"
        else:
            did = outcome.dataset.did
            if outcome.conflicts:
                change.notes.append(
                    f"The input dataset {outcome.dataset.name} exists already; these "
                    f"options were not applied to it: {'; '.join(outcome.conflicts)}."
                )
    if carried:
        del answers.catalog["dataset_path"]
    taken = intake_task(state, answers.task_intake(req.issue, did), actor, now)
    requester = requester_of_issue(p, req)
    if taken.created and requester.casefold() != actor.login.casefold():
        state.put_task(replace(taken.task, requested_by=requester))
    return taken.changed


REQUESTED_BY = re.compile(r"^<!-- pcs-requested-by: ([A-Za-z0-9][A-Za-z0-9-]{0,38}) -->$", re.M)


def requester_of_issue(p: Pipeline, req: RequestRef) -> str:
    """Who filed the request: the issue's author; when pcs's own bot opened the issue for
    someone (MCP, REST), the login its hidden marker names (trusted only from the bot)."""
    author = req.requester or req.sender
    if req.body and author and p.is_bot(author):
        found = REQUESTED_BY.search(req.body)
        if found:
            return found.group(1)
    return author


def field_label(form: IssueForm, field_id: str) -> str:
    try:
        return form.field(field_id).label
    except KeyError:
        return field_id
