"""Campaign state operations (create, close) and reads (list, get)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from pcs_gitops.domain.campaigns import Campaign, CampaignStatus, name_problems, parse_setting
from pcs_gitops.domain.free_text import text_problem
from pcs_gitops.domain.model import HistoryEntry
from pcs_gitops.domain.state import State
from pcs_gitops.errors import Conflict, RecordNotFound, UsageError
from pcs_gitops.services.ports import Actor

CLOSED_ACTION = "closed"


@dataclass(frozen=True)
class CampaignSpec:
    """What ``pcs campaign create`` is given; left out: derived from the name and settings."""

    name: str
    detector_version: str | None = None  # default: <name>.0
    detector_config: str | None = None  # default: the catalogue's
    software_release: str | None = None  # default: <detector_version>-stable
    prod_config: str = ""
    settings: Sequence[str] = field(default_factory=tuple)  # KEY=VALUE
    description: str = ""

    def campaign(self, state: State, actor: Actor, now: str) -> Campaign:
        name = self.name.strip()
        version = (self.detector_version or f"{name}.0").strip()
        return Campaign(
            name=name,
            detector_version=version,
            detector_config=(self.detector_config or state.settings.detector_config).strip(),
            software_release=(self.software_release or f"{version}-stable").strip(),
            description=self.description,
            prod_config=self.prod_config.strip(),
            settings=_settings(self.settings),
            created_by=actor.login,
            created_at=now,
            history=(HistoryEntry(now, actor.login, actor.surface, "created"),),
        )


def _settings(pairs: Sequence[str]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for pair in pairs:
        try:
            key, value = parse_setting(pair)
        except ValueError as exc:
            raise UsageError(f"campaign setting: {exc}") from None
        out[key] = value
    return out


def _same(a: Campaign, b: Campaign) -> bool:
    """Equal in what the user sets (who created it, when, its history and status aside)."""
    keep = ("created_by", "created_at", "history", "status")
    one, two = a.to_dict(), b.to_dict()
    return all(one[k] == two[k] for k in one if k not in keep)


def create_campaign(
    state: State, spec: CampaignSpec, actor: Actor, now: str
) -> tuple[Campaign, bool]:
    """A new open campaign; the same campaign again changes nothing (created False), another
    one of that name is refused."""
    wanted = spec.campaign(state, actor, now)
    problems = [message for _, message in name_problems(wanted)]
    if wanted.prod_config and wanted.prod_config not in state.prod_configs:
        problems.append(f"production config '{wanted.prod_config}' does not exist")
    reason = text_problem(wanted.description) if wanted.description else None
    if reason:
        problems.append(f"description: {reason}")
    if problems:
        raise UsageError("campaign refused:\n  " + "\n  ".join(problems))
    existing = state.campaigns.get(wanted.name)
    if existing is not None:
        if _same(existing, wanted):
            return existing, False
        raise Conflict(
            f"campaign '{wanted.name}' exists with other values; see 'pcs campaign get "
            f"{wanted.name}' (a campaign's release is not changed after it is made)"
        )
    state.put_campaign(wanted)
    return wanted, True


def get_campaign(state: State, name: str) -> Campaign:
    found = state.campaigns.get(name.strip())
    if found is None:
        known = ", ".join(sorted(state.campaigns)) or "none yet"
        raise RecordNotFound(
            f"campaign '{name}' does not exist (campaigns: {known}); create it with "
            f"'pcs campaign create {name.strip()}'"
        )
    return found


def require_open(state: State, name: str) -> Campaign:
    campaign = get_campaign(state, name)
    if not campaign.is_open:
        raise Conflict(f"campaign '{campaign.name}' is closed: it takes no new tasks")
    return campaign


def close_campaign(state: State, name: str, reason: str, actor: Actor, now: str) -> Campaign:
    """Close a campaign (it takes no new tasks); closing a closed one changes nothing."""
    campaign = get_campaign(state, name)
    if not campaign.is_open:
        return campaign
    detail = {"reason": reason} if reason else {}
    entry = HistoryEntry(now, actor.login, actor.surface, CLOSED_ACTION, detail)
    closed = replace(campaign, status=CampaignStatus.CLOSED, history=(*campaign.history, entry))
    state.put_campaign(closed)
    return closed


def campaign_summary(state: State, campaign: Campaign) -> dict[str, Any]:
    """The campaign record plus how many of its tasks are in each status."""
    statuses: Counter[str] = Counter(
        t.status.value for t in state.tasks.values() if t.campaign == campaign.name
    )
    withdrawn = sum(
        1 for t in state.tasks.values() if t.campaign == campaign.name and t.withdrawn is not None
    )
    return {
        **campaign.to_dict(),
        "tasks": sum(statuses.values()),
        "by_status": dict(sorted(statuses.items())),
        "withdrawn": withdrawn,
    }


def list_campaigns(state: State, status: str | None = None) -> dict[str, Any]:
    if status is not None and status not in (s.value for s in CampaignStatus):
        raise UsageError(f"campaign status '{status}' is unknown; choose from open, closed")
    found = [
        campaign_summary(state, c)
        for name, c in sorted(state.campaigns.items())
        if status is None or c.status.value == status
    ]
    return {"count": len(found), "campaigns": found}


def campaign_detail(state: State, name: str) -> Mapping[str, Any]:
    campaign = get_campaign(state, name)
    tasks = sorted(t.name for t in state.tasks.values() if t.campaign == campaign.name)
    return {**campaign_summary(state, campaign), "task_names": tasks}
