"""Validating the whole repository: every record against its schema, then cross-record rules."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Protocol

from pcs_gitops.domain.approval import approval_problems
from pcs_gitops.domain.rules import Problem, check_state
from pcs_gitops.services.loading import load_state
from pcs_gitops.services.locked_tags import locked_at, locked_tag_problems
from pcs_gitops.services.ports import (
    Progress,
    RawRecordFile,
    SchemaCheck,
    StateStore,
    no_progress,
)


class RecordFiles(Protocol):
    def iter_files(self) -> Iterator[RawRecordFile]: ...


@dataclass(frozen=True)
class Base:
    """What the state is compared with: a commit (``name``) and its record files."""

    name: str
    files: RecordFiles


@dataclass
class ValidationReport:
    files: int
    problems: list[Problem]

    @property
    def ok(self) -> bool:
        return not self.problems

    def to_dict(self) -> dict[str, object]:
        return {
            "ok": self.ok,
            "files": self.files,
            "problems": [p.to_dict() for p in self.problems],
        }


def validate_repository(
    store: StateStore,
    schemas: SchemaCheck,
    progress: Progress = no_progress,
    base: Base | None = None,
) -> ValidationReport:
    """Every record against its schema and the cross-record rules; with ``base``, also no
    locked tag of the base changed."""
    loaded = load_state(store.iter_files(), schemas, progress)
    problems = list(loaded.problems)
    if loaded.files == 0:
        problems.append(
            Problem("state/", "", "no records found; is this a PCS repository? ('pcs init DIR')")
        )
    else:
        problems.extend(check_state(loaded.state))
        if not problems:  # a payload is only built from a consistent state
            problems.extend(approval_problems(loaded.state))
        if base is not None:
            locked = locked_at(base.files.iter_files())
            problems.extend(locked_tag_problems(base.name, locked, loaded.state))
    return ValidationReport(loaded.files, sorted(set(problems)))
