"""Service messages as a GitHub user reads them: the readiness checks and refusals name CLI
commands (the CLI is their first reader); on an issue they name the comment command that does
the same, or who may act when no comment command does. Pinned by tests that run every
readiness problem through the pipeline and find no ``pcs`` command line in what GitHub shows."""

from __future__ import annotations

import re

_REWRITES: tuple[tuple[re.Pattern[str], str], ...] = (
    (
        re.compile(r"; run 'pcs task link-input \S+ --did DID'"),
        "; comment '/pcs link-input SCOPE:NAME', or correct the Dataset Path with '!update'",
    ),
    (
        re.compile(
            r"with 'pcs task confirm \S+ --field ([^' ]+)' \(or '/pcs confirm [^']*' on its issue\)"
        ),
        r"by commenting '/pcs confirm \1'",
    ),
    (
        re.compile(r"with 'pcs task confirm \S+' \(or '/pcs confirm' on its issue\)"),
        "by commenting '/pcs confirm' (or correct it: '/pcs confirm FIELD=LABEL')",
    ),
    (
        re.compile(r" \('pcs task reinstate \S+'\)"),
        " by commenting '/pcs reinstate'",
    ),
    (
        re.compile(r" with 'pcs tag lock \S+'"),
        " by locking it (with the pcs tool, MCP or REST)",
    ),
    (
        re.compile(r"a production manager runs 'pcs task retry' where PanDA is reachable"),
        "a production manager retries it where PanDA is reachable (the pcs tool, MCP or REST)",
    ),
    (
        re.compile(r"; see 'pcs (?:task|config|dataset|tag) list'"),
        "; the catalogue's pages list them",
    ),
)
_CLI_COMMAND = re.compile(r"'pcs [a-z-]+(?: [^']*)?'")


def for_github(message: str) -> str:
    """``message`` with its CLI commands put in GitHub terms."""
    for pattern, replacement in _REWRITES:
        message = pattern.sub(replacement, message)
    return message


def names_cli_command(text: str) -> bool:
    """Whether ``text`` still tells its reader to run a ``pcs`` command (for tests)."""
    return bool(_CLI_COMMAND.search(text))
