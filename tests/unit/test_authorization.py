"""The write policy of services/authorization.py: who may do which write, decided on logins
first and on team membership (asked through the GitHub port) only when logins do not decide."""

from __future__ import annotations

import pytest

from pcs_gitops.domain.model import ProdTask, PublicCatalog, TaskStatus
from pcs_gitops.domain.settings import Role, RoleGrant, Roles
from pcs_gitops.domain.state import State
from pcs_gitops.errors import Refused
from pcs_gitops.services.authorization import (
    OPEN_TO_ALL,
    Operation,
    authorize_write,
    managers,
    subject_task,
)

ROLES = Roles(
    grants=(
        RoleGrant(Role.PRODUCTION_MANAGER, logins=("Maria",), teams=("epic/prod-managers",)),
        RoleGrant(Role.ADMIN, logins=("root-admin",)),
        RoleGrant(Role.PWG_MEMBER, logins=("pwg-person",), pwg="jets_hf"),
    )
)


class FakeTeams:
    """The team part of the GitHub port: members per ``org/team``, and the questions asked."""

    def __init__(self, members: dict[str, set[str]] | None = None) -> None:
        self.members = members or {}
        self.asked: list[tuple[str, str, str]] = []

    def has_team_member(self, org: str, team_slug: str, login: str) -> bool:
        self.asked.append((org, team_slug, login))
        return login in self.members.get(f"{org}/{team_slug}", set())


def task(created_by: str = "requester", status: TaskStatus = TaskStatus.DRAFT) -> ProdTask:
    return ProdTask(
        name="issue-7",
        prod_config="c",
        created_by=created_by,
        status=status,
        public_catalog=PublicCatalog(issue=7),
    )


@pytest.mark.parametrize("operation", sorted(OPEN_TO_ALL))
def test_anyone_authenticated_may_file_and_comment(operation: Operation) -> None:
    teams = FakeTeams()
    authorize_write(operation, "stranger", Roles(), teams, task=task)
    assert teams.asked == []


@pytest.mark.parametrize("login", ["Maria", "maria", "root-admin"])
def test_managers_and_admins_may_change_status_and_record_submissions(login: str) -> None:
    for operation in (Operation.SET_STATUS, Operation.RECORD_SUBMISSION, Operation.LINK_INPUT):
        authorize_write(operation, login, ROLES, FakeTeams(), task=lambda: task("someone-else"))


def test_a_login_grant_decides_without_asking_github_about_teams() -> None:
    teams = FakeTeams()
    authorize_write(Operation.SET_STATUS, "Maria", ROLES, teams, task=task)
    assert teams.asked == []


def test_a_team_grant_is_checked_through_the_github_port() -> None:
    teams = FakeTeams({"epic/prod-managers": {"tm-member"}})
    authorize_write(Operation.SET_STATUS, "tm-member", ROLES, teams, task=task)
    assert teams.asked == [("epic", "prod-managers", "tm-member")]


def test_a_requester_may_not_change_the_status_of_their_own_task() -> None:
    with pytest.raises(Refused) as refused:
        authorize_write(Operation.SET_STATUS, "requester", ROLES, FakeTeams(), task_key="issue-7")
    assert str(refused.value) == (
        "requester may not change the status of task 'issue-7': only a production manager or "
        "an admin may; ask `Maria`, `epic/prod-managers`, `root-admin` (from state/roles.yaml)"
    )


def test_a_pwg_member_is_no_production_manager() -> None:
    with pytest.raises(Refused, match="record a submission of task 'issue-7'"):
        authorize_write(
            Operation.RECORD_SUBMISSION, "pwg-person", ROLES, FakeTeams(), task_key="issue-7"
        )


def test_the_creator_may_link_inputs_of_their_own_draft_in_any_case() -> None:
    authorize_write(Operation.LINK_INPUT, "REQUESTER", ROLES, FakeTeams(), task=task)


@pytest.mark.parametrize(
    ("creator", "status"),
    [("someone-else", TaskStatus.DRAFT), ("requester", TaskStatus.READY)],
)
def test_linking_inputs_of_another_task_or_a_non_draft_needs_a_manager(
    creator: str, status: TaskStatus
) -> None:
    with pytest.raises(Refused) as refused:
        authorize_write(
            Operation.LINK_INPUT,
            "requester",
            ROLES,
            FakeTeams(),
            task=lambda: task(creator, status),
        )
    assert "only its creator while it is a draft, a production manager or an admin may" in str(
        refused.value
    )


def test_an_unknown_task_is_left_to_the_use_case_to_refuse() -> None:
    authorize_write(Operation.LINK_INPUT, "stranger", ROLES, FakeTeams(), task=lambda: None)


@pytest.mark.parametrize("operation", [*sorted(OPEN_TO_ALL), Operation.SET_STATUS])
def test_the_task_is_looked_up_only_when_the_decision_depends_on_it(operation: Operation) -> None:
    looked_up: list[str] = []

    def lookup() -> ProdTask:
        looked_up.append("task")
        return task()

    authorize_write(operation, "Maria", ROLES, FakeTeams(), task=lookup)
    assert looked_up == []
    authorize_write(Operation.LINK_INPUT, "requester", ROLES, FakeTeams(), task=lookup)
    assert looked_up == ["task"]


def test_the_refusal_says_when_roles_yaml_grants_nobody() -> None:
    assert managers(Roles()) == (
        "state/roles.yaml grants that role to nobody yet: an admin adds logins or teams there"
    )
    with pytest.raises(Refused, match="grants that role to nobody yet"):
        authorize_write(Operation.SET_STATUS, "x", Roles(), FakeTeams(), task_key="issue-9")


def test_the_subject_task_is_found_by_name_or_issue_and_none_when_unknown() -> None:
    state = State()
    state.put_task(task())
    assert subject_task(state, "issue-7") == task()
    assert subject_task(state, "7") == task()
    assert subject_task(state, "nope") is None
    assert subject_task(state, None) is None
