"""Inside GitHub Actions the CLI annotates problems on their files and writes a job summary."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from click.testing import Result

RunCli = Callable[..., Result]
EVENT = Path(__file__).resolve().parents[2] / "examples" / "events" / "dataset-request-opened.json"


def in_actions(tmp_path: Path) -> dict[str, str]:
    return {
        "GITHUB_ACTIONS": "true",
        "GITHUB_STEP_SUMMARY": str(tmp_path / "summary.md"),
        "GITHUB_REPOSITORY": "eic/epic-prod",
        "GITHUB_TOKEN": "",
        "GITHUB_EVENT_NAME": "",
    }


def test_validate_problems_become_error_annotations_on_file_and_line(
    repo: Path, tmp_path: Path, run_cli: RunCli
) -> None:
    config = repo / "state" / "prod_configs" / "standard.yaml"
    config.write_text(config.read_text().replace("cores: 1", "cores: many"))
    line = config.read_text().splitlines().index("  cores: many") + 1
    result = run_cli("--repo", str(repo), "validate", env=in_actions(tmp_path))
    assert result.exit_code == 1
    assert (
        f"::error file=state/prod_configs/standard.yaml,line={line},"
        "title=pcs validate%3A settings.cores::"
    ) in result.stderr
    summary = (tmp_path / "summary.md").read_text()
    assert summary.startswith("### pcs validate\n\n:x: 2 problem(s) in 7 record files\n")
    assert "| state/prod&#95;configs/standard.yaml | settings.cores | 'many' is not" in summary


def test_a_valid_state_writes_a_short_summary_and_no_annotation(
    repo: Path, tmp_path: Path, run_cli: RunCli
) -> None:
    result = run_cli("--repo", str(repo), "validate", "--json", env=in_actions(tmp_path))
    assert result.exit_code == 0
    assert "::" not in result.stderr
    assert (tmp_path / "summary.md").read_text() == (
        "### pcs validate\n\n:white_check_mark: 7 record files valid\n\n"
    )


def test_gh_handle_summarises_the_event(tmp_path: Path, run_cli: RunCli) -> None:
    catalogue = tmp_path / "cat"
    assert run_cli("init", str(catalogue)).exit_code == 0
    result = run_cli(
        "--repo",
        str(catalogue),
        "gh",
        "handle",
        "--offline",
        "--event-path",
        str(EVENT),
        env=in_actions(tmp_path),
    )
    assert result.exit_code == 0, result.output
    summary = (tmp_path / "summary.md").read_text()
    assert summary.startswith("### pcs gh handle: issues opened\n")
    assert "| Request | [#201](https://github.com/eic/epic-prod/issues/201) |" in summary
    assert "| Pull request | [#1](https://github.com/eic/epic-prod/pull/1) created |" in summary


def test_a_refused_command_is_an_error_annotation_and_a_summary_line(
    repo: Path, tmp_path: Path, run_cli: RunCli
) -> None:
    missing = tmp_path / "nowhere.json"
    result = run_cli(
        "--repo", str(repo), "gh", "handle", "--event-path", str(missing), env=in_actions(tmp_path)
    )
    assert result.exit_code == 2
    assert "::error title=pcs gh::cannot read the event payload" in result.stderr
    assert (
        (tmp_path / "summary.md")
        .read_text()
        .startswith("### pcs gh\n\n:x: cannot read the event payload")
    )


def test_render_check_annotates_each_stale_derived_file(
    repo: Path, tmp_path: Path, run_cli: RunCli
) -> None:
    csv = repo / "docs" / "_data" / "datasets.csv"
    csv.write_bytes(csv.read_bytes() + b"stale\r\n")
    result = run_cli("--repo", str(repo), "render", "--check", env=in_actions(tmp_path))
    assert result.exit_code == 1
    assert (
        "::error file=docs/_data/datasets.csv,title=pcs render --check::derived file is stale; "
        "run 'pcs render' and commit the result"
    ) in result.stderr
    assert (tmp_path / "summary.md").read_text() == (
        "### pcs render --check\n\n:x: 1 derived file(s) differ from the records\n\n"
        "- docs/&#95;data/datasets.csv\n\n"
    )
