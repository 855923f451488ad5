"""What an intake asks for (datasets and tasks), and the checks of a source location.

Plain data and pure checks, shared by every surface and by the request pipeline's form reading.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field, fields

from pcs_gitops.domain.model import CATALOG_FIELD_IDS, SourceKind
from pcs_gitops.errors import UsageError

_SHELL_META = re.compile(r"[;|&$`<>(){}*?!'\"\\\s]")
_CONTROL = re.compile(r"[\x00-\x1f\x7f\u200e\u200f\u202a-\u202e\u2066-\u2069]")
_DID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._\-]*:[^\s]+$")


def guess_source_kind(location: str) -> SourceKind:
    text = location.strip()
    if text.startswith(("http://", "https://")):
        return SourceKind.URL
    if "," in text or "\n" in text:
        return SourceKind.FILE_LIST
    if not text.startswith("/") and _DID.match(text):
        return SourceKind.RUCIO_DID
    if text.lower().endswith(".csv"):
        return SourceKind.CSV_MANIFEST
    return SourceKind.PATH


def _check_path(path: str, what: str) -> None:
    if not path.startswith("/"):
        raise UsageError(f"{what} '{path}' must be an absolute path starting with '/'")
    if any(part == ".." for part in path.split("/")):
        raise UsageError(f"{what} '{path}' may not contain '..'")
    bad = _SHELL_META.search(path)
    if bad:
        raise UsageError(
            f"{what} '{path}' contains {bad.group(0)!r}; paths may not hold spaces or shell "
            "characters"
        )


def validate_location(kind: SourceKind, location: str) -> str:
    """The location, checked for its kind; raises UsageError explaining what is wrong."""
    if not location or not location.strip():
        raise UsageError("source location is required (--source-location)")
    if _CONTROL.search(location.replace("\n", "") if kind is SourceKind.FILE_LIST else location):
        raise UsageError("source location contains control or bidirectional characters")
    text = location.strip()
    if kind is SourceKind.URL:
        if not re.match(r"^https?://[A-Za-z0-9.\-]+(:\d+)?(/[^\s]*)?$", text):
            raise UsageError(f"source location '{text}' is not an http(s) URL")
    elif kind is SourceKind.RUCIO_DID:
        if not _DID.match(text):
            raise UsageError(f"source location '{text}' is not a Rucio DID of the form scope:name")
    elif kind is SourceKind.CSV_MANIFEST:
        _check_path(text, "CSV manifest path")
        if not text.lower().endswith(".csv"):
            raise UsageError(f"CSV manifest path '{text}' must end in .csv")
    elif kind is SourceKind.FILE_LIST:
        entries = [e.strip() for e in re.split(r"[,\n]", text) if e.strip()]
        if not entries:
            raise UsageError("file list is empty")
        for entry in entries:
            _check_path(entry, "file list entry")
        text = ",".join(entries)
    elif kind is SourceKind.PATH:
        _check_path(text, "dataset path")
    else:
        raise UsageError("source kind 'internal' is for produced datasets, not intake")
    return text


@dataclass
class DatasetIntake:
    """The arguments of a dataset intake."""

    source_location: str
    source_kind: str | None = None
    physics_tag: str | None = None
    evgen_tag: str | None = None
    simu_tag: str | None = None
    reco_tag: str | None = None
    background_tag: str | None = None
    detector_version: str | None = None
    detector_config: str | None = None
    scope: str | None = None
    stage: str = "evgen"
    sample: str | None = None
    description: str = ""
    release_url: str | None = None
    generator_text: str | None = None  # the request's generator when it gives no release URL

    @classmethod
    def from_arguments(cls, args: Mapping[str, object]) -> DatasetIntake:
        """An intake from a surface's flat arguments (anything not a field is ignored)."""
        known = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in args.items() if k in known})  # type: ignore[arg-type]


@dataclass
class TaskIntake:
    public_catalog_issue: int | str | None = None
    public_catalog_csv_path: str | None = None
    public_catalog_row_key: str | None = None
    public_catalog_repo: str | None = None
    public_catalog_pr: int | str | None = None
    public_catalog_row_index: int | str | None = None
    public_catalog_page_url: str | None = None
    public_catalog_commit_sha: str | None = None
    name: str | None = None
    dataset: str | None = None
    prod_config: str | None = None
    description: str | None = None
    input_dataset_did: str | None = None
    sample_variant: str | None = None  # tells the output apart from another request's
    catalog: dict[str, str] = field(default_factory=dict)

    @classmethod
    def from_arguments(cls, args: Mapping[str, object]) -> TaskIntake:
        """An intake from a surface's flat arguments: the intake fields by name, the catalogue
        columns by their ids (``row_description`` is the Description column), numbers taken as
        the text the CLI would give; anything else is ignored."""
        catalog = {"description" if k == "row_description" else k: v for k, v in args.items()}
        values = {k: str(catalog[k]) for k in CATALOG_FIELD_IDS if catalog.get(k) is not None}
        known = {f.name for f in fields(cls)} - {"catalog"}
        given = {k: None if v is None else str(v) for k, v in args.items() if k in known}
        return cls(catalog=values, **given)
