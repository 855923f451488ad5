"""'pcs report' and 'pcs site preview' through the CLI."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

from click.testing import Result

from pcs_gitops.adapters.jekyll import INSTALL_HINT

Cli = Callable[..., Result]


def test_report_json_sums_the_real_catalogue(imported_repo: Path, run_cli: Cli) -> None:
    result = run_cli("--repo", str(imported_repo), "report", "--json", "--as-of", "2027-01-01")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["requests"] == 405
    assert data["events"] == {
        "requested": 44_000_000,
        "with_count": 20,
        "all_or_empty": 385,
        "unparseable": 0,
    }
    assert {p["pwg"]: p["requests"] for p in data["by_pwg"]} == {
        "edt": 51,
        "inclusive": 64,
        "jets_hf": 12,
        "semi_inclusive": 13,
        "tracking": 265,
    }
    assert sum(r["requests"] for r in data["breakdown"]) == 405
    assert data["drafts"]["requests"] == 405


def test_report_csv_and_markdown(imported_repo: Path, run_cli: Cli) -> None:
    csv_out = run_cli("--repo", str(imported_repo), "report", "--csv")
    assert csv_out.exit_code == 0, csv_out.output
    lines = csv_out.stdout.splitlines()
    assert lines[0] == "pwg,priority,status,requests,events,events_all_or_empty,events_unparseable"
    assert "tracking,1,draft,250,0,250,0" in lines
    markdown = run_cli("--repo", str(imported_repo), "report", "--markdown")
    assert markdown.exit_code == 0, markdown.output
    assert "| tracking | 1 | draft | 250 | 0 | 250 | 0 |" in markdown.stdout


def test_report_refuses_an_unreadable_time(repo: Path, run_cli: Cli) -> None:
    result = run_cli("--repo", str(repo), "report", "--as-of", "yesterday")
    assert result.exit_code == 2
    assert "'yesterday' is not an ISO-8601 time" in result.stderr


def test_site_preview_without_jekyll_renders_then_says_how_to_install_it(
    repo: Path, run_cli: Cli, tmp_path: Path
) -> None:
    empty = tmp_path / "empty-path"
    empty.mkdir()
    result = run_cli("--repo", str(repo), "site", "preview", env={"PATH": str(empty)})
    assert result.exit_code == 1
    assert result.stderr.strip().endswith(f"Error: {INSTALL_HINT}")
    assert "apt-get install jekyll" in result.stderr
    assert (repo / "docs" / "catalog" / "index.html").is_file()
    check = run_cli("--repo", str(repo), "render", "--check")
    assert check.exit_code == 0, check.output
