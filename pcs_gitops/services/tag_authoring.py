"""PWG-authored physics configurations: physics and EvGen tags created and edited within the
category templates, and locked (approved) by a production manager. State operations; the use
cases in ``services.usecases.tags`` apply the roles and commit."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace

from pcs_gitops.domain.free_text import line_break_problem, text_problem
from pcs_gitops.domain.model import Tag, TagKind, TagStatus
from pcs_gitops.domain.physics_config_form import TagDraft as TagDraft
from pcs_gitops.domain.state import State
from pcs_gitops.domain.tag_templates import AUTHORED_KINDS, physics_category, template_problems
from pcs_gitops.errors import Conflict, UsageError
from pcs_gitops.services.ports import Actor
from pcs_gitops.services.tags import find_tag, get_tag, next_label

MAX_VALUE = 200


def authored_kind(text: str) -> TagKind:
    wanted = text.strip().lower()
    for kind in AUTHORED_KINDS:
        if wanted in (kind.value, kind.prefix):
            return kind
    raise UsageError(f"tag type '{text}' cannot be authored; choose physics (p) or evgen (e)")


def parse_parameters(pairs: list[str] | tuple[str, ...]) -> dict[str, str]:
    """``NAME=VALUE`` pairs as parameters (an empty value removes the parameter on edit)."""
    out: dict[str, str] = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep or not name.strip():
            raise UsageError(f"parameter '{pair}' is not NAME=VALUE")
        out[name.strip()] = value.strip()
    return out


def _clean(parameters: Mapping[str, str], description: str) -> dict[str, str]:
    problems = []
    for name, value in parameters.items():
        reason = (text_problem(value) or line_break_problem(value)) if value else None
        if reason is None and len(value) > MAX_VALUE:
            reason = f"is {len(value)} characters; the limit is {MAX_VALUE}"
        if reason:
            problems.append(f"parameter '{name}': {reason}")
    reason = text_problem(description) if description else None
    if reason:
        problems.append(f"description: {reason}")
    if problems:
        raise UsageError("refused:\n  - " + "\n  - ".join(problems))
    return {name: value for name, value in parameters.items() if value}


def _check_template(
    state: State, kind: TagKind, params: Mapping[str, str], category: int | None, what: str
) -> None:
    problems = template_problems(kind, params, state.categories, category)
    if problems:
        raise UsageError(
            f"{what} does not follow the template of state/physics_categories.yaml:\n  - "
            + "\n  - ".join(problems)
        )


def pwg_slug(state: State, pwg: str) -> str:
    slug = state.settings.pwg_slug(pwg)
    if slug is None:
        choices = ", ".join(p.slug for p in state.settings.pwgs)
        raise UsageError(f"PWG '{pwg}' is unknown; choose from {choices}")
    return slug


def create_tag(state: State, draft: TagDraft, actor: Actor, now: str) -> tuple[Tag, bool]:
    """A new draft tag of the PWG (created True), or the tag that already has exactly these
    identifying parameters (created False): one physics configuration, one tag."""
    kind = authored_kind(draft.kind)
    slug = pwg_slug(state, draft.pwg)
    params = _clean(draft.parameters, draft.description)
    _check_template(state, kind, params, draft.category, f"the new {kind.value} tag")
    existing = find_tag(state, kind, params)
    if existing is not None:
        return existing, False
    category = physics_category(params, state.categories, draft.category)
    tag = Tag(
        kind=kind,
        label=next_label(state, kind, category if kind is TagKind.PHYSICS else None),
        description=draft.description.strip(),
        parameters=params,
        category=category if kind is TagKind.PHYSICS else None,
        created_by=actor.login,
        created_at=now,
        pwg=slug,
    )
    state.put_tag(tag)
    state.tag_cache = None  # the next label and matches see the new tag
    return tag, True


def _refuse_locked(tag: Tag) -> None:
    if tag.status is TagStatus.LOCKED:
        raise Conflict(
            f"tag {tag.label} is locked: a locked tag never changes. Create a new tag with the "
            "changed parameters ('pcs tag create') and use that"
        )


def edit_tag(
    state: State,
    label: str,
    changes: Mapping[str, str],
    description: str | None,
    actor: Actor,
) -> tuple[Tag, list[str]]:
    """Change a draft tag's parameters (an empty value removes one) and description, within
    its template; returns the tag and what changed (nothing: the tag as it was)."""
    tag = get_tag(state, label)
    _refuse_locked(tag)
    if tag.kind not in AUTHORED_KINDS:
        raise UsageError(f"{tag.kind.value} tags are not edited here; ask a production manager")
    text = tag.description if description is None else description.strip()
    merged = _clean({**tag.parameters, **changes}, text)
    changed = sorted(
        k for k in {**tag.parameters, **merged} if tag.parameters.get(k) != merged.get(k)
    )
    changed += ["description"] if text != tag.description else []
    if not changed:
        return tag, []
    _check_template(state, tag.kind, merged, tag.category, f"tag {tag.label}")
    twin = find_tag(state, tag.kind, merged)
    if twin is not None and twin.label != tag.label:
        raise Conflict(f"tag {twin.label} has these parameters already; use it instead")
    state.put_tag(replace(tag, parameters=merged, description=text))
    return state.tags[tag.label], changed


def lock_tag(state: State, label: str) -> tuple[Tag, bool]:
    """Lock (approve) a tag: from now on it never changes. A PWG-authored tag must follow its
    template; every tag needs its kind's required parameters. Locking a locked tag changes
    nothing (False)."""
    tag = get_tag(state, label)
    if tag.status is TagStatus.LOCKED:
        return tag, False
    missing = tag.missing_parameters()
    if missing:
        raise UsageError(f"tag {tag.label} cannot be locked: it lacks {', '.join(missing)}")
    if tag.pwg is not None:
        _check_template(state, tag.kind, tag.parameters, tag.category, f"tag {tag.label}")
    state.put_tag(replace(tag, status=TagStatus.LOCKED))
    return state.tags[tag.label], True
