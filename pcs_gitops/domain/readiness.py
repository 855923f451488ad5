"""Readiness checks: what must hold before a task may enter ``ready``; failing checks name the
draft sub-state (withdrawn, needs-input, needs-metadata, needs-confirmation, needs-config,
awaiting-review)."""

from __future__ import annotations

import posixpath
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from pcs_gitops.domain.catalog import PRIORITIES, parse_event_count
from pcs_gitops.domain.effective_config import effective_config
from pcs_gitops.domain.inference import beams_from_path
from pcs_gitops.domain.job_counts import missing_count
from pcs_gitops.domain.metadata import (
    FIELD_TITLES,
    PLACEHOLDER_LABELS,
    PROVENANCE_WORDS,
    is_placeholder,
    tag_fields,
)
from pcs_gitops.domain.model import Dataset, ProdTask, Tag, TagKind, TagStatus, TaskStatus
from pcs_gitops.domain.outputs import output_problems
from pcs_gitops.domain.state import State

# A probe answers whether a local path is readable: True, False, or None (not reachable here).
PathProbe = Callable[[str], bool | None]

SUBSTATE_OF_CHECK = {
    "source": "needs-input",
    "events": "needs-metadata",
    "tags": "needs-metadata",
    "catalog": "needs-metadata",
    "confirmation": "needs-confirmation",
    "config": "needs-config",
    "output": "needs-config",
    "outputs": "needs-config",
    "background": "needs-config",
    "withdrawn": "withdrawn",
}
SUBSTATE_ORDER = (
    "withdrawn",
    "needs-input",
    "needs-metadata",
    "needs-confirmation",
    "needs-config",
)
# Every sub-state a draft can be in: what it waits for, else the review.
DRAFT_SUBSTATES = (*SUBSTATE_ORDER, "awaiting-review")


@dataclass(frozen=True)
class Check:
    id: str
    title: str
    ok: bool
    problems: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, object]:
        return {"id": self.id, "title": self.title, "ok": self.ok, "problems": list(self.problems)}


@dataclass(frozen=True)
class Readiness:
    task: str
    checks: tuple[Check, ...]

    @property
    def ready(self) -> bool:
        return all(c.ok for c in self.checks)

    @property
    def problems(self) -> list[str]:
        return [p for c in self.checks for p in c.problems]

    def substate(self, status: TaskStatus) -> str | None:
        if status is not TaskStatus.DRAFT:
            return None
        failing = {SUBSTATE_OF_CHECK[c.id] for c in self.checks if not c.ok}
        return next((s for s in SUBSTATE_ORDER if s in failing), "awaiting-review")

    def to_dict(self, status: TaskStatus) -> dict[str, object]:
        return {
            "task": self.task,
            "ready": self.ready,
            "substate": self.substate(status),
            "checks": [c.to_dict() for c in self.checks],
            "problems": self.problems,
        }


def _check(id_: str, title: str, problems: list[str]) -> Check:
    return Check(id_, title, not problems, tuple(problems))


def _inputs(state: State, task: ProdTask) -> list[Dataset]:
    return state.inputs_of(task)


def _source_check(state: State, task: ProdTask, probe: PathProbe) -> Check:
    problems: list[str] = []
    inputs = _inputs(state, task)
    if not task.input_datasets:
        problems.append("no input dataset is linked; run 'pcs task link-input NAME --did DID'")
    for did in task.input_datasets:
        if did not in {d.did for d in inputs}:
            problems.append(f"input DID '{did}' does not exist")
    roots = state.settings.data_roots
    for dataset in inputs:
        location = dataset.source.location
        if dataset.source.kind.value not in ("path", "csv_manifest") or not roots:
            continue
        path = under_data_root(location, roots)
        if path is None:
            problems.append(
                f"input path '{location}' is outside the data roots ({', '.join(roots)}); "
                "use a path under one of them, or add its root to data_roots in "
                "state/catalog.yaml"
            )
        elif probe(path) is False:
            problems.append(f"input path '{location}' is not readable from here")
    return _check("source", "Input source linked and valid", problems)


def under_data_root(location: str, roots: Sequence[str]) -> str | None:
    """The normalised path when ``location`` lies under one of ``roots``, else None: only such
    paths are ever probed, so a request cannot make the runner reveal /etc/passwd."""
    if not location.startswith("/"):
        return None
    path = posixpath.normpath(location)
    for root in roots:
        if path.startswith(posixpath.normpath(root).rstrip("/") + "/"):
            return path
    return None


def _events_check(state: State, task: ProdTask) -> Check:
    events = task.catalog.get("events", "").strip()
    problems = []
    if events and events.lower() != "all" and parse_event_count(events) is None:
        problems.append(
            f"number of events '{events}' is not a count like 400k, 2.75M or All; correct it"
        )
    else:
        effective = effective_config(state.prod_configs.get(task.prod_config), task.overrides)
        missing = missing_count(effective, task, _inputs(state, task))
        if missing:
            problems.append(missing)
    return _check("events", "Event count known", problems)


def _outputs_check(state: State, task: ProdTask) -> Check:
    problems = output_problems(state, task) if _inputs(state, task) else []
    return _check("outputs", "Output datasets composed", problems)


def _tags_check(state: State, task: ProdTask) -> Check:
    problems: list[str] = []
    for dataset in _inputs(state, task):
        for kind, label in dataset.tags.labels().items():
            tag = state.tags.get(label)
            if tag is None:
                problems.append(f"{kind.value} tag {label} does not exist")
                continue
            if is_placeholder(label):  # needs a correction, not a lock
                problems.append(_unknown_tag(task, kind.value, label))
                continue
            if missing := tag.missing_parameters():
                problems.append(f"{kind.value} tag {label} lacks {', '.join(missing)}")
            if _needs_lock(state, tag):
                problems.append(
                    f"{kind.value} tag {label} is a draft; a production manager approves it "
                    f"with 'pcs tag lock {label}'"
                )
        problems.extend(_beam_problems(state, dataset))
    return _check("tags", "Physics/evgen/simu/reco tags resolved and consistent", problems)


def _needs_lock(state: State, tag: Tag) -> bool:
    """A draft tag blocks approval when a PWG authored it (its production manager approves it
    by locking it), or everywhere once the catalogue asks for locked tags."""
    if tag.status is TagStatus.LOCKED:
        return False
    return tag.pwg is not None or state.settings.approval_needs_locked_tags


def _withdrawn_check(task: ProdTask) -> list[Check]:
    """Present only for a withdrawn request (the checklist of every other one is unchanged)."""
    if task.withdrawn is None:
        return []
    problem = (
        f"the request was {task.withdrawn.describe()}; a production manager may reinstate it "
        f"('pcs task reinstate {task.name}')"
    )
    return [_check("withdrawn", "Request not withdrawn", [problem])]


def _unknown_tag(task: ProdTask, kind: str, label: str) -> str:
    field = next(f for f, p in PLACEHOLDER_LABELS.items() if p == label)
    return (
        f"{kind} tag unknown (placeholder {label}): nothing in the input revealed it; correct "
        f"it with 'pcs task confirm {task.name} --field {field}={label[0]}<N>' "
        f"(or '/pcs confirm {field}={label[0]}<N>' on its issue)"
    )


def _beam_problems(state: State, dataset: Dataset) -> list[str]:
    physics = state.tags.get(dataset.tags.physics)
    path_beams = beams_from_path(dataset.source.location)
    if physics is None or not path_beams or dataset.tags.background is not None:
        return []
    tag_beams = "{}x{}".format(
        physics.parameters.get("beam_energy_electron", "?"),
        physics.parameters.get("beam_energy_hadron", "?"),
    )
    if tag_beams == path_beams:
        return []
    return [f"wrong physics tag: the path says {path_beams} but {physics.label} says {tag_beams}"]


def _confirmation_check(state: State, task: ProdTask) -> Check | None:
    """The inputs' tag mapping is confirmed by a person (only for inputs whose metadata is
    tracked: records written before that carry none). Unknown tags are the tags check's."""
    inputs = [d for d in _inputs(state, task) if d.metadata]
    if not inputs:
        return None
    problems = []
    for dataset in inputs:
        of = f" of {dataset.name}" if len(inputs) > 1 else ""
        labels = tag_fields(dataset.tags.to_dict())
        for field in dataset.metadata.tags_to_confirm(labels):
            value = dataset.metadata.values[field]
            if value.unknown or is_placeholder(labels[field]):
                continue  # the tags check asks for a correction
            offer = f"; candidates: {', '.join(value.candidates)}" if value.candidates else ""
            how = f"confirm it with 'pcs task confirm {task.name}' (or '/pcs confirm' on its issue)"
            if value.confirmed:  # relabelled since (a request carried onto a newer base)
                problems.append(
                    f"{FIELD_TITLES[field]} {labels[field]}{of} replaced the confirmed "
                    f"{value.value}: {how}"
                )
                continue
            problems.append(
                f"{FIELD_TITLES[field]} {labels[field]}{of} is inferred from "
                f"{PROVENANCE_WORDS[value.provenance]} ({value.confidence.value}), not "
                f"confirmed: {how}{offer}"
            )
    return _check("confirmation", "Inferred tag mapping confirmed", problems)


def _config_checks(state: State, task: ProdTask) -> list[Check]:
    config = state.prod_configs.get(task.prod_config)
    config_problems: list[str] = []
    if config is None:
        config_problems.append(f"production config '{task.prod_config}' does not exist")
    effective = effective_config(config, task.overrides)
    for key in ("detector_version", "detector_config", "events_per_job"):
        if not effective.get(key):
            config_problems.append(f"production config lacks {key}")
    if not effective.get("container_image"):
        config_problems.append("production config lacks container_image or jug_xl_tag")
    output_problems = []
    if not (effective.get("copy_reco") or effective.get("copy_full")):
        output_problems.append("no physics output configured: set copy_reco or copy_full")
    bg_problems = []
    wants_background = task.catalog.get("background", "").strip().lower() == "yes"
    if effective.get("bg_mixing") or wants_background:
        has_k = any(d.tags.background for d in _inputs(state, task))
        if wants_background and not effective.get("bg_mixing"):
            bg_problems.append(
                "the request asks for background but the config has bg_mixing off; "
                "override bg_mixing or correct the request"
            )
        if not has_k:
            bg_problems.append("background mixing needs a background (k) tag on the input")
    return [
        _check("config", "Production config bound and complete", config_problems),
        _check("output", "Output configured", output_problems),
        _check("background", "Background consistent", bg_problems),
    ]


def _catalog_check(state: State, task: ProdTask) -> Check:
    problems = []
    if task.public_catalog.intake_key() is None:
        problems.append("no public catalogue key (issue number or CSV row key)")
    if not task.catalog:
        problems.append("no public catalogue row: the requester fields are empty")
    else:
        pwg = task.catalog.get("pwg", "")
        if state.settings.pwg_by_slug(pwg) is None:
            slugs = ", ".join(p.slug for p in state.settings.pwgs)
            problems.append(f"DSC or PWG '{pwg}' is not one of {slugs}")
        if task.catalog.get("priority", "") not in PRIORITIES:
            problems.append(f"priority '{task.catalog.get('priority', '')}' is not 1, 2, 3 or -1")
        if not task.catalog.get("dataset_path", "").strip():
            problems.append("dataset path is empty")
    return _check("catalog", "Public catalogue row present", problems)


def readiness(state: State, task: ProdTask, probe: PathProbe) -> Readiness:
    confirmation = _confirmation_check(state, task)
    checks = [
        *_withdrawn_check(task),
        _source_check(state, task, probe),
        _events_check(state, task),
        _tags_check(state, task),
        *([confirmation] if confirmation is not None else []),
        *_config_checks(state, task),
        _outputs_check(state, task),
        _catalog_check(state, task),
    ]
    return Readiness(task.name, tuple(checks))


def unreachable(_: str) -> bool | None:
    """A probe for when no filesystem is consulted."""
    return None


__all__ = ["Check", "PathProbe", "Readiness", "TagKind", "readiness", "unreachable"]
