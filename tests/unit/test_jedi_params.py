"""The taskParamMap PanDA reads (panda-client.md §4): keys, types, no nulls, every problem."""

from __future__ import annotations

import copy
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from pcs_gitops.domain.artifacts import build_jedi
from pcs_gitops.domain.jedi_params import REQUIRED, task_param_problems
from tests.support.payload_state import payload_state


def _params() -> dict[str, Any]:
    state = payload_state()
    return build_jedi(state, state.tasks["issue-5"])


def test_the_built_map_is_one_panda_accepts() -> None:
    assert task_param_problems(_params(), for_submission=True) == []


@given(st.sets(st.sampled_from(sorted(REQUIRED)), min_size=1))
def test_every_missing_key_panda_reads_is_named(missing: set[str]) -> None:
    params = {k: v for k, v in _params().items() if k not in missing}
    problems = task_param_problems(params)
    assert {p.split(":")[0] for p in problems} == {f"taskParamMap.{k}" for k in missing}


@given(
    st.sampled_from(["nFiles", "site", "log", "taskPriority", "uniqueTaskName"]),
    st.sampled_from(["[0].dataset", "", ".value"]),
)
def test_a_null_anywhere_is_refused_with_its_path(key: str, where: str) -> None:
    params = copy.deepcopy(_params())
    if where == "[0].dataset":
        params["jobParameters"][1]["dataset"] = None
        path = "taskParamMap.jobParameters[1].dataset"
    elif where == ".value" and key == "log":
        params["log"]["value"] = None
        path = "taskParamMap.log.value"
    else:
        params[key] = None
        path = f"taskParamMap.{key}"
    assert any(p.startswith(f"{path}: is null") for p in task_param_problems(params))


def test_types_are_checked_as_panda_tests_them() -> None:
    params = _params() | {
        "taskPriority": "900",
        "noInput": "true",
        "uniqueTaskName": 1,
        "nFiles": True,
        "coreCount": 0,
        "site": 5,
    }
    assert task_param_problems(params) == [
        "taskParamMap.coreCount: must be 1 or more, not 0",
        "taskParamMap.nFiles: must be an integer, not True",
        "taskParamMap.noInput: must be a boolean, not 'true'",
        "taskParamMap.site: must be a string, not 5",
        "taskParamMap.taskPriority: must be an integer, not '900'",
        "taskParamMap.uniqueTaskName: must be a boolean, not 1",
    ]


def test_job_parameters_and_the_log_are_checked_item_by_item() -> None:
    params = _params()
    params["jobParameters"] = [
        {"type": "shell", "value": ""},
        {"type": "template", "value": "x", "param_type": "output", "dataset": "no-scope"},
    ]
    params["log"] = {"type": "template", "value": "x.log", "param_type": "output", "dataset": "s:n"}
    assert task_param_problems(params) == [
        "taskParamMap.jobParameters[0].type: must be 'constant' or 'template'",
        "taskParamMap.jobParameters[0].value: must be a non-empty string",
        "taskParamMap.jobParameters[1].dataset: must name a dataset as scope:name",
        "taskParamMap.log.param_type: must be 'log'",
    ]


def test_an_approved_payload_also_names_the_size_of_a_task_without_input() -> None:
    params = {k: v for k, v in _params().items() if k not in ("nFiles", "nEvents")}
    assert task_param_problems(params) == []
    assert task_param_problems(params, for_submission=True) == [
        "taskParamMap.noInput: the task has no input and neither nFiles nor nEvents, so PanDA "
        "would run a single job; give the number of events or count the input's files"
    ]


def test_a_task_name_with_a_slash_is_refused() -> None:
    problems = task_param_problems(_params() | {"taskName": "/RECO/26.02/x"})
    assert problems == ["taskParamMap.taskName: must be slash-free and at most 255 characters"]
