"""Inferred and confirmed metadata on the dataset record (pcs_gitops.domain.metadata): lossless
round trips, records written before it stay byte-for-byte what they were, and the tag mapping
that still blocks readiness."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from pcs_gitops.domain.metadata import (
    METADATA_FIELDS,
    Confidence,
    DatasetMetadata,
    MetadataValue,
    Provenance,
)
from pcs_gitops.domain.model import Dataset

LEGACY = {
    "name": "group.EIC.evgen.26.02.0.epic_craterlake.p2001.e1.s0.r0",
    "did": "group.EIC.evgen:group.EIC.evgen.26.02.0.epic_craterlake.p2001.e1.s0.r0.b1",
    "scope": "group.EIC.evgen",
    "detector_version": "26.02.0",
    "detector_config": "epic_craterlake",
    "tags": {"physics": "p2001", "evgen": "e1", "simu": "s0", "reco": "r0", "background": None},
    "sample": "",
    "block": 1,
    "stage": "evgen",
    "source": {"kind": "path", "location": "/volatile/eic/EPIC/EVGEN/DIS/NC/10x100/minQ2=1"},
    "description": "",
    "created_by": "importer",
    "created_at": "2026-11-28T18:37:39Z",
    "history": [],
}

texts = st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=20)
values = st.builds(
    MetadataValue,
    value=texts,
    provenance=st.sampled_from(Provenance),
    confidence=st.sampled_from(Confidence),
    candidates=st.lists(texts, max_size=3).map(tuple),
    confirmed_by=st.one_of(st.just(""), texts.filter(bool)),
).map(lambda v: v if not v.confirmed_by else v.confirm(v.confirmed_by, "2026-12-01T10:00:00Z"))
blocks = st.dictionaries(st.sampled_from(METADATA_FIELDS), values, max_size=8).map(DatasetMetadata)


@given(blocks)
def test_a_metadata_block_round_trips_through_its_mapping(metadata: DatasetMetadata) -> None:
    assert DatasetMetadata.from_dict(metadata.to_dict()) == metadata
    assert list(metadata.to_dict()) == [f for f in METADATA_FIELDS if f in metadata.values]


def test_a_record_written_before_metadata_tracking_writes_back_unchanged() -> None:
    dataset = Dataset.from_dict(LEGACY)
    assert not dataset.metadata
    assert dataset.to_dict() == LEGACY
    assert list(dataset.to_dict()) == list(LEGACY)


def test_the_metadata_block_follows_the_source_in_a_record() -> None:
    value = MetadataValue("p2001", Provenance.PATH, Confidence.LIKELY)
    data = {**LEGACY, "metadata": {"physics_tag": value.to_dict()}}
    keys = list(Dataset.from_dict(data).to_dict())
    assert keys.index("metadata") == keys.index("source") + 1


def inferred(label: str) -> MetadataValue:
    return MetadataValue(label, Provenance.PATH, Confidence.LIKELY, ("p2002",))


def test_only_the_tag_mapping_blocks_and_only_until_it_is_confirmed() -> None:
    metadata = DatasetMetadata(
        {
            "physics_tag": inferred("p2001"),
            "evgen_tag": inferred("e1").confirm("anna", "2026-12-01T10:00:00Z"),
            "beams": inferred("10x100"),
        }
    )
    labels = {"physics_tag": "p2001", "evgen_tag": "e1", "background_tag": None}
    assert metadata.tags_to_confirm(labels) == ["physics_tag"]
    assert metadata.unconfirmed() == ["physics_tag", "beams"]


def test_a_confirmed_tag_relabelled_since_needs_confirming_again() -> None:
    confirmed = inferred("e1").confirm("anna", "2026-12-01T10:00:00Z")
    metadata = DatasetMetadata({"evgen_tag": confirmed})
    assert metadata.tags_to_confirm({"evgen_tag": "e1"}) == []
    assert metadata.tags_to_confirm({"evgen_tag": "e2"}) == ["evgen_tag"]


def test_a_confirmation_records_who_and_when_and_an_empty_value_is_unknown() -> None:
    value = inferred("p2001").confirm("anna", "2026-12-01T10:00:00Z")
    assert value.to_dict() == {
        "value": "p2001",
        "provenance": "path",
        "confidence": "likely",
        "candidates": ["p2002"],
        "confirmed_by": "anna",
        "confirmed_at": "2026-12-01T10:00:00Z",
    }
    assert MetadataValue("", Provenance.REQUEST, Confidence.LIKELY).unknown
    assert MetadataValue("e0", Provenance.DEFAULT, Confidence.UNKNOWN).unknown
