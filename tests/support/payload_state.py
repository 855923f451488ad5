"""An in-memory catalogue for the payload tests: the standard config, one external EVGEN input
with complete tags, and request tasks on it (draft, with their outputs composed)."""

from __future__ import annotations

from dataclasses import replace

from pcs_gitops.domain.model import (
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
)
from pcs_gitops.domain.naming import ComposedName, build_dataset_name, build_did
from pcs_gitops.domain.state import State
from pcs_gitops.services.outputs import compose_outputs
from pcs_gitops.services.ports import Actor
from pcs_gitops.services.setup import STANDARD_CONFIG_SETTINGS

NOW = "2026-11-28T12:00:00Z"
REQUESTER = Actor("rita", "cli")
MANAGER = Actor("maria", "cli")
PATH = "/volatile/eic/EPIC/EVGEN/DIS/BeAGLE1.03.02-1.0/eH2/10x130"
OTHER_PATH = "/volatile/eic/EPIC/EVGEN/DIS/BeAGLE1.03.02-1.0/eH2/18x275"


def readable(_: str) -> bool:
    return True


def _tag(kind: TagKind, label: str, **parameters: str) -> Tag:
    category = int(label[1]) if kind is TagKind.PHYSICS else None
    return Tag(kind, label, TagStatus.LOCKED, parameters=parameters, category=category)


def input_dataset(state: State, physics: str, path: str, sample: str = "") -> Dataset:
    parts = ComposedName(
        "group.EIC.evgen", "26.02.0", "epic_craterlake", physics, "e1", "s0", "r0", None, sample
    )
    name = build_dataset_name(parts)
    dataset = Dataset(
        name=name,
        did=build_did(parts.scope, name),
        scope=parts.scope,
        detector_version=parts.detector_version,
        detector_config=parts.detector_config,
        tags=DatasetTags(physics, "e1", "s0", "r0"),
        sample=sample,
        stage=Stage.EVGEN,
        source=Source(SourceKind.PATH, path),
    )
    state.put_dataset(dataset)
    return dataset


def add_request(
    state: State, issue: int, dataset: Dataset, *, compose: bool = True, **changes: object
) -> ProdTask:
    """Task ``issue-<n>`` filed by the requester on ``dataset`` (outputs composed)."""
    task = ProdTask(
        name=f"issue-{issue}",
        prod_config="standard",
        input_datasets=(dataset.did,),
        catalog={
            "pwg": "inclusive",
            "priority": "1",
            "dataset_path": dataset.source.location,
            "events": "400k",
            "background": "No",
            "issue": str(issue),
        },
        public_catalog=PublicCatalog(repo="eic/epic-prod", issue=issue, row_key=f"Issue={issue}"),
        created_by=REQUESTER.login,
        created_at=NOW,
    )
    task = replace(task, **changes)  # type: ignore[arg-type]
    state.put_task(task)
    if compose:
        task = compose_outputs(state, task, REQUESTER, NOW).task
    return task


def payload_state() -> State:
    """The standard config, inputs for 10x130 and 18x275, and request issue-5 on the first."""
    state = State()
    for tag in (
        _tag(
            TagKind.PHYSICS,
            "p2001",
            process="DIS",
            beam_energy_electron="10",
            beam_energy_hadron="130",
        ),
        _tag(
            TagKind.PHYSICS,
            "p2002",
            process="DIS",
            beam_energy_electron="18",
            beam_energy_hadron="275",
        ),
        _tag(TagKind.EVGEN, "e1", generator="BeAGLE", generator_version="1.03.02-1.0"),
        _tag(TagKind.SIMU, "s0", detector_sim="none", sim_version="none"),
        _tag(TagKind.RECO, "r0", reco_version="none", reco_config="none"),
    ):
        state.put_tag(tag)
    state.put_prod_config(ProdConfig("standard", settings=STANDARD_CONFIG_SETTINGS))
    first = input_dataset(state, "p2001", PATH)
    input_dataset(state, "p2002", OTHER_PATH)
    add_request(state, 5, first)
    state.dirty.clear()
    return state
