"""The one role policy (domain/authz) applied to an actor (services/authorization): who may do
which operation, decided on logins first and on team membership (asked through the GitHub port)
only when logins do not decide; a repository that grants nobody is set up by trusted locals."""

from __future__ import annotations

from dataclasses import replace

import pytest

from pcs_gitops.domain.authz import OPEN_TO_ALL, Operation, status_operation
from pcs_gitops.domain.model import ProdTask, PublicCatalog, Tag, TagKind, TaskStatus
from pcs_gitops.domain.settings import Role, RoleGrant, Roles
from pcs_gitops.domain.state import State
from pcs_gitops.errors import Refused
from pcs_gitops.services.authorization import require, require_on_tag, subject_task
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


# --------------------------------------------------------------------------- the dynamic catalogue
PWG_ROLES = Roles(
    grants=(
        *ROLES.grants,
        RoleGrant(Role.PWG_CONVENER, logins=("convener",), pwg="jets_hf"),
        RoleGrant(Role.PWG_CONVENER, logins=("other-convener",), pwg="edt"),
    )
)
MANAGERS_ONLY = (
    Operation.REINSTATE,
    Operation.CLONE,
    Operation.CAMPAIGN,
    Operation.TAG_LOCK,
)


@pytest.mark.parametrize("operation", MANAGERS_ONLY)
def test_reinstating_cloning_campaigns_and_locking_are_for_managers_only(
    operation: Operation,
) -> None:
    require(actor("Maria"), operation, PWG_ROLES, task())
    for login in ("requester", "pwg-person", "convener"):
        with pytest.raises(Refused) as refused:
            require(actor(login), operation, PWG_ROLES, task())
        assert f"only a production manager or an admin may {operation.value}." in str(refused.value)


def test_a_convener_of_the_requests_pwg_sets_its_priority_and_a_member_does_not() -> None:
    require(actor("convener"), Operation.PRIORITY, PWG_ROLES, task(pwg="jets_hf"))
    with pytest.raises(Refused) as refused:
        require(actor("other-convener"), Operation.PRIORITY, PWG_ROLES, task(pwg="jets_hf"))
    assert str(refused.value) == (
        "other-convener may not change the priority of this request ('issue-7'): only a "
        "convener of the request's PWG, a production manager or an admin may change the "
        "priority of this request. Who may: `Maria`, `epic/prod-managers`, `root-admin`, "
        "`convener` (from state/roles.yaml)"
    )
    for login in ("pwg-person", "requester"):
        with pytest.raises(Refused):
            require(actor(login), Operation.PRIORITY, PWG_ROLES, task(pwg="jets_hf"))


def test_a_convener_may_change_their_pwgs_requests_as_a_member_does() -> None:
    require(actor("convener"), Operation.UPDATE, PWG_ROLES, task("someone", pwg="jets_hf"))


def test_the_requester_withdraws_their_request_only_before_submission() -> None:
    draft = task("anna")
    require(actor("anna"), Operation.WITHDRAW, PWG_ROLES, draft)
    submitted = replace(draft, status=TaskStatus.SUBMITTED)
    with pytest.raises(Refused, match="it is submitted, and only a production manager"):
        require(actor("anna"), Operation.WITHDRAW, PWG_ROLES, submitted)
    require(actor("Maria"), Operation.WITHDRAW, PWG_ROLES, submitted)
    with pytest.raises(Refused, match="only the requester \\(before submission\\)"):
        require(actor("pwg-person"), Operation.WITHDRAW, PWG_ROLES, draft)


def test_members_and_conveners_edit_their_pwgs_tags_and_imported_tags_are_the_managers() -> None:
    theirs = Tag(TagKind.PHYSICS, "p2001", category=2, pwg="jets_hf")
    for login in ("pwg-person", "convener", "Maria"):
        require_on_tag(actor(login), Operation.TAG_EDIT, PWG_ROLES, theirs)
    with pytest.raises(Refused, match="only a member or convener of the tag's PWG"):
        require_on_tag(actor("other-convener"), Operation.TAG_EDIT, PWG_ROLES, theirs)
    imported = Tag(TagKind.PHYSICS, "p2002", category=2)
    with pytest.raises(Refused):
        require_on_tag(actor("pwg-person"), Operation.TAG_EDIT, PWG_ROLES, imported)
    require_on_tag(actor("Maria"), Operation.TAG_EDIT, PWG_ROLES, imported)


@pytest.mark.parametrize("login", ["requester", "pwg-person", "Maria", "root-admin"])
def test_the_requester_their_pwg_managers_and_admins_may_confirm_inferred_metadata(
    login: str,
) -> None:
    require(actor(login), Operation.CONFIRM, ROLES, task())


def test_anyone_else_may_not_confirm_and_is_told_who_may() -> None:
    with pytest.raises(Refused) as refused:
        require(actor("mallory"), Operation.CONFIRM, ROLES, task(pwg="inclusive"))
    assert str(refused.value) == (
        "mallory may not confirm the inferred metadata of this request ('issue-7'): only the "
        "requester, a member of the request's PWG, a production manager or an admin may confirm "
        "the inferred metadata of this request. Who may: the requester and `Maria`, "
        "`epic/prod-managers`, `root-admin` (from state/roles.yaml)"
    )
