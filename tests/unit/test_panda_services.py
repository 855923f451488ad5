"""The PanDA use cases on a real repository with a scripted PanDA: reconcile_task, sync_tasks,
retry_task and the issue updates (services/reconcile.py, panda_sync.py, panda_retry.py,
panda_issue.py)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from click.testing import Result

from pcs_gitops.adapters.clock import FixedClock
from pcs_gitops.adapters.github_outbox import OutboxGitHub
from pcs_gitops.bootstrap import Services, build
from pcs_gitops.config import Settings
from pcs_gitops.domain.model import TaskStatus
from pcs_gitops.errors import Conflict, InvalidTransition, SubmissionError
from pcs_gitops.services import panda_issue, panda_retry, panda_sync, reconcile, submission
from pcs_gitops.services.panda_port import (
    OutcomeUnknown,
    PandaTask,
    PandaUnreachable,
    RetryReply,
)
from pcs_gitops.services.ports import Actor
from tests.support.panda_repo import make_ready_task, task_record
from tests.support.scripted_panda import ScriptedPanda

T0 = "2026-11-28T12:00:00Z"
ACTOR = Actor("operator", "cli")
SYNC = Actor("pcs-panda-sync", "cli")


@pytest.fixture
def root(repo: Path, run_cli: Callable[..., Result], monkeypatch: pytest.MonkeyPatch) -> Path:
    return make_ready_task(repo, run_cli, monkeypatch)


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(T0)


@pytest.fixture
def services(root: Path, clock: FixedClock) -> Services:
    return build(Settings.from_env(root, {}), clock=clock)


@pytest.fixture
def panda() -> ScriptedPanda:
    return ScriptedPanda()


def _task(name: str, status: str = "running", jedi: int = 4242, **more: Any) -> PandaTask:
    return PandaTask(jedi, name, status, **more)


def _submitted(services: Services, panda: ScriptedPanda) -> str:
    """Submit issue-7 (jediTaskID 4242); its taskName."""
    outcome = submission.submit_task(services.uow, panda, "issue-7", ACTOR)
    assert outcome.jedi_task_id == 4242
    return str(outcome.params["taskName"])


def _unknown(services: Services, panda: ScriptedPanda) -> str:
    """A submission of issue-7 whose outcome is unknown; its taskName."""
    panda.insert_reply = (255, None)
    with pytest.raises(OutcomeUnknown):
        submission.submit_task(services.uow, panda, "issue-7", ACTOR)
    return str(panda.calls[-1][1])


# -- reconcile ------------------------------------------------------------------------------------
def test_reconcile_records_the_lowest_task_jedi_did_not_abort_as_a_duplicate(
    root: Path, services: Services, panda: ScriptedPanda
) -> None:
    sent = _unknown(services, panda)
    dup = "toabort since there is duplicated task -> jediTaskID=4243"
    panda.named = [
        _task(sent, "aborted", 4242, error_dialog=dup),
        _task(sent, "running", 4243),
        _task(sent, "running", 4250),
    ]
    outcome = reconcile.reconcile_task(services.uow, panda, "issue-7", ACTOR)
    assert (outcome.result, outcome.jedi_task_id) == ("recorded", 4243)
    record = task_record(root)
    assert (record["status"], record["panda_task_id"]) == ("submitted", 4243)
    assert record["attempts"][0]["task_name"] == sent
    assert len(record["attempts"][0]["payload_sha256"]) == 64
    assert record["history"][-1]["detail"]["found"] == [4242, 4243, 4250]
    assert panda.sent() == 1


def test_reconcile_finds_a_task_panda_filed_under_the_callers_name(
    root: Path, services: Services, panda: ScriptedPanda
) -> None:
    sent = _unknown(services, panda)
    panda.named = [_task(sent, "running", 4242)]  # userName rewritten: no production role
    outcome = reconcile.reconcile_task(services.uow, panda, "issue-7", ACTOR)
    assert (outcome.result, outcome.jedi_task_id) == ("recorded", 4242)
    assert [c for c, _ in panda.calls].count("find") == 2


def test_reconcile_waits_out_the_grace_period_then_needs_a_confirmation(
    root: Path, services: Services, panda: ScriptedPanda, clock: FixedClock
) -> None:
    sent = _unknown(services, panda)
    before = task_record(root)
    clock.value = "2026-11-28T12:10:00Z"
    early = reconcile.reconcile_task(
        services.uow, panda, "issue-7", ACTOR, confirm_not_in_panda=True, grace_seconds=1800
    )
    assert early.result == "not-found" and "again in 20 min" in early.message
    clock.value = "2026-11-28T12:31:00Z"
    late = reconcile.reconcile_task(services.uow, panda, "issue-7", ACTOR, grace_seconds=1800)
    assert late.result == "not-found" and "--confirm-not-in-panda" in late.message
    assert task_record(root) == before
    cleared = reconcile.reconcile_task(
        services.uow, panda, "issue-7", ACTOR, confirm_not_in_panda=True, grace_seconds=1800
    )
    assert cleared.result == "cleared" and cleared.task.history[-1].detail["task_name"] == sent
    assert submission.pending_intent(cleared.task) is None
    assert panda.sent() == 1


def test_reconcile_without_an_answer_changes_nothing(
    root: Path, services: Services, panda: ScriptedPanda
) -> None:
    _unknown(services, panda)
    before = task_record(root)

    def unreachable(task_name: str, **owner: str | None) -> list[PandaTask]:
        raise PandaUnreachable("PanDA did not answer the look-up by name ((255, None))")

    panda.find_tasks_by_name = unreachable  # type: ignore[method-assign]
    with pytest.raises(PandaUnreachable, match="run 'pcs task reconcile issue-7' again"):
        reconcile.reconcile_task(services.uow, panda, "issue-7", ACTOR, grace_seconds=0)
    assert task_record(root) == before


def test_reconcile_with_nothing_pending_asks_panda_nothing(
    services: Services, panda: ScriptedPanda
) -> None:
    outcome = reconcile.reconcile_task(services.uow, panda, "issue-7", ACTOR)
    assert outcome.result == "nothing-pending" and panda.calls == []


# -- sync -----------------------------------------------------------------------------------------
def test_sync_records_progress_then_completes_and_a_second_run_writes_nothing(
    root: Path, services: Services, panda: ScriptedPanda, clock: FixedClock
) -> None:
    sent = _submitted(services, panda)
    panda.details[4242] = _task(sent, "running", files_total=10, files_finished=3)
    first = panda_sync.sync_tasks(services.uow, panda, SYNC)
    assert [(t.before, t.after, t.changed) for t in first.tasks] == [
        ("submitted", "submitted", True)
    ]
    assert first.commit is not None and first.commit.records_written
    record = task_record(root)
    assert record["panda"]["files_finished"] == 3 and record["panda"]["checked_at"] == T0
    assert record["history"][-1]["detail"] == {"jedi_task_id": 4242, "panda_status": "running"}

    clock.value = "2026-11-28T13:00:00Z"
    panda.details[4242] = _task(sent, "running", files_total=10, files_finished=7)
    panda_sync.sync_tasks(services.uow, panda, SYNC)
    assert task_record(root)["history"] == record["history"]  # counters alone: no entry

    panda.details[4242] = _task(sent, "done", files_total=10, files_finished=10)
    done = panda_sync.sync_tasks(services.uow, panda, SYNC)
    assert [(t.before, t.after) for t in done.tasks] == [("submitted", "completed")]
    assert task_record(root)["history"][-1]["detail"] == {
        "jedi_task_id": 4242,
        "panda_status": "done",
        "from": "submitted",
        "to": "completed",
    }
    again = panda_sync.sync_tasks(services.uow, panda, SYNC)
    assert again.tasks == [] and again.commit is None


@pytest.mark.parametrize(
    ("status", "reason"),
    [
        ("failed", "failed: 0 of 10 input files done, 10 failed; all jobs failed"),
        ("broken", "broken: 0 of 10 input files done, 10 failed; all jobs failed"),
        ("exhausted", "exhausted: 0 of 10 input files done, 10 failed; all jobs failed"),
    ],
)
def test_sync_fails_a_task_with_pandas_reason(
    root: Path, services: Services, panda: ScriptedPanda, status: str, reason: str
) -> None:
    sent = _submitted(services, panda)
    panda.details[4242] = _task(
        sent, status, error_dialog="all jobs failed", files_total=10, files_failed=10
    )
    report = panda_sync.sync_tasks(services.uow, panda, SYNC)
    assert report.tasks[0].after == "failed"
    assert task_record(root)["history"][-1]["detail"]["reason"] == reason


def test_sync_leaves_tasks_it_cannot_read_or_see_alone(
    root: Path, services: Services, panda: ScriptedPanda, clock: FixedClock
) -> None:
    _submitted(services, panda)
    before = task_record(root)
    panda.details[4242] = None  # not refined yet
    quiet = panda_sync.sync_tasks(services.uow, panda, SYNC, grace_seconds=1800)
    assert not quiet.tasks[0].problem and quiet.commit is None
    clock.value = "2026-11-28T13:00:00Z"
    late = panda_sync.sync_tasks(services.uow, panda, SYNC, grace_seconds=1800)
    assert late.tasks[0].problem and "does not know jediTaskID 4242" in late.tasks[0].note
    panda.details[4242] = PandaUnreachable("PanDA did not answer")
    down = panda_sync.sync_tasks(services.uow, panda, SYNC)
    assert down.tasks[0].problem and down.commit is None
    assert task_record(root) == before


def test_sync_ignores_a_read_older_than_the_recorded_one(
    root: Path, services: Services, panda: ScriptedPanda
) -> None:
    sent = _submitted(services, panda)
    panda.details[4242] = _task(sent, "running", modification_time="2026-11-28T12:30:00Z")
    panda_sync.sync_tasks(services.uow, panda, SYNC)
    panda.details[4242] = _task(sent, "failed", modification_time="2026-11-28T12:20:00Z")
    report = panda_sync.sync_tasks(services.uow, panda, SYNC)
    assert not report.tasks[0].changed and "from before" in report.tasks[0].note
    assert task_record(root)["status"] == "submitted"


def test_sync_follows_the_original_of_a_duplicate_jedi_aborted(
    root: Path, services: Services, panda: ScriptedPanda
) -> None:
    sent = _submitted(services, panda)  # recorded 4242, but 4200 landed first
    dup = "toabort since there is duplicated task -> jediTaskID=4200"
    panda.details[4242] = _task(sent, "aborted", error_dialog=dup)
    panda.details[4200] = _task(sent, "running", 4200)
    report = panda_sync.sync_tasks(services.uow, panda, SYNC)
    assert (report.tasks[0].jedi_task_id, report.tasks[0].after) == (4200, "submitted")
    record = task_record(root)
    assert (record["panda_task_id"], record["attempts"][-1]["jedi_task_id"]) == (4200, 4200)
    assert record["panda"]["status"] == "running"
    assert [h["action"] for h in record["history"][-2:]] == ["panda-duplicate", "panda-status"]


# -- retry ----------------------------------------------------------------------------------------
def _failed(services: Services, panda: ScriptedPanda) -> str:
    sent = _submitted(services, panda)
    panda.details[4242] = _task(sent, "failed", attempt_nr=0, error_dialog="boom")
    panda_sync.sync_tasks(services.uow, panda, SYNC)
    return sent


def test_retry_reopens_a_failed_task_as_a_new_attempt_of_the_same_panda_task(
    root: Path, services: Services, panda: ScriptedPanda
) -> None:
    sent = _failed(services, panda)
    outcome = panda_retry.retry_task(services.uow, panda, "issue-7", ACTOR)
    record = task_record(root)
    assert record["status"] == "submitted" and outcome.task.status is TaskStatus.SUBMITTED
    retry = record["attempts"][-1]
    assert (retry["try_number"], retry["jedi_task_id"], retry["task_name"], retry["kind"]) == (
        2,
        4242,
        sent,
        "retry",
    )
    assert record["panda"]["status"] == "toretry"
    # PanDA has not run the retry yet: the old failure does not fail the task again
    report = panda_sync.sync_tasks(services.uow, panda, SYNC)
    assert not report.tasks[0].changed and task_record(root)["status"] == "submitted"
    panda.details[4242] = _task(sent, "running", attempt_nr=1)
    assert panda_sync.sync_tasks(services.uow, panda, SYNC).tasks[0].changed


def test_retry_refusals(root: Path, services: Services, panda: ScriptedPanda) -> None:
    with pytest.raises(InvalidTransition, match="only a failed task"):
        panda_retry.retry_task(services.uow, panda, "issue-7", ACTOR)
    sent = _failed(services, panda)
    panda.retry_reply = RetryReply(4, "Command rejected: ...")
    with pytest.raises(SubmissionError, match="code 4"):
        panda_retry.retry_task(services.uow, panda, "issue-7", ACTOR)
    assert task_record(root)["history"][-1]["action"] == "retry-refused"
    for status, wanted in (("broken", "new submission"), ("done", "nothing to retry")):
        panda.details[4242] = _task(sent, status)
        with pytest.raises(InvalidTransition, match=wanted):
            panda_retry.retry_task(services.uow, panda, "issue-7", ACTOR)
    assert task_record(root)["status"] == "failed"


def test_a_lost_retry_answer_is_recorded_without_a_second_call(
    root: Path, services: Services, panda: ScriptedPanda
) -> None:
    sent = _failed(services, panda)
    panda.retry_reply = OutcomeUnknown("the retry got no answer")
    with pytest.raises(OutcomeUnknown, match="Run 'pcs task retry issue-7' again"):
        panda_retry.retry_task(services.uow, panda, "issue-7", ACTOR)
    panda.details[4242] = _task(sent, "toretry", attempt_nr=1)
    outcome = panda_retry.retry_task(services.uow, panda, "issue-7", ACTOR)
    assert outcome.already_running and task_record(root)["status"] == "submitted"
    assert [c for c, _ in panda.calls].count("retry") == 1


def test_a_changed_payload_is_not_retried(
    root: Path, services: Services, panda: ScriptedPanda
) -> None:
    _failed(services, panda)
    with services.uow() as uow:
        config = uow.state.prod_configs["standard"]
        settings = {**config.settings, "events_per_job": 999}
        uow.state.put_prod_config(replace(config, settings=settings))
        uow.commit("change the payload")
    with pytest.raises(Conflict, match="payload of task 'issue-7' changed"):
        panda_retry.retry_task(services.uow, panda, "issue-7", ACTOR)
    assert panda.sent() == 1


# -- issue ----------------------------------------------------------------------------------------
def test_one_panda_comment_per_issue_edited_in_place_with_label_and_close(
    root: Path, services: Services, panda: ScriptedPanda, tmp_path: Path
) -> None:
    sent = _submitted(services, panda)
    github = OutboxGitHub(tmp_path / "outbox.jsonl", bot="pcs-bot")
    settings = services.trusted_state().settings

    def sync_and_update(status: str, **more: Any) -> list[panda_issue.IssueUpdate]:
        panda.details[4242] = _task(sent, status, **more)
        report = panda_sync.sync_tasks(services.uow, panda, SYNC)
        return panda_issue.update_issues(github, [t.task for t in report.tasks], settings)

    first = sync_and_update("running", error_dialog="<b>@someone</b> | x")
    assert [(u.comment, u.labels_added, u.closed) for u in first] == [
        ("created", ["pcs:submitted"], False)
    ]
    body = github.list_comments(7)[0].body
    assert body.startswith(panda_issue.PANDA_MARKER)
    assert "[4242](https://pandamon.example/task/4242/)" in body
    assert "<b>" not in body and "@someone" not in body and "&lt;b&gt;" in body
    again = panda_issue.update_issues(github, [services_task(services)], settings)
    assert again[0].comment == "unchanged"
    writes = len(github.entries())
    github.reload()
    done = sync_and_update("done", files_total=4, files_finished=4)
    assert [(u.comment, u.labels_added, u.closed) for u in done] == [
        ("updated", ["pcs:completed"], True)
    ]
    assert len(github.list_comments(7)) == 1
    ops = [e["op"] for e in github.entries()[writes:]]
    assert ops == ["add_labels", "remove_label", "remove_label", "close_issue", "update_comment"]


def test_a_pasted_marker_is_not_taken_for_the_bots_comment(
    services: Services, panda: ScriptedPanda, tmp_path: Path
) -> None:
    _submitted(services, panda)
    github = OutboxGitHub(tmp_path / "outbox.jsonl", bot="pcs-bot")
    github.create_comment(7, panda_issue.PANDA_MARKER + " fake")  # authored by the bot here...
    github2 = OutboxGitHub(tmp_path / "outbox.jsonl", bot="other-bot")  # ...not by this one
    update = panda_issue.update_issue(github2, services_task(services), _settings(services))
    assert update.comment == "created"


def services_task(services: Services) -> Any:
    with services.uow() as uow:
        return uow.state.tasks["issue-7"]


def _settings(services: Services) -> Any:
    return services.trusted_state().settings
