"""Progress of long work: the services report counts; the CLI shows a bar only on a terminal."""

from __future__ import annotations

import io
import logging
from pathlib import Path

import pytest

from pcs_gitops.bootstrap import build
from pcs_gitops.config import Settings
from pcs_gitops.entrypoints.cli.common import Context
from pcs_gitops.entrypoints.cli.progress import BarProgress, LogProgress, show_progress
from pcs_gitops.services import bench, catalog_import
from pcs_gitops.services.ports import Actor, no_progress
from pcs_gitops.services.setup import initial_state
from tests.conftest import NOW, REAL_CATALOG


class Recorder:
    def __init__(self) -> None:
        self.calls: list[tuple[str, int, int]] = []

    def __call__(self, label: str, done: int, total: int) -> None:
        self.calls.append((label, done, total))


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_import_reports_every_row_of_the_catalogue() -> None:
    recorder = Recorder()
    state = initial_state(NOW)
    text = REAL_CATALOG.read_text(encoding="utf-8")
    catalog_import.import_catalog(state, text, Actor("t", "import"), NOW, progress=recorder)
    # the rows are read one at a time: their number is known once the last one is read
    assert len(recorder.calls) == 406
    assert recorder.calls[0] == ("importing rows", 1, 0)
    assert recorder.calls[-1] == ("importing rows", 405, 405)


def test_bench_generate_reports_each_request() -> None:
    recorder = Recorder()
    bench.generate(initial_state(NOW), 3, NOW, progress=recorder)
    assert recorder.calls == [("generating requests", n, 3) for n in (1, 2, 3)]


def test_a_bar_ends_at_its_total_and_a_count_without_total_ends_its_line() -> None:
    stream = Terminal()
    show = BarProgress(stream)
    for done in range(1, 6):
        show("reading records", done, 0)
    show("reading records", 5, 5)
    for done in range(1, 4):
        show("writing records", done, 3)
    shown = stream.getvalue()
    assert shown.startswith("\rreading records: 1\rreading records: 5\n")
    assert shown.endswith("writing records  [####################################]  3/3\x1b[?25h\n")


def test_log_progress_says_when_a_step_starts_and_ends(caplog: pytest.LogCaptureFixture) -> None:
    show = LogProgress()
    with caplog.at_level(logging.INFO, logger="pcs_gitops"):
        for done in range(1, 4):
            show("writing records", done, 3)
    assert [r.getMessage() for r in caplog.records] == [
        "writing records ...",
        "writing records: 3 of 3 done",
    ]


@pytest.mark.parametrize(
    ("verbosity", "as_json", "tty", "expected"),
    [
        (0, False, True, BarProgress),
        (0, True, True, type(None)),
        (-1, False, True, type(None)),
        (0, False, False, type(None)),
        (1, False, False, LogProgress),
        (1, True, True, LogProgress),
    ],
)
def test_the_progress_display_fits_where_the_command_runs(
    tmp_path: Path, verbosity: int, as_json: bool, tty: bool, expected: type
) -> None:
    ctx = Context(tmp_path, build(Settings(repo_root=tmp_path)), verbosity)
    show_progress(ctx, as_json, Terminal() if tty else io.StringIO())
    shown = ctx.services.progress
    assert isinstance(shown, expected) or (expected is type(None) and shown is no_progress)
