"""A synthetic but realistic state of N requests, shaped like imported ones, for benchmarks."""

from __future__ import annotations

import random

from pcs_gitops.domain.state import State
from pcs_gitops.services.datasets import DatasetIntake, intake_dataset
from pcs_gitops.services.ports import Actor, Progress, no_progress
from pcs_gitops.services.tasks import TaskIntake, intake_task

AREAS = (
    ("DIS/NC/{b}/minQ2={q}", "pythia8"),
    (
        "DIS/BeAGLE1.03.02-{v}/eAu/{b}/q2_{q}to{q2}",
        "https://github.com/eic/BeAGLEsamples/releases/tag/BeAGLE1.03.02-{v}",
    ),
    (
        "EXCLUSIVE/DVCS_ABCONV/EpIC1.1.6-{v}/{b}/q2_{q}_{q2}",
        "https://github.com/eic/DVCSdataset/releases/tag/EpIC1.1.6-{v}",
    ),
    (
        "SIDIS/pythia6-eic/{v}/{b}/q2_{q}to{q2}",
        "https://gitlab.com/eic/mceg/PYTHIA-RAD-CORR/-/tree/{v}",
    ),
    ("SINGLE/{p}/{e}GeV/{a}", ""),
)
BEAMS = ("5x41", "5x100", "10x100", "10x130", "10x250", "18x275")
PARTICLES = ("e-", "e+", "pi+", "pi-", "kaon+", "proton", "neutron", "gamma", "mu-")
ANGLES = ("3to50deg", "45to135deg", "130to177deg", "etaScan")
PWGS = ("edt", "inclusive", "jets_hf", "semi_inclusive", "tracking", "bsm_ew", "other")


def generate(
    state: State, tasks: int, now: str, seed: int = 1, progress: Progress = no_progress
) -> int:
    """Add ``tasks`` requests (dataset + draft task each); returns how many were added."""
    rng = random.Random(seed)
    actor = Actor("bench", "bench")
    added = 0
    serial = 0
    while added < tasks:
        serial += 1
        template, version = AREAS[serial % len(AREAS)]
        values = {
            "b": rng.choice(BEAMS),
            "q": rng.choice((1, 10, 100)),
            "q2": rng.choice((1000, 10000)),
            "v": f"{rng.randint(1, 3)}.{rng.randint(0, 9)}",
            "p": rng.choice(PARTICLES),
            "e": rng.choice((1, 2, 5, 10, 20)),
            "a": rng.choice(ANGLES),
        }
        path = "/volatile/eic/EPIC/EVGEN/" + template.format(**values) + f"/run{serial:06d}"
        release = version.format(**values)
        outcome = intake_dataset(
            state,
            DatasetIntake(source_location=path, release_url=release or None),
            actor,
            now,
        )
        catalog = {
            "pwg": rng.choice(PWGS),
            "priority": rng.choice(("1", "2", "3", "-1")),
            "dataset_path": path,
            "generator_version": release,
            "events": rng.choice(("", "", "400k", "1M", "2.75M", "All")),
            "background": rng.choice(("No", "Yes", "")),
            "new_request": rng.choice(("Yes", "No")),
            "pre_tdr_use": rng.choice(("Yes", "No", "Maybe")),
            "early_science_use": rng.choice(("Yes", "No")),
            "other_use": rng.choice(("", "", "Background study, ZDC")),
            "description": f"Synthetic request {serial} for benchmarking; {values['b']} beams.",
            "issue": "",
        }
        intake_task(
            state,
            TaskIntake(
                public_catalog_csv_path=state.settings.csv_path,
                public_catalog_row_key=f"Dataset Path={path}",
                input_dataset_did=outcome.dataset.did,
                catalog=catalog,
            ),
            actor,
            now,
        )
        added += 1
        progress("generating requests", added, tasks)
    return added
