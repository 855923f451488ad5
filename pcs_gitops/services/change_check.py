"""``pcs check-change``: what a change between two commits does, record by record, and whether
its author may do it by hand (the rules: :mod:`pcs_gitops.domain.change_rules`).

The change is what ``head`` holds against its common ancestor with ``base``. Roles and the bot
identities come from ``base`` (the branch the change targets), never from the change itself. A
change is pcs's own when its author (the pull request's, authenticated by GitHub) and every
commit author in it are identities pcs acts as (``bot_identities`` of the catalogue settings):
it passes as a whole. Any other change is judged by its author's login grants.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from pcs_gitops.domain.change_rules import ChangeRefusal, Judge, change_refusals
from pcs_gitops.domain.state import ROLES_FILE, SETTINGS_FILE
from pcs_gitops.services.authorization import role_check
from pcs_gitops.services.loading import load_state
from pcs_gitops.services.ports import RecordHistory


@dataclass
class ChangeReport:
    base: str
    head: str
    fork: str  # the common ancestor the change is measured from
    actor: str
    own: bool  # pcs's own change: passed as a whole
    commits: list[dict[str, str]] = field(default_factory=list)
    refusals: list[ChangeRefusal] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.refusals

    def to_dict(self) -> dict[str, Any]:
        return {
            "ok": self.ok,
            "base": self.base,
            "head": self.head,
            "fork": self.fork,
            "actor": self.actor,
            "own": self.own,
            "commits": self.commits,
            "refusals": [r.to_dict() for r in self.refusals],
        }


def check_change(
    history: RecordHistory, base: str, head: str, actor: str, bots: Iterable[str] = ()
) -> ChangeReport:
    """Judge ``base...head`` for ``actor`` (``bots``: more identities pcs acts as, e.g. the
    configured bot login)."""
    base_sha, head_sha = history.resolve(base), history.resolve(head)
    fork = history.merge_base(base_sha, head_sha)
    trusted = load_state(history.records(base_sha, (SETTINGS_FILE, ROLES_FILE)), None).state
    extra = {b.strip().casefold() for b in bots if b.strip()}

    def is_bot(identity: str) -> bool:
        return trusted.settings.is_bot(identity) or identity.strip().casefold() in extra

    authors = history.authors(fork, head_sha)
    commits = [{"commit": c, "author": n, "email": e} for c, n, e in authors]
    own = is_bot(actor) and all(is_bot(n) or is_bot(e) for _, n, e in authors)
    report = ChangeReport(base_sha, head_sha, fork, actor, own, commits)
    if own:
        return report
    old = load_state(history.records(fork), None).state
    new = load_state(history.records(head_sha), None).state
    judge = Judge(actor, role_check(actor, trusted.roles, None), trusted.roles)
    report.refusals = change_refusals(old, new, judge)
    return report
