"""The one role policy (domain/authz) applied to an actor (services/authorization): who may do
which operation, decided on logins first and on team membership (asked through the GitHub port)
only when logins do not decide; a repository that grants nobody is set up by trusted locals."""

from __future__ import annotations

import pytest

from pcs_gitops.domain.authz import OPEN_TO_ALL, Operation, status_operation
from pcs_gitops.domain.model import ProdTask, PublicCatalog
from pcs_gitops.domain.settings import Role, RoleGrant, Roles
from pcs_gitops.domain.state import State
from pcs_gitops.errors import Refused
from pcs_gitops.services.authorization import require, subject_task
from pcs_gitops.services.ports import Actor

ROLES = Roles(
    grants=(
        RoleGrant(Role.PRODUCTION_MANAGER, logins=("Maria",), teams=("epic/prod-managers",)),
        RoleGrant(Role.ADMIN, logins=("root-admin",)),
        RoleGrant(Role.PWG_MEMBER, logins=("pwg-person",), pwg="jets_hf"),
    )
)
MANAGED = (
    Operation.APPROVE,
    Operation.DRAFT,
    Operation.SUBMIT,
    Operation.FINISH,
    Operation.PUBLISH,
    Operation.ADMINISTER,
)


class FakeTeams:
    """The team part of the GitHub port: members per ``org/team``, and the questions asked."""

    def __init__(self, members: dict[str, set[str]] | None = None) -> None:
        self.members = members or {}
        self.asked: list[tuple[str, str, str]] = []

    def has_team_member(self, org: str, team_slug: str, login: str) -> bool:
        self.asked.append((org, team_slug, login))
        return login in self.members.get(f"{org}/{team_slug}", set())


def actor(login: str, teams: FakeTeams | None = None, *, trusted: bool = False) -> Actor:
    return Actor(login, "rest", teams=teams or FakeTeams(), trusted=trusted)


def task(requester: str = "requester", pwg: str = "jets_hf", by_bot: bool = False) -> ProdTask:
    return ProdTask(
        name="issue-7",
        prod_config="c",
        created_by="pcs-bot" if by_bot else requester,
        requested_by=requester if by_bot else "",
        catalog={"pwg": pwg},
        public_catalog=PublicCatalog(issue=7),
    )


@pytest.mark.parametrize("operation", sorted(OPEN_TO_ALL))
def test_anyone_may_file_and_ask_for_help_without_a_team_question(operation: Operation) -> None:
    teams = FakeTeams()
    require(actor("stranger", teams), operation, ROLES, task())
    assert teams.asked == []


@pytest.mark.parametrize("login", ["Maria", "maria", "root-admin"])
@pytest.mark.parametrize("operation", [*MANAGED, Operation.UPDATE])
def test_managers_and_admins_may_do_everything(login: str, operation: Operation) -> None:
    require(actor(login), operation, ROLES, task("someone-else"))


def test_a_login_grant_decides_without_asking_github_about_teams() -> None:
    teams = FakeTeams()
    require(actor("Maria", teams), Operation.APPROVE, ROLES, task())
    assert teams.asked == []


def test_a_team_grant_is_checked_through_the_github_port() -> None:
    teams = FakeTeams({"epic/prod-managers": {"tm-member"}})
    require(actor("tm-member", teams), Operation.APPROVE, ROLES, task())
    assert ("epic", "prod-managers", "tm-member") in teams.asked


def test_without_a_team_directory_only_login_grants_count() -> None:
    with pytest.raises(Refused):
        require(Actor("tm-member", "cli"), Operation.APPROVE, ROLES, task())


def test_the_requester_changes_their_request_but_never_approves_it() -> None:
    require(actor("requester"), Operation.UPDATE, ROLES, task())
    with pytest.raises(Refused) as refused:
        require(actor("Maria"), Operation.APPROVE, ROLES, task("Maria"))
    assert str(refused.value) == (
        "Maria may not approve this request ('issue-7'): nobody approves their own request; "
        "another production manager must. Who may: `Maria`, `epic/prod-managers`, "
        "`root-admin` (from state/roles.yaml)"
    )


def test_a_request_a_bot_filed_belongs_to_its_requester() -> None:
    require(actor("anna"), Operation.UPDATE, ROLES, task("anna", by_bot=True))
    with pytest.raises(Refused):
        require(actor("pcs-bot"), Operation.UPDATE, ROLES, task("anna", by_bot=True, pwg="edt"))


def test_a_pwg_member_changes_their_pwgs_requests_only_and_approves_none() -> None:
    require(actor("pwg-person"), Operation.UPDATE, ROLES, task("someone", pwg="jets_hf"))
    with pytest.raises(Refused, match="only the requester, a member of the request's PWG"):
        require(actor("pwg-person"), Operation.UPDATE, ROLES, task("someone", pwg="edt"))
    with pytest.raises(Refused, match="only a production manager or an admin may submit"):
        require(actor("pwg-person"), Operation.SUBMIT, ROLES, task())


def test_a_repository_that_grants_nobody_is_set_up_by_trusted_local_users_only() -> None:
    require(actor("me", trusted=True), Operation.APPROVE, Roles(), task())
    with pytest.raises(Refused, match="grants no production manager"):
        require(actor("me"), Operation.APPROVE, Roles(), task())
    # once roles are granted, a trusted local user is checked like everyone else
    with pytest.raises(Refused):
        require(actor("me", trusted=True), Operation.APPROVE, ROLES, task())


@pytest.mark.parametrize(
    ("target", "operation"),
    [
        ("ready", Operation.APPROVE),
        ("DRAFT", Operation.DRAFT),
        ("completed", Operation.FINISH),
        ("failed", Operation.FINISH),
        ("submitted", Operation.SUBMIT),
    ],
)
def test_each_status_move_is_its_operation(target: str, operation: Operation) -> None:
    assert status_operation(target) is operation


def test_the_subject_task_is_found_by_name_or_issue_and_none_when_unknown() -> None:
    state = State()
    state.put_task(task())
    assert subject_task(state, "issue-7") == task()
    assert subject_task(state, "7") == task()
    assert subject_task(state, "nope") is None
    assert subject_task(state, None) is None
