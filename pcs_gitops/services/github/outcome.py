"""What one event did (the ``--json`` output of ``pcs gh handle``) and what a change collects."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

from pcs_gitops.services import request_texts as texts
from pcs_gitops.services.github_wording import for_github


@dataclass
class Outcome:
    """What one event did."""

    event: str
    action: str = ""
    handled: bool = False
    reason: str = ""
    issue: int | None = None
    branch: str | None = None
    commits: list[str] = field(default_factory=list)
    pushed: list[str] = field(default_factory=list)
    deleted: list[str] = field(default_factory=list)
    pull: dict[str, Any] | None = None
    status_comment: str = ""  # created | updated | unchanged | ""
    reply: str = ""  # created | exists | ""
    labels_added: list[str] = field(default_factory=list)
    labels_removed: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    refreshed: list[int] = field(default_factory=list)
    # a push to the default branch: the open request pull requests it left alone (their
    # records do not meet what it changed), and how many derived files it rendered there
    unaffected: list[int] = field(default_factory=list)
    rendered: int = 0
    base_problems: list[dict[str, str]] = field(default_factory=list)  # the default branch's
    api_calls: int = 0
    write_calls: int = 0

    def ignore(self, reason: str) -> Outcome:
        self.handled = False
        self.reason = reason
        return self

    def to_dict(self) -> dict[str, Any]:
        return {k: getattr(self, k) for k in self.__dataclass_fields__}


@dataclass
class Change:
    """What an event did to the request's records, collected while the change runs."""

    message: str
    is_command: bool = False
    problems: dict[str, str] = field(default_factory=dict)  # field label -> why refused
    resolved: set[str] = field(default_factory=set)  # labels whose refusal no longer holds
    notes: list[str] = field(default_factory=list)
    reply: str | None = None
    touched: bool = False  # this event's problems and notes replace the previous ones
    phase: str | None = None

    def fail(self, message: str) -> None:
        """The change was refused as a whole; nothing of it is kept."""
        self.problems.clear()
        self.resolved.clear()
        self.phase = None
        if self.is_command:
            self.notes = []
            self.reply = f"Not applied: {texts.md_escape(for_github(message))}"
        else:
            self.touched = True
            self.notes = [f"Not applied: {message}"]

    def fresh(self) -> Change:
        """A copy to run the change again from the start (after the branch moved)."""
        return replace(
            self, problems=dict(self.problems), resolved=set(self.resolved), notes=list(self.notes)
        )


@dataclass(frozen=True)
class RequestRef:
    """The request an event is about."""

    issue: int
    sender: str
    requester: str = ""
    labels: tuple[str, ...] = ()
    body: str | None = None
    old_body: str | None = None
