"""Cross-record rules: uniqueness, references, file names, lifecycle consistency."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from pcs_gitops.domain.campaign_rules import dynamic_problems
from pcs_gitops.domain.free_text import text_problem
from pcs_gitops.domain.metadata import is_placeholder
from pcs_gitops.domain.model import (
    PROD_CONFIG_FIELDS,
    TAG_LABEL_RE,
    Dataset,
    ProdTask,
    TagKind,
    TagStatus,
    TaskStatus,
)
from pcs_gitops.domain.naming import (
    TASK_NAME_RE,
    ComposedName,
    NameError_,
    build_dataset_name,
    build_did,
)
from pcs_gitops.domain.outputs import output_owners
from pcs_gitops.domain.state import RecordKind, State, record_path, tag_path


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong with the state: which file, where in it, and what."""

    file: str
    path: str
    message: str

    def __str__(self) -> str:
        return f"{self.file}: {self.path or '(record)'}: {self.message}"

    def to_dict(self) -> dict[str, str]:
        return {"file": self.file, "path": self.path, "message": self.message}


@dataclass(frozen=True)
class LoadedRecord:
    """A record as found on disk: where, and its identity key (for duplicate detection)."""

    file: str
    kind: RecordKind
    key: str


def check_identity_files(records: Iterable[LoadedRecord]) -> list[Problem]:
    """Each record's file name matches its identity, and no identity appears in two files."""
    problems: list[Problem] = []
    by_key: dict[tuple[RecordKind, str], list[str]] = defaultdict(list)
    for rec in records:
        by_key[(rec.kind, rec.key)].append(rec.file)
        stem = rec.file.rsplit("/", 1)[-1].removesuffix(".yaml")
        if stem != rec.key:
            field_name = "label" if rec.kind is RecordKind.TAG else "name"
            problems.append(
                Problem(
                    rec.file,
                    field_name,
                    f"record '{rec.key}' is stored under the file name '{stem}.yaml'; "
                    f"rename the file to '{rec.key}.yaml'",
                )
            )
    for (kind, key), files in by_key.items():
        if len(files) > 1:
            for f in files:
                others = ", ".join(o for o in files if o != f)
                problems.append(
                    Problem(f, "name", f"duplicate {kind.value} '{key}': also defined in {others}")
                )
    return problems


def _dataset_problems(state: State, dataset: Dataset, file: str) -> list[Problem]:
    problems: list[Problem] = []
    labels = dataset.tags.labels()
    for kind, label in labels.items():
        tag = state.tags.get(label)
        if tag is None:
            problems.append(
                Problem(
                    file, f"tags.{kind.value}", f"tag '{label}' does not exist; create it first"
                )
            )
        elif tag.kind is not kind:
            problems.append(
                Problem(file, f"tags.{kind.value}", f"'{label}' is a {tag.kind.value} tag")
            )
    try:
        expected = build_dataset_name(
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
    except NameError_ as exc:
        problems.append(Problem(file, "name", str(exc)))
    else:
        if expected != dataset.name:
            problems.append(
                Problem(
                    file,
                    "name",
                    f"name '{dataset.name}' does not match its composition '{expected}'",
                )
            )
    if dataset.did != build_did(dataset.scope, dataset.name, dataset.block):
        problems.append(
            Problem(
                file,
                "did",
                f"DID '{dataset.did}' should be "
                f"'{build_did(dataset.scope, dataset.name, dataset.block)}'",
            )
        )
    return problems


def _task_problems(
    state: State, task: ProdTask, file: str, dids: Mapping[str, Dataset]
) -> list[Problem]:
    problems: list[Problem] = []
    if not TASK_NAME_RE.match(task.name):
        problems.append(Problem(file, "name", f"task name '{task.name}' has unsafe characters"))
    if task.prod_config not in state.prod_configs:
        problems.append(
            Problem(
                file,
                "prod_config",
                f"production config '{task.prod_config}' does not exist",
            )
        )
    for field_name in ("input_datasets", "output_datasets", "intermediate_datasets"):
        for index, did in enumerate(getattr(task, field_name)):
            if did not in dids:
                problems.append(
                    Problem(file, f"{field_name}[{index}]", f"no dataset has the DID '{did}'")
                )
    for key in task.overrides:
        if key not in PROD_CONFIG_FIELDS:
            problems.append(
                Problem(file, f"overrides.{key}", f"'{key}' is not a production config field")
            )
    problems.extend(_lifecycle_problems(task, file))
    return problems


def _lifecycle_problems(task: ProdTask, file: str) -> list[Problem]:
    problems: list[Problem] = []
    submitted = task.status in (TaskStatus.SUBMITTED, TaskStatus.COMPLETED, TaskStatus.FAILED)
    if submitted and task.panda_task_id is None:
        problems.append(
            Problem(file, "panda_task_id", f"a {task.status.value} task must have a PanDA task id")
        )
    if not submitted and task.panda_task_id is not None:
        problems.append(
            Problem(
                file,
                "panda_task_id",
                f"a {task.status.value} task cannot carry a PanDA task id",
            )
        )
    if (
        task.panda_task_id is not None
        and task.attempts
        and task.attempts[-1].jedi_task_id != task.panda_task_id
    ):
        problems.append(Problem(file, "panda_task_id", "does not match the last recorded attempt"))
    for index, attempt in enumerate(task.attempts):
        if attempt.try_number != index + 1:
            problems.append(
                Problem(file, f"attempts[{index}].try_number", f"should be {index + 1}")
            )
    if submitted and not task.attempts:
        problems.append(Problem(file, "attempts", "a submitted task needs a recorded attempt"))
    return problems


def _texts_of_task(task: ProdTask) -> Iterable[tuple[str, str]]:
    yield "description", task.description
    for key, value in task.catalog.items():
        yield f"catalog.{key}", value
    for key, value in task.unmapped.items():
        yield f"unmapped.{key}", value


def free_text_problems(state: State) -> list[Problem]:
    """Free text that no write path accepts (formula prefixes, control and bidirectional
    characters), wherever it came from: a hand edit, an old import, another tool."""
    texts: list[tuple[str, str, str]] = []
    for label, tag in state.tags.items():
        texts.append((tag_path(tag.kind, label), "description", tag.description))
    for name, dataset in state.datasets.items():
        texts.append((record_path(RecordKind.DATASET, name), "description", dataset.description))
    for name, config in state.prod_configs.items():
        texts.append((record_path(RecordKind.PROD_CONFIG, name), "description", config.description))
    for name, task in state.tasks.items():
        file = record_path(RecordKind.PROD_TASK, name)
        texts.extend((file, path, value) for path, value in _texts_of_task(task))
    problems = []
    for file, path, value in texts:
        reason = text_problem(value) if value else None
        if reason is not None:
            problems.append(Problem(file, path, reason))
    return problems


def _output_collisions(state: State) -> list[Problem]:
    """An output dataset belongs to one task: two requests never produce the same sample."""
    problems = []
    for did, owners in output_owners(state).items():
        for owner in owners if len(owners) > 1 else ():
            others = ", ".join(f"'{o}'" for o in owners if o != owner)
            problems.append(
                Problem(
                    record_path(RecordKind.PROD_TASK, owner),
                    "output_datasets",
                    f"output {did} is also produced by task {others}; two requests may not "
                    "produce the same output: give one a sample_variant and run 'pcs task "
                    "compose-outputs NAME'",
                )
            )
    return problems


def check_state(state: State) -> list[Problem]:
    """Every cross-record rule over the whole state."""
    problems: list[Problem] = free_text_problems(state)
    problems += [Problem(*found) for found in dynamic_problems(state)]
    for label, tag in state.tags.items():
        file = tag_path(tag.kind, label)
        match = TAG_LABEL_RE.match(label)
        if match is None or match.group(1) != tag.kind.prefix:
            problems.append(
                Problem(file, "label", f"'{label}' is not a {tag.kind.prefix}<N> label")
            )
        if tag.kind is TagKind.PHYSICS and match is not None and tag.number >= 1000:
            digit = tag.number // 1000
            if tag.category != digit:
                problems.append(
                    Problem(file, "category", f"label {label} implies category {digit}")
                )
        if is_placeholder(label) and tag.parameters:
            problems.append(
                Problem(file, "parameters", f"{label} is a placeholder: it holds no parameters")
            )
        elif tag.status is TagStatus.LOCKED and tag.missing_parameters():
            problems.append(
                Problem(
                    file,
                    "parameters",
                    "a locked tag needs " + ", ".join(tag.missing_parameters()),
                )
            )
    dids: dict[str, Dataset] = {}
    sources: dict[tuple[str, str], str] = {}
    for name, dataset in state.datasets.items():
        file = record_path(RecordKind.DATASET, name)
        problems.extend(_dataset_problems(state, dataset, file))
        if dataset.did in dids:
            other = record_path(RecordKind.DATASET, dids[dataset.did].name)
            problems.append(Problem(file, "did", f"DID '{dataset.did}' is also used by {other}"))
        dids[dataset.did] = dataset
        if dataset.is_external:
            key = (dataset.source.kind.value, dataset.source.location)
            if key in sources:
                problems.append(
                    Problem(
                        file,
                        "source",
                        f"source {key[0]}:{key[1]} is also recorded by "
                        f"{record_path(RecordKind.DATASET, sources[key])}",
                    )
                )
            sources[key] = name
    intake_keys: dict[tuple[str, ...], str] = {}
    for name, task in state.tasks.items():
        file = record_path(RecordKind.PROD_TASK, name)
        problems.extend(_task_problems(state, task, file, dids))
        intake_key = task.public_catalog.intake_key()
        if intake_key is not None:
            if intake_key in intake_keys:
                problems.append(
                    Problem(
                        file,
                        "public_catalog",
                        f"catalogue key {'/'.join(intake_key[1:])} is also used by task "
                        f"'{intake_keys[intake_key]}'",
                    )
                )
            intake_keys[intake_key] = name
    problems.extend(_output_collisions(state))
    if state.settings.standard_prod_config not in state.prod_configs:
        problems.append(
            Problem(
                "state/catalog.yaml",
                "standard_prod_config",
                f"production config '{state.settings.standard_prod_config}' does not exist",
            )
        )
    return sorted(problems)
