"""Campaigns: one production pass of the catalogue with one software release.

A campaign is named by its **family** (``26.07``, two numbers); the patch release (``26.07.1``)
stays in its ``detector_version`` and in the composed names of what it produces. It carries
what its tasks share: the software release (the ``jug_xl`` container tag), the detector
version and configuration, the default production config and defaults of the production
config's settings. An open campaign takes new tasks (clones); a closed one takes none.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from pcs_gitops.domain.model import PROD_CONFIG_FIELDS, HistoryEntry

_FAMILY = re.compile(r"^\d{2}\.\d{2}\Z")
_VERSION = re.compile(r"^(\d{2}\.\d{2})\.\d+\Z")


class CampaignStatus(StrEnum):
    OPEN = "open"
    CLOSED = "closed"


@dataclass(frozen=True)
class Campaign:
    name: str  # the family, e.g. "26.07"
    detector_version: str  # the patch release, e.g. "26.07.1"
    detector_config: str
    software_release: str  # the jug_xl container tag, e.g. "26.07.1-stable"
    status: CampaignStatus = CampaignStatus.OPEN
    description: str = ""
    prod_config: str = ""  # the production config of its new tasks; "" keeps the source's
    settings: Mapping[str, Any] = field(default_factory=dict)  # production config defaults
    created_by: str = ""
    created_at: str = ""
    history: tuple[HistoryEntry, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "status": self.status.value,
            "description": self.description,
            "software_release": self.software_release,
            "detector_version": self.detector_version,
            "detector_config": self.detector_config,
            "prod_config": self.prod_config,
            "settings": {k: self.settings[k] for k in PROD_CONFIG_FIELDS if k in self.settings},
            "created_by": self.created_by,
            "created_at": self.created_at,
            "history": [h.to_dict() for h in self.history],
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Campaign:
        return cls(
            name=str(data["name"]),
            status=CampaignStatus(data.get("status", "open")),
            description=str(data.get("description") or ""),
            software_release=str(data.get("software_release") or ""),
            detector_version=str(data["detector_version"]),
            detector_config=str(data["detector_config"]),
            prod_config=str(data.get("prod_config") or ""),
            settings=dict(data.get("settings") or {}),
            created_by=str(data.get("created_by") or ""),
            created_at=str(data.get("created_at") or ""),
            history=tuple(HistoryEntry.from_dict(h) for h in data.get("history") or ()),
        )

    @property
    def is_open(self) -> bool:
        return self.status is CampaignStatus.OPEN

    def task_overrides(self) -> dict[str, Any]:
        """What a task placed in this campaign overrides in its production config: the
        campaign's release, detector version and configuration, then its settings defaults."""
        out: dict[str, Any] = {
            "detector_version": self.detector_version,
            "detector_config": self.detector_config,
        }
        if self.software_release:
            out["jug_xl_tag"] = self.software_release
        out.update(self.settings)
        return out


def family_of(version: str) -> str | None:
    """The campaign family of a release: ``26.07`` for ``26.07.1`` (and for ``26.07``)."""
    text = version.strip()
    if _FAMILY.match(text):
        return text
    match = _VERSION.match(text)
    return match.group(1) if match else None


def name_problems(campaign: Campaign) -> list[tuple[str, str]]:
    """(field, message) for a name or release that does not follow the family convention."""
    problems: list[tuple[str, str]] = []
    if not _FAMILY.match(campaign.name):
        problems.append(
            ("name", f"campaign name '{campaign.name}' must be a family like 26.07 (two numbers)")
        )
    if not _VERSION.match(campaign.detector_version):
        problems.append(
            (
                "detector_version",
                f"detector_version '{campaign.detector_version}' must be a release like 26.07.1",
            )
        )
    elif family_of(campaign.detector_version) != campaign.name:
        problems.append(
            (
                "detector_version",
                f"detector_version '{campaign.detector_version}' is not of campaign family "
                f"'{campaign.name}'",
            )
        )
    if not campaign.detector_config or "." in campaign.detector_config:
        problems.append(
            (
                "detector_config",
                "detector_config must be one name without dots, e.g. epic_craterlake",
            )
        )
    unknown = sorted(set(campaign.settings) - set(PROD_CONFIG_FIELDS))
    problems += [(f"settings.{k}", f"'{k}' is not a production config field") for k in unknown]
    return problems


_TRUE = ("true", "yes", "on", "1")
_FALSE = ("false", "no", "off", "0")


def parse_setting(text: str) -> tuple[str, Any]:
    """``KEY=VALUE`` as a production config setting of the field's type."""
    key, sep, raw = text.partition("=")
    key, raw = key.strip(), raw.strip()
    kind = PROD_CONFIG_FIELDS.get(key)
    if not sep or kind is None:
        raise ValueError(
            f"'{text}' is not KEY=VALUE of a production config field "
            f"({', '.join(PROD_CONFIG_FIELDS)})"
        )
    if kind is bool:
        if raw.lower() not in (*_TRUE, *_FALSE):
            raise ValueError(f"setting '{key}' takes true or false, not '{raw}'")
        return key, raw.lower() in _TRUE
    try:
        return key, kind(raw)
    except ValueError:
        raise ValueError(f"setting '{key}' takes a {kind.__name__}, not '{raw}'") from None
