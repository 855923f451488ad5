"""-v says what pcs does, -q keeps only errors and results; neither changes stdout."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from click.testing import Result

RunCli = Callable[..., Result]


def test_verbose_logs_the_steps_on_stderr_and_leaves_stdout_alone(
    repo: Path, run_cli: RunCli
) -> None:
    plain = run_cli("--repo", str(repo), "validate")
    verbose = run_cli("--repo", str(repo), "-v", "validate")
    assert verbose.exit_code == plain.exit_code == 0
    assert verbose.stdout == plain.stdout == "ok: 7 record files valid\n"
    assert plain.stderr == ""
    assert verbose.stderr == "pcs: reading records ...\npcs: reading records: 7 of 7 done\n"


def test_very_verbose_shows_git_commands(tmp_path: Path, run_cli: RunCli) -> None:
    result = run_cli("-vv", "init", str(tmp_path / "cat"))
    assert result.exit_code == 0
    assert "pcs: git init --quiet --initial-branch=main (in " in result.stderr


def test_quiet_drops_the_notes_but_keeps_the_result(repo: Path, run_cli: RunCli) -> None:
    noisy = run_cli("--repo", str(repo), "bench", "generate", "--tasks", "2")
    assert noisy.stderr == "generating 2 requests ...\n"
    quiet = run_cli("--repo", str(repo), "-q", "bench", "generate", "--tasks", "2", "--seed", "2")
    assert quiet.exit_code == 0
    assert quiet.stderr == ""
    assert quiet.stdout.startswith("added 2 requests; ")


def test_verbose_and_quiet_together_is_a_usage_error(run_cli: RunCli) -> None:
    result = run_cli("-v", "-q", "validate")
    assert result.exit_code == 2
    assert "-v and -q contradict each other" in result.stderr


def test_verbose_render_logs_its_steps(repo: Path, run_cli: RunCli) -> None:
    (repo / "docs" / "_data" / "datasets.csv").unlink()
    result = run_cli("--repo", str(repo), "-v", "render")
    assert result.exit_code == 0
    assert result.stdout == "1 written, 0 deleted\n"
    assert result.stderr.splitlines() == [
        "pcs: reading records ...",
        "pcs: reading records: 7 of 7 done",
        "pcs: writing derived files ...",
        "pcs: writing derived files: 1 of 1 done",
    ]
