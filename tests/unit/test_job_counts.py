"""How many events and jobs a task asks for: explicit counts, and all events of the input."""

from __future__ import annotations

from dataclasses import replace

import pytest

from pcs_gitops.domain.job_counts import job_count, missing_count
from pcs_gitops.domain.model import ProdTask
from tests.support.payload_state import payload_state

EFFECTIVE = {"events_per_job": 1000}


def _task(events: str) -> ProdTask:
    return ProdTask(name="t", prod_config="standard", catalog={"events": events})


@pytest.mark.parametrize(
    ("events", "effective", "jobs"),
    [
        ("400k", EFFECTIVE, 400),
        ("2.75M", EFFECTIVE, 2750),
        ("1", EFFECTIVE, 1),
        ("400k", {**EFFECTIVE, "n_jobs": 7}, 7),
        ("", {**EFFECTIVE, "events_per_task": 5000}, 5),
        ("All", EFFECTIVE, None),
        ("", EFFECTIVE, None),
    ],
)
def test_the_job_count_follows_the_explicit_counts(
    events: str, effective: dict[str, int], jobs: int | None
) -> None:
    assert job_count(effective, _task(events), []) == jobs


def test_all_events_take_one_job_per_input_file_once_the_files_are_counted() -> None:
    state = payload_state()
    dataset = state.inputs_of(state.tasks["issue-5"])[0]
    assert missing_count(EFFECTIVE, _task("All"), [dataset]) == (
        "the request asks for all events of its input, but how many files "
        f"{dataset.name} holds is not recorded: run 'pcs dataset count-files NAME' (it reads a "
        "CSV manifest under the data roots; --files N records a known count), or give the "
        "number of events"
    )
    counted = replace(dataset, files=12)
    assert job_count(EFFECTIVE, _task("all"), [counted]) == 12
    assert missing_count(EFFECTIVE, _task("all"), [counted]) is None
    assert missing_count(EFFECTIVE, _task("400k"), [dataset]) is None
