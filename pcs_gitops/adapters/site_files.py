"""Derived files on disk: the catalogue CSV, the Jekyll pages and the static JSON API."""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from pathlib import Path

from pcs_gitops.adapters.yaml_store import write_atomic
from pcs_gitops.domain.catalog import render_catalog
from pcs_gitops.domain.state import State

# Generated directories: every file in them is owned by `pcs render` (stale ones are deleted).
GENERATED_DIRS = ("docs/api", "docs/catalog", "docs/requests")

# (state, the generated files as they are on disk) -> the files to have; the planner may reuse
# bytes already read instead of opening 40k files a second time.
PagePlanner = Callable[[State, Mapping[str, bytes]], Mapping[str, bytes]]


class SiteFiles:
    def __init__(self, root: Path, pages: PagePlanner | None = None) -> None:
        self.root = root
        self.pages = pages
        self._csv_path: str | None = None
        self._read: Mapping[str, bytes] | None = None

    def plan(self, state: State) -> Mapping[str, bytes]:
        self._csv_path = state.settings.csv_path
        self._read = None
        on_disk = self.existing() if self.pages is not None else {}
        out: dict[str, bytes] = {
            state.settings.csv_path: render_catalog(state.settings, state.tasks.values()).encode(
                "utf-8"
            )
        }
        if self.pages is not None:
            out.update(self.pages(state, on_disk))
        return out

    def owned(self, relpath: str) -> bool:
        return relpath == self._csv_path or any(relpath.startswith(d + "/") for d in GENERATED_DIRS)

    def existing(self) -> Mapping[str, bytes]:
        """The generated files on disk (read once per plan)."""
        if self._read is None:
            self._read = self._read_existing()
        return self._read

    def _read_existing(self) -> Mapping[str, bytes]:
        found: dict[str, bytes] = {}
        if self._csv_path:
            csv_file = self.root / self._csv_path
            if csv_file.is_file():
                found[self._csv_path] = csv_file.read_bytes()
        root_len = len(str(self.root)) + 1
        for directory in GENERATED_DIRS:
            for dirpath, _, filenames in os.walk(self.root / directory):
                for filename in filenames:
                    full = os.path.join(dirpath, filename)
                    with open(full, "rb") as handle:
                        found[full[root_len:].replace(os.sep, "/")] = handle.read()
        return found

    def write(self, relpath: str, content: bytes) -> None:
        """Replace a file atomically; create a new one directly (a first render creates tens of
        thousands, and temp file + rename costs 3x as much; an interrupted creation leaves a file
        that the next render sees as stale and replaces)."""
        target = self.root / relpath
        if not target.exists():
            try:
                _create(target, content)
                return
            except FileExistsError:
                pass
        write_atomic(target, content)

    def delete(self, relpath: str) -> None:
        (self.root / relpath).unlink(missing_ok=True)


def _create(target: Path, content: bytes) -> None:
    try:
        handle = open(target, "xb")  # noqa: SIM115 - closed below
    except FileNotFoundError:
        target.parent.mkdir(parents=True, exist_ok=True)
        handle = open(target, "xb")  # noqa: SIM115
    with handle:
        handle.write(content)
