"""The PanDA loop's use cases: submit exactly once, reconcile an unknown outcome, retry a failed
task, and sync the submitted tasks' status back.

Their records reach the default branch through a publishing session (``Publisher.session``):
with the branch publisher every commit is pushed at once, so a submission's intent is on the
remote before PanDA is called and its outcome right after; with the working tree they are
written there (``--commit`` makes them git commits). Submitting, reconciling and retrying are
for production managers (``Operation.SUBMIT``); a sync only records what PanDA says. After a
submission, a retry or a sync, each request issue's PanDA comment and label follow.
"""

from __future__ import annotations

from typing import Any

from pcs_gitops.domain.authz import Operation
from pcs_gitops.domain.model import ProdTask
from pcs_gitops.services import panda_issue, panda_retry, panda_sync, reconcile, submission
from pcs_gitops.services.authorization import require, subject_task
from pcs_gitops.services.github_port import GitHubPort
from pcs_gitops.services.panda_port import PandaPort, PandaReader
from pcs_gitops.services.ports import Actor, Publisher, Target, UnitFactory
from pcs_gitops.services.reconcile import DEFAULT_GRACE_SECONDS

RECORDS = Target("default", title="PanDA records")


def _records(publisher: Publisher) -> UnitFactory:
    """Units of work whose commits are published to the default branch as they are made."""
    return lambda: publisher.session(RECORDS)


def _allowed(publisher: Publisher, actor: Actor, name: str) -> None:
    with publisher.reading() as uow:
        task = subject_task(uow.state, name)
    require(actor, Operation.SUBMIT, publisher.roles(), task)


def _issues(
    github: GitHubPort | None, publisher: Publisher, tasks: list[ProdTask]
) -> list[dict[str, Any]]:
    """Each request issue's PanDA comment, label and closing follow its task."""
    if github is None or not tasks:
        return []
    with publisher.reading() as uow:
        settings = uow.state.settings
    return [u.to_dict() for u in panda_issue.update_issues(github, tasks, settings)]


def submit(
    publisher: Publisher,
    panda: PandaPort | None,
    github: GitHubPort | None,
    name: str,
    actor: Actor,
    *,
    dry_run: bool = False,
    confirm_not_in_panda: bool = False,
    grace_seconds: float = DEFAULT_GRACE_SECONDS,
) -> dict[str, Any]:
    """Submit a ready task to PanDA once and record its jediTaskID (a dry run checks and
    builds everything but the call, and writes nothing)."""
    _allowed(publisher, actor, name)
    outcome = submission.submit_task(
        _records(publisher),
        panda,
        name,
        actor,
        dry_run=dry_run,
        confirmed_not_in_panda=confirm_not_in_panda,
        grace_seconds=grace_seconds,
    )
    issues = [] if outcome.dry_run else _issues(github, publisher, [outcome.task])
    return {**outcome.to_dict(), "issues": issues}


def reconcile_task(
    publisher: Publisher,
    panda: PandaReader,
    name: str,
    actor: Actor,
    *,
    confirm_not_in_panda: bool = False,
    grace_seconds: float = DEFAULT_GRACE_SECONDS,
) -> reconcile.ReconcileOutcome:
    """Look a pending submission's taskName up in PanDA and record what PanDA has."""
    _allowed(publisher, actor, name)
    return reconcile.reconcile_task(
        _records(publisher),
        panda,
        name,
        actor,
        confirm_not_in_panda=confirm_not_in_panda,
        grace_seconds=grace_seconds,
    )


def retry(
    publisher: Publisher,
    panda: panda_retry.PandaRetryPort,
    github: GitHubPort | None,
    name: str,
    actor: Actor,
) -> dict[str, Any]:
    """Ask PanDA to retry a failed task (same jediTaskID) and record the attempt."""
    _allowed(publisher, actor, name)
    outcome = panda_retry.retry_task(_records(publisher), panda, name, actor)
    return {**outcome.to_dict(), "issues": _issues(github, publisher, [outcome.task])}


def sync(
    publisher: Publisher,
    panda: PandaReader,
    github: GitHubPort | None,
    actor: Actor,
    *,
    grace_seconds: float = DEFAULT_GRACE_SECONDS,
) -> tuple[panda_sync.SyncReport, list[dict[str, Any]]]:
    """Record every submitted task's PanDA state (one commit per run, none when nothing
    changed), then bring each request issue along."""
    report = panda_sync.sync_tasks(_records(publisher), panda, actor, grace_seconds=grace_seconds)
    return report, _issues(github, publisher, [t.task for t in report.tasks])
