"""Turning record files into a State, collecting every problem on the way."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from pcs_gitops.domain.campaigns import Campaign
from pcs_gitops.domain.model import Dataset, ProdConfig, ProdTask, Tag, TagKind
from pcs_gitops.domain.rules import LoadedRecord, Problem, check_identity_files
from pcs_gitops.domain.settings import CatalogSettings, PhysicsCategory, Roles
from pcs_gitops.domain.state import RecordKind, State, kind_of_path
from pcs_gitops.services.ports import Progress, RawRecordFile, SchemaCheck, no_progress

SCHEMA_OF_KIND: dict[RecordKind, str] = {
    RecordKind.SETTINGS: "catalog",
    RecordKind.ROLES: "roles",
    RecordKind.CATEGORIES: "physics_categories",
    RecordKind.TAG: "tag",
    RecordKind.DATASET: "dataset",
    RecordKind.PROD_CONFIG: "prod_config",
    RecordKind.PROD_TASK: "prod_task",
    RecordKind.CAMPAIGN: "campaign",
}


@dataclass
class LoadResult:
    state: State
    problems: list[Problem] = field(default_factory=list)
    records: list[LoadedRecord] = field(default_factory=list)
    files: int = 0


def _identity(kind: RecordKind, data: Any) -> str:
    if kind is RecordKind.TAG:
        return str(data.get("label"))
    return str(data.get("name"))


def load_state(
    files: Iterable[RawRecordFile],
    schemas: SchemaCheck | None,
    progress: Progress = no_progress,
) -> LoadResult:
    """Build the State from record files; with ``schemas``, validate each file too."""
    result = LoadResult(State())
    state = result.state
    for raw in files:
        result.files += 1
        progress("reading records", result.files, 0)
        if raw.error is not None:
            result.problems.append(Problem(raw.relpath, "", raw.error.split(": ", 1)[-1]))
            continue
        found = kind_of_path(raw.relpath)
        if found is None:
            result.problems.append(
                Problem(
                    raw.relpath, "", "not a known record location under state/; move or delete it"
                )
            )
            continue
        kind, tag_kind = found
        data = raw.data
        if not isinstance(data, dict):
            result.problems.append(
                Problem(raw.relpath, "", f"expected a mapping, found {type(data).__name__}")
            )
            continue
        if schemas is not None:
            schema_problems = schemas.problems(SCHEMA_OF_KIND[kind], data)
            if schema_problems:
                result.problems.extend(Problem(raw.relpath, p, m) for p, m in schema_problems)
                continue
        try:
            _add(state, kind, tag_kind, data, raw.relpath, result)
        except (KeyError, ValueError, TypeError, AttributeError) as exc:
            result.problems.append(Problem(raw.relpath, "", f"cannot read record: {exc!r}"))
    if result.files:
        progress("reading records", result.files, result.files)
    result.problems.extend(check_identity_files(result.records))
    return result


def overlay(
    state: State, files: Iterable[RawRecordFile], deleted: Iterable[str] = ()
) -> list[Problem]:
    """Put the records of ``files`` into ``state`` in place of what it holds at their paths,
    and drop those at the ``deleted`` paths (another commit's version of some files, over a
    loaded state). Nothing is marked dirty; the problems say which files could not be read."""
    result = LoadResult(state)
    for relpath in deleted:
        state.forget(relpath)
    for raw in files:
        found = kind_of_path(raw.relpath)
        if raw.error is not None or found is None or not isinstance(raw.data, dict):
            why = raw.error or "not a record mapping at a known record location"
            result.problems.append(Problem(raw.relpath, "", why))
            continue
        state.forget(raw.relpath)
        try:
            _add(state, found[0], found[1], raw.data, raw.relpath, result)
        except (KeyError, ValueError, TypeError, AttributeError) as exc:
            result.problems.append(Problem(raw.relpath, "", f"cannot read record: {exc!r}"))
    state.reindex()
    return result.problems


def _add(
    state: State,
    kind: RecordKind,
    tag_kind: TagKind | None,
    data: dict[str, Any],
    relpath: str,
    result: LoadResult,
) -> None:
    if kind is RecordKind.SETTINGS:
        state.settings = CatalogSettings.from_dict(data)
        return
    if kind is RecordKind.ROLES:
        state.roles = Roles.from_dict(data)
        return
    if kind is RecordKind.CATEGORIES:
        state.categories = tuple(PhysicsCategory.from_dict(c) for c in data["categories"])
        return
    key = _identity(kind, data)
    result.records.append(LoadedRecord(relpath, kind, key))
    if kind is RecordKind.TAG:
        tag = Tag.from_dict(data)
        if tag_kind is not None and tag.kind is not tag_kind:
            result.problems.append(
                Problem(
                    relpath, "kind", f"a {tag.kind.value} tag stored under tags/{tag_kind.value}/"
                )
            )
        state.tags.setdefault(key, tag)
    elif kind is RecordKind.DATASET:
        state.datasets.setdefault(key, Dataset.from_dict(data))
    elif kind is RecordKind.PROD_CONFIG:
        state.prod_configs.setdefault(key, ProdConfig.from_dict(data))
    elif kind is RecordKind.CAMPAIGN:
        state.campaigns.setdefault(key, Campaign.from_dict(data))
    else:
        state.tasks.setdefault(key, ProdTask.from_dict(data))
