"""A local cache that lets ``pcs render`` skip the requests whose inputs did not change.

Each task's generated files (its JSON, ``jedi.json``, ``dump.json`` and page) depend only on the
task, the datasets it names, and "global" inputs: the catalogue settings, the tags, the production
configs, the physics categories and the code (this package's sources and templates, and the
versions of jinja2 and markupsafe). The cache (``.pcs/render-cache.json``, never committed)
remembers for every task a fingerprint of those inputs and a digest of each file it produced.

A task is reused only when its fingerprint is unchanged *and* every one of its files on disk
still has the recorded digest; the files' bytes are then returned as planned. Anything else (no
cache, other code, an edited or missing file, a changed record) regenerates the task, so the
output is always byte-identical to a full render. Reading a damaged cache just means a full
render.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache
from importlib import metadata
from pathlib import Path
from typing import Any

from pcs_gitops.adapters.yaml_store import write_atomic
from pcs_gitops.domain.model import ProdTask
from pcs_gitops.domain.state import State

CACHE_FILE = ".pcs/render-cache.json"
FORMAT = 1
_ENCODER = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), sort_keys=True)


def _digest(data: bytes) -> str:
    return hashlib.blake2b(data, digest_size=16).hexdigest()


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
    """The fingerprint of everything every task's files may read besides the task's own
    records."""
    h = hashlib.blake2b(digest_size=16)
    h.update(code_version().encode())
    h.update(_ENCODER.encode(state.settings.to_dict()).encode())
    h.update(_ENCODER.encode([c.to_dict() for c in state.categories]).encode())
    for label in sorted(state.tags):
        h.update(_ENCODER.encode(state.tags[label].to_dict()).encode())
    for name in sorted(state.prod_configs):
        h.update(_ENCODER.encode(state.prod_configs[name].to_dict()).encode())
    return h.hexdigest()


@dataclass(frozen=True)
class Entry:
    fingerprint: str
    digests: dict[str, str]
    substate: str | None
    row: tuple[Any, ...] | None


class RenderCache:
    """The cache of one repository; ``lookup`` and ``store`` during a plan, then ``save``."""

    def __init__(self, root: Path, on_disk: Mapping[str, bytes] | None = None) -> None:
        """``on_disk``: the generated files as already read by the caller (else read here)."""
        self.root = root
        self._on_disk = on_disk
        self.path = root / CACHE_FILE
        self._global = ""
        self._entries: dict[str, Entry] = {}
        self._next: dict[str, Entry] = {}

    def begin(self, state: State) -> None:
        """Read the cache (or start empty) for a plan of ``state``."""
        self._global = global_key(state)
        self._next = {}
        self._entries = {}
        try:
            data = json.loads(self.path.read_bytes())
            if data.get("format") == FORMAT and data.get("global") == self._global:
                self._entries = {
                    name: Entry(e[0], e[1], e[2], _tuple(e[3])) for name, e in data["tasks"].items()
                }
        except (OSError, ValueError, KeyError, TypeError, IndexError, AttributeError):
            self._entries = {}

    def fingerprint(self, state: State, task: ProdTask) -> str:
        h = hashlib.blake2b(digest_size=16)
        h.update(self._global.encode())
        h.update(_ENCODER.encode(task.to_dict()).encode())
        for did in (*task.input_datasets, *task.output_datasets, *task.intermediate_datasets):
            dataset = state.dataset_for_did(did)
            h.update(_ENCODER.encode(dataset.to_dict() if dataset else {"missing": did}).encode())
        return h.hexdigest()

    def lookup(self, name: str, fingerprint: str) -> tuple[dict[str, bytes], Entry] | None:
        """The task's files as they are on disk, when the fingerprint and every digest match."""
        entry = self._entries.get(name)
        if entry is None or entry.fingerprint != fingerprint:
            return None
        files: dict[str, bytes] = {}
        for relpath, digest in entry.digests.items():
            content = self._read(relpath)
            if content is None or _digest(content) != digest:
                return None
            files[relpath] = content
        self._next[name] = entry
        return files, entry

    def _read(self, relpath: str) -> bytes | None:
        if self._on_disk is not None:
            return self._on_disk.get(relpath)
        try:
            with open(os.path.join(self.root, relpath), "rb") as handle:
                return handle.read()
        except OSError:
            return None

    def store(
        self,
        name: str,
        fingerprint: str,
        files: Mapping[str, bytes],
        substate: str | None,
        row: tuple[Any, ...] | None,
    ) -> None:
        digests = {relpath: _digest(content) for relpath, content in files.items()}
        self._next[name] = Entry(fingerprint, digests, substate, row)

    def save(self, names: Iterable[str]) -> None:
        """Write the entries of ``names`` (the current tasks); failures are ignored."""
        tasks = {
            name: [e.fingerprint, e.digests, e.substate, e.row]
            for name in sorted(names)
            if (e := self._next.get(name)) is not None
        }
        payload = {"format": FORMAT, "global": self._global, "tasks": tasks}
        with contextlib.suppress(OSError):
            write_atomic(self.path, json.dumps(payload, ensure_ascii=False, separators=(",", ":")))


def _tuple(value: Any) -> tuple[Any, ...] | None:
    """A catalogue row back from JSON (its lists were tuples)."""
    if value is None:
        return None
    return tuple(tuple(v) if isinstance(v, list) else v for v in value)
