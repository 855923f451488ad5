"""The role policy (``domain.authz``) applied to a use case's actor, the same on every surface.

The roles come from the default branch as checked out (``Publisher.roles``: never a request
branch's, which a push could change); the request a change is about comes from the state the
change is made on. A team grant (``org/team``) is asked through the actor's team directory
(the GitHub port) when the actor has one, and only when no login grant decides; without one
(the local CLI offline) only login grants count.

A repository whose roles.yaml grants nobody anything is being set up: trusted local actors (the
CLI, a local MCP server) then act as admins; every other actor is refused with how to grant.
"""

from __future__ import annotations

from pcs_gitops.domain.authz import (
    Operation,
    RoleCheck,
    Subject,
    authorize,
    grants_nobody,
    who_may,
)
from pcs_gitops.domain.model import ProdTask, Tag, TaskStatus
from pcs_gitops.domain.settings import Role, Roles
from pcs_gitops.domain.state import State
from pcs_gitops.errors import AmbiguousIdentifier, RecordNotFound, Refused
from pcs_gitops.services.ports import Actor, TeamDirectory
from pcs_gitops.services.tasks import resolve_task


def role_check(login: str, roles: Roles, teams: TeamDirectory | None) -> RoleCheck:
    """Whether ``login`` holds a role: logins first, then teams (each answer asked once)."""
    cache: dict[tuple[Role, str | None], bool] = {}

    def holds(role: Role, pwg: str | None) -> bool:
        key = (role, pwg)
        if key not in cache:
            grants = [g for g in roles.grants if g.role is role and (pwg is None or g.pwg == pwg)]
            found = any(login.casefold() == x.casefold() for g in grants for x in g.logins)
            for team in (t for g in grants for t in g.teams):
                if found or teams is None:
                    break
                org, _, slug = team.partition("/")
                found = bool(org and slug) and teams.has_team_member(org, slug, login)
            cache[key] = found
        return cache[key]

    return holds


def requester_of(task: ProdTask) -> str:
    """Who filed the request: the real requester when a bot opened it for them."""
    return task.requested_by or task.created_by


def require(
    actor: Actor, operation: Operation, roles: Roles, subject: ProdTask | None = None
) -> None:
    """Return when ``actor`` may do ``operation`` (on ``subject``); raise ``Refused`` saying
    why and who may otherwise."""
    if subject is None:
        require_on(actor, operation, roles)
        return
    about = Subject(
        requester=requester_of(subject),
        pwg=subject.catalog.get("pwg") or None,
        submitted=subject.status is not TaskStatus.DRAFT and subject.status is not TaskStatus.READY,
    )
    require_on(actor, operation, roles, about, name=subject.name)


def require_on_tag(actor: Actor, operation: Operation, roles: Roles, tag: Tag) -> None:
    """``require`` for a tag: its PWG decides who besides the managers may."""
    require_on(actor, operation, roles, Subject(pwg=tag.pwg), name=tag.label)


def require_on(
    actor: Actor,
    operation: Operation,
    roles: Roles,
    subject: Subject | None = None,
    *,
    name: str = "",
) -> None:
    """``require`` over a described subject (``name`` for the message)."""
    if actor.trusted and grants_nobody(roles):
        return
    about = subject or Subject()
    decision = authorize(
        operation,
        sender=actor.login,
        holds=role_check(actor.login, roles, actor.teams),
        requester=about.requester,
        request_pwg=about.pwg,
        submitted=about.submitted,
    )
    if decision.allowed:
        return
    what = f"{operation.value} ('{name}')" if name else operation.value
    who = who_may(operation, roles, about.pwg)
    raise Refused(f"{actor.login} may not {what}: {decision.reason}. Who may: {who}")


def subject_task(state: State, key: str | None) -> ProdTask | None:
    """The task a write names, as ``state`` holds it; None when the key names none (or several:
    the use case then refuses with its own message)."""
    if not key:
        return None
    try:
        return resolve_task(state, key)
    except (RecordNotFound, AmbiguousIdentifier):
        return None
