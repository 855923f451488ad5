"""The YAML state store: the only module that imports ``yaml``.

Loading uses PyYAML's C loader when present and refuses anchors and aliases (a YAML bomb is
rejected before anything is constructed). Dumping is deterministic: insertion key order, UTF-8,
block style, no anchors, trailing newline. Writes are atomic (temp file + rename).
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from pcs_gitops.adapters import forking
from pcs_gitops.errors import StateFileError

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
        return yaml.load(text, Loader=_Loader)  # noqa: S506 - a safe loader
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


def dump_yaml(data: Any) -> str:
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


def write_atomic(path: Path, content: str | bytes) -> None:
    """Write a file via a temp file in the same directory and a rename."""
    path.parent.mkdir(parents=True, exist_ok=True)
    data = content.encode("utf-8") if isinstance(content, str) else content
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


# Below this many files per worker, forking costs more than it saves.
_FILES_PER_WORKER = 1500


@dataclass(frozen=True)
class RawFile:
    """One record file: its path relative to the repository, and its parsed content or error."""

    relpath: str
    data: Any
    error: str | None = None


def _read_record(full: str, relpath: str) -> RawFile:
    try:
        with open(full, encoding="utf-8") as handle:
            text = handle.read()
        return RawFile(relpath, load_yaml_text(text, relpath))
    except StateFileError as exc:
        return RawFile(relpath, None, str(exc))
    except (OSError, UnicodeDecodeError) as exc:
        return RawFile(relpath, None, f"{relpath}: cannot read: {exc}")


def _read_records(paths: list[tuple[str, str]]) -> list[RawFile]:
    return [_read_record(full, relpath) for full, relpath in paths]


class YamlStateStore:
    """Reads and writes record files under ``<root>/state``."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def iter_files(self) -> Iterator[RawFile]:
        """Every record file in path order, parsed; big states are parsed by forked workers
        (one per CPU), since YAML parsing is most of the time ``validate`` and ``render`` take."""
        state_dir = self.root / "state"
        if not state_dir.is_dir():
            return
        root_len = len(str(self.root)) + 1
        paths: list[tuple[str, str]] = []
        for dirpath, dirnames, filenames in os.walk(state_dir):
            dirnames.sort()
            for filename in sorted(filenames):
                if not filename.endswith((".yaml", ".yml")) or filename.startswith("."):
                    continue
                full = os.path.join(dirpath, filename)
                paths.append((full, full[root_len:].replace(os.sep, "/")))
        workers = min(forking.available_cpus(), len(paths) // _FILES_PER_WORKER)
        if workers < 2:
            for full, relpath in paths:
                yield _read_record(full, relpath)
            return
        size = -(-len(paths) // workers)
        chunks = [paths[i : i + size] for i in range(0, len(paths), size)]
        for parsed in forking.map_chunks(_read_records, chunks):
            yield from parsed

    def write(self, relpath: str, data: Any) -> bool:
        """Write one record; returns False (and touches nothing) when the bytes are unchanged."""
        target = self.root / relpath
        content = dump_yaml(data).encode("utf-8")
        try:
            if target.read_bytes() == content:
                return False
        except FileNotFoundError:
            pass
        write_atomic(target, content)
        return True

    def delete(self, relpath: str) -> bool:
        target = self.root / relpath
        if target.exists():
            target.unlink()
            return True
        return False

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
