"""The task lifecycle: the transition map, the readiness gate and submission recording, exercised
through the task services on an in-memory State."""

from __future__ import annotations

from dataclasses import replace

import pytest

from pcs_gitops.domain.lifecycle import TRANSITIONS
from pcs_gitops.domain.model import (
    Attempt,
    Dataset,
    DatasetTags,
    ProdConfig,
    ProdTask,
    PublicCatalog,
    Source,
    SourceKind,
    Stage,
    Tag,
    TagKind,
    TagStatus,
    TaskStatus,
)
from pcs_gitops.domain.naming import ComposedName, build_dataset_name, build_did
from pcs_gitops.domain.readiness import readiness
from pcs_gitops.domain.rules import check_state
from pcs_gitops.domain.state import State
from pcs_gitops.errors import Conflict, InvalidTransition, RecordNotFound, UsageError
from pcs_gitops.services import tasks
from pcs_gitops.services.outputs import compose_outputs
from pcs_gitops.services.ports import Actor
from pcs_gitops.services.setup import STANDARD_CONFIG_SETTINGS

NOW = "2026-11-28T12:00:00Z"
PM = Actor("manager", "cli")
PATH = "/volatile/eic/EPIC/EVGEN/DIS/BeAGLE1.03.02-1.0/eH2/10x130"
S = TaskStatus


def readable(_: str) -> bool:
    return True


def tag(kind: TagKind, label: str, **parameters: str) -> Tag:
    category = int(label[1]) if kind is TagKind.PHYSICS else None
    return Tag(kind, label, TagStatus.LOCKED, parameters=parameters, category=category)


def build_state() -> State:
    """A complete state: one input dataset and a task 'req' (with its output) that passes every
    readiness check."""
    state = State()
    for item in (
        tag(
            TagKind.PHYSICS,
            "p2001",
            process="DIS",
            beam_energy_electron="10",
            beam_energy_hadron="130",
        ),
        tag(TagKind.EVGEN, "e1", generator="BeAGLE", generator_version="1.03.02-1.0"),
        tag(TagKind.SIMU, "s0", detector_sim="none", sim_version="none"),
        tag(TagKind.RECO, "r0", reco_version="none", reco_config="none"),
    ):
        state.tags[item.label] = item
    state.prod_configs["standard"] = ProdConfig("standard", settings=STANDARD_CONFIG_SETTINGS)
    parts = ComposedName("group.EIC.evgen", "26.02.0", "epic_craterlake", "p2001", "e1", "s0", "r0")
    name = build_dataset_name(parts)
    state.datasets[name] = Dataset(
        name=name,
        did=build_did(parts.scope, name),
        scope=parts.scope,
        detector_version=parts.detector_version,
        detector_config=parts.detector_config,
        tags=DatasetTags("p2001", "e1", "s0", "r0"),
        stage=Stage.EVGEN,
        source=Source(SourceKind.PATH, PATH),
    )
    state.tasks["req"] = ProdTask(
        name="req",
        prod_config="standard",
        input_datasets=(build_did(parts.scope, name),),
        catalog={
            "pwg": "inclusive",
            "priority": "1",
            "dataset_path": PATH,
            "events": "400k",
            "background": "No",
            "issue": "5",
        },
        public_catalog=PublicCatalog(repo="eic/epic-prod", issue=5, row_key="Issue=5"),
    )
    compose_outputs(state, state.tasks["req"], PM, NOW)
    return state


def with_task_in(state: State, status: TaskStatus, name: str = "req", jedi: int = 100) -> ProdTask:
    """Put the task in ``status``, consistently (a submitted task carries its attempt)."""
    task = replace(state.tasks["req"], name=name, status=status)
    if status in (S.SUBMITTED, S.COMPLETED, S.FAILED):
        attempt = Attempt(1, jedi, name, "manager", NOW)
        task = replace(task, panda_task_id=jedi, attempts=(attempt,))
    if name != "req":
        task = replace(task, public_catalog=PublicCatalog(issue=jedi))
    state.tasks[name] = task
    return task


def test_the_baseline_state_is_consistent_and_its_task_passes_readiness() -> None:
    state = build_state()
    assert check_state(state) == []
    assert readiness(state, state.tasks["req"], readable).problems == []


# --------------------------------------------------------------------------- the transition map
def test_the_transition_map_has_exactly_the_five_states_and_their_moves() -> None:
    assert dict(TRANSITIONS) == {
        S.DRAFT: {S.READY},
        S.READY: {S.DRAFT, S.SUBMITTED},
        S.SUBMITTED: {S.COMPLETED, S.FAILED},
        S.COMPLETED: set(),
        S.FAILED: set(),
    }


SET_STATUS_MOVES = {
    (S.DRAFT, S.READY),
    (S.READY, S.DRAFT),
    (S.SUBMITTED, S.COMPLETED),
    (S.SUBMITTED, S.FAILED),
}
ALL_PAIRS = [(a, b) for a in TaskStatus for b in TaskStatus if a is not b]


def _refusal(current: TaskStatus, target: TaskStatus) -> str:
    if not TRANSITIONS[current]:
        return f"task 'req': '{current.value}' is terminal: no transition leaves it"
    if target is S.SUBMITTED and current is S.READY:
        return (
            "task 'req': a task becomes 'submitted' only by recording a submission: run "
            "'pcs task record-submission NAME --panda-task-id N' (or 'pcs task submit NAME')"
        )
    allowed = ", ".join(sorted(s.value for s in TRANSITIONS[current]))
    return (
        f"task 'req': cannot move from '{current.value}' to '{target.value}'; "
        f"allowed from '{current.value}': {allowed}"
    )


@pytest.mark.parametrize(
    ("current", "target"),
    sorted(SET_STATUS_MOVES),
    ids=lambda s: s.value,
)
def test_set_status_allows_the_move(current: TaskStatus, target: TaskStatus) -> None:
    state = build_state()
    before = with_task_in(state, current)
    state.dirty.clear()
    reason = "PanDA lost the task's record" if target in tasks.TERMINAL else None
    moved = tasks.set_status(state, "req", target.value, PM, NOW, readable, reason)
    assert moved.status is target
    assert state.tasks["req"] == moved
    assert moved.history == (
        *before.history,
        moved.history[-1],
    )
    entry = moved.history[-1]
    assert (entry.at, entry.by, entry.surface, entry.action) == (NOW, "manager", "cli", "status")
    approved = {"payload_sha256": moved.approval.payload_sha256} if moved.approval else {}
    expected = {"from": current.value, "to": target.value, **approved}
    assert entry.detail == ({**expected, "reason": reason} if reason else expected)
    assert (moved.approval is not None) is (target is S.READY)  # ready means approved
    assert state.dirty == {"state/prod_tasks/req.yaml"}
    assert check_state(state) == []


@pytest.mark.parametrize(
    ("current", "target"),
    [pair for pair in ALL_PAIRS if pair not in SET_STATUS_MOVES],
    ids=lambda s: s.value,
)
def test_set_status_refuses_the_move(current: TaskStatus, target: TaskStatus) -> None:
    state = build_state()
    before = with_task_in(state, current)
    state.dirty.clear()
    with pytest.raises(InvalidTransition) as caught:
        tasks.set_status(state, "req", target.value, PM, NOW, readable)
    assert str(caught.value) == _refusal(current, target)
    assert state.tasks["req"] == before
    assert state.dirty == set()


@pytest.mark.parametrize("status", list(TaskStatus), ids=lambda s: s.value)
def test_setting_the_current_status_again_changes_nothing(status: TaskStatus) -> None:
    state = build_state()
    before = with_task_in(state, status)
    state.dirty.clear()
    assert tasks.set_status(state, "req", status.value, PM, NOW, readable) == before
    assert state.dirty == set()


@pytest.mark.parametrize("spelling", ["Ready", " ready ", "READY"])
def test_a_status_is_read_case_insensitively_and_trimmed(spelling: str) -> None:
    state = build_state()
    assert tasks.set_status(state, "req", spelling, PM, NOW, readable).status is S.READY


def test_an_unknown_status_is_refused_with_the_choices() -> None:
    state = build_state()
    with pytest.raises(UsageError) as caught:
        tasks.set_status(state, "req", "paused", PM, NOW, readable)
    assert str(caught.value) == (
        "status 'paused' is unknown; choose from draft, ready, submitted, completed, failed"
    )


def test_an_unknown_task_is_refused() -> None:
    with pytest.raises(RecordNotFound, match="no task is named 'nope'"):
        tasks.set_status(build_state(), "nope", "ready", PM, NOW, readable)


# --------------------------------------------------------------------------- the readiness gate
def test_entering_ready_is_refused_with_every_readiness_problem_listed() -> None:
    state = build_state()
    state.tasks["req"] = replace(
        state.tasks["req"],
        input_datasets=(),
        catalog={"pwg": "nope", "priority": "9", "dataset_path": " ", "events": "lots"},
        overrides={"copy_reco": False},
    )
    before = state.tasks["req"]
    with pytest.raises(InvalidTransition) as caught:
        tasks.set_status(state, "req", "ready", PM, NOW, readable)
    assert str(caught.value) == (
        "task 'req' is not ready:\n"
        "  - no input dataset is linked; run 'pcs task link-input NAME --did DID'\n"
        "  - number of events 'lots' is not a count like 400k, 2.75M or All; correct it\n"
        "  - no physics output configured: set copy_reco or copy_full\n"
        "  - DSC or PWG 'nope' is not one of edt, inclusive, jets_hf, semi_inclusive, tracking, "
        "bsm_ew, other\n"
        "  - priority '9' is not 1, 2, 3 or -1\n"
        "  - dataset path is empty"
    )
    assert state.tasks["req"] == before


def test_an_unreadable_input_path_keeps_the_task_in_draft() -> None:
    state = build_state()
    with pytest.raises(InvalidTransition, match=f"input path '{PATH}' is not readable from here"):
        tasks.set_status(state, "req", "ready", PM, NOW, lambda _: False)


def test_a_path_that_cannot_be_checked_from_here_does_not_block_readiness() -> None:
    state = build_state()
    assert tasks.set_status(state, "req", "ready", PM, NOW, lambda _: None).status is S.READY


def test_a_physics_tag_contradicting_the_beams_in_the_path_blocks_readiness() -> None:
    state = build_state()
    state.tags["p2001"] = replace(
        state.tags["p2001"],
        parameters={**state.tags["p2001"].parameters, "beam_energy_hadron": "275"},
    )
    with pytest.raises(InvalidTransition) as caught:
        tasks.set_status(state, "req", "ready", PM, NOW, readable)
    assert "wrong physics tag: the path says 10x130 but p2001 says 10x275" in str(caught.value)


def test_leaving_ready_for_draft_needs_no_readiness() -> None:
    state = build_state()
    with_task_in(state, S.READY)
    state.tasks["req"] = replace(state.tasks["req"], catalog={})
    assert tasks.set_status(state, "req", "draft", PM, NOW, readable).status is S.DRAFT


# --------------------------------------------------------------------------- record-submission
def test_recording_a_submission_moves_a_ready_task_to_submitted_with_try_one() -> None:
    state = build_state()
    with_task_in(state, S.READY)
    done = tasks.record_submission(state, "req", 4242, PM, NOW)
    assert (done.status, done.panda_task_id) == (S.SUBMITTED, 4242)
    (attempt,) = done.attempts
    assert (attempt.try_number, attempt.jedi_task_id) == (1, 4242)
    assert (attempt.submitted_by, attempt.submitted_at) == ("manager", NOW)
    assert attempt.task_name
    assert "/" not in attempt.task_name
    assert not attempt.task_name.endswith(".try1")
    assert done.history[-1].action == "submission"
    assert done.history[-1].detail == {"panda_task_id": 4242, "try_number": 1}
    assert check_state(state) == []


def test_a_second_attempt_gets_try_two_and_the_try_suffix_on_the_same_logical_name() -> None:
    first_state = build_state()
    with_task_in(first_state, S.READY)
    logical = tasks.record_submission(first_state, "req", 6, PM, NOW).attempts[0].task_name
    state = build_state()
    earlier = Attempt(1, 6, logical, "manager", NOW)
    state.tasks["req"] = replace(state.tasks["req"], status=S.READY, attempts=(earlier,))
    done = tasks.record_submission(state, "req", 7, PM, NOW)
    assert done.attempts == (earlier, Attempt(2, 7, f"{logical}.try2", "manager", NOW))
    assert done.history[-1].detail == {"panda_task_id": 7, "try_number": 2}


def test_recording_a_submission_is_refused_unless_the_task_is_ready() -> None:
    state = build_state()
    before = state.tasks["req"]
    with pytest.raises(InvalidTransition) as caught:
        tasks.record_submission(state, "req", 4242, PM, NOW)
    assert str(caught.value) == "task 'req' is draft; only a ready task can be submitted"
    assert state.tasks["req"] == before


@pytest.mark.parametrize("status", [S.SUBMITTED, S.COMPLETED, S.FAILED], ids=lambda s: s.value)
def test_a_task_that_already_has_a_panda_id_refuses_a_second_one(status: TaskStatus) -> None:
    state = build_state()
    before = with_task_in(state, status, jedi=100)
    with pytest.raises(Conflict) as caught:
        tasks.record_submission(state, "req", 101, PM, NOW)
    assert str(caught.value) == (
        "task 'req' already records PanDA task 100; a task is submitted once"
    )
    assert state.tasks["req"] == before


def test_a_jedi_task_id_already_recorded_by_another_task_is_refused() -> None:
    state = build_state()
    with_task_in(state, S.COMPLETED, name="other", jedi=555)
    with_task_in(state, S.READY)
    with pytest.raises(Conflict) as caught:
        tasks.record_submission(state, "req", 555, PM, NOW)
    assert str(caught.value) == "PanDA task 555 is already recorded by 'other'"
    assert state.tasks["req"].status is S.READY


def test_a_panda_id_below_one_is_refused() -> None:
    state = build_state()
    with_task_in(state, S.READY)
    with pytest.raises(UsageError, match="the PanDA task id must be a positive integer"):
        tasks.record_submission(state, "req", 0, PM, NOW)


@pytest.mark.parametrize("target", [TaskStatus.COMPLETED, TaskStatus.FAILED], ids=str)
def test_a_terminal_status_by_hand_needs_a_reason(target: TaskStatus) -> None:
    state = build_state()
    with_task_in(state, TaskStatus.SUBMITTED)
    with pytest.raises(UsageError, match="by hand needs a reason"):
        tasks.set_status(state, "req", target.value, PM, NOW, readable, "  ")
    assert state.tasks["req"].status is TaskStatus.SUBMITTED
