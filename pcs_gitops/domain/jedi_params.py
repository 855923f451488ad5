"""The JEDI taskParamMap as PanDA reads it: which keys it needs, their types, and no nulls.

From the reading code summarised in panda-client.md §4: ``taskName``, ``vo`` and
``prodSourceLabel`` are read at insert (missing: code 4 at once); ``userName``, ``taskType``,
``taskPriority``, ``architecture``, ``transUses``, ``transHome``, ``processingType`` and
``jobParameters`` at refine (missing: the insert succeeds and the task breaks later). Flags
PanDA tests with ``is True`` must be JSON booleans. A map is checked before it is shown, approved
or sent; every problem is listed at once.

``for_submission`` adds what an approved payload needs beyond PanDA's own contract: a
``noInput`` task names its size (``nFiles`` or ``nEvents``), since PanDA would otherwise quietly
run a single job.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

REQUIRED: dict[str, type] = {
    # read at insert
    "taskName": str,
    "vo": str,
    "prodSourceLabel": str,
    # read at refine
    "userName": str,
    "taskType": str,
    "taskPriority": int,
    "architecture": str,
    "transUses": str,
    "transHome": str,
    "processingType": str,
    "jobParameters": list,
}
NON_EMPTY = frozenset({"taskName", "vo", "prodSourceLabel", "userName", "taskType"})
OPTIONAL: dict[str, type] = {
    **dict.fromkeys(
        (
            "transPath",
            "workingGroup",
            "countryGroup",
            "campaign",
            "cloud",
            "site",
            "nucleus",
            "container_name",
            "ramUnit",
            "ramCountUnit",
            "walltimeUnit",
            "cpuTimeUnit",
            "outDiskUnit",
            "workDiskUnit",
            "ioIntensityUnit",
            "ticketID",
            "ticketSystemType",
            "parentTaskName",
        ),
        str,
    ),
    **dict.fromkeys(
        (
            "nEvents",
            "nEventsPerJob",
            "nFiles",
            "nFilesPerJob",
            "nEventsPerInputFile",
            "nGBPerJob",
            "maxEventsPerJob",
            "tgtNumEventsPerJob",
            "coreCount",
            "ramCount",
            "baseRamCount",
            "walltime",
            "baseWalltime",
            "cpuTime",
            "cpuEfficiency",
            "outDiskCount",
            "workDiskCount",
            "ioIntensity",
            "maxAttempt",
            "maxFailure",
            "reqID",
        ),
        int,
    ),
    **dict.fromkeys(
        (
            "noInput",
            "noOutput",
            "uniqueTaskName",
            "official",
            "skipScout",
            "disableAutoRetry",
            "useRucio",
            "pushStatusChanges",
            "messageDriven",
            "noWaitParent",
            "useExhausted",
            "failWhenGoalUnreached",
        ),
        bool,
    ),
    "log": dict,
}
# Sizes of the task: when given, at least 1.
POSITIVE = frozenset(
    {"nEvents", "nEventsPerJob", "nFiles", "nFilesPerJob", "coreCount", "ramCount"}
)
PARAM_TYPES = frozenset({"input", "output", "log", "pseudo_input"})
MAX_TASK_NAME = 255
TYPE_NAMES = {str: "a string", int: "an integer", bool: "a boolean", list: "a list", dict: "a map"}


def _is(value: Any, wanted: type) -> bool:
    if wanted is int:
        return isinstance(value, int) and not isinstance(value, bool)
    return isinstance(value, wanted)


def _nulls(value: Any, path: str) -> list[str]:
    if value is None:
        return [f"{path}: is null; PanDA needs a value here (leave the key out instead)"]
    if isinstance(value, Mapping):
        return [p for k, v in value.items() for p in _nulls(v, f"{path}.{k}")]
    if isinstance(value, list):
        return [p for i, v in enumerate(value) for p in _nulls(v, f"{path}[{i}]")]
    return []


def _key_problems(params: Mapping[str, Any]) -> list[str]:
    problems = []
    for key, wanted in REQUIRED.items():
        if key not in params:
            problems.append(f"{key}: missing; PanDA reads it when the task is registered")
        elif params[key] is not None and not _is(params[key], wanted):
            problems.append(f"{key}: must be {TYPE_NAMES[wanted]}, not {params[key]!r}")
        elif key in NON_EMPTY and not str(params[key]).strip():
            problems.append(f"{key}: is empty")
    for key, wanted in OPTIONAL.items():
        value = params.get(key)
        if value is not None and not _is(value, wanted):
            problems.append(f"{key}: must be {TYPE_NAMES[wanted]}, not {value!r}")
        elif key in POSITIVE and isinstance(value, int) and value < 1:
            problems.append(f"{key}: must be 1 or more, not {value}")
    name = params.get("taskName")
    if isinstance(name, str) and ("/" in name or len(name) > MAX_TASK_NAME):
        problems.append(f"taskName: must be slash-free and at most {MAX_TASK_NAME} characters")
    return problems


def _dataset_param_problems(item: Mapping[str, Any], path: str) -> list[str]:
    problems = []
    if item.get("type") not in ("constant", "template"):
        problems.append(f"{path}.type: must be 'constant' or 'template'")
    if not isinstance(item.get("value"), str) or not item.get("value"):
        problems.append(f"{path}.value: must be a non-empty string")
    if "param_type" in item:
        if item["param_type"] not in PARAM_TYPES:
            problems.append(f"{path}.param_type: must be one of {', '.join(sorted(PARAM_TYPES))}")
        dataset = item.get("dataset")
        if not isinstance(dataset, str) or ":" not in dataset:
            problems.append(f"{path}.dataset: must name a dataset as scope:name")
    return problems


def _structure_problems(params: Mapping[str, Any]) -> list[str]:
    problems = []
    job = params.get("jobParameters")
    if isinstance(job, list):
        if not job:
            problems.append("jobParameters: is empty; the job needs at least its command")
        for index, item in enumerate(job):
            path = f"jobParameters[{index}]"
            if not isinstance(item, Mapping):
                problems.append(f"{path}: must be a map")
            else:
                problems.extend(_dataset_param_problems(item, path))
    log = params.get("log")
    if isinstance(log, Mapping):
        problems.extend(_dataset_param_problems(log, "log"))
        if log.get("param_type") != "log":
            problems.append("log.param_type: must be 'log'")
    return problems


def task_param_problems(params: Mapping[str, Any], *, for_submission: bool = False) -> list[str]:
    """Every way ``params`` falls short of what PanDA reads, as 'key: problem' lines."""
    problems = _nulls(dict(params), "taskParamMap")
    problems += [f"taskParamMap.{p}" for p in _key_problems(params) + _structure_problems(params)]
    sized = any(_is(params.get(k), int) for k in ("nFiles", "nEvents"))
    if for_submission and params.get("noInput") is True and not sized:
        problems.append(
            "taskParamMap.noInput: the task has no input and neither nFiles nor nEvents, so "
            "PanDA would run a single job; give the number of events or count the input's files"
        )
    return sorted(dict.fromkeys(problems))
