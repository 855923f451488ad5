"""The inferred-values section of a request's status comment: what was inferred for each input
(value, where from, how sure, the candidates), what is confirmed, and what the requester can do.
Every value is escaped (paths and labels come from requests); identical input gives identical
text, so a replay edits nothing."""

from __future__ import annotations

from collections.abc import Sequence

from pcs_gitops.domain.metadata import (
    FIELD_TITLES,
    METADATA_FIELDS,
    PLACEHOLDER_LABELS,
    PROVENANCE_WORDS,
    TAG_MAPPING_FIELDS,
    MetadataValue,
    is_placeholder,
    tag_fields,
)
from pcs_gitops.domain.model import Dataset
from pcs_gitops.services.request_texts import md_escape

SECTION_TITLE = "#### Inferred values"
HOW_TO = (
    "Confirm what is right with `/pcs confirm` (every value) or `/pcs confirm physics_tag "
    "evgen_tag` (some); bind a candidate instead with `/pcs confirm physics_tag=p2079`. If the "
    "path or the generator is wrong, correct the request: `!update Dataset Path: ...` or "
    "`!update Generator/Dataset Version: ...`. The task cannot become ready while its tag "
    "mapping is only inferred."
)
ALL_CONFIRMED = "The tag mapping is confirmed; nothing to do here."


def _shown(name: str, value: MetadataValue, label: str | None) -> str:
    if value.unknown or is_placeholder(label):
        placeholder = PLACEHOLDER_LABELS.get(name)
        return f"unknown (placeholder {placeholder})" if placeholder else "unknown"
    return md_escape(label or value.value)


def _state(name: str, value: MetadataValue, label: str | None) -> str:
    if name in TAG_MAPPING_FIELDS and value.value != (label or ""):
        return "**confirm it** (relabelled)" if not is_placeholder(label) else "**correct it**"
    if value.confirmed:
        return f"confirmed by {md_escape(value.confirmed_by)} at {md_escape(value.confirmed_at)}"
    if value.unknown:
        return "**correct it**" if name in TAG_MAPPING_FIELDS else "open"
    return "**confirm it**" if name in TAG_MAPPING_FIELDS else "not confirmed"


def _table(dataset: Dataset) -> list[str]:
    lines = [
        f"Input {md_escape(dataset.name)}:",
        "",
        "| Value | Inferred | From | Confidence | Candidates | Status |",
        "|---|---|---|---|---|---|",
    ]
    labels = tag_fields(dataset.tags.to_dict())
    for name in METADATA_FIELDS:
        found = dataset.metadata.get(name)
        if found is None:
            continue
        label = labels.get(name) if name in TAG_MAPPING_FIELDS else found.value
        candidates = ", ".join(md_escape(c) for c in found.candidates)
        lines.append(
            f"| {FIELD_TITLES[name]} | {_shown(name, found, label)} | "
            f"{PROVENANCE_WORDS[found.provenance]} | {found.confidence.value} | {candidates} | "
            f"{_state(name, found, label)} |"
        )
    return lines


def inferred_values_section(inputs: Sequence[Dataset]) -> str:
    """The section for a task's input datasets; empty when none carries tracked metadata."""
    tracked = [d for d in inputs if d.metadata]
    if not tracked:
        return ""
    lines = [SECTION_TITLE, ""]
    for dataset in tracked:
        lines += [*_table(dataset), ""]
    pending = any(d.metadata.tags_to_confirm(tag_fields(d.tags.to_dict())) for d in tracked)
    lines.append(HOW_TO if pending else ALL_CONFIRMED)
    return "\n".join(lines)
