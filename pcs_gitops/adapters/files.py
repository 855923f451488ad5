"""Atomic file replacement, shared by every adapter that writes files."""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path


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


def replace_file(full: str, content: bytes) -> None:
    """``write_atomic`` for the many small files of one write (the records of an import):
    the same temp file + rename, with a temp name made of the process id (no random names to
    try) and the directory made only when the first attempt finds it missing."""
    directory, name = os.path.split(full)
    tmp = os.path.join(directory, f".{name}.{os.getpid()}.tmp")
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL
    try:
        fd = os.open(tmp, flags, 0o644)
    except FileNotFoundError:
        os.makedirs(directory, exist_ok=True)
        fd = os.open(tmp, flags, 0o644)
    except FileExistsError:  # left by a process that died with this id: keep it, go slow
        write_atomic(Path(full), content)
        return
    try:
        try:
            _write_all(fd, content)
        finally:
            os.close(fd)
        os.replace(tmp, full)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def create_new(full: str, content: bytes) -> os.stat_result | None:
    """Create ``full`` with ``content`` unless it exists (then None), making its directory when
    missing; the new file's stat. Not atomic: for generated files only, which a later render
    compares with what it would write (an interrupted creation is found stale and replaced).
    Plain ``os`` calls: four system calls per file where ``open()`` makes seven, and a first
    render creates 120,000 files."""
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0)
    try:
        fd = os.open(full, flags, 0o644)
    except FileExistsError:
        return None
    except FileNotFoundError:
        os.makedirs(os.path.dirname(full), exist_ok=True)
        fd = os.open(full, flags, 0o644)
    try:
        _write_all(fd, content)
        return os.fstat(fd)
    finally:
        os.close(fd)


def _write_all(fd: int, content: bytes) -> None:
    view = memoryview(content)
    while view:
        view = view[os.write(fd, view) :]
