"""The YAML state store: the only module that imports ``yaml``.

Loading uses PyYAML's C loader when present and refuses anchors and aliases (a YAML bomb is
rejected before anything is constructed). Dumping is deterministic: insertion key order, UTF-8,
block style, no anchors, trailing newline. Writes are atomic (temp file + rename).
"""

from __future__ import annotations

import hashlib
import os
import sys
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from pcs_gitops.adapters import forking
from pcs_gitops.adapters.files import replace_file, write_atomic
from pcs_gitops.adapters.record_cache import RECORD_CACHE, RecordCache
from pcs_gitops.adapters.record_yaml import RecordWriter
from pcs_gitops.errors import StateFileError
from pcs_gitops.services.ports import WRITING_RECORDS, Progress, no_progress, write_each

_BaseLoader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _DuplicateKey(yaml.YAMLError):
    def __init__(self, key: str, line: int, first_line: int) -> None:
        super().__init__(key)
        self.key, self.line, self.first_line = key, line, first_line


class _Loader(_BaseLoader):  # type: ignore[valid-type,misc]
    """The safe loader, refusing a key repeated in one mapping (PyYAML keeps the last value,
    so an appended ``status: completed`` would silently win)."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        seen: dict[tuple[str, str], int] = {}
        for key_node, _ in node.value:
            if isinstance(key_node, yaml.ScalarNode):
                key, line = (key_node.tag, key_node.value), key_node.start_mark.line + 1
                if key in seen:
                    raise _DuplicateKey(key_node.value, line, seen[key])
                seen[key] = line
        return super().construct_mapping(node, deep)  # type: ignore[no-any-return]


_BaseDumper: type[yaml.SafeDumper] = getattr(yaml, "CSafeDumper", yaml.SafeDumper)


class _Dumper(_BaseDumper):  # type: ignore[valid-type,misc]
    def ignore_aliases(self, data: Any) -> bool:
        return True


def _str_representer(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    if "\n" in value or "\r" in value:
        # Literal block style cannot carry a CR or trailing spaces faithfully; double quotes can.
        style = "|" if _literal_safe(value) else '"'
        return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)
    return dumper.represent_scalar("tag:yaml.org,2002:str", value)


def _literal_safe(value: str) -> bool:
    if "\r" in value or "\t" in value or value.startswith((" ", "\n")):
        return False
    return all(line == line.rstrip(" ") for line in value.split("\n"))


_Dumper.add_representer(str, _str_representer)


def _refuse_aliases(text: str, source: str) -> None:
    for event in yaml.parse(text, Loader=_Loader):
        if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None):
            line = event.start_mark.line + 1 if event.start_mark else "?"
            raise StateFileError(
                f"{source}: YAML anchors and aliases are not allowed in records "
                f"(line {line}); write the values out in full"
            )


def load_yaml_text(text: str, source: str) -> Any:
    """Parse one YAML document, refusing anchors/aliases; errors name ``source``."""
    try:
        if "&" in text or "*" in text:
            _refuse_aliases(text, source)
        return _load(text)
    except _DuplicateKey as exc:
        raise StateFileError(
            f"{source}: duplicate key '{exc.key}' on line {exc.line} (first on line "
            f"{exc.first_line}); YAML would keep only the last value: delete one of the two"
        ) from exc
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" (line {mark.line + 1}, column {mark.column + 1})" if mark else ""
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise StateFileError(f"{source}: unparseable YAML{where}: {problem}") from exc


_STR_TAG = "tag:yaml.org,2002:str"
_MAP_TAG = "tag:yaml.org,2002:map"
_SEQ_TAG = "tag:yaml.org,2002:seq"
_COLLECTION_TAGS = (
    _MAP_TAG,
    _SEQ_TAG,
    *(f"tag:yaml.org,2002:{t}" for t in ("omap", "pairs", "set")),
)
# The plain-scalar constructors of the safe loader (int, float, bool, null, timestamp, ...).
_SCALARS: dict[str, Any] = {
    tag: build
    for tag, build in _Loader.yaml_constructors.items()
    if tag is not None and tag not in _COLLECTION_TAGS
}


@cache
def parser_version() -> str:
    """What the record cache depends on: PyYAML, this module's code and the Python version."""
    code = hashlib.blake2b(Path(__file__).read_bytes(), digest_size=8).hexdigest()
    return f"{yaml.__version__} {_Loader.__name__} {sys.version_info[:2]} {code}"


# Keys and short values (statuses, PWGs, labels, timestamps, logins) repeat across thousands
# of records: one shared string each keeps a loaded 10,000-request state a third smaller.
_INTERNED = 40
_intern = sys.intern


class _Unusual(Exception):
    """A node the direct construction leaves to PyYAML's own constructor (merge keys, complex
    keys, set/omap/pairs tags)."""


def _load(text: str) -> Any:
    """``yaml.load(text, CSafeLoader)``, a third faster: the C parser composes the node tree and
    plain maps, lists and scalars are built directly from it, without PyYAML's generic
    (generator-based) constructor; anything else goes through that constructor."""
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return None
        try:
            return _build(loader, node)
        except _Unusual:
            return loader.construct_document(node)
    finally:
        loader.dispose()


def _build(loader: Any, node: Any) -> Any:
    kind = type(node)
    if kind is yaml.ScalarNode:
        if node.tag == _STR_TAG:
            value: str = node.value
            return _intern(value) if len(value) <= _INTERNED else value
        build = _SCALARS.get(node.tag)
        if build is None:
            raise _Unusual
        return build(loader, node)
    if kind is yaml.MappingNode and node.tag == _MAP_TAG:
        out: dict[Any, Any] = {}
        seen: dict[tuple[str, str], Any] = {}
        for key_node, value_node in node.value:
            if key_node.tag == "tag:yaml.org,2002:merge" or type(key_node) is not yaml.ScalarNode:
                raise _Unusual
            key = (key_node.tag, key_node.value)
            first = seen.setdefault(key, key_node)
            if first is not key_node:
                line = key_node.start_mark.line + 1
                raise _DuplicateKey(key_node.value, line, first.start_mark.line + 1)
            out[_build(loader, key_node)] = _build(loader, value_node)
        return out
    if kind is yaml.SequenceNode and node.tag == _SEQ_TAG:
        return [_build(loader, item) for item in node.value]
    raise _Unusual


def dump_yaml_pyyaml(data: Any) -> str:
    """The YAML text of ``data`` as PyYAML writes it (``dump_yaml`` writes the same bytes)."""
    text: str = yaml.dump(
        data,
        Dumper=_Dumper,
        sort_keys=False,
        allow_unicode=True,
        default_flow_style=False,
        width=10_000,
        indent=2,
    )
    return text if text.endswith("\n") else text + "\n"


_RESOLVER = yaml.resolver.Resolver()


def _is_plain_str(text: str) -> bool:
    tag: str = _RESOLVER.resolve(yaml.ScalarNode, text, (True, False))  # type: ignore[no-untyped-call]
    return tag == _STR_TAG


def _token_of(text: str) -> str | None:
    """PyYAML's token for ``text`` as a block sequence item (None when it spans lines)."""
    dumped = dump_yaml_pyyaml([text])
    if not dumped.startswith("- ") or dumped.count("\n") != 1:
        return None
    return dumped[2:-1]


_WRITER = RecordWriter(_token_of, _is_plain_str, dump_yaml_pyyaml)


def dump_yaml(data: Any) -> str:
    """Deterministic YAML of one record: insertion key order, UTF-8, block style, no anchors,
    trailing newline (the bytes of ``dump_yaml_pyyaml``, written several times faster)."""
    return _WRITER.dump(data)


# Below this many files to parse or write per worker, forking costs more than it saves.
_FILES_PER_WORKER = 1500


@dataclass(frozen=True)
class RawFile:
    """One record file: its path relative to the repository, and its parsed content or error."""

    relpath: str
    data: Any
    error: str | None = None


def _parse(relpath: str, content: bytes) -> RawFile:
    """One record file's bytes, parsed (a file that cannot be read carries its error)."""
    try:
        return RawFile(relpath, load_yaml_text(content.decode("utf-8"), relpath))
    except StateFileError as exc:
        return RawFile(relpath, None, str(exc))
    except UnicodeDecodeError as exc:
        return RawFile(relpath, None, f"{relpath}: cannot read: {exc}")


def _parse_chunk(chunk: Sequence[tuple[str, bytes]]) -> bytes:
    """A worker's share, sent back marshalled (far cheaper than pickling ``RawFile``s)."""
    parsed = [_parse(relpath, content) for relpath, content in chunk]
    return forking.pack([(raw.relpath, raw.data, raw.error) for raw in parsed])


class YamlStateStore:
    """Reads and writes record files under ``<root>/state``.

    With ``cache_dir``, parsed records are kept in a content-addressed cache there
    (``record_cache``): a file whose bytes did not change is not parsed again.
    """

    def __init__(self, root: Path, cache_dir: Path | None = None) -> None:
        self.root = root
        self.cache: RecordCache | None = None
        if cache_dir is not None:
            self.cache = RecordCache(cache_dir / RECORD_CACHE, parser_version())

    def iter_files(self) -> Iterator[RawFile]:
        """Every record file in path order, parsed. Big states are parsed by forked workers
        (YAML parsing is most of what ``validate`` and ``render`` cost). The cyclic garbage
        collector pauses until the last file is taken, so also while the caller builds records
        from them: they are acyclic, and its passes over a growing heap of small objects cost
        a fifth of the load."""
        with forking.gc_paused():
            contents = self._read_all()
            parsed = self._parse_all(contents)
            for relpath, _ in contents:
                yield parsed[relpath]

    def _read_all(self) -> list[tuple[str, bytes | str]]:
        """``(relpath, bytes)`` of every record file in path order (an error text when the file
        cannot be read)."""
        state_dir = self.root / "state"
        found: list[tuple[str, bytes | str]] = []
        if not state_dir.is_dir():
            return found
        prefix = os.path.join(str(self.root), "")  # "./" for a root given as "."
        root_len = len(prefix)
        for dirpath, dirnames, filenames in os.walk(prefix + "state"):
            dirnames.sort()
            for filename in sorted(filenames):
                if not filename.endswith((".yaml", ".yml")) or filename.startswith("."):
                    continue
                full = os.path.join(dirpath, filename)
                relpath = full[root_len:].replace(os.sep, "/")
                try:
                    with open(full, "rb") as handle:
                        found.append((relpath, handle.read()))
                except OSError as exc:
                    found.append((relpath, f"{relpath}: cannot read: {exc}"))
        return found

    def _parse_all(self, contents: list[tuple[str, bytes | str]]) -> dict[str, RawFile]:
        parsed: dict[str, RawFile] = {}
        todo: list[tuple[str, bytes]] = []
        cached = self.cache.lookup(contents) if self.cache is not None else {}
        for relpath, content in contents:
            if isinstance(content, str):
                parsed[relpath] = RawFile(relpath, None, content)
            elif relpath in cached:
                parsed[relpath] = RawFile(relpath, cached[relpath])
            else:
                todo.append((relpath, content))
        for raw in self._parse_many(todo):
            parsed[raw.relpath] = raw
        if self.cache is not None:
            self.cache.update(contents, {r: parsed[r].data for r, _ in todo if not parsed[r].error})
        return parsed

    def _parse_many(self, todo: list[tuple[str, bytes]]) -> list[RawFile]:
        workers = min(forking.available_cpus(), len(todo) // _FILES_PER_WORKER)
        if workers < 2:
            return [_parse(relpath, content) for relpath, content in todo]
        out: list[RawFile] = []
        for packed in forking.map_chunks(_parse_chunk, forking.split(todo, workers)):
            out.extend(RawFile(*item) for item in forking.unpack(packed))
        return out

    def write(self, relpath: str, data: Any) -> bool:
        """Write one record; returns False (and touches nothing) when the bytes are unchanged."""
        full = os.path.join(self.root, relpath)
        content = dump_yaml(data).encode("utf-8")
        try:
            with open(full, "rb") as handle:
                if handle.read() == content:
                    return False
        except (FileNotFoundError, NotADirectoryError):
            pass
        replace_file(full, content)
        return True

    def delete(self, relpath: str) -> bool:
        target = self.root / relpath
        if target.exists():
            target.unlink()
            return True
        return False

    def write_many(
        self, relpaths: Sequence[str], data_of: Callable[[str], Any], progress: Progress
    ) -> list[str]:
        """``write`` (or ``delete``, where ``data_of`` gives None) each record; the changed
        ones in the order given. Many records are written by forked workers, each a contiguous
        share (dumping and creating the 60,000 records of an import took 3.7 s in one
        process); the calling process reports the progress of all, counting its own share once
        per worker. A failure to write is raised as the same ``OSError`` as in one process,
        once every worker has stopped."""
        count = len(relpaths)
        workers = min(forking.available_cpus(), count // _FILES_PER_WORKER)
        if workers < 2 or not forking.can_fork():
            return write_each(self, relpaths, data_of, progress)
        chunks = forking.split(relpaths, workers)
        caller = os.getpid()

        def for_all(label: str, done: int, total: int) -> None:  # total: of the share
            progress(label, min(done * len(chunks), count), count)

        def work(chunk: Sequence[str]) -> list[str] | OSError:
            try:
                return write_each(
                    self, chunk, data_of, for_all if os.getpid() == caller else no_progress
                )
            except OSError as exc:  # returned, not raised: a worker's reaches the caller as is
                return exc

        written: list[str] = []
        for result in forking.map_chunks(work, chunks):
            if isinstance(result, OSError):
                raise result
            written += result
        progress(WRITING_RECORDS, count, count)
        return written

    def read_text(self, relpath: str) -> str:
        return (self.root / relpath).read_text(encoding="utf-8")

    def load_file(self, path: Path) -> Any:
        """Load a YAML file that is not a record (an issue-form template, for example)."""
        return load_yaml_text(path.read_text(encoding="utf-8"), str(path))


class DryRunStore:
    """A state store that reads the real records and only pretends to write (previews)."""

    def __init__(self, store: YamlStateStore) -> None:
        self._store = store

    def iter_files(self) -> Iterator[RawFile]:
        return iter(self._store.iter_files())

    def write(self, relpath: str, data: Any) -> bool:
        try:
            return (self._store.root / relpath).read_bytes() != dump_yaml(data).encode("utf-8")
        except FileNotFoundError:
            return True

    def delete(self, relpath: str) -> bool:
        return (self._store.root / relpath).exists()


parse_record_file = _parse


class TextStore:
    """Record files given as text (a commit's files, read through git): read-only."""

    def __init__(self, files: dict[str, str]) -> None:
        self._files = files

    def iter_files(self) -> Iterator[RawFile]:
        for relpath in sorted(self._files):
            try:
                yield RawFile(relpath, load_yaml_text(self._files[relpath], relpath))
            except StateFileError as exc:
                yield RawFile(relpath, None, str(exc))


__all__ = [
    "DryRunStore",
    "RawFile",
    "TextStore",
    "YamlStateStore",
    "dump_yaml",
    "dump_yaml_pyyaml",
    "load_yaml_text",
    "parse_record_file",
    "write_atomic",
]
