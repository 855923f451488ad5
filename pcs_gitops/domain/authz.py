"""Who may do what: the one role policy of every surface, decided over ``state/roles.yaml``.

Everyone may file requests (dataset and task intake, request issues, comments) and ask for
help. A request's fields and inputs may be changed by its requester, a member of its PWG, a
production manager or an admin. Approving (ready), sending back to draft, submitting to PanDA,
marking a task completed or failed by hand, recording a publication and catalogue-wide changes
(imports) are for production managers and admins; nobody approves their own request.

Decided on the actor's login only (never labels or author association); role look-ups are
lazy (``RoleCheck``), because a team membership costs an API call.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum

from pcs_gitops.domain.commands import Command, CommandKind
from pcs_gitops.domain.settings import Role, Roles


class Operation(StrEnum):
    """What an actor asks to do (each write use case and command maps to one)."""

    FILE = "file a request"
    HELP = "ask for help"
    UPDATE = "change this request"
    APPROVE = "approve this request"
    DRAFT = "move this request back to draft"
    SUBMIT = "submit this request to PanDA"
    FINISH = "mark this request completed or failed"
    PUBLISH = "record the publication of this request"
    ADMINISTER = "change the whole catalogue"


# Backwards name of the pipeline's decisions (the GitHub commands speak of actions).
Action = Operation
OPEN_TO_ALL = frozenset({Operation.FILE, Operation.HELP})
MANAGERS = (Role.PRODUCTION_MANAGER, Role.ADMIN)


@dataclass(frozen=True)
class Decision:
    allowed: bool
    reason: str = ""  # why not (for refusals)


@dataclass(frozen=True)
class Subject:
    """The request an operation is about (None: a new one, or none)."""

    requester: str = ""
    pwg: str | None = None


# (role, pwg slug or None) -> whether the actor holds that role (look-ups may be lazy)
RoleCheck = Callable[[Role, str | None], bool]


def authorize(
    operation: Operation,
    *,
    sender: str,
    holds: RoleCheck,
    requester: str = "",
    request_pwg: str | None = None,
) -> Decision:
    """May ``sender`` do ``operation`` on the request filed by ``requester`` (of PWG
    ``request_pwg``)?"""
    if operation in OPEN_TO_ALL:
        return Decision(True)
    is_requester = bool(requester) and sender.casefold() == requester.casefold()
    # decided without asking about roles where possible: team look-ups cost API calls
    if operation is Operation.UPDATE and is_requester:
        return Decision(True)
    if operation is Operation.APPROVE and is_requester:
        return Decision(False, "nobody approves their own request; another production manager must")
    manager = any(holds(role, None) for role in MANAGERS)
    if manager:
        return Decision(True)
    if operation is Operation.UPDATE:
        if request_pwg and holds(Role.PWG_MEMBER, request_pwg):
            return Decision(True)
        return Decision(
            False,
            "only the requester, a member of the request's PWG, a production manager or an "
            "admin may change this request",
        )
    return Decision(False, f"only a production manager or an admin may {operation.value}")


def who_may(operation: Operation, roles: Roles, request_pwg: str | None = None) -> str:
    """The logins and teams that may do ``operation`` (for refusals), from roles.yaml."""
    names: list[str] = []
    for grant in roles.grants:
        pwg_ok = (
            operation is Operation.UPDATE
            and grant.role is Role.PWG_MEMBER
            and grant.pwg == request_pwg
        )
        if grant.role in MANAGERS or pwg_ok:
            names += [f"`{n}`" for n in (*grant.logins, *grant.teams)]
    prefix = "the requester and " if operation is Operation.UPDATE else ""
    if not names:
        return f"{prefix}nobody else yet: state/roles.yaml grants no production manager"
    return prefix + ", ".join(dict.fromkeys(names)) + " (from state/roles.yaml)"


def grants_nobody(roles: Roles) -> bool:
    """A repository that grants no role yet (being set up)."""
    return not any(g.logins or g.teams for g in roles.grants)


def action_for(command: Command) -> Operation:
    """The operation a GitHub comment command asks for."""
    if command.kind is CommandKind.STATUS:
        return Operation.APPROVE if command.argument == "ready" else Operation.DRAFT
    if command.kind is CommandKind.RETRY:
        return Operation.SUBMIT
    if command.kind in (CommandKind.HELP, CommandKind.INVALID):
        return Operation.HELP
    return Operation.UPDATE


def status_operation(target: str) -> Operation:
    """The operation a move to the lifecycle status ``target`` is."""
    return {
        "ready": Operation.APPROVE,
        "draft": Operation.DRAFT,
        "completed": Operation.FINISH,
        "failed": Operation.FINISH,
    }.get(target.strip().lower(), Operation.SUBMIT)
