"""`pcs import pcs-export`: the reference PCS's export, every record accounted for, collisions
listed with what to do and never merged, a second import changing nothing, a dry run writing
nothing."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from click.testing import Result

from tests.conftest import DATA, snapshot

RunCli = Callable[..., Result]
EXPORT = str(DATA / "pcs-export" / "export.json")
C = "group.EIC.26.02.0.epic_craterlake."
EXPECTED_COUNTS = {
    "pcs.backgroundtag": {"created": 1, "unchanged": 0, "collision": 0, "skipped": 0},
    "pcs.campaign": {"created": 2, "unchanged": 0, "collision": 2, "skipped": 1},
    "pcs.dataset": {"created": 7, "unchanged": 0, "collision": 2, "skipped": 1},
    "pcs.evgenmark": {"created": 0, "unchanged": 0, "collision": 0, "skipped": 1},
    "pcs.evgentag": {"created": 4, "unchanged": 0, "collision": 0, "skipped": 0},
    "pcs.pandatasks": {"created": 3, "unchanged": 0, "collision": 0, "skipped": 2},
    "pcs.physicscategory": {"created": 0, "unchanged": 6, "collision": 0, "skipped": 1},
    "pcs.physicsconfig": {"created": 0, "unchanged": 0, "collision": 0, "skipped": 1},
    "pcs.physicstag": {"created": 6, "unchanged": 1, "collision": 0, "skipped": 0},
    "pcs.prodconfig": {"created": 2, "unchanged": 0, "collision": 2, "skipped": 0},
    "pcs.prodrequest": {"created": 0, "unchanged": 0, "collision": 0, "skipped": 1},
    "pcs.prodtask": {"created": 5, "unchanged": 0, "collision": 2, "skipped": 5},
    "pcs.questionnaire": {"created": 0, "unchanged": 0, "collision": 0, "skipped": 1},
    "pcs.recotag": {"created": 1, "unchanged": 1, "collision": 0, "skipped": 0},
    "pcs.simutag": {"created": 1, "unchanged": 1, "collision": 0, "skipped": 0},
    "pcs.validationresult": {"created": 0, "unchanged": 0, "collision": 0, "skipped": 1},
}


def run_import(run_cli: RunCli, repo: Path, *extra: str) -> dict[str, Any]:
    result = run_cli("--repo", str(repo), "import", "pcs-export", EXPORT, "--json", *extra)
    assert result.exit_code == 0, result.output
    payload: dict[str, Any] = json.loads(result.stdout)
    return payload


def by_record(payload: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {r["record"]: r for r in payload["records"]}


def test_every_exported_record_is_accounted_for_by_type(repo: Path, run_cli: RunCli) -> None:
    payload = run_import(run_cli, repo)
    assert payload["counts"] == EXPECTED_COUNTS
    assert payload["totals"] == {
        "records": 64,
        "created": 32,
        "unchanged": 9,
        "collision": 8,
        "skipped": 15,
    }
    assert run_cli("--repo", str(repo), "validate").exit_code == 0
    assert run_cli("--repo", str(repo), "render", "--check").exit_code == 0


def test_records_composing_to_one_name_are_all_reported_and_none_is_merged(
    repo: Path, run_cli: RunCli
) -> None:
    records = by_record(run_import(run_cli, repo))
    for pk, twin in ((4, 5), (5, 4)):
        found = records[f"pcs.dataset pk={pk}"]
        assert found["outcome"] == "collision"
        assert found["message"].startswith(
            f"composes to {C}p2002.e1.s1.r1, as does pcs.dataset pk={twin} (the reference never "
            "enforced unique composed names): none is imported; in the reference give all but "
            "one a distinguishing sample_name"
        )
    assert not (repo / "state" / "datasets" / f"{C}p2002.e1.s1.r1.yaml").exists()
    task = records["pcs.prodtask pk=7"]
    assert (task["outcome"], task["message"]) == (
        "skipped",
        "not imported: its dataset (pcs.dataset pk=5) is not imported",
    )
    for pk in (3, 4):
        assert records[f"pcs.prodtask pk={pk}"]["outcome"] == "collision"
        assert (
            "a task's identity in the reference is its dataset's composed name"
            in (records[f"pcs.prodtask pk={pk}"]["message"])
        )


def test_the_reference_fields_land_where_they_belong(repo: Path, run_cli: RunCli) -> None:
    records = by_record(run_import(run_cli, repo))
    assert records["pcs.prodtask pk=1"]["identity"] == "issue-41"
    task = (repo / "state" / "prod_tasks" / "issue-41.yaml").read_text(encoding="utf-8")
    dataset = f"group.EIC:{C}p2001.e1.s0.r0.b1"
    assert f"input_datasets:\n- {dataset}\noutput_datasets:\n- {dataset}\n" in task
    assert "overrides:\n  events_per_job: 500\n  copy_full: true\n" in task
    assert "  issue: 41\n" in task and "  row_key: Issue=41\n" in task
    assert "campaign: '26.02'\n" in task
    submitted = (repo / "state" / "prod_tasks" / "issue-42.yaml").read_text(encoding="utf-8")
    assert "panda_task_id: 5002\n" in submitted
    assert "task_name: group.EIC.26.02.0.epic_craterlake.p2001.e1.s1.r1.try2\n" in submitted
    source = (repo / "state" / "datasets" / f"{C}p2001.e1.s0.r0.yaml").read_text("utf-8")
    assert "  kind: csv_manifest\n" in source and "    provenance: reference\n" in source
    assert records["pcs.prodconfig pk=1"]["notes"] == [
        "named '26.02.0-Standard-Production' here (the reference's '26.02.0 Standard Production')",
        "not imported: data.official, data.submission_path",
    ]
    assert records["pcs.prodtask pk=6"]["message"].startswith(
        "not imported: it is ready but records jediTaskID 6001"
    )


def test_importing_the_same_export_twice_gives_the_same_state(repo: Path, run_cli: RunCli) -> None:
    run_import(run_cli, repo)
    before = snapshot(repo)
    again = run_import(run_cli, repo)
    assert snapshot(repo) == before
    assert again["totals"]["created"] == 0 and again["commit"] is None
    assert again["totals"]["unchanged"] == 41


def test_a_dry_run_reports_the_same_and_writes_nothing(repo: Path, run_cli: RunCli) -> None:
    before = snapshot(repo)
    rehearsed = run_import(run_cli, repo, "--dry-run")
    assert snapshot(repo) == before
    assert rehearsed["dry_run"] is True and rehearsed["counts"] == EXPECTED_COUNTS


def test_the_text_report_lists_collisions_and_skips_with_what_to_do(
    repo: Path, run_cli: RunCli
) -> None:
    result = run_cli("--repo", str(repo), "import", "pcs-export", EXPORT, "--dry-run")
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0] == (
        "export.json: 64 records: 32 created, 9 unchanged, 8 collisions, 15 skipped"
    )
    assert "  pcs.dataset: 7 created, 2 collision, 1 skipped" in lines
    assert "collision (8):" in lines and "skipped (15):" in lines
    assert lines[-1] == "dry run: nothing written"


def test_labels_meaning_other_things_here_are_collisions_and_their_users_stay_out(
    imported_repo: Path, run_cli: RunCli
) -> None:
    payload = run_import(run_cli, imported_repo)
    records = by_record(payload)
    assert records["pcs.evgentag pk=1"]["message"].startswith(
        "tag e1 exists here with other parameters (generator=rapgap, "
    )
    assert records["pcs.dataset pk=1"]["message"] == (
        "not imported: its evgen tag (pcs.evgentag pk=1) is not imported"
    )
    assert payload["counts"]["pcs.prodtask"]["created"] == 0
    check = run_cli("--repo", str(imported_repo), "render", "--check")
    assert check.exit_code == 0, check.output  # the public catalogue did not change


def test_campaigns_become_records_and_two_rows_of_one_family_collide(
    repo: Path, run_cli: RunCli
) -> None:
    records = by_record(run_import(run_cli, repo))
    campaign = (repo / "state" / "campaigns" / "26.07.yaml").read_text(encoding="utf-8")
    assert "status: open\n" in campaign and "detector_version: 26.07.1\n" in campaign
    for pk in (4, 5):
        assert records[f"pcs.campaign pk={pk}"]["outcome"] == "collision"
    assert records["pcs.campaign pk=3"]["message"] == (
        "not imported: its release is not known here (its datasets name none); create it with "
        "'pcs campaign create 25.10 --detector-version 25.10.N ...'"
    )


def test_a_file_that_is_not_an_export_is_a_usage_error(
    repo: Path, run_cli: RunCli, tmp_path: Path
) -> None:
    bad = tmp_path / "export.json"
    bad.write_text('{"records": []}', encoding="utf-8")
    result = run_cli("--repo", str(repo), "import", "pcs-export", str(bad))
    assert result.exit_code == 2
    assert result.stderr == (
        "Error: the export must be a JSON list of records, as 'dumpdata' writes it\n"
    )
