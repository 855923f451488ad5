"""What differs between two tasks (e.g. mode twins): their modes and stage graphs, their JEDI
taskParamMaps key by key, and their datasets. Pure and byte-stable, like the artifacts."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pcs_gitops.domain.artifacts import build_jedi
from pcs_gitops.domain.effective_config import effective_config
from pcs_gitops.domain.jedi_params import task_param_problems
from pcs_gitops.domain.model import ProdTask
from pcs_gitops.domain.stages import StageGraph, stage_graph
from pcs_gitops.domain.state import State

DATASET_LISTS = ("input_datasets", "intermediate_datasets", "output_datasets")


def flatten(value: Any, path: str = "") -> dict[str, Any]:
    """Dotted paths to plain values: ``log.dataset``, ``jobParameters[0].value``."""
    if isinstance(value, Mapping):
        out: dict[str, Any] = {}
        for key, item in value.items():
            out |= flatten(item, f"{path}.{key}" if path else str(key))
        return out
    if isinstance(value, list | tuple):
        out = {}
        for index, item in enumerate(value):
            out |= flatten(item, f"{path}[{index}]")
        return out if value else {path: []}
    return {path: value}


def differences(left: Mapping[str, Any], right: Mapping[str, Any]) -> list[dict[str, Any]]:
    """Each path whose value differs (absent is None), in the left map's order, then the right's."""
    a, b = flatten(left), flatten(right)
    keys = [*a, *(k for k in b if k not in a)]
    return [{"key": k, "a": a.get(k), "b": b.get(k)} for k in keys if a.get(k) != b.get(k)]


def _graph(state: State, task: ProdTask) -> StageGraph:
    return stage_graph(effective_config(state.prod_configs.get(task.prod_config), task.overrides))


def compare_tasks(state: State, a: ProdTask, b: ProdTask) -> dict[str, Any]:
    """The comparison of two tasks: ``a`` and ``b`` name them, every other key holds both sides."""
    graph_a, graph_b = _graph(state, a), _graph(state, b)
    params_a, params_b = build_jedi(state, a), build_jedi(state, b)
    stages_a, stages_b = graph_a.to_dict(), graph_b.to_dict()
    return {
        "a": a.name,
        "b": b.name,
        "twins": a.twin == b.name and b.twin == a.name,
        "modes": {"a": graph_a.mode.value, "b": graph_b.mode.value},
        "stages": {"a": stages_a, "b": stages_b},
        "stage_differences": differences(stages_a, stages_b),
        "payload_differences": differences(params_a, params_b),
        "payload_problems": {
            "a": task_param_problems(params_a),
            "b": task_param_problems(params_b),
        },
        "datasets": {
            name: {"a": list(getattr(a, name)), "b": list(getattr(b, name))}
            for name in DATASET_LISTS
        },
    }


def _shown(value: Any) -> str:
    return "(absent)" if value is None else str(value)


def compare_text(report: Mapping[str, Any]) -> str:
    """A readable report of :func:`compare_tasks`."""
    a, b = report["a"], report["b"]
    modes = report["modes"]
    lines = [
        f"A: {a} ({modes['a']})",
        f"B: {b} ({modes['b']})" + ("  [twins]" if report["twins"] else ""),
        "",
        "Stages:",
        "  A: " + " -> ".join(_stage_names(report["stages"]["a"])),
        "  B: " + " -> ".join(_stage_names(report["stages"]["b"])),
    ]
    lines += _diff_lines(report["stage_differences"])
    lines += ["", "Datasets:"]
    for name, sides in report["datasets"].items():
        if sides["a"] != sides["b"]:
            lines.append(f"  {name}:")
            lines += [f"    A {did}" for did in sides["a"]] or ["    A (none)"]
            lines += [f"    B {did}" for did in sides["b"]] or ["    B (none)"]
    count = len(report["payload_differences"])
    lines += ["", f"Payload (JEDI taskParamMap): {count} difference(s)"]
    lines += _diff_lines(report["payload_differences"])
    for side in ("a", "b"):
        lines += [f"  problem in {side.upper()}: {p}" for p in report["payload_problems"][side]]
    return "\n".join(lines)


def _stage_names(graph: Mapping[str, Any]) -> list[str]:
    first = ["input dataset"] if graph["input"] == "dataset" else []
    return [*first, *(s["name"] for s in graph["stages"])]


def _diff_lines(diffs: list[dict[str, Any]]) -> list[str]:
    out = []
    for diff in diffs:
        out += [f"  {diff['key']}:", f"    A {_shown(diff['a'])}", f"    B {_shown(diff['b'])}"]
    return out
