"""Regenerating (or checking) the derived files from the records."""

from __future__ import annotations

from pcs_gitops.errors import ValidationFailed
from pcs_gitops.services.loading import load_state
from pcs_gitops.services.ports import DerivedFiles, Progress, StateStore, no_progress
from pcs_gitops.services.unit_of_work import CommitResult, sync_derived


def render(
    store: StateStore, derived: DerivedFiles, *, check: bool, progress: Progress = no_progress
) -> CommitResult:
    loaded = load_state(store.iter_files(), None, progress)
    if loaded.problems:
        raise ValidationFailed(
            loaded.problems, header="cannot render: the state has problems (see 'pcs validate')"
        )
    return sync_derived(derived, loaded.state, check_only=check, progress=progress)
