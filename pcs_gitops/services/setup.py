"""The content of a new, empty managed repository."""

from __future__ import annotations

from pcs_gitops.domain.model import (
    CatalogSettings,
    ProdConfig,
    Role,
    RoleGrant,
    Roles,
    Tag,
    TagKind,
    TagStatus,
)
from pcs_gitops.domain.state import State

STANDARD_CONFIG_SETTINGS: dict[str, object] = {
    "workflow_mode": "external_evgen",
    "detector_version": "26.02.0",
    "detector_config": "epic_craterlake",
    "jug_xl_tag": "26.02.0-stable",
    "events_per_job": 1000,
    "files_per_job": 1,
    "cores": 1,
    "memory_mb": 2000,
    "walltime_hours": 2.0,
    "site": "BNL_OSG_PanDA_1",
    "working_group": "EIC",
    "vo": "eic",
    "prod_source_label": "test",
    "task_type": "production",
    "processing_type": "epicproduction",
    "task_priority": 900,
    "copy_reco": True,
    "copy_full": False,
    "copy_log": True,
    "use_rucio": True,
    "bg_mixing": False,
}


def sentinel_tags(now: str) -> list[Tag]:
    return [
        Tag(
            kind=TagKind.PHYSICS,
            label="p6001",
            status=TagStatus.LOCKED,
            category=6,
            description="no signal: the physics slot of standalone background datasets",
            parameters={
                "process": "NONE",
                "beam_energy_electron": "N/A",
                "beam_energy_hadron": "N/A",
            },
            created_by="pcs-init",
            created_at=now,
        ),
        Tag(
            kind=TagKind.SIMU,
            label="s0",
            status=TagStatus.LOCKED,
            description="not simulated: generator-stage material",
            parameters={"detector_sim": "none", "sim_version": "none", "stage": "EVGEN"},
            created_by="pcs-init",
            created_at=now,
        ),
        Tag(
            kind=TagKind.RECO,
            label="r0",
            status=TagStatus.LOCKED,
            description="not reconstructed: FULL simulation output",
            parameters={"reco_version": "none", "reco_config": "none", "stage": "FULL"},
            created_by="pcs-init",
            created_at=now,
        ),
    ]


def initial_state(now: str, repository: str | None = None) -> State:
    settings = CatalogSettings()
    if repository:
        settings = CatalogSettings.from_dict({**settings.to_dict(), "repository": repository})
    state = State(settings=settings)
    state.roles = Roles(
        grants=(
            RoleGrant(Role.PRODUCTION_MANAGER, logins=(), teams=()),
            RoleGrant(Role.ADMIN, logins=(), teams=()),
        )
    )
    for tag in sentinel_tags(now):
        state.tags[tag.label] = tag
    standard = ProdConfig(
        name=settings.standard_prod_config,
        description="Standard production config that imported and new requests are bound to",
        settings=dict(STANDARD_CONFIG_SETTINGS),
        created_by="pcs-init",
        created_at=now,
    )
    state.prod_configs[standard.name] = standard
    state.mark_all_dirty()
    return state
