"""Reading panda-client's replies (services/panda_replies.py) and mapping PanDA's task status onto
the lifecycle (domain/panda_status.py)."""

from __future__ import annotations

from datetime import datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pcs_gitops.domain.model import PandaProgress, TaskStatus
from pcs_gitops.domain.panda_status import duplicate_of, is_stale, lifecycle_for
from pcs_gitops.services.panda_port import (
    NewTask,
    OutcomeUnknown,
    PandaUnreachable,
    Reactivated,
    Refused,
)
from pcs_gitops.services.panda_replies import (
    classify_insert_reply,
    classify_retry_reply,
    details_from_reply,
    iso_utc,
    tasks_from_reply,
)


# -- insertTaskParams ---------------------------------------------------------------------------
@pytest.mark.parametrize(
    "reply",
    [
        (0, (0, "succeeded. new jediTaskID=123")),
        "succeeded. new jediTaskID=123",
        (0, [0, "succeeded. new jediTaskID=123", 123]),  # the legacy list shape
    ],
)
def test_only_succeeded_new_jeditaskid_is_a_new_task(reply: object) -> None:
    assert classify_insert_reply(reply) == NewTask(123, "succeeded. new jediTaskID=123")


def test_a_reactivation_names_the_old_task_and_is_not_new() -> None:
    message = "reactivation accepted. jediTaskID=77 (currently in failed state) will be re-run"
    assert classify_insert_reply((0, (0, message))) == Reactivated(77, message)


@pytest.mark.parametrize(
    ("reply", "kind", "code", "existing"),
    [
        ((0, (0, "The following DN is banned: DN=/CN=x")), "banned-dn", 0, None),
        ((0, (1, "jediTaskID=55 is already queued for outDS=x. ")), "duplicate", 1, 55),
        ((0, (2, "jediTaskID=55 is in the running state for outDS=x.")), "duplicate", 2, 55),
        ((0, (4, "failed to register task")), "refused", 4, None),
        ((0, (10, "Too many active tasks for u 5>4")), "refused", 10, None),
        ((0, (None, "SSL secure connection is required")), "invalid-request", None, None),
    ],
)
def test_definite_answers_that_created_nothing(
    reply: object, kind: str, code: int | None, existing: int | None
) -> None:
    outcome = classify_insert_reply(reply)
    assert isinstance(outcome, Refused)
    assert (outcome.kind, outcome.code, outcome.existing_task) == (kind, code, existing)


@pytest.mark.parametrize(
    "reply",
    [
        (255, None),
        (255, "Impossible to parse server response. Output: {}"),
        None,
        42,
        (0, None),
        (0, (0, "jediTaskID=78")),  # success-shaped, but not "succeeded. new"
        (0, (0, "succeeded")),
    ],
)
def test_replies_that_do_not_say_what_happened_are_unknown(reply: object) -> None:
    with pytest.raises(OutcomeUnknown, match="look it up by name"):
        classify_insert_reply(reply)


@given(
    st.one_of(
        st.none(),
        st.integers(),
        st.text(),
        st.tuples(st.integers(0, 255), st.none()),
        st.tuples(st.just(0), st.tuples(st.one_of(st.none(), st.integers()), st.text())),
    )
)
def test_any_reply_is_classified_or_unknown_and_new_needs_the_success_text(reply: object) -> None:
    try:
        outcome = classify_insert_reply(reply)
    except OutcomeUnknown:
        return
    if isinstance(outcome, NewTask):
        assert outcome.message.startswith("succeeded.")
        assert f"jediTaskID={outcome.jedi_task_id}" in outcome.message


# -- retryTask -----------------------------------------------------------------------------------
def test_retry_replies() -> None:
    accepted = classify_retry_reply((0, (0, "command=retry is registered for task ID 7.")))
    assert accepted.accepted and accepted.code == 0
    refused = classify_retry_reply((0, (4, "Command rejected: ...")))
    assert not refused.accepted and refused.code == 4
    with pytest.raises(OutcomeUnknown):
        classify_retry_reply((255, None))


# -- get_task_details_json / get_tasks_detailed_info_since ---------------------------------------
DETAILS = {
    "jediTaskID": 9,
    "taskName": "group.EIC.x",
    "status": "running",
    "errorDialog": None,
    "nFiles": 10,
    "nFilesFinished": 3,
    "nFilesFailed": 1,
    "attemptNr": 2,
    "modificationTime": datetime(2026, 11, 28, 10, 5, 0),
    "userName": "pcs",
}


def test_details_keep_not_found_apart_from_unreachable() -> None:
    task = details_from_reply((0, (True, DETAILS)))
    assert task is not None
    assert (task.jedi_task_id, task.status, task.files_total, task.files_finished) == (
        9,
        "running",
        10,
        3,
    )
    assert task.modification_time == "2026-11-28T10:05:00Z" and task.error_dialog == ""
    assert details_from_reply((0, (False, "Task not found or error retrieving task info"))) is None
    with pytest.raises(PandaUnreachable):
        details_from_reply((255, None))


def test_lookup_replies() -> None:
    assert [t.jedi_task_id for t in tasks_from_reply((0, [DETAILS]))] == [9]
    assert tasks_from_reply((0, [])) == []
    for reply in ((255, None), (0, None), (0, ["x"])):
        with pytest.raises(PandaUnreachable):
            tasks_from_reply(reply)


def test_times_become_utc_text() -> None:
    assert iso_utc(datetime(2026, 1, 2, 3, 4, 5, 678)) == "2026-01-02T03:04:05Z"
    assert iso_utc("2026-01-02T03:04:05") == "2026-01-02T03:04:05Z"
    assert iso_utc(None) == ""


# -- status mapping ------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("panda_status", "lifecycle"),
    [
        ("done", TaskStatus.COMPLETED),
        ("finished", TaskStatus.FAILED),
        ("failed", TaskStatus.FAILED),
        ("broken", TaskStatus.FAILED),
        ("aborted", TaskStatus.FAILED),
        ("exhausted", TaskStatus.FAILED),
        *[
            (s, TaskStatus.SUBMITTED)
            for s in (
                "registered",
                "defined",
                "assigning",
                "ready",
                "pending",
                "scouting",
                "running",
                "throttled",
                "paused",
                "toretry",
                "aborting",
                "tobroken",
            )
        ],
    ],
)
def test_panda_status_maps_onto_the_lifecycle(panda_status: str, lifecycle: TaskStatus) -> None:
    assert lifecycle_for(PandaProgress(panda_status)).status is lifecycle


def test_a_partial_finish_fails_with_the_file_counts_and_the_reason() -> None:
    seen = PandaProgress("finished", "2 jobs failed", 10, 8, 2)
    assert lifecycle_for(seen).reason == (
        "partial (PanDA 'finished'): 8 of 10 input files done, 2 failed; 2 jobs failed"
    )
    assert lifecycle_for(PandaProgress("broken")).reason == "broken"


def test_a_duplicate_abort_names_the_original() -> None:
    dialog = "toabort since there is duplicated task -> jediTaskID=4242"
    assert duplicate_of(PandaProgress("aborted", dialog)) == 4242
    assert duplicate_of(PandaProgress("aborted", "killed by operator")) is None
    assert duplicate_of(PandaProgress("failed", dialog)) is None


def test_stale_reads_change_nothing() -> None:
    recorded = PandaProgress("running", last_change="2026-11-28T10:05:00Z")
    assert is_stale(recorded, PandaProgress("registered", last_change="2026-11-28T10:01:00Z"))
    assert not is_stale(recorded, PandaProgress("done", last_change="2026-11-28T10:09:00Z"))
    retried = PandaProgress("toretry", attempt_nr=1)
    assert is_stale(retried, PandaProgress("failed", attempt_nr=1))
    assert not is_stale(retried, PandaProgress("failed", attempt_nr=2))
    assert not is_stale(None, PandaProgress("failed"))
