"""Repository-wide settings records: the catalogue settings, PWG vocabulary, physics
categories and roles (``state/catalog.yaml``, ``state/physics_categories.yaml``,
``state/roles.yaml``)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from pcs_gitops.domain.model import JsonDict, _opt_str


@dataclass(frozen=True)
class PhysicsCategory:
    """A physics category and the template its PWG-authored tags follow: the parameters they
    must give (``required``) and, per parameter, the values they may take (``allowed``)."""

    digit: int
    name: str
    processes: tuple[str, ...]
    required: tuple[str, ...] = ()
    allowed: Mapping[str, tuple[str, ...]] = field(default_factory=dict)

    def to_dict(self) -> JsonDict:
        out: JsonDict = {"digit": self.digit, "name": self.name, "processes": list(self.processes)}
        if self.required:
            out["required"] = list(self.required)
        if self.allowed:
            out["allowed"] = {k: list(v) for k, v in self.allowed.items()}
        return out

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> PhysicsCategory:
        allowed = data.get("allowed") or {}
        return cls(
            digit=int(data["digit"]),
            name=str(data["name"]),
            processes=tuple(str(p) for p in data.get("processes") or ()),
            required=tuple(str(p) for p in data.get("required") or ()),
            allowed={str(k): tuple(str(x) for x in v) for k, v in allowed.items()},
        )


_NO_BEAM = {"beam_energy_electron": ("N/A",), "beam_energy_hadron": ("N/A",)}
_BEAMS: dict[str, tuple[str, ...]] = {
    "beam_energy_electron": ("5", "10", "18"),
    "beam_energy_hadron": ("41", "100", "110", "115", "130", "166", "250", "275"),
    "beam_species": ("ep", "eH2", "eHe3", "eAu", "eCu", "eRu"),
}
_COLLIDING = ("process", "beam_energy_electron", "beam_energy_hadron")

# The frozen category table (DESIGN.md); the schema pins the digits. The templates are those of
# new catalogues; a catalogue tunes its own in state/physics_categories.yaml.
PHYSICS_CATEGORIES: tuple[PhysicsCategory, ...] = (
    PhysicsCategory(
        1, "single particle", ("SINGLE",), ("process", "particle", "gun_energy"), _NO_BEAM
    ),
    PhysicsCategory(
        2,
        "DIS family",
        ("DIS", "DIS_NC", "DIS_CC", "DDIS"),
        (*_COLLIDING, "q2_range"),
        {**_BEAMS, "nucleon": ("ep", "en")},
    ),
    PhysicsCategory(
        3, "DVCS / DDVCS / TCS", ("DVCS", "DDVCS", "TCS"), (*_COLLIDING, "q2_range"), _BEAMS
    ),
    PhysicsCategory(
        4, "SIDIS", ("SIDIS", "SIDIS_D0", "SIDIS_DIJET", "SIDIS_Lc"), _COLLIDING, _BEAMS
    ),
    PhysicsCategory(5, "exclusive and other", (), _COLLIDING, _BEAMS),
    PhysicsCategory(6, "background / no signal", ("BEAMGAS", "SYNRAD", ""), (), _NO_BEAM),
)


def category_for_process(process: str) -> int:
    for category in PHYSICS_CATEGORIES:
        if process in category.processes:
            return category.digit
    if process.startswith("DVCS") or process.startswith("DDVCS") or process.startswith("TCS"):
        return 3
    if process.startswith("SIDIS"):
        return 4
    if process.startswith("DIS"):
        return 2
    return 5


@dataclass(frozen=True)
class Pwg:
    slug: str
    name: str
    color: str

    def to_dict(self) -> JsonDict:
        return {"slug": self.slug, "name": self.name, "color": self.color}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Pwg:
        return cls(slug=str(data["slug"]), name=str(data["name"]), color=str(data["color"]))


DEFAULT_COLUMNS: dict[str, str] = {
    "pwg": "DSC or PWG",
    "priority": "Priority",
    "dataset_path": "Dataset Path",
    "generator_version": "Generator/Dataset Version",
    "events": "Number of Events",
    "background": "Background",
    "new_request": "New Request",
    "pre_tdr_use": "Pre-TDR Use",
    "early_science_use": "Early Science Use",
    "other_use": "Other Use",
    "description": "Description",
    "issue": "Issue",
}

DEFAULT_PWGS: tuple[Pwg, ...] = (
    Pwg("edt", "Exclusive/Diffractive/Tagging", "#d0e8ff"),
    Pwg("inclusive", "Inclusive", "#d4f4d4"),
    Pwg("jets_hf", "Jets & HF", "#fff0cc"),
    Pwg("semi_inclusive", "SIDIS", "#f4d4f4"),
    Pwg("tracking", "Tracking", "#ffe0cc"),
    Pwg("bsm_ew", "BSM/EW", "#e0e0f8"),
    Pwg("other", "Other", "#eeeeee"),
)


DEFAULT_DATA_ROOTS: tuple[str, ...] = ("/volatile/eic", "/gpfs02/eic", "/work/eic")
# Catalogue priority (1 highest, 2, 3, -1 N/A) -> the JEDI taskPriority of its task.
DEFAULT_TASK_PRIORITIES: dict[str, int] = {"1": 950, "2": 900, "3": 850, "-1": 800}
# Who pcs commits and opens pull requests as (logins, git author names and e-mails): a change
# made only by these is pcs's own ('pcs check-change').
DEFAULT_BOT_IDENTITIES: tuple[str, ...] = (
    "github-actions[bot]",
    "41898282+github-actions[bot]@users.noreply.github.com",
    "pcs-bot",
    "pcs-bot@users.noreply.github.com",
)


@dataclass(frozen=True)
class CatalogSettings:
    """How the public catalogue looks: repository, CSV path, columns, PWG vocabulary, defaults."""

    repository: str = "eic/epic-prod"
    csv_path: str = "docs/_data/datasets.csv"
    columns: Mapping[str, str] = field(default_factory=lambda: dict(DEFAULT_COLUMNS))
    pwgs: tuple[Pwg, ...] = DEFAULT_PWGS
    standard_prod_config: str = "standard"
    default_scope: str = "group.EIC.evgen"
    detector_version: str = "26.02.0"
    detector_config: str = "epic_craterlake"
    site_url: str = "https://eic.github.io/epic-prod"
    request_label: str = "dataset-request"
    # The PanDA monitor page of a task, "{jedi_task_id}" replaced; empty: no link.
    panda_monitor_url: str = ""
    # Where input paths live; only paths under one of them are probed for readability.
    data_roots: tuple[str, ...] = DEFAULT_DATA_ROOTS
    # A draft unchanged for this many days gets a reminder on its issue ('pcs remind'), one
    # per such period.
    stalled_after_days: int = 14
    # Commissioning switch: True makes every draft tag block approval; PWG-authored tags (those
    # with a PWG) block it while draft in any case.
    approval_needs_locked_tags: bool = False
    task_priorities: Mapping[str, int] = field(
        default_factory=lambda: dict(DEFAULT_TASK_PRIORITIES)
    )
    bot_identities: tuple[str, ...] = DEFAULT_BOT_IDENTITIES

    def to_dict(self) -> JsonDict:
        out: JsonDict = {
            "repository": self.repository,
            "csv_path": self.csv_path,
            "site_url": self.site_url,
            "request_label": self.request_label,
            "columns": [{"id": k, "title": v} for k, v in self.columns.items()],
            "pwgs": [p.to_dict() for p in self.pwgs],
            "standard_prod_config": self.standard_prod_config,
            "default_scope": self.default_scope,
            "detector_version": self.detector_version,
            "detector_config": self.detector_config,
            "data_roots": list(self.data_roots),
            "task_priorities": dict(self.task_priorities),
            "bot_identities": list(self.bot_identities),
        }
        if self.panda_monitor_url:
            out["panda_monitor_url"] = self.panda_monitor_url
        if self.stalled_after_days != CatalogSettings.stalled_after_days:
            out["stalled_after_days"] = self.stalled_after_days
        if self.approval_needs_locked_tags:
            out["approval_needs_locked_tags"] = True
        return out

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> CatalogSettings:
        base = cls()
        return cls(
            repository=str(data.get("repository", base.repository)),
            csv_path=str(data.get("csv_path", base.csv_path)),
            site_url=str(data.get("site_url", base.site_url)),
            request_label=str(data.get("request_label", base.request_label)),
            columns={str(c["id"]): str(c["title"]) for c in data.get("columns") or ()}
            or dict(DEFAULT_COLUMNS),
            pwgs=tuple(Pwg.from_dict(p) for p in data.get("pwgs") or ()) or DEFAULT_PWGS,
            standard_prod_config=str(data.get("standard_prod_config", base.standard_prod_config)),
            default_scope=str(data.get("default_scope", base.default_scope)),
            detector_version=str(data.get("detector_version", base.detector_version)),
            detector_config=str(data.get("detector_config", base.detector_config)),
            panda_monitor_url=str(data.get("panda_monitor_url") or ""),
            data_roots=tuple(str(r) for r in data.get("data_roots", base.data_roots)),
            stalled_after_days=int(data.get("stalled_after_days", base.stalled_after_days)),
            approval_needs_locked_tags=bool(data.get("approval_needs_locked_tags", False)),
            task_priorities={
                str(k): int(v)
                for k, v in (data.get("task_priorities") or base.task_priorities).items()
            },
            bot_identities=tuple(str(b) for b in data.get("bot_identities", base.bot_identities)),
        )

    def panda_monitor_link(self, jedi_task_id: int | None) -> str | None:
        """The monitor page of a PanDA task, or None without an id or a configured template."""
        template = self.panda_monitor_url
        if jedi_task_id is None or not template.startswith(("https://", "http://")):
            return None
        return template.replace("{jedi_task_id}", str(int(jedi_task_id)))

    def is_bot(self, identity: str) -> bool:
        """Whether a login, git author name or e-mail is one pcs acts as."""
        wanted = identity.strip().casefold()
        return bool(wanted) and any(b.casefold() == wanted for b in self.bot_identities)

    def pwg_by_slug(self, slug: str) -> Pwg | None:
        return next((p for p in self.pwgs if p.slug == slug), None)

    def pwg_slug(self, value: str) -> str | None:
        """The slug for a slug or a form display name (case-insensitive), or None."""
        wanted = value.strip().casefold()
        for pwg in self.pwgs:
            if wanted in (pwg.slug.casefold(), pwg.name.casefold()):
                return pwg.slug
        return None


class Role(StrEnum):
    PRODUCTION_MANAGER = "production_manager"
    PWG_MEMBER = "pwg_member"
    PWG_CONVENER = "pwg_convener"  # of one PWG: a member who also sets its requests' priority
    ADMIN = "admin"


@dataclass(frozen=True)
class RoleGrant:
    role: Role
    logins: tuple[str, ...] = ()
    teams: tuple[str, ...] = ()  # "org/team-slug"
    pwg: str | None = None  # for pwg_member and pwg_convener

    def to_dict(self) -> JsonDict:
        out: JsonDict = {"role": self.role.value}
        if self.pwg is not None:
            out["pwg"] = self.pwg
        out["logins"] = list(self.logins)
        out["teams"] = list(self.teams)
        return out

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> RoleGrant:
        return cls(
            role=Role(data["role"]),
            logins=tuple(str(x) for x in data.get("logins") or ()),
            teams=tuple(str(x) for x in data.get("teams") or ()),
            pwg=_opt_str(data.get("pwg")),
        )


@dataclass(frozen=True)
class Roles:
    grants: tuple[RoleGrant, ...] = ()

    def to_dict(self) -> JsonDict:
        return {"grants": [g.to_dict() for g in self.grants]}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Roles:
        return cls(grants=tuple(RoleGrant.from_dict(g) for g in data.get("grants") or ()))
