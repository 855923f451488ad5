"""What the pipeline's handlers share while one event is handled."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from pcs_gitops.domain.authz import RoleCheck
from pcs_gitops.domain.issue_form import IssueForm
from pcs_gitops.domain.readiness import PathProbe
from pcs_gitops.domain.settings import Role
from pcs_gitops.domain.state import State
from pcs_gitops.services.github_port import GitHubPort
from pcs_gitops.services.ports import BranchWorkspace, Clock, Publisher

SURFACE = "github"


@dataclass
class Pipeline:
    """The ports and settings of the request pipeline (wired by bootstrap).

    ``publisher`` puts changes on request branches (one pull request each) and on the default
    branch; ``workspace`` is the same git workspace, for listing and deleting branches;
    ``trusted_state`` reads the settings and roles of the default branch as checked out (never
    a request branch's)."""

    github: GitHubPort
    publisher: Publisher
    workspace: BranchWorkspace
    clock: Clock
    form: IssueForm
    trusted_state: Callable[[], State]
    probe: PathProbe
    repository: str
    server_url: str = "https://github.com"
    default_branch: str = "main"
    _trusted: State | None = None
    _roles_cache: dict[tuple[str, Role, str | None], bool] = field(default_factory=dict)

    @property
    def trusted(self) -> State:
        if self._trusted is None:
            self._trusted = self.trusted_state()
        return self._trusted

    def holds(self, login: str) -> RoleCheck:
        """Whether ``login`` holds a role: logins first, team membership asked only if needed
        (each answer cached for the event)."""
        roles = self.trusted.roles

        def check(role: Role, pwg: str | None) -> bool:
            key = (login.casefold(), role, pwg)
            if key not in self._roles_cache:
                grants = [
                    g for g in roles.grants if g.role is role and (pwg is None or g.pwg == pwg)
                ]
                found = any(login.casefold() == x.casefold() for g in grants for x in g.logins)
                for team in (t for g in grants for t in g.teams):
                    if found:
                        break
                    org, _, slug = team.partition("/")
                    found = bool(org and slug) and self.github.has_team_member(org, slug, login)
                self._roles_cache[key] = found
            return self._roles_cache[key]

        return check
