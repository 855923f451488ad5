"""Cloning requests into a campaign: state operations the use case and the pipeline share.

A clone is a new draft task for the target campaign: named ``<campaign>.<source name>`` (a
source that belongs to a campaign loses that prefix first), ``cloned_from`` its source, the
campaign's release, detector and production config defaults as its overrides, its inputs
relinked to the target campaign's counterpart datasets where such exist, its own output datasets
(composed for the campaign's release), the source's request fields and requester, and none of
its approval, submissions or PanDA state. Its catalogue key
is the source's key within the campaign, so the same clone is never made twice.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

from pcs_gitops.domain.campaigns import Campaign
from pcs_gitops.domain.model import HistoryEntry, ProdTask, PublicCatalog, TaskStatus
from pcs_gitops.domain.naming import NameError_, build_dataset_name, build_did, parse_dataset_name
from pcs_gitops.domain.state import State
from pcs_gitops.errors import Conflict, UsageError
from pcs_gitops.services.authorization import requester_of
from pcs_gitops.services.outputs import compose_outputs
from pcs_gitops.services.ports import Actor
from pcs_gitops.services.tasks import resolve_task

CLONED_ACTION = "cloned"
NO_CAMPAIGN = "none"  # the campaign filter for tasks that belong to none


@dataclass(frozen=True)
class CloneSelection:
    """Which requests to clone: named ones, or every one matching all the filters given."""

    names: tuple[str, ...] = ()
    pwg: str | None = None
    status: str | None = None
    campaign: str | None = None  # the sources' campaign ("none": tasks without one)
    name_contains: str | None = None

    def filters(self) -> dict[str, str]:
        given = {
            "pwg": self.pwg,
            "status": self.status,
            "campaign": self.campaign,
            "name_contains": self.name_contains,
        }
        return {k: v.strip() for k, v in given.items() if v is not None and v.strip()}

    def describe(self) -> str:
        """A stable text of the selection (it names the batch's branch)."""
        if self.names:
            return ",".join(sorted(n.strip() for n in self.names))
        return ",".join(f"{k}={v}" for k, v in sorted(self.filters().items()))


@dataclass(frozen=True)
class ClonePlan:
    """What cloning one source does: ``create`` a task, find it ``exists``, or ``skip``."""

    source: str
    name: str
    action: str
    reason: str = ""

    def to_dict(self) -> dict[str, str]:
        out = {"source": self.source, "name": self.name, "action": self.action}
        if self.reason:
            out["reason"] = self.reason
        return out


def select_sources(state: State, selection: CloneSelection) -> list[ProdTask]:
    """The tasks a selection names (each must exist), or those matching its filters."""
    if selection.names:
        found = {resolve_task(state, n).name: None for n in selection.names if n.strip()}
        return [state.tasks[n] for n in found]
    filters = selection.filters()
    if not filters:
        raise UsageError(
            "say what to clone: task names, or at least one filter (pwg, status, campaign, "
            "name contains)"
        )
    if "status" in filters and filters["status"] not in {s.value for s in TaskStatus}:
        choices = ", ".join(s.value for s in TaskStatus)
        raise UsageError(f"status '{filters['status']}' is unknown; choose from {choices}")
    return [t for _, t in sorted(state.tasks.items()) if _matches(state, t, filters)]


def _matches(state: State, task: ProdTask, filters: dict[str, str]) -> bool:
    pwg = filters.get("pwg")
    if pwg is not None and task.catalog.get("pwg", "") != (state.settings.pwg_slug(pwg) or pwg):
        return False
    if "status" in filters and task.status.value != filters["status"]:
        return False
    campaign = filters.get("campaign")
    if campaign is not None and (task.campaign or NO_CAMPAIGN) != campaign:
        return False
    needle = filters.get("name_contains", "").casefold()
    return not needle or needle in task.name.casefold()


def clone_name(source: ProdTask, campaign: Campaign) -> str:
    base = source.name
    if source.campaign and base.startswith(source.campaign + "."):
        base = base[len(source.campaign) + 1 :]
    return f"{campaign.name}.{base}"


def clone_key(source: ProdTask, campaign: Campaign) -> str:
    """The clone's catalogue row key: the source's key within the campaign."""
    key = source.public_catalog.intake_key()
    text = f"Issue={key[1]}" if key and key[0] == "issue" else (key[2] if key else source.name)
    return f"Campaign={campaign.name}; {text}"


def plan_clones(state: State, campaign: Campaign, sources: Sequence[ProdTask]) -> list[ClonePlan]:
    plans = []
    for source in sources:
        name = clone_name(source, campaign)
        existing = _existing_clone(state, source, campaign, name)
        if source.withdrawn is not None:
            plans.append(ClonePlan(source.name, name, "skip", "withdrawn"))
        elif source.campaign == campaign.name:
            plans.append(ClonePlan(source.name, source.name, "skip", "already in the campaign"))
        elif existing is not None:
            plans.append(ClonePlan(source.name, existing.name, "exists"))
        else:
            plans.append(ClonePlan(source.name, name, "create"))
    return plans


def _existing_clone(
    state: State, source: ProdTask, campaign: Campaign, name: str
) -> ProdTask | None:
    if name in state.tasks:
        return state.tasks[name]
    for task in state.tasks.values():
        if task.cloned_from == source.name and task.campaign == campaign.name:
            return task
    return None


def relinked_input(state: State, did: str, campaign: Campaign) -> str:
    """The target campaign's counterpart of an input (same tags and sample, the campaign's
    detector version and configuration) when it is recorded; else the input itself."""
    dataset = state.dataset_for_did(did)
    if dataset is None:
        return did
    try:
        parts = parse_dataset_name(dataset.name)
        name = build_dataset_name(
            replace(
                parts,
                detector_version=campaign.detector_version,
                detector_config=campaign.detector_config,
            )
        )
    except NameError_:
        return did
    counterpart = build_did(dataset.scope, name, dataset.block)
    return counterpart if state.dataset_for_did(counterpart) is not None else did


def clone_task(
    state: State, source: ProdTask, campaign: Campaign, name: str, actor: Actor, now: str
) -> ProdTask:
    """Write the clone of ``source`` into ``campaign`` as ``name`` (a new draft)."""
    inputs = tuple(relinked_input(state, did, campaign) for did in source.input_datasets)
    relinked = [new for old, new in zip(source.input_datasets, inputs, strict=True) if old != new]
    detail: dict[str, Any] = {"from": source.name, "campaign": campaign.name}
    if relinked:
        detail["relinked_inputs"] = relinked
    mapping = source.public_catalog
    clone = ProdTask(
        name=name,
        prod_config=campaign.prod_config or source.prod_config,
        description=source.description,
        input_datasets=inputs,
        overrides={**source.overrides, **campaign.task_overrides()},
        catalog=dict(source.catalog),
        public_catalog=PublicCatalog(
            repo=mapping.repo,
            csv_path=mapping.csv_path or state.settings.csv_path,
            row_key=clone_key(source, campaign),
        ),
        created_by=actor.login,
        created_at=now,
        history=(HistoryEntry(now, actor.login, actor.surface, CLONED_ACTION, detail),),
        requested_by=requester_of(source),
        campaign=campaign.name,
        cloned_from=source.name,
    )
    state.put_task(clone)
    return _with_outputs(state, clone, actor, now)


def _with_outputs(state: State, clone: ProdTask, actor: Actor, now: str) -> ProdTask:
    """The clone with the outputs its input and the campaign's settings compose. One that
    another request produces already (a campaign with the source's own release) is left
    without: its readiness says so, and 'pcs task compose-outputs' names that request."""
    try:
        return compose_outputs(state, clone, actor, now).task
    except Conflict:
        return clone


def clone_into(
    state: State, campaign: Campaign, sources: Sequence[ProdTask], actor: Actor, now: str
) -> list[ClonePlan]:
    """Clone every source the plan creates; the plan says what happened to each."""
    plans = plan_clones(state, campaign, sources)
    for plan in plans:
        if plan.action == "create":
            clone_task(state, state.tasks[plan.source], campaign, plan.name, actor, now)
    return plans
