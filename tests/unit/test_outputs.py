"""Output datasets: composed by the naming authority at intake, unique across requests."""

from __future__ import annotations

from dataclasses import replace

import pytest

from pcs_gitops.domain.artifacts import build_jedi
from pcs_gitops.domain.model import SourceKind, Stage, TagKind, TaskStatus
from pcs_gitops.domain.outputs import output_problems, plan_outputs
from pcs_gitops.domain.rules import check_state
from pcs_gitops.errors import Conflict
from pcs_gitops.services.outputs import compose_outputs, distinguishing_variant
from tests.support.payload_state import (
    NOW,
    PATH,
    REQUESTER,
    add_request,
    input_dataset,
    payload_state,
)

OUTPUT = "group.EIC.26.02.0.epic_craterlake.p2001.e1.s1.r1"


def test_a_request_gets_a_reco_output_named_from_its_input_and_its_config() -> None:
    state = payload_state()
    task = state.tasks["issue-5"]
    assert task.output_datasets == (f"group.EIC:{OUTPUT}.b1",)
    output = state.datasets[OUTPUT]
    assert (output.stage, output.scope, output.source.kind) == (
        Stage.RECO,
        "group.EIC",
        SourceKind.INTERNAL,
    )
    assert dict(state.tags["s1"].parameters) == {
        "detector_sim": "npsim",
        "sim_version": "26.02.0-stable",
        "detector_config": "epic_craterlake",
    }
    assert dict(state.tags["r1"].parameters) == {
        "reco_version": "26.02.0-stable",
        "reco_config": "epic_craterlake",
    }
    params = build_jedi(state, task)
    assert params["taskName"] == OUTPUT
    assert params["taskName"] not in {d.name for d in state.inputs_of(task)}
    assert output_problems(state, task) == [] and check_state(state) == []


def test_copying_the_full_simulation_keeps_the_simu_stage_output_as_an_intermediate() -> None:
    """The FULL output (r0 sentinel) is the simu stage's; the last stage's is the output."""
    state = payload_state()
    task = replace(state.tasks["issue-5"], overrides={"copy_full": True})
    state.put_task(task)
    done = compose_outputs(state, task, REQUESTER, NOW)
    assert done.changed and done.outputs == [f"group.EIC:{OUTPUT}.b1"]
    assert done.task.intermediate_datasets == (
        "group.EIC:group.EIC.26.02.0.epic_craterlake.p2001.e1.s1.r0.b1",
    )
    assert output_problems(state, done.task) == []
    params = build_jedi(state, done.task)
    outputs = [p for p in params["jobParameters"] if p.get("param_type") == "output"]
    assert [p["value"].rsplit(".", 2)[-2] for p in outputs] == ["edm4eic", "edm4hep"]


def test_a_second_request_for_the_same_output_is_refused_with_a_pointer_to_the_first() -> None:
    state = payload_state()
    first = state.datasets[state.inputs_of(state.tasks["issue-5"])[0].name]
    with pytest.raises(Conflict) as refused:
        add_request(state, 6, first)
    assert str(refused.value) == (
        f"the output dataset {OUTPUT} is already produced by request 'issue-5' (issue #5: "
        "https://github.com/eic/epic-prod/issues/5; https://eic.github.io/epic-prod/requests/"
        "issue-5.html). Two requests may not produce the same output: comment on that request "
        "instead, or tell this one apart with the optional form field 'Sample variant' (pcs task "
        "intake --sample-variant TEXT)"
    )


def test_a_sample_variant_tells_a_second_request_apart() -> None:
    state = payload_state()
    first = state.inputs_of(state.tasks["issue-5"])[0]
    second = add_request(state, 6, first, sample_variant="highstat")
    assert second.output_datasets == (f"group.EIC:{OUTPUT}.highstat.b1",)
    assert check_state(state) == []


def test_collisions_are_told_apart_and_reported_when_asked_to() -> None:
    state = payload_state()
    first = state.inputs_of(state.tasks["issue-5"])[0]
    twin = add_request(state, 6, first, compose=False, catalog={"dataset_path": PATH + "/v2"})
    done = compose_outputs(state, twin, REQUESTER, NOW, distinguish=True)
    assert done.task.sample_variant == "v2"
    assert done.outputs == [f"group.EIC:{OUTPUT}.v2.b1"]
    assert done.notes == [
        "task 'issue-6' would produce the same output as request 'issue-5' (issue #5: "
        "https://github.com/eic/epic-prod/issues/5; https://eic.github.io/epic-prod/requests/"
        "issue-5.html); it was told apart with the sample variant 'v2'"
    ]


@pytest.mark.parametrize(
    ("mine", "theirs", "variant"),
    [
        ("/a/b/45to135deg", "/a/b/3to50deg", "45to135deg"),
        ("/a/b/c", "/a/b/c", "issue-9"),
        ("/a/b/try2", "/a/b", "v_try2"),
        ("/a/x y/z", "/a/z", "x_y"),
    ],
)
def test_a_distinguishing_variant_comes_from_what_differs(
    mine: str, theirs: str, variant: str
) -> None:
    assert distinguishing_variant(mine, theirs, "issue-9") == variant


def test_a_config_without_software_names_no_output() -> None:
    state = payload_state()
    task = replace(state.tasks["issue-5"], overrides={"jug_xl_tag": ""}, output_datasets=())
    plans, problems = plan_outputs(state, task)
    assert plans == () and "has no jug_xl_tag" in problems[0]


def test_outputs_that_no_longer_match_the_config_are_a_readiness_problem() -> None:
    state = payload_state()
    task = replace(state.tasks["issue-5"], overrides={"jug_xl_tag": "26.06.0-stable"})
    assert output_problems(state, task) == [
        f"{OUTPUT} no longer match what the input and the config compose; run 'pcs task "
        "compose-outputs issue-5'"
    ]
    state.put_task(task)
    done = compose_outputs(state, task, REQUESTER, NOW)
    assert done.outputs == ["group.EIC:group.EIC.26.02.0.epic_craterlake.p2001.e1.s2.r2.b1"]
    assert OUTPUT not in state.datasets  # the old output record went with it
    assert output_problems(state, done.task) == []


def test_a_task_past_draft_keeps_its_outputs() -> None:
    state = payload_state()
    task = replace(state.tasks["issue-5"], status=TaskStatus.READY, sample_variant="later")
    done = compose_outputs(state, task, REQUESTER, NOW)
    assert not done.changed and done.outputs == list(task.output_datasets)


def test_two_tasks_listing_one_output_break_validation() -> None:
    state = payload_state()
    other = input_dataset(state, "p2002", "/volatile/eic/x")
    twin = add_request(state, 6, other, compose=False)
    state.put_task(replace(twin, output_datasets=state.tasks["issue-5"].output_datasets))
    problems = [p for p in check_state(state) if p.path == "output_datasets"]
    assert [p.file for p in problems] == [
        "state/prod_tasks/issue-5.yaml",
        "state/prod_tasks/issue-6.yaml",
    ]
    assert "two requests may not produce the same output" in problems[0].message


def test_the_simulation_tag_is_reused_by_every_output_of_one_software_release() -> None:
    state = payload_state()
    add_request(state, 6, state.datasets[next(n for n in state.datasets if ".p2002." in n)])
    simu = [t.label for t in state.tags_of(TagKind.SIMU)]
    assert sorted(simu) == ["s0", "s1"]
