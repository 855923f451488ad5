"""What can be derived from a path, which existing tags match, what neighbours them, and what
remains open or unknown (a read: nothing is created)."""

from __future__ import annotations

from typing import Any

from pcs_gitops.domain.inference import Inference, infer, manifest_parts
from pcs_gitops.domain.metadata import FIELD_TITLES
from pcs_gitops.domain.model import TagKind
from pcs_gitops.domain.state import State
from pcs_gitops.services.metadata import FIELD_OF_KIND, descriptive_values, neighbours
from pcs_gitops.services.tags import find_tag


def _tag_matches(state: State, result: Inference) -> dict[str, Any]:
    """Per tag kind: the exact match (or None: a draft tag would be created) and the
    neighbouring tags offered as candidates."""
    matches: dict[str, Any] = {}
    for kind, params in (
        (TagKind.PHYSICS, result.physics),
        (TagKind.EVGEN, result.evgen),
        (TagKind.BACKGROUND, result.background),
    ):
        if not params:
            continue
        exact = find_tag(state, kind, params)
        matches[kind.value] = {
            "match": exact.label if exact else None,
            "options": neighbours(state, kind, params, exact.label if exact else ""),
        }
    return matches


def _unknown(result: Inference) -> list[str]:
    """The tag-mapping fields nothing revealed (they would get a placeholder)."""
    unknown = []
    if not result.physics and not result.background:
        unknown.append(FIELD_OF_KIND[TagKind.PHYSICS])
    if not result.evgen:
        unknown.append(FIELD_OF_KIND[TagKind.EVGEN])
    return unknown


def describe(
    state: State, path: str, release_url: str | None, generator_text: str | None = None
) -> dict[str, Any]:
    """What ``path`` (a CSV manifest's file name included), the release URL and the request's
    generator text say, with each value's provenance and confidence."""
    folder, manifest = manifest_parts(path)
    result = infer(folder, release_url, generator_text, manifest)
    payload: dict[str, Any] = result.to_dict()
    payload["path"] = path
    payload["tags"] = _tag_matches(state, result)
    payload["metadata"] = {
        name: value.to_dict() for name, value in descriptive_values(state, result).items()
    }
    open_items = []
    if not result.evgen.get("generator_version"):
        open_items.append("generator_version")
    if not result.physics.get("process") and not result.background:
        open_items.append("process")
    if not result.beams and result.physics.get("process") not in ("SINGLE", None):
        open_items.append("beams")
    payload["open"] = open_items
    payload["unknown"] = _unknown(result)
    return payload


def format_text(payload: dict[str, Any]) -> str:
    lines = [f"path: {payload['path']}"]
    for section in ("physics", "evgen", "background"):
        if payload[section]:
            pairs = ", ".join(f"{k}={v}" for k, v in payload[section].items())
            lines.append(f"{section}: {pairs}")
    if payload["sample"]:
        lines.append(f"sample: {payload['sample']}")
    for name, value in payload["metadata"].items():
        shown = value["value"] or "unknown"
        lines.append(
            f"{FIELD_TITLES[name]}: {shown} (from {value['provenance']}, {value['confidence']})"
        )
    for kind, found in payload["tags"].items():
        options = ", ".join(found["options"])
        if found["match"]:
            nearby = f"; nearby: {options}" if options else ""
            lines.append(f"{kind} tag: {found['match']} matches{nearby}")
        else:
            lines.append(
                f"{kind} tag: no exact match (candidates: {options or 'none'}; a draft tag is "
                "created)"
            )
    for name in payload["unknown"]:
        lines.append(f"{FIELD_TITLES[name]}: unknown (a placeholder until it is corrected)")
    if payload["open"]:
        lines.append("still open: " + ", ".join(payload["open"]))
    lines += [f"note: {n}" for n in payload["notes"]]
    return "\n".join(lines)
