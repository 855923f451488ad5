"""Dataset requests filed as GitHub issues: the pure decisions of the request pipeline.

Everything here is a function of its arguments (no I/O, no GitHub, no git):

* form answers -> catalogue values + the dataset/task intake requests + problems;
* ``!update Field: value`` and ``/pcs ...`` comment commands;
* who may do what (authorisation decisions over ``state/roles.yaml``);
* the texts the bot writes: status comment, pull-request title and body, replies, labels.

Untrusted input rules (the lessons of epic-prod's workflows, see the catalogue digest §2.6):
values are cleaned of control and bidirectional characters, size-limited, refused when a
spreadsheet would run them as a formula, and dataset paths are validated before anything uses
them. Texts written back to GitHub escape every value (no Markdown/HTML injection, no mentions).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from pcs_gitops.domain.catalog import PRIORITIES, formula_problem
from pcs_gitops.domain.issue_form import FormValue, IssueForm, field_by_name
from pcs_gitops.domain.model import SourceKind
from pcs_gitops.domain.settings import DEFAULT_COLUMNS, CatalogSettings, Role, Roles
from pcs_gitops.errors import UsageError
from pcs_gitops.services.datasets import DatasetIntake, guess_source_kind, validate_location
from pcs_gitops.services.tasks import TaskIntake

# --------------------------------------------------------------------------- the form

# Older labels of form fields, so issues filed before a rename still parse.
FORM_ALIASES: dict[str, tuple[str, ...]] = {"generator_dataset_version": ("Generator Config",)}

# Form field id -> catalogue field id (the public catalogue row).
FORM_TO_CATALOG: dict[str, str] = {
    "dsc_or_pwg": "pwg",
    "dataset_path": "dataset_path",
    "generator_dataset_version": "generator_version",
    "number_of_events": "events",
    "background": "background",
    "new_request": "new_request",
    "pre_tdr_use": "pre_tdr_use",
    "early_science_use": "early_science_use",
    "other_use": "other_use",
    "description": "description",
    "priority": "priority",
}
CATALOG_TO_FORM = {v: k for k, v in FORM_TO_CATALOG.items()}
# Optional form fields that steer the dataset intake (not catalogue columns).
EXTRA_FIELDS = ("source_kind", "detector_version", "physics_tag", "evgen_tag", "contact")
# Dropdowns whose value must be one of the options (matched ignoring case). "Other Use" is
# free text in the catalogue, so it is not checked against the form's options.
CHECKED_DROPDOWNS = frozenset(
    {"background", "new_request", "pre_tdr_use", "early_science_use", "source_kind"}
)

MAX_BODY = 65_536  # characters of an issue body or comment (GitHub's own limit)
MAX_SINGLE_LINE = 1_000  # characters of an input or dropdown value
MAX_MULTI_LINE = 10_000  # characters of a textarea value

_BIDI = "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
_CONTROL_MULTI = re.compile(f"[\\x00-\\x08\\x0b-\\x1f\\x7f{_BIDI}]")
_CONTROL_SINGLE = re.compile(f"[\\x00-\\x1f\\x7f{_BIDI}]")
_PRIORITY = re.compile(r"^\s*(-?\d+)(?!\d)")

NOT_A_FORM = (
    "the issue body is not a dataset request form: none of its headings (### DSC or PWG, "
    "### Dataset Path, ...) were found. Open the request with the 'Dataset Request' issue "
    "template, or edit the body to follow it."
)


def clean_text(value: str, *, multiline: bool) -> tuple[str, int]:
    """``value`` without control and bidirectional characters, and how many were removed.

    Line breaks become LF; a multi-line value keeps LF and tabs, a single-line value keeps
    neither. Surrounding whitespace is stripped.
    """
    text = value.replace("\r\n", "\n")
    pattern = _CONTROL_MULTI if multiline else _CONTROL_SINGLE
    cleaned, removed = pattern.subn("", text)
    cleaned = cleaned.strip("\n ").rstrip() if multiline else cleaned.strip()
    return cleaned, removed


@dataclass
class RequestAnswers:
    """What the form (or a correction) said, after cleaning and validation."""

    catalog: dict[str, str] = field(default_factory=dict)  # catalogue id -> accepted value
    extras: dict[str, str] = field(default_factory=dict)  # EXTRA_FIELDS -> accepted value
    problems: dict[str, str] = field(default_factory=dict)  # field label -> why refused
    notes: list[str] = field(default_factory=list)
    accepted: list[str] = field(default_factory=list)  # labels of the accepted fields

    def dataset_intake(self, description: str = "") -> DatasetIntake | None:
        """The intake of the input dataset named by the accepted Dataset Path, if any."""
        path = self.catalog.get("dataset_path", "")
        if not path:
            return None
        release = self.catalog.get("generator_version", "")
        return DatasetIntake(
            source_location=path,
            source_kind=self.extras.get("source_kind") or None,
            physics_tag=self.extras.get("physics_tag") or None,
            evgen_tag=self.extras.get("evgen_tag") or None,
            detector_version=self.extras.get("detector_version") or None,
            release_url=release if release.startswith(("http://", "https://")) else None,
            description=description,
        )

    def task_intake(self, issue: int, input_did: str | None = None) -> TaskIntake:
        contact = self.extras.get("contact")
        return TaskIntake(
            public_catalog_issue=issue,
            catalog=dict(self.catalog),
            input_dataset_did=input_did,
            description=f"Contact: {contact}" if contact else None,
        )


def _label(form: IssueForm, field_id: str) -> str:
    try:
        return form.field(field_id).label
    except KeyError:
        return field_id


def _as_text(value: FormValue) -> str:
    if value is None:
        return ""
    if isinstance(value, list):
        return ", ".join(value)
    return value


def _normalise(
    form: IssueForm, field_id: str, raw: str, settings: CatalogSettings
) -> tuple[str | None, str | None]:
    """(accepted value, None) or (None, why the value is refused). ``raw`` is cleaned."""
    if not raw:
        return "", None
    catalog_id = FORM_TO_CATALOG.get(field_id)
    if catalog_id is not None:
        reason = formula_problem(raw)
        if reason:
            return None, (
                f"the value {reason}; it was not recorded. Remove the leading character or "
                "start the text with a letter."
            )
    if field_id == "dsc_or_pwg":
        slug = settings.pwg_slug(raw)
        if slug is None:
            names = ", ".join(p.name for p in settings.pwgs)
            return None, f"'{raw}' is not a known DSC or PWG; choose one of: {names}."
        return slug, None
    if field_id == "priority":
        match = _PRIORITY.match(raw)
        if match is None or match.group(1) not in PRIORITIES:
            return None, f"'{raw}' is not a priority; choose 1 (Highest), 2, 3 or -1 (N/A)."
        return match.group(1), None
    if field_id in CHECKED_DROPDOWNS:
        options = _options(form, field_id)
        for option in options:
            if raw.casefold() == option.casefold():
                return option, None
        if options:
            return None, f"'{raw}' is not one of the options: {', '.join(options)}."
    if field_id == "physics_tag" or field_id == "evgen_tag":
        text = raw.lower()
        prefix = "p" if field_id == "physics_tag" else "e"
        if not re.fullmatch(prefix + r"\d+", text):
            return None, f"'{raw}' is not a tag label like {prefix}1; leave it empty if unsure."
        return text, None
    if field_id == "detector_version" and not re.fullmatch(r"\d+\.\d+\.\d+", raw):
        return None, f"'{raw}' is not a version like 26.02.0."
    return raw, None


def _options(form: IssueForm, field_id: str) -> tuple[str, ...]:
    try:
        return form.field(field_id).options
    except KeyError:
        return ()


def _validate_path(answers: RequestAnswers, form: IssueForm) -> None:
    path = answers.catalog.get("dataset_path")
    if not path:
        return
    label = _label(form, "dataset_path")
    kind_text = answers.extras.get("source_kind") or ""
    try:
        kind = SourceKind(kind_text) if kind_text else guess_source_kind(path)
        validate_location(kind, path)
    except (UsageError, ValueError) as exc:
        del answers.catalog["dataset_path"]
        answers.accepted.remove(label)
        answers.problems[label] = (
            f"{exc}; it was not recorded. Give one absolute path (or URL, or Rucio DID) without "
            "spaces, '..' or shell characters; file one request per dataset."
        )


def answers_from_form(
    form: IssueForm,
    values: Mapping[str, FormValue],
    settings: CatalogSettings,
    *,
    only: Collection[str] | None = None,
) -> RequestAnswers:
    """Clean and validate form answers (``{form field id: value}``).

    ``only`` restricts the result to those field ids (a correction, or an edit of the body);
    otherwise every catalogue and extra field of the form is answered ("" when empty).
    """
    answers = RequestAnswers()
    wanted = [
        f.id
        for f in form.fields
        if (f.id in FORM_TO_CATALOG or f.id in EXTRA_FIELDS) and (only is None or f.id in only)
    ]
    for field_id in wanted:
        form_field = form.field(field_id)
        multiline = form_field.type == "textarea"
        raw, removed = clean_text(_as_text(values.get(field_id)), multiline=multiline)
        label = form_field.label
        if removed:
            answers.notes.append(
                f"{label}: {removed} control or bidirectional character(s) were removed."
            )
        limit = MAX_MULTI_LINE if multiline else MAX_SINGLE_LINE
        if len(raw) > limit:
            answers.problems[label] = (
                f"the value is {len(raw)} characters long; the limit is {limit}. Shorten it."
            )
            continue
        if not multiline and "\n" in raw and field_id != "dataset_path":
            answers.problems[label] = "the value must be a single line."
            continue
        value, problem = _normalise(form, field_id, raw, settings)
        if problem is not None or value is None:
            answers.problems[label] = problem or "refused"
            continue
        if field_id in FORM_TO_CATALOG:
            answers.catalog[FORM_TO_CATALOG[field_id]] = value
        else:
            answers.extras[field_id] = value
        answers.accepted.append(label)
    _validate_path(answers, form)
    return answers


def form_found(form: IssueForm, body: str) -> bool:
    """Whether the body is a filled-in form: at least one of its headings is present."""
    return any(
        line.startswith("### ") and form.field_for_heading(line[4:]) is not None
        for line in body.replace("\r\n", "\n").split("\n")
    )


def changed_fields(old: Mapping[str, FormValue], new: Mapping[str, FormValue]) -> list[str]:
    """Form field ids whose answer differs between two parses (an edit of the issue body)."""
    return [k for k in new if _as_text(new.get(k)) != _as_text(old.get(k))]


# --------------------------------------------------------------------------- commands


class CommandKind(StrEnum):
    UPDATE = "update"
    HELP = "help"
    STATUS = "status"
    LINK_INPUT = "link-input"
    REFRESH = "refresh"
    INVALID = "invalid"


@dataclass(frozen=True)
class Command:
    kind: CommandKind
    field: str = ""  # UPDATE: the field as written
    value: str = ""  # UPDATE: the new value ("" clears)
    argument: str = ""  # STATUS: ready|draft; LINK_INPUT: the DID
    error: str = ""  # INVALID: what is wrong
    text: str = ""  # the command's first line, as written (for replies)


_UPDATE_PREFIX = re.compile(r"^!update(?=\s|$)", re.IGNORECASE)
_PCS_PREFIX = re.compile(r"^/pcs(?=\s|$)", re.IGNORECASE)
UPDATE_USAGE = "`!update Field: value` (the field by its form label or id; an empty value clears)"
PCS_SUBCOMMANDS = ("help", "update", "status", "link-input", "refresh")


def parse_command(body: str) -> Command | None:
    """The command a comment holds, or None when the comment is not a command.

    A command starts the comment: ``!update Field: value`` (the value runs to the end of the
    comment and may span lines) or ``/pcs help | update field=value | status ready|draft |
    link-input DID | refresh``. Prefixes are case-insensitive.
    """
    text = body.replace("\r\n", "\n").lstrip()
    first = text.split("\n", 1)[0].strip()
    if _UPDATE_PREFIX.match(text):
        return _parse_update(text[len("!update") :], ":", first)
    if not _PCS_PREFIX.match(text):
        return None
    rest = text[len("/pcs") :]
    words = first.split()
    sub = words[1].lower() if len(words) > 1 else "help"
    if sub == "help":
        return Command(CommandKind.HELP, text=first)
    if sub == "update":
        after = rest.lstrip(" \t")
        after = after[len(words[1]) :] if after.lower().startswith("update") else after
        return _parse_update(after, "=", first)
    if sub == "status":
        target = words[2].lower() if len(words) > 2 else ""
        if target not in ("ready", "draft") or len(words) > 3:
            return Command(
                CommandKind.INVALID,
                error="expected `/pcs status ready` or `/pcs status draft`",
                text=first,
            )
        return Command(CommandKind.STATUS, argument=target, text=first)
    if sub == "link-input":
        if len(words) != 3:
            return Command(
                CommandKind.INVALID, error="expected `/pcs link-input SCOPE:NAME`", text=first
            )
        return Command(CommandKind.LINK_INPUT, argument=words[2], text=first)
    if sub == "refresh":
        return Command(CommandKind.REFRESH, text=first)
    return Command(
        CommandKind.INVALID,
        error=f"unknown command '{words[1]}'; the commands are: {', '.join(PCS_SUBCOMMANDS)}",
        text=first,
    )


def _parse_update(rest: str, separator: str, first: str) -> Command:
    name, sep, value = rest.partition(separator)
    if not sep or not name.strip() or "\n" in name.strip():
        usage = UPDATE_USAGE if separator == ":" else "`/pcs update Field=value`"
        return Command(CommandKind.INVALID, error=f"expected {usage}", text=first)
    value = value.lstrip(" \t")
    value = value[1:] if value.startswith("\n") else value
    return Command(CommandKind.UPDATE, field=name.strip(), value=value.rstrip(), text=first)


def resolve_field(form: IssueForm, name: str, columns: Mapping[str, str] | None = None) -> str:
    """The form field id a correction names (label, alias, id or catalogue column; any case).

    Raises ``UsageError`` for ``Issue`` (the request's key never changes) and unknown names.
    """
    wanted = name.strip().casefold()
    titles = dict(columns or DEFAULT_COLUMNS)
    if wanted in ("issue", titles.get("issue", "Issue").casefold()):
        raise UsageError(
            "the Issue field is the request's key and cannot be changed; open a new request instead"
        )
    found = field_by_name(form, name)
    if found is not None and (found.id in FORM_TO_CATALOG or found.id in EXTRA_FIELDS):
        return found.id
    for catalog_id, title in titles.items():
        if wanted in (catalog_id.casefold(), title.casefold()) and catalog_id in CATALOG_TO_FORM:
            return CATALOG_TO_FORM[catalog_id]
    labels = [f.label for f in form.fields if f.id in FORM_TO_CATALOG or f.id in EXTRA_FIELDS]
    raise UsageError(f"there is no field '{name.strip()}'; the fields are: {', '.join(labels)}")


# --------------------------------------------------------------------------- authorisation


class Action(StrEnum):
    FILE = "file"  # open or re-label a request
    UPDATE = "update"  # correct fields, link the input, refresh, edit the body
    READY = "ready"  # approve: move the task to ready
    DRAFT = "draft"  # move the task back to draft
    HELP = "help"


@dataclass(frozen=True)
class Decision:
    allowed: bool
    reason: str = ""  # why not (for refusals)


# (role, pwg slug or None) -> whether the sender holds that role (lookups may be lazy)
RoleCheck = Callable[[Role, str | None], bool]


def authorize(
    action: Action,
    *,
    sender: str,
    requester: str,
    request_pwg: str | None,
    holds: RoleCheck,
) -> Decision:
    """May ``sender`` do ``action`` on the request filed by ``requester``?

    Anyone may file and ask for help. The requester may correct their own draft; so may a
    production manager, an admin, and a member of the request's PWG. Only a production manager
    or an admin may move a task to ready or draft, and nobody approves their own request.
    Decided on the sender's login only (never labels or author association).
    """
    is_requester = bool(requester) and sender.casefold() == requester.casefold()
    if action in (Action.FILE, Action.HELP):
        return Decision(True)
    # decided without asking about roles where possible: team lookups cost API calls
    if action is Action.UPDATE and is_requester:
        return Decision(True)
    if action is Action.READY and is_requester:
        return Decision(False, "nobody approves their own request; another production manager must")
    manager = holds(Role.PRODUCTION_MANAGER, None) or holds(Role.ADMIN, None)
    if action is Action.UPDATE:
        if manager:
            return Decision(True)
        if request_pwg and holds(Role.PWG_MEMBER, request_pwg):
            return Decision(True)
        return Decision(
            False,
            "only the requester, a member of the request's PWG, a production manager or an "
            "admin may change this request",
        )
    if not manager:
        return Decision(
            False, f"only a production manager or an admin may move a request to {action.value}"
        )
    return Decision(True)


def who_may(action: Action, roles: Roles, request_pwg: str | None = None) -> str:
    """The logins and teams that may do ``action`` (for refusal replies), from roles.yaml."""
    wanted = {Role.PRODUCTION_MANAGER, Role.ADMIN}
    names: list[str] = []
    for grant in roles.grants:
        pwg_ok = (
            action is Action.UPDATE and grant.role is Role.PWG_MEMBER and (grant.pwg == request_pwg)
        )
        if grant.role in wanted or pwg_ok:
            names += [f"`{n}`" for n in (*grant.logins, *grant.teams)]
    prefix = "the requester and " if action is Action.UPDATE else ""
    if not names:
        return f"{prefix}nobody else yet: state/roles.yaml grants no production manager"
    return prefix + ", ".join(dict.fromkeys(names)) + " (from state/roles.yaml)"


def action_for(command: Command) -> Action:
    if command.kind is CommandKind.STATUS:
        return Action.READY if command.argument == "ready" else Action.DRAFT
    if command.kind in (CommandKind.HELP, CommandKind.INVALID):
        return Action.HELP
    return Action.UPDATE


# --------------------------------------------------------------------------- texts

STATUS_MARKER = "<!-- pcs-status -->"
STATE_PREFIX = "<!-- pcs-state: "
REPLY_MARKER = "<!-- pcs-reply: {comment} -->"
PULL_MARKER = "<!-- pcs-request: {issue} -->"
BRANCH_PREFIX = "pcs/request-"
STATUS_CONTEXT = "pcs/validate"
SUBSTATE_LABELS: dict[str, str] = {
    "needs-input": "pcs:needs-input",
    "needs-metadata": "pcs:needs-metadata",
    "needs-config": "pcs:needs-config",
    "awaiting-review": "pcs:awaiting-review",
}
ALL_SUBSTATE_LABELS = frozenset(SUBSTATE_LABELS.values())

HELP_TEXT = """\
**Commands** (write them at the start of a comment on this issue):

- `!update Field: value`: correct a field; the field by its form label or id, any case (for
  example `!update Number of Events: 2.5M`). The value may span several lines; an empty value
  clears the field. The Issue field cannot change.
- `/pcs update Field=value`: the same, on one line.
- `/pcs status ready` or `/pcs status draft`: move the request (production managers; nobody
  approves their own request).
- `/pcs link-input SCOPE:NAME`: link an existing input dataset by its DID.
- `/pcs refresh`: bring the request branch up to date with the default branch.
- `/pcs help`: this text.

The requester may correct their own draft; production managers, admins and members of the
request's PWG may too. Edited or deleted comments never run commands."""


def branch_name(issue: int) -> str:
    """The request branch: derived from the issue number only."""
    return f"{BRANCH_PREFIX}{int(issue)}"


def issue_of_branch(branch: str) -> int | None:
    suffix = branch.removeprefix(BRANCH_PREFIX)
    if branch == suffix or not suffix.isdigit() or suffix.startswith("0"):
        return None
    return int(suffix)


_MD_ESCAPES = {
    "&": "&amp;",
    "<": "&lt;",
    ">": "&gt;",
    "@": "&#64;",
    "\\": "\\\\",
    "|": "\\|",
    "`": "\\`",
    "*": "\\*",
    "_": "\\_",
    "[": "\\[",
    "]": "\\]",
}


def md_escape(value: str) -> str:
    """A value safe inside Markdown text and table cells: no HTML, no mentions, no pipes, no
    emphasis or links; line breaks become ``<br>``."""
    text = "".join(_MD_ESCAPES.get(c, c) for c in value.replace("\r\n", "\n"))
    return text.replace("\n", "<br>")


def short_text(value: str, limit: int) -> str:
    text = " ".join(value.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def pull_title(issue: int, pwg: str, path: str) -> str:
    """``[Dataset Request] #<n>: <pwg> <path tail>`` (never the issue title)."""
    parts = [p for p in path.strip().split("/") if p]
    tail = "/".join(parts[-4:]) if parts else ""
    short = " ".join(x for x in (pwg.strip(), tail) if x) or "(incomplete request)"
    return f"[Dataset Request] #{issue}: {short_text(short, 90)}"


@dataclass(frozen=True)
class CheckView:
    title: str
    ok: bool
    problems: tuple[str, ...] = ()


@dataclass(frozen=True)
class RequestView:
    """Everything the status comment and the PR body show about one request."""

    issue: int
    branch: str
    phase: str = "open"  # open | closed | merged | pull-closed | not-a-form
    task_name: str | None = None
    status: str | None = None
    substate: str | None = None
    row: tuple[tuple[str, str], ...] = ()  # (column title, value)
    checks: tuple[CheckView, ...] = ()
    problems: tuple[tuple[str, str], ...] = ()  # (field label, why refused)
    notes: tuple[str, ...] = ()
    pull_number: int | None = None
    pull_url: str = ""
    record_url: str = ""
    page_url: str = ""
    validation: tuple[str, ...] = ()  # problems of validate + render --check on the branch


def _headline(view: RequestView) -> str:
    if view.phase == "merged":
        return f"### Dataset request #{view.issue}: merged in #{view.pull_number}"
    if view.phase == "closed":
        return f"### Dataset request #{view.issue}: closed without merge"
    if view.phase == "not-a-form":
        return f"### Dataset request #{view.issue}: not a request form"
    if view.status is None:
        return f"### Dataset request #{view.issue}: not taken in"
    sub = f" ({view.substate.replace('-', ' ')})" if view.substate else ""
    return f"### Dataset request #{view.issue}: {view.status}{sub}"


def _checklist(view: RequestView) -> list[str]:
    lines = []
    for check in view.checks:
        mark = "x" if check.ok else " "
        detail = "; ".join(md_escape(p) for p in check.problems)
        lines.append(f"- [{mark}] {check.title}" + (f": {detail}" if detail else ""))
    return lines


def _row_table(view: RequestView) -> list[str]:
    lines = ["| Column | Value |", "| --- | --- |"]
    lines += [f"| {md_escape(k)} | {md_escape(v) or '*(empty)*'} |" for k, v in view.row]
    return lines


def encode_state(data: Mapping[str, Any]) -> str:
    """The hidden state line of the status comment (never contains ``--`` or ``<``/``>``)."""
    text = json.dumps(dict(data), sort_keys=True, ensure_ascii=True)
    text = text.replace("-", "\\u002d").replace("<", "\\u003c").replace(">", "\\u003e")
    return f"{STATE_PREFIX}{text} -->"


def decode_state(body: str) -> dict[str, Any]:
    """The hidden state of a status comment (``{}`` when absent or unreadable)."""
    for line in body.splitlines():
        if line.startswith(STATE_PREFIX) and line.endswith(" -->"):
            try:
                data = json.loads(line[len(STATE_PREFIX) : -len(" -->")])
            except ValueError:
                return {}
            return data if isinstance(data, dict) else {}
    return {}


def status_comment(view: RequestView, state: Mapping[str, Any]) -> str:
    """The one status comment of a request (edited in place; identical input, identical text)."""
    lines = [STATUS_MARKER, encode_state(state), _headline(view), ""]
    if view.phase == "closed":
        lines.append(
            "The issue was closed, so the request was withdrawn: "
            + (f"pull request #{view.pull_number} was closed and " if view.pull_number else "")
            + f"the branch `{view.branch}` deleted. Reopen the issue to take the request in again."
        )
        return "\n".join(lines) + "\n"
    if view.phase == "merged":
        lines.append(
            f"Pull request #{view.pull_number} was merged: the request is in the catalogue"
            + (f" ({view.page_url})." if view.page_url else ".")
        )
        if view.notes:
            lines += ["", "**Notes**:", *(f"- {md_escape(n)}" for n in view.notes)]
        return "\n".join(lines) + "\n"
    if view.phase == "not-a-form":
        lines.append(md_escape(NOT_A_FORM))
        return "\n".join(lines) + "\n"
    if view.pull_number:
        lines.append(f"Pull request: #{view.pull_number} (branch `{view.branch}`)")
    else:
        lines.append("No pull request yet.")
    if view.phase == "pull-closed":
        lines += [
            "",
            f"Pull request #{view.pull_number} was closed without merging. The request stays "
            "open; the next correction (or `/pcs refresh`) reopens it. Close this issue to "
            "withdraw the request.",
        ]
    if view.problems:
        lines += [
            "",
            "**Refused values** (not recorded; correct them with `!update Field: value`):",
        ]
        lines += [f"- **{md_escape(k)}**: {md_escape(v)}" for k, v in view.problems]
    if view.notes:
        lines += ["", "**Notes**:"]
        lines += [f"- {md_escape(n)}" for n in view.notes]
    if view.validation:
        lines += [
            "",
            "**The request branch does not validate** (`pcs validate`, `pcs render --check`):",
        ]
        lines += [f"- {md_escape(p)}" for p in view.validation[:20]]
    if view.checks:
        lines += ["", "**Readiness checklist**", *_checklist(view)]
    if view.row:
        lines += ["", "**What was understood** (the catalogue row)", "", *_row_table(view)]
    lines += [
        "",
        "Correct a field with `!update Field: value` (an empty value clears it); `/pcs help` "
        "lists the commands.",
    ]
    return "\n".join(lines) + "\n"


def pull_body(view: RequestView) -> str:
    """The request PR's body: catalogue row, readiness checklist, links, ``Closes #<issue>``."""
    sub = f" ({view.substate.replace('-', ' ')})" if view.substate else ""
    lines = [
        PULL_MARKER.format(issue=view.issue),
        f"Dataset request #{view.issue}, taken in by pcs. Task `{view.task_name}`: "
        f"{view.status}{sub}.",
        "",
        "### Catalogue row",
        "",
        *_row_table(view),
        "",
        "### Readiness",
        "",
        *_checklist(view),
        "",
        "### Links",
        "",
        f"- Request issue: #{view.issue}",
    ]
    if view.record_url:
        lines.append(f"- Task record: {view.record_url}")
    if view.page_url:
        lines.append(f"- Catalogue page (after merge): {view.page_url}")
    lines += [
        "",
        "Derived files (catalogue CSV, pages, JSON API) are regenerated by pcs on every change; "
        "do not edit them by hand. Corrections go on the issue (`!update Field: value`).",
        "",
        f"Closes #{view.issue}",
    ]
    return "\n".join(lines) + "\n"


def label_changes(desired: Iterable[str], present: Iterable[str]) -> tuple[list[str], list[str]]:
    """(labels to add, sub-state labels to remove) to go from ``present`` to ``desired``."""
    want = set(desired)
    have = set(present)
    add = sorted(want - have)
    remove = sorted((have & ALL_SUBSTATE_LABELS) - want)
    return add, remove


def desired_labels(status: str | None, substate: str | None) -> list[str]:
    if status != "draft" or substate is None:
        return []
    label = SUBSTATE_LABELS.get(substate)
    return [label] if label else []


def reply_text(comment_id: int, sender: str, command: Command, outcome: str) -> str:
    """One reply to a command comment, carrying the marker that makes replays silent."""
    quoted = md_escape(short_text(command.text, 80))
    return (
        f"{REPLY_MARKER.format(comment=comment_id)}\n`{md_escape(sender)}`: {quoted}\n\n{outcome}\n"
    )


def describe_change(label: str, old: str, new: str) -> str:
    def shown(value: str) -> str:
        return md_escape(short_text(value, 200)) if value else "*(empty)*"

    return f"**{md_escape(label)}**: {shown(old)} → {shown(new)}"


def status_description(problems: Sequence[str]) -> tuple[str, str]:
    """(commit status state, description) for the result of validate + render --check."""
    if not problems:
        return "success", "pcs validate and pcs render --check passed"
    first = short_text(problems[0], 90)
    return "failure", f"{len(problems)} problem(s): {first}"


def request_page_url(settings: CatalogSettings, task_name: str) -> str:
    return f"{settings.site_url.rstrip('/')}/requests/{task_name}/"
