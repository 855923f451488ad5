"""The pure decisions of the request pipeline (pcs_gitops.services.requests)."""

from __future__ import annotations

from pathlib import Path

import pytest

from pcs_gitops.adapters.yaml_store import YamlStateStore
from pcs_gitops.domain import authz
from pcs_gitops.domain import commands as cmd
from pcs_gitops.domain import request_form as rf
from pcs_gitops.domain.issue_form import IssueForm, parse_issue_body, render_issue_body
from pcs_gitops.domain.settings import CatalogSettings, Role, RoleGrant, Roles
from pcs_gitops.errors import UsageError
from pcs_gitops.services import branches
from pcs_gitops.services import request_texts as texts

ROOT = Path(__file__).resolve().parents[2]
SETTINGS = CatalogSettings()


@pytest.fixture(scope="module")
def form() -> IssueForm:
    data = YamlStateStore(ROOT).load_file(ROOT / ".github/ISSUE_TEMPLATE/dataset_request.yml")
    return IssueForm.from_template(data, aliases=rf.FORM_ALIASES)


FULL = {
    "dsc_or_pwg": "Jets & HF",
    "dataset_path": "/volatile/eic/EPIC/EVGEN/DIS/NC/18x275/q2_10_100",
    "generator_dataset_version": "https://github.com/org/gen/releases/tag/v1.0",
    "number_of_events": "",
    "background": "No",
    "new_request": "Yes",
    "pre_tdr_use": "Maybe",
    "early_science_use": "No",
    "other_use": "Yes",
    "description": "Line one\n\n### not a heading\nlast line",
    "priority": "1 (Highest)",
}


def answers(form: IssueForm, **changes: str) -> rf.RequestAnswers:
    body = render_issue_body(form, {**FULL, **changes})
    return rf.answers_from_form(form, parse_issue_body(form, body), SETTINGS)


# --------------------------------------------------------------------------- form answers


def test_every_form_answer_lands_in_its_named_catalogue_field(form: IssueForm) -> None:
    got = answers(form)
    assert got.problems == {}
    assert got.catalog == {
        "pwg": "jets_hf",
        "dataset_path": "/volatile/eic/EPIC/EVGEN/DIS/NC/18x275/q2_10_100",
        "generator_version": "https://github.com/org/gen/releases/tag/v1.0",
        "events": "",  # empty stays empty: no "All" sentinel
        "background": "No",
        "new_request": "Yes",
        "pre_tdr_use": "Maybe",
        "early_science_use": "No",
        "other_use": "Yes",
        "description": "Line one\n\n### not a heading\nlast line",
        "priority": "1",
    }


def test_answers_map_to_a_dataset_intake_and_a_task_intake_keyed_on_the_issue(
    form: IssueForm,
) -> None:
    got = answers(form)
    dataset = got.dataset_intake()
    assert dataset is not None
    assert dataset.source_location == FULL["dataset_path"]
    assert dataset.release_url == FULL["generator_dataset_version"]
    task = got.task_intake(42, "group.EIC.evgen:x.b1")
    assert task.public_catalog_issue == 42
    assert task.input_dataset_did == "group.EIC.evgen:x.b1"
    assert task.catalog["priority"] == "1"


@pytest.mark.parametrize(
    ("display", "slug"),
    [
        ("Exclusive/Diffractive/Tagging", "edt"),
        ("Inclusive", "inclusive"),
        ("Jets & HF", "jets_hf"),
        ("SIDIS", "semi_inclusive"),
        ("Tracking", "tracking"),
        ("BSM/EW", "bsm_ew"),
        ("Other", "other"),
        ("jets_hf", "jets_hf"),
    ],
)
def test_pwg_display_names_become_catalogue_slugs(form: IssueForm, display: str, slug: str) -> None:
    assert answers(form, dsc_or_pwg=display).catalog["pwg"] == slug


def test_an_unknown_pwg_is_refused_with_the_choices(form: IssueForm) -> None:
    got = answers(form, dsc_or_pwg="Astro")
    assert "pwg" not in got.catalog
    assert "not a known DSC or PWG" in got.problems["DSC or PWG"]
    assert "Jets & HF" in got.problems["DSC or PWG"]


@pytest.mark.parametrize(
    ("option", "value"),
    [("1 (Highest)", "1"), ("2 (Medium)", "2"), ("3 (Lower)", "3"), ("-1 (N/A)", "-1"), ("2", "2")],
)
def test_priority_options_keep_their_leading_number(
    form: IssueForm, option: str, value: str
) -> None:
    assert answers(form, priority=option).catalog["priority"] == value


@pytest.mark.parametrize("option", ["7 (Urgent)", "high", "12"])
def test_a_priority_outside_1_2_3_minus_1_is_refused(form: IssueForm, option: str) -> None:
    got = answers(form, priority=option)
    assert "priority" not in got.catalog
    assert "is not a priority" in got.problems["Priority"]


@pytest.mark.parametrize("value", ['=HYPERLINK("x")', "+1M", "@SUM(A1)", "-cmd"])
def test_spreadsheet_formula_values_are_refused_with_an_explanation(
    form: IssueForm, value: str
) -> None:
    got = answers(form, number_of_events=value)
    assert "events" not in got.catalog
    problem = got.problems["Number of Events"]
    assert "formula" in problem
    assert "start the text with a letter" in problem


def test_a_negative_number_is_not_a_formula(form: IssueForm) -> None:
    assert answers(form, priority="-1 (N/A)").problems == {}


@pytest.mark.parametrize("field_id", ["number_of_events", "other_use", "description"])
def test_a_minus_formula_is_refused_in_every_free_text_answer(
    form: IssueForm, field_id: str
) -> None:
    got = answers(form, **{field_id: "-2+3*cmd|' /C calc'!A0"})
    label = form.field(field_id).label
    assert "is not a plain number, which a spreadsheet runs as a formula" in got.problems[label]
    assert "-2+3*cmd|' /C calc'!A0" not in got.catalog.values()


def test_duplicated_sections_in_a_one_line_field_are_refused_not_glued(form: IssueForm) -> None:
    body = render_issue_body(form, FULL) + (
        "\n\n### Dataset Path\n\n/etc/passwd\n\n### Description\n\n=1+1"
    )
    got = rf.answers_from_form(form, parse_issue_body(form, body), SETTINGS)
    assert got.problems["Sample variant"] == (  # the form's last field
        "the value spans 9 lines but this field takes one line; it was not recorded. "
        "Give a single value on one line (and one request per dataset)"
    )
    assert "sample_variant" not in got.extras
    assert not any("/etc/passwd" in v for v in got.catalog.values())


@pytest.mark.parametrize("field_id", ["dataset_path", "number_of_events", "dsc_or_pwg"])
def test_a_line_break_in_a_one_line_field_names_the_field(form: IssueForm, field_id: str) -> None:
    got = answers(form, **{field_id: "/volatile/eic/a\n/volatile/eic/b"})
    assert "takes one line" in got.problems[form.field(field_id).label]
    assert rf.FORM_TO_CATALOG[field_id] not in got.catalog


def test_control_and_bidi_characters_are_stripped_and_reported(form: IssueForm) -> None:
    got = answers(form, description="safe\u202etext\x07 here", number_of_events="1M\u200f")
    assert got.catalog["description"] == "safetext here"
    assert got.catalog["events"] == "1M"
    assert any("Description: 2 control" in n for n in got.notes)


def test_oversized_values_are_refused_with_the_limit(form: IssueForm) -> None:
    got = answers(form, description="x" * (rf.MAX_MULTI_LINE + 1))
    assert "description" not in got.catalog
    assert f"the limit is {rf.MAX_MULTI_LINE}" in got.problems["Description"]


@pytest.mark.parametrize(
    "path",
    [
        "/volatile/eic/../../etc/passwd",
        "/gpfs/a;rm -rf /",
        "/gpfs/$(whoami)/x",
        "relative/path",
        "(1) /a (2) /b",
    ],
)
def test_unsafe_dataset_paths_are_refused(form: IssueForm, path: str) -> None:
    got = answers(form, dataset_path=path)
    assert "dataset_path" not in got.catalog
    assert "Dataset Path" in got.problems
    assert got.dataset_intake() is None


def test_dropdown_values_are_checked_against_the_options_ignoring_case(form: IssueForm) -> None:
    assert answers(form, background="yes").catalog["background"] == "Yes"
    refused = answers(form, background="Sometimes")
    assert "background" not in refused.catalog
    assert "No, Yes" in refused.problems["Background"]


def test_a_body_filed_with_the_old_generator_config_label_still_parses(form: IssueForm) -> None:
    body = "### DSC or PWG\n\nInclusive\n\n### Generator Config\n\npythia 8.3\n"
    got = rf.answers_from_form(form, parse_issue_body(form, body), SETTINGS)
    assert got.catalog["generator_version"] == "pythia 8.3"
    assert rf.form_found(form, body)
    assert not rf.form_found(form, "A plain issue\n\n### Something else\n")


def test_changed_fields_lists_only_the_fields_an_edit_changed(form: IssueForm) -> None:
    old = parse_issue_body(form, render_issue_body(form, FULL))
    new = parse_issue_body(form, render_issue_body(form, {**FULL, "priority": "2 (Medium)"}))
    assert rf.changed_fields(old, new) == ["priority"]


# --------------------------------------------------------------------------- commands


@pytest.mark.parametrize(
    ("body", "field", "value"),
    [
        ("!update Priority: 2", "Priority", "2"),
        ("!UPDATE number of events:   1M  ", "number of events", "1M"),
        ("  !update Description: one\ntwo\n\nthree\n", "Description", "one\ntwo\n\nthree"),
        ("!update Description:\nall on the next lines\n", "Description", "all on the next lines"),
        ("!update Number of Events:", "Number of Events", ""),
        ("!update Other Use: a: b `c` ${d}", "Other Use", "a: b `c` ${d}"),
        ("/pcs update Number of Events=2.5M", "Number of Events", "2.5M"),
        ("/PCS UPDATE priority=", "priority", ""),
    ],
)
def test_update_commands_parse_field_and_value(body: str, field: str, value: str) -> None:
    command = cmd.parse_command(body)
    assert command is not None
    assert (command.kind, command.field, command.value) == (cmd.CommandKind.UPDATE, field, value)


@pytest.mark.parametrize(
    ("body", "kind", "argument"),
    [
        ("/pcs help", cmd.CommandKind.HELP, ""),
        ("/pcs", cmd.CommandKind.HELP, ""),
        ("/pcs status ready", cmd.CommandKind.STATUS, "ready"),
        ("/pcs status DRAFT", cmd.CommandKind.STATUS, "draft"),
        ("/pcs link-input group.EIC:abc.b1", cmd.CommandKind.LINK_INPUT, "group.EIC:abc.b1"),
        ("/pcs refresh", cmd.CommandKind.REFRESH, ""),
        ("/pcs priority 1", cmd.CommandKind.PRIORITY, "1"),
        ("/PCS Priority -1 later", cmd.CommandKind.PRIORITY, "-1"),
        ("/pcs withdraw", cmd.CommandKind.WITHDRAW, ""),
        ("/pcs reinstate", cmd.CommandKind.REINSTATE, ""),
        ("/pcs clone 26.07", cmd.CommandKind.CLONE, "26.07"),
    ],
)
def test_pcs_commands_parse(body: str, kind: cmd.CommandKind, argument: str) -> None:
    command = cmd.parse_command(body)
    assert command is not None
    assert (command.kind, command.argument) == (kind, argument)


@pytest.mark.parametrize(
    "body",
    [
        "/pcs status submitted",
        "/pcs frobnicate",
        "!update no colon here",
        "/pcs link-input",
        "!update : x",
        "/pcs priority",
        "/pcs clone",
        "/pcs clone 26.07 26.08",
    ],
)
def test_malformed_commands_are_invalid_with_a_reason(body: str) -> None:
    command = cmd.parse_command(body)
    assert command is not None
    assert command.kind is cmd.CommandKind.INVALID
    assert command.error


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        ("/pcs priority 1 beam time", "beam time"),
        ("/pcs withdraw duplicate of\n  #300  ", "duplicate of #300"),
        ("/pcs reinstate", ""),
    ],
)
def test_a_reason_runs_to_the_end_of_the_comment_on_one_line(body: str, reason: str) -> None:
    command = cmd.parse_command(body)
    assert command is not None and command.reason == reason


@pytest.mark.parametrize(
    ("kind", "operation"),
    [
        (cmd.CommandKind.PRIORITY, "PRIORITY"),
        (cmd.CommandKind.WITHDRAW, "WITHDRAW"),
        (cmd.CommandKind.REINSTATE, "REINSTATE"),
        (cmd.CommandKind.CLONE, "CLONE"),
        (cmd.CommandKind.RETRY, "SUBMIT"),
    ],
)
def test_each_command_asks_for_its_operation(kind: cmd.CommandKind, operation: str) -> None:
    from pcs_gitops.domain.authz import Operation, action_for

    assert action_for(cmd.Command(kind)) is Operation[operation]


@pytest.mark.parametrize(
    "body", ["Thanks!", "please !update Priority: 2", "> !update Priority: 2", "/pcsx help", ""]
)
def test_comments_that_do_not_start_with_a_command_are_not_commands(body: str) -> None:
    assert cmd.parse_command(body) is None


@pytest.mark.parametrize(
    ("name", "field_id"),
    [
        ("Priority", "priority"),
        ("PRIORITY", "priority"),
        ("number_of_events", "number_of_events"),
        ("Number of Events", "number_of_events"),
        ("events", "number_of_events"),
        ("generator config", "generator_dataset_version"),
        ("dsc or pwg", "dsc_or_pwg"),
        ("physics tag", "physics_tag"),
    ],
)
def test_update_fields_resolve_by_label_id_alias_or_column_ignoring_case(
    form: IssueForm, name: str, field_id: str
) -> None:
    assert cmd.resolve_field(form, name) == field_id


@pytest.mark.parametrize("name", ["Issue", "issue", " ISSUE "])
def test_the_issue_field_cannot_be_updated(form: IssueForm, name: str) -> None:
    with pytest.raises(UsageError, match="cannot be changed"):
        cmd.resolve_field(form, name)


def test_an_unknown_field_lists_the_fields(form: IssueForm) -> None:
    with pytest.raises(UsageError, match=r"there is no field 'Colour'.*Priority"):
        cmd.resolve_field(form, "Colour")


def test_an_empty_update_value_clears_the_field(form: IssueForm) -> None:
    got = rf.answers_from_form(
        form, {"number_of_events": None}, SETTINGS, only=["number_of_events"]
    )
    assert got.catalog == {"events": ""}
    assert got.problems == {}


# --------------------------------------------------------------------------- authorisation

ROLES = {
    "manager": {(Role.PRODUCTION_MANAGER, None)},
    "admin": {(Role.ADMIN, None)},
    "convener": {(Role.PWG_MEMBER, "jets_hf")},
    "other-convener": {(Role.PWG_MEMBER, "edt")},
    "anna": set(),  # the requester
    "stranger": set(),
}


def holds_for(login: str) -> authz.RoleCheck:
    granted = ROLES.get(login, set())
    return lambda role, pwg: (role, pwg) in granted


A = authz.Action
CASES = [
    # (action, sender, requester, allowed)
    (A.FILE, "stranger", "stranger", True),
    (A.HELP, "stranger", "anna", True),
    (A.UPDATE, "anna", "anna", True),
    (A.UPDATE, "ANNA", "anna", True),
    (A.UPDATE, "stranger", "anna", False),
    (A.UPDATE, "manager", "anna", True),
    (A.UPDATE, "admin", "anna", True),
    (A.UPDATE, "convener", "anna", True),
    (A.UPDATE, "other-convener", "anna", False),
    (A.APPROVE, "anna", "anna", False),
    (A.APPROVE, "stranger", "anna", False),
    (A.APPROVE, "convener", "anna", False),
    (A.APPROVE, "manager", "anna", True),
    (A.APPROVE, "admin", "anna", True),
    (A.APPROVE, "manager", "manager", False),  # nobody approves their own request
    (A.APPROVE, "admin", "admin", False),
    (A.DRAFT, "anna", "anna", False),
    (A.DRAFT, "manager", "anna", True),
    (A.DRAFT, "manager", "manager", True),
]


@pytest.mark.parametrize(("action", "sender", "requester", "allowed"), CASES)
def test_authorisation_matrix(
    action: authz.Action, sender: str, requester: str, allowed: bool
) -> None:
    decision = authz.authorize(
        action, sender=sender, requester=requester, request_pwg="jets_hf", holds=holds_for(sender)
    )
    assert decision.allowed is allowed
    assert bool(decision.reason) is not allowed


def test_refusals_name_who_may_act() -> None:
    roles = Roles(
        grants=(
            RoleGrant(Role.PRODUCTION_MANAGER, logins=("boss",), teams=("eic/prod-managers",)),
            RoleGrant(Role.PWG_MEMBER, logins=("conv",), pwg="jets_hf"),
        )
    )
    expected = "`boss`, `eic/prod-managers` (from state/roles.yaml)"
    assert authz.who_may(authz.Operation.APPROVE, roles) == expected
    assert "`conv`" in authz.who_may(authz.Operation.UPDATE, roles, "jets_hf")
    assert "`conv`" not in authz.who_may(authz.Operation.UPDATE, roles, "edt")


# --------------------------------------------------------------------------- texts


def test_branch_names_come_from_the_issue_number_only() -> None:
    assert branches.request_branch(12) == "pcs/request-12"
    assert branches.issue_of_branch("pcs/request-12") == 12
    assert branches.issue_of_branch("pcs/request-012") is None
    assert branches.issue_of_branch("pcs/request-12;x") is None


def test_pull_title_is_built_from_issue_pwg_and_path_never_the_issue_title() -> None:
    title = texts.pull_title(7, "edt", "/volatile/eic/EPIC/EVGEN/EXCLUSIVE/DEMP/10x100/pi+")
    assert title == "[Dataset Request] #7: edt EXCLUSIVE/DEMP/10x100/pi+"
    assert texts.pull_title(8, "", "") == "[Dataset Request] #8: (incomplete request)"


def test_markdown_escaping_neutralises_html_mentions_and_table_breaks() -> None:
    assert texts.md_escape("<script>|@bob`x`\nnext") == "&lt;script&gt;\\|&#64;bob\\`x\\`<br>next"


def test_the_hidden_state_round_trips_and_cannot_close_the_html_comment() -> None:
    data = {"problems": {"Description": "--> <b>x</b>"}, "labels": ["pcs:needs-input"]}
    line = texts.encode_state(data)
    assert line.count("-->") == 1 and "<b>" not in line
    assert texts.decode_state("text\n" + line + "\nmore") == data


def test_label_changes_add_the_substate_and_remove_stale_ones_only() -> None:
    add, remove = texts.label_changes(
        ["pcs:awaiting-review"], ["dataset-request", "pcs:needs-metadata", "pcs:awaiting-review"]
    )
    assert (add, remove) == ([], ["pcs:needs-metadata"])
    assert texts.desired_labels("draft", "needs-input") == ["pcs:needs-input"]
    assert texts.desired_labels("ready", None) == ["pcs:ready"]
    assert texts.desired_labels("completed", None) == ["pcs:completed"]
    # the lifecycle label replaces the draft sub-state's once the task leaves draft
    add, remove = texts.label_changes(["pcs:ready"], ["pcs:awaiting-review", "wontfix"])
    assert (add, remove) == (["pcs:ready"], ["pcs:awaiting-review"])


def test_the_status_comment_is_deterministic_and_carries_its_marker() -> None:
    view = texts.RequestView(
        issue=5,
        branch="pcs/request-5",
        task_name="issue-5",
        status="draft",
        substate="needs-metadata",
        row=(("Priority", "1"), ("Description", "<img src=x>")),
        checks=(texts.CheckView("Event count parseable", False, ("bad count 'x'",)),),
        problems=(("Number of Events", "formula"),),
        pull_number=9,
    )
    text = texts.status_comment(view, {"labels": []})
    assert text == texts.status_comment(view, {"labels": []})
    assert text.startswith(texts.STATUS_MARKER)
    assert "### Dataset request #5: draft (needs metadata)" in text
    assert "- [ ] Event count parseable: bad count 'x'" in text
    assert "&lt;img src=x&gt;" in text and "<img" not in text
    body = texts.pull_body(view)
    assert body.rstrip().endswith("Request #5")
    assert "Closes" not in body  # merging the PR must not close the request issue
    assert "| Priority | 1 |" in body


def test_each_command_line_starts_a_command_and_ends_the_value_before_it() -> None:
    body = "!update Description:\nfirst\n\nsecond\n/pcs status ready\n!update Priority: 1\n"
    commands = cmd.parse_commands(body)
    assert [c.kind for c in commands] == [
        cmd.CommandKind.UPDATE,
        cmd.CommandKind.STATUS,
        cmd.CommandKind.UPDATE,
    ]
    assert commands[0].value == "first\n\nsecond"
    assert (commands[2].field, commands[2].value) == ("Priority", "1")


def test_a_comment_that_does_not_start_with_a_command_holds_none() -> None:
    assert cmd.parse_commands("thanks!\n!update Priority: 1") == []
    assert cmd.parse_commands("") == []


def test_too_many_commands_in_one_comment_are_refused_as_one() -> None:
    (only,) = cmd.parse_commands("\n".join(["/pcs refresh"] * (cmd.MAX_COMMANDS + 1)))
    assert only.kind is cmd.CommandKind.INVALID and "at most" in only.error
