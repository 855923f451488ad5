"""Validating the whole repository: every record against its schema, then cross-record rules."""

from __future__ import annotations

from dataclasses import dataclass

from pcs_gitops.domain.approval import approval_problems
from pcs_gitops.domain.rules import Problem, check_state
from pcs_gitops.domain.twin_rules import twin_problems
from pcs_gitops.services.loading import load_state
from pcs_gitops.services.ports import Progress, SchemaCheck, StateStore, no_progress


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
    store: StateStore, schemas: SchemaCheck, progress: Progress = no_progress
) -> ValidationReport:
    loaded = load_state(store.iter_files(), schemas, progress)
    problems = list(loaded.problems)
    if loaded.files == 0:
        problems.append(
            Problem("state/", "", "no records found; is this a PCS repository? ('pcs init DIR')")
        )
    else:
        problems.extend(check_state(loaded.state))
        problems.extend(twin_problems(loaded.state))
        if not problems:  # a payload is only built from a consistent state
            problems.extend(approval_problems(loaded.state))
    return ValidationReport(loaded.files, sorted(set(problems)))
