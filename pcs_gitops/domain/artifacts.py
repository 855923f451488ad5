"""Submission artifacts: pure, byte-stable builders of ``condor``, ``panda``, ``jedi`` and ``dump``.

Every builder is a function of the state and one task; none reads the clock, the environment
or the filesystem, so the same records always give the same bytes. Defaults come from the one
table in :mod:`pcs_gitops.domain.effective_config`; names come from
:mod:`pcs_gitops.domain.naming`.

Naming
    The *logical* task name is the composed name of the task's first output dataset (composed at
    intake, :mod:`pcs_gitops.domain.outputs`), else (a draft without outputs yet) of its first
    input dataset, else the task's own name (always slash-free). The PanDA ``taskName`` is the
    attempt name of that logical name (``logical`` for try 1, ``logical.tryN`` after). The reco
    output and the log dataset are ``<scope>:<taskName>`` and ``<scope>:<taskName>.log``; a FULL
    output (``copy_full``) is ``<scope>:<its composed name>[.tryN]``. The scope is the naming
    dataset's scope (else the catalogue's default scope). LFNs start with the logical name
    minus its scope (``26.02.0.epic_craterlake.p3001.e1.s1.r1``), as JEDI_INTEGRATION has it.

Priority
    ``taskPriority`` is the task's ``task_priority`` override, else the catalogue priority through
    the table ``task_priorities`` of ``state/catalog.yaml``, else the config's ``task_priority``.

Workflow mode
    The stage graph (:mod:`pcs_gitops.domain.stages`) decides what differs. ``external_evgen``
    reads its input through ``CSV_FILE``. ``internal_evgen`` has no input: the job runs the
    generator from the EvGen tag's parameters (``GENERATOR``, ``GENERATOR_VERSION`` and one
    ``EVGEN_<KEY>`` per other parameter, with ``EVENTS_PER_JOB`` and ``STAGES``), ``nEvents``
    is the request's count and ``nEventsPerJob`` the evgen stage's; its generated events are an
    output (``hepmc3.tree.root``). ``transPath``, ``container_name`` and the splitting are the
    first stage's; a job runs each stage's executable in order (a run of stages sharing one
    executable runs it once).

Attempt number
    A task that carries a PanDA task id shows its current attempt (the last recorded one);
    otherwise the artifacts describe the next attempt (recorded attempts + 1). Callers may pass
    ``try_number`` explicitly.

Missing pieces
    Drafts may lack inputs, tags or a config. A missing value is skipped (never invented, never
    an error); unresolvable input DIDs are listed as missing in the dump.
"""

from __future__ import annotations

import math
import re
import shlex
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from pcs_gitops.domain.effective_config import ARTIFACT_DEFAULTS, DEFAULTS, effective_config
from pcs_gitops.domain.job_counts import as_int, event_count, job_count
from pcs_gitops.domain.model import Dataset, ProdConfig, ProdTask, Stage, Tag, TagKind
from pcs_gitops.domain.naming import (
    ComposedName,
    NameError_,
    attempt_name,
    build_dataset_name,
)
from pcs_gitops.domain.stages import StageGraph, mode_of, stage_graph
from pcs_gitops.domain.state import State
from pcs_gitops.errors import UsageError

ARTIFACT_FORMATS: tuple[str, ...] = ("condor", "panda", "jedi", "dump")
_NOT_A_VALUE = frozenset({"", "n/a", "na", "none", "null"})
_BACKGROUND_KEYS: tuple[tuple[str, str], ...] = (
    ("SIGNAL_FREQ", "signal_freq"),
    ("SIGNAL_STATUS", "signal_status"),
    ("TAG_PREFIX", "bg_tag_prefix"),
    ("BG_FILES", "bg_files"),
)
_GENERATOR_KEYS: tuple[tuple[str, str], ...] = (
    ("GENERATOR", "generator"),
    ("GENERATOR_VERSION", "generator_version"),
)
_ENV_UNSAFE = re.compile(r"[^A-Z0-9_]+")
_EXTENSIONS: dict[Stage, str] = {
    Stage.EVGEN: "hepmc3.tree.root",
    Stage.FULL: ARTIFACT_DEFAULTS["full_extension"],
}


@dataclass(frozen=True)
class ArtifactContext:
    """Everything the builders derive from the records, computed once per task."""

    task: ProdTask
    config: ProdConfig | None
    effective: Mapping[str, Any]
    inputs: tuple[Dataset, ...]
    outputs: tuple[Dataset, ...]
    intermediates: tuple[Dataset, ...]
    graph: StageGraph
    tags: Mapping[TagKind, Tag]  # tags of the primary input (physics, evgen, ..., background)
    logical_name: str
    try_number: int
    task_name: str  # the PanDA taskName of this attempt
    scope: str
    stem: str  # the LFN base: the logical name minus its scope

    @property
    def primary(self) -> Dataset | None:
        """The dataset whose tags and source drive the payload env (first input, else output)."""
        if self.inputs:
            return self.inputs[0]
        return self.outputs[0] if self.outputs else None


# -- small, forgiving conversions ---------------------------------------------------------------
_int = as_int


def _int_or(value: Any, default: int) -> int:
    found = _int(value)
    return default if found is None else found


def _float(value: Any) -> float | None:
    if value is None or isinstance(value, bool):
        return None
    try:
        result = float(value)
    except (TypeError, ValueError):
        return None
    return result if math.isfinite(result) else None


def _flag(value: Any) -> bool:
    if isinstance(value, str):
        return value.strip().lower() in ("true", "yes", "1", "on")
    return bool(value)


def _text(value: Any) -> str:
    """A config value as env/flag text: booleans true/false, integral floats without ``.0``."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    return str(value).strip()


def _present(value: str) -> bool:
    return value.strip().lower() not in _NOT_A_VALUE


# -- names ----------------------------------------------------------------------------------------
def _composed_name(dataset: Dataset) -> str:
    """The dataset's composed name, rebuilt by the naming authority (stored name as fallback)."""
    try:
        return build_dataset_name(
            ComposedName(
                scope=dataset.scope,
                detector_version=dataset.detector_version,
                detector_config=dataset.detector_config,
                physics=dataset.tags.physics,
                evgen=dataset.tags.evgen,
                simu=dataset.tags.simu,
                reco=dataset.tags.reco,
                background=dataset.tags.background,
                sample=dataset.sample,
            )
        )
    except NameError_:
        return dataset.name


def _resolve(state: State, dids: tuple[str, ...]) -> tuple[Dataset, ...]:
    found = (state.dataset_for_did(did) for did in dids)
    return tuple(d for d in found if d is not None)


def logical_task_name(state: State, task: ProdTask) -> str:
    """First output's composed name, else first input's, else the task name; never a slash."""
    candidates = (*_resolve(state, task.output_datasets), *_resolve(state, task.input_datasets))
    if candidates:
        name = _composed_name(candidates[0])
        if name and "/" not in name and ":" not in name:
            return name
    return task.name


def workflow_mode_of(state: State, task: ProdTask) -> str:
    """The task's workflow mode (its config's, unless an override says otherwise)."""
    config = state.prod_configs.get(task.prod_config)
    return mode_of(config.settings if config is not None else {}, task.overrides).value


def current_try_number(task: ProdTask) -> int:
    """The attempt the artifacts describe: the recorded one while a PanDA id is held, else next."""
    current = task.submission_attempt()
    if current is not None:
        return current.try_number
    return len(task.attempts) + 1


def _lfn_base(logical: str, scope: str) -> str:
    return logical.removeprefix(scope + ".")


def artifact_context(
    state: State, task: ProdTask, try_number: int | None = None
) -> ArtifactContext:
    config = state.prod_configs.get(task.prod_config)
    effective = effective_config(config, task.overrides)
    inputs = _resolve(state, task.input_datasets)
    outputs = _resolve(state, task.output_datasets)
    naming = outputs[0] if outputs else (inputs[0] if inputs else None)
    graph = stage_graph(effective)
    tags = _tags(state, task, graph, inputs[0] if inputs else naming)
    logical = logical_task_name(state, task)
    number = try_number if try_number is not None else current_try_number(task)
    return ArtifactContext(
        task=task,
        config=config,
        effective=effective,
        inputs=inputs,
        outputs=outputs,
        intermediates=_resolve(state, task.intermediate_datasets),
        graph=graph,
        tags=tags,
        logical_name=logical,
        try_number=number,
        task_name=attempt_name(logical, number),
        scope=naming.scope if naming is not None else state.settings.default_scope,
        stem=_lfn_base(logical, naming.scope) if naming is not None else logical,
    )


def _tags(
    state: State, task: ProdTask, graph: StageGraph, primary: Dataset | None
) -> dict[TagKind, Tag]:
    """The tags the payload reads: the primary dataset's, or what an internal task generates."""
    labels: dict[TagKind, str] = primary.tags.labels() if primary is not None else {}
    generation = task.generation
    if not graph.reads_input and generation is not None:
        labels = {TagKind.PHYSICS: generation.physics, TagKind.EVGEN: generation.evgen}
        if generation.background:
            labels[TagKind.BACKGROUND] = generation.background
    found = {kind: state.tags.get(label) for kind, label in labels.items()}
    return {kind: tag for kind, tag in found.items() if tag is not None}


_ALWAYS_SET = frozenset({"EBEAM", "PBEAM"})


# -- shared derivations ---------------------------------------------------------------------------
def _beams(ctx: ArtifactContext) -> tuple[str, str]:
    """(EBEAM, PBEAM) from the physics tag, else from the background tag; N/A counts as absent."""
    electron = hadron = ""
    for kind in (TagKind.PHYSICS, TagKind.BACKGROUND):
        tag = ctx.tags.get(kind)
        if tag is None:
            continue
        e = tag.parameters.get("beam_energy_electron", "")
        h = tag.parameters.get("beam_energy_hadron", "")
        electron = electron or (e.strip() if _present(e) else "")
        hadron = hadron or (h.strip() if _present(h) else "")
    return electron, hadron


def _input_location(ctx: ArtifactContext) -> str:
    primary = ctx.primary
    return primary.source.location if primary is not None and ctx.inputs else ""


def _background_param(ctx: ArtifactContext, key: str) -> str:
    for kind in (TagKind.BACKGROUND, TagKind.EVGEN):
        tag = ctx.tags.get(kind)
        if tag is not None:
            value = tag.parameters.get(key, "")
            if _present(value):
                return value.strip()
    return ""


def _event_count(ctx: ArtifactContext) -> int | None:
    return event_count(ctx.effective, ctx.task)


def _events_per_job(ctx: ArtifactContext) -> int | None:
    return ctx.graph.first.events_per_job


def _job_count(ctx: ArtifactContext) -> int | None:
    splitting = {**ctx.effective, "events_per_job": _events_per_job(ctx)}
    return job_count(splitting, ctx.task, ctx.inputs)


def task_priority(state: State, ctx: ArtifactContext) -> int:
    """The task's override, else the catalogue priority's entry in the settings' table, else
    the config's task_priority."""
    override = _int(ctx.task.overrides.get("task_priority"))
    if override is not None:
        return override
    table = state.settings.task_priorities
    by_priority = table.get(ctx.task.catalog.get("priority", "").strip())
    if by_priority is not None:
        return by_priority
    return _int_or(ctx.effective.get("task_priority"), DEFAULTS["task_priority"])


def _walltime_hours(ctx: ArtifactContext) -> float | None:
    hours = _float(ctx.effective.get("walltime_hours"))
    return hours if hours is not None and hours > 0 else None


def payload_env(ctx: ArtifactContext, *, condor: bool) -> list[tuple[str, str]]:
    """The payload environment in a fixed order; empty values are left out, except the beams.

    EBEAM and PBEAM are always set (to '' for a request without beams, e.g. single particles):
    the command is run from an operator's shell, and an EBEAM exported there by an earlier
    submission would otherwise silently select a beam-specific detector configuration."""
    eff = ctx.effective
    ebeam, pbeam = _beams(ctx)
    env: list[tuple[str, str]] = [
        ("EBEAM", ebeam),
        ("PBEAM", pbeam),
        ("DETECTOR_VERSION", _text(eff.get("detector_version"))),
        ("DETECTOR_CONFIG", _text(eff.get("detector_config"))),
        ("JUG_XL_TAG", _text(eff.get("jug_xl_tag"))),
        ("COPYRECO", _text(_flag(eff.get("copy_reco")))),
        ("COPYFULL", _text(_flag(eff.get("copy_full")))),
        ("COPYLOG", _text(_flag(eff.get("copy_log")))),
    ]
    if condor and _flag(eff.get("use_rucio")):
        env.append(("USERUCIO", "true"))
        env.append(("X509_USER_PROXY", ARTIFACT_DEFAULTS["x509_user_proxy"]))
    env.append(("OUT_RSE", _text(eff.get("rucio_rse"))))
    env.append(("CSV_FILE", _input_location(ctx)))
    if not ctx.graph.reads_input:
        env += generator_env(ctx)
    background: dict[str, str] = {}
    if _flag(eff.get("bg_mixing")):
        for var, key in _BACKGROUND_KEYS:
            background[var] = _background_param(ctx, key)
        background["SIGNAL_FREQ"] = background["SIGNAL_FREQ"] or ARTIFACT_DEFAULTS["signal_freq"]
        background["SIGNAL_STATUS"] = (
            background["SIGNAL_STATUS"] or ARTIFACT_DEFAULTS["signal_status"]
        )
    if ctx.try_number >= 2:
        prefix = background.get("TAG_PREFIX", "").rstrip("/")
        suffix = f"try{ctx.try_number}"
        background["TAG_PREFIX"] = f"{prefix}/{suffix}" if prefix else suffix
    for var, _ in _BACKGROUND_KEYS:
        if var in background:
            env.append((var, background[var]))
    return [(k, v) for k, v in env if v != "" or k in _ALWAYS_SET]


def generator_env(ctx: ArtifactContext) -> list[tuple[str, str]]:
    """The generator step of an internal task: the EvGen tag's parameters, the events per job
    and the stages the job runs."""
    tag = ctx.tags.get(TagKind.EVGEN)
    params = dict(tag.parameters) if tag is not None else {}
    env = [(var, params.pop(key, "").strip()) for var, key in _GENERATOR_KEYS]
    for key in sorted(params):
        name = _ENV_UNSAFE.sub("_", key.upper()).strip("_")
        if name and _present(params[key]):
            env.append((f"EVGEN_{name}", params[key].strip()))
    env.append(("EVENTS_PER_JOB", _text(_events_per_job(ctx))))
    env.append(("STAGES", ",".join(s.name for s in ctx.graph.stages)))
    return env


def _env_words(env: list[tuple[str, str]]) -> list[str]:
    return [f"{key}={shlex.quote(value)}" for key, value in env]


def _exec_command(ctx: ArtifactContext) -> str:
    """Each stage's executable in order, each with the payload env (once when they share one)."""
    env = _env_words(payload_env(ctx, condor=False))
    commands = ctx.graph.executables() or (str(DEFAULTS["exec_command"]),)
    return " && ".join(" ".join([*env, c or str(DEFAULTS["exec_command"])]) for c in commands)


def _continued(lines: list[str]) -> str:
    return lines[0] + "".join(f" \\\n  {line}" for line in lines[1:]) + "\n"


# -- the four artifacts ---------------------------------------------------------------------------
def build_condor(state: State, task: ProdTask, try_number: int | None = None) -> str:
    """Env-prefixed ``scripts/submit_csv.sh`` line (eic/job_submission_condor), one var a line."""
    ctx = artifact_context(state, task, try_number)
    csv = _input_location(ctx) or ARTIFACT_DEFAULTS["condor_csv_placeholder"]
    hours = _walltime_hours(ctx) or float(DEFAULTS["walltime_hours"])
    command = " ".join(
        [
            ARTIFACT_DEFAULTS["condor_script"],
            ARTIFACT_DEFAULTS["condor_backend"],
            ARTIFACT_DEFAULTS["condor_input_format"],
            shlex.quote(csv),
            _text(hours),
        ]
    )
    return _continued([*_env_words(payload_env(ctx, condor=True)), command])


def build_panda(state: State, task: ProdTask, try_number: int | None = None) -> str:
    """A ``prun`` command (flags in the reference order, each only when set)."""
    ctx = artifact_context(state, task, try_number)
    eff = ctx.effective
    flags: list[tuple[str, str | None]] = [
        ("--exec", _exec_command(ctx)),
        ("--outDS", ctx.task_name),
        ("--containerImage", _text(eff.get("container_image"))),
        ("--site", _text(eff.get("site"))),
        ("--workingGroup", _text(eff.get("working_group"))),
        ("--resourceType", _text(eff.get("resource_type"))),
        ("--prodSourceLabel", _text(eff.get("prod_source_label"))),
        ("--vo", _text(eff.get("vo"))),
        ("--processingType", _text(eff.get("processing_type"))),
        ("--nJobs", _text(_job_count(ctx))),
        ("--nEventsPerJob", _text(_events_per_job(ctx))),
        ("--nCore", _text(_int(eff.get("cores")))),
        ("--noBuild", None),
    ]
    if _flag(eff.get("skip_scout")):
        flags.append(("--expertOnly_skipScout", None))
    lines = ["prun"]
    for flag, value in flags:
        if value is None:
            lines.append(flag)
        elif value != "":
            lines.append(f"{flag} {shlex.quote(value)}")
    return _continued(lines)


def build_jedi(state: State, task: ProdTask, try_number: int | None = None) -> dict[str, Any]:
    """The JEDI ``taskParamMap`` for ``pandaclient.Client.insertTaskParams()``."""
    return jedi_params(state, artifact_context(state, task, try_number))


def jedi_params(state: State, ctx: ArtifactContext) -> dict[str, Any]:
    """``build_jedi`` from a context already resolved (the site renders the JEDI document and
    the dump of every request from one)."""
    task = ctx.task
    eff = ctx.effective
    dataset = f"{ctx.scope}:{ctx.task_name}"
    params: dict[str, Any] = {
        "taskName": ctx.task_name,
        "userName": task.created_by or ARTIFACT_DEFAULTS["user_name"],
        "vo": _text(eff.get("vo")) or DEFAULTS["vo"],
        "workingGroup": _text(eff.get("working_group")) or DEFAULTS["working_group"],
        "campaign": _text(eff.get("detector_version")),
        "prodSourceLabel": _text(eff.get("prod_source_label")) or DEFAULTS["prod_source_label"],
        "taskType": _text(eff.get("task_type")) or DEFAULTS["task_type"],
        "processingType": _text(eff.get("processing_type")) or DEFAULTS["processing_type"],
        "taskPriority": task_priority(state, ctx),
        "transPath": ctx.graph.first.transformation or DEFAULTS["transformation"],
        "transUses": "",
        "transHome": "",
        "architecture": "",
        "container_name": ctx.graph.first.container,
        "noInput": True,
        "nFilesPerJob": ctx.graph.first.files_per_job or DEFAULTS["files_per_job"],
    }
    per_job, events, jobs = _events_per_job(ctx), _event_count(ctx), _job_count(ctx)
    if per_job is not None:
        params["nEventsPerJob"] = per_job
    if events is not None:
        params["nEvents"] = events
    if jobs is not None:
        params["nFiles"] = jobs
    params["coreCount"] = _int(eff.get("cores")) or DEFAULTS["cores"]
    params["ramCount"] = _int(eff.get("memory_mb")) or DEFAULTS["memory_mb"]
    params["ramUnit"] = ARTIFACT_DEFAULTS["ram_unit"]
    hours = _walltime_hours(ctx)
    if hours is not None:
        params["walltime"] = round(hours * 3600)
    params["site"] = _text(eff.get("site"))
    params["cloud"] = _text(eff.get("cloud")) or params["workingGroup"]
    if _flag(eff.get("skip_scout")):
        params["skipScout"] = True
    if _flag(eff.get("use_rucio")):
        params["useRucio"] = True
    params["log"] = {
        "dataset": f"{dataset}.log",
        "type": "template",
        "param_type": "log",
        "token": "local",
        "destination": "local",
        "value": f"{ctx.stem}.$PANDAID.log.${{SN}}.{ARTIFACT_DEFAULTS['log_extension']}",
    }
    offset = _int_or(eff.get("output_offset"), DEFAULTS["output_offset"])
    params["jobParameters"] = [
        {"type": "constant", "value": _exec_command(ctx)},
        _output_param(dataset, ctx.stem, ARTIFACT_DEFAULTS["output_extension"], offset),
        *(
            _output_param(
                f"{kept.scope}:{attempt_name(kept.name, ctx.try_number)}",
                _lfn_base(kept.name, kept.scope),
                _EXTENSIONS[kept.stage],
                offset,
            )
            for kept in (*ctx.outputs[1:], *ctx.intermediates)
            if kept.stage in _EXTENSIONS
        ),
    ]
    params["uniqueTaskName"] = True
    return params


def _output_param(dataset: str, base: str, extension: str, offset: int) -> dict[str, Any]:
    return {
        "type": "template",
        "param_type": "output",
        "token": "local",
        "destination": "local",
        "dataset": dataset,
        "value": f"{base}.$PANDAID.${{SN}}.{extension}",
        "offset": offset,
    }


def _datasets_view(state: State, dids: tuple[str, ...]) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for did in dids:
        dataset = state.dataset_for_did(did)
        out.append(dataset.to_dict() if dataset is not None else {"did": did, "missing": True})
    return out


def build_dump(state: State, task: ProdTask, try_number: int | None = None) -> dict[str, Any]:
    """Full view: task, datasets, every tag of the inputs (background too), config, effective."""
    return dump_view(state, artifact_context(state, task, try_number))


def dump_view(state: State, ctx: ArtifactContext) -> dict[str, Any]:
    """``build_dump`` from a context already resolved."""
    task = ctx.task
    tags: dict[str, Any] = {}
    for dataset in ctx.inputs:
        for label in dataset.tags.labels().values():
            tag = state.tags.get(label)
            if tag is not None and label not in tags:
                tags[label] = tag.to_dict()
    return {
        "task": task.to_dict(),
        "names": {
            "logical": ctx.logical_name,
            "try_number": ctx.try_number,
            "task_name": ctx.task_name,
            "scope": ctx.scope,
            "output_dataset": f"{ctx.scope}:{ctx.task_name}",
        },
        "input_datasets": _datasets_view(state, task.input_datasets),
        "output_datasets": _datasets_view(state, task.output_datasets),
        "intermediate_datasets": _datasets_view(state, task.intermediate_datasets),
        "tags": tags,
        "prod_config": ctx.config.to_dict() if ctx.config is not None else None,
        "effective_config": dict(ctx.effective),
    }


def build_artifact(state: State, task: ProdTask, fmt: str) -> str | dict[str, Any]:
    """One artifact by format name (``condor``, ``panda``, ``jedi`` or ``dump``)."""
    if fmt == "condor":
        return build_condor(state, task)
    if fmt == "panda":
        return build_panda(state, task)
    if fmt == "jedi":
        return build_jedi(state, task)
    if fmt == "dump":
        return build_dump(state, task)
    raise UsageError(f"unknown artifact format '{fmt}'; choose from {', '.join(ARTIFACT_FORMATS)}")
