"""The working-tree publisher (the local CLI, and MCP/REST in local mode): a change is written to
the checkout's files, and committed to git too when the repository is so configured."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

from pcs_gitops.domain.settings import Roles
from pcs_gitops.services.ports import Published, Target
from pcs_gitops.services.unit_of_work import UnitOfWork

T = TypeVar("T")


class WorkingTreePublisher:
    """``Publisher`` over one checkout; calls are serialised (a server shares one publisher)."""

    def __init__(
        self,
        uow_factory: Callable[[], UnitOfWork],
        dry_uow_factory: Callable[[], UnitOfWork],
        roles: Callable[[], Roles],
    ) -> None:
        self._uow = uow_factory
        self._dry = dry_uow_factory
        self._roles = roles
        self.lock = threading.RLock()

    def run(
        self, target: Target, change: Callable[[UnitOfWork], T], options: Any = None
    ) -> Published[T]:
        with self.lock, self._uow() as uow:
            result = change(uow)
            return Published(result, uow.committed)

    def roles(self) -> Roles:
        return self._roles()

    @contextmanager
    def reading(self) -> Iterator[UnitOfWork]:
        with self.lock, self._uow() as uow:
            yield uow

    @contextmanager
    def session(self, target: Target) -> Iterator[UnitOfWork]:
        with self.lock, self._uow() as uow:
            yield uow

    def rehearse(self, change: Callable[[UnitOfWork], T]) -> T:
        with self.lock, self._dry() as uow:
            return change(uow)
