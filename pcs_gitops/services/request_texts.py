"""The texts the bot writes on GitHub: status comment, pull-request title and body, replies,
labels, commit-status descriptions. Every value is escaped (no Markdown/HTML injection, no
mentions); identical input gives identical text, so replays edit nothing."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from pcs_gitops.domain import site_paths
from pcs_gitops.domain.commands import Command
from pcs_gitops.domain.request_form import NOT_A_FORM
from pcs_gitops.domain.settings import CatalogSettings
from pcs_gitops.services.github_wording import for_github

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
    "needs-confirmation": "pcs:needs-confirmation",
    "needs-config": "pcs:needs-config",
    "awaiting-review": "pcs:awaiting-review",
    "withdrawn": "pcs:withdrawn",
}
ALL_SUBSTATE_LABELS = frozenset(SUBSTATE_LABELS.values())
# The lifecycle after draft: one label per status, on the issue while it lives.
LIFECYCLE_LABELS: dict[str, str] = {
    "ready": "pcs:ready",
    "submitted": "pcs:submitted",
    "completed": "pcs:completed",
    "failed": "pcs:failed",
}
BLOCKED_LABEL = "pcs:blocked"  # the default branch is broken: maintainers must repair it
MANAGED_LABELS = ALL_SUBSTATE_LABELS | frozenset(LIFECYCLE_LABELS.values()) | {BLOCKED_LABEL}

HELP_TEXT = """\
**Commands** (write them at the start of a comment on this issue):

- `!update Field: value`: correct a field; the field by its form label or id, any case (for
  example `!update Number of Events: 2.5M`). The value may span several lines; an empty value
  clears the field. The Issue field cannot change.
- `/pcs update Field=value`: the same, on one line.
- `/pcs approve`: approve the payload the request would send to PanDA; it becomes **ready**
  (production managers; nobody approves their own request). Any later change to what the
  payload is built from sends it back to draft. `/pcs status ready` does the same;
  `/pcs status draft` sends it back.
- `/pcs link-input SCOPE:NAME`: link an existing input dataset by its DID.
- `/pcs refresh`: bring the request branch up to date with the default branch.
- `/pcs retry`: ask PanDA to run a failed task again, same payload (production managers).
- `/pcs priority N [reason]`: set the priority (1, 2, 3 or -1) of a request that is not
  finished; the reason, if given, goes into its history (the request's PWG conveners,
  production managers).
- `/pcs withdraw [reason]`: withdraw the request; it keeps its records and history and nothing
  approves or submits it until `/pcs reinstate [reason]` (withdraw: the requester before
  submission or a production manager; reinstate: a production manager).
- `/pcs confirm [field | field=label ...]`: vouch for the values inferred for the input
  dataset (all of them, or those named), or bind another tag (`/pcs confirm physics_tag=p2079`);
  the requester, the request's PWG, production managers.
- `/pcs twin [MODE]`: make the same request in the other workflow mode (`external_evgen` or
  `internal_evgen`) under the same tags, linked both ways (whoever may correct the request).
- `/pcs clone CAMPAIGN`: clone the merged request into an open campaign as a new draft, with
  its own pull request (production managers).
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
class PlanView:
    """The payload under review: what an approval binds to."""

    approval_state: str  # none | approved | stale
    approved_by: str
    approved_at: str
    payload_sha256: str
    changed: tuple[str, ...]  # what differs from the approved payload (stale)
    problems: tuple[str, ...]  # what PanDA would not accept
    task_params_json: str


@dataclass(frozen=True)
class RequestView:
    """Everything the status comment and the PR body show about one request."""

    issue: int
    branch: str
    phase: str = "open"  # open | closed | pull-closed | not-a-form
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
    published_pull: int | None = None  # the pull request that published the catalogue row
    changes: tuple[str, ...] = ()  # what changed since the publication (a change's PR shows it)
    plan: PlanView | None = None
    page: tuple[tuple[str, str], ...] = ()  # what the request's catalogue page shows


def _headline(view: RequestView) -> str:
    if view.phase == "closed":
        return f"### Dataset request #{view.issue}: closed without merge"
    if view.phase == "not-a-form":
        return f"### Dataset request #{view.issue}: not a request form"
    if view.phase == "blocked":
        return f"### Dataset request #{view.issue}: waiting for the catalogue to be repaired"
    if view.status is None:
        return f"### Dataset request #{view.issue}: not taken in"
    sub = f" ({view.substate.replace('-', ' ')})" if view.substate else ""
    return f"### Dataset request #{view.issue}: {view.status}{sub}"


def _checklist(view: RequestView) -> list[str]:
    lines = []
    for check in view.checks:
        mark = "x" if check.ok else " "
        detail = "; ".join(md_escape(for_github(p)) for p in check.problems)
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
    if view.phase == "not-a-form":
        lines.append(md_escape(NOT_A_FORM))
        return "\n".join(lines) + "\n"
    if view.phase == "blocked":
        lines += [
            "The catalogue's default branch does not pass `pcs validate` right now, so this "
            "request could not be taken in; nothing is wrong with the request itself. The "
            f"maintainers are told: this issue carries the label `{BLOCKED_LABEL}` and the job "
            "failed naming the problem. The request is taken in automatically once the default "
            "branch is repaired (the next push to it retries); nothing needs doing on your side.",
            "",
            "<details><summary>What is wrong on the default branch</summary>",
            "",
            *(f"- {md_escape(p)}" for p in view.validation[:20]),
            "",
            "</details>",
        ]
        return "\n".join(lines) + "\n"
    if view.published_pull:
        where = f": {view.page_url}" if view.page_url else ""
        lines.append(f"In the catalogue since pull request #{view.published_pull}{where}")
    if view.pull_number and view.pull_number != view.published_pull:
        waiting = "Change waiting for review" if view.published_pull else "Pull request"
        lines.append(f"{waiting}: #{view.pull_number} (branch `{view.branch}`)")
    elif not view.published_pull:
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
    if view.plan is not None and view.plan.approval_state != "none":
        lines += ["", _approval_line(view.plan)]
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
    """The request PR's body: what changes (after the publication), catalogue row, readiness
    checklist, links. It names the issue without closing it: the request lives on after the
    merge until it is completed, failed or withdrawn."""
    sub = f" ({view.substate.replace('-', ' ')})" if view.substate else ""
    lines = [PULL_MARKER.format(issue=view.issue)]
    if view.published_pull:
        lines += [
            f"A change to dataset request #{view.issue}, published in #{view.published_pull}. "
            f"Task `{view.task_name}`: {view.status}{sub}.",
            "",
            "### What changes",
            "",
            *([f"- {md_escape(c)}" for c in view.changes] or ["- the records are regenerated"]),
        ]
    else:
        lines.append(
            f"Dataset request #{view.issue}, taken in by pcs. Task `{view.task_name}`: "
            f"{view.status}{sub}."
        )
    lines += [
        "",
        "### Catalogue row",
        "",
        *_row_table(view),
        "",
        "### Readiness",
        "",
        *_checklist(view),
        "",
        *_plan_section(view.plan),
        *_page_section(view),
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
        "This pull request changes records only: the catalogue CSV, pages and JSON API are "
        "rendered on the default branch after the merge (the row and page above are what they "
        "will show). Corrections go on the issue (`!update Field: value`).",
        "",
        f"Request #{view.issue}",
    ]
    return "\n".join(lines) + "\n"


MAX_PAYLOAD_SHOWN = 40_000  # characters of the taskParamMap in a PR body (GitHub: 65,536)


def _fenced(text: str, info: str = "") -> list[str]:
    """A code block no text can close early: the fence is longer than any backtick run in it."""
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    fence = "`" * max(3, longest + 1)
    return [fence + info, text.rstrip("\n"), fence]


def _page_section(view: RequestView) -> list[str]:
    """The request's catalogue page as it will be published, in a collapsed section."""
    if not view.page:
        return []
    where = f" ({view.page_url})" if view.page_url else ""
    return [
        f"<details><summary>Request page, as it will be published{md_escape(where)}</summary>",
        "",
        "| | |",
        "| --- | --- |",
        *(f"| {md_escape(label)} | {md_escape(value)} |" for label, value in view.page),
        "",
        "The page also shows the catalogue row, the readiness checklist and the task's history.",
        "",
        "</details>",
        "",
    ]


def _approval_line(plan: PlanView) -> str:
    """The approval in one line: who approved which payload, or why the approval was withdrawn."""
    digest = f"`{plan.payload_sha256[:12]}`"
    if plan.approval_state == "approved":
        return (
            f"**Approved** by {md_escape(plan.approved_by)} at {md_escape(plan.approved_at)} "
            f"(payload sha256 {digest})."
        )
    what = "; ".join(md_escape(c) for c in plan.changed) or "the payload changed"
    return (
        f"**Approval withdrawn**: {what}. A production manager approves the new payload "
        f"(sha256 {digest}) with `/pcs approve`."
    )


def _plan_section(plan: PlanView | None) -> list[str]:
    """The payload to approve: its approval state and hash, and the exact JEDI taskParamMap."""
    if plan is None:
        return []
    digest = f"`{plan.payload_sha256}`"
    if plan.approval_state == "approved":
        state = (
            f"approved by {md_escape(plan.approved_by)} at {md_escape(plan.approved_at)} "
            f"for payload sha256 {digest}"
        )
    elif plan.approval_state == "stale":
        what = "; ".join(md_escape(c) for c in plan.changed) or "the payload changed"
        state = f"**approval withdrawn**: {what}. The payload now has sha256 {digest}"
    else:
        state = f"not approved yet; `/pcs approve` approves payload sha256 {digest}"
    lines = ["### Payload", "", f"Approval: {state}.", ""]
    if plan.problems:
        lines += ["PanDA would not accept it yet:", ""]
        lines += [f"- {md_escape(p)}" for p in plan.problems] + [""]
    shown = plan.task_params_json
    if len(shown) > MAX_PAYLOAD_SHOWN:
        shown = shown[:MAX_PAYLOAD_SHOWN] + "\n... (cut; see the task record)\n"
    lines += [
        "<details><summary>JEDI taskParamMap</summary>",
        "",
        *_fenced(shown, "json"),
        "",
        "</details>",
        "",
    ]
    return lines


def label_changes(desired: Iterable[str], present: Iterable[str]) -> tuple[list[str], list[str]]:
    """(labels to add, pcs labels to remove) to go from ``present`` to ``desired``; labels that
    pcs does not manage are left alone."""
    want = set(desired)
    have = set(present)
    add = sorted(want - have)
    remove = sorted((have & MANAGED_LABELS) - want)
    return add, remove


def desired_labels(status: str | None, substate: str | None) -> list[str]:
    """The draft sub-state's label, or the lifecycle status's once the task left draft."""
    if status == "draft":
        label = SUBSTATE_LABELS.get(substate or "")
    else:
        label = LIFECYCLE_LABELS.get(status or "")
    return [label] if label else []


def reply_text(comment_id: int, sender: str, answers: Sequence[tuple[Command, str]]) -> str:
    """The one reply to a command comment (each command's outcome, in order), carrying the
    marker that makes replays silent."""
    marker = REPLY_MARKER.format(comment=comment_id)
    if len(answers) == 1:
        command, outcome = answers[0]
        quoted = md_escape(short_text(command.text, 80))
        return f"{marker}\n`{md_escape(sender)}`: {quoted}\n\n{outcome}\n"
    lines = [f"{marker}\n`{md_escape(sender)}`: {len(answers)} commands", ""]
    for command, outcome in answers:
        lines.append(f"- {md_escape(short_text(command.text, 80))}: {outcome}")
    return "\n".join(lines) + "\n"


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
    return site_paths.request_page_url(settings.site_url, task_name)
