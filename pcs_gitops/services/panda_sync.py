"""Status sync: read every submitted task's state in PanDA and record it, in one commit per run.

For each ``submitted`` task ``sync_tasks`` reads ``get_task_details_json`` of its jediTaskID
and records PanDA's answer in the task's ``panda`` block (status, reason, file counts, last
change). ``done`` completes the task; ``finished``, ``failed``, ``broken``, ``aborted`` and
``exhausted`` fail it with PanDA's reason; every other status keeps it submitted. A history
entry is written when PanDA's status or the lifecycle status changes, not for counters alone.

Nothing changes for a task PanDA does not show yet (JEDI has not refined it), for a read that
got no answer, for a read older than what is recorded, or for the old failure a retry is about
to replace. A task JEDI aborted as a same-name duplicate is re-pointed at the original it names.
All changes of a run are committed together; a run that changes nothing commits nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

from pcs_gitops.domain.model import HistoryEntry, PandaProgress, ProdTask, TaskStatus
from pcs_gitops.domain.panda_status import duplicate_of, is_stale, lifecycle_for
from pcs_gitops.domain.state import State
from pcs_gitops.services.panda_observations import progress_from, seconds_between
from pcs_gitops.services.panda_port import PandaReader, PandaTask, PandaUnreachable
from pcs_gitops.services.ports import Actor, UnitFactory
from pcs_gitops.services.reconcile import DEFAULT_GRACE_SECONDS
from pcs_gitops.services.unit_of_work import CommitResult

SYNC_ACTION = "panda-status"
DUPLICATE_ACTION = "panda-duplicate"


@dataclass(frozen=True)
class TaskSync:
    """One task in one sync run."""

    task: ProdTask  # as recorded after the run
    jedi_task_id: int
    before: str
    after: str
    changed: bool
    note: str = ""  # why nothing changed, or what else happened
    problem: bool = False  # PanDA could not be read, or the task is missing too long

    @property
    def name(self) -> str:
        return self.task.name

    def to_dict(self) -> dict[str, Any]:
        panda = self.task.panda
        return {
            "name": self.name,
            "jedi_task_id": self.jedi_task_id,
            "from": self.before,
            "to": self.after,
            "changed": self.changed,
            "panda": panda.to_dict() if panda is not None else None,
            "note": self.note,
            "problem": self.problem,
        }


@dataclass
class SyncReport:
    tasks: list[TaskSync] = field(default_factory=list)
    commit: CommitResult | None = None

    @property
    def changed(self) -> list[TaskSync]:
        return [t for t in self.tasks if t.changed]

    @property
    def problems(self) -> list[TaskSync]:
        return [t for t in self.tasks if t.problem]

    def to_dict(self) -> dict[str, Any]:
        return {
            "checked": len(self.tasks),
            "changed": len(self.changed),
            "problems": len(self.problems),
            "tasks": [t.to_dict() for t in self.tasks],
            "commit": self.commit.to_dict() if self.commit is not None else None,
        }


def sync_tasks(
    uow_factory: UnitFactory,
    panda: PandaReader,
    actor: Actor,
    *,
    grace_seconds: float = DEFAULT_GRACE_SECONDS,
) -> SyncReport:
    """Read every submitted task's PanDA state and record it (see the module docstring)."""
    report = SyncReport()
    with uow_factory() as uow:
        state, now = uow.state, uow.clock.now()
        for task in sorted(state.tasks.values(), key=lambda t: t.name):
            if task.status is TaskStatus.SUBMITTED and task.panda_task_id is not None:
                report.tasks.append(_sync_one(state, task, panda, actor, now, grace_seconds))
        if report.changed:
            report.commit = uow.commit(_commit_message(report))
    return report


def _commit_message(report: SyncReport) -> str:
    moves = [f"{t.name} {t.before} -> {t.after}" for t in report.changed if t.before != t.after]
    head = f"PanDA sync: {len(report.changed)} task(s) updated"
    return head + ("\n\n" + "\n".join(moves) if moves else "")


def _sync_one(
    state: State,
    task: ProdTask,
    panda: PandaReader,
    actor: Actor,
    now: str,
    grace: float,
    *,
    follow_duplicate: bool = True,
) -> TaskSync:
    jedi_id = int(task.panda_task_id or 0)
    status = task.status.value
    try:
        seen = panda.task_details(jedi_id)
    except PandaUnreachable as exc:
        return TaskSync(task, jedi_id, status, status, False, str(exc), problem=True)
    if seen is None:
        return _not_visible(task, jedi_id, now, grace)
    observed = progress_from(seen, now)
    if is_stale(task.panda, observed):
        note = f"PanDA still shows '{seen.status}' from before the last recorded change"
        return TaskSync(task, jedi_id, status, status, False, note)
    original = duplicate_of(observed)
    if follow_duplicate and original is not None and original != jedi_id:
        moved = _repoint(state, task, jedi_id, original, observed, actor, now)
        if not moved.changed:
            return moved
        follow = _sync_one(state, moved.task, panda, actor, now, grace, follow_duplicate=False)
        note = "; ".join(n for n in (moved.note, follow.note) if n)
        return replace(follow, before=status, changed=True, note=note)
    return _record(state, task, jedi_id, seen, observed, actor, now)


def _not_visible(task: ProdTask, jedi_id: int, now: str, grace: float) -> TaskSync:
    status = task.status.value
    since = task.attempts[-1].submitted_at if task.attempts else ""
    waited = seconds_between(since, now) if since else None
    if waited is not None and waited < grace:
        note = "PanDA does not show the task yet (JEDI has not refined it); nothing changed"
        return TaskSync(task, jedi_id, status, status, False, note)
    note = (
        f"PanDA does not know jediTaskID {jedi_id} (submitted {since or 'at an unknown time'}); "
        "check that JEDI serves this vo and prodSourceLabel. Nothing changed"
    )
    return TaskSync(task, jedi_id, status, status, False, note, problem=True)


def _record(
    state: State,
    task: ProdTask,
    jedi_id: int,
    seen: PandaTask,
    observed: PandaProgress,
    actor: Actor,
    now: str,
) -> TaskSync:
    before = task.status
    if observed.same_observation(task.panda):
        return TaskSync(task, jedi_id, before.value, before.value, False)
    verdict = lifecycle_for(observed)
    updated = replace(task, status=verdict.status, panda=observed)
    if verdict.status is not before or seen.status != (task.panda.status if task.panda else ""):
        detail: dict[str, Any] = {"jedi_task_id": jedi_id, "panda_status": seen.status}
        if verdict.status is not before:
            detail.update({"from": before.value, "to": verdict.status.value})
        if verdict.reason:
            detail["reason"] = verdict.reason
        updated = updated.with_history(
            HistoryEntry(now, actor.login, actor.surface, SYNC_ACTION, detail)
        )
    state.put_task(updated)
    return TaskSync(updated, jedi_id, before.value, verdict.status.value, True, verdict.reason)


def _repoint(
    state: State,
    task: ProdTask,
    jedi_id: int,
    original: int,
    observed: PandaProgress,
    actor: Actor,
    now: str,
) -> TaskSync:
    """JEDI aborted the recorded task as a duplicate of ``original``: follow the original."""
    status = task.status.value
    holder = next(
        (t.name for t in state.tasks.values() if original in (a.jedi_task_id for a in t.attempts)),
        None,
    )
    if holder is not None:
        note = (
            f"jediTaskID {jedi_id} was aborted as a duplicate of {original}, which task "
            f"'{holder}' records; resolve this by hand"
        )
        return TaskSync(task, jedi_id, status, status, False, note, problem=True)
    last = replace(task.attempts[-1], jedi_task_id=original)
    detail = {"aborted": jedi_id, "original": original, "reason": observed.reason}
    updated = replace(
        task, panda_task_id=original, attempts=(*task.attempts[:-1], last), panda=None
    ).with_history(HistoryEntry(now, actor.login, actor.surface, DUPLICATE_ACTION, detail))
    state.put_task(updated)
    note = f"jediTaskID {jedi_id} was a duplicate JEDI aborted; now following {original}"
    return TaskSync(updated, original, status, status, True, note)
