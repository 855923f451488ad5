"""The content of a new, empty managed repository."""

from __future__ import annotations

from pcs_gitops.domain.effective_config import DEFAULTS
from pcs_gitops.domain.model import ProdConfig, Tag, TagKind, TagStatus
from pcs_gitops.domain.settings import CatalogSettings, Role, RoleGrant, Roles
from pcs_gitops.domain.state import State

# The standard config spells out the settings a production manager reviews most often. Apart
# from the campaign's detector/container/site, the values come from the one defaults table.
_STANDARD_CAMPAIGN: dict[str, object] = {
    "workflow_mode": "external_evgen",
    "detector_version": "26.02.0",
    "jug_xl_tag": "26.02.0-stable",
    "site": "BNL_OSG_PanDA_1",
}
_STANDARD_ORDER = (
    "workflow_mode",
    "detector_version",
    "detector_config",
    "jug_xl_tag",
    "events_per_job",
    "files_per_job",
    "cores",
    "memory_mb",
    "walltime_hours",
    "site",
    "working_group",
    "vo",
    "prod_source_label",
    "task_type",
    "processing_type",
    "task_priority",
    "copy_reco",
    "copy_full",
    "copy_log",
    "use_rucio",
    "bg_mixing",
)
STANDARD_CONFIG_SETTINGS: dict[str, object] = {
    key: _STANDARD_CAMPAIGN[key] if key in _STANDARD_CAMPAIGN else DEFAULTS[key]
    for key in _STANDARD_ORDER
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
