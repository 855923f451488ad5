"""The ports the services depend on; adapters implement them, tests fake them."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any, Protocol

from pcs_gitops.domain.state import State


class RawRecordFile(Protocol):
    @property
    def relpath(self) -> str: ...
    @property
    def data(self) -> Any: ...
    @property
    def error(self) -> str | None: ...


class StateStore(Protocol):
    def iter_files(self) -> Iterator[RawRecordFile]: ...
    def write(self, relpath: str, data: Any) -> bool: ...
    def delete(self, relpath: str) -> bool: ...


class SchemaCheck(Protocol):
    def problems(self, schema: str, data: Any) -> list[tuple[str, str]]: ...


class DerivedFiles(Protocol):
    """Writes the files derived from the state (catalogue CSV, pages, JSON API)."""

    def plan(self, state: State) -> Mapping[str, bytes]: ...
    def owned(self, relpath: str) -> bool: ...
    def existing(self) -> Mapping[str, bytes]: ...
    def write(self, relpath: str, content: bytes) -> None: ...
    def delete(self, relpath: str) -> None: ...


class Clock(Protocol):
    def now(self) -> str: ...


class VersionControl(Protocol):
    def commit_paths(self, paths: list[str], message: str) -> str | None: ...


@dataclass(frozen=True)
class Actor:
    """Who acts, and through which surface (cli, github, mcp, import)."""

    login: str
    surface: str
