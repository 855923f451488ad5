"""Run one function over chunks of work in forked processes (Linux/macOS): parsing the record
files and planning the pages of a big state.

The children inherit the loaded state through ``fork`` (nothing is pickled on the way in); each
sends its result back pickled through a pipe. The calling process works on the first chunk
itself. Where ``fork`` is unavailable, or with one chunk, everything runs in-process. Results come
back in chunk order, so the outcome never depends on how the work was split.
"""

from __future__ import annotations

import gc
import marshal
import multiprocessing
import os
import pickle
import traceback
import warnings
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from multiprocessing.connection import Connection
from typing import Any, TypeVar

T = TypeVar("T")
R = TypeVar("R")


class ChildFailed(RuntimeError):
    """A forked worker raised; the message holds its traceback."""


def available_cpus() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not Linux
        return os.cpu_count() or 1


def can_fork() -> bool:
    return "fork" in multiprocessing.get_all_start_methods()


def _child(fn: Callable[[T], R], chunk: T, conn: Connection) -> None:
    try:
        result: tuple[str, Any] = ("ok", fn(chunk))
    except BaseException:  # the parent re-raises it with the child's traceback
        result = ("error", traceback.format_exc())
    try:
        conn.send(result)
    finally:
        conn.close()


def map_chunks(fn: Callable[[T], R], chunks: Sequence[T]) -> list[R]:
    """``[fn(c) for c in chunks]``, the chunks after the first each in a forked child."""
    if len(chunks) < 2 or not can_fork():
        return [fn(c) for c in chunks]
    context = multiprocessing.get_context("fork")
    started: list[tuple[Any, Connection]] = []
    try:
        for chunk in chunks[1:]:
            receiver, sender = context.Pipe(duplex=False)
            process = context.Process(target=_child, args=(fn, chunk, sender), daemon=True)
            with warnings.catch_warnings():
                # Python >= 3.12 warns about fork() in a process with threads; the children
                # only compute and send bytes, and never touch a lock another thread may hold.
                warnings.simplefilter("ignore", DeprecationWarning)
                process.start()
            sender.close()
            started.append((process, receiver))
        results = [fn(chunks[0])]
        for process, receiver in started:
            try:
                status, value = receiver.recv()
            except EOFError:
                process.join()
                raise ChildFailed(
                    f"a render worker exited without a result (exit code {process.exitcode})"
                ) from None
            if status != "ok":
                raise ChildFailed(f"a render worker failed:\n{value}")
            results.append(value)
        return results
    finally:
        for process, receiver in started:
            receiver.close()
            process.join(timeout=60)
            if process.is_alive():  # pragma: no cover - only after an error in the parent
                process.kill()
                process.join()


def split(items: Sequence[T], parts: int, first_share: float = 1.0) -> list[Sequence[T]]:
    """``items`` in at most ``parts`` contiguous chunks (never an empty one). The chunks are of
    near-equal size, except the first, which is ``first_share`` times the size of the others."""
    parts = max(1, min(parts, len(items)))
    if parts == 1:
        return [items]
    first = round(len(items) * first_share / (first_share + parts - 1))
    first = min(max(first, 1), len(items) - (parts - 1))
    rest = items[first:]
    size, extra = divmod(len(rest), parts - 1)
    out: list[Sequence[T]] = [items[:first]]
    start = 0
    for index in range(parts - 1):
        end = start + size + (1 if index < extra else 0)
        out.append(rest[start:end])
        start = end
    return out


def pack(value: Any) -> bytes:
    """``value`` as bytes for the pipe: marshal for plain data (several times faster than pickle
    both ways), pickle for anything marshal refuses."""
    try:
        return b"m" + marshal.dumps(value)
    except ValueError:
        return b"p" + pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)


def unpack(data: bytes) -> Any:
    body = memoryview(data)[1:]
    # Bytes our own child wrote, never anything read from outside.
    return marshal.loads(body) if data[:1] == b"m" else pickle.loads(body)  # noqa: S301,S302


@contextmanager
def gc_paused() -> Iterator[None]:
    """No cyclic garbage collection inside the block (bulk loading of acyclic records: the
    collector's repeated passes over a fast-growing heap cost a fifth of the time)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
