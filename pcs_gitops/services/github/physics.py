"""``issues`` events of the "Physics configuration" form (label ``physics-config``): the
answers become a draft tag of the author's PWG on its own branch and pull request, as
``pcs tag create`` makes it; ONE comment on the issue (edited in place) says what was made or
why nothing was."""

from __future__ import annotations

from pcs_gitops.domain.issue_form import parse_issue_body
from pcs_gitops.domain.physics_config_form import FORM_LABEL
from pcs_gitops.errors import PcsError
from pcs_gitops.services import request_texts as texts
from pcs_gitops.services.github.context import Pipeline
from pcs_gitops.services.github.events import IssueEvent
from pcs_gitops.services.github.outcome import Outcome
from pcs_gitops.services.github_port import own_marked_comment
from pcs_gitops.services.github_wording import for_github
from pcs_gitops.services.usecases.tags import file_physics_config

MARKER = "<!-- pcs-physics-config -->"
ACTIONS = ("opened", "reopened", "labeled")


def is_physics_config(p: Pipeline, event: IssueEvent) -> bool:
    """An issue of the physics configuration form (and not a dataset request)."""
    return FORM_LABEL in event.labels and p.trusted.settings.request_label not in event.labels


def on_physics_issue(p: Pipeline, event: IssueEvent, out: Outcome) -> None:
    number = event.number
    out.issue = number
    if event.is_pull or number is None:
        out.ignore("the issue is a pull request")
        return
    if event.action not in ACTIONS or (
        event.action == "labeled" and event.label_added != FORM_LABEL
    ):
        out.ignore(
            f"issue action '{event.action}' needs nothing; a filed configuration changes with "
            "'pcs tag edit' or a new issue"
        )
        return
    if event.state != "open":
        out.ignore(f"issue #{number} is closed")
        return
    form = p.physics_form()
    if form is None:
        out.ignore("this repository has no physics configuration form")
        return
    out.handled = True
    author = event.author or event.sender
    try:
        done = file_physics_config(p.publisher, parse_issue_body(form, event.body), p.actor(author))
    except PcsError as exc:
        text = (
            f"Not applied: {texts.md_escape(for_github(str(exc)))}\n\nCorrect the issue and "
            "close and reopen it to file it again."
        )
    else:
        published = done.get("published") or {}
        pull = published.get("pull") if isinstance(published, dict) else None
        where = f" in {pull['url']}" if isinstance(pull, dict) and pull.get("url") else ""
        label = texts.md_escape(str(done["label"]))
        text = (  # the same words on a replay, so the answer is left as it is
            f"This configuration is the draft tag **{label}**{where}. A production manager "
            "approves it by locking it once the pull request is merged; until then, requests "
            "using it cannot be approved."
        )
        if isinstance(published, dict) and published.get("commit"):
            out.commits.append(str(published["commit"]))
    _write_comment(p, number, f"{MARKER}\n{text}\n", out)


def _write_comment(p: Pipeline, issue: int, body: str, out: Outcome) -> None:
    """The ONE answer on the issue, created or edited in place (a replay changes nothing)."""
    mine = own_marked_comment(p.github, issue, MARKER)
    if mine is None:
        p.github.create_comment(issue, body)
        out.status_comment = "created"
    elif mine.body != body:
        p.github.update_comment(mine.id, body)
        out.status_comment = "updated"
    else:
        out.status_comment = "unchanged"
