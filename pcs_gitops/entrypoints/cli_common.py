"""Shared pieces of the CLI commands: context, output formatting, the unit of work."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import click

from pcs_gitops import bootstrap
from pcs_gitops.services.ports import Actor
from pcs_gitops.services.unit_of_work import CommitResult, UnitOfWork

F = TypeVar("F", bound=Callable[..., Any])


@dataclass
class Context:
    repo: Path
    services: bootstrap.Services

    def actor(self) -> Actor:
        return Actor(self.services.settings.actor, "cli")


pass_ctx = click.make_pass_decorator(Context)


def json_option(func: F) -> F:
    return click.option("--json", "as_json", is_flag=True, help="Print JSON for scripts.")(func)


def emit(as_json: bool, payload: Any, text: str | Callable[[], str]) -> None:
    if as_json:
        click.echo(json.dumps(payload, indent=2, ensure_ascii=False, sort_keys=False))
    else:
        click.echo(text() if callable(text) else text)


@contextmanager
def unit(ctx: Context) -> Iterator[UnitOfWork]:
    with ctx.services.uow() as uow:
        yield uow


def describe_commit(result: CommitResult) -> str:
    if not result.changed:
        return "nothing changed"
    parts = [f"{len(result.records_written)} record file(s) written"]
    if result.derived_written or result.derived_deleted:
        parts.append(
            f"{len(result.derived_written) + len(result.derived_deleted)} derived file(s) updated"
        )
    return ", ".join(parts)
