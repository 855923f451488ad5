"""Shared pieces of the CLI commands: context, output formatting, the unit of work."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import click

from pcs_gitops import bootstrap
from pcs_gitops.services.ports import Actor, Publisher
from pcs_gitops.services.unit_of_work import UnitOfWork

F = TypeVar("F", bound=Callable[..., Any])


@dataclass
class Context:
    repo: Path
    services: bootstrap.Services
    verbosity: int = 0  # -q: -1, default 0, -v: 1, -vv: 2

    def actor(self) -> Actor:
        """The local user: trusted to name themselves (``--actor``), checked against the roles."""
        return Actor(self.services.settings.actor, "cli", trusted=True)

    def publisher(self) -> Publisher:
        return self.services.publisher()


pass_ctx = click.make_pass_decorator(Context)


def paging_options(default_limit: int) -> Callable[[F], F]:
    """``--limit`` and ``--offset`` of a listing."""

    def decorate(func: F) -> F:
        func = click.option(
            "--offset",
            type=click.IntRange(min=0),
            default=0,
            show_default=True,
            help="Rows to skip (paging).",
        )(func)
        return click.option(
            "--limit",
            type=click.IntRange(min=0),
            default=default_limit,
            show_default=True,
            help="Page size.",
        )(func)

    return decorate


def json_option(func: F) -> F:
    return click.option("--json", "as_json", is_flag=True, help="Print JSON for scripts.")(func)


def emit(as_json: bool, payload: Any, text: str | Callable[[], str]) -> None:
    if as_json:
        click.echo(json.dumps(payload, indent=2, ensure_ascii=False, sort_keys=False))
    else:
        click.echo(text() if callable(text) else text)


@contextmanager
def unit(ctx: Context) -> Iterator[UnitOfWork]:
    """The current state, for reads (a unit of work that is never committed)."""
    with ctx.publisher().reading() as uow:
        yield uow


def note(ctx: Context, message: str) -> None:
    """A line for the person watching (stderr), silenced by -q."""
    if ctx.verbosity >= 0:
        click.echo(message, err=True)


def describe_commit(payload: Mapping[str, Any]) -> str:
    """What a use case wrote (its ``commit``) and, on a branch, where it was published."""
    commit = payload.get("commit") or {}
    records = list(commit.get("records_written") or [])
    derived = len(commit.get("derived_written") or []) + len(commit.get("derived_deleted") or [])
    text = "nothing changed"
    if records or derived:
        text = f"{len(records)} record file(s) written"
        if derived:
            text += f", {derived} derived file(s) updated"
    for withdrawn in commit.get("approvals_withdrawn") or []:
        text += f"; {withdrawn['name']}: {withdrawn['reason']}"  # "approval withdrawn: ..."
    published = payload.get("published")
    if isinstance(published, Mapping):
        pull = published.get("pull") or {}
        text += f"; branch {published.get('branch')}"
        if pull:
            text += f", pull request #{pull.get('number')} ({pull.get('action')})"
    return text
