"""Production task use cases: intake, create, link input, lifecycle, submission, comments, reads."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from pcs_gitops.domain.artifacts import logical_task_name
from pcs_gitops.domain.catalog import PRIORITIES, catalog_tasks, check_catalog_fields
from pcs_gitops.domain.intake import TaskIntake as TaskIntake
from pcs_gitops.domain.lifecycle import transition_refusal
from pcs_gitops.domain.model import (
    CATALOG_FIELD_IDS,
    PUBLIC_CATALOG_KEYS,
    Attempt,
    HistoryEntry,
    ProdTask,
    PublicCatalog,
    TaskStatus,
)
from pcs_gitops.domain.naming import (
    TASK_NAME_RE,
    NameError_,
    attempt_name,
    check_sample,
    task_name_for_issue,
    task_name_for_row_key,
)
from pcs_gitops.domain.readiness import DRAFT_SUBSTATES, PathProbe, Readiness, readiness
from pcs_gitops.domain.state import State
from pcs_gitops.errors import (
    AmbiguousIdentifier,
    Conflict,
    InvalidTransition,
    RecordNotFound,
    UsageError,
)
from pcs_gitops.services import approval as approvals
from pcs_gitops.services.datasets import resolve_dataset
from pcs_gitops.services.outputs import compose_outputs
from pcs_gitops.services.ports import Actor
from pcs_gitops.services.request_texts import request_page_url

MAX_TEXT = 20_000
SUBMISSION_ACTION = "submission"  # the history action of a recorded PanDA submission


def parse_issue_number(value: int | str | None) -> int | None:
    """Issue numbers are integers: 5, "5", " 5" and "#5" are one key."""
    if value is None:
        return None
    if isinstance(value, bool):
        raise UsageError("public catalogue issue must be a positive integer")
    text = str(value).strip().strip('"').strip("'").strip().lstrip("#")
    if not text:
        return None
    if not text.isdigit() or int(text) < 1:
        raise UsageError(f"public catalogue issue '{value}' must be a positive integer")
    return int(text)


@dataclass
class TaskIntakeOutcome:
    task: ProdTask
    created: bool
    changed: list[str] = field(default_factory=list)


def _find_by_key(state: State, key: tuple[str, ...]) -> ProdTask | None:
    return state.task_for_key(key)


def _positive(value: int | str | None, what: str) -> int | None:
    if value is None or str(value).strip() == "":
        return None
    text = str(value).strip()
    if not text.isdigit() or int(text) < 1:
        raise UsageError(f"{what} '{value}' must be a positive integer")
    return int(text)


def _mapping_updates(req: TaskIntake, issue: int | None) -> dict[str, Any]:
    updates: dict[str, Any] = {
        "repo": req.public_catalog_repo,
        "issue": issue,
        "pr": _positive(req.public_catalog_pr, "public catalogue PR"),
        "row_index": _positive(req.public_catalog_row_index, "public catalogue row index"),
        "csv_path": req.public_catalog_csv_path,
        "row_key": req.public_catalog_row_key,
        "page_url": req.public_catalog_page_url,
        "commit_sha": req.public_catalog_commit_sha,
    }
    return {k: v for k, v in updates.items() if v is not None}


def _check_text(label: str, value: str) -> None:
    if len(value) > MAX_TEXT:
        raise UsageError(f"{label} is {len(value)} characters; the limit is {MAX_TEXT}")


def intake_task(state: State, req: TaskIntake, actor: Actor, now: str) -> TaskIntakeOutcome:
    """Create a draft task for a catalogue key, or merge new fields into the existing draft."""
    issue = parse_issue_number(req.public_catalog_issue)
    if issue is not None:
        key: tuple[str, ...] = ("issue", str(issue))
        default_name = task_name_for_issue(issue)
    elif req.public_catalog_csv_path and req.public_catalog_row_key:
        key = ("row", req.public_catalog_csv_path, req.public_catalog_row_key)
        default_name = task_name_for_row_key(req.public_catalog_row_key)
    else:
        raise UsageError(
            "an intake key is required: --public-catalog-issue N, or both "
            "--public-catalog-csv-path and --public-catalog-row-key"
        )
    unknown = set(req.catalog) - set(CATALOG_FIELD_IDS)
    if unknown:
        raise UsageError(f"unknown catalogue field(s): {', '.join(sorted(unknown))}")
    problems = check_catalog_fields(req.catalog, description=req.description)
    if problems:
        raise UsageError("refused catalogue value(s):\n  " + "\n  ".join(problems))
    for label, value in (("description", req.description or ""), *req.catalog.items()):
        _check_text(label, value)
    variant = _sample_variant(req.sample_variant)
    catalog_updates = dict(req.catalog)
    mapping = _mapping_updates(req, issue)
    inputs: tuple[str, ...] | None = None
    if req.input_dataset_did:
        inputs = (resolve_dataset(state, req.input_dataset_did).did,)
    elif req.dataset:
        inputs = (resolve_dataset(state, req.dataset).did,)
    existing = _find_by_key(state, key)
    if existing is not None:
        return _merge(state, existing, req, catalog_updates, mapping, inputs, actor, now)
    name = (req.name or default_name).strip()
    if name in state.tasks:
        raise Conflict(
            f"a task named '{name}' already exists with another catalogue key; pass --name"
        )
    config = req.prod_config or state.settings.standard_prod_config
    if config not in state.prod_configs:
        raise RecordNotFound(f"production config '{config}' does not exist; see 'pcs config list'")
    if req.public_catalog_csv_path is None and issue is not None:
        mapping.setdefault("csv_path", state.settings.csv_path)
    mapping.setdefault("repo", state.settings.repository)
    if issue is not None:
        mapping.setdefault("row_key", f"Issue={issue}")
    task = ProdTask(
        name=name,
        prod_config=config,
        description=req.description or "",
        input_datasets=inputs or (),
        catalog=_with_issue_cell(catalog_updates, issue),
        public_catalog=PublicCatalog.from_dict(mapping),
        created_by=actor.login,
        created_at=now,
        history=(HistoryEntry(now, actor.login, actor.surface, "created"),),
        sample_variant=variant or "",
    )
    if not TASK_NAME_RE.match(name):
        raise UsageError(f"task name '{name}' may only hold letters, digits and . _ + = -")
    state.put_task(task)
    task = compose_outputs(state, task, actor, now).task
    return TaskIntakeOutcome(task, True, changed=["created"])


def _sample_variant(value: str | None) -> str | None:
    """The optional sample variant, checked as the tail of a sample (None: not given)."""
    if value is None:
        return None
    variant = value.strip()
    try:
        check_sample(variant)
    except NameError_ as exc:
        raise UsageError(f"sample variant: {exc}") from None
    return variant


def _with_issue_cell(catalog: Mapping[str, str], issue: int | None) -> dict[str, str]:
    """A catalogue row (with its Issue cell) when the requester gave any field, else nothing."""
    if not _has_row(catalog):
        return {}
    out = dict(catalog)
    if issue is not None:
        out["issue"] = str(issue)
    return out


def _has_row(catalog: Mapping[str, str]) -> bool:
    return any(v for k, v in catalog.items() if k != "issue")


def _merge(
    state: State,
    task: ProdTask,
    req: TaskIntake,
    catalog_updates: Mapping[str, str],
    mapping: Mapping[str, Any],
    inputs: tuple[str, ...] | None,
    actor: Actor,
    now: str,
) -> TaskIntakeOutcome:
    changes: dict[str, Any] = {}
    new_catalog = dict(task.catalog)
    for key, value in catalog_updates.items():
        if new_catalog.get(key) != value:
            changes[f"catalog.{key}"] = value
            new_catalog[key] = value
    if task.public_catalog.issue is not None and _has_row(new_catalog):
        issue_cell = str(task.public_catalog.issue)
        if new_catalog.get("issue") != issue_cell:
            changes["catalog.issue"] = issue_cell
            new_catalog["issue"] = issue_cell
    new_mapping = task.public_catalog.to_dict()
    for key, value in mapping.items():
        if new_mapping.get(key) != value:
            changes[f"public_catalog.{key}"] = value
            new_mapping[key] = value
    description = task.description
    if req.description is not None and req.description != task.description:
        changes["description"] = req.description
        description = req.description
    new_inputs = task.input_datasets
    if inputs is not None and inputs != task.input_datasets:
        changes["input_datasets"] = list(inputs)
        new_inputs = inputs
    if req.prod_config and req.prod_config != task.prod_config:
        if req.prod_config not in state.prod_configs:
            raise RecordNotFound(f"production config '{req.prod_config}' does not exist")
        changes["prod_config"] = req.prod_config
    if req.name and req.name != task.name:
        raise Conflict(
            f"the catalogue key already belongs to task '{task.name}'; a task cannot be renamed "
            "by intake"
        )
    variant = _sample_variant(req.sample_variant)
    if variant is not None and variant != task.sample_variant:
        changes["sample_variant"] = variant
    if not changes:
        return TaskIntakeOutcome(task, False)
    if task.status is not TaskStatus.DRAFT:
        raise Conflict(
            f"task '{task.name}' is {task.status.value}; intake changes only draft tasks "
            f"(would change: {', '.join(sorted(changes))}). Move it back to draft first."
        )
    updated = replace(
        task,
        catalog=new_catalog if _has_row(new_catalog) else {},
        public_catalog=PublicCatalog.from_dict(new_mapping),
        description=description,
        input_datasets=new_inputs,
        prod_config=req.prod_config or task.prod_config,
        sample_variant=changes.get("sample_variant", task.sample_variant),
    ).with_history(HistoryEntry(now, actor.login, actor.surface, "updated", changes))
    state.put_task(updated)
    updated = compose_outputs(state, updated, actor, now).task
    return TaskIntakeOutcome(updated, False, changed=sorted(changes))


def resolve_task(state: State, key: str) -> ProdTask:
    key = key.strip()
    if key in state.tasks:
        return state.tasks[key]
    issue = None
    try:
        issue = parse_issue_number(key)
    except UsageError:
        issue = None
    if issue is not None:
        by_issue = [t for t in state.tasks.values() if t.public_catalog.issue == issue]
        if len(by_issue) == 1:
            return by_issue[0]
    partial = sorted(n for n in state.tasks if n.startswith(key + "."))
    if len(partial) > 1:
        raise AmbiguousIdentifier("task", key, partial)
    if len(partial) == 1:
        return state.tasks[partial[0]]
    raise RecordNotFound(f"no task is named '{key}'; see 'pcs task list'")


def link_input(
    state: State,
    name: str,
    did: str | None,
    dids: Sequence[str] | None,
    actor: Actor,
    now: str,
) -> ProdTask:
    if (did is None) == (dids is None):
        raise UsageError("give exactly one of --did or --dids")
    wanted = [did] if did is not None else [d.strip() for d in dids or () if d.strip()]
    if not wanted:
        raise UsageError("--dids needs at least one DID")
    task = resolve_task(state, name)
    missing = [d for d in wanted if state.dataset_for_did(d) is None]
    if missing:
        raise RecordNotFound(
            f"no dataset has the DID(s) {', '.join(missing)}; create them with "
            "'pcs dataset intake' first"
        )
    if task.status is not TaskStatus.DRAFT:
        raise Conflict(f"task '{task.name}' is {task.status.value}; inputs change only in draft")
    if tuple(wanted) == task.input_datasets:
        return task
    updated = replace(task, input_datasets=tuple(wanted)).with_history(
        HistoryEntry(now, actor.login, actor.surface, "link-input", {"input_datasets": wanted})
    )
    state.put_task(updated)
    return compose_outputs(state, updated, actor, now).task


TERMINAL = (TaskStatus.COMPLETED, TaskStatus.FAILED)


def set_status(
    state: State,
    name: str,
    status: str,
    actor: Actor,
    now: str,
    probe: PathProbe,
    reason: str | None = None,
) -> ProdTask:
    try:
        target = TaskStatus(status.strip().lower())
    except ValueError:
        choices = ", ".join(s.value for s in TaskStatus)
        raise UsageError(f"status '{status}' is unknown; choose from {choices}") from None
    task = resolve_task(state, name)
    if target is task.status:
        return task
    refusal = transition_refusal(task.status, target)
    if refusal:
        raise InvalidTransition(f"task '{task.name}': {refusal}")
    why = (reason or "").strip()[:MAX_TEXT]
    if target in TERMINAL and not why:
        raise UsageError(
            f"marking task '{task.name}' {target.value} by hand needs a reason (--reason): the "
            "PanDA sync sets the terminal states from what PanDA reports"
        )
    if target is TaskStatus.READY:  # an alias of approving
        return approvals.approve(state, task, actor, now, probe, reason=why)
    if target is TaskStatus.DRAFT:
        return approvals.send_back(state, task, actor, now, reason=why)
    detail: dict[str, Any] = {"from": task.status.value, "to": target.value}
    if why:
        detail["reason"] = why
    updated = replace(task, status=target).with_history(
        HistoryEntry(now, actor.login, actor.surface, "status", detail)
    )
    state.put_task(updated)
    return updated


PUBLISHED_ACTION = "published"  # the history action of a catalogue merge


@dataclass(frozen=True)
class Publication:
    """What the merge of a request's pull request made known."""

    pr: int
    commit_sha: str | None
    page_url: str
    row_index: int | None


def publication_for(state: State, task: ProdTask, pr: int, commit_sha: str | None) -> Publication:
    """The publication of ``task`` by pull request ``pr``: its page URL and catalogue row."""
    rows = [t.name for t in catalog_tasks(state.tasks.values())]
    return Publication(
        pr=pr,
        commit_sha=commit_sha or None,
        page_url=request_page_url(state.settings, task.name),
        row_index=rows.index(task.name) + 1 if task.name in rows else None,
    )


def record_publication(
    state: State, name: str, publication: Publication, actor: Actor, now: str
) -> ProdTask:
    """Record that the task's catalogue row was published (its pull request merged), whatever
    its lifecycle state: publication is not readiness. The same publication again changes
    nothing."""
    task = resolve_task(state, name)
    if publication.pr < 1:
        raise UsageError("the pull request number must be a positive integer")
    mapping = task.public_catalog.to_dict()
    updates = {
        "pr": publication.pr,
        "commit_sha": publication.commit_sha or mapping.get("commit_sha"),
        "page_url": publication.page_url or mapping.get("page_url"),
        "row_index": publication.row_index,
    }
    changes = {k: v for k, v in updates.items() if mapping.get(k) != v}
    if not changes:
        return task
    mapping.update(updates)
    updated = replace(task, public_catalog=PublicCatalog.from_dict(mapping)).with_history(
        HistoryEntry(now, actor.login, actor.surface, PUBLISHED_ACTION, changes)
    )
    state.put_task(updated)
    return updated


def record_submission(
    state: State, name: str, panda_task_id: int, actor: Actor, now: str
) -> ProdTask:
    task = resolve_task(state, name)
    if panda_task_id < 1:
        raise UsageError("the PanDA task id must be a positive integer")
    if task.panda_task_id is not None:
        raise Conflict(
            f"task '{task.name}' already records PanDA task {task.panda_task_id}; "
            "a task is submitted once"
        )
    if task.status is not TaskStatus.READY:
        raise InvalidTransition(
            f"task '{task.name}' is {task.status.value}; only a ready task can be submitted"
        )
    for other in state.tasks.values():
        if any(a.jedi_task_id == panda_task_id for a in other.attempts):
            raise Conflict(f"PanDA task {panda_task_id} is already recorded by '{other.name}'")
    try_number = len(task.attempts) + 1
    logical = logical_task_name(state, task)
    attempt = Attempt(
        try_number=try_number,
        jedi_task_id=panda_task_id,
        task_name=attempt_name(logical, try_number),
        submitted_by=actor.login,
        submitted_at=now,
    )
    updated = replace(
        task,
        status=TaskStatus.SUBMITTED,
        panda_task_id=panda_task_id,
        attempts=(*task.attempts, attempt),
    ).with_history(
        HistoryEntry(
            now,
            actor.login,
            actor.surface,
            SUBMISSION_ACTION,
            {"panda_task_id": panda_task_id, "try_number": try_number},
        )
    )
    state.put_task(updated)
    return updated


def comment(state: State, name: str, text: str, actor: Actor, now: str) -> ProdTask:
    if not text.strip():
        raise UsageError("a comment needs text")
    _check_text("comment", text)
    task = resolve_task(state, name)
    updated = task.with_history(
        HistoryEntry(now, actor.login, actor.surface, "comment", {"text": text})
    )
    state.put_task(updated)
    return updated


def task_readiness(state: State, name: str, probe: PathProbe) -> Readiness:
    return readiness(state, resolve_task(state, name), probe)


def task_summary(state: State, task: ProdTask, probe: PathProbe | None = None) -> dict[str, Any]:
    out: dict[str, Any] = {
        "name": task.name,
        "status": task.status.value,
        "substate": None,
        "campaign": task.campaign,
        "withdrawn": task.withdrawn is not None,
        "prod_config": task.prod_config,
        "pwg": task.catalog.get("pwg", ""),
        "priority": task.catalog.get("priority", ""),
        "dataset_path": task.catalog.get("dataset_path", ""),
        "events": task.catalog.get("events", ""),
        "public_catalog_issue": task.public_catalog.issue,
        "public_catalog_row_key": task.public_catalog.row_key,
        "input_datasets": list(task.input_datasets),
        "output_datasets": list(task.output_datasets),
        "panda_task_id": task.panda_task_id,
        "attempts": len(task.attempts),
        "created_at": task.created_at,
    }
    if probe is not None:
        out["substate"] = readiness(state, task, probe).substate(task.status)
    return out


def list_tasks(
    state: State,
    *,
    status: str | None = None,
    public_catalog_issue: int | str | None = None,
    name_contains: str | None = None,
    pwg: str | None = None,
    priority: str | int | None = None,
    substate: str | None = None,
    limit: int = 20,
    offset: int = 0,
    probe: PathProbe | None = None,
    campaign: str | None = None,  # "none": the tasks of no campaign
) -> dict[str, Any]:
    """Tasks by name, filtered (status, draft sub-state, PWG by slug or name, catalogue
    priority, issue, name text, campaign) and paged."""
    if limit < 0 or offset < 0:
        raise UsageError("limit and offset must be zero or positive")
    if status is not None and status not in {s.value for s in TaskStatus}:
        raise UsageError(f"status '{status}' is unknown; choose from {', '.join(TaskStatus)}")
    issue = parse_issue_number(public_catalog_issue)
    needle = (name_contains or "").casefold()
    slug = None
    if pwg is not None:
        slug = state.settings.pwg_slug(pwg)
        if slug is None:
            known = ", ".join(p.slug for p in state.settings.pwgs)
            raise UsageError(f"'{pwg}' is not a DSC or PWG; choose from {known}")
    wanted_priority = None if priority is None else str(priority).strip()
    if wanted_priority is not None and wanted_priority not in PRIORITIES:
        raise UsageError(f"priority '{priority}' is unknown; choose from {', '.join(PRIORITIES)}")
    matches = [
        t
        for t in sorted(state.tasks.values(), key=lambda t: t.name)
        if (status is None or t.status.value == status)
        and (issue is None or t.public_catalog.issue == issue)
        and (not needle or needle in t.name.casefold())
        and (slug is None or state.settings.pwg_slug(t.catalog.get("pwg", "")) == slug)
        and (wanted_priority is None or t.catalog.get("priority") == wanted_priority)
        and (not campaign or (t.campaign or "none") == campaign.strip())
    ]
    if substate is not None:
        if substate not in DRAFT_SUBSTATES:
            raise UsageError(
                f"sub-state '{substate}' is unknown; choose from {', '.join(DRAFT_SUBSTATES)}"
            )
        check = probe or (lambda path: None)
        matches = [t for t in matches if readiness(state, t, check).substate(t.status) == substate]
    page = matches[offset : offset + limit]
    return {
        "count": len(matches),
        "limit": limit,
        "offset": offset,
        "tasks": [task_summary(state, t, probe) for t in page],
    }


def task_detail(state: State, task: ProdTask) -> dict[str, Any]:
    out = task.to_dict()
    out["public_catalog"] = {
        f"public_catalog_{k}": task.public_catalog.to_dict()[k] for k in PUBLIC_CATALOG_KEYS
    }
    monitor = state.settings.panda_monitor_link(task.panda_task_id)
    if monitor:
        out["panda_monitor_url"] = monitor
    return out
