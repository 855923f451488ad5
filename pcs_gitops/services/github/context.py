"""What the pipeline's handlers share while one event is handled."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from pcs_gitops.domain.issue_form import IssueForm
from pcs_gitops.domain.readiness import PathProbe
from pcs_gitops.domain.rules import Problem
from pcs_gitops.domain.state import State
from pcs_gitops.services.github_port import GitHubPort
from pcs_gitops.services.panda_port import PandaPort
from pcs_gitops.services.ports import Actor, BranchWorkspace, Clock, Publisher

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
    # what 'pcs validate' finds on the default branch as checked out (asked only on a failure)
    validate_base: Callable[[], list[Problem]] = field(default=lambda: [])
    # whether the derived files of the checkout (the default branch) lag its records, given
    # as loaded
    derived_stale: Callable[[State], bool] = field(default=lambda state: False)
    # the "Physics configuration" form, when the repository has one
    physics_form: Callable[[], IssueForm | None] = field(default=lambda: None)
    # PanDA, when this job is given access to it (None: it is not)
    panda: Callable[[], PandaPort | None] = field(default=lambda: None)
    _trusted: State | None = None
    _base_problems: list[Problem] | None = None
    _teams_cache: dict[tuple[str, str, str], bool] = field(default_factory=dict)

    @property
    def trusted(self) -> State:
        if self._trusted is None:
            self._trusted = self.trusted_state()
        return self._trusted

    def base_problems(self) -> list[Problem]:
        """The default branch's own problems (cached for the event): when it is broken, no
        request can be taken in, and the requester is not to blame."""
        if self._base_problems is None:
            self._base_problems = self.validate_base()
        return self._base_problems

    def actor(self, login: str) -> Actor:
        """A GitHub user as the role policy sees them (team answers cached for the event)."""
        return Actor(login, SURFACE, teams=self)

    def has_team_member(self, org: str, team_slug: str, login: str) -> bool:
        key = (org.casefold(), team_slug.casefold(), login.casefold())
        if key not in self._teams_cache:
            self._teams_cache[key] = self.github.has_team_member(org, team_slug, login)
        return self._teams_cache[key]

    def is_bot(self, login: str) -> bool:
        folded = login.casefold()
        return folded.endswith("[bot]") or folded == self.github.bot_login().casefold()
