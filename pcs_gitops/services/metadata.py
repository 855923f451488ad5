"""The tag mapping of a new dataset and its inferred metadata: which tags the inference points
to (found or created), where each value came from, how sure it is, and the neighbouring tags
worth offering instead.

Nothing is bound by default: a physics or evgen tag that nothing revealed is the placeholder
(``p0``, ``e0``), recorded as ``unknown``; readiness then asks for a correction.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace

from pcs_gitops.domain.inference import Inference
from pcs_gitops.domain.intake import DatasetIntake
from pcs_gitops.domain.metadata import (
    PLACEHOLDER_LABELS,
    Confidence,
    DatasetMetadata,
    MetadataValue,
    Provenance,
    is_placeholder,
)
from pcs_gitops.domain.model import Dataset, Tag, TagKind, TagStatus
from pcs_gitops.domain.state import State
from pcs_gitops.services.ports import Actor
from pcs_gitops.services.tags import MATCH_KEYS, find_or_create_tag, get_tag, tag_memo

MAX_CANDIDATES = 5
# The physics slot of a standalone background dataset (a reading of the path, not a default).
NO_SIGNAL = "p6001"
FIELD_OF_KIND = {
    TagKind.PHYSICS: "physics_tag",
    TagKind.EVGEN: "evgen_tag",
    TagKind.BACKGROUND: "background_tag",
}
# The parameter two tags of a kind must share to be neighbours.
ANCHOR_KEY = {
    TagKind.PHYSICS: "process",
    TagKind.EVGEN: "generator",
    TagKind.BACKGROUND: "background_type",
}
# How many axes a neighbour may differ on; any version of the same generator is a candidate.
NEAREST = {TagKind.PHYSICS: 2, TagKind.EVGEN: 9, TagKind.BACKGROUND: 2}
_BEAM_KEYS = ("beam_energy_electron", "beam_energy_hadron")
_PLACEHOLDER_DESCRIPTIONS = {
    "physics_tag": "placeholder: the physics of this dataset is unknown; correct the mapping",
    "evgen_tag": "placeholder: the generator of this dataset is unknown; correct the mapping",
}


def placeholder(state: State, field_name: str, now: str) -> str:
    """The placeholder label of ``field_name`` (``p0``/``e0``), its tag created when missing."""
    label = PLACEHOLDER_LABELS[field_name]
    if label not in state.tags:
        kind = TagKind.PHYSICS if field_name == "physics_tag" else TagKind.EVGEN
        state.put_tag(
            Tag(
                kind=kind,
                label=label,
                status=TagStatus.DRAFT,  # never locked: a locked tag holds its parameters
                description=_PLACEHOLDER_DESCRIPTIONS[field_name],
                category=0 if kind is TagKind.PHYSICS else None,
                created_by="pcs",
                created_at=now,
            )
        )
    return label


# --------------------------------------------------------------------------- candidates


def _axes(kind: TagKind, params: Mapping[str, str]) -> dict[str, str]:
    """The identifying parameters, with the two beam energies as one axis."""
    keys = MATCH_KEYS[kind]
    items = {k: v for k, v in params.items() if v and (keys is None or k in keys)}
    if any(k in items for k in _BEAM_KEYS):
        items["beams"] = "x".join(items.pop(k, "?") for k in _BEAM_KEYS)
    return items


def _distance(kind: TagKind, wanted: Mapping[str, str], tag: Tag) -> int | None:
    """How many axes ``tag`` differs on from ``wanted``; None when it is no neighbour."""
    anchor = ANCHOR_KEY[kind]
    if not wanted.get(anchor) or tag.parameters.get(anchor) != wanted.get(anchor):
        return None
    mine, theirs = _axes(kind, wanted), _axes(kind, tag.parameters)
    return sum(1 for k in mine.keys() | theirs.keys() if mine.get(k) != theirs.get(k))


def neighbours(state: State, kind: TagKind, params: Mapping[str, str], chosen: str) -> list[str]:
    """Tags close to ``params``: same process with another beam or Q² range, same generator
    with another version, same background type; the nearest first, at most ``MAX_CANDIDATES``."""
    memo = tag_memo(state)
    key = ("neighbours", kind, chosen, tuple(sorted(params.items())), len(state.tags))
    found = memo.get(key)
    if found is None:
        found = memo[key] = _neighbours(state, kind, params, chosen)
    assert isinstance(found, list)
    return list(found)


def _neighbours(state: State, kind: TagKind, params: Mapping[str, str], chosen: str) -> list[str]:
    near = NEAREST[kind]
    ranked = []
    for tag in state.tags_of(kind):
        if tag.label == chosen or is_placeholder(tag.label):
            continue
        distance = _distance(kind, params, tag)
        if distance is not None and 0 < distance <= near:
            ranked.append((distance, tag.number, tag.label))
    return [label for _, _, label in sorted(ranked)[:MAX_CANDIDATES]]


def versions_of(state: State, generator: str) -> list[str]:
    """The versions recorded by evgen tags of ``generator`` (candidates for an open version)."""
    memo = tag_memo(state)
    key = ("versions", generator, len(state.tags))
    cached = memo.get(key)
    if cached is None:
        cached = memo[key] = _versions_of(state, generator)
    assert isinstance(cached, list)
    return list(cached)


def _versions_of(state: State, generator: str) -> list[str]:
    found = {
        t.parameters["generator_version"]
        for t in state.tags_of(TagKind.EVGEN)
        if t.parameters.get("generator") == generator and t.parameters.get("generator_version")
    }
    return sorted(found)[:MAX_CANDIDATES]


# --------------------------------------------------------------------------- binding


@dataclass
class Binding:
    """The tag mapping of a new dataset and what the intake learnt about it."""

    labels: dict[TagKind, str | None] = field(default_factory=dict)
    tags_created: list[str] = field(default_factory=list)
    metadata: DatasetMetadata = field(default_factory=DatasetMetadata)


@dataclass
class _Binder:
    state: State
    inference: Inference
    actor: Actor
    now: str
    description: str
    binding: Binding = field(default_factory=Binding)
    values: dict[str, MetadataValue] = field(default_factory=dict)

    def given(self, kind: TagKind, handle: str) -> str:
        label = get_tag(self.state, handle, kind).label
        self.values[FIELD_OF_KIND[kind]] = MetadataValue(
            label, Provenance.REQUEST, Confidence.CERTAIN, (), self.actor.login, self.now
        )
        return label

    def inferred(self, kind: TagKind, params: dict[str, str]) -> str:
        tag, created = find_or_create_tag(
            self.state,
            kind,
            params,
            created_by=self.actor.login,
            created_at=self.now,
            description=self.description,
        )
        if created:
            self.binding.tags_created.append(tag.label)
        self.values[FIELD_OF_KIND[kind]] = MetadataValue(
            tag.label,
            self._provenance(kind),
            self._confidence(kind, tag),
            tuple(neighbours(self.state, kind, tag.parameters, tag.label)),
        )
        return tag.label

    def unknown(self, field_name: str) -> str:
        label = placeholder(self.state, field_name, self.now)
        self.values[field_name] = MetadataValue(label, Provenance.DEFAULT, Confidence.UNKNOWN)
        return label

    def fixed(self, kind: TagKind, label: str, provenance: Provenance) -> str:
        """A label the reading implies (the no-signal physics slot of a background)."""
        self.values[FIELD_OF_KIND[kind]] = MetadataValue(label, provenance, Confidence.LIKELY)
        return label

    def _provenance(self, kind: TagKind) -> Provenance:
        sources = self.inference.sources
        if kind is TagKind.EVGEN:
            return sources.get("generator_version") or sources.get("generator") or Provenance.PATH
        return Provenance.PATH

    def _confidence(self, kind: TagKind, tag: Tag) -> Confidence:
        if tag.missing_parameters():
            return Confidence.GUESS  # e.g. a generator without its version
        if kind is TagKind.EVGEN and "generator_version" in self.inference.corroborated:
            return Confidence.CERTAIN
        return Confidence.LIKELY


def bind_tags(
    state: State, req: DatasetIntake, inference: Inference, location: str, actor: Actor, now: str
) -> Binding:
    """The physics, evgen and background tags of a new dataset: the ones the request names, else
    the ones the inference points to (found or created as drafts), else the placeholders; with
    the metadata that says where each came from."""
    binder = _Binder(state, inference, actor, now, f"derived from {location}")
    labels = binder.binding.labels
    background = dict(inference.background)
    if req.physics_tag:
        labels[TagKind.PHYSICS] = binder.given(TagKind.PHYSICS, req.physics_tag)
    elif background:
        labels[TagKind.PHYSICS] = binder.fixed(TagKind.PHYSICS, NO_SIGNAL, Provenance.PATH)
    elif inference.physics:
        labels[TagKind.PHYSICS] = binder.inferred(TagKind.PHYSICS, dict(inference.physics))
    else:
        labels[TagKind.PHYSICS] = binder.unknown("physics_tag")
    labels[TagKind.BACKGROUND] = None
    if req.background_tag:
        labels[TagKind.BACKGROUND] = binder.given(TagKind.BACKGROUND, req.background_tag)
    elif background:
        labels[TagKind.BACKGROUND] = binder.inferred(TagKind.BACKGROUND, background)
    if req.evgen_tag:
        labels[TagKind.EVGEN] = binder.given(TagKind.EVGEN, req.evgen_tag)
    elif inference.evgen:
        labels[TagKind.EVGEN] = binder.inferred(TagKind.EVGEN, dict(inference.evgen))
    else:
        labels[TagKind.EVGEN] = binder.unknown("evgen_tag")
    binder.values.update(descriptive_values(state, inference))
    binder.binding.metadata = DatasetMetadata(binder.values)
    return binder.binding


def _value(inference: Inference, name: str, value: str) -> MetadataValue:
    confidence = Confidence.CERTAIN if name in inference.corroborated else Confidence.LIKELY
    return MetadataValue(value, inference.sources.get(name, Provenance.PATH), confidence)


def _beams(inference: Inference) -> str | None:
    if inference.beams:
        return inference.beams
    energies = [inference.physics.get(k) for k in _BEAM_KEYS]
    return "N/A" if energies == ["N/A", "N/A"] else None


def descriptive_values(state: State, inference: Inference) -> dict[str, MetadataValue]:
    """Beams, species, Q² range, generator and version as read, each with its source; an open
    generator version is ``unknown`` with the versions other tags of that generator record."""
    found = {
        "beams": _beams(inference),
        "species": inference.species,
        "q2_range": inference.physics.get("q2_range"),
        "generator": inference.evgen.get("generator"),
        "generator_version": inference.evgen.get("generator_version"),
    }
    values = {name: _value(inference, name, text) for name, text in found.items() if text}
    generator = found["generator"]
    if generator and not found["generator_version"]:
        values["generator_version"] = MetadataValue(
            "",
            inference.sources.get("generator", Provenance.PATH),
            Confidence.UNKNOWN,
            tuple(versions_of(state, generator)),
        )
    return values


def refresh_candidates(state: State, dataset: Dataset) -> Dataset:
    """The dataset with the candidates of its unconfirmed values computed against the tags the
    state holds now (an import offers tags created by later rows too)."""
    metadata = dataset.metadata
    labels = dataset.tags.labels()
    for kind, field_name in FIELD_OF_KIND.items():
        value = metadata.get(field_name)
        tag = state.tags.get(labels.get(kind) or "")
        if value is None or value.confirmed or tag is None or is_placeholder(tag.label):
            continue
        fresh = tuple(neighbours(state, kind, tag.parameters, tag.label))
        metadata = metadata.with_value(field_name, replace(value, candidates=fresh))
    version = metadata.get("generator_version")
    generator = metadata.get("generator")
    if version is not None and version.unknown and generator is not None:
        fresh = tuple(versions_of(state, generator.value))
        metadata = metadata.with_value("generator_version", replace(version, candidates=fresh))
    return dataset if metadata == dataset.metadata else replace(dataset, metadata=metadata)


def open_fields(metadata: DatasetMetadata, names: Iterable[str]) -> list[str]:
    """The fields among ``names`` whose value is unknown (they need a correction)."""
    return [n for n in names if (v := metadata.get(n)) is not None and v.unknown]
