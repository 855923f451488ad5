"""``pcs task artifact`` and ``pcs task submit`` end to end, on the real catalogue and on a fresh
repository with one ready task; PanDA is a fake behind the ``Services.panda_submitter`` seam."""

from __future__ import annotations

import json
import sys
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import Result

from pcs_gitops import bootstrap
from pcs_gitops.adapters.clock import FixedClock
from pcs_gitops.config import Settings
from pcs_gitops.domain.artifacts import build_condor, build_dump, build_jedi, build_panda
from pcs_gitops.domain.naming import parse_did
from pcs_gitops.domain.readiness import unreachable
from pcs_gitops.services.panda_port import PandaTask
from pcs_gitops.services.submission import render_artifact
from pcs_gitops.services.unit_of_work import UnitOfWork
from tests.conftest import NOW, snapshot

FORMATS = ("condor", "panda", "jedi", "dump")
JEDI_KEYS = (
    "taskName",
    "userName",
    "vo",
    "workingGroup",
    "campaign",
    "prodSourceLabel",
    "taskType",
    "processingType",
    "taskPriority",
    "transPath",
    "transUses",
    "transHome",
    "architecture",
    "container_name",
    "noInput",
    "nFilesPerJob",
    "coreCount",
    "ramCount",
    "ramUnit",
    "site",
    "cloud",
    "log",
    "jobParameters",
    "uniqueTaskName",
)
DIS_PATH = "/volatile/eic/EPIC/EVGEN/DIS/DJANGOH4.6.21-1.0/NC/Rad/ep/18x275/q2_1to10"
DIS_RELEASE = "https://github.com/eic/InclusiveDjangohSamples/releases/tag/DJANGOH4.6.21-1.0"
RunCli = Callable[..., Result]


def _services(root: Path) -> bootstrap.Services:
    return bootstrap.build(Settings.from_env(root, {}), clock=FixedClock(NOW))


def _task_file(root: Path, name: str) -> dict[str, Any]:
    data = yaml.safe_load((root / "state" / "prod_tasks" / f"{name}.yaml").read_text())
    assert isinstance(data, dict)
    return data


# -- every imported request yields all four artifacts ---------------------------------------------
def test_every_imported_request_yields_all_four_artifacts(imported_repo: Path) -> None:
    with _services(imported_repo).uow() as uow:
        state = uow.state
        assert len(state.tasks) == 405
        names: Counter[str] = Counter()
        for task in state.tasks.values():
            condor = build_condor(state, task)
            assert condor.endswith("\n") and "scripts/submit_csv.sh osg_csv hepmc3 " in condor
            assert build_panda(state, task).startswith("prun \\\n")
            params = build_jedi(state, task)
            assert all(key in params for key in JEDI_KEYS), task.name
            assert "/" not in params["taskName"] and ":" not in params["taskName"]
            assert params["jobParameters"][1]["dataset"].endswith(":" + params["taskName"])
            json.dumps(params)
            dump = build_dump(state, task)
            assert dump["task"]["name"] == task.name
            assert all(not d.get("missing") for d in dump["input_datasets"]), task.name
            json.dumps(dump)
            names[params["taskName"]] += 1
    assert [n for n, count in names.items() if count > 1] == []


@pytest.mark.parametrize("fmt", FORMATS)
def test_cli_artifact_matches_the_builders(imported_repo: Path, run_cli: RunCli, fmt: str) -> None:
    with _services(imported_repo).uow() as uow:
        picked = sorted(uow.state.tasks)[::101]
        expected = {name: render_artifact(uow.state, name, fmt) for name in picked}
    before = snapshot(imported_repo)
    for name, text in expected.items():
        result = run_cli("--repo", str(imported_repo), "task", "artifact", name, "--fmt", fmt)
        assert result.exit_code == 0, result.output
        assert result.stdout == text
        assert result.stdout.endswith("\n") and not result.stdout.endswith("\n\n")
        if fmt in ("jedi", "dump"):
            assert isinstance(json.loads(result.stdout), dict)
    assert snapshot(imported_repo) == before


def test_cli_artifact_refusals(imported_repo: Path, run_cli: RunCli) -> None:
    result = run_cli(
        "--repo", str(imported_repo), "task", "artifact", "no-such-task", "--fmt", "jedi"
    )
    assert result.exit_code == 1
    assert "no task is named 'no-such-task'" in result.stderr
    result = run_cli("--repo", str(imported_repo), "task", "artifact", "x", "--fmt", "yaml")
    assert result.exit_code == 2


# -- submission -----------------------------------------------------------------------------------
class FakePanda:
    """Stands in for PanDA: records every taskParamMap and answers with ``reply``; a look-up
    by name finds ``found``."""

    def __init__(self, reply: Any = "succeeded. new jediTaskID=4242") -> None:
        self.reply = reply
        self.calls: list[dict[str, Any]] = []
        self.found: list[PandaTask] = []
        self.lookups: list[str] = []

    def prepare(self) -> None:
        pass

    def insert_task_params(self, params: dict[str, Any]) -> Any:
        self.calls.append(params)
        if isinstance(self.reply, BaseException):
            raise self.reply
        return self.reply

    def find_tasks_by_name(self, task_name: str, **owner: str | None) -> list[PandaTask]:
        self.lookups.append(task_name)
        return [t for t in self.found if t.task_name == task_name]


@pytest.fixture
def panda(monkeypatch: pytest.MonkeyPatch) -> FakePanda:
    fake = FakePanda()
    monkeypatch.setattr(bootstrap.Services, "panda_submitter", lambda self: fake)
    return fake


@pytest.fixture
def ready_repo(repo: Path, run_cli: RunCli, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A fresh repository with a ready task 'issue-7' and a draft task 'issue-8'."""
    monkeypatch.setattr(bootstrap, "path_probe", unreachable)  # /volatile is not mounted here
    base = ("--repo", str(repo))
    result = run_cli(
        *base,
        "dataset",
        "intake",
        "--source-location",
        DIS_PATH,
        "--release-url",
        DIS_RELEASE,
        "--json",
    )
    assert result.exit_code == 0, result.output
    did = json.loads(result.stdout)["dataset"]["did"]
    for issue in ("7", "8"):
        result = run_cli(
            *base,
            "task",
            "intake",
            "--public-catalog-issue",
            issue,
            "--input-dataset-did",
            did,
            "--pwg",
            "inclusive",
            "--priority",
            "1",
            "--dataset-path",
            DIS_PATH,
            "--events",
            "400k",
            "--generator-version",
            DIS_RELEASE,
            *(("--sample-variant", "second") if issue == "8" else ()),
        )
        assert result.exit_code == 0, result.output
    result = run_cli(*base, "task", "confirm", "issue-7")
    assert result.exit_code == 0, result.output + result.stderr
    result = run_cli(*base, "task", "set-status", "issue-7", "ready")
    assert result.exit_code == 0, result.output + result.stderr
    return repo


def test_submit_records_try_one_and_moves_to_submitted(
    ready_repo: Path, run_cli: RunCli, panda: FakePanda
) -> None:
    result = run_cli("--repo", str(ready_repo), "task", "submit", "issue-7")
    assert result.exit_code == 0, result.output + result.stderr
    assert len(panda.calls) == 1
    sent = panda.calls[0]
    task = _task_file(ready_repo, "issue-7")
    _, input_name, _ = parse_did(task["input_datasets"][0])
    _, output_name, _ = parse_did(task["output_datasets"][0])
    assert sent["taskName"] == output_name != input_name  # the output composed at intake
    assert output_name.startswith("group.EIC.26.02.0.epic_craterlake.p2")
    assert input_name.startswith("group.EIC.evgen.26.02.0.epic_craterlake.p2")
    assert sent["nEvents"] == 400_000 and sent["uniqueTaskName"] is True
    assert "jediTaskID 4242" in result.stdout
    record = _task_file(ready_repo, "issue-7")
    assert record["status"] == "submitted"
    assert record["panda_task_id"] == 4242
    assert [(a["try_number"], a["jedi_task_id"], a["task_name"]) for a in record["attempts"]] == [
        (1, 4242, sent["taskName"])
    ]
    assert record["history"][-1]["action"] == "submission"
    validate = run_cli("--repo", str(ready_repo), "validate")
    assert validate.exit_code == 0, validate.output + validate.stderr


def test_submit_json_output(ready_repo: Path, run_cli: RunCli, panda: FakePanda) -> None:
    panda.reply = (0, (0, "succeeded. new jediTaskID=77"))  # the client's tuple shape
    result = run_cli("--repo", str(ready_repo), "task", "submit", "issue-7", "--json")
    assert result.exit_code == 0, result.output + result.stderr
    payload = json.loads(result.stdout)
    assert payload["jedi_task_id"] == 77
    assert payload["attempt"]["try_number"] == 1
    assert payload["params"]["taskName"] == payload["attempt"]["task_name"]


def test_dry_run_sends_and_writes_nothing(
    ready_repo: Path, run_cli: RunCli, panda: FakePanda
) -> None:
    before = snapshot(ready_repo)
    result = run_cli("--repo", str(ready_repo), "task", "submit", "issue-7", "--dry-run")
    assert result.exit_code == 0, result.output + result.stderr
    assert json.loads(result.stdout)["taskName"].startswith("group.EIC.26.02.0.")
    assert "not submitted" in result.stderr
    assert panda.calls == []
    assert snapshot(ready_repo) == before


def test_submit_refuses_a_draft_task(ready_repo: Path, run_cli: RunCli, panda: FakePanda) -> None:
    before = snapshot(ready_repo)
    result = run_cli("--repo", str(ready_repo), "task", "submit", "issue-8")
    assert result.exit_code == 1
    assert "issue-8' is draft; only a ready task can be submitted" in result.stderr
    assert panda.calls == []
    assert snapshot(ready_repo) == before


def test_submit_refuses_an_already_submitted_task(
    ready_repo: Path, run_cli: RunCli, panda: FakePanda
) -> None:
    assert run_cli("--repo", str(ready_repo), "task", "submit", "issue-7").exit_code == 0
    before = snapshot(ready_repo)
    for extra in ((), ("--dry-run",)):
        result = run_cli("--repo", str(ready_repo), "task", "submit", "issue-7", *extra)
        assert result.exit_code == 1
        assert "already records PanDA task 4242" in result.stderr
    assert len(panda.calls) == 1
    assert snapshot(ready_repo) == before


def _history(repo: Path, name: str) -> list[str]:
    return [entry["action"] for entry in _task_file(repo, name)["history"]]


@pytest.mark.parametrize(
    "reply",
    [
        (0, (4, "failed to register task")),
        (0, (0, "The following DN is banned: DN=/CN=someone")),
        (0, (0, "reactivation accepted. jediTaskID=12 (currently in failed state) will be re-run")),
    ],
)
def test_a_panda_refusal_is_written_to_history_and_does_not_block_a_retry(
    ready_repo: Path, run_cli: RunCli, panda: FakePanda, reply: Any
) -> None:
    panda.reply = reply
    history_before = _history(ready_repo, "issue-7")
    result = run_cli("--repo", str(ready_repo), "task", "submit", "issue-7")
    assert result.exit_code == 1, result.output
    assert "Error:" in result.stderr and "Traceback" not in result.stderr
    record = _task_file(ready_repo, "issue-7")
    assert record["status"] == "ready" and record.get("panda_task_id") is None
    assert _history(ready_repo, "issue-7") == [
        *history_before,
        "submission-intent",
        "submission-refused",
    ]
    assert record["history"][-2]["detail"]["task_name"] == panda.calls[0]["taskName"]
    panda.reply = "succeeded. new jediTaskID=4243"
    retry = run_cli("--repo", str(ready_repo), "task", "submit", "issue-7")
    assert retry.exit_code == 0, retry.output + retry.stderr
    assert _task_file(ready_repo, "issue-7")["panda_task_id"] == 4243


@pytest.mark.parametrize("reply", [(255, None), TimeoutError("read timed out")])
def test_an_unknown_outcome_is_looked_up_before_anything_is_sent_again(
    ready_repo: Path, run_cli: RunCli, panda: FakePanda, reply: Any
) -> None:
    panda.reply = reply
    result = run_cli("--repo", str(ready_repo), "task", "submit", "issue-7")
    assert result.exit_code == 1, result.output
    assert "pcs task reconcile issue-7" in result.stderr and "Traceback" not in result.stderr
    assert _history(ready_repo, "issue-7")[-2:] == [
        "submission-intent",
        "submission-outcome-unknown",
    ]
    assert _task_file(ready_repo, "issue-7")["status"] == "ready"
    sent = panda.calls[0]["taskName"]

    panda.reply = "succeeded. new jediTaskID=4244"
    before = snapshot(ready_repo)
    for env, wanted in (
        ({}, "PanDA shows no task named"),  # within the grace period: look again later
        ({"PCS_PANDA_GRACE_SECONDS": "0"}, "--confirm-not-in-panda"),
    ):
        blocked = run_cli("--repo", str(ready_repo), "task", "submit", "issue-7", env=env)
        assert blocked.exit_code == 1
        assert wanted in blocked.stderr and "Nothing was sent" in blocked.stderr
    assert len(panda.calls) == 1 and snapshot(ready_repo) == before
    assert panda.lookups == [sent] * 4  # by the sent userName, then by the caller's

    confirmed = run_cli(
        "--repo",
        str(ready_repo),
        "task",
        "submit",
        "issue-7",
        "--confirm-not-in-panda",
        env={"PCS_PANDA_GRACE_SECONDS": "0"},
    )
    assert confirmed.exit_code == 0, confirmed.output + confirmed.stderr
    assert len(panda.calls) == 2 and panda.calls[1]["taskName"] == sent
    assert _history(ready_repo, "issue-7")[-3:] == [
        "submission-not-in-panda",
        "submission-intent",
        "submission",
    ]


def test_a_task_found_in_panda_by_name_is_recorded_without_sending_it_again(
    ready_repo: Path, run_cli: RunCli, panda: FakePanda
) -> None:
    panda.reply = (255, None)
    assert run_cli("--repo", str(ready_repo), "task", "submit", "issue-7").exit_code == 1
    sent = panda.calls[0]["taskName"]
    panda.found = [PandaTask(4300, sent, "running")]
    result = run_cli("--repo", str(ready_repo), "task", "submit", "issue-7")
    assert result.exit_code == 0, result.output + result.stderr
    assert "jediTaskID 4300" in result.stdout and "found in PanDA by name" in result.stdout
    assert len(panda.calls) == 1
    record = _task_file(ready_repo, "issue-7")
    assert (record["status"], record["panda_task_id"]) == ("submitted", 4300)
    assert record["attempts"][0]["task_name"] == sent
    assert record["panda"]["status"] == "running"


def test_recording_the_id_found_in_panda_resolves_an_unknown_outcome(
    ready_repo: Path, run_cli: RunCli, panda: FakePanda
) -> None:
    panda.reply = (255, None)
    assert run_cli("--repo", str(ready_repo), "task", "submit", "issue-7").exit_code == 1
    recorded = run_cli(
        "--repo", str(ready_repo), "task", "record-submission", "issue-7", "--panda-task-id", "9"
    )
    assert recorded.exit_code == 0, recorded.output + recorded.stderr
    record = _task_file(ready_repo, "issue-7")
    assert record["status"] == "submitted" and record["panda_task_id"] == 9
    assert len(panda.calls) == 1


def test_nothing_is_sent_when_the_intent_cannot_be_written(
    ready_repo: Path, run_cli: RunCli, panda: FakePanda, monkeypatch: pytest.MonkeyPatch
) -> None:
    def disk_full(self: UnitOfWork, message: str) -> Any:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(UnitOfWork, "commit", disk_full)
    before = snapshot(ready_repo)
    result = run_cli("--repo", str(ready_repo), "task", "submit", "issue-7")
    assert result.exit_code == 1
    assert "cannot write the submission intent" in result.stderr
    assert "No space left on device" in result.stderr and "nothing was sent" in result.stderr
    assert panda.calls == []
    assert snapshot(ready_repo) == before


def test_accepted_but_not_recorded_exits_2_and_prints_the_id(
    ready_repo: Path, run_cli: RunCli, panda: FakePanda, monkeypatch: pytest.MonkeyPatch
) -> None:
    real_commit = UnitOfWork.commit

    def full_after_the_intent(self: UnitOfWork, message: str) -> Any:
        if not panda.calls:
            return real_commit(self, message)
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(UnitOfWork, "commit", full_after_the_intent)
    result = run_cli("--repo", str(ready_repo), "task", "submit", "issue-7")
    assert result.exit_code == 2
    assert result.stdout.strip() == "jediTaskID=4242"
    assert "No space left on device" in result.stderr
    assert "pcs task record-submission issue-7 --panda-task-id 4242" in result.stderr
    assert len(panda.calls) == 1
    assert _history(ready_repo, "issue-7")[-1] == "submission-intent"
    monkeypatch.setattr(UnitOfWork, "commit", real_commit)  # the disk has room again
    record = run_cli(
        "--repo", str(ready_repo), "task", "record-submission", "issue-7", "--panda-task-id", "4242"
    )
    assert record.exit_code == 0, record.output + record.stderr


def test_submit_without_the_panda_extra(
    ready_repo: Path, run_cli: RunCli, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "pandaclient", None)
    before = snapshot(ready_repo)
    result = run_cli("--repo", str(ready_repo), "task", "submit", "issue-7")
    assert result.exit_code == 1
    assert "pip install 'pcs-gitops[panda]'" in result.stderr
    assert snapshot(ready_repo) == before
