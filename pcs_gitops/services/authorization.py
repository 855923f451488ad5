"""Who may write what, on any surface: the role policy of ``state/roles.yaml`` for the write use
cases, decided before the use case runs.

Everyone may file requests: the intake and create of datasets and tasks, comments and request
issues need only a known login. Linking inputs is for the task's creator while it is a draft,
otherwise for a production manager or an admin. Status changes and submission records are for
production managers and admins only. A grant names logins or GitHub teams (``org/team``); team
membership is asked through the GitHub port (``has_team_member``), and only when no login grant
decides. Surface-independent: the REST server calls it today, the CLI and MCP may tomorrow.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from enum import StrEnum
from typing import Protocol

from pcs_gitops.domain.model import ProdTask, TaskStatus
from pcs_gitops.domain.settings import Role, RoleGrant, Roles
from pcs_gitops.domain.state import State
from pcs_gitops.errors import AmbiguousIdentifier, RecordNotFound, Refused
from pcs_gitops.services.tasks import resolve_task

MANAGER_ROLES = (Role.PRODUCTION_MANAGER, Role.ADMIN)


class Operation(StrEnum):
    """The write operations the policy knows (one per write use case)."""

    DATASET_INTAKE = "dataset intake"
    DATASET_CREATE = "dataset create"
    TASK_INTAKE = "task intake"
    TASK_CREATE = "task create"
    COMMENT = "comment"
    OPEN_REQUEST = "open request"
    LINK_INPUT = "link input"
    SET_STATUS = "set status"
    RECORD_SUBMISSION = "record submission"


OPEN_TO_ALL = frozenset(
    {
        Operation.DATASET_INTAKE,
        Operation.DATASET_CREATE,
        Operation.TASK_INTAKE,
        Operation.TASK_CREATE,
        Operation.COMMENT,
        Operation.OPEN_REQUEST,
    }
)
_WHAT = {
    Operation.LINK_INPUT: "link the inputs of task",
    Operation.SET_STATUS: "change the status of task",
    Operation.RECORD_SUBMISSION: "record a submission of task",
}


class TeamDirectory(Protocol):
    """The part of the GitHub port the policy asks (``services.github_port.GitHubPort``)."""

    def has_team_member(self, org: str, team_slug: str, login: str) -> bool: ...


def authorize_write(
    operation: Operation,
    login: str,
    roles: Roles,
    teams: TeamDirectory,
    *,
    task: Callable[[], ProdTask | None] = lambda: None,
    task_key: str = "",
) -> None:
    """Return when ``login`` may do ``operation``; raise ``Refused`` naming who may otherwise.

    ``task()`` looks up the task named by ``task_key`` as the default branch holds it (None when
    it names none there: the use case then refuses an unknown name itself); it is called only
    when the decision depends on the task."""
    if operation in OPEN_TO_ALL:
        return
    subject = task() if operation is Operation.LINK_INPUT else None
    if operation is Operation.LINK_INPUT and (subject is None or _own_draft(subject, login)):
        return
    if is_manager(login, roles, teams):
        return
    name = subject.name if subject is not None else task_key
    rule = "only a production manager or an admin may"
    if operation is Operation.LINK_INPUT:
        rule = "only its creator while it is a draft, a production manager or an admin may"
    raise Refused(f"{login} may not {_WHAT[operation]} '{name}': {rule}; {managers(roles)}")


def _own_draft(task: ProdTask, login: str) -> bool:
    return task.status is TaskStatus.DRAFT and task.created_by.casefold() == login.casefold()


def is_manager(login: str, roles: Roles, teams: TeamDirectory) -> bool:
    """``login`` is a production manager or an admin: by login first, then by team."""
    grants = [g for g in roles.grants if g.role in MANAGER_ROLES]
    if any(login.casefold() == x.casefold() for g in grants for x in g.logins):
        return True
    return any(teams.has_team_member(org, slug, login) for org, slug in _teams(grants))


def _teams(grants: list[RoleGrant]) -> Iterator[tuple[str, str]]:
    for grant in grants:
        for team in grant.teams:
            org, _, slug = team.partition("/")
            if org and slug:
                yield org, slug


def managers(roles: Roles) -> str:
    """Who the production managers and admins are, for a refusal (from roles.yaml)."""
    names = [
        f"`{n}`" for g in roles.grants if g.role in MANAGER_ROLES for n in (*g.logins, *g.teams)
    ]
    if not names:
        return (
            "state/roles.yaml grants that role to nobody yet: an admin adds logins or teams there"
        )
    return "ask " + ", ".join(dict.fromkeys(names)) + " (from state/roles.yaml)"


def subject_task(state: State, key: str | None) -> ProdTask | None:
    """The task a write names, as the state holds it; None when the key names none (or several:
    the use case then refuses with its own message)."""
    if not key:
        return None
    try:
        return resolve_task(state, key)
    except (RecordNotFound, AmbiguousIdentifier):
        return None
