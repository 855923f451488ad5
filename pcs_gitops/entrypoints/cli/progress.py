"""How the CLI shows long work: a click progress bar on a terminal, log lines with -v
elsewhere, nothing otherwise (never in --json output, never with -q)."""

from __future__ import annotations

import logging
import sys
import time
from typing import Any, TextIO

import click

from pcs_gitops.entrypoints.cli.common import Context
from pcs_gitops.services.ports import Progress, no_progress

LOG = logging.getLogger("pcs_gitops")
_REDRAW_SECONDS = 0.1


def configure_logging(verbosity: int) -> None:
    """-q: errors only; default: warnings; -v: what pcs does; -vv: every git command too."""
    level = {-1: logging.ERROR, 0: logging.WARNING, 1: logging.INFO}.get(verbosity, logging.DEBUG)
    LOG.setLevel(level)
    if not any(isinstance(h, _StderrHandler) for h in LOG.handlers):
        handler = _StderrHandler()
        handler.setFormatter(logging.Formatter("pcs: %(message)s"))
        LOG.addHandler(handler)


class _StderrHandler(logging.Handler):
    """Writes to the stderr of the moment (a stream handler keeps the one it was made with)."""

    def emit(self, record: logging.LogRecord) -> None:
        click.echo(self.format(record), err=True)


def show_progress(ctx: Context, as_json: bool, stream: TextIO | None = None) -> None:
    """Give the services of this command the progress display that fits where it runs."""
    out = stream or sys.stderr
    progress: Progress = no_progress
    if ctx.verbosity >= 0 and not as_json and out.isatty():
        progress = BarProgress(out)
    elif ctx.verbosity >= 1:
        progress = LogProgress()
    ctx.services.progress = progress


class BarProgress:
    """One click progress bar per label; a counter when the total is not known."""

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream
        self.label: str | None = None
        self.bar: Any = None
        self.done = 0
        self.drawn = 0.0

    def __call__(self, label: str, done: int, total: int) -> None:
        if label != self.label:
            self.close()
            self.label = label
            if total > 0:
                self.bar = click.progressbar(
                    length=total, label=label, file=self.stream, show_pos=True, show_eta=True
                )
                self.bar.__enter__()
        if self.bar is not None:
            if done >= total or time.monotonic() - self.drawn >= _REDRAW_SECONDS:
                self.bar.update(done - self.done)
                self.done = done
                self.drawn = time.monotonic()
            if done >= total:
                self.close()
        elif total > 0:  # a count whose total was not known is complete
            self.stream.write(f"\r{label}: {done}\n")
            self.label = None
            self.done = 0
        elif time.monotonic() - self.drawn >= _REDRAW_SECONDS:
            self.stream.write(f"\r{label}: {done}")
            self.stream.flush()
            self.drawn = time.monotonic()
            self.done = done

    def close(self) -> None:
        if self.bar is not None:
            self.bar.__exit__(None, None, None)
        elif self.label is not None and self.done:
            self.stream.write("\n")
        self.bar = None
        self.label = None
        self.done = 0


class LogProgress:
    """With -v and no terminal (CI logs): a line when a step starts and when it ends."""

    def __init__(self) -> None:
        self.label: str | None = None

    def __call__(self, label: str, done: int, total: int) -> None:
        if label != self.label:
            self.label = label
            LOG.info("%s ...", label)
        if total > 0 and done == total:
            LOG.info("%s: %d of %d done", label, done, total)
