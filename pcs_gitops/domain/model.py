"""Records as typed dataclasses, with lossless conversion to and from plain mappings.

A record's mapping form is what the YAML store writes: keys appear in the order the
``to_dict`` methods produce them, so files are deterministic and diffs small.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from enum import StrEnum
from typing import Any

from pcs_gitops.domain.approval_record import Approval
from pcs_gitops.domain.metadata import DatasetMetadata
from pcs_gitops.domain.panda_progress import PandaProgress as PandaProgress
from pcs_gitops.domain.withdrawal import Withdrawal

JsonDict = dict[str, Any]


class TagKind(StrEnum):
    PHYSICS = "physics"
    EVGEN = "evgen"
    SIMU = "simu"
    RECO = "reco"
    BACKGROUND = "background"

    @property
    def prefix(self) -> str:
        return TAG_PREFIXES[self]


TAG_PREFIXES: dict[TagKind, str] = {
    TagKind.PHYSICS: "p",
    TagKind.EVGEN: "e",
    TagKind.SIMU: "s",
    TagKind.RECO: "r",
    TagKind.BACKGROUND: "k",
}
TAG_LABEL_RE = re.compile(r"^([pesrk])(0|[1-9][0-9]*)$")

REQUIRED_TAG_PARAMETERS: dict[TagKind, tuple[str, ...]] = {
    TagKind.PHYSICS: ("process", "beam_energy_electron", "beam_energy_hadron"),
    TagKind.EVGEN: ("generator", "generator_version"),
    TagKind.SIMU: ("detector_sim", "sim_version"),
    TagKind.RECO: ("reco_version", "reco_config"),
    TagKind.BACKGROUND: ("background_type",),
}


class TagStatus(StrEnum):
    DRAFT = "draft"
    LOCKED = "locked"


class TaskStatus(StrEnum):
    DRAFT = "draft"
    READY = "ready"
    SUBMITTED = "submitted"
    COMPLETED = "completed"
    FAILED = "failed"


class Stage(StrEnum):
    EVGEN = "evgen"
    SIMU = "simu"
    RECO = "reco"
    FULL = "full"
    LOG = "log"


class SourceKind(StrEnum):
    CSV_MANIFEST = "csv_manifest"
    PATH = "path"
    URL = "url"
    RUCIO_DID = "rucio_did"
    FILE_LIST = "file_list"
    INTERNAL = "internal"


EXTERNAL_SOURCE_KINDS = frozenset(k for k in SourceKind if k is not SourceKind.INTERNAL)


def _opt_str(value: Any) -> str | None:
    return None if value is None else str(value)


def _opt_int(value: Any) -> int | None:
    return None if value is None else int(value)


@dataclass(frozen=True)
class HistoryEntry:
    """One append-only event in a record's life: who did what, when, from which surface."""

    at: str
    by: str
    surface: str
    action: str
    detail: JsonDict = field(default_factory=dict)

    def to_dict(self) -> JsonDict:
        out: JsonDict = {"at": self.at, "by": self.by, "surface": self.surface}
        out["action"] = self.action
        if self.detail:
            out["detail"] = dict(self.detail)
        return out

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> HistoryEntry:
        return cls(
            at=str(data["at"]),
            by=str(data["by"]),
            surface=str(data["surface"]),
            action=str(data["action"]),
            detail=dict(data.get("detail") or {}),
        )


@dataclass(frozen=True)
class Tag:
    kind: TagKind
    label: str
    status: TagStatus = TagStatus.DRAFT
    description: str = ""
    parameters: Mapping[str, str] = field(default_factory=dict)
    category: int | None = None  # physics tags only
    created_by: str = ""
    created_at: str = ""
    pwg: str | None = None  # the PWG that authored it (its members may edit it while draft)

    @property
    def number(self) -> int:
        return int(self.label[1:])

    def missing_parameters(self) -> list[str]:
        return [p for p in REQUIRED_TAG_PARAMETERS[self.kind] if not self.parameters.get(p)]

    def to_dict(self) -> JsonDict:
        out: JsonDict = {"label": self.label, "kind": self.kind.value, "status": self.status.value}
        if self.kind is TagKind.PHYSICS:
            out["category"] = self.category
        out["description"] = self.description
        out["parameters"] = dict(self.parameters)
        if self.pwg is not None:
            out["pwg"] = self.pwg
        out["created_by"] = self.created_by
        out["created_at"] = self.created_at
        return out

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Tag:
        return cls(
            kind=TagKind(data["kind"]),
            label=str(data["label"]),
            status=TagStatus(data.get("status", "draft")),
            description=str(data.get("description") or ""),
            parameters={str(k): str(v) for k, v in (data.get("parameters") or {}).items()},
            category=_opt_int(data.get("category")),
            created_by=str(data.get("created_by") or ""),
            created_at=str(data.get("created_at") or ""),
            pwg=_opt_str(data.get("pwg")),
        )


@dataclass(frozen=True)
class Source:
    kind: SourceKind
    location: str

    def to_dict(self) -> JsonDict:
        return {"kind": self.kind.value, "location": self.location}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Source:
        return cls(kind=SourceKind(data["kind"]), location=str(data["location"]))


@dataclass(frozen=True)
class DatasetTags:
    physics: str
    evgen: str
    simu: str
    reco: str
    background: str | None = None

    def to_dict(self) -> JsonDict:
        return {
            "physics": self.physics,
            "evgen": self.evgen,
            "simu": self.simu,
            "reco": self.reco,
            "background": self.background,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> DatasetTags:
        return cls(
            physics=str(data["physics"]),
            evgen=str(data["evgen"]),
            simu=str(data["simu"]),
            reco=str(data["reco"]),
            background=_opt_str(data.get("background")),
        )

    def labels(self) -> dict[TagKind, str]:
        out = {
            TagKind.PHYSICS: self.physics,
            TagKind.EVGEN: self.evgen,
            TagKind.SIMU: self.simu,
            TagKind.RECO: self.reco,
        }
        if self.background:
            out[TagKind.BACKGROUND] = self.background
        return out


@dataclass(frozen=True)
class Dataset:
    name: str
    scope: str
    detector_version: str
    detector_config: str
    tags: DatasetTags
    stage: Stage
    source: Source
    sample: str = ""
    block: int = 1
    did: str = ""
    description: str = ""
    created_by: str = ""
    created_at: str = ""
    history: tuple[HistoryEntry, ...] = ()
    metadata: DatasetMetadata = field(default_factory=DatasetMetadata)
    files: int | None = None  # input files (manifest lines), when counted

    def to_dict(self) -> JsonDict:
        # records written before metadata tracking or file counting have neither key
        # (and stay byte-identical)
        metadata = {"metadata": self.metadata.to_dict()} if self.metadata else {}
        files = {"files": self.files} if self.files is not None else {}
        return {
            "name": self.name,
            "did": self.did,
            "scope": self.scope,
            "detector_version": self.detector_version,
            "detector_config": self.detector_config,
            "tags": self.tags.to_dict(),
            "sample": self.sample,
            "block": self.block,
            "stage": self.stage.value,
            "source": self.source.to_dict(),
            **metadata,
            **files,
            "description": self.description,
            "created_by": self.created_by,
            "created_at": self.created_at,
            "history": [h.to_dict() for h in self.history],
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Dataset:
        return cls(
            name=str(data["name"]),
            did=str(data.get("did") or ""),
            scope=str(data["scope"]),
            detector_version=str(data["detector_version"]),
            detector_config=str(data["detector_config"]),
            tags=DatasetTags.from_dict(data["tags"]),
            sample=str(data.get("sample") or ""),
            block=int(data.get("block", 1)),
            stage=Stage(data["stage"]),
            source=Source.from_dict(data["source"]),
            description=str(data.get("description") or ""),
            created_by=str(data.get("created_by") or ""),
            created_at=str(data.get("created_at") or ""),
            history=tuple(HistoryEntry.from_dict(h) for h in data.get("history") or ()),
            metadata=DatasetMetadata.from_dict(data.get("metadata")),
            files=_opt_int(data.get("files")),
        )

    @property
    def is_external(self) -> bool:
        return self.source.kind in EXTERNAL_SOURCE_KINDS


# Execution template fields with their types; the single list that overrides are checked against.
PROD_CONFIG_FIELDS: dict[str, type] = {
    "workflow_mode": str,
    "detector_version": str,
    "detector_config": str,
    "jug_xl_tag": str,
    "container_image": str,
    "transformation": str,
    "exec_command": str,
    "events_per_job": int,
    "files_per_job": int,
    "n_jobs": int,
    "events_per_task": int,
    "cores": int,
    "memory_mb": int,
    "walltime_hours": float,
    "site": str,
    "queue": str,
    "cloud": str,
    "working_group": str,
    "resource_type": str,
    "vo": str,
    "prod_source_label": str,
    "task_type": str,
    "processing_type": str,
    "task_priority": int,
    "skip_scout": bool,
    "output_offset": int,
    "copy_reco": bool,
    "copy_full": bool,
    "copy_log": bool,
    "use_rucio": bool,
    "rucio_rse": str,
    "log_rse": str,
    "output_scope": str,
    "bg_mixing": bool,
    "bg_cross_section": str,
    "bg_evtgen_file": str,
}


@dataclass(frozen=True)
class ProdConfig:
    name: str
    description: str = ""
    settings: Mapping[str, Any] = field(default_factory=dict)
    created_by: str = ""
    created_at: str = ""

    def to_dict(self) -> JsonDict:
        return {
            "name": self.name,
            "description": self.description,
            "settings": {k: self.settings[k] for k in PROD_CONFIG_FIELDS if k in self.settings},
            "created_by": self.created_by,
            "created_at": self.created_at,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> ProdConfig:
        return cls(
            name=str(data["name"]),
            description=str(data.get("description") or ""),
            settings=dict(data.get("settings") or {}),
            created_by=str(data.get("created_by") or ""),
            created_at=str(data.get("created_at") or ""),
        )


# Catalogue columns of a request, keyed by stable field ids; the column titles live in the
# catalogue settings so a header rename never moves data.
CATALOG_FIELD_IDS: tuple[str, ...] = (
    "pwg",
    "priority",
    "dataset_path",
    "generator_version",
    "events",
    "background",
    "new_request",
    "pre_tdr_use",
    "early_science_use",
    "other_use",
    "description",
    "issue",
)

PUBLIC_CATALOG_KEYS: tuple[str, ...] = (
    "repo",
    "issue",
    "pr",
    "row_index",
    "csv_path",
    "row_key",
    "page_url",
    "commit_sha",
)


@dataclass(frozen=True)
class PublicCatalog:
    """Where the task appears in the public catalogue (the eight ``public_catalog_*`` keys)."""

    repo: str | None = None
    issue: int | None = None
    pr: int | None = None
    row_index: int | None = None
    csv_path: str | None = None
    row_key: str | None = None
    page_url: str | None = None
    commit_sha: str | None = None

    def to_dict(self) -> JsonDict:
        return {key: getattr(self, key) for key in PUBLIC_CATALOG_KEYS}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> PublicCatalog:
        return cls(
            repo=_opt_str(data.get("repo")),
            issue=_opt_int(data.get("issue")),
            pr=_opt_int(data.get("pr")),
            row_index=_opt_int(data.get("row_index")),
            csv_path=_opt_str(data.get("csv_path")),
            row_key=_opt_str(data.get("row_key")),
            page_url=_opt_str(data.get("page_url")),
            commit_sha=_opt_str(data.get("commit_sha")),
        )

    def intake_key(self) -> tuple[str, ...] | None:
        if self.issue is not None:
            return ("issue", str(self.issue))
        if self.csv_path and self.row_key:
            return ("row", self.csv_path, self.row_key)
        return None


class AttemptKind(StrEnum):
    SUBMISSION = "submission"  # a new PanDA task (insertTaskParams)
    RETRY = "retry"  # the same PanDA task run again (retryTask): same jediTaskID and taskName


@dataclass(frozen=True)
class Attempt:
    """One physical PanDA/JEDI submission of a task, or a PanDA retry of the previous one."""

    try_number: int
    jedi_task_id: int
    task_name: str
    submitted_by: str
    submitted_at: str
    kind: AttemptKind = AttemptKind.SUBMISSION
    payload_sha256: str = ""  # of the taskParamMap sent; empty when recorded by hand

    def to_dict(self) -> JsonDict:
        out: JsonDict = {
            "try_number": self.try_number,
            "jedi_task_id": self.jedi_task_id,
            "task_name": self.task_name,
            "submitted_by": self.submitted_by,
            "submitted_at": self.submitted_at,
        }
        if self.kind is not AttemptKind.SUBMISSION:
            out["kind"] = self.kind.value
        if self.payload_sha256:
            out["payload_sha256"] = self.payload_sha256
        return out

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Attempt:
        return cls(
            try_number=int(data["try_number"]),
            jedi_task_id=int(data["jedi_task_id"]),
            task_name=str(data["task_name"]),
            submitted_by=str(data.get("submitted_by") or ""),
            submitted_at=str(data.get("submitted_at") or ""),
            kind=AttemptKind(data.get("kind") or AttemptKind.SUBMISSION),
            payload_sha256=str(data.get("payload_sha256") or ""),
        )


@dataclass(frozen=True)
class ProdTask:
    name: str
    prod_config: str
    status: TaskStatus = TaskStatus.DRAFT
    description: str = ""
    input_datasets: tuple[str, ...] = ()
    output_datasets: tuple[str, ...] = ()
    intermediate_datasets: tuple[str, ...] = ()
    overrides: Mapping[str, Any] = field(default_factory=dict)
    catalog: Mapping[str, str] = field(default_factory=dict)
    public_catalog: PublicCatalog = field(default_factory=PublicCatalog)
    unmapped: Mapping[str, str] = field(default_factory=dict)
    panda_task_id: int | None = None
    attempts: tuple[Attempt, ...] = ()
    panda: PandaProgress | None = None
    created_by: str = ""
    created_at: str = ""
    history: tuple[HistoryEntry, ...] = ()
    requested_by: str = ""  # the physicist, when a bot filed the request for them
    campaign: str | None = None  # the campaign (family, e.g. 26.07) the task produces for
    cloned_from: str | None = None  # the task this one was cloned from
    withdrawn: Withdrawal | None = None
    approval: Approval | None = None  # set by approving; ready means approved
    sample_variant: str = ""  # what tells this request's output apart from another's

    def to_dict(self) -> JsonDict:
        out: JsonDict = {
            "name": self.name,
            "status": self.status.value,
            "description": self.description,
            "prod_config": self.prod_config,
            "input_datasets": list(self.input_datasets),
            "output_datasets": list(self.output_datasets),
            "intermediate_datasets": list(self.intermediate_datasets),
        }
        if self.sample_variant:
            out["sample_variant"] = self.sample_variant
        out |= {
            "overrides": dict(self.overrides),
            "catalog": {k: self.catalog[k] for k in CATALOG_FIELD_IDS if k in self.catalog},
            "public_catalog": self.public_catalog.to_dict(),
        }
        if self.campaign is not None:
            out["campaign"] = self.campaign
        if self.cloned_from:
            out["cloned_from"] = self.cloned_from
        if self.withdrawn is not None:
            out["withdrawn"] = self.withdrawn.to_dict()
        if self.unmapped:
            out["unmapped"] = dict(self.unmapped)
        out["panda_task_id"] = self.panda_task_id
        out["attempts"] = [a.to_dict() for a in self.attempts]
        if self.panda is not None:
            out["panda"] = self.panda.to_dict()
        if self.approval is not None:
            out["approval"] = self.approval.to_dict()
        out["created_by"] = self.created_by
        if self.requested_by:
            out["requested_by"] = self.requested_by
        out["created_at"] = self.created_at
        out["history"] = [h.to_dict() for h in self.history]
        return out

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> ProdTask:
        return cls(
            name=str(data["name"]),
            status=TaskStatus(data.get("status", "draft")),
            description=str(data.get("description") or ""),
            prod_config=str(data["prod_config"]),
            input_datasets=tuple(str(d) for d in data.get("input_datasets") or ()),
            output_datasets=tuple(str(d) for d in data.get("output_datasets") or ()),
            intermediate_datasets=tuple(str(d) for d in data.get("intermediate_datasets") or ()),
            overrides=dict(data.get("overrides") or {}),
            catalog={str(k): str(v) for k, v in (data.get("catalog") or {}).items()},
            public_catalog=PublicCatalog.from_dict(data.get("public_catalog") or {}),
            unmapped={str(k): str(v) for k, v in (data.get("unmapped") or {}).items()},
            panda_task_id=_opt_int(data.get("panda_task_id")),
            attempts=tuple(Attempt.from_dict(a) for a in data.get("attempts") or ()),
            panda=PandaProgress.from_dict(data["panda"]) if data.get("panda") else None,
            created_by=str(data.get("created_by") or ""),
            created_at=str(data.get("created_at") or ""),
            history=tuple(HistoryEntry.from_dict(h) for h in data.get("history") or ()),
            requested_by=str(data.get("requested_by") or ""),
            campaign=_opt_str(data.get("campaign")),
            cloned_from=_opt_str(data.get("cloned_from")),
            withdrawn=Withdrawal.from_dict(data["withdrawn"]) if data.get("withdrawn") else None,
            approval=Approval.from_dict(data["approval"]) if data.get("approval") else None,
            sample_variant=str(data.get("sample_variant") or ""),
        )

    def with_history(self, entry: HistoryEntry) -> ProdTask:
        return replace(self, history=(*self.history, entry))

    def submission_attempt(self) -> Attempt | None:
        """The attempt that created the current PanDA task (a retry reuses its name and
        payload), or None without a PanDA task."""
        if self.panda_task_id is None:
            return None
        created = [
            a
            for a in self.attempts
            if a.jedi_task_id == self.panda_task_id and a.kind is AttemptKind.SUBMISSION
        ]
        return created[-1] if created else (self.attempts[-1] if self.attempts else None)
