"""Whether a request branch must be rebuilt after its base (the default branch) moved on.

A request branch carries records only. It needs rebuilding on the base when what the base
changed since the branch forked meets what the branch changed: the same file, a record one side
names (a tag label, a dataset name or DID, a config, a task, a campaign), the same identity under
another name (a dataset's source, a task's catalogue key, a tag's parameters), or anything every
record is checked against (schemas, settings, roles, categories). Everything else the base did
(other requests merged, their derived files rendered) leaves the branch as it is: it merges
cleanly and validates the same.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from pcs_gitops.domain.state import (
    SINGLETON_FILES,
    STATE_DIR,
    RecordKind,
    State,
    kind_of_path,
    record_path,
    tag_path,
)

SCHEMAS_DIR = "schemas"
DERIVED_DIR = "docs"


@dataclass(frozen=True)
class Side:
    """What one side changed since the fork: every path, and the record files among them as
    they are now (a path absent from ``records`` was deleted)."""

    paths: frozenset[str]
    records: State = field(default_factory=State)


def rebuild_reasons(branch: Side, base: Side) -> list[str]:
    """Why the branch must be rebuilt on the base, one sentence each; empty when it need not."""
    reasons: list[str] = []
    present = set(_keys(base.records).values())
    for path in sorted(base.paths):
        if path.startswith(f"{SCHEMAS_DIR}/"):
            reasons.append(f"the default branch changed the schema {path}")
        elif path in SINGLETON_FILES.values():
            reasons.append(
                f"the default branch changed {path}, which every record is checked against"
            )
        elif _is_record(path) and path not in present:
            reasons.append(f"the default branch deleted {path}")
    both = branch.paths & base.paths
    for path in sorted(both):
        if _is_record(path):
            reasons.append(f"both changed {path}")
    if any(path.startswith(f"{DERIVED_DIR}/") for path in branch.paths):
        reasons.append("the branch carries derived files, which only the default branch renders")
    reasons.extend(_mentions(branch.records, base.records, "the default branch changed", both))
    reasons.extend(_mentions(base.records, branch.records, "the default branch names", both))
    mine, theirs = _identities(branch.records), _identities(base.records)
    reasons.extend(
        f"the default branch has a record with the same {what}"
        for what in sorted(mine.keys() & theirs.keys())
        if mine[what] != theirs[what]  # the same file: said above
    )
    return list(dict.fromkeys(reasons))


def _mentions(naming: State, named: State, verb: str, both: frozenset[str]) -> Iterator[str]:
    """``named``'s records whose key or DID one of ``naming``'s records mentions (a file both
    sides changed is said otherwise)."""
    said = set(_strings(_dicts(naming)))
    for key, path in _keys(named).items():
        if key in said and path not in both:
            yield f"{verb} {path}, which the request's records name ('{key}')"


def _keys(state: State) -> dict[str, str]:
    """Every name a record of ``state`` is referred to by, with its file."""
    keys: dict[str, str] = {}
    for tag in state.tags.values():
        keys[tag.label] = tag_path(tag.kind, tag.label)
    for name, dataset in state.datasets.items():
        keys[name] = keys[dataset.did] = record_path(RecordKind.DATASET, name)
    for kind, names in (
        (RecordKind.PROD_CONFIG, state.prod_configs),
        (RecordKind.PROD_TASK, state.tasks),
        (RecordKind.CAMPAIGN, state.campaigns),
    ):
        keys.update((name, record_path(kind, name)) for name in names)
    return keys


def _identities(state: State) -> dict[str, str]:
    """What must be unique across records beyond their file names, with the record's name."""
    found: dict[str, str] = {}
    for dataset in state.datasets.values():
        source = dataset.source
        found[f"dataset source {source.kind.value} '{source.location}'"] = dataset.name
    for task in state.tasks.values():
        key = task.public_catalog.intake_key()
        if key is not None:
            found[f"catalogue key {':'.join(str(k) for k in key)}"] = f"task {task.name}"
    for tag in state.tags.values():
        params = sorted((str(k), repr(v)) for k, v in tag.parameters.items())
        found[f"{tag.kind.value} tag parameters {dict(params)}"] = f"tag {tag.label}"
    return found


def _dicts(state: State) -> Iterator[Any]:
    for tag in state.tags.values():
        yield tag.to_dict()
    for group in (state.datasets, state.prod_configs, state.tasks, state.campaigns):
        for record in group.values():
            yield record.to_dict()


def _strings(values: Iterable[Any]) -> Iterator[str]:
    for value in values:
        if isinstance(value, str):
            yield value
        elif isinstance(value, Mapping):
            yield from _strings(value.values())
        elif isinstance(value, list | tuple):
            yield from _strings(value)


def _is_record(path: str) -> bool:
    return (
        path.startswith(f"{STATE_DIR}/")
        and path not in SINGLETON_FILES.values()
        and (kind_of_path(path) is not None)
    )
