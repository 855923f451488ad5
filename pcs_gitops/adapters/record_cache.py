"""Parsed record files by the digest of their bytes: a file that did not change is not parsed
again (``.pcs/records.cache``, local, never committed).

The cache maps each record file's path to the blake2b digest of its bytes and the data parsed
from them. A hit needs the same digest, so the result is exactly what parsing would give; any
damage to the cache file, another parser or another Python means a miss, never a wrong value.
The file is rewritten only when enough files missed (a few changed records parse faster than the
whole cache can be rewritten).
"""

from __future__ import annotations

import contextlib
import hashlib
import marshal
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from pcs_gitops.adapters.files import write_atomic

RECORD_CACHE = "records.cache"
FORMAT = 1
# Rewrite the cache when at least this many files, or this share of them, missed.
REWRITE_MISSES = 50
REWRITE_SHARE = 0.01

Contents = Sequence[tuple[str, "bytes | str"]]


def digest(content: bytes) -> bytes:
    return hashlib.blake2b(content, digest_size=16).digest()


class RecordCache:
    """The cache file of one parser version (``parser``: anything that changes parsing)."""

    def __init__(self, path: Path, parser: str) -> None:
        self.path = path
        self.parser = parser
        self._digests: dict[str, bytes] = {}
        self._entries: dict[str, tuple[bytes, Any]] = {}
        self._loaded = False

    def lookup(self, contents: Contents) -> dict[str, Any]:
        """The cached data of every file in ``contents`` whose bytes are unchanged."""
        entries = self._read()
        self._digests = {
            relpath: digest(content) for relpath, content in contents if isinstance(content, bytes)
        }
        hits: dict[str, Any] = {}
        for relpath, sha in self._digests.items():
            entry = entries.get(relpath)
            if entry is not None and entry[0] == sha:
                hits[relpath] = entry[1]
        self._entries = entries
        return hits

    def update(self, contents: Contents, fresh: Mapping[str, Any]) -> None:
        """Remember the files just parsed (``fresh``); called after ``lookup``."""
        # Once the records are built, the parsed data here is garbage: let it go.
        old, self._entries = self._entries, {}
        digests, self._digests = self._digests, {}
        if self._loaded and len(fresh) < max(REWRITE_MISSES, len(contents) * REWRITE_SHARE):
            return
        entries: dict[str, tuple[bytes, Any]] = {}
        for relpath, sha in digests.items():
            if relpath in fresh:
                entries[relpath] = (sha, fresh[relpath])
            elif (entry := old.get(relpath)) is not None and entry[0] == sha:
                entries[relpath] = entry
        self._write(entries)

    def _read(self) -> dict[str, tuple[bytes, Any]]:
        try:
            # A local file this package wrote; a damaged one fails here and means a miss.
            data = marshal.loads(self.path.read_bytes())  # noqa: S302
            if isinstance(data, dict) and data.get("key") == (FORMAT, self.parser):
                entries: dict[str, tuple[bytes, Any]] = data["files"]
                self._loaded = True
                return entries
        except (OSError, ValueError, EOFError, TypeError, KeyError):
            pass
        self._loaded = False
        return {}

    def _write(self, entries: dict[str, tuple[bytes, Any]]) -> None:
        payload = {"key": (FORMAT, self.parser), "files": entries}
        try:
            blob = marshal.dumps(payload)
        except ValueError:  # a record holds a value marshal cannot write (a YAML timestamp)
            payload["files"] = {r: e for r, e in entries.items() if _marshallable(e)}
            blob = marshal.dumps(payload)
        with contextlib.suppress(OSError):
            write_atomic(self.path, blob)


def _marshallable(value: Any) -> bool:
    try:
        marshal.dumps(value)
    except ValueError:
        return False
    return True
