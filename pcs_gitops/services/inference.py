"""What can be derived from a path, which existing tags match, and what remains open."""

from __future__ import annotations

from typing import Any

from pcs_gitops.domain.inference import infer
from pcs_gitops.domain.model import TagKind
from pcs_gitops.domain.state import State
from pcs_gitops.services.tags import find_tag

MAX_OPTIONS = 5


def _options(state: State, kind: TagKind, params: dict[str, str]) -> list[dict[str, Any]]:
    """Existing tags that agree with every derived parameter (short list for the ambiguous)."""
    out = []
    for tag in sorted(state.tags_of(kind), key=lambda t: t.number):
        if all(tag.parameters.get(k) == v for k, v in params.items() if v):
            out.append({"label": tag.label, "parameters": dict(tag.parameters)})
        if len(out) >= MAX_OPTIONS:
            break
    return out


def describe(state: State, path: str, release_url: str | None) -> dict[str, Any]:
    result = infer(path, release_url)
    payload: dict[str, Any] = result.to_dict()
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
            "options": [] if exact else _options(state, kind, params),
        }
    payload["tags"] = matches
    open_items = []
    if not result.evgen.get("generator_version"):
        open_items.append("generator_version")
    if not result.physics.get("process") and not result.background:
        open_items.append("process")
    if not result.beams and result.physics.get("process") not in ("SINGLE", None):
        open_items.append("beams")
    payload["open"] = open_items
    return payload


def format_text(payload: dict[str, Any]) -> str:
    lines = [f"path: {payload['path']}"]
    for section in ("physics", "evgen", "background"):
        if payload[section]:
            pairs = ", ".join(f"{k}={v}" for k, v in payload[section].items())
            lines.append(f"{section}: {pairs}")
    if payload["sample"]:
        lines.append(f"sample: {payload['sample']}")
    for kind, found in payload["tags"].items():
        if found["match"]:
            lines.append(f"{kind} tag: {found['match']} matches")
        else:
            opts = ", ".join(o["label"] for o in found["options"]) or "none; a draft tag is created"
            lines.append(f"{kind} tag: no exact match (candidates: {opts})")
    if payload["open"]:
        lines.append("still open: " + ", ".join(payload["open"]))
    lines += [f"note: {n}" for n in payload["notes"]]
    return "\n".join(lines)
