"""Who may do what to a request: decisions over ``state/roles.yaml`` (logins and teams)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum

from pcs_gitops.domain.commands import Command, CommandKind
from pcs_gitops.domain.settings import Role, Roles

# --------------------------------------------------------------------------- authorisation


class Action(StrEnum):
    FILE = "file"  # open or re-label a request
    UPDATE = "update"  # correct fields, link the input, refresh, edit the body
    READY = "ready"  # approve: move the task to ready
    DRAFT = "draft"  # move the task back to draft
    HELP = "help"


@dataclass(frozen=True)
class Decision:
    allowed: bool
    reason: str = ""  # why not (for refusals)


# (role, pwg slug or None) -> whether the sender holds that role (lookups may be lazy)
RoleCheck = Callable[[Role, str | None], bool]


def authorize(
    action: Action,
    *,
    sender: str,
    requester: str,
    request_pwg: str | None,
    holds: RoleCheck,
) -> Decision:
    """May ``sender`` do ``action`` on the request filed by ``requester``?

    Anyone may file and ask for help. The requester may correct their own draft; so may a
    production manager, an admin, and a member of the request's PWG. Only a production manager
    or an admin may move a task to ready or draft, and nobody approves their own request.
    Decided on the sender's login only (never labels or author association).
    """
    is_requester = bool(requester) and sender.casefold() == requester.casefold()
    if action in (Action.FILE, Action.HELP):
        return Decision(True)
    # decided without asking about roles where possible: team lookups cost API calls
    if action is Action.UPDATE and is_requester:
        return Decision(True)
    if action is Action.READY and is_requester:
        return Decision(False, "nobody approves their own request; another production manager must")
    manager = holds(Role.PRODUCTION_MANAGER, None) or holds(Role.ADMIN, None)
    if action is Action.UPDATE:
        if manager:
            return Decision(True)
        if request_pwg and holds(Role.PWG_MEMBER, request_pwg):
            return Decision(True)
        return Decision(
            False,
            "only the requester, a member of the request's PWG, a production manager or an "
            "admin may change this request",
        )
    if not manager:
        return Decision(
            False, f"only a production manager or an admin may move a request to {action.value}"
        )
    return Decision(True)


def who_may(action: Action, roles: Roles, request_pwg: str | None = None) -> str:
    """The logins and teams that may do ``action`` (for refusal replies), from roles.yaml."""
    wanted = {Role.PRODUCTION_MANAGER, Role.ADMIN}
    names: list[str] = []
    for grant in roles.grants:
        pwg_ok = (
            action is Action.UPDATE and grant.role is Role.PWG_MEMBER and (grant.pwg == request_pwg)
        )
        if grant.role in wanted or pwg_ok:
            names += [f"`{n}`" for n in (*grant.logins, *grant.teams)]
    prefix = "the requester and " if action is Action.UPDATE else ""
    if not names:
        return f"{prefix}nobody else yet: state/roles.yaml grants no production manager"
    return prefix + ", ".join(dict.fromkeys(names)) + " (from state/roles.yaml)"


def action_for(command: Command) -> Action:
    if command.kind is CommandKind.STATUS:
        return Action.READY if command.argument == "ready" else Action.DRAFT
    if command.kind in (CommandKind.HELP, CommandKind.INVALID):
        return Action.HELP
    return Action.UPDATE
