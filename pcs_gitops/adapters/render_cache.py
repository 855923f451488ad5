"""A local cache that lets ``pcs render`` skip what did not change (``.pcs/render-cache``, never
committed).

The generated files come in units: one request (its JSON, ``jedi.json``, ``dump.json``, page and
redirect stub), one dataset (its JSON), one catalogue page. Each unit's files depend only on a
fingerprint of its inputs (the task, the datasets it names, their tags and its production
config; or the dataset and the tasks that use it; or the rows of the page) and on "global"
inputs: the catalogue settings, the physics categories and the code (this package's sources
and templates, and the versions of jinja2 and markupsafe). The cache remembers each unit's
fingerprint and the ``Mark`` (size, mtime, digest) of each file it produced.

A unit is reused only when its fingerprint is unchanged *and* every one of its files on disk
still matches its mark: the same size and modification time (the test git itself uses for its
index), or else the same digest of its bytes (a fresh checkout of the same files). Anything
else (no cache, other code, an edited or missing file, a changed record) regenerates the unit,
so the output is always what a full render writes. A damaged cache just means a full render.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import marshal
from collections.abc import Sequence
from functools import cache
from importlib import metadata
from pathlib import Path
from typing import Any, NamedTuple

from pcs_gitops.adapters.files import write_atomic
from pcs_gitops.adapters.site_files import FileWriter, Mark
from pcs_gitops.domain.state import State

CACHE_FILE = "render-cache"
FORMAT = 3
_ENCODER = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), check_circular=False)


def fingerprint(*parts: object) -> str:
    """A digest of JSON-encodable parts."""
    h = hashlib.blake2b(digest_size=16)
    for part in parts:
        h.update(part.encode() if isinstance(part, str) else _ENCODER.encode(part).encode())
        h.update(b"\x00")
    return h.hexdigest()


@cache
def code_version() -> str:
    """A digest of this package's sources and templates and of the escaping libraries."""
    package = Path(__file__).resolve().parents[1]
    h = hashlib.blake2b(digest_size=16)
    versions = [f"{d} {metadata.version(d)}" for d in ("jinja2", "markupsafe")]
    h.update(f"{FORMAT} {versions}".encode())
    for path in sorted(package.rglob("*")):
        if path.is_file() and path.suffix in (".py", ".j2", ".json"):
            h.update(str(path.relative_to(package)).encode())
            h.update(path.read_bytes())
    return h.hexdigest()


def global_key(state: State) -> str:
    """The fingerprint of what every unit may read besides its own records: the code, the
    catalogue settings and the physics categories. (Tags and production configs are part of
    the fingerprint of each unit that shows them, so a new tag re-renders no other request.)"""
    return fingerprint(
        code_version(), state.settings.to_dict(), [c.to_dict() for c in state.categories]
    )


class Entry(NamedTuple):
    fingerprint: str
    marks: tuple[Mark, ...]  # one per file of the unit, in the order the renderer lists them
    extra: Any  # what the unit's rendering found out (a task's draft sub-state)


# Entries are kept as plain tuples (what marshal writes) to save memory on big sites.
_Stored = tuple[str, tuple[Mark, ...], Any]


class RenderCache:
    """The cache of one checkout: ``begin``, then ``lookup`` and ``store`` per unit, ``save``."""

    def __init__(self, cache_dir: Path) -> None:
        self.path = cache_dir / CACHE_FILE
        self._global = ""
        self._entries: dict[str, _Stored] = {}
        self._next: dict[str, _Stored] = {}
        self._changed = False

    def begin(self, global_fingerprint: str) -> None:
        """Read the cache (or start empty) for a render whose global inputs have this
        fingerprint."""
        self._global = global_fingerprint
        self._next = {}
        self._entries = {}
        self._changed = False
        try:
            # A local file this package wrote; a damaged one fails here and means a miss.
            data = marshal.loads(self.path.read_bytes())  # noqa: S302
            if data["format"] == FORMAT and data["global"] == global_fingerprint:
                self._entries = data["units"]
        except (OSError, ValueError, EOFError, KeyError, TypeError, IndexError):
            self._entries = {}

    def holds(self, unit: str) -> bool:
        """Whether the cache has an entry for ``unit`` (without one, a lookup is a miss
        whatever the unit's fingerprint)."""
        return unit in self._entries

    def lookup(
        self, unit: str, unit_fingerprint: str, files: Sequence[str], disk: FileWriter
    ) -> Entry | None:
        """The unit's entry when its fingerprint is unchanged and its ``files`` are as
        recorded."""
        try:
            fingerprint, known, extra = self._entries[unit]
        except (KeyError, TypeError, ValueError):
            return None
        if fingerprint != unit_fingerprint or len(known) != len(files):
            return None
        marks = []
        for relpath, mark in zip(files, known, strict=True):
            found = disk.unchanged(relpath, mark)
            if found is None:
                return None
            marks.append(found)
        if tuple(marks) != known:
            known = tuple(marks)
            self._changed = True
        self._next[unit] = (fingerprint, known, extra)
        return Entry(fingerprint, known, extra)

    def store(
        self, unit: str, unit_fingerprint: str, marks: Sequence[Mark | None], extra: Any = None
    ) -> None:
        """Remember a unit just rendered, its files' marks in the order of its files (not when
        a file is stale: a check wrote nothing)."""
        if all(mark is not None for mark in marks):
            self._next[unit] = (unit_fingerprint, tuple(marks), extra)  # type: ignore[arg-type]
            self._changed = True

    def save(self) -> None:
        """Write the entries of this render's units unless nothing changed (failures are
        ignored), and drop them from memory: the render is done with the cache (an import of
        20,000 rows holds 60,000 entries, 26 MB, while it lists its files)."""
        unchanged = not self._changed and len(self._next) == len(self._entries)
        payload = {"format": FORMAT, "global": self._global, "units": self._next}
        self._entries, self._next = {}, {}
        if unchanged:
            return
        with contextlib.suppress(OSError, ValueError):
            write_atomic(self.path, marshal.dumps(payload))
