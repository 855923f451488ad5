"""Handling one GitHub event of the dataset-request pipeline (``pcs gh handle``).

The handler converges the world on the current request: the request branch
``pcs/request-<issue>`` (records + derived files, built on the default branch), ONE pull
request, ONE status comment on the issue (edited in place), and the draft sub-state label.
Every step first looks at what exists, so replaying an event, or two events arriving for the
same change, creates nothing new and an event that changes nothing commits and pushes nothing.

Dependencies come in as ports: ``GitHubPort`` (online or the offline outbox), a
``BranchWorkspace`` (git work on request branches, never moving the caller's working tree), a
unit-of-work factory for a checkout, a ``verify`` function (validate + render --check), the
clock and a path probe. The decisions and texts live in ``services.requests``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from contextlib import AbstractContextManager
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Protocol

from pcs_gitops.domain import authz
from pcs_gitops.domain import commands as cmd
from pcs_gitops.domain import request_form as rf
from pcs_gitops.domain.catalog import catalog_row, catalog_tasks
from pcs_gitops.domain.issue_form import IssueForm, parse_issue_body
from pcs_gitops.domain.model import DatasetTags, ProdTask, TagKind
from pcs_gitops.domain.naming import ComposedName, build_dataset_name, build_did
from pcs_gitops.domain.readiness import PathProbe, readiness
from pcs_gitops.domain.settings import CatalogSettings, Role, Roles
from pcs_gitops.domain.state import State
from pcs_gitops.errors import Conflict, GitError, GitHubError, PcsError, UsageError
from pcs_gitops.services import branches
from pcs_gitops.services import request_texts as texts
from pcs_gitops.services.datasets import intake_dataset
from pcs_gitops.services.github_port import CommentInfo, GitHubPort, PullInfo
from pcs_gitops.services.ports import Actor, Clock
from pcs_gitops.services.tags import find_or_create_tag, find_tag
from pcs_gitops.services.tasks import TaskIntake, intake_task, link_input, set_status
from pcs_gitops.services.unit_of_work import UnitOfWork

MAX_PUSH_ATTEMPTS = 3
SURFACE = "github"


# --------------------------------------------------------------------------- ports


class PushRejected(GitError):
    """The remote branch moved while we worked (another run pushed first); redo the work."""


class BranchCheckout(Protocol):
    """A temporary checkout of a request branch (or of the base when the branch is new)."""

    @property
    def root(self) -> Path: ...

    @property
    def head(self) -> str | None:
        """The branch head before this run; None when the branch does not exist yet."""
        ...

    @property
    def base_head(self) -> str: ...

    @property
    def behind_base(self) -> bool:
        """The base changed records or derived files since the branch forked from it."""
        ...

    def reset_to_base(self) -> None:
        """Make the checkout hold the base's files; the next commit also has the base as parent."""
        ...

    def commit(self, message: str) -> str | None:
        """Commit every change of the checkout (one commit); None when nothing changed."""
        ...


class BranchWorkspace(Protocol):
    def checkout(self, branch: str, base: str) -> AbstractContextManager[BranchCheckout]: ...

    def publish(self, branch: str, new: str, old: str | None) -> None:
        """Move ``branch`` from ``old`` (None: absent) to ``new``; ``PushRejected`` if it moved."""
        ...

    def delete(self, branch: str) -> bool:
        """Delete the branch; False when it did not exist."""
        ...

    def branches(self, prefix: str) -> list[str]: ...

    def behind(self, branch: str, base: str) -> bool: ...


# --------------------------------------------------------------------------- results


@dataclass
class Outcome:
    """What one event did (the ``--json`` output of ``pcs gh handle``)."""

    event: str
    action: str = ""
    handled: bool = False
    reason: str = ""
    issue: int | None = None
    branch: str | None = None
    commits: list[str] = field(default_factory=list)
    pushed: list[str] = field(default_factory=list)
    deleted: list[str] = field(default_factory=list)
    pull: dict[str, Any] | None = None
    status_comment: str = ""  # created | updated | unchanged | ""
    reply: str = ""  # created | exists | ""
    labels_added: list[str] = field(default_factory=list)
    labels_removed: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    refreshed: list[int] = field(default_factory=list)
    api_calls: int = 0
    write_calls: int = 0

    def ignore(self, reason: str) -> Outcome:
        self.handled = False
        self.reason = reason
        return self

    def to_dict(self) -> dict[str, Any]:
        return {k: getattr(self, k) for k in self.__dataclass_fields__}


@dataclass
class Change:
    """What an event did to the request's records, collected while the change runs."""

    message: str
    is_command: bool = False
    problems: dict[str, str] = field(default_factory=dict)  # field label -> why refused
    resolved: set[str] = field(default_factory=set)  # labels whose refusal no longer holds
    notes: list[str] = field(default_factory=list)
    reply: str | None = None
    touched: bool = False  # this event's problems and notes replace the previous ones
    phase: str | None = None

    def fail(self, message: str) -> None:
        """The change was refused as a whole; nothing of it is kept."""
        self.problems.clear()
        self.resolved.clear()
        self.phase = None
        if self.is_command:
            self.notes = []
            self.reply = f"Not applied: {texts.md_escape(message)}"
        else:
            self.touched = True
            self.notes = [f"Not applied: {message}"]


class Refused(PcsError):
    """A command the sender may not give: nothing changes (the reply says who may)."""


@dataclass(frozen=True)
class Snapshot:
    task_name: str
    status: str
    substate: str | None
    pwg: str
    path: str
    row: tuple[tuple[str, str], ...]
    checks: tuple[texts.CheckView, ...]


@dataclass
class BranchResult:
    change: Change
    snapshot: Snapshot | None
    head_before: str | None
    new_head: str | None = None
    validation: list[str] | None = None  # None when nothing was verified in this run
    base: str = "main"

    @property
    def head(self) -> str | None:
        return self.new_head or self.head_before


@dataclass(frozen=True)
class RequestRef:
    """The request an event is about, from the payload."""

    issue: int
    sender: str
    requester: str = ""
    labels: tuple[str, ...] = ()
    body: str | None = None
    old_body: str | None = None


Mutation = Callable[[State, Change, RequestRef], None]


# --------------------------------------------------------------------------- the handler


class RequestEventHandler:
    """Handles ``issues``, ``issue_comment``, ``pull_request`` and ``push`` events."""

    def __init__(
        self,
        *,
        github: GitHubPort,
        workspace: BranchWorkspace,
        uow_factory: Callable[[Path], UnitOfWork],
        verify: Callable[[Path], list[str]],
        clock: Clock,
        form: IssueForm,
        trusted_state: Callable[[], State],
        probe: PathProbe,
        repository: str,
        server_url: str = "https://github.com",
        default_branch: str = "main",
    ) -> None:
        self.github = github
        self.workspace = workspace
        self.uow_factory = uow_factory
        self.verify = verify
        self.clock = clock
        self.form = form
        self._trusted_state = trusted_state
        self._trusted: State | None = None
        self.probe = probe
        self.repository = repository
        self.server_url = server_url.rstrip("/")
        self.default_branch = default_branch
        self._roles_cache: dict[tuple[str, Role, str | None], bool] = {}

    # ------------------------------------------------------------------ entry

    def handle(self, event_name: str, payload: Mapping[str, Any]) -> Outcome:
        out = Outcome(event=event_name, action=str(payload.get("action") or ""))
        try:
            handlers: dict[str, Callable[[Mapping[str, Any], Outcome], None]] = {
                "issues": self._on_issue,
                "issue_comment": self._on_comment,
                "pull_request": self._on_pull,
                "push": self._on_push,
            }
            handler = handlers.get(event_name)
            if handler is None:
                out.ignore(f"'{event_name}' events are not part of the request pipeline")
            else:
                default = _text(_mapping(payload, "repository", required=False), "default_branch")
                if default:
                    self.default_branch = default
                handler(payload, out)
        finally:
            out.api_calls = self.github.api_calls
            out.write_calls = self.github.write_calls
        return out

    @property
    def trusted(self) -> State:
        """Settings and roles of the default branch as checked out (never the request branch)."""
        if self._trusted is None:
            self._trusted = self._trusted_state()
        return self._trusted

    # ------------------------------------------------------------------ issues

    def _on_issue(self, payload: Mapping[str, Any], out: Outcome) -> None:
        issue = _mapping(payload, "issue")
        if issue.get("pull_request"):
            out.ignore("the issue is a pull request")
            return
        number = _number(issue)
        label = self.trusted.settings.request_label
        labels = _labels(issue)
        out.issue = number
        if label not in labels:
            out.ignore(f"issue #{number} does not carry the '{label}' label")
            return
        action = out.action
        if action == "labeled" and _text(_mapping(payload, "label"), "name") != label:
            out.ignore(f"the label added is not '{label}'")
            return
        if action == "closed":
            self._withdraw(number, labels, out)
            return
        if action not in ("opened", "edited", "reopened", "labeled"):
            out.ignore(f"issue action '{action}' needs nothing")
            return
        if _text(issue, "state") != "open":
            out.ignore(f"issue #{number} is closed")
            return
        changes = _mapping(payload, "changes", required=False)
        old_body = _mapping(changes, "body", required=False).get("from")
        if action == "edited" and not isinstance(old_body, str):
            out.ignore("only the title changed; the request is built from the body")
            return
        req = RequestRef(
            issue=number,
            sender=_login(payload, "sender"),
            requester=_login(issue, "user"),
            labels=tuple(labels),
            body=_text(issue, "body"),
            old_body=old_body if isinstance(old_body, str) else None,
        )
        mutation = self._edit if action == "edited" else self._take_in_mutation
        message = (
            f"Update dataset request #{number} from the edited issue"
            if action == "edited"
            else f"Take in dataset request #{number}"
        )
        self._converge(req, mutation, Change(message), out)

    def _take_in_mutation(self, state: State, change: Change, req: RequestRef) -> None:
        self._take_in(state, req, change)

    def _take_in(self, state: State, req: RequestRef, change: Change) -> ProdTask | None:
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
        if not rf.form_found(self.form, body):
            change.touched = True
            change.phase = "not-a-form"
            return None
        answers = rf.answers_from_form(self.form, parse_issue_body(self.form, body), state.settings)
        change.touched = True
        change.problems.update(answers.problems)
        change.notes += answers.notes
        self._apply_answers(state, req, answers, change, None)
        return state.task_for_key(("issue", str(req.issue)))

    def _edit(self, state: State, change: Change, req: RequestRef) -> None:
        task = state.task_for_key(("issue", str(req.issue)))
        if task is None:
            self._take_in(state, req, change)
            return
        if req.old_body is None:
            return
        decision = authz.authorize(
            authz.Action.UPDATE,
            sender=req.sender,
            requester=req.requester,
            request_pwg=task.catalog.get("pwg") or None,
            holds=self._holds(req.sender),
        )
        if not decision.allowed:
            change.touched = True
            change.notes.append(
                f"An edit of the issue body by {req.sender} was not applied: {decision.reason}."
            )
            return
        old = parse_issue_body(self.form, req.old_body)
        new = parse_issue_body(self.form, req.body or "")
        fields = rf.changed_fields(old, new)
        if not fields:
            return
        answers = rf.answers_from_form(self.form, new, state.settings, only=fields)
        change.touched = True
        change.problems.update(answers.problems)
        change.resolved |= set(answers.accepted)
        change.notes += answers.notes
        self._apply_answers(state, req, answers, change, task)

    def _apply_answers(
        self,
        state: State,
        req: RequestRef,
        answers: rf.RequestAnswers,
        change: Change,
        task: ProdTask | None,
    ) -> list[str]:
        """Record accepted answers: the input dataset for a path, then the task (one intake)."""
        actor = Actor(req.sender, SURFACE)
        now = self.clock.now()
        path_label = _label(self.form, "dataset_path")
        if task is not None and answers.extras and "dataset_path" not in answers.catalog:
            # a dataset-intake option changed: it applies to the current path
            answers.catalog["dataset_path"] = task.catalog.get("dataset_path", "")
            carried = True
        else:
            carried = False
        did = None
        dataset_req = answers.dataset_intake(description=f"input of dataset request #{req.issue}")
        if dataset_req is not None:
            try:
                outcome = intake_dataset(state, dataset_req, actor, now)
            except PcsError as exc:
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
        result = intake_task(state, answers.task_intake(req.issue, did), actor, now)
        return result.changed

    # ------------------------------------------------------------------ comments

    def _on_comment(self, payload: Mapping[str, Any], out: Outcome) -> None:
        if out.action != "created":
            out.ignore("edited or deleted comments never run commands")
            return
        issue = _mapping(payload, "issue")
        number = _number(issue)
        out.issue = number
        if issue.get("pull_request"):
            out.ignore("comments on pull requests are not commands")
            return
        label = self.trusted.settings.request_label
        labels = _labels(issue)
        if label not in labels:
            out.ignore(f"issue #{number} does not carry the '{label}' label")
            return
        comment = _mapping(payload, "comment")
        command = cmd.parse_command(_text(comment, "body"))
        if command is None:
            out.ignore("the comment holds no command")
            return
        user = _mapping(comment, "user", required=False)
        sender = _login(payload, "sender")
        if _text(user, "type") == "Bot" or sender.casefold() == self.github.bot_login().casefold():
            out.ignore("comments by bots are ignored")
            return
        comment_id = _int(comment, "id")
        req = RequestRef(
            issue=number,
            sender=sender,
            requester=_login(issue, "user"),
            labels=tuple(labels),
            body=_text(issue, "body"),
        )
        change = Change(f"Dataset request #{number}: {command.kind.value}", is_command=True)
        if _text(issue, "state") != "open":
            change.reply = "This request is closed; commands are not accepted."
            self._reply_only(req, comment_id, command, change, out)
            return
        if len(_text(comment, "body")) > rf.MAX_BODY:
            change.reply = f"Not applied: the comment is longer than {rf.MAX_BODY} characters."
            self._reply_only(req, comment_id, command, change, out)
            return
        if command.kind in (cmd.CommandKind.HELP, cmd.CommandKind.INVALID):
            change.reply = (
                texts.HELP_TEXT
                if command.kind is cmd.CommandKind.HELP
                else f"Not understood: {texts.md_escape(command.error)}. `/pcs help` lists the "
                "commands."
            )
            self._reply_only(req, comment_id, command, change, out)
            return

        def run(state: State, change: Change, req: RequestRef) -> None:
            self._run_command(state, change, req, command)

        refresh = command.kind is cmd.CommandKind.REFRESH
        self._converge(
            req,
            run,
            change,
            out,
            reply_to=(comment_id, command),
            force_sync=refresh,
            reopen=refresh,
        )

    def _run_command(
        self, state: State, change: Change, req: RequestRef, command: cmd.Command
    ) -> None:
        task = self._take_in(state, req, change)
        if task is None:
            raise UsageError(
                "the request could not be taken in from the issue body; "
                + (rf.NOT_A_FORM if change.phase == "not-a-form" else "see the status comment")
            )
        action = authz.action_for(command)
        pwg = task.catalog.get("pwg") or None
        decision = authz.authorize(
            action,
            sender=req.sender,
            requester=req.requester,
            request_pwg=pwg,
            holds=self._holds(req.sender),
        )
        if not decision.allowed:
            who = authz.who_may(action, self.trusted.roles, pwg)
            change.reply = f"Not applied: {decision.reason}. Who may: {who}."
            raise Refused(decision.reason)
        actor = Actor(req.sender, SURFACE)
        now = self.clock.now()
        if command.kind is cmd.CommandKind.UPDATE:
            self._correct(state, change, req, command, task)
        elif command.kind is cmd.CommandKind.STATUS:
            before = task.status.value
            after = set_status(state, task.name, command.argument, actor, now, self.probe)
            change.message = f"Dataset request #{req.issue}: {after.status.value} (by {req.sender})"
            change.reply = (
                f"The request is already {before}."
                if after.status.value == before
                else f"Moved the request from {before} to **{after.status.value}**."
            )
        elif command.kind is cmd.CommandKind.LINK_INPUT:
            linked = link_input(state, task.name, command.argument, None, actor, now)
            change.message = f"Dataset request #{req.issue}: link input (by {req.sender})"
            change.reply = (
                f"Linked the input dataset {texts.md_escape(command.argument)}."
                if linked != task
                else "That input dataset is linked already."
            )
        elif command.kind is cmd.CommandKind.REFRESH:
            change.message = f"Refresh dataset request #{req.issue}"
            change.reply = "Refreshed the request branch against the default branch."

    def _correct(
        self, state: State, change: Change, req: RequestRef, command: cmd.Command, task: ProdTask
    ) -> None:
        field_id = cmd.resolve_field(self.form, command.field, state.settings.columns)
        label = _label(self.form, field_id)
        answers = rf.answers_from_form(
            self.form, {field_id: command.value or None}, state.settings, only=[field_id]
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
        changed = self._apply_answers(state, req, answers, change, task)
        if catalog_id is None:
            change.reply = f"Applied **{texts.md_escape(label)}** to the input dataset intake."
        elif changed:
            change.reply = "Updated " + texts.describe_change(label, old, new) + "."
        else:
            change.reply = (
                f"Nothing changed: **{texts.md_escape(label)}** already holds that value."
            )

    def _reply_only(
        self,
        req: RequestRef,
        comment_id: int,
        command: cmd.Command,
        change: Change,
        out: Outcome,
    ) -> None:
        out.handled = True
        own = self._own_comments(self.github.list_comments(req.issue))
        self._reply(req, own, comment_id, command, change, out)

    # ------------------------------------------------------------------ pull requests

    def _on_pull(self, payload: Mapping[str, Any], out: Outcome) -> None:
        if out.action != "closed":
            out.ignore(f"pull request action '{out.action}' needs nothing")
            return
        pr = _mapping(payload, "pull_request")
        head = _mapping(pr, "head")
        head_ref = _text(head, "ref")
        number = branches.issue_of_branch(head_ref)
        head_repo = _text(_mapping(head, "repo", required=False), "full_name")
        if number is None:
            out.ignore(f"'{head_ref}' is not a request branch")
            return
        if head_repo.casefold() != self.repository.casefold():
            out.ignore("the pull request comes from another repository")
            return
        out.issue = number
        out.branch = head_ref
        pull = PullInfo(
            number=_int(pr, "number"),
            head=head_ref,
            base=_text(_mapping(pr, "base"), "ref") or self.default_branch,
            title=_text(pr, "title"),
            body=_text(pr, "body"),
            state="closed",
            merged=bool(pr.get("merged")),
            html_url=_text(pr, "html_url"),
        )
        if pull.merged:
            self._record_merge(number, pull, _text(pr, "merge_commit_sha"), out)
        else:
            req = RequestRef(issue=number, sender=_login(payload, "sender"))
            change = Change(f"Dataset request #{number}", phase="pull-closed")
            self._converge(
                req,
                _no_change,
                change,
                out,
                known_pull=pull,
                require_branch=True,
                allow_sync=False,
            )

    def _record_merge(self, issue: int, pull: PullInfo, merge_sha: str, out: Outcome) -> None:
        """Record what the merge made known, delete the branch, close the issue."""
        out.handled = True
        base = pull.base
        page_url = ""
        for attempt in range(MAX_PUSH_ATTEMPTS):
            try:
                page_url = self._record_merge_on(base, issue, pull, merge_sha, out)
                break
            except PushRejected:
                if attempt + 1 == MAX_PUSH_ATTEMPTS:
                    raise
        if self.workspace.delete(pull.head):
            out.deleted.append(pull.head)
        own = self._own_comments(self.github.list_comments(issue))
        status = _first_with(own, texts.STATUS_MARKER)
        previous = texts.decode_state(status.body) if status else {}
        if previous.get("phase") != "merged":
            self.github.close_issue(issue, reason="completed")
        view = texts.RequestView(
            issue=issue,
            branch=pull.head,
            phase="merged",
            pull_number=pull.number,
            pull_url=pull.html_url,
            page_url=page_url,
        )
        self._write_status(
            issue, view, status, previous, [], None, out, desired=[], notes=list(out.notes)
        )

    def _record_merge_on(
        self, base: str, issue: int, pull: PullInfo, merge_sha: str, out: Outcome
    ) -> str:
        page_url = ""
        with self.workspace.checkout(base, base) as co:
            with self.uow_factory(co.root) as uow:
                state = uow.state
                task = state.task_for_key(("issue", str(issue)))
                if task is None:
                    out.notes.append(f"no task for issue #{issue} on {base}; nothing recorded")
                    return ""
                page_url = texts.request_page_url(state.settings, task.name)
                rows = [t.name for t in catalog_tasks(state.tasks.values())]
                record = TaskIntake(
                    public_catalog_issue=issue,
                    public_catalog_pr=pull.number,
                    public_catalog_page_url=page_url,
                    public_catalog_row_index=rows.index(task.name) + 1
                    if task.name in rows
                    else None,
                    public_catalog_commit_sha=merge_sha or None,
                )
                try:
                    intake_task(state, record, Actor("pcs", SURFACE), self.clock.now())
                except PcsError as exc:
                    out.notes.append(f"the merge of #{pull.number} was not recorded: {exc}")
                    return page_url
                if state.dirty:
                    uow.commit(f"Record the merge of dataset request #{issue} (#{pull.number})")
            new = co.commit(f"Record the merge of dataset request #{issue} (#{pull.number})")
            if new is not None:
                try:
                    self.workspace.publish(base, new, co.head)
                except PushRejected:
                    raise
                except GitError as exc:
                    # A protected default branch refuses the bot's push: the merge itself
                    # stands, so the request is closed anyway with how to record the rest.
                    out.notes.append(_merge_not_recorded(base, issue, pull.number, merge_sha, exc))
                    return page_url
                out.commits.append(new)
                out.pushed.append(base)
        return page_url

    def _withdraw(self, issue: int, labels: list[str], out: Outcome) -> None:
        """The issue was closed: close the open request PR, delete the branch, say so."""
        branch = branches.request_branch(issue)
        out.branch = branch
        pull = self.github.find_pull(branch)
        if pull is not None and pull.merged:
            out.ignore(f"the request was merged in #{pull.number}")
            return
        out.handled = True
        if pull is not None and pull.state == "open":
            self.github.update_pull(pull.number, state="closed")
            out.pull = {"number": pull.number, "url": pull.html_url, "action": "closed"}
        if self.workspace.delete(branch):
            out.deleted.append(branch)
        own = self._own_comments(self.github.list_comments(issue))
        status = _first_with(own, texts.STATUS_MARKER)
        if status is None and pull is None and not out.deleted:
            out.ignore("the request was never taken in")
            return
        previous = texts.decode_state(status.body) if status else {}
        view = texts.RequestView(
            issue=issue,
            branch=branch,
            phase="closed",
            pull_number=pull.number if pull else None,
        )
        self._write_status(issue, view, status, previous, labels, None, out, desired=[])

    # ------------------------------------------------------------------ push

    def _on_push(self, payload: Mapping[str, Any], out: Outcome) -> None:
        ref = _text(payload, "ref")
        if ref != f"refs/heads/{self.default_branch}" or payload.get("deleted"):
            out.ignore(f"a push to {ref or 'an unknown ref'}, not to the default branch")
            return
        sender = _login(payload, "sender")
        out.handled = True
        for branch in sorted(self.workspace.branches(branches.REQUEST_PREFIX)):
            number = branches.issue_of_branch(branch)
            if number is None or not self.workspace.behind(branch, self.default_branch):
                continue
            pull = self.github.find_pull(branch)
            if pull is None or pull.state != "open":
                continue
            req = RequestRef(issue=number, sender=sender)
            change = Change(f"Bring dataset request #{number} up to date with the default branch")
            self._converge(req, _no_change, change, out, known_pull=pull)
            out.refreshed.append(number)
        if not out.refreshed:
            out.reason = "no open request pull request is stale"

    # ------------------------------------------------------------------ the convergence

    def _converge(
        self,
        req: RequestRef,
        mutation: Mutation,
        change: Change,
        out: Outcome,
        *,
        reply_to: tuple[int, cmd.Command] | None = None,
        force_sync: bool = False,
        reopen: bool = False,
        known_pull: PullInfo | None = None,
        require_branch: bool = False,
        allow_sync: bool = True,
    ) -> None:
        branch = branches.request_branch(req.issue)
        out.issue = req.issue
        out.branch = branch
        template = replace(change)
        result: BranchResult | None = None
        for attempt in range(MAX_PUSH_ATTEMPTS):
            change = replace(
                template,
                problems=dict(template.problems),
                resolved=set(template.resolved),
                notes=list(template.notes),
            )
            try:
                result = self._work_on_branch(
                    req, branch, mutation, change, force_sync, require_branch, allow_sync
                )
                break
            except PushRejected:
                if attempt + 1 == MAX_PUSH_ATTEMPTS:
                    raise
        if result is None:
            out.ignore(f"the branch {branch} does not exist")
            return
        out.handled = True
        if result.new_head:
            out.commits.append(result.new_head)
            out.pushed.append(branch)
        self._update_github(req, branch, result, out, reply_to, reopen, known_pull)

    def _work_on_branch(
        self,
        req: RequestRef,
        branch: str,
        mutation: Mutation,
        change: Change,
        force_sync: bool,
        require_branch: bool,
        allow_sync: bool,
    ) -> BranchResult | None:
        with self.workspace.checkout(branch, self.default_branch) as co:
            if require_branch and co.head is None:
                return None
            source: State | None = None
            if co.head is not None and ((co.behind_base and allow_sync) or force_sync):
                source = self._load(co.root)
                co.reset_to_base()
            result = BranchResult(change, None, co.head, base=self.default_branch)
            try:
                result.snapshot = self._apply(co.root, req, mutation, change, source)
            except Refused:
                result.snapshot = self._fallback_snapshot(co.root, req, source)
                return result
            except _SyncFailed as exc:
                change.touched = True
                change.notes.append(
                    f"The request branch could not be brought up to date with "
                    f"{self.default_branch}: {exc}. A maintainer must resolve it."
                )
                result.snapshot = self._snapshot(source, req.issue) if source else None
                return result
            new = co.commit(change.message)
            if new is not None:
                result.validation = self.verify(co.root)
                self.workspace.publish(branch, new, co.head)
                result.new_head = new
        return result

    def _apply(
        self,
        root: Path,
        req: RequestRef,
        mutation: Mutation,
        change: Change,
        source: State | None,
    ) -> Snapshot | None:
        """Run the change in a unit of work; on failure run again without it."""
        for with_change in (True, False):
            with self.uow_factory(root) as uow:
                state = uow.state
                if source is not None:
                    try:
                        renamed = rebase_request(
                            state, source, req.issue, Actor(req.sender, SURFACE), self.clock.now()
                        )
                    except PcsError as exc:
                        raise _SyncFailed(str(exc)) from exc
                    if renamed:
                        change.touched = True
                        change.notes += renamed
                try:
                    if with_change:
                        mutation(state, change, req)
                    if state.dirty:
                        uow.commit(change.message)
                except Refused:
                    raise
                except PcsError as exc:
                    if not with_change:
                        raise _SyncFailed(str(exc)) from exc
                    change.fail(str(exc))
                    continue
                return self._snapshot(state, req.issue)
        return None  # pragma: no cover - the loop always returns or raises

    def _load(self, root: Path) -> State:
        with self.uow_factory(root) as uow:
            return uow.state

    def _fallback_snapshot(
        self, root: Path, req: RequestRef, source: State | None
    ) -> Snapshot | None:
        state = source if source is not None else self._load(root)
        return self._snapshot(state, req.issue)

    def _snapshot(self, state: State, issue: int) -> Snapshot | None:
        return request_snapshot(state, issue, self.probe)

    # ------------------------------------------------------------------ GitHub side

    def _update_github(
        self,
        req: RequestRef,
        branch: str,
        result: BranchResult,
        out: Outcome,
        reply_to: tuple[int, cmd.Command] | None,
        reopen: bool,
        known_pull: PullInfo | None,
    ) -> None:
        snap = result.snapshot
        change = result.change
        pull: PullInfo | None = known_pull
        view = self._view(req.issue, branch, snap, change, pull)
        if result.head is not None and snap is not None:
            pull = self._ensure_pull(
                branch,
                result.base,
                texts.pull_title(req.issue, snap.pwg, snap.path),
                texts.pull_body(view),
                created=result.head_before is None,
                known=known_pull,
                reopen=reopen or result.new_head is not None,
                out=out,
            )
        if pull is not None and result.new_head is not None:
            state, description = texts.status_description(result.validation or [])
            self.github.set_status(
                result.new_head,
                state=state,
                context=texts.STATUS_CONTEXT,
                description=description,
                target_url=pull.html_url or None,
            )
        own = self._own_comments(self.github.list_comments(req.issue))
        status = _first_with(own, texts.STATUS_MARKER)
        previous = texts.decode_state(status.body) if status else {}
        if change.phase == "pull-closed" and previous.get("phase") in ("closed", "merged"):
            out.reason = "the request was withdrawn or merged already"
            return
        if pull is not None and pull.state == "closed" and not pull.merged and not change.phase:
            change.phase = "pull-closed"
        view = self._view(req.issue, branch, snap, change, pull)
        desired = texts.desired_labels(
            snap.status if snap else None, snap.substate if snap else None
        )
        self._write_status(
            req.issue, view, status, previous, list(req.labels), result, out, desired=desired
        )
        if reply_to is not None:
            comment_id, command = reply_to
            self._reply(req, own, comment_id, command, change, out)

    def _view(
        self,
        issue: int,
        branch: str,
        snap: Snapshot | None,
        change: Change,
        pull: PullInfo | None,
    ) -> texts.RequestView:
        return request_view(
            issue,
            branch,
            snap,
            self.trusted.settings,
            server_url=self.server_url,
            repository=self.repository,
            phase=change.phase or "open",
            pull=pull,
        )

    def _ensure_pull(
        self,
        branch: str,
        base: str,
        title: str,
        body: str,
        *,
        created: bool,
        known: PullInfo | None,
        reopen: bool,
        out: Outcome,
    ) -> PullInfo | None:
        """ONE pull request per request: create it, or bring its title and body up to date."""
        pull, action = ensure_pull(
            self.github, branch, base, title, body, created=created, known=known, reopen=reopen
        )
        out.pull = {"number": pull.number, "url": pull.html_url, "action": action}
        return pull

    def _write_status(
        self,
        issue: int,
        view: texts.RequestView,
        status: CommentInfo | None,
        previous: Mapping[str, Any],
        payload_labels: list[str],
        result: BranchResult | None,
        out: Outcome,
        *,
        desired: list[str],
        notes: list[str] | None = None,
    ) -> None:
        """Labels first, then the ONE status comment (created, edited, or left alone).

        ``notes`` replaces the notes kept from earlier events (a merge starts afresh)."""
        change = result.change if result else None
        problems = dict(previous.get("problems") or {})
        if notes is None:
            notes = list(previous.get("notes") or [])
        if change is not None and change.touched:
            for label in change.resolved:
                problems.pop(label, None)
            problems.update(change.problems)
            notes = list(change.notes)
        validation = list(previous.get("validation") or [])
        if result is not None and result.validation is not None:
            validation = result.validation
        recorded = [str(x) for x in previous.get("labels") or []]
        add, remove = texts.label_changes(desired, {*payload_labels, *recorded})
        if add:
            self.github.add_labels(issue, add)
            out.labels_added += add
        for label in remove:
            self.github.remove_label(issue, label)
            out.labels_removed.append(label)
        view = replace(
            view,
            problems=tuple(sorted(problems.items())),
            notes=tuple(notes),
            validation=tuple(validation),
        )
        state = {
            "phase": view.phase,
            "labels": sorted(desired),
            "problems": problems,
            "notes": notes,
            "validation": validation,
        }
        text = texts.status_comment(view, state)
        out.problems = [f"{k}: {v}" for k, v in sorted(problems.items())] + validation
        out.notes += [note for note in notes if note not in out.notes]
        if status is None:
            self.github.create_comment(issue, text)
            out.status_comment = "created"
        elif status.body != text:
            self.github.update_comment(status.id, text)
            out.status_comment = "updated"
        else:
            out.status_comment = "unchanged"

    def _reply(
        self,
        req: RequestRef,
        own: list[CommentInfo],
        comment_id: int,
        command: cmd.Command,
        change: Change,
        out: Outcome,
    ) -> None:
        """ONE reply per command comment (a replay finds it by its marker)."""
        marker = texts.REPLY_MARKER.format(comment=comment_id)
        if any(marker in c.body for c in own):
            out.reply = "exists"
            return
        text = change.reply or "Nothing to do."
        self.github.create_comment(
            req.issue, texts.reply_text(comment_id, req.sender, command, text)
        )
        out.reply = "created"

    def _own_comments(self, comments: list[CommentInfo]) -> list[CommentInfo]:
        """The bot's own marked comments (the bot's login is asked only when one may exist)."""
        marked = [
            c for c in comments if texts.STATUS_MARKER in c.body or "<!-- pcs-reply:" in c.body
        ]
        if not marked:
            return []
        login = self.github.bot_login().casefold()
        return [c for c in marked if c.author.casefold() == login]

    def _holds(self, login: str) -> authz.RoleCheck:
        """Whether ``login`` holds a role: logins first, team membership asked only if needed."""
        roles: Roles = self.trusted.roles

        def holds(role: Role, pwg: str | None) -> bool:
            key = (login.casefold(), role, pwg)
            if key in self._roles_cache:
                return self._roles_cache[key]
            found = False
            grants = [g for g in roles.grants if g.role is role and (pwg is None or g.pwg == pwg)]
            if any(login.casefold() == x.casefold() for g in grants for x in g.logins):
                found = True
            else:
                for team in (t for g in grants for t in g.teams):
                    org, _, slug = team.partition("/")
                    if org and slug and self.github.has_team_member(org, slug, login):
                        found = True
                        break
            self._roles_cache[key] = found
            return found

        return holds


def request_snapshot(state: State, issue: int, probe: PathProbe) -> Snapshot | None:
    """What the status comment and the PR show of the request's task (None: no task yet)."""
    task = state.task_for_key(("issue", str(issue)))
    if task is None:
        return None
    check = readiness(state, task, probe)
    return Snapshot(
        task_name=task.name,
        status=task.status.value,
        substate=check.substate(task.status),
        pwg=task.catalog.get("pwg", ""),
        path=task.catalog.get("dataset_path", ""),
        row=tuple(catalog_row(state.settings, task).items()) if task.catalog else (),
        checks=tuple(texts.CheckView(c.title, c.ok, c.problems) for c in check.checks),
    )


def request_view(
    issue: int,
    branch: str,
    snap: Snapshot | None,
    settings: CatalogSettings,
    *,
    server_url: str,
    repository: str,
    phase: str = "open",
    pull: PullInfo | None = None,
) -> texts.RequestView:
    """The view of a request that the status comment and the PR body render."""
    if snap is None:
        return texts.RequestView(
            issue=issue,
            branch=branch,
            phase=phase,
            pull_number=pull.number if pull else None,
            pull_url=pull.html_url if pull else "",
        )
    record = f"state/prod_tasks/{snap.task_name}.yaml"
    return texts.RequestView(
        issue=issue,
        branch=branch,
        phase=phase if phase != "not-a-form" else "open",
        task_name=snap.task_name,
        status=snap.status,
        substate=snap.substate,
        row=snap.row,
        checks=snap.checks,
        pull_number=pull.number if pull else None,
        pull_url=pull.html_url if pull else "",
        record_url=f"{server_url.rstrip('/')}/{repository}/blob/{branch}/{record}",
        page_url=texts.request_page_url(settings, snap.task_name),
    )


def ensure_pull(
    github: GitHubPort,
    branch: str,
    base: str,
    title: str,
    body: str,
    *,
    created: bool,
    known: PullInfo | None = None,
    reopen: bool,
) -> tuple[PullInfo, str]:
    """ONE pull request per branch: create it, or bring its title and body up to date.

    ``created``: the branch was just created (a PR may still exist when a previous run died
    after creating it). ``reopen``: new commits arrived, so a closed (or merged) PR of the branch
    is reopened (or replaced). Returns the pull request and what was done to it: created,
    reopened, updated or unchanged.
    """
    pull: PullInfo | None
    if created:
        try:
            pull = github.create_pull(title=title, body=body, head=branch, base=base)
        except GitHubError:
            pull = github.find_pull(branch)
            if pull is None or pull.state != "open":
                raise
        else:
            return pull, "created"
    else:
        pull = known or github.find_pull(branch)
    if pull is None or (pull.merged and reopen):
        return github.create_pull(title=title, body=body, head=branch, base=base), "created"
    action = "unchanged"
    if pull.state != "open" and not pull.merged and reopen:
        try:
            pull = github.update_pull(pull.number, title=title, body=body, state="open")
            action = "reopened"
        except GitHubError:
            pull = github.create_pull(title=title, body=body, head=branch, base=base)
            action = "created"
    elif pull.state == "open" and (pull.title != title or pull.body != body):
        pull = github.update_pull(pull.number, title=title, body=body)
        action = "updated"
    return pull, action


class _SyncFailed(PcsError):
    """The request's records could not be carried onto the default branch."""


def _no_change(state: State, change: Change, req: RequestRef) -> None:
    return None


# --------------------------------------------------------------------------- rebase


def rebase_request(state: State, source: State, issue: int, actor: Actor, now: str) -> list[str]:
    """Carry the records of request ``issue`` from ``source`` (its branch) into ``state`` (the
    current default branch): the task, its input datasets and the tags they use.

    Datasets whose source the base already holds are reused; tag labels the base has taken for
    other parameters meanwhile are allocated again, and the dataset renamed. Returns notes on
    what was renamed. Raises ``Conflict`` when a name is taken and cannot be re-derived.
    """
    task = source.task_for_key(("issue", str(issue)))
    if task is None:
        return []
    notes: list[str] = []
    did_map: dict[str, str] = {}
    for did in task.input_datasets:
        dataset = source.dataset_for_did(did)
        if dataset is None:
            continue
        same = state.dataset_for_source(dataset.source.kind.value, dataset.source.location)
        if same is not None:
            did_map[did] = same.did
            continue
        labels = {
            kind: _carry_tag(state, source, label, kind, actor, now)
            for kind, label in dataset.tags.labels().items()
        }
        parts = ComposedName(
            scope=dataset.scope,
            detector_version=dataset.detector_version,
            detector_config=dataset.detector_config,
            physics=labels[TagKind.PHYSICS],
            evgen=labels[TagKind.EVGEN],
            simu=labels[TagKind.SIMU],
            reco=labels[TagKind.RECO],
            background=labels.get(TagKind.BACKGROUND),
            sample=dataset.sample,
        )
        name = build_dataset_name(parts)
        if name in state.datasets:
            other = state.datasets[name]
            raise Conflict(
                f"the dataset name '{name}' of request #{issue} is used on the default branch "
                f"by {other.source.kind.value} '{other.source.location}'"
            )
        moved = replace(
            dataset,
            name=name,
            did=build_did(dataset.scope, name, dataset.block),
            tags=DatasetTags(
                physics=parts.physics,
                evgen=parts.evgen,
                simu=parts.simu,
                reco=parts.reco,
                background=parts.background,
            ),
        )
        state.put_dataset(moved)
        did_map[did] = moved.did
        if moved.name != dataset.name:
            notes.append(
                f"The input dataset was renamed {dataset.name} -> {moved.name}: its tag "
                "labels were taken on the default branch meanwhile."
            )
    other_task = state.tasks.get(task.name)
    if other_task is not None and other_task.public_catalog.intake_key() != (
        task.public_catalog.intake_key()
    ):
        raise Conflict(f"the task name '{task.name}' is used on the default branch by another key")
    inputs = tuple(did_map.get(d, d) for d in task.input_datasets)
    state.put_task(replace(task, input_datasets=inputs))
    return notes


def _carry_tag(
    state: State, source: State, label: str, kind: TagKind, actor: Actor, now: str
) -> str:
    tag = source.tags.get(label)
    if tag is None:
        return label  # a dangling label: validation reports it
    existing = state.tags.get(label)
    if (
        existing is not None
        and existing.kind is tag.kind
        and dict(existing.parameters) == dict(tag.parameters)
    ):
        return label
    found = find_tag(state, kind, tag.parameters)
    if found is not None:
        return found.label
    if existing is None:
        state.put_tag(tag)
        state.tag_cache = None
        return label
    created, _ = find_or_create_tag(
        state,
        kind,
        tag.parameters,
        created_by=tag.created_by or actor.login,
        created_at=tag.created_at or now,
        description=tag.description,
    )
    return created.label


# --------------------------------------------------------------------------- payload access


def _mapping(data: Mapping[str, Any], key: str, *, required: bool = True) -> Mapping[str, Any]:
    value = data.get(key)
    if isinstance(value, Mapping):
        return value
    if required:
        raise UsageError(
            f"the event payload has no '{key}' object; check that GITHUB_EVENT_PATH holds the "
            "payload of GITHUB_EVENT_NAME"
        )
    return {}


def _text(data: Mapping[str, Any], key: str) -> str:
    value = data.get(key)
    return value if isinstance(value, str) else ""


def _int(data: Mapping[str, Any], key: str) -> int:
    value = data.get(key)
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise UsageError(f"the event payload has no valid '{key}' (a positive integer)")
    return value


def _number(issue: Mapping[str, Any]) -> int:
    return _int(issue, "number")


def _login(data: Mapping[str, Any], key: str) -> str:
    return _text(_mapping(data, key, required=False), "login") or "unknown"


def _labels(issue: Mapping[str, Any]) -> list[str]:
    labels = issue.get("labels")
    if not isinstance(labels, list):
        return []
    out = []
    for item in labels:
        if isinstance(item, Mapping) and isinstance(item.get("name"), str):
            out.append(str(item["name"]))
        elif isinstance(item, str):
            out.append(item)
    return out


def _label(form: IssueForm, field_id: str) -> str:
    try:
        return form.field(field_id).label
    except KeyError:
        return field_id


def _merge_not_recorded(base: str, issue: int, pull: int, merge_sha: str, exc: GitError) -> str:
    text = str(exc).strip()
    first_line = text.splitlines()[0] if text else "refused"
    return (
        f"the merge record could not be pushed to {base} ({first_line}); allow the bot to push "
        f"to {base}, or record it with: pcs task intake --public-catalog-issue {issue} "
        f"--public-catalog-pr {pull}"
        + (f" --public-catalog-commit-sha {merge_sha}" if merge_sha else "")
    )


def _first_with(comments: list[CommentInfo], marker: str) -> CommentInfo | None:
    return next((c for c in comments if marker in c.body), None)
