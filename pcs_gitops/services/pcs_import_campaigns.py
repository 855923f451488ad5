"""Importing the reference PCS's campaigns as campaign records.

A reference campaign is named by its family (``26.07``; older rows by their patch release,
``26.07.1``) and knows no release of its own: the detector version and configuration are read
from its datasets, and must be one each. ``current`` and ``future`` campaigns are open,
``past`` and ``last`` closed. Two reference rows of one family collide.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from pcs_gitops.domain.campaigns import Campaign, CampaignStatus, family_of
from pcs_gitops.domain.model import HistoryEntry
from pcs_gitops.domain.pcs_export import ExportRecord
from pcs_gitops.services.pcs_import_base import (
    COLLISION,
    CREATED,
    FRESH_REPOSITORY,
    SKIPPED,
    UNCHANGED,
    ImportRun,
)

OPEN_LIFECYCLES = ("current", "future")


def import_campaigns(run: ImportRun) -> None:
    records = run.export.records("campaign")
    families = Counter(family_of(r.text("name")) for r in records)
    for rec in records:
        family = family_of(rec.text("name"))
        if family is None:
            message = f"its name '{rec.text('name')}' is no campaign family (like 26.07) here"
            run.result(rec, rec.text("name"), SKIPPED, message)
        elif families[family] > 1:
            run.result(
                rec,
                family,
                COLLISION,
                f"it is one of {families[family]} reference campaigns of family {family} (patch "
                "rows and the family row): none is imported; keep one row per family in the "
                "reference and export again",
            )
        elif run.text_refusal(rec, family, "description"):
            continue
        else:
            _import_campaign(run, rec, family)


def _release(run: ImportRun, rec: ExportRecord, family: str) -> tuple[str, str] | str:
    """(detector version, detector configuration) its datasets agree on, or why not."""
    rows = [d for d in run.export.records("dataset") if d.fields.get("campaign") == rec.pk]
    versions = {d.text("detector_version") for d in rows} - {""}
    configs = {d.text("detector_config") for d in rows} - {""}
    if rec.text("name") != family:  # an older patch-level row names its release itself
        versions = {rec.text("name")}
    if len(versions) != 1 or len(configs) != 1:
        found = ", ".join(sorted(versions | configs)) or "none"
        return (
            f"its release is not known here (its datasets name {found}); create it with "
            f"'pcs campaign create {family} --detector-version {family}.N ...'"
        )
    return versions.pop(), configs.pop()


def _import_campaign(run: ImportRun, rec: ExportRecord, family: str) -> None:
    release = _release(run, rec, family)
    if isinstance(release, str):
        run.result(rec, family, SKIPPED, f"not imported: {release}")
        return
    lifecycle = rec.text("lifecycle")
    status = CampaignStatus.OPEN if lifecycle in OPEN_LIFECYCLES else CampaignStatus.CLOSED
    detail: dict[str, Any] = {"from": run.report.source, "record": rec.ref, "lifecycle": lifecycle}
    campaign = Campaign(
        name=family,
        detector_version=release[0],
        detector_config=release[1],
        software_release="",
        status=status,
        description=rec.text("description"),
        created_by=rec.text("created_by"),
        created_at=rec.text("created_at"),
        history=(HistoryEntry(run.now, run.actor.login, run.actor.surface, "imported", detail),),
    )
    existing = run.state.campaigns.get(family)
    if existing is None:
        run.state.put_campaign(campaign)
        result = run.result(rec, family, CREATED)
    elif (existing.detector_version, existing.detector_config, existing.status) == (
        campaign.detector_version,
        campaign.detector_config,
        campaign.status,
    ):
        result = run.result(rec, family, UNCHANGED)
    else:
        run.result(
            rec,
            family,
            COLLISION,
            f"campaign {family} exists here with another release or status "
            f"({existing.detector_version}, {existing.status.value}): not imported; its tasks "
            f"are imported without a campaign; {FRESH_REPOSITORY}",
        )
        return
    result.notes.append(f"lifecycle '{lifecycle}': {status.value} here; no software release")
    run.campaign_names[rec.pk] = family
