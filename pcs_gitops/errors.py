"""Every error a user may see. Messages say what is wrong and what to do next."""

from __future__ import annotations

from collections.abc import Sequence


class PcsError(Exception):
    """Base of every error the user may see; the message says what is wrong and what to do.

    ``detail`` keeps what a developer needs beyond that one message (a command's argv and
    output, an HTTP response); the CLI shows it with ``PCS_DEBUG=1``."""

    exit_code = 1

    def __init__(self, *args: object, detail: str = "") -> None:
        super().__init__(*args)
        self.detail = detail


class UsageError(PcsError):
    """The command was called wrongly (bad option value, missing argument)."""

    exit_code = 2


class RecordNotFound(PcsError):
    """A record named by the user does not exist."""


class AmbiguousIdentifier(PcsError):
    """An identifier matches several records; the message lists the candidates."""

    def __init__(self, kind: str, key: str, candidates: Sequence[str]) -> None:
        shown = ", ".join(candidates[:10]) + (" ..." if len(candidates) > 10 else "")
        super().__init__(
            f"{kind} '{key}' is ambiguous: it matches {len(candidates)} records ({shown}); "
            "use the full name"
        )
        self.candidates = list(candidates)


class Conflict(PcsError):
    """The request contradicts what is already recorded."""


class InvalidTransition(PcsError):
    """A lifecycle move that the transition map or the readiness gate refuses."""


class ValidationFailed(PcsError):
    """The state (or a record about to be written) breaks the schema or a cross-record rule."""

    def __init__(self, problems: Sequence[object], header: str = "validation failed") -> None:
        self.problems = list(problems)
        lines = [f"{header}: {len(self.problems)} problem(s)"]
        lines += [f"  {p}" for p in self.problems]
        super().__init__("\n".join(lines))


class StateFileError(PcsError):
    """A record file cannot be read (unparseable YAML, aliases, wrong top-level type)."""


class GitError(PcsError):
    """A git command failed."""


class GitHubError(PcsError):
    """A GitHub API call failed."""


class SubmissionError(PcsError):
    """PanDA refused or could not be reached."""


class RecordingFailed(PcsError):
    """PanDA accepted a task but recording it in the state failed; the id must not be lost."""

    exit_code = 2


class PushRejected(GitError):
    """The remote branch moved while we worked (another run pushed first); redo the work."""


class Refused(PcsError):
    """The actor may not do this (the role model of state/roles.yaml); nothing changes."""


class SyncFailed(PcsError):
    """A request branch's records could not be carried onto the current default branch."""


class Unauthenticated(PcsError):
    """A write came without an identity the server could establish (no or a refused token)."""


class TooLarge(UsageError):
    """A request (or file) is larger than the limit; nothing was read past it."""


class InvalidPayload(PcsError):
    """A task's payload is not one PanDA accepts, or no longer the one that was approved."""
