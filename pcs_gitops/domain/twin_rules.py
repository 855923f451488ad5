"""Cross-record rules of mode twins and stage settings, for ``pcs validate``: a twin link names
an existing task that links back, and a ``stages`` setting names known stages and keys."""

from __future__ import annotations

from pcs_gitops.domain.rules import Problem
from pcs_gitops.domain.stages import stage_setting_problems
from pcs_gitops.domain.state import RecordKind, State, record_path


def twin_problems(state: State) -> list[Problem]:
    problems: list[Problem] = []
    for name, task in state.tasks.items():
        file = record_path(RecordKind.PROD_TASK, name)
        if "stages" in task.overrides:
            problems += [
                Problem(file, "overrides.stages", p)
                for p in stage_setting_problems(task.overrides["stages"])
            ]
        if not task.twin:
            continue
        twin = state.tasks.get(task.twin)
        if twin is None:
            problems.append(Problem(file, "twin", f"no task is named '{task.twin}'"))
        elif twin.twin != name:
            problems.append(
                Problem(
                    file,
                    "twin",
                    f"'{task.twin}' does not name '{name}' as its twin; twins link both ways "
                    f"(set twin: {name} in its record, or remove this link)",
                )
            )
    for name, config in state.prod_configs.items():
        stages = config.settings.get("stages")
        if stages is not None:
            file = record_path(RecordKind.PROD_CONFIG, name)
            problems += [
                Problem(file, "settings.stages", p) for p in stage_setting_problems(stages)
            ]
    return problems
