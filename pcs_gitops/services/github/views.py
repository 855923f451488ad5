"""What the status comment and the pull request show of a request: a snapshot of its task."""

from __future__ import annotations

from dataclasses import dataclass

from pcs_gitops.domain.approval import WITHDRAWN
from pcs_gitops.domain.artifacts import workflow_mode_of
from pcs_gitops.domain.catalog import catalog_row
from pcs_gitops.domain.model import HistoryEntry, ProdTask
from pcs_gitops.domain.readiness import PathProbe, readiness
from pcs_gitops.domain.settings import CatalogSettings
from pcs_gitops.domain.state import State
from pcs_gitops.errors import PcsError
from pcs_gitops.services import request_texts as texts
from pcs_gitops.services.approval import STATUS_ACTION, approval_view
from pcs_gitops.services.github_port import PullInfo
from pcs_gitops.services.tasks import PUBLISHED_ACTION


@dataclass(frozen=True)
class Snapshot:
    task_name: str
    status: str
    substate: str | None
    pwg: str
    path: str
    row: tuple[tuple[str, str], ...]
    checks: tuple[texts.CheckView, ...]
    published_pull: int | None = None
    page_url: str = ""
    changes: tuple[str, ...] = ()
    plan: texts.PlanView | None = None
    page: tuple[tuple[str, str], ...] = ()  # what its catalogue page shows, as (label, value)


def page_facts(state: State, task: ProdTask) -> tuple[tuple[str, str], ...]:
    """What the request's catalogue page will show besides its row and checklist."""
    facts = [
        ("Task", task.name),
        ("Status", task.status.value),
        ("Workflow mode", workflow_mode_of(state, task)),
        ("Mode twin", task.twin or ""),
        ("Campaign", task.campaign or ""),
        ("Production config", task.prod_config),
        ("Overrides", ", ".join(f"{k}={v}" for k, v in task.overrides.items())),
        ("Input datasets", ", ".join(task.input_datasets)),
        ("Intermediate datasets", ", ".join(task.intermediate_datasets)),
        ("Output datasets", ", ".join(task.output_datasets)),
        ("PanDA jediTaskID", str(task.panda_task_id or "")),
    ]
    return tuple((label, value) for label, value in facts if value)


def plan_of(state: State, task: ProdTask) -> texts.PlanView | None:
    """The payload a reviewer approves: the JEDI taskParamMap and the approval's state (None
    while the task has no output to name its PanDA task after)."""
    if not task.output_datasets:
        return None
    try:
        view = approval_view(state, task)
    except PcsError:  # an incomplete config: the readiness checklist says what is missing
        return None
    approval = view["approval"] or {}
    state_name, changed = view["approval_state"], tuple(view["changed"])
    withdrawn = _last_withdrawal(task) if state_name == "none" else None
    if withdrawn is not None:  # sent back to draft when its payload changed
        state_name, changed = "stale", withdrawn
    return texts.PlanView(
        approval_state=state_name,
        approved_by=str(approval.get("by", "")),
        approved_at=str(approval.get("at", "")),
        payload_sha256=view["payload_sha256"],
        changed=changed,
        problems=tuple(view["problems"]),
        task_params_json=view["task_params_json"],
    )


def _last_withdrawal(task: ProdTask) -> tuple[str, ...] | None:
    """What changed, when the task's last status change withdrew its approval (else None)."""
    last = next((e for e in reversed(task.history) if e.action == STATUS_ACTION), None)
    reason = str((last.detail or {}).get("reason", "")) if last is not None else ""
    if not reason.startswith(WITHDRAWN):
        return None
    changed = (last.detail or {}).get("changed") if last is not None else None
    if isinstance(changed, list) and changed:
        return tuple(str(c) for c in changed)
    return (reason.removeprefix(f"{WITHDRAWN}: "),)


def changes_since_publication(task: ProdTask) -> tuple[str, ...]:
    """The task's history after its last publication, one line per entry."""
    entries = list(task.history)
    last = max((i for i, e in enumerate(entries) if e.action == PUBLISHED_ACTION), default=None)
    if last is None:
        return ()
    return tuple(describe_entry(e) for e in entries[last + 1 :])


def describe_entry(entry: HistoryEntry) -> str:
    detail = entry.detail or {}
    if entry.action == "status":
        what = f"status {detail.get('from')} -> {detail.get('to')}"
    elif detail:
        what = f"{entry.action}: {', '.join(sorted(str(k) for k in detail))}"
    else:
        what = entry.action
    return f"{what} (by {entry.by}, {entry.at})"


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
        published_pull=task.public_catalog.pr,
        page_url=task.public_catalog.page_url or "",
        changes=changes_since_publication(task),
        plan=plan_of(state, task),
        page=page_facts(state, task),
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
        page_url=snap.page_url or texts.request_page_url(settings, snap.task_name),
        published_pull=snap.published_pull,
        changes=snap.changes,
        plan=snap.plan,
        page=snap.page,
    )


def request_pull_text(
    state: State, issue: int, probe: PathProbe, *, server_url: str, repository: str, branch: str
) -> tuple[str, str] | None:
    """The request pull request's title and body (None while the request has no task)."""
    snap = request_snapshot(state, issue, probe)
    if snap is None:
        return None
    view = request_view(
        issue, branch, snap, state.settings, server_url=server_url, repository=repository
    )
    return texts.pull_title(issue, snap.pwg, snap.path), texts.pull_body(view)
