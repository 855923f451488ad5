"""Counting an external source's input files on this machine (``InputFiles``).

Only paths under the catalogue's data roots are read (a request cannot make pcs read
/etc/passwd), never on a GitHub-hosted runner, and every walk is bounded. A CSV manifest counts
its data lines (blank lines and ``#`` comments aside); a directory counts the event files under
it (the EVGEN extensions, at most a few levels down).
"""

from __future__ import annotations

import os
from pathlib import Path

from pcs_gitops.config import on_github_hosted_runner
from pcs_gitops.domain.readiness import under_data_root

EVENT_FILE_SUFFIXES = (".hepmc3.tree.root", ".hepmc.gz", ".hepmc3.gz", ".hepmc3", ".hepmc")
MAX_LINES = 10_000_000
MAX_ENTRIES = 1_000_000
MAX_DEPTH = 4


class LocalInputFiles:
    """``InputFiles`` over the local filesystem."""

    def count(self, kind: str, location: str, roots: tuple[str, ...]) -> int | None:
        if on_github_hosted_runner():
            return None
        path = under_data_root(location.strip(), roots)
        if path is None:
            return None
        try:
            if kind == "csv_manifest" or (kind == "path" and os.path.isfile(path)):
                return _manifest_lines(Path(path))
            if kind == "path" and os.path.isdir(path):
                return _event_files(path)
        except (OSError, UnicodeDecodeError):
            return None
        return None


def _manifest_lines(path: Path) -> int | None:
    count = 0
    with path.open(encoding="utf-8") as handle:
        for number, line in enumerate(handle, start=1):
            if number > MAX_LINES:
                return None
            text = line.strip()
            if text and not text.startswith("#"):
                count += 1
    return count


def _event_files(top: str) -> int | None:
    count = seen = 0
    base_depth = top.rstrip("/").count("/")
    for dirpath, dirnames, filenames in os.walk(top):
        if dirpath.count("/") - base_depth >= MAX_DEPTH:
            dirnames[:] = []
        seen += len(filenames) + len(dirnames)
        if seen > MAX_ENTRIES:
            return None
        count += sum(1 for name in filenames if name.endswith(EVENT_FILE_SUFFIXES))
    return count
