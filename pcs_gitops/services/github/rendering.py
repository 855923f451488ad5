"""The derived files live on the default branch only: after a push there (a merged request,
which carries records only, or any other change), they are rendered and committed once."""

from __future__ import annotations

from pcs_gitops.errors import GitError, PushRejected, StateFileError, ValidationFailed
from pcs_gitops.services.github.context import SURFACE, Pipeline
from pcs_gitops.services.github.events import PushEvent
from pcs_gitops.services.github.outcome import Outcome
from pcs_gitops.services.ports import Actor, BranchOptions, Target
from pcs_gitops.services.unit_of_work import CommitResult, UnitOfWork


def render_on_default(p: Pipeline, event: PushEvent, out: Outcome) -> None:
    """Render the default branch's derived files, which its records moved past (the caller has
    read the pushed commit and found them behind: ``Pipeline.derived_stale``); a broken default
    branch is left to its repair (pcs:blocked)."""
    short = event.after[:12] if event.after else p.default_branch
    message = f"Render the catalogue, pages and JSON API for {short}"

    def change(uow: UnitOfWork) -> CommitResult:
        return uow.render(message)

    options = BranchOptions(status=False, actor=Actor(event.sender or "pcs", SURFACE))
    try:
        done = p.publisher.run(Target("default"), change, options)
    except PushRejected:
        raise
    except (ValidationFailed, StateFileError):
        return
    except GitError as exc:  # a protected default branch: say what a maintainer must run
        out.notes.append(
            f"the derived files of {p.default_branch} could not be rendered there: {exc}; run "
            "'pcs render' on it and push the result"
        )
        return
    rendered = done.result
    out.rendered = len(rendered.derived_written) + len(rendered.derived_deleted)
    if done.placement is not None and done.placement.commit:
        out.commits.append(done.placement.commit)
        out.pushed.append(done.placement.branch)
