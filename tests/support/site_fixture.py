"""A small, fixed state for the site tests: two requests, one with hostile values everywhere."""

from __future__ import annotations

from dataclasses import replace

from pcs_gitops.domain.model import Attempt, TaskStatus
from pcs_gitops.domain.settings import Pwg
from pcs_gitops.domain.state import State
from pcs_gitops.services.datasets import DatasetIntake, intake_dataset
from pcs_gitops.services.ports import Actor
from pcs_gitops.services.setup import initial_state
from pcs_gitops.services.tasks import TaskIntake, comment, intake_task

T0 = "2026-03-01T09:00:00Z"
T1 = "2026-03-05T10:30:00Z"
T2 = "2026-03-20T16:45:00Z"
HOSTILE = (
    "<script>alert(1)</script>",
    "{{ site }}",
    "{% include_relative _config.yml %}",
    "</td><td>",
)
HOSTILE_TEXT = " ".join(HOSTILE)
NEW_PWG = Pwg("exotica", "Exotica & <b>friends</b>/BSM", "#a0b0c0")


def site_state() -> State:
    """Two requests: issue 7 (hostile text in every free field) and a submitted row-key one."""
    state = initial_state(T0, "octo-org/pcs-site")
    state.put_settings(replace(state.settings, pwgs=(*state.settings.pwgs, NEW_PWG)))
    alice, bob = Actor("alice", "github"), Actor("bob", "cli")
    first = intake_dataset(
        state,
        DatasetIntake(
            source_location="/volatile/eic/EPIC/EVGEN/DIS/NC/10x100/minQ2=1",
            release_url="https://github.com/eic/epic-pythia/releases/tag/pythia8.306-1.0",
        ),
        alice,
        T0,
    ).dataset
    second = intake_dataset(
        state,
        DatasetIntake(source_location="/volatile/eic/EPIC/EVGEN/SINGLE/e-/1GeV/45to135deg"),
        bob,
        T0,
    ).dataset
    intake_task(
        state,
        TaskIntake(
            public_catalog_issue=7,
            input_dataset_did=first.did,
            description=HOSTILE_TEXT,
            catalog={
                "pwg": "inclusive",
                "priority": "1",
                "dataset_path": first.source.location,
                "generator_version": "https://github.com/eic/epic-pythia/releases/tag/pythia8.306-1.0",
                "events": "2.75M",
                "background": "No",
                "new_request": "Yes",
                "pre_tdr_use": "Maybe",
                "early_science_use": "Yes",
                "other_use": HOSTILE[1],
                "description": "line one\r\n" + HOSTILE_TEXT,
            },
        ),
        alice,
        T0,
    )
    comment(state, "issue-7", HOSTILE[2] + " " + HOSTILE[0], bob, T1)
    outcome = intake_task(
        state,
        TaskIntake(
            public_catalog_csv_path=state.settings.csv_path,
            public_catalog_row_key=f"Dataset Path={second.source.location}",
            input_dataset_did=second.did,
            catalog={
                "pwg": "exotica",
                "priority": "3",
                "dataset_path": second.source.location,
                "events": HOSTILE[3],
                "description": "single electrons",
            },
        ),
        bob,
        T1,
    )
    submitted = replace(
        outcome.task,
        status=TaskStatus.SUBMITTED,
        panda_task_id=4242,
        public_catalog=replace(outcome.task.public_catalog, pr=12),
        attempts=(Attempt(1, 4242, outcome.task.name, "bob", T2),),
    )
    state.put_task(submitted)
    state.dirty.clear()
    return state
