"""Tag use cases: PWG members author and edit physics and EvGen tags within the templates, a
production manager locks (approves) them. Each tag's changes share one branch and pull
request (``pcs/batch-tag-<label>``)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pcs_gitops.domain.authz import Operation, Subject
from pcs_gitops.domain.issue_form import FormValue
from pcs_gitops.domain.model import Tag, TagKind
from pcs_gitops.domain.physics_config_form import TagDraft, draft_from_answers
from pcs_gitops.domain.state import State
from pcs_gitops.domain.tag_templates import physics_category
from pcs_gitops.errors import PcsError
from pcs_gitops.services import tag_authoring as ops
from pcs_gitops.services.authorization import require_on, require_on_tag
from pcs_gitops.services.ports import Actor, Publisher, Target
from pcs_gitops.services.tags import find_tag, get_tag, next_label, tag_summary
from pcs_gitops.services.unit_of_work import UnitOfWork


def tag_target(label: str) -> Target:
    return Target("batch", key=f"tag-{label.strip().lower()}", title=f"Tag {label.strip()}")


def _label_to_be(state: State, draft: TagDraft) -> str:
    """The label a draft gets here (its twin's, or the next one): it names the branch."""
    try:
        kind = ops.authored_kind(draft.kind)
        params = {k: v for k, v in draft.parameters.items() if v}
        twin = find_tag(state, kind, params)
        if twin is not None:
            return twin.label
        category = physics_category(params, state.categories, draft.category)
        return next_label(state, kind, category if kind is TagKind.PHYSICS else None)
    except PcsError:
        return "new"  # the change refuses it with its own message


def _tag_payload(tag: Tag, extra: dict[str, Any]) -> dict[str, Any]:
    return {"label": tag.label, "tag": tag_summary(tag), **extra}


def create_tag(publisher: Publisher, draft: TagDraft, actor: Actor) -> dict[str, Any]:
    """A new draft physics or EvGen tag of a PWG (its members and conveners; production
    managers), checked against the template; the same parameters again give the same tag."""
    roles = publisher.roles()
    with publisher.reading() as uow:
        label = _label_to_be(uow.state, draft)

    def change(uow: UnitOfWork) -> tuple[Tag, bool]:
        slug = ops.pwg_slug(uow.state, draft.pwg)
        require_on(actor, Operation.TAG_EDIT, roles, Subject(pwg=slug), name=f"new tag of {slug}")
        tag, created = ops.create_tag(uow.state, draft, actor, uow.clock.now())
        if uow.state.dirty:
            uow.commit(f"Tag {tag.label}: new {tag.kind.value} configuration of {slug}")
        return tag, created

    done = publisher.run(tag_target(label), change)
    tag, created = done.result
    return {"created": created, **_tag_payload(tag, done.extra())}


def edit_tag(
    publisher: Publisher,
    label: str,
    changes: Mapping[str, str],
    description: str | None,
    actor: Actor,
) -> dict[str, Any]:
    """Change a draft tag's parameters (an empty value removes one) or description, within its
    template; a locked tag never changes."""
    roles = publisher.roles()

    def change(uow: UnitOfWork) -> tuple[Tag, list[str]]:
        require_on_tag(actor, Operation.TAG_EDIT, roles, get_tag(uow.state, label))
        tag, changed = ops.edit_tag(uow.state, label, changes, description, actor)
        if uow.state.dirty:
            uow.commit(f"Tag {tag.label}: edit {', '.join(changed)}")
        return tag, changed

    done = publisher.run(tag_target(label), change)
    tag, changed = done.result
    return {"changed": changed, **_tag_payload(tag, done.extra())}


def lock_tag(publisher: Publisher, label: str, actor: Actor) -> dict[str, Any]:
    """Lock (approve) a tag: production managers. From now on it never changes, and tasks
    using it may be approved."""
    roles = publisher.roles()

    def change(uow: UnitOfWork) -> tuple[Tag, bool]:
        require_on_tag(actor, Operation.TAG_LOCK, roles, get_tag(uow.state, label))
        tag, locked = ops.lock_tag(uow.state, label)
        if uow.state.dirty:
            uow.commit(f"Lock tag {tag.label} (approved by {actor.login})")
        return tag, locked

    done = publisher.run(tag_target(label), change)
    tag, locked = done.result
    return {"locked": locked, **_tag_payload(tag, done.extra())}


def file_physics_config(
    publisher: Publisher, answers: Mapping[str, FormValue], actor: Actor
) -> dict[str, Any]:
    """A filed "Physics configuration" form (``.github/ISSUE_TEMPLATE/physics_config.yml``):
    its answers (``parse_issue_body``) as a new tag of the PWG, as ``create_tag`` makes it."""
    return create_tag(publisher, draft_from_answers(answers), actor)
