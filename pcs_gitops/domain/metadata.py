"""Inferred and confirmed metadata of a dataset: each value with where it came from, how sure the
inference is, the alternatives worth offering, and (once a person vouched for it) who confirmed
it and when.

A dataset's tag mapping (physics, evgen, background tag) decides what is produced, so a task may
not become ready while any of it is only inferred. A value that nothing revealed is ``unknown``:
its tag is a placeholder label (``p0``, ``e0``), never a real tag chosen by default, and it
cannot be confirmed, only corrected.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from enum import StrEnum
from typing import Any


class Provenance(StrEnum):
    """Where a value came from."""

    PATH = "path"  # the dataset path (or DID) read by the EVGEN-tree convention
    MANIFEST = "manifest"  # the file name of the CSV manifest (its content is not read)
    RELEASE_URL = "release_url"  # the generator/dataset release tag or its repository
    REQUEST = "request"  # stated by a person: an explicit tag, the form's generator text
    REFERENCE = "reference"  # bound by the reference PCS (pcs import pcs-export)
    DEFAULT = "default"  # a convention, not a reading (particle gun beams are N/A)


class Confidence(StrEnum):
    CERTAIN = "certain"  # stated by a person, or two independent sources agree
    LIKELY = "likely"  # read from one source by a known convention
    GUESS = "guess"  # a weak signal or an incomplete reading (a generator without a version)
    UNKNOWN = "unknown"  # nothing revealed it

    @property
    def rank(self) -> int:
        return _RANKS[self]


_RANKS = {Confidence.UNKNOWN: 0, Confidence.GUESS: 1, Confidence.LIKELY: 2, Confidence.CERTAIN: 3}


def weakest(confidences: Iterable[Confidence]) -> Confidence:
    """The least sure of ``confidences`` (certain when there are none)."""
    return min(confidences, key=lambda c: c.rank, default=Confidence.CERTAIN)


# The order of the fields in a record; the tag mapping gates readiness.
TAG_MAPPING_FIELDS: tuple[str, ...] = ("physics_tag", "evgen_tag", "background_tag")
DESCRIPTIVE_FIELDS: tuple[str, ...] = (
    "beams",
    "species",
    "q2_range",
    "generator",
    "generator_version",
)
METADATA_FIELDS: tuple[str, ...] = (*TAG_MAPPING_FIELDS, *DESCRIPTIVE_FIELDS)
FIELD_TITLES: dict[str, str] = {
    "physics_tag": "physics tag",
    "evgen_tag": "evgen tag",
    "background_tag": "background tag",
    "beams": "beams",
    "species": "species",
    "q2_range": "Q² range",
    "generator": "generator",
    "generator_version": "generator version",
}

PROVENANCE_WORDS: dict[Provenance, str] = {
    Provenance.PATH: "the path",
    Provenance.MANIFEST: "the manifest name",
    Provenance.RELEASE_URL: "the release tag",
    Provenance.REQUEST: "the request",
    Provenance.REFERENCE: "the reference PCS",
    Provenance.DEFAULT: "a convention",
}

# Placeholder tags: what a dataset carries where nothing revealed its tag. They hold no
# parameters and no physics; readiness refuses them until the mapping is corrected.
PLACEHOLDER_LABELS: dict[str, str] = {"physics_tag": "p0", "evgen_tag": "e0"}


def tag_fields(tags: Mapping[str, str | None]) -> dict[str, str | None]:
    """A dataset's tag labels (``DatasetTags.to_dict()``) by metadata field (``physics_tag``)."""
    return {f"{kind}_tag": label for kind, label in tags.items()}


def is_placeholder(label: str | None) -> bool:
    return label in PLACEHOLDER_LABELS.values()


@dataclass(frozen=True, slots=True)  # one per value of every dataset: keep them small
class MetadataValue:
    """One inferred (or confirmed) value."""

    value: str
    provenance: Provenance
    confidence: Confidence
    candidates: tuple[str, ...] = ()
    confirmed_by: str = ""
    confirmed_at: str = ""

    @property
    def confirmed(self) -> bool:
        return bool(self.confirmed_by)

    @property
    def unknown(self) -> bool:
        return self.confidence is Confidence.UNKNOWN or not self.value

    def confirm(self, by: str, at: str) -> MetadataValue:
        return replace(self, confirmed_by=by, confirmed_at=at)

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "value": self.value,
            "provenance": self.provenance.value,
            "confidence": self.confidence.value,
        }
        if self.candidates:  # omitted when empty: 20,000 datasets carry eight values each
            out["candidates"] = list(self.candidates)
        if self.confirmed:
            out["confirmed_by"] = self.confirmed_by
            out["confirmed_at"] = self.confirmed_at
        return out

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> MetadataValue:
        return cls(
            value=str(data.get("value") or ""),
            provenance=Provenance(data["provenance"]),
            confidence=Confidence(data["confidence"]),
            candidates=tuple(str(c) for c in data.get("candidates") or ()),
            confirmed_by=str(data.get("confirmed_by") or ""),
            confirmed_at=str(data.get("confirmed_at") or ""),
        )


@dataclass(frozen=True, slots=True)
class DatasetMetadata:
    """The inferred/confirmed values of one dataset, keyed by field (``METADATA_FIELDS``)."""

    values: Mapping[str, MetadataValue] = field(default_factory=dict)

    def __bool__(self) -> bool:
        return bool(self.values)

    def get(self, name: str) -> MetadataValue | None:
        return self.values.get(name)

    def unconfirmed(self, names: Iterable[str] = METADATA_FIELDS) -> list[str]:
        """The fields among ``names`` that hold a value nobody has confirmed yet."""
        return [n for n in names if (v := self.values.get(n)) is not None and not v.confirmed]

    def tags_to_confirm(self, labels: Mapping[str, str | None]) -> list[str]:
        """The tag-mapping fields that block readiness: inferred, unknown, or bound to another
        label since they were confirmed (``labels``: the dataset's tags by field now; a request
        carried onto a newer default branch may get new labels for the same parameters)."""
        return [
            name
            for name in TAG_MAPPING_FIELDS
            if (value := self.values.get(name)) is not None
            and (not value.confirmed or value.value != (labels.get(name) or ""))
        ]

    def with_value(self, name: str, value: MetadataValue) -> DatasetMetadata:
        return DatasetMetadata({**self.values, name: value})

    def to_dict(self) -> dict[str, Any]:
        return {n: self.values[n].to_dict() for n in METADATA_FIELDS if n in self.values}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any] | None) -> DatasetMetadata:
        values = {str(k): MetadataValue.from_dict(v) for k, v in (data or {}).items()}
        return cls({n: values[n] for n in METADATA_FIELDS if n in values})
