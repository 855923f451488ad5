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
        re.compile(r"link its input, or run 'pcs task compose-outputs \S+'"),
        "link its input ('/pcs link-input SCOPE:NAME')",
    ),
    (
        re.compile(r"; run 'pcs task compose-outputs \S+'"),
        "; correct the request with '!update' (its outputs are composed from its input and "
        "tags), or a production manager composes them again",
    ),
    (
        re.compile(
            r"run 'pcs dataset count-files NAME' \(it reads [^)]*\), or give the number of events"
        ),
        "give the number of events ('!update Number of Events: N'), or a production manager "
        "records how many files the input holds",
    ),
    (
        re.compile(
            r"; run 'pcs task withdraw-stale-approvals' \(the task goes back to draft\), then"
        ),
        "; the task goes back to draft, then",
    ),
    (
        re.compile(r"'pcs task approve \S+'"),
        "'/pcs approve'",
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
