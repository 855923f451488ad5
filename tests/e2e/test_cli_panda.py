"""The PanDA loop end to end: ``pcs task submit``, ``pcs task reconcile``, ``pcs panda sync`` and
``pcs task retry`` through the CLI, with the REAL panda-client talking to the fake PanDA server
on loopback. Every ambiguous reply ends in exactly one PanDA task and a correct record."""

from __future__ import annotations

import json
import os
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from click.testing import Result

from pcs_gitops.adapters.panda import forget_loaded_client
from pcs_gitops.services.unit_of_work import UnitOfWork
from tests.conftest import snapshot
from tests.support.fake_panda import FakePanda
from tests.support.fake_panda import fake_panda_server as fake_panda_server
from tests.support.gh_events import IDENTITY
from tests.support.panda_repo import history, make_ready_task, task_record

RunCli = Callable[..., Result]


@pytest.fixture(autouse=True)
def _fresh_client() -> Any:
    yield
    forget_loaded_client()  # the next test's fake listens on another port


@pytest.fixture
def root(repo: Path, run_cli: RunCli, monkeypatch: pytest.MonkeyPatch) -> Path:
    return make_ready_task(repo, run_cli, monkeypatch)


@pytest.fixture
def pcs(root: Path, run_cli: RunCli, fake_panda: FakePanda) -> Callable[..., Result]:
    """``pcs --repo ROOT ...`` with the client pointed at the fake (``env`` adds variables)."""

    def invoke(*args: str, env: dict[str, str] | None = None) -> Result:
        variables = fake_panda.client_env(**{"PCS_PANDA_TIMEOUT": "10", **(env or {})})
        return run_cli("--repo", str(root), *args, env=variables)

    return invoke


def _ok(result: Result) -> Result:
    assert result.exit_code == 0, result.output + result.stderr
    return result


def _sent_name(fake: FakePanda) -> str:
    return str(fake.submissions[0]["taskName"])


def _exactly_one_task(fake: FakePanda, root: Path) -> None:
    """One PanDA task holds the name (JEDI's aborted duplicates aside), it is the recorded one,
    and the task was inserted once."""
    name = _sent_name(fake)
    live = [t for t in fake.tasks_named(name) if t.task_name == name]
    assert len(live) == 1
    record = task_record(root)
    assert (record["status"], record["panda_task_id"]) == ("submitted", live[0].jedi_task_id)
    assert record["attempts"][-1]["task_name"] == name


def _outbox(root: Path) -> list[dict[str, Any]]:
    path = root / ".pcs" / "outbox.jsonl"
    return [json.loads(line) for line in path.read_text().splitlines()] if path.exists() else []


# -- the done criterion ---------------------------------------------------------------------------
def test_submit_then_sync_to_completed_everywhere_and_a_second_sync_changes_nothing(
    root: Path, pcs: RunCli, fake_panda: FakePanda
) -> None:
    git_env = {**os.environ, **IDENTITY}
    subprocess.run(["git", "init", "-q", str(root)], check=True)
    subprocess.run(["git", "-C", str(root), "add", "-A"], check=True)
    subprocess.run(["git", "-C", str(root), "commit", "-qm", "init"], check=True, env=git_env)
    submitted = _ok(pcs("task", "submit", "issue-7", "--json"))
    assert json.loads(submitted.stdout)["jedi_task_id"] == 4242
    _exactly_one_task(fake_panda, root)

    fake_panda.set_status(4242, "running", files=(10, 4, 1))
    running = _ok(pcs("panda", "sync", "--json", "--offline"))
    assert json.loads(running.stdout)["tasks"][0]["panda"]["files_finished"] == 4

    fake_panda.set_status(4242, "done", files=(10, 10, 0))
    done = json.loads(
        _ok(pcs("panda", "sync", "--json", "--offline", "--commit", env=IDENTITY)).stdout
    )
    assert [(t["from"], t["to"]) for t in done["tasks"]] == [("submitted", "completed")]
    log = subprocess.run(
        ["git", "-C", str(root), "log", "--format=%s"], capture_output=True, text=True, check=True
    ).stdout.splitlines()
    assert log[0] == "PanDA sync: 1 task(s) updated"

    record = task_record(root)
    assert record["status"] == "completed" and record["panda"]["status"] == "done"
    api = json.loads((root / "docs" / "api" / "prod-tasks" / "issue-7.json").read_text())
    assert api["status"] == "completed" and api["panda"]["files_finished"] == 10
    assert api["panda_monitor_url"] == "https://pandamon.example/task/4242/"
    page = (root / "docs" / "requests" / "issue-7.html").read_text()
    assert "completed" in page and "https://pandamon.example/task/4242/" in page
    catalog = (root / "docs" / "catalog" / "index.html").read_text()
    row = next(line for line in catalog.splitlines() if "requests/issue-7.html" in line)
    assert 'data-status="completed"' in row
    _ok(pcs("render", "--check"))
    assert "https://pandamon.example/task/4242/" in _ok(pcs("task", "get", "issue-7")).stdout
    ops = [(e["op"], e.get("labels") or e.get("label")) for e in _outbox(root)]
    assert ("add_labels", ["pcs:completed"]) in ops and ("close_issue", None) in ops
    assert [e["op"] for e in _outbox(root)].count("create_comment") == 1

    before, outbox = snapshot(root), _outbox(root)
    again = json.loads(
        _ok(pcs("panda", "sync", "--json", "--offline", "--commit", env=IDENTITY)).stdout
    )
    assert again["checked"] == 0 and again["commit"] is None
    assert snapshot(root) == before and _outbox(root) == outbox


# -- every ambiguous reply ends in exactly one task -----------------------------------------------
@pytest.mark.parametrize(
    ("kind", "options"),
    [
        ("http-500", {}),  # 255 after the commit
        ("drop", {}),  # connection dropped after the commit
        ("html-200", {}),  # a maintenance page with status 200, after the commit
        ("delay", {"delay": 3.0}),  # slower than the client timeout (PCS_PANDA_TIMEOUT=0.5)
        ("no-id", {}),  # success-shaped without a new jediTaskID
    ],
)
def test_an_ambiguous_reply_is_reconciled_to_the_one_task_panda_created(
    root: Path, pcs: RunCli, fake_panda: FakePanda, kind: str, options: dict[str, Any]
) -> None:
    fake_panda.script("submit", kind, **options)
    first = pcs("task", "submit", "issue-7", env={"PCS_PANDA_TIMEOUT": "0.5"})
    assert first.exit_code == 1 and "pcs task reconcile issue-7" in first.stderr
    assert "Traceback" not in first.stderr
    assert history(root)[-2:] == ["submission-intent", "submission-outcome-unknown"]
    reconciled = _ok(pcs("task", "reconcile", "issue-7", "--json"))
    assert json.loads(reconciled.stdout)["result"] == "recorded"
    _exactly_one_task(fake_panda, root)
    assert len(fake_panda.submissions) == 1


def test_a_task_panda_shows_late_is_found_without_a_second_insert(
    root: Path, pcs: RunCli, fake_panda: FakePanda
) -> None:
    fake_panda.invisible_reads = 2
    fake_panda.script("submit", "http-500")
    assert pcs("task", "submit", "issue-7").exit_code == 1
    for _ in range(2):  # the refiner has not run yet: nothing found, nothing sent
        waiting = pcs("task", "submit", "issue-7", "--confirm-not-in-panda")
        assert waiting.exit_code == 1 and "PanDA shows no task named" in waiting.stderr
    found = _ok(pcs("task", "submit", "issue-7"))
    assert "found in PanDA by name, nothing sent" in found.stdout
    _exactly_one_task(fake_panda, root)
    assert len(fake_panda.submissions) == 1


def test_a_failure_before_the_commit_is_sent_again_only_after_confirmation(
    root: Path, pcs: RunCli, fake_panda: FakePanda
) -> None:
    fake_panda.script("submit", "http-500", commit=False)
    assert pcs("task", "submit", "issue-7").exit_code == 1
    no_grace = {"PCS_PANDA_GRACE_SECONDS": "0"}
    refused = pcs("task", "reconcile", "issue-7", env=no_grace)
    assert refused.exit_code == 1 and "--confirm-not-in-panda" in refused.stderr
    _ok(pcs("task", "reconcile", "issue-7", "--confirm-not-in-panda", env=no_grace))
    _ok(pcs("task", "submit", "issue-7"))
    _exactly_one_task(fake_panda, root)
    assert len(fake_panda.endpoint_calls("submit")) == 2 and len(fake_panda.tasks) == 1


def test_a_resubmission_that_duplicates_a_late_first_insert_follows_the_original(
    root: Path, pcs: RunCli, fake_panda: FakePanda
) -> None:
    fake_panda.invisible_reads = 3  # longer than the (zero) grace period
    fake_panda.script("submit", "http-500")
    assert pcs("task", "submit", "issue-7").exit_code == 1
    no_grace = {"PCS_PANDA_GRACE_SECONDS": "0"}
    _ok(pcs("task", "submit", "issue-7", "--confirm-not-in-panda", env=no_grace))
    assert task_record(root)["panda_task_id"] == 4243  # JEDI aborts it as a duplicate of 4242
    fake_panda.tasks[4243].hidden_reads = 0  # the refiner ran: JEDI aborted the duplicate
    fake_panda.set_status(4242, "running")
    synced = json.loads(_ok(pcs("panda", "sync", "--json", "--offline")).stdout)
    assert synced["tasks"][0]["jedi_task_id"] == 4242
    _exactly_one_task(fake_panda, root)


@pytest.mark.parametrize(
    ("kind", "wanted"),
    [
        ("reactivate", "re-executed its existing task 77"),
        ("banned-dn", "did not accept the submitter"),
    ],
)
def test_reactivation_and_banned_dn_are_refusals_not_new_tasks(
    root: Path, pcs: RunCli, fake_panda: FakePanda, kind: str, wanted: str
) -> None:
    fake_panda.script("submit", kind, task_id=77) if kind == "reactivate" else fake_panda.script(
        "submit", kind
    )
    refused = pcs("task", "submit", "issue-7")
    assert refused.exit_code == 1 and wanted in refused.stderr
    record = task_record(root)
    assert record["status"] == "ready" and record["panda_task_id"] is None
    assert history(root)[-1] == "submission-refused" and fake_panda.tasks == {}
    _ok(pcs("task", "submit", "issue-7"))  # a definite refusal does not block
    _exactly_one_task(fake_panda, root)


def test_a_crash_between_the_panda_call_and_the_record_is_reconciled(
    root: Path, pcs: RunCli, fake_panda: FakePanda, monkeypatch: pytest.MonkeyPatch
) -> None:
    real_commit = UnitOfWork.commit

    def crash_after_panda(self: UnitOfWork, message: str) -> Any:
        if fake_panda.tasks and message.startswith("Submit "):
            raise OSError(28, "No space left on device")
        return real_commit(self, message)

    monkeypatch.setattr(UnitOfWork, "commit", crash_after_panda)
    crashed = pcs("task", "submit", "issue-7")
    assert crashed.exit_code == 2 and crashed.stdout.strip() == "jediTaskID=4242"
    monkeypatch.setattr(UnitOfWork, "commit", real_commit)
    again = _ok(pcs("task", "submit", "issue-7"))  # reconciles first: nothing is sent twice
    assert "jediTaskID 4242" in again.stdout
    _exactly_one_task(fake_panda, root)
    assert len(fake_panda.submissions) == 1


# -- sync -----------------------------------------------------------------------------------------
@pytest.mark.parametrize("status", ["finished", "failed", "broken", "aborted", "exhausted"])
def test_sync_fails_the_task_for_each_terminal_panda_status(
    root: Path, pcs: RunCli, fake_panda: FakePanda, status: str
) -> None:
    _ok(pcs("task", "submit", "issue-7"))
    fake_panda.set_status(4242, status, error_dialog=f"{status} by JEDI", files=(10, 6, 4))
    synced = json.loads(_ok(pcs("panda", "sync", "--json", "--offline")).stdout)
    assert [(t["from"], t["to"]) for t in synced["tasks"]] == [("submitted", "failed")]
    record = task_record(root)
    assert record["status"] == "failed"
    assert record["history"][-1]["detail"]["reason"].endswith(f"{status} by JEDI")
    ops = _outbox(root)
    labelled = [e for e in ops if e["op"] == "add_labels"]
    # the submission labelled the issue submitted, the sync failed
    assert [e["labels"] for e in labelled] == [["pcs:submitted"], ["pcs:failed"]]
    assert "close_issue" not in [e["op"] for e in ops]


def test_sync_without_panda_changes_nothing_and_exits_1(
    root: Path, pcs: RunCli, fake_panda: FakePanda
) -> None:
    _ok(pcs("task", "submit", "issue-7"))
    before = snapshot(root)
    fake_panda.stop()
    down = pcs("panda", "sync", "--offline")
    assert down.exit_code == 1 and "Error: PanDA did not answer" in down.stderr
    assert snapshot(root) == before


# -- retry ----------------------------------------------------------------------------------------
def test_retry_a_failed_task_then_sync_it_to_completed(
    root: Path, pcs: RunCli, fake_panda: FakePanda
) -> None:
    _ok(pcs("task", "submit", "issue-7"))
    fake_panda.set_status(4242, "failed", error_dialog="bad site")
    _ok(pcs("panda", "sync", "--offline"))
    retried = json.loads(_ok(pcs("task", "retry", "issue-7", "--json")).stdout)
    assert retried["status"] == "submitted" and retried["attempt"]["kind"] == "retry"
    assert fake_panda.endpoint_calls("retry")[-1].params == {"task_id": 4242}
    fake_panda.set_status(4242, "done", files=(10, 10, 0))
    _ok(pcs("panda", "sync", "--offline"))
    record = task_record(root)
    assert record["status"] == "completed"
    assert [a.get("kind", "submission") for a in record["attempts"]] == [
        "submission",
        "retry",
    ]
    assert len(fake_panda.tasks) == 1


def test_refusals_name_the_task_and_say_what_to_do(
    root: Path, pcs: RunCli, fake_panda: FakePanda
) -> None:
    before = snapshot(root)
    for args, wanted in (
        (("task", "reconcile", "no-such-task"), "no task is named 'no-such-task'"),
        (("task", "retry", "issue-7"), "task 'issue-7' is ready; only a failed task"),
    ):
        result = pcs(*args)
        assert result.exit_code == 1 and f"Error: {wanted}" in result.stderr
        assert "Traceback" not in result.stderr
    nothing = _ok(pcs("task", "reconcile", "issue-7"))
    assert "nothing to reconcile" in nothing.stdout
    assert snapshot(root) == before and fake_panda.calls == []


def test_published_to_github_the_intent_then_the_outcome_reach_the_default_branch(
    root: Path, pcs: RunCli, fake_panda: FakePanda
) -> None:
    git = _git(root)
    git("add", "-A")
    git("commit", "-qm", "A ready task")
    base = git("rev-parse", "main")
    checked = json.loads(
        _ok(pcs("task", "submit", "issue-7", "--json", env={"PCS_PUBLISH": "github"})).stdout
    )
    assert checked["jedi_task_id"] == 4242
    # two commits on main: the intent (made before PanDA was called), then the outcome
    subjects = git("log", "--format=%s", f"{base}..main").splitlines()
    assert subjects == ["Submit issue-7 to PanDA: jediTaskID 4242", "Submission intent: issue-7"]
    assert git("status", "--porcelain") == ""  # nothing left for the operator to commit
    on_main = yaml_of(git("show", "main:state/prod_tasks/issue-7.yaml"))
    assert (on_main["status"], on_main["panda_task_id"]) == ("submitted", 4242)
    # the request issue follows: its label and one PanDA comment with the monitor link
    ops = _outbox(root)
    assert {"op": "add_labels", "issue": 7, "labels": ["pcs:submitted"]} in [
        {k: e[k] for k in ("op", "issue", "labels")} for e in ops if e["op"] == "add_labels"
    ]
    comment = next(e["body"] for e in ops if e["op"] == "create_comment")
    assert "4242" in comment and "pandamon.example/task/4242/" in comment


def test_only_a_production_manager_submits_and_nothing_reaches_panda_otherwise(
    root: Path, pcs: RunCli, fake_panda: FakePanda
) -> None:
    roles = root / "state" / "roles.yaml"
    roles.write_text(
        "grants:\n- role: production_manager\n  logins:\n  - boss\n  teams: []\n",
        encoding="utf-8",
    )
    refused = pcs("--actor", "mallory", "task", "submit", "issue-7")
    assert refused.exit_code == 1
    assert "mallory may not submit this request to PanDA ('issue-7')" in refused.stderr
    assert fake_panda.tasks == {} and "submission-intent" not in history(root)
    _ok(pcs("--actor", "boss", "task", "submit", "issue-7"))
    assert len(fake_panda.tasks) == 1


def _git(root: Path) -> Callable[..., str]:
    def git(*args: str) -> str:
        env = {**os.environ, **IDENTITY}
        done = subprocess.run(
            ["git", *args], cwd=root, env=env, capture_output=True, text=True, check=True
        )
        return done.stdout.strip()

    return git


def yaml_of(text: str) -> dict[str, Any]:
    import yaml

    data = yaml.safe_load(text)
    assert isinstance(data, dict)
    return data


def test_a_terminal_status_by_hand_is_a_managers_and_needs_a_reason(
    root: Path, pcs: RunCli, fake_panda: FakePanda
) -> None:
    (root / "state" / "roles.yaml").write_text(
        "grants:\n- role: production_manager\n  logins:\n  - boss\n  teams: []\n",
        encoding="utf-8",
    )
    _ok(pcs("--actor", "boss", "task", "submit", "issue-7"))
    by_stranger = pcs(
        "--actor", "mallory", "task", "set-status", "issue-7", "completed", "--reason", "it ran"
    )
    assert by_stranger.exit_code == 1
    assert "mallory may not mark this request completed or failed" in by_stranger.stderr
    bare = pcs("--actor", "boss", "task", "set-status", "issue-7", "completed")
    assert bare.exit_code == 2 and "needs a reason (--reason)" in bare.stderr
    done = pcs(
        "--actor",
        "boss",
        "task",
        "set-status",
        "issue-7",
        "completed",
        "--reason",
        "PanDA's monitor shows it done; its database lost the task",
    )
    assert done.exit_code == 0, done.output
    entry = task_record(root)["history"][-1]
    assert (entry["by"], entry["detail"]["to"]) == ("boss", "completed")
    assert entry["detail"]["reason"].startswith("PanDA's monitor")


def test_a_managers_retry_comment_on_the_issue_retries_in_panda(
    root: Path, pcs: RunCli, fake_panda: FakePanda, tmp_path: Path
) -> None:
    from tests.support.gh_events import comment_event, issue, write_event

    (root / "state" / "roles.yaml").write_text(
        "grants:\n- role: production_manager\n  logins:\n  - boss\n  teams: []\n",
        encoding="utf-8",
    )
    _ok(pcs("--actor", "boss", "task", "submit", "issue-7"))
    fake_panda.set_status(4242, "failed", error_dialog="a site went down", files=(10, 6, 4))
    _ok(pcs("panda", "sync", "--offline"))
    assert task_record(root)["status"] == "failed"
    git = _git(root)
    git("add", "-A")
    git("commit", "-qm", "The failed task, on main")

    def comment(sender: str, cid: int, **env: str) -> str:
        event = write_event(
            tmp_path, f"c{cid}", comment_event(issue(7), "/pcs retry", sender, comment_id=cid)
        )
        _ok(
            pcs(
                "gh",
                "handle",
                "--offline",
                "--event-name",
                "issue_comment",
                "--event-path",
                str(event),
                env=env,
            )
        )
        return next(
            e["body"] for e in _outbox(root) if f"<!-- pcs-reply: {cid} -->" in e.get("body", "")
        )

    refused = comment("mallory", 81)
    assert "Not applied: mallory may not submit this request to PanDA" in refused
    no_access = comment("boss", 80, PANDA_URL_SSL="", PANDA_URL="")
    assert "request job has no PanDA access" in no_access
    assert fake_panda.endpoint_calls("retry") == []
    retried = comment("boss", 82)
    assert "Asked PanDA to retry jediTaskID 4242" in retried and "recorded as try" in retried
    assert [c.params for c in fake_panda.endpoint_calls("retry")] == [{"task_id": 4242}]
    record = task_record(root)
    assert record["status"] == "submitted" and record["attempts"][-1]["kind"] == "retry"
