"""The core `pcs` commands end to end through click's CliRunner: catalogue import and render,
dataset and task intake, link-input, set-status, list paging and identifier resolution.

Every refusal is checked for its exit code, its exact `Error: ` line and an unchanged state."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from click.testing import Result

from tests.conftest import REAL_CATALOG, snapshot

RunCli = Callable[..., Result]
EVGEN = "/volatile/eic/EPIC/EVGEN/"
BEAGLE = EVGEN + "DIS/BeAGLE1.03.02-1.0/eH2/10x130"
NC = EVGEN + "DIS/NC/10x100/minQ2=1"
TASK = "state/prod_tasks/issue-5.yaml"
CSV = "docs/_data/datasets.csv"


def ok(result: Result) -> Result:
    assert result.exit_code == 0, result.output
    assert "Traceback" not in result.output
    return result


def refused(result: Result, exit_code: int, message: str) -> None:
    """The command failed cleanly: the exit code, one `Error: ` message, no traceback."""
    assert result.exit_code == exit_code, result.output
    assert result.stderr == f"Error: {message}\n"
    assert result.stdout == ""
    assert isinstance(result.exception, SystemExit)
    assert "Traceback" not in result.output


def as_json(result: Result) -> Any:
    return json.loads(ok(result).stdout)


class Pcs:
    """``pcs --repo ROOT ...`` bound to one repository."""

    def __init__(self, run_cli: RunCli, root: Path) -> None:
        self.run_cli = run_cli
        self.root = root

    def __call__(self, *args: str) -> Result:
        return self.run_cli("--repo", str(self.root), *args)


@pytest.fixture
def pcs(repo: Path, run_cli: RunCli) -> Pcs:
    return Pcs(run_cli, repo)


@pytest.fixture
def beagle(pcs: Pcs) -> dict[str, Any]:
    """An external EVGEN dataset whose tags are complete (so a task using it can become ready)."""
    payload: dict[str, Any] = as_json(
        pcs("dataset", "intake", "--source-location", BEAGLE, "--json")
    )
    return payload


def intake_task(pcs: Pcs, issue: str, *extra: str) -> Result:
    return pcs("task", "intake", "--public-catalog-issue", issue, *extra)


@pytest.fixture
def ready_task(pcs: Pcs, beagle: dict[str, Any]) -> str:
    """Issue 5's task, complete and moved to ready."""
    ok(
        intake_task(
            pcs,
            "5",
            "--pwg",
            "inclusive",
            "--priority",
            "1",
            "--dataset-path",
            BEAGLE,
            "--events",
            "400k",
            "--dataset",
            beagle["dataset"]["did"],
        )
    )
    ok(pcs("task", "confirm", "issue-5"))
    ok(pcs("task", "set-status", "issue-5", "ready"))
    return "issue-5"


@pytest.fixture
def imported_template(_imported_template: Path) -> Path:
    """The session's imported real catalogue, shared: only for commands that write nothing."""
    return _imported_template


def write_old_layout(path: Path) -> Path:
    """A catalogue in the a88ef51 layout (11 columns, Priority last, CRLF, LF inside quotes)."""
    path.write_bytes(
        (
            "DSC or PWG,Dataset Path,Generator Config,Number of Events,Background,New Request,"
            "Pre-TDR Use,Early Science Use,Other Use,Description,Priority\r\n"
            f'Inclusive,{NC},pythia8,1M + ?,No,Yes,Yes,No,,"Line one \nline two",Will be 1\r\n'
            ",,,,,,,,,,\r\n"
            "Exclusive/Diffractive/Tagging,D0 at 10x130,eSTARlight,400k,No,No,Yes,Yes,,,1\r\n"
            f"Jets & HF,{BEAGLE},pythia8,5M,No,No,No,No,,,2\r\n"
            f"Jets & HF,{BEAGLE},pythia8,5M,No,No,No,No,,,3\r\n"
        ).encode()
    )
    return path


def tree(root: Path) -> dict[str, bytes]:
    """Every file of the repository (state and derived) with its bytes."""
    return {
        str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()
    }


# --------------------------------------------------------------------------- import and render
def test_importing_the_real_catalogue_then_rendering_reproduces_it_byte_for_byte(
    imported_template: Path, run_cli: RunCli
) -> None:
    assert (imported_template / CSV).read_bytes() == REAL_CATALOG.read_bytes()
    result = ok(run_cli("--repo", str(imported_template), "render", "--check"))
    assert result.stdout == "up to date\n"


def test_a_second_import_of_the_same_file_writes_nothing(
    imported_repo: Path, run_cli: RunCli
) -> None:
    before = tree(imported_repo)
    result = ok(run_cli("--repo", str(imported_repo), "catalog", "import", str(REAL_CATALOG)))
    assert result.stdout == (
        "405 rows: 0 tasks created, 0 updated, 405 unchanged; 0 datasets and 0 tags created; "
        "nothing changed\n"
    )
    assert tree(imported_repo) == before


def test_an_old_layout_imports_with_warnings_and_renders_in_todays_layout(
    pcs: Pcs, repo: Path, tmp_path: Path
) -> None:
    source = write_old_layout(tmp_path / "a88ef51.csv")
    report = as_json(pcs("catalog", "import", str(source), "--json"))
    assert (report["rows"], report["tasks_created"], report["datasets_created"]) == (4, 4, 2)
    warnings = report["warnings"]
    assert "line 2: priority 'Will be 1' is not 1, 2, 3 or -1; kept verbatim" in warnings
    assert "line 2: event count '1M + ?' is not a number; kept verbatim" in warnings
    assert "line 4: blank separator row skipped" in warnings
    assert (
        "line 7: duplicate row key 'Dataset Path=" + BEAGLE + "'; stored as occurrence 2"
    ) in warnings
    assert any(
        w.startswith("line 5: no input dataset for 'D0 at 10x130': dataset path 'D0 at 10x130' ")
        for w in warnings
    )
    text = pcs("catalog", "import", str(source))
    assert ok(text).stdout.startswith("4 rows: 0 tasks created, 0 updated, 4 unchanged;")
    assert "warning(s):\n  " in text.stdout
    rendered = (repo / CSV).read_bytes().decode("utf-8")
    assert rendered.startswith("DSC or PWG,Priority,Dataset Path,Generator/Dataset Version,")
    assert f"Inclusive,Will be 1,{NC},pythia8,1M + ?,No,Yes,Yes,No,," in rendered
    assert '"Line one \nline two",\r\n' in rendered
    ok(pcs("validate"))


def test_render_check_fails_after_a_record_edit_and_passes_after_render(
    pcs: Pcs, repo: Path, beagle: dict[str, Any]
) -> None:
    ok(intake_task(pcs, "5", "--pwg", "inclusive", "--priority", "1", "--dataset-path", BEAGLE))
    ok(pcs("render", "--check"))
    task_file = repo / TASK
    task_file.write_text(
        task_file.read_text(encoding="utf-8").replace("priority: '1'", "priority: '2'"),
        encoding="utf-8",
    )
    csv_before = (repo / CSV).read_bytes()
    stale = pcs("render", "--check")
    assert stale.exit_code == 1
    assert stale.stdout.startswith("stale:\n  ")
    assert f"  {CSV}\n" in stale.stdout
    assert stale.stderr == "run 'pcs render' and commit the result\n"
    payload = json.loads(pcs("render", "--check", "--json").stdout)
    assert payload["ok"] is False
    assert CSV in payload["stale"]
    assert (repo / CSV).read_bytes() == csv_before
    ok(pcs("render"))
    assert f"inclusive,2,{BEAGLE}," in (repo / CSV).read_text(encoding="utf-8")
    assert ok(pcs("render", "--check")).stdout == "up to date\n"
    assert ok(pcs("render")).stdout == "derived files already up to date\n"


# --------------------------------------------------------------------------- dataset intake
def test_dataset_intake_creates_once_then_returns_the_same_dataset_without_writing(
    pcs: Pcs, repo: Path
) -> None:
    first = as_json(pcs("dataset", "intake", "--source-location", BEAGLE, "--json"))
    assert first["created"] is True
    assert first["dataset"]["source"] == {"kind": "path", "location": BEAGLE}
    assert first["dataset"]["did"] == f"group.EIC.evgen:{first['name']}.b1"
    before = snapshot(repo)
    again = as_json(pcs("dataset", "intake", "--source-location", BEAGLE, "--json"))
    assert (again["created"], again["name"], again["conflicts"]) == (False, first["name"], [])
    assert snapshot(repo) == before
    assert ok(pcs("dataset", "intake", "--source-location", BEAGLE)).stdout == (
        f"exists: {first['name']}\n"
    )


def test_conflicting_values_on_a_repeat_are_reported_and_written_nowhere(
    pcs: Pcs, repo: Path, beagle: dict[str, Any]
) -> None:
    before = snapshot(repo)
    physics = beagle["dataset"]["tags"]["physics"]
    args = ("--source-location", BEAGLE, "--physics-tag", "p6001", "--sample", "other")
    payload = as_json(pcs("dataset", "intake", *args, "--stage", "simu", "--json"))
    assert payload["created"] is False
    assert payload["conflicts"] == [
        f"physics_tag: stored '{physics}', supplied 'p6001'",
        "stage: stored 'evgen', supplied 'simu'",
        "sample: stored '', supplied 'other'",
    ]
    assert payload["dataset"] == beagle["dataset"]
    text = ok(pcs("dataset", "intake", *args)).stdout
    assert text == (
        f"exists: {beagle['name']}\n"
        "the stored dataset differs from what you supplied (nothing was changed):\n"
        f"  physics_tag: stored '{physics}', supplied 'p6001'\n"
        "  sample: stored '', supplied 'other'\n"
    )
    assert snapshot(repo) == before


@pytest.mark.parametrize(
    ("location", "kind", "message"),
    [
        (
            "relative/path",
            None,
            "dataset path 'relative/path' must be an absolute path starting with '/'",
        ),
        ("/volatile/../etc", None, "dataset path '/volatile/../etc' may not contain '..'"),
        (
            "/volatile/a;rm",
            "path",
            "dataset path '/volatile/a;rm' contains ';'; paths may not "
            "hold spaces or shell characters",
        ),
        ("ftp://host/x", "url", "source location 'ftp://host/x' is not an http(s) URL"),
        (
            "no-colon",
            "rucio_did",
            "source location 'no-colon' is not a Rucio DID of the form scope:name",
        ),
        ("/data/files.txt", "csv_manifest", "CSV manifest path '/data/files.txt' must end in .csv"),
        (
            "/data/a.root,b.root",
            None,
            "file list entry 'b.root' must be an absolute path starting with '/'",
        ),
        ("/data/a.root", "internal", None),
        ("/data/a\u202eb", None, "source location contains control or bidirectional characters"),
        ("   ", None, "source location is required (--source-location)"),
    ],
)
def test_an_invalid_location_is_refused_with_a_message_naming_it(
    pcs: Pcs, repo: Path, location: str, kind: str | None, message: str | None
) -> None:
    before = snapshot(repo)
    args = ["dataset", "intake", "--source-location", location]
    if kind:
        args += ["--source-kind", kind]
    result = pcs(*args)
    if message is None:  # refused by the option's choices before any service runs
        assert result.exit_code == 2
        assert "Invalid value for '--source-kind'" in result.stderr
        assert "Traceback" not in result.output
    else:
        refused(result, 2, message)
    assert snapshot(repo) == before


# --------------------------------------------------------------------------- task intake
@pytest.mark.parametrize("spelling", ["5", '"5"', " 5", "#5", "5 "])
def test_task_intake_treats_every_spelling_of_issue_5_as_one_key(
    pcs: Pcs, repo: Path, spelling: str
) -> None:
    created = as_json(intake_task(pcs, "5", "--pwg", "edt", "--priority", "1", "--json"))
    assert (created["created"], created["name"]) == (True, "issue-5")
    assert created["task"]["public_catalog"]["issue"] == 5
    before = snapshot(repo)
    again = as_json(intake_task(pcs, spelling, "--pwg", "edt", "--json"))
    assert (again["created"], again["name"], again["changed"]) == (False, "issue-5", [])
    assert ok(intake_task(pcs, spelling)).stdout == "exists: issue-5\n"
    assert snapshot(repo) == before
    assert sorted(p.name for p in (repo / "state" / "prod_tasks").iterdir()) == ["issue-5.yaml"]


def test_task_intake_is_idempotent_on_the_csv_path_and_row_key(pcs: Pcs, repo: Path) -> None:
    key = ("--public-catalog-csv-path", CSV, "--public-catalog-row-key", f"Dataset Path={NC}")
    created = as_json(pcs("task", "intake", *key, "--pwg", "inclusive", "--json"))
    assert (created["created"], created["name"]) == (True, "req.EVGEN.DIS.NC.10x100.minQ2=1")
    before = snapshot(repo)
    again = as_json(pcs("task", "intake", *key, "--json"))
    assert (again["created"], again["name"]) == (False, created["name"])
    assert snapshot(repo) == before


def test_new_fields_merge_into_a_draft_and_are_listed(pcs: Pcs) -> None:
    ok(intake_task(pcs, "5", "--pwg", "edt"))
    merged = as_json(intake_task(pcs, "5", "--events", "400k", "--priority", "2", "--json"))
    assert merged["changed"] == ["catalog.events", "catalog.priority"]
    assert merged["task"]["catalog"] == {
        "pwg": "edt",
        "priority": "2",
        "events": "400k",
        "issue": "5",
    }
    assert merged["task"]["history"][-1]["action"] == "updated"


def test_task_intake_without_a_key_is_refused(pcs: Pcs, repo: Path) -> None:
    before = snapshot(repo)
    refused(
        pcs("task", "intake", "--pwg", "edt"),
        2,
        "an intake key is required: --public-catalog-issue N, or both "
        "--public-catalog-csv-path and --public-catalog-row-key",
    )
    refused(intake_task(pcs, "five"), 2, "public catalogue issue 'five' must be a positive integer")
    refused(
        intake_task(pcs, "5", "--description", "=HYPERLINK(1)", "--row-description", "=cmd"),
        2,
        "refused catalogue value(s):\n  description: the value starts with '=', which a "
        "spreadsheet runs as a formula; remove the leading character or prefix the text with "
        "a letter\n  task description: the value starts with '=', which a spreadsheet runs as "
        "a formula; remove the leading character or prefix the text with a letter",
    )
    refused(
        intake_task(pcs, "5", "--events", "-2+3*cmd|' /C calc'!A0"),
        2,
        "refused catalogue value(s):\n  events: the value starts with '-' and is not a plain "
        "number, which a spreadsheet runs as a formula; remove the leading character or prefix "
        "the text with a letter",
    )
    assert snapshot(repo) == before


def test_a_task_past_draft_refuses_intake_changes_and_keeps_its_state(
    pcs: Pcs, repo: Path, ready_task: str
) -> None:
    before = snapshot(repo)
    refused(
        intake_task(pcs, "5", "--priority", "2"),
        1,
        "task 'issue-5' is ready; intake changes only draft tasks "
        "(would change: catalog.priority). Move it back to draft first.",
    )
    assert snapshot(repo) == before
    assert ok(intake_task(pcs, "5", "--priority", "1")).stdout == "exists: issue-5\n"
    assert snapshot(repo) == before


# --------------------------------------------------------------------------- link-input
def test_link_input_sets_the_inputs_of_a_draft(pcs: Pcs, beagle: dict[str, Any]) -> None:
    ok(intake_task(pcs, "5"))
    linked = as_json(
        pcs("task", "link-input", "issue-5", "--did", beagle["dataset"]["did"], "--json")
    )
    assert linked["task"]["input_datasets"] == [beagle["dataset"]["did"]]


@pytest.mark.parametrize(
    ("args", "exit_code", "message"),
    [
        (
            ["--did", "group.EIC.evgen:missing.b1"],
            1,
            "no dataset has the DID(s) group.EIC.evgen:missing.b1; create them with "
            "'pcs dataset intake' first",
        ),
        (["--did", "x:y.b1", "--dids", "x:y.b1"], 2, "give exactly one of --did or --dids"),
        ([], 2, "give exactly one of --did or --dids"),
        (["--dids", " , "], 2, "--dids needs at least one DID"),
    ],
    ids=["unknown-did", "both", "neither", "empty-list"],
)
def test_link_input_refusals_leave_the_state_unchanged(
    pcs: Pcs, repo: Path, args: list[str], exit_code: int, message: str
) -> None:
    ok(intake_task(pcs, "5"))
    before = snapshot(repo)
    refused(pcs("task", "link-input", "issue-5", *args), exit_code, message)
    assert snapshot(repo) == before


def test_link_input_on_a_ready_task_is_refused(
    pcs: Pcs, repo: Path, ready_task: str, beagle: dict[str, Any]
) -> None:
    before = snapshot(repo)
    refused(
        pcs("task", "link-input", ready_task, "--did", beagle["dataset"]["did"]),
        1,
        "task 'issue-5' is ready; inputs change only in draft",
    )
    assert snapshot(repo) == before


# --------------------------------------------------------------------------- set-status
def test_set_status_moves_a_complete_task_to_ready_and_back(pcs: Pcs, ready_task: str) -> None:
    shown = as_json(pcs("task", "get", ready_task, "--json"))
    assert shown["status"] == "ready"
    back = ok(pcs("task", "set-status", ready_task, "draft"))
    assert back.stdout.startswith("issue-5: ready -> draft (")


@pytest.mark.parametrize(
    ("task", "status", "exit_code", "message"),
    [
        (
            "issue-5",
            "paused",
            2,
            "status 'paused' is unknown; choose from draft, ready, submitted, completed, failed",
        ),
        (
            "issue-5",
            "completed",
            1,
            "task 'issue-5': cannot move from 'draft' to 'completed'; allowed from 'draft': ready",
        ),
        (
            "issue-5",
            "submitted",
            1,
            "task 'issue-5': cannot move from 'draft' to 'submitted'; allowed from 'draft': ready",
        ),
        ("issue-9", "ready", 1, "no task is named 'issue-9'; see 'pcs task list'"),
    ],
    ids=["unknown-status", "illegal-move", "submitted-by-hand", "unknown-task"],
)
def test_set_status_refusals_leave_the_state_unchanged(
    pcs: Pcs, repo: Path, task: str, status: str, exit_code: int, message: str
) -> None:
    ok(intake_task(pcs, "5", "--pwg", "edt"))
    before = snapshot(repo)
    refused(pcs("task", "set-status", task, status), exit_code, message)
    assert snapshot(repo) == before


def test_set_status_ready_lists_every_readiness_problem(pcs: Pcs, repo: Path) -> None:
    ok(intake_task(pcs, "5", "--pwg", "nope", "--priority", "9", "--events", "lots"))
    before = snapshot(repo)
    refused(
        pcs("task", "set-status", "5", "ready"),
        1,
        "task 'issue-5' is not ready:\n"
        "  - no input dataset is linked; run 'pcs task link-input NAME --did DID'\n"
        "  - number of events 'lots' is not a count like 400k, 2.75M or All; correct it\n"
        "  - DSC or PWG 'nope' is not one of edt, inclusive, jets_hf, semi_inclusive, tracking, "
        "bsm_ew, other\n"
        "  - priority '9' is not 1, 2, 3 or -1\n"
        "  - dataset path is empty",
    )
    assert snapshot(repo) == before


def test_submitted_is_reached_only_by_recording_a_submission(
    pcs: Pcs, repo: Path, ready_task: str
) -> None:
    before = snapshot(repo)
    refused(
        pcs("task", "set-status", ready_task, "submitted"),
        1,
        "task 'issue-5': a task becomes 'submitted' only by recording a submission: run "
        "'pcs task record-submission NAME --panda-task-id N' (or 'pcs task submit NAME')",
    )
    assert snapshot(repo) == before
    recorded = as_json(
        pcs("task", "record-submission", ready_task, "--panda-task-id", "4242", "--json")
    )
    assert recorded["task"]["status"] == "submitted"
    assert recorded["attempt"]["try_number"] == 1
    refused(
        pcs("task", "record-submission", ready_task, "--panda-task-id", "4243"),
        1,
        "task 'issue-5' already records PanDA task 4242; a task is submitted once",
    )
    ok(pcs("validate"))


# --------------------------------------------------------------------------- list and resolve
def test_task_list_json_pages_through_every_task(imported_template: Path, run_cli: RunCli) -> None:
    pcs = Pcs(run_cli, imported_template)
    first = as_json(pcs("task", "list", "--json"))
    assert list(first) == ["count", "limit", "offset", "tasks"]
    assert (first["count"], first["limit"], first["offset"]) == (405, 20, 0)
    assert len(first["tasks"]) == 20
    everything = as_json(pcs("task", "list", "--limit", "405", "--json"))["tasks"]
    names = [t["name"] for t in everything]
    assert names == sorted(names)
    assert len(set(names)) == 405
    assert [t["name"] for t in first["tasks"]] == names[:20]
    pages = [
        as_json(pcs("task", "list", "--limit", "200", "--offset", str(o), "--json"))["tasks"]
        for o in (0, 200, 400)
    ]
    assert [t["name"] for page in pages for t in page] == names
    assert [len(page) for page in pages] == [200, 200, 5]
    past = as_json(pcs("task", "list", "--offset", "1000", "--name-contains", "single", "--json"))
    assert (past["count"], past["tasks"]) == (sum("SINGLE" in n for n in names), [])


def test_an_ambiguous_task_identifier_is_refused_with_its_candidates(
    imported_template: Path, run_cli: RunCli
) -> None:
    prefix = "req.EVGEN.SINGLE.pi+.1GeV"
    refused(
        run_cli("--repo", str(imported_template), "task", "get", prefix),
        1,
        f"task '{prefix}' is ambiguous: it matches 3 records ({prefix}.130to177deg, "
        f"{prefix}.3to50deg, {prefix}.45to135deg); use the full name",
    )
    shown = as_json(
        run_cli("--repo", str(imported_template), "task", "get", f"{prefix}.3to50deg", "--json")
    )
    assert shown["name"] == f"{prefix}.3to50deg"


def test_an_ambiguous_dataset_identifier_shows_the_first_ten_candidates(
    imported_template: Path, run_cli: RunCli
) -> None:
    result = run_cli("--repo", str(imported_template), "dataset", "get", "group.EIC.evgen")
    assert result.exit_code == 1
    message = result.stderr
    assert message.startswith(
        "Error: dataset 'group.EIC.evgen' is ambiguous: it matches 405 records ("
    )
    assert message.endswith(" ...); use the full name\n")
    assert message.count("group.EIC.evgen.26.02.0.") == 10


def test_a_task_can_be_found_by_its_issue_number(pcs: Pcs) -> None:
    ok(intake_task(pcs, "5"))
    assert as_json(pcs("task", "get", "#5", "--json"))["name"] == "issue-5"
    assert as_json(pcs("task", "get", "5", "--json"))["name"] == "issue-5"


@pytest.mark.parametrize(
    "args",
    [
        ["task", "get", ""],
        ["task", "list", "--limit", "-1"],
        ["task", "list", "--status", "paused"],
        ["task", "record-submission", "issue-5", "--panda-task-id", "0"],
        ["task", "record-submission", "issue-5", "--panda-task-id", "x"],
        ["task", "comment", "issue-5", "   "],
        ["dataset", "get", "nope"],
        ["dataset", "intake"],
        ["catalog", "import", "/no/such/file.csv"],
        ["render", "--bogus"],
    ],
)
def test_no_refusal_ever_prints_a_traceback(pcs: Pcs, repo: Path, args: list[str]) -> None:
    ok(intake_task(pcs, "5"))
    before = snapshot(repo)
    result = pcs(*args)
    assert result.exit_code in (1, 2), result.output
    assert "Traceback" not in result.output
    assert isinstance(result.exception, SystemExit)
    assert "Error" in result.stderr
    assert snapshot(repo) == before


def test_render_check_pending_accepts_derived_files_a_change_of_records_left_alone(
    pcs: Pcs, repo: Path, beagle: dict[str, Any]
) -> None:
    """A request's pull request carries records only: its derived files are its base's until
    the default branch renders them. ``--pending`` accepts that; a hand edit still fails."""
    from tests.support.gh_events import git

    ok(intake_task(pcs, "5", "--pwg", "inclusive", "--priority", "1", "--dataset-path", BEAGLE))
    git(repo, "init", "-q", "-b", "main")
    git(repo, "add", "-A")
    git(repo, "-c", "user.name=t", "-c", "user.email=t@x", "commit", "-q", "-m", "base")
    task_file = repo / TASK
    task_file.write_text(
        task_file.read_text(encoding="utf-8").replace("priority: '1'", "priority: '2'"),
        encoding="utf-8",
    )
    git(repo, "-c", "user.name=t", "-c", "user.email=t@x", "commit", "-q", "-am", "records")
    assert pcs("render", "--check").exit_code == 1
    waiting = ok(pcs("render", "--check", "--pending"))
    assert "derived file(s) wait for the records this change brought" in waiting.stdout
    payload = json.loads(ok(pcs("render", "--check", "--pending", "--json")).stdout)
    assert payload["ok"] is True and payload["stale"] == [] and CSV in payload["pending"]
    # a derived file edited by hand in the change is stale, pending or not
    csv_file = repo / CSV
    csv_file.write_bytes(csv_file.read_bytes().replace(b"inclusive,1,", b"inclusive,9,"))
    edited = pcs("render", "--check", "--pending")
    assert edited.exit_code == 1 and f"  {CSV}\n" in edited.stdout
    usage = pcs("render", "--pending")
    assert usage.exit_code == 2 and "--pending goes with --check" in usage.stderr
