"""One GitHub event of the dataset-request pipeline (``pcs gh handle``): routed to the module of
its kind (``intake`` for issues, ``commands`` for comments, ``merge`` for pull requests,
``refresh`` for pushes); every module converges the request through ``converge``."""

from __future__ import annotations

from pcs_gitops.services.github.commands import on_comment
from pcs_gitops.services.github.context import Pipeline
from pcs_gitops.services.github.events import (
    CommentEvent,
    Event,
    IssueEvent,
    PullEvent,
    PushEvent,
)
from pcs_gitops.services.github.intake import on_issue
from pcs_gitops.services.github.merge import on_pull
from pcs_gitops.services.github.outcome import Outcome
from pcs_gitops.services.github.physics import is_physics_config, on_physics_issue
from pcs_gitops.services.github.refresh import on_push


def handle(p: Pipeline, event: Event) -> Outcome:
    """Handle ``issues``, ``issue_comment``, ``pull_request`` and ``push`` events."""
    out = Outcome(event=event.name, action=event.action)
    try:
        body = event.body
        if isinstance(body, IssueEvent) and is_physics_config(p, body):
            on_physics_issue(p, body, out)
        elif isinstance(body, IssueEvent):
            on_issue(p, body, out)
        elif isinstance(body, CommentEvent):
            on_comment(p, body, out)
        elif isinstance(body, PullEvent):
            on_pull(p, body, out)
        elif isinstance(body, PushEvent):
            on_push(p, body, out)
        else:
            out.ignore(f"'{event.name}' events are not part of the request pipeline")
    finally:
        out.api_calls = p.github.api_calls
        out.write_calls = p.github.write_calls
    return out
