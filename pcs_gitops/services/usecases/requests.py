"""Requests before they exist: preview a task intake's catalogue row and page, and prepare (and
open, once) a dataset request issue exactly as the GitHub issue form would."""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Mapping, Sequence
from typing import Any

from pcs_gitops.domain.catalog import catalog_row, catalog_tasks, render_catalog
from pcs_gitops.domain.intake import TaskIntake
from pcs_gitops.domain.issue_form import FormValue, IssueForm, parse_issue_body, render_issue_body
from pcs_gitops.domain.model import ProdTask
from pcs_gitops.domain.request_form import answers_from_form
from pcs_gitops.domain.state import State
from pcs_gitops.errors import PcsError, UsageError
from pcs_gitops.services import datasets as dataset_ops
from pcs_gitops.services import tasks as task_ops
from pcs_gitops.services.github_port import GitHubPort
from pcs_gitops.services.ports import Actor, PagePreview, Publisher
from pcs_gitops.services.unit_of_work import UnitOfWork

MARKER_PREFIX = "pcs-request"


# --------------------------------------------------------------------------- row preview


def preview_task_intake(
    publisher: Publisher, pages: PagePreview, req: TaskIntake, actor: Actor
) -> dict[str, Any]:
    """The catalogue row and page a task intake would produce, validated exactly as the real
    intake would be; nothing is written. Refusals are those of the intake."""

    def change(uow: UnitOfWork) -> dict[str, Any]:
        outcome = task_ops.intake_task(uow.state, req, actor, uow.clock.now())
        if uow.state.dirty:
            uow.commit("preview")  # validates as the real commit; the rehearsal writes nothing
        return {
            "created": outcome.created,
            "name": outcome.task.name,
            "task": outcome.task.to_dict(),
            "changed": outcome.changed,
            **row_view(uow.state, outcome.task, pages),
        }

    return publisher.rehearse(change)


def row_view(state: State, task: ProdTask, pages: PagePreview) -> dict[str, Any]:
    """A task's catalogue row (as a mapping and as the CSV line), its position and its page."""
    settings = state.settings
    has_row = bool(task.catalog)
    csv_line = ""
    if has_row:
        rendered = render_catalog(settings, [task]).split("\r\n", 1)
        csv_line = rendered[1].removesuffix("\r\n") if len(rendered) > 1 else ""
    ordered = catalog_tasks(state.tasks.values())
    return {
        "row": catalog_row(settings, task) if has_row else {},
        "csv_line": csv_line,
        "row_number": next((i + 1 for i, t in enumerate(ordered) if t.name == task.name), None),
        "csv_path": settings.csv_path,
        "page": pages.request_page(state, task),
    }


# --------------------------------------------------------------------------- request issues


def request_marker(title: str, answers: Mapping[str, FormValue]) -> str:
    """The hidden marker that makes opening the same request twice find the first issue."""
    canonical = json.dumps(
        {"title": title, "answers": dict(answers)},
        sort_keys=True,
        ensure_ascii=False,
        separators=(",", ":"),
    )
    digest = hashlib.sha256(canonical.encode("utf-8")).hexdigest()[:16]
    return f"<!-- {MARKER_PREFIX}: {digest} -->"


LOGIN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9-]{0,38}$")


def requested_by_marker(actor: Actor) -> str:
    """The hidden line that tells the pipeline who asked, when pcs's bot opens the issue for
    them (trusted only from the bot itself); empty for an identity that is no GitHub login (a
    surface's placeholder, named after the surface, is none)."""
    real = LOGIN.match(actor.login) and actor.login != actor.surface
    return f"<!-- pcs-requested-by: {actor.login} -->\n" if real else ""


def open_request_issue(
    publisher: Publisher,
    github: GitHubPort,
    form: IssueForm,
    raw: Mapping[str, str | None],
    actor: Actor,
    *,
    title: str | None = None,
    go: bool = False,
) -> dict[str, Any]:
    """Prepare a dataset request issue from form answers (``raw``: field id -> text) and, with
    ``go``, open it once (the body's marker finds an earlier identical request)."""

    def judge(uow: UnitOfWork) -> tuple[dict[str, FormValue], list[str], str, dict[str, Any]]:
        answers, problems = normalise_answers(form, uow.state, raw)
        body = render_issue_body(form, answers)
        return answers, problems, body, _pipeline_verdict(form, uow, body, actor)

    answers, problems, body, verdict = publisher.rehearse(judge)
    problems += verdict["problems"]
    issue_title = issue_title_for(form, title, answers)
    marker = request_marker(issue_title, answers)
    out: dict[str, Any] = {
        "title": issue_title,
        "body": body,
        "labels": list(form.labels),
        "marker": marker,
        "issue_body": f"{marker}\n{requested_by_marker(actor)}\n{body}",
        "problems": problems,
        "notes": verdict["notes"],
        "ok": not problems,
        "catalog": verdict["catalog"],
        "input_dataset": verdict["input_dataset"],
        "created": False,
        "number": None,
        "via": None,
    }
    if not go:
        return out
    if problems:
        raise UsageError(
            "the request was not opened; fix these first:\n  - " + "\n  - ".join(problems)
        )
    existing = github.find_issue_by_marker(marker)
    if existing is None:
        out["number"] = github.create_issue(
            title=issue_title, body=out["issue_body"], labels=list(form.labels)
        )
        out["created"] = True
    else:
        out["number"] = existing
    out["via"] = type(github).__name__
    return out


def _choose(option_values: Sequence[str], value: str) -> str | None:
    """The form option ``value`` names (exact, then ignoring case, then by its leading word)."""
    text = value.strip()
    if text in option_values:
        return text
    folded = text.casefold()
    for option in option_values:
        if option.casefold() == folded:
            return option
    for option in option_values:
        if option.split(" (", 1)[0].casefold() == folded:
            return option
    return None


def normalise_answers(
    form: IssueForm, state: State, raw: Mapping[str, str | None]
) -> tuple[dict[str, FormValue], list[str]]:
    """Answers as the form holds them (dropdowns mapped to their options), and the problems."""
    answers: dict[str, FormValue] = {}
    problems: list[str] = []
    known = {f.id for f in form.fields}
    for field_id in sorted(set(raw) - known):
        if raw[field_id] not in (None, ""):
            problems.append(f"{field_id}: the request form has no such field")
    for f in form.fields:
        value = raw.get(f.id)
        text = value if value is not None else ""
        if not text.strip():
            if f.required:
                problems.append(f"{f.label}: is required")
            continue
        if f.type == "dropdown":
            wanted = text
            if f.id == "dsc_or_pwg":
                slug = state.settings.pwg_slug(text)
                pwg = state.settings.pwg_by_slug(slug) if slug else None
                wanted = pwg.name if pwg is not None else text
            option = _choose(f.options, wanted)
            if option is None:
                problems.append(
                    f"{f.label}: '{text}' is not one of {', '.join(repr(o) for o in f.options)}"
                )
                continue
            answers[f.id] = option
        elif f.type == "checkboxes":
            answers[f.id] = [p.strip() for p in text.split(",") if p.strip()]
        else:
            answers[f.id] = text if f.type == "textarea" else text.strip()
    return answers, problems


def _pipeline_verdict(form: IssueForm, uow: UnitOfWork, body: str, actor: Actor) -> dict[str, Any]:
    """What the request pipeline would make of an issue with this body: its refusals, notes,
    catalogue values and input (the intake is tried in a rehearsal: nothing is written)."""
    state = uow.state
    verdict = answers_from_form(form, parse_issue_body(form, body), state.settings)
    problems = [f"{label}: {why}" for label, why in verdict.problems.items()]
    notes = list(verdict.notes)
    input_dataset: dict[str, Any] | None = None
    dataset_req = verdict.dataset_intake(description="input of a dataset request")
    if dataset_req is not None:
        try:
            outcome = dataset_ops.intake_dataset(state, dataset_req, actor, uow.clock.now())
        except PcsError as exc:
            label = form.field("dataset_path").label
            problems.append(f"{label}: the input dataset could not be taken in: {exc}")
        else:
            input_dataset = {
                "name": outcome.dataset.name,
                "did": outcome.dataset.did,
                "exists": not outcome.created,
                "tags_created": outcome.tags_created,
            }
            if outcome.conflicts:
                notes.append(
                    f"The input dataset {outcome.dataset.name} exists already; these options "
                    f"would not be applied to it: {'; '.join(outcome.conflicts)}."
                )
    return {
        "problems": problems,
        "notes": notes,
        "catalog": dict(verdict.catalog),
        "input_dataset": input_dataset,
    }


def issue_title_for(form: IssueForm, title: str | None, answers: Mapping[str, FormValue]) -> str:
    """The issue title: the form's prefix and the given title, or the path's last parts."""
    prefix = form.title
    text = (title or "").strip()
    if not text:
        path = answers.get("dataset_path")
        if isinstance(path, str) and path.strip():
            text = path.strip().rstrip("/")
            text = "/".join(text.split("/")[-4:]) if text.startswith("/") else text
        else:
            desc = answers.get("description")
            first = desc.strip().splitlines()[0] if isinstance(desc, str) and desc.strip() else ""
            text = first[:80] or "dataset request"
    if prefix.strip() and text.startswith(prefix.strip()):
        return text
    return f"{prefix}{text}" if prefix.endswith(" ") or not prefix else f"{prefix} {text}"
