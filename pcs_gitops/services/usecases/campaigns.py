"""Campaign use cases: create and close a campaign, clone requests into one."""

from __future__ import annotations

from typing import Any

from pcs_gitops.domain.authz import Operation
from pcs_gitops.errors import PcsError
from pcs_gitops.services import campaigns as ops
from pcs_gitops.services import cloning
from pcs_gitops.services.authorization import require
from pcs_gitops.services.branches import digest
from pcs_gitops.services.ports import Actor, Publisher, Target
from pcs_gitops.services.unit_of_work import UnitOfWork


def campaign_target(name: str) -> Target:
    return Target("batch", key=f"campaign-{name.strip()}", title=f"Campaign {name.strip()}")


def create_campaign(publisher: Publisher, spec: ops.CampaignSpec, actor: Actor) -> dict[str, Any]:
    """Create an open campaign (a family such as 26.07 and its release); the same campaign
    again changes nothing."""
    roles = publisher.roles()

    def change(uow: UnitOfWork) -> tuple[Any, bool]:
        require(actor, Operation.CAMPAIGN, roles)
        campaign, created = ops.create_campaign(uow.state, spec, actor, uow.clock.now())
        if uow.state.dirty:
            uow.commit(f"Create campaign {campaign.name} ({campaign.detector_version})")
        return campaign, created

    done = publisher.run(campaign_target(spec.name), change)
    campaign, created = done.result
    return {
        "created": created,
        "name": campaign.name,
        "campaign": campaign.to_dict(),
        **done.extra(),
    }


def close_campaign(publisher: Publisher, name: str, reason: str, actor: Actor) -> dict[str, Any]:
    """Close a campaign: it takes no new tasks (its tasks go on). Closing it again changes
    nothing."""
    roles = publisher.roles()

    def change(uow: UnitOfWork) -> Any:
        require(actor, Operation.CAMPAIGN, roles)
        campaign = ops.close_campaign(uow.state, name, reason, actor, uow.clock.now())
        if uow.state.dirty:
            uow.commit(f"Close campaign {campaign.name}")
        return campaign

    done = publisher.run(campaign_target(name), change)
    return {"name": done.result.name, "campaign": done.result.to_dict(), **done.extra()}


def clone_target(campaign: str, selection: cloning.CloneSelection, names: list[str]) -> Target:
    """One branch and pull request per (campaign, selection); the body lists the clones."""
    described = selection.describe()
    title = f"Clone {len(names)} request(s) into campaign {campaign}"
    lines = [f"{title} (selection: {described})." if described else f"{title}.", ""]
    lines += [f"- `{name}`" for name in names] or ["- nothing to clone"]
    return Target(
        "batch",
        key=f"clone-{campaign}-{digest(described)}",
        title=title,
        body="\n".join(lines),
    )


def clone_tasks(
    publisher: Publisher, campaign: str, selection: cloning.CloneSelection, actor: Actor
) -> dict[str, Any]:
    """Clone one request, or every request the selection matches, into an open campaign as
    new drafts (one commit, one pull request for the batch). Cloning again creates nothing."""
    roles = publisher.roles()
    with publisher.reading() as uow:  # the pull request lists the batch before it is made
        planned = _plan(uow, campaign, selection)
    names = [p.name for p in planned if p.action in ("create", "exists")]

    def change(uow: UnitOfWork) -> list[cloning.ClonePlan]:
        require(actor, Operation.CLONE, roles)
        target = ops.require_open(uow.state, campaign)
        sources = cloning.select_sources(uow.state, selection)
        plans = cloning.clone_into(uow.state, target, sources, actor, uow.clock.now())
        made = sum(1 for p in plans if p.action == "create")
        if uow.state.dirty:
            uow.commit(f"Clone {made} request(s) into campaign {target.name}")
        return plans

    done = publisher.run(clone_target(campaign.strip(), selection, names), change)
    plans = done.result
    return {
        "campaign": campaign.strip(),
        "created": [p.name for p in plans if p.action == "create"],
        "existing": [p.name for p in plans if p.action == "exists"],
        "skipped": [p.to_dict() for p in plans if p.action == "skip"],
        "clones": [p.to_dict() for p in plans],
        **done.extra(),
    }


def _plan(uow: UnitOfWork, campaign: str, selection: cloning.CloneSelection) -> list[Any]:
    """What cloning would do on the state read here (empty when it would be refused: the
    change itself then refuses with its message)."""
    try:
        target = ops.require_open(uow.state, campaign)
        return cloning.plan_clones(uow.state, target, cloning.select_sources(uow.state, selection))
    except PcsError:
        return []
