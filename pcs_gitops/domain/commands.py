"""The comment commands of a request issue: ``!update Field: value`` and ``/pcs ...``."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum

from pcs_gitops.domain.issue_form import IssueForm, field_by_name
from pcs_gitops.domain.request_form import CATALOG_TO_FORM, EXTRA_FIELDS, FORM_TO_CATALOG
from pcs_gitops.domain.settings import DEFAULT_COLUMNS
from pcs_gitops.errors import UsageError

# --------------------------------------------------------------------------- commands


class CommandKind(StrEnum):
    UPDATE = "update"
    HELP = "help"
    STATUS = "status"
    LINK_INPUT = "link-input"
    REFRESH = "refresh"
    RETRY = "retry"
    PRIORITY = "priority"
    WITHDRAW = "withdraw"
    REINSTATE = "reinstate"
    CLONE = "clone"
    CONFIRM = "confirm"
    APPROVE = "approve"
    INVALID = "invalid"


@dataclass(frozen=True)
class Command:
    kind: CommandKind
    field: str = ""  # UPDATE: the field as written
    value: str = ""  # UPDATE: the new value ("" clears)
    argument: str = ""  # STATUS: ready|draft; LINK_INPUT: the DID; PRIORITY: N; CLONE: campaign
    fields: tuple[str, ...] = ()  # CONFIRM: the values confirmed (none: all), or field=label
    reason: str = ""  # PRIORITY, WITHDRAW, REINSTATE: the optional reason (rest of the comment)
    error: str = ""  # INVALID: what is wrong
    text: str = ""  # the command's first line, as written (for replies)


_UPDATE_PREFIX = re.compile(r"^!update(?=\s|$)", re.IGNORECASE)
_PCS_PREFIX = re.compile(r"^/pcs(?=\s|$)", re.IGNORECASE)
UPDATE_USAGE = "`!update Field: value` (the field by its form label or id; an empty value clears)"
PCS_SUBCOMMANDS = (
    "help",
    "update",
    "status",
    "link-input",
    "refresh",
    "retry",
    "priority",
    "withdraw",
    "reinstate",
    "clone",
    "confirm",
    "approve",
)


_COMMAND_LINE = re.compile(r"^(?:!update|/pcs)(?=\s|$)", re.IGNORECASE)
MAX_COMMANDS = 20  # per comment


def parse_commands(body: str) -> list[Command]:
    """Every command of a comment, in order: the comment starts with one, and each line that
    starts with ``!update`` or ``/pcs`` starts the next (a multi-line value ends there)."""
    lines = body.replace("\r\n", "\n").lstrip().split("\n")
    if not lines or not _COMMAND_LINE.match(lines[0]):
        return []
    blocks: list[list[str]] = []
    for line in lines:
        if _COMMAND_LINE.match(line) or not blocks:
            blocks.append([line])
        else:
            blocks[-1].append(line)
    commands = [c for c in (parse_command("\n".join(b)) for b in blocks) if c is not None]
    if len(commands) > MAX_COMMANDS:
        error = f"a comment may hold at most {MAX_COMMANDS} commands"
        return [Command(CommandKind.INVALID, error=error, text=commands[0].text)]
    return commands


def parse_command(body: str) -> Command | None:
    """The command a comment's text starts with, or None when it starts with none.

    ``!update Field: value`` (the value runs to the end of the text and may span lines) or
    ``/pcs help | update field=value | status ready|draft | link-input DID | refresh | retry |
    priority N [reason] | withdraw [reason] | reinstate [reason] | clone CAMPAIGN |
    confirm [field | field=label ...] | approve``. Prefixes
    are case-insensitive; a reason runs to the end of the command (it may span lines).
    """
    text = body.replace("\r\n", "\n").lstrip()
    first = text.split("\n", 1)[0].strip()
    if _UPDATE_PREFIX.match(text):
        return _parse_update(text[len("!update") :], ":", first)
    if not _PCS_PREFIX.match(text):
        return None
    rest = text[len("/pcs") :]
    words = first.split()
    sub = words[1].lower() if len(words) > 1 else "help"
    if sub == "help":
        return Command(CommandKind.HELP, text=first)
    if sub == "update":
        after = rest.lstrip(" \t")
        after = after[len(words[1]) :] if after.lower().startswith("update") else after
        return _parse_update(after, "=", first)
    if sub == "status":
        target = words[2].lower() if len(words) > 2 else ""
        if target not in ("ready", "draft") or len(words) > 3:
            return Command(
                CommandKind.INVALID,
                error="expected `/pcs status ready` or `/pcs status draft`",
                text=first,
            )
        return Command(CommandKind.STATUS, argument=target, text=first)
    if sub == "link-input":
        if len(words) != 3:
            return Command(
                CommandKind.INVALID, error="expected `/pcs link-input SCOPE:NAME`", text=first
            )
        return Command(CommandKind.LINK_INPUT, argument=words[2], text=first)
    if sub == "refresh":
        return Command(CommandKind.REFRESH, text=first)
    if sub == "retry":
        return Command(CommandKind.RETRY, text=first)
    if sub == "approve":
        if len(words) != 2:
            return Command(CommandKind.INVALID, error="expected `/pcs approve`", text=first)
        return Command(CommandKind.APPROVE, text=first)
    if sub in _WITH_REASON:
        return _parse_with_reason(sub, text, first)
    if sub == "clone":
        if len(words) != 3:
            return Command(CommandKind.INVALID, error="expected `/pcs clone CAMPAIGN`", text=first)
        return Command(CommandKind.CLONE, argument=words[2], text=first)
    if sub == "confirm":
        return Command(CommandKind.CONFIRM, fields=tuple(words[2:]), text=first)
    return Command(
        CommandKind.INVALID,
        error=f"unknown command '{words[1]}'; the commands are: {', '.join(PCS_SUBCOMMANDS)}",
        text=first,
    )


_WITH_REASON = {
    "priority": CommandKind.PRIORITY,
    "withdraw": CommandKind.WITHDRAW,
    "reinstate": CommandKind.REINSTATE,
}
_SUBCOMMAND_WORDS = re.compile(r"^/pcs\s+\S+", re.IGNORECASE)


def _parse_with_reason(sub: str, text: str, first: str) -> Command:
    """``/pcs priority N [reason]``, ``/pcs withdraw [reason]``, ``/pcs reinstate [reason]``."""
    rest = _SUBCOMMAND_WORDS.sub("", text, count=1).strip()
    argument = ""
    if sub == "priority":
        parts = rest.split(None, 1)
        if not parts:
            return Command(
                CommandKind.INVALID,
                error="expected `/pcs priority N [reason]` with N one of 1, 2, 3 or -1",
                text=first,
            )
        argument, rest = parts[0], parts[1] if len(parts) > 1 else ""
    reason = " ".join(rest.split())  # a reason is one line in the history
    return Command(_WITH_REASON[sub], argument=argument.strip(), reason=reason, text=first)


def _parse_update(rest: str, separator: str, first: str) -> Command:
    name, sep, value = rest.partition(separator)
    if not sep or not name.strip() or "\n" in name.strip():
        usage = UPDATE_USAGE if separator == ":" else "`/pcs update Field=value`"
        return Command(CommandKind.INVALID, error=f"expected {usage}", text=first)
    value = value.lstrip(" \t")
    value = value[1:] if value.startswith("\n") else value
    return Command(CommandKind.UPDATE, field=name.strip(), value=value.rstrip(), text=first)


def resolve_field(form: IssueForm, name: str, columns: Mapping[str, str] | None = None) -> str:
    """The form field id a correction names (label, alias, id or catalogue column; any case).

    Raises ``UsageError`` for ``Issue`` (the request's key never changes) and unknown names.
    """
    wanted = name.strip().casefold()
    titles = dict(columns or DEFAULT_COLUMNS)
    if wanted in ("issue", titles.get("issue", "Issue").casefold()):
        raise UsageError(
            "the Issue field is the request's key and cannot be changed; open a new request instead"
        )
    found = field_by_name(form, name)
    if found is not None and (found.id in FORM_TO_CATALOG or found.id in EXTRA_FIELDS):
        return found.id
    for catalog_id, title in titles.items():
        if wanted in (catalog_id.casefold(), title.casefold()) and catalog_id in CATALOG_TO_FORM:
            return CATALOG_TO_FORM[catalog_id]
    labels = [f.label for f in form.fields if f.id in FORM_TO_CATALOG or f.id in EXTRA_FIELDS]
    raise UsageError(f"there is no field '{name.strip()}'; the fields are: {', '.join(labels)}")
