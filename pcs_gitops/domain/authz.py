"""Who may do what: the one role policy of every surface, decided over ``state/roles.yaml``.

Everyone may file requests (dataset and task intake, request issues, comments) and ask for
help. Production managers and admins may do everything else, except approving their own
request. ``RULES`` names who else may do an operation: a request's fields and inputs may be
changed, and the metadata inferred for its inputs confirmed or corrected, by its requester or a
member (or convener) of its PWG; its priority set by a convener
of its PWG; the requester may withdraw their own request before it is submitted; members and
conveners of a PWG author and edit that PWG's physics and EvGen tags. Everything not in
``RULES`` (approving, sending back to draft, submitting, finishing by hand, publications,
imports, reinstating, cloning, campaigns, locking tags) is for production managers and admins.

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
    CONFIRM = "confirm the inferred metadata of this request"
    APPROVE = "approve this request"
    DRAFT = "move this request back to draft"
    SUBMIT = "submit this request to PanDA"
    FINISH = "mark this request completed or failed"
    PUBLISH = "record the publication of this request"
    ADMINISTER = "change the whole catalogue"
    PRIORITY = "change the priority of this request"
    WITHDRAW = "withdraw this request"
    REINSTATE = "reinstate this request"
    CLONE = "clone requests into a campaign"
    CAMPAIGN = "create or close a campaign"
    TAG_EDIT = "author or edit this tag"
    TAG_LOCK = "lock (approve) this tag"


# Backwards name of the pipeline's decisions (the GitHub commands speak of actions).
Action = Operation
OPEN_TO_ALL = frozenset({Operation.FILE, Operation.HELP})
MANAGERS = (Role.PRODUCTION_MANAGER, Role.ADMIN)
PWG_ROLES = (Role.PWG_MEMBER, Role.PWG_CONVENER)


@dataclass(frozen=True)
class Rule:
    """Who besides production managers and admins may do an operation: the subject's
    requester (``requester``; ``while_unsubmitted``: only before submission), and holders of
    ``pwg_roles`` in the subject's PWG. ``who`` says it in words (for refusals)."""

    who: str
    requester: bool = False
    while_unsubmitted: bool = False
    pwg_roles: tuple[Role, ...] = ()


MANAGERS_ONLY = Rule("a production manager or an admin")
RULES: dict[Operation, Rule] = {
    Operation.UPDATE: Rule(
        "the requester, a member of the request's PWG, a production manager or an admin",
        requester=True,
        pwg_roles=PWG_ROLES,
    ),
    Operation.CONFIRM: Rule(  # vouching for (or correcting) the tags inferred for its inputs
        "the requester, a member of the request's PWG, a production manager or an admin",
        requester=True,
        pwg_roles=PWG_ROLES,
    ),
    Operation.PRIORITY: Rule(
        "a convener of the request's PWG, a production manager or an admin",
        pwg_roles=(Role.PWG_CONVENER,),
    ),
    Operation.WITHDRAW: Rule(
        "the requester (before submission), a production manager or an admin",
        requester=True,
        while_unsubmitted=True,
    ),
    Operation.TAG_EDIT: Rule(
        "a member or convener of the tag's PWG, a production manager or an admin",
        pwg_roles=PWG_ROLES,
    ),
}


@dataclass(frozen=True)
class Decision:
    allowed: bool
    reason: str = ""  # why not (for refusals)


@dataclass(frozen=True)
class Subject:
    """The request (or tag) an operation is about (None: a new one, or none)."""

    requester: str = ""
    pwg: str | None = None
    submitted: bool = False  # the request went to PanDA


# (role, pwg slug or None) -> whether the actor holds that role (look-ups may be lazy)
RoleCheck = Callable[[Role, str | None], bool]


def authorize(
    operation: Operation,
    *,
    sender: str,
    holds: RoleCheck,
    requester: str = "",
    request_pwg: str | None = None,
    submitted: bool = False,
) -> Decision:
    """May ``sender`` do ``operation`` on the request filed by ``requester`` (of PWG
    ``request_pwg``; ``submitted``: it went to PanDA)?"""
    if operation in OPEN_TO_ALL:
        return Decision(True)
    rule = RULES.get(operation, MANAGERS_ONLY)
    is_requester = bool(requester) and sender.casefold() == requester.casefold()
    # decided without asking about roles where possible: team look-ups cost API calls
    if rule.requester and is_requester and not (rule.while_unsubmitted and submitted):
        return Decision(True)
    if operation is Operation.APPROVE and is_requester:
        return Decision(False, "nobody approves their own request; another production manager must")
    if any(holds(role, None) for role in MANAGERS):
        return Decision(True)
    if request_pwg and any(holds(role, request_pwg) for role in rule.pwg_roles):
        return Decision(True)
    if rule.while_unsubmitted and is_requester:
        return Decision(
            False, "it is submitted, and only a production manager or an admin may withdraw it now"
        )
    return Decision(False, f"only {rule.who} may {operation.value}")


def who_may(operation: Operation, roles: Roles, request_pwg: str | None = None) -> str:
    """The logins and teams that may do ``operation`` (for refusals), from roles.yaml."""
    rule = RULES.get(operation, MANAGERS_ONLY)
    names: list[str] = []
    for grant in roles.grants:
        pwg_ok = grant.role in rule.pwg_roles and grant.pwg is not None and grant.pwg == request_pwg
        if grant.role in MANAGERS or pwg_ok:
            names += [f"`{n}`" for n in (*grant.logins, *grant.teams)]
    prefix = "the requester and " if rule.requester else ""
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
    return _COMMAND_OPERATIONS.get(command.kind, Operation.UPDATE)


_COMMAND_OPERATIONS = {
    CommandKind.RETRY: Operation.SUBMIT,
    CommandKind.HELP: Operation.HELP,
    CommandKind.INVALID: Operation.HELP,
    CommandKind.PRIORITY: Operation.PRIORITY,
    CommandKind.WITHDRAW: Operation.WITHDRAW,
    CommandKind.REINSTATE: Operation.REINSTATE,
    CommandKind.CLONE: Operation.CLONE,
    CommandKind.CONFIRM: Operation.CONFIRM,
    CommandKind.APPROVE: Operation.APPROVE,
}


def status_operation(target: str) -> Operation:
    """The operation a move to the lifecycle status ``target`` is."""
    return {
        "ready": Operation.APPROVE,
        "draft": Operation.DRAFT,
        "completed": Operation.FINISH,
        "failed": Operation.FINISH,
    }.get(target.strip().lower(), Operation.SUBMIT)
