"""Submission artifacts (pcs_gitops.domain.artifacts): golden bytes, defaults, naming, attempts.
PanDA's replies are read in tests/unit/test_panda_replies.py.

Golden files live in tests/golden/artifacts/. After an intended change, regenerate them with
``PCS_UPDATE_GOLDEN=1 pytest tests/unit/test_artifacts.py`` and review the diff.
"""

from __future__ import annotations

import json
import os
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from pcs_gitops.domain.artifacts import (
    artifact_context,
    build_artifact,
    build_condor,
    build_dump,
    build_jedi,
    build_panda,
    current_try_number,
    logical_task_name,
    payload_env,
)
from pcs_gitops.domain.model import (
    Attempt,
    AttemptKind,
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
from pcs_gitops.domain.state import State
from pcs_gitops.errors import UsageError
from pcs_gitops.services.submission import to_json

GOLDEN = Path(__file__).resolve().parents[1] / "golden" / "artifacts"
NOW = "2026-11-28T12:00:00Z"  # the fixed clock of every record below

CONFIG_SETTINGS: dict[str, Any] = {
    "workflow_mode": "external_evgen",
    "detector_version": "26.02.0",
    "detector_config": "epic_craterlake",
    "jug_xl_tag": "26.02.0-stable",
    "events_per_job": 1000,
    "files_per_job": 1,
    "cores": 1,
    "memory_mb": 2000,
    "walltime_hours": 2.0,
    "site": "BNL_OSG_PanDA_1",
    "working_group": "EIC",
    "vo": "eic",
    "prod_source_label": "test",
    "task_type": "prod",
    "processing_type": "epicproduction",
    "task_priority": 900,
    "copy_reco": True,
    "copy_full": False,
    "copy_log": True,
    "use_rucio": True,
    "rucio_rse": "BNL-XRD",
    "bg_mixing": False,
}
SIGNAL_PATH = "/volatile/eic/EPIC/EVGEN/DIS/NC/18x275/minQ2=10"
BG_PATH = "/volatile/eic/EPIC/EVGEN/DIS/NC/10x100/minQ2=1 with beam gas.csv"


def _tag(kind: TagKind, label: str, **parameters: str) -> Tag:
    return Tag(
        kind=kind,
        label=label,
        status=TagStatus.LOCKED,
        category=2 if kind is TagKind.PHYSICS else None,
        description=f"{kind.value} {label}",
        parameters=parameters,
        created_by="maker",
        created_at=NOW,
    )


def _dataset(
    scope: str,
    tags: DatasetTags,
    sample: str,
    stage: Stage,
    source: Source,
) -> Dataset:
    name = build_dataset_name(
        ComposedName(
            scope,
            "26.02.0",
            "epic_craterlake",
            tags.physics,
            tags.evgen,
            tags.simu,
            tags.reco,
            tags.background,
            sample,
        )
    )
    return Dataset(
        name=name,
        did=build_did(scope, name),
        scope=scope,
        detector_version="26.02.0",
        detector_config="epic_craterlake",
        tags=tags,
        sample=sample,
        stage=stage,
        source=source,
        description="fixture",
        created_by="maker",
        created_at=NOW,
    )


def _task(name: str, issue: int, inputs: tuple[str, ...], **changes: Any) -> ProdTask:
    task = ProdTask(
        name=name,
        prod_config="standard",
        status=TaskStatus.READY,
        input_datasets=inputs,
        catalog={
            "pwg": "inclusive",
            "priority": "1",
            "dataset_path": SIGNAL_PATH,
            "events": "400k",
            "background": "No",
        },
        public_catalog=PublicCatalog(
            repo="eic/epic-prod", issue=issue, csv_path="docs/_data/datasets.csv"
        ),
        created_by="requester",
        created_at=NOW,
    )
    return replace(task, **changes)


@pytest.fixture
def state() -> State:
    """A small catalogue: a signal input with a reco output, and a background-mixed input with
    a reco and a FULL output."""
    state = State()
    state.put_prod_config(
        ProdConfig(name="standard", description="fixture", settings=CONFIG_SETTINGS, created_at=NOW)
    )
    for tag in (
        _tag(
            TagKind.PHYSICS,
            "p2001",
            process="DIS_NC",
            beam_energy_electron="18",
            beam_energy_hadron="275",
            q2_range="minQ2=10",
        ),
        _tag(
            TagKind.PHYSICS,
            "p2002",
            process="DIS_NC",
            beam_energy_electron="10",
            beam_energy_hadron="100",
        ),
        _tag(
            TagKind.EVGEN,
            "e1",
            generator="pythia8",
            generator_version="8.306-1.0",
            signal_freq="5",
            bg_files="evgen_fallback.hepmc3.tree.root",
        ),
        _tag(TagKind.SIMU, "s0", detector_sim="none", sim_version="none"),
        _tag(TagKind.SIMU, "s1", detector_sim="npsim", sim_version="26.02.0"),
        _tag(TagKind.RECO, "r0", reco_version="none", reco_config="none"),
        _tag(TagKind.RECO, "r1", reco_version="26.02.0", reco_config="default"),
        _tag(
            TagKind.BACKGROUND,
            "k1",
            background_type="BEAMGAS",
            signal_freq="10",
            bg_tag_prefix="Bkg_Exact1S_2us/GoldCt/5um",
            bg_files="electron_brems.hepmc3.tree.root proton_beamgas.hepmc3.tree.root",
        ),
    ):
        state.put_tag(tag)
    signal_in = _dataset(
        "group.EIC.evgen",
        DatasetTags("p2001", "e1", "s0", "r0"),
        "pythia8NCDIS",
        Stage.EVGEN,
        Source(SourceKind.PATH, SIGNAL_PATH),
    )
    signal_out = _dataset(
        "group.EIC",
        DatasetTags("p2001", "e1", "s1", "r1"),
        "pythia8NCDIS",
        Stage.RECO,
        Source(SourceKind.INTERNAL, "group.EIC"),
    )
    bg_in = _dataset(
        "group.EIC.evgen",
        DatasetTags("p2002", "e1", "s0", "r0", "k1"),
        "",
        Stage.EVGEN,
        Source(SourceKind.CSV_MANIFEST, BG_PATH),
    )
    bg_out, bg_full = (
        _dataset(
            "group.EIC",
            DatasetTags("p2002", "e1", "s1", reco, "k1"),
            "",
            stage,
            Source(SourceKind.INTERNAL, "prod_task:issue-12"),
        )
        for reco, stage in (("r1", Stage.RECO), ("r0", Stage.FULL))
    )
    for dataset in (signal_in, signal_out, bg_in, bg_out, bg_full):
        state.put_dataset(dataset)
    state.put_task(_task("issue-11", 11, (signal_in.did,), output_datasets=(signal_out.did,)))
    state.put_task(
        _task(
            "issue-12",
            12,
            (bg_in.did,),
            output_datasets=(bg_out.did, bg_full.did),
            overrides={
                "bg_mixing": True,
                "copy_full": True,
                "exec_command": "./run.sh --mode 'bg mix'",
            },
            catalog={
                "pwg": "inclusive",
                "priority": "2",
                "dataset_path": BG_PATH,
                "events": "2.75M",
                "background": "Yes",
            },
        )
    )
    return state


def _check_golden(name: str, content: str) -> None:
    path = GOLDEN / name
    data = content.encode("utf-8")
    if os.environ.get("PCS_UPDATE_GOLDEN") == "1":
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    assert path.exists(), f"golden file {path} is missing; run with PCS_UPDATE_GOLDEN=1"
    assert data == path.read_bytes(), f"{name} differs from its golden file"


# -- golden bytes ---------------------------------------------------------------------------------
@pytest.mark.parametrize("task_name", ["issue-11", "issue-12"])
def test_golden_artifacts(state: State, task_name: str) -> None:
    task = state.tasks[task_name]
    _check_golden(f"{task_name}.condor.sh", build_condor(state, task))
    _check_golden(f"{task_name}.panda.sh", build_panda(state, task))
    _check_golden(f"{task_name}.jedi.json", to_json(build_jedi(state, task)))
    _check_golden(f"{task_name}.dump.json", to_json(build_dump(state, task)))


def test_golden_attempt_two_of_background_task(state: State) -> None:
    """A retry gets a new physical name and a TAG_PREFIX with try2 after the k-tag prefix."""
    failed = replace(
        state.tasks["issue-12"],
        status=TaskStatus.READY,
        attempts=(Attempt(1, 1001, "x", "operator", NOW),),
    )
    assert current_try_number(failed) == 2
    _check_golden("issue-12.try2.condor.sh", build_condor(state, failed))
    _check_golden("issue-12.try2.jedi.json", to_json(build_jedi(state, failed)))


def test_artifacts_are_byte_stable(state: State) -> None:
    task = state.tasks["issue-12"]
    for fmt in ("condor", "panda", "jedi", "dump"):
        first = build_artifact(state, task, fmt)
        assert first == build_artifact(state, task, fmt)
    with pytest.raises(UsageError):
        build_artifact(state, task, "yaml")


# -- content --------------------------------------------------------------------------------------
def test_jedi_reproduces_the_reference_example(state: State) -> None:
    params = build_jedi(state, state.tasks["issue-11"])
    name = "group.EIC.26.02.0.epic_craterlake.p2001.e1.s1.r1.pythia8NCDIS"
    assert params["taskName"] == name
    assert params["userName"] == "requester"
    assert (params["vo"], params["workingGroup"], params["cloud"]) == ("eic", "EIC", "EIC")
    assert params["campaign"] == "26.02.0"
    assert params["taskType"] == "prod"
    assert params["taskPriority"] == 950  # catalogue priority 1, through the settings' table
    assert (params["transUses"], params["transHome"], params["architecture"]) == ("", "", "")
    assert params["noInput"] is True and params["uniqueTaskName"] is True
    assert (params["nEvents"], params["nEventsPerJob"], params["nFiles"]) == (400_000, 1000, 400)
    assert (params["coreCount"], params["ramCount"], params["ramUnit"]) == (1, 2000, "MBPerCore")
    assert params["walltime"] == 7200
    assert params["log"]["dataset"] == f"group.EIC:{name}.log"
    lfn = name.removeprefix("group.EIC.")  # the LFN base: the composed name minus the scope
    assert params["log"]["value"] == f"{lfn}.$PANDAID.log.${{SN}}.log.tgz"
    constant, output = params["jobParameters"]
    for word in (
        "EBEAM=18",
        "PBEAM=275",
        "COPYRECO=true",
        "COPYFULL=false",
        "COPYLOG=true",
        "DETECTOR_VERSION=26.02.0",
        "JUG_XL_TAG=26.02.0-stable",
        "OUT_RSE=BNL-XRD",
    ):
        assert word in constant["value"].split()
    assert constant["value"].endswith(" ./run.sh")
    assert "USERUCIO" not in constant["value"] and "X509" not in constant["value"]
    assert output["dataset"] == f"group.EIC:{name}"
    assert output["value"] == f"{lfn}.$PANDAID.${{SN}}.edm4eic.root"
    assert output["offset"] == 1000


def test_jedi_defaults_with_an_empty_config() -> None:
    state = State()
    state.put_prod_config(ProdConfig(name="standard"))
    task = ProdTask(name="bare", prod_config="standard")
    params = build_jedi(state, task)
    assert params["taskName"] == "bare"
    assert (params["vo"], params["workingGroup"], params["prodSourceLabel"]) == (
        "eic",
        "EIC",
        "test",
    )
    assert params["processingType"] == "epicproduction"
    assert (params["coreCount"], params["ramCount"]) == (1, 2000)
    assert params["userName"] == "pcs"
    for absent in ("nFiles", "nEvents", "skipScout"):
        assert absent not in params
    assert params["log"]["dataset"] == "group.EIC.evgen:bare.log"


def test_condor_uses_rucio_proxy_and_quotes_values(state: State) -> None:
    text = build_condor(state, state.tasks["issue-12"])
    lines = text.splitlines()
    assert lines[0] == "EBEAM=10 \\"
    assert all(line.startswith("  ") and line.endswith(" \\") for line in lines[1:-1])
    assert "  USERUCIO=true \\" in lines
    assert "  X509_USER_PROXY=secrets/x509_user_proxy \\" in lines
    assert f"  CSV_FILE='{BG_PATH}' \\" in lines
    assert lines[-1] == f"  scripts/submit_csv.sh osg_csv hepmc3 '{BG_PATH}' 2"
    assert text.endswith("\n")


def test_background_env_prefers_k_tag_then_evgen(state: State) -> None:
    ctx = artifact_context(state, state.tasks["issue-12"])
    env = dict(payload_env(ctx, condor=False))
    assert env["SIGNAL_FREQ"] == "10"  # k tag wins
    assert env["SIGNAL_STATUS"] == "0"  # default
    assert env["TAG_PREFIX"] == "Bkg_Exact1S_2us/GoldCt/5um"
    assert env["BG_FILES"].startswith("electron_brems")
    no_k = replace(state.tags["k1"], parameters={"background_type": "BEAMGAS"})
    state.put_tag(no_k)
    env = dict(payload_env(artifact_context(state, state.tasks["issue-12"]), condor=False))
    assert env["SIGNAL_FREQ"] == "5"  # evgen fallback
    assert env["BG_FILES"] == "evgen_fallback.hepmc3.tree.root"
    assert "TAG_PREFIX" not in env


def test_no_background_env_without_mixing(state: State) -> None:
    env = dict(payload_env(artifact_context(state, state.tasks["issue-11"]), condor=True))
    assert not {"SIGNAL_FREQ", "SIGNAL_STATUS", "TAG_PREFIX", "BG_FILES"} & set(env)


def test_tag_prefix_try_suffix(state: State) -> None:
    plain = state.tasks["issue-11"]
    env = dict(payload_env(artifact_context(state, plain, try_number=2), condor=False))
    assert env["TAG_PREFIX"] == "try2"
    state.put_tag(
        replace(
            state.tags["k1"],
            parameters={**state.tags["k1"].parameters, "bg_tag_prefix": "legacy/prefix"},
        )
    )
    env = dict(payload_env(artifact_context(state, state.tasks["issue-12"], 3), condor=False))
    assert env["TAG_PREFIX"] == "legacy/prefix/try3"
    params = build_jedi(state, plain, try_number=2)
    assert params["taskName"].endswith(".pythia8NCDIS.try2")
    assert params["jobParameters"][1]["dataset"].endswith(".try2")


def test_try_number_follows_the_recorded_attempts(state: State) -> None:
    task = state.tasks["issue-11"]
    assert current_try_number(task) == 1
    one = (Attempt(1, 1001, "n", "op", NOW),)
    submitted = replace(task, status=TaskStatus.SUBMITTED, panda_task_id=1001, attempts=one)
    assert current_try_number(submitted) == 1
    assert current_try_number(replace(submitted, panda_task_id=None)) == 2


def test_a_panda_retry_keeps_describing_the_attempt_that_created_the_task(state: State) -> None:
    task = state.tasks["issue-11"]
    attempts = (
        Attempt(1, 1001, "n", "op", NOW),
        Attempt(2, 1001, "n", "op", NOW, kind=AttemptKind.RETRY),
    )
    retried = replace(task, status=TaskStatus.SUBMITTED, panda_task_id=1001, attempts=attempts)
    assert current_try_number(retried) == 1
    assert build_jedi(state, retried)["taskName"] == build_jedi(state, retried, 1)["taskName"]


def test_names_fall_back_from_output_to_input_to_task(state: State) -> None:
    with_output = state.tasks["issue-11"]
    assert logical_task_name(state, with_output).startswith("group.EIC.26.02.0.")
    no_output = replace(with_output, output_datasets=())
    assert logical_task_name(state, no_output) == (
        "group.EIC.evgen.26.02.0.epic_craterlake.p2001.e1.s0.r0.pythia8NCDIS"
    )
    orphan = replace(with_output, output_datasets=(), input_datasets=("x:missing.b1",))
    assert logical_task_name(state, orphan) == "issue-11"


def test_drafts_with_missing_pieces_never_crash(state: State) -> None:
    """Missing config, dangling DIDs, missing tags, N/A beams, free-text events: all skipped
    (the beams are cleared explicitly, so none leaks in from the operator's shell)."""
    state.put_tag(replace(state.tags["p2001"], parameters={"beam_energy_electron": "N/A"}))
    del state.tags["e1"]
    broken = ProdTask(
        name="req.draft",
        prod_config="does-not-exist",
        input_datasets=(state.tasks["issue-11"].input_datasets[0], "x:gone.b1"),
        output_datasets=("x:gone-too.b1",),
        overrides={"walltime_hours": "lots", "cores": None, "events_per_job": 0},
        catalog={"events": "a lot"},
    )
    condor = build_condor(state, broken)
    assert condor.startswith("EBEAM='' \\\n  PBEAM='' \\\n")
    params = build_jedi(state, broken)
    assert "nEvents" not in params and "nFiles" not in params and "nEventsPerJob" not in params
    assert "walltime" not in params and params["coreCount"] == 1
    assert "/" not in params["taskName"]
    dump = build_dump(state, broken)
    assert dump["input_datasets"][1] == {"did": "x:gone.b1", "missing": True}
    assert dump["prod_config"] is None
    assert "e1" not in dump["tags"]
    json.dumps(dump)
    assert build_panda(state, broken).startswith("prun \\\n")
    empty = ProdTask(name="empty", prod_config="standard", catalog={"events": "All"})
    assert "hepmc3 '<csv_file>' 2\n" in build_condor(state, empty)


def test_dump_lists_every_tag_of_the_inputs_including_background(state: State) -> None:
    dump = build_dump(state, state.tasks["issue-12"])
    assert list(dump["tags"]) == ["p2002", "e1", "s0", "r0", "k1"]
    assert dump["effective_config"]["bg_mixing"] is True
    assert dump["prod_config"]["name"] == "standard"
    assert "readiness" not in dump


def test_panda_flags_in_reference_order(state: State) -> None:
    text = build_panda(state, state.tasks["issue-11"])
    flags = [line.split()[0] for line in text.splitlines()[1:]]
    assert flags == [
        "--exec",
        "--outDS",
        "--containerImage",
        "--site",
        "--workingGroup",
        "--prodSourceLabel",
        "--vo",
        "--processingType",
        "--nJobs",
        "--nEventsPerJob",
        "--nCore",
        "--noBuild",
    ]


@pytest.mark.parametrize(
    ("priority", "overrides", "expected"),
    [("1", {}, 950), ("2", {}, 900), ("3", {}, 850), ("-1", {}, 800), ("", {}, 900)],
)
def test_task_priority_comes_from_the_catalogue_priority_through_the_settings(
    state: State, priority: str, overrides: dict[str, Any], expected: int
) -> None:
    task = state.tasks["issue-11"]
    task = replace(task, catalog={**task.catalog, "priority": priority}, overrides=overrides)
    assert build_jedi(state, task)["taskPriority"] == expected


def test_a_task_override_of_the_priority_wins_and_the_table_is_the_settings(state: State) -> None:
    task = state.tasks["issue-11"]
    assert build_jedi(state, replace(task, overrides={"task_priority": 1}))["taskPriority"] == 1
    state.settings = replace(state.settings, task_priorities={"1": 999})
    assert build_jedi(state, task)["taskPriority"] == 999
