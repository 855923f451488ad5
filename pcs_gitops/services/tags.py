"""Finding and creating tags by their parameters (labels are derived from the records)."""

from __future__ import annotations

from collections.abc import Mapping

from pcs_gitops.domain.model import Tag, TagKind, TagStatus
from pcs_gitops.domain.settings import category_for_process
from pcs_gitops.domain.state import State
from pcs_gitops.errors import RecordNotFound, UsageError

# Which parameters identify a tag when matching (others are descriptive).
MATCH_KEYS: dict[TagKind, tuple[str, ...] | None] = {
    TagKind.PHYSICS: None,  # every parameter
    TagKind.EVGEN: ("generator", "generator_version", "radiative"),
    TagKind.BACKGROUND: None,
    TagKind.SIMU: None,
    TagKind.RECO: None,
}


def _identity(kind: TagKind, params: Mapping[str, str]) -> tuple[tuple[str, str], ...]:
    keys = MATCH_KEYS[kind]
    items = params.items() if keys is None else ((k, params.get(k, "")) for k in keys)
    return tuple(sorted((k, v) for k, v in items if v))


def _cache(state: State) -> dict[object, object]:
    if state.tag_cache is None:
        cache: dict[object, object] = {}
        for tag in state.tags.values():
            _remember(cache, tag)
        state.tag_cache = cache
    return state.tag_cache


def tag_memo(state: State) -> dict[object, object]:
    """A scratch mapping for values computed from the tags (dropped with the tag index when
    a tag is replaced; a key that depends on which tags exist must hold ``len(state.tags)``)."""
    return _cache(state)


def _remember(cache: dict[object, object], tag: Tag) -> None:
    key = (tag.kind, _identity(tag.kind, tag.parameters))
    found = cache.setdefault(key, [])
    assert isinstance(found, list)
    found.append(tag.label)
    counter = ("counter", tag.kind)
    number = tag.number % 1000 if tag.kind is TagKind.PHYSICS and tag.number >= 1000 else tag.number
    if tag.kind is TagKind.PHYSICS and tag.number < 1000:
        number = 0
    current = cache.get(counter, 0)
    assert isinstance(current, int)
    cache[counter] = max(current, number)


def find_tag(state: State, kind: TagKind, params: Mapping[str, str]) -> Tag | None:
    """The tag with the same identifying parameters: locked first, then the lowest number."""
    labels = _cache(state).get((kind, _identity(kind, params)), [])
    assert isinstance(labels, list)
    matches = [state.tags[label] for label in labels if label in state.tags]
    if not matches:
        return None
    return sorted(matches, key=lambda t: (t.status is not TagStatus.LOCKED, t.number))[0]


def next_label(state: State, kind: TagKind, category: int | None = None) -> str:
    """Counters are derived from the records (max + 1); physics shares one across categories."""
    current = _cache(state).get(("counter", kind), 0)
    assert isinstance(current, int)
    if kind is TagKind.PHYSICS:
        if category is None:
            raise UsageError("a physics tag needs a category")
        if current + 1 >= 1000:
            raise UsageError("physics tag counter exhausted (999 per category digit)")
        return f"p{category * 1000 + current + 1}"
    return f"{kind.prefix}{current + 1}"


def find_or_create_tag(
    state: State,
    kind: TagKind,
    params: Mapping[str, str],
    *,
    created_by: str,
    created_at: str,
    description: str = "",
) -> tuple[Tag, bool]:
    found = find_tag(state, kind, params)
    if found is not None:
        return found, False
    category = None
    if kind is TagKind.PHYSICS:
        category = 6 if not params.get("process") else category_for_process(params["process"])
    tag = Tag(
        kind=kind,
        label=next_label(state, kind, category),
        status=TagStatus.DRAFT,
        description=description,
        parameters={k: v for k, v in params.items() if v},
        category=category,
        created_by=created_by,
        created_at=created_at,
    )
    state.put_tag(tag)
    _remember(_cache(state), tag)
    return tag, True


def get_tag(state: State, label: str, kind: TagKind | None = None) -> Tag:
    tag = state.tags.get(label.strip().lower())
    if tag is None or (kind is not None and tag.kind is not kind):
        what = f"{kind.value} tag" if kind else "tag"
        raise RecordNotFound(f"{what} '{label}' does not exist; list the tags with 'pcs tag list'")
    return tag


def tag_summary(tag: Tag) -> dict[str, object]:
    out: dict[str, object] = {
        "label": tag.label,
        "kind": tag.kind.value,
        "number": tag.number,
        "status": tag.status.value,
        "description": tag.description,
        "parameters": dict(tag.parameters),
        "created_by": tag.created_by,
        "created_at": tag.created_at,
    }
    if tag.kind is TagKind.PHYSICS:
        out["category"] = tag.category
    out["pwg"] = tag.pwg
    return out


def _kind(tag_type: str | None) -> TagKind | None:
    if not tag_type:
        return None
    text = tag_type.strip().lower()
    for kind in TagKind:
        if text in (kind.value, kind.prefix):
            return kind
    choices = ", ".join(f"{k.value} ({k.prefix})" for k in TagKind)
    raise UsageError(f"tag type '{tag_type}' is unknown; choose from {choices}")


def list_tags(
    state: State,
    *,
    tag_type: str | None = None,
    status: str | None = None,
    search: str | None = None,
    limit: int = 100,
    offset: int = 0,
) -> dict[str, object]:
    """Tags filtered by type, status and a case-insensitive text search over label,
    description and parameter values."""
    kind = _kind(tag_type)
    if status is not None and status not in (s.value for s in TagStatus):
        raise UsageError(f"tag status '{status}' is unknown; choose from draft, locked")
    needle = (search or "").casefold()
    matches = [
        t
        for t in sorted(state.tags.values(), key=lambda t: (t.kind.value, t.number))
        if (kind is None or t.kind is kind)
        and (status is None or t.status.value == status)
        and (
            not needle
            or needle in t.label.casefold()
            or needle in t.description.casefold()
            or any(needle in v.casefold() for v in t.parameters.values())
        )
    ]
    return {
        "count": len(matches),
        "limit": limit,
        "offset": offset,
        "tags": [tag_summary(t) for t in matches[offset : offset + limit]],
    }
