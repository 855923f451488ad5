"""`pcs init` makes a complete, working catalogue repository; `pcs init --upgrade` refreshes the
generated files of one, idempotently, and says what changed."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import Result

from pcs_gitops.adapters.repository_files import packaged_action_pin

RunCli = Callable[..., Result]
ROOT = Path(__file__).resolve().parents[2]
EVENT = ROOT / "examples" / "events" / "dataset-request-opened.json"
SHA = "0123456789abcdef0123456789abcdef01234567"
WORKFLOWS = ["checks.yml", "pages.yml", "panda-sync.yml", "reminders.yml", "request-intake.yml"]


def ok(result: Result) -> Result:
    assert result.exit_code == 0, result.output
    return result


def git(root: Path, *args: str) -> str:
    proc = subprocess.run(["git", *args], cwd=root, capture_output=True, text=True, check=True)
    return proc.stdout.strip()


@pytest.fixture
def catalogue(tmp_path: Path, run_cli: RunCli) -> Path:
    target = tmp_path / "cat"
    ok(run_cli("init", str(target), "--repository", "eic/epic-prod"))
    return target


def test_init_makes_a_git_repository_on_main_with_everything_committed(catalogue: Path) -> None:
    assert git(catalogue, "branch", "--show-current") == "main"
    assert git(catalogue, "log", "--format=%s") == "New catalogue repository (pcs init)"
    assert git(catalogue, "status", "--porcelain") == ""
    tracked = set(git(catalogue, "ls-files").splitlines())
    assert {
        ".github/ISSUE_TEMPLATE/dataset_request.yml",
        ".github/ISSUE_TEMPLATE/config.yml",
        ".github/dependabot.yml",
        ".pre-commit-config.yaml",
        ".gitignore",
        "README.md",
        "state/catalog.yaml",
        "schemas/prod_task.schema.json",
        "docs/_data/datasets.csv",
    } <= tracked
    assert {f".github/workflows/{name}" for name in WORKFLOWS} <= tracked


def test_the_generated_files_have_every_placeholder_filled(catalogue: Path) -> None:
    generated = [p for p in catalogue.rglob("*") if p.is_file() and ".git" not in p.parts]
    leftovers = [
        str(p.relative_to(catalogue))
        for p in generated
        if re.search(rb"@[A-Z][A-Z_]+@", p.read_bytes())
    ]
    assert leftovers == []
    assert "eic/epic-prod catalogue" in (catalogue / "README.md").read_text()


def test_workflows_run_the_pinned_action_and_never_install_the_catalogue(
    catalogue: Path,
) -> None:
    pin = packaged_action_pin()
    uses = f"uses: {pin.repository}@{pin.commit} # v{pin.version}"
    for name in WORKFLOWS:
        text = (catalogue / ".github" / "workflows" / name).read_text()
        assert not re.search(r"pip3? install", text), name
        assert name == "pages.yml" or uses in text, name
    hooks = (catalogue / ".pre-commit-config.yaml").read_text()
    assert f"repo: https://github.com/{pin.repository}\n" in hooks
    assert f'rev: "{pin.commit}"' in hooks


def test_a_request_goes_through_the_offline_pipeline_with_nothing_copied(
    catalogue: Path, run_cli: RunCli
) -> None:
    result = ok(
        run_cli(
            "--repo",
            str(catalogue),
            "gh",
            "handle",
            "--offline",
            "--event-path",
            str(EVENT),
            env={"GITHUB_EVENT_NAME": "", "GITHUB_TOKEN": ""},
        )
    )
    assert result.stdout.startswith("issues opened: request #201 [offline]\n")
    assert git(catalogue, "branch", "--list", "pcs/request-*") == "pcs/request-201"
    assert "state/prod_tasks/issue-201.yaml" in git(
        catalogue, "ls-tree", "-r", "--name-only", "pcs/request-201"
    )


def test_init_in_an_existing_git_repository_commits_nothing(
    tmp_path: Path, run_cli: RunCli
) -> None:
    target = tmp_path / "existing"
    target.mkdir()
    git(target, "init", "-q", "-b", "trunk")
    (target / "notes.txt").write_text("mine\n")
    git(target, "add", "notes.txt")
    git(target, "-c", "user.name=t", "-c", "user.email=t@t", "commit", "-qm", "notes")
    result = ok(run_cli("init", str(target), "--json"))
    assert json.loads(result.stdout)["commit"] is None
    assert git(target, "log", "--format=%s") == "notes"
    assert (target / ".github" / "workflows" / "checks.yml").is_file()


def test_an_existing_readme_is_kept_by_init(tmp_path: Path, run_cli: RunCli) -> None:
    target = tmp_path / "with-readme"
    target.mkdir()
    (target / "README.md").write_text("# Our catalogue\n")
    files = json.loads(ok(run_cli("init", str(target), "--json")).stdout)["files"]
    assert (target / "README.md").read_text() == "# Our catalogue\n"
    assert "README.md" not in files


# --------------------------------------------------------------------------- --action-ref
def test_action_ref_pins_the_given_commit(tmp_path: Path, run_cli: RunCli) -> None:
    target = tmp_path / "pinned"
    ok(run_cli("init", str(target), "--action-ref", f"someone/pcs-fork@{SHA}"))
    text = (target / ".github" / "workflows" / "checks.yml").read_text()
    assert f"uses: someone/pcs-fork@{SHA} # v0.0.0-{SHA[:12]}\n" in text


@pytest.mark.parametrize("ref", ["main", "v0.1.0", "eic/pcs-gitops@main", SHA[:12]])
def test_action_ref_refuses_anything_that_can_move(
    tmp_path: Path, run_cli: RunCli, ref: str
) -> None:
    result = run_cli("init", str(tmp_path / "x"), "--action-ref", ref)
    assert result.exit_code == 2
    assert "give the full 40-hex commit SHA of a pcs-gitops release" in result.stderr
    assert not (tmp_path / "x").exists()


# --------------------------------------------------------------------------- --upgrade
def test_upgrade_of_a_fresh_catalogue_changes_nothing(catalogue: Path, run_cli: RunCli) -> None:
    result = ok(run_cli("init", "--upgrade", str(catalogue)))
    assert result.stdout.startswith(f"{catalogue}: generated files already up to date (")
    assert git(catalogue, "status", "--porcelain") == ""


def test_upgrade_restores_managed_files_keeps_seeded_ones_and_says_what_changed(
    catalogue: Path, run_cli: RunCli
) -> None:
    workflow = catalogue / ".github" / "workflows" / "checks.yml"
    original = workflow.read_text()
    workflow.write_text(original.replace("timeout-minutes: 15", "timeout-minutes: 99", 1))
    (catalogue / ".github" / "workflows" / "pages.yml").unlink()
    (catalogue / "README.md").write_text("# Ours\n")
    result = ok(run_cli("init", "--upgrade", str(catalogue)))
    lines = result.stdout.splitlines()
    assert "updated   .github/workflows/checks.yml (+1 -1)" in lines
    assert "created   .github/workflows/pages.yml" in lines
    assert "kept      README.md" in lines
    assert workflow.read_text() == original
    assert (catalogue / "README.md").read_text() == "# Ours\n"
    again = ok(run_cli("init", "--upgrade", str(catalogue), "--json"))
    assert [c for c in json.loads(again.stdout)["files"] if c["change"] != "unchanged"] == [
        {"path": "README.md", "change": "kept", "added": 0, "removed": 0}
    ]


def test_upgrade_dry_run_reports_and_writes_nothing(catalogue: Path, run_cli: RunCli) -> None:
    workflow = catalogue / ".github" / "workflows" / "request-intake.yml"
    workflow.write_text("name: mine\n")
    result = ok(run_cli("init", "--upgrade", "--dry-run", str(catalogue)))
    assert result.stdout.splitlines()[-1].startswith(f"would change {catalogue}: ")
    assert workflow.read_text() == "name: mine\n"


def test_upgrade_keeps_the_catalogue_repository_name_from_the_settings(
    catalogue: Path, run_cli: RunCli
) -> None:
    (catalogue / "README.md").unlink()
    ok(run_cli("init", "--upgrade", str(catalogue)))
    assert (catalogue / "README.md").read_text().startswith("# eic/epic-prod catalogue\n")


def test_upgrade_of_a_directory_without_records_is_refused(tmp_path: Path, run_cli: RunCli) -> None:
    result = run_cli("init", "--upgrade", str(tmp_path))
    assert result.exit_code == 2
    assert result.stderr == (
        f"Error: {tmp_path} holds no catalogue (no records under state/); create one with "
        f"'pcs init {tmp_path}'\n"
    )


def test_dry_run_without_upgrade_is_a_usage_error(tmp_path: Path, run_cli: RunCli) -> None:
    result = run_cli("init", "--dry-run", str(tmp_path / "x"))
    assert result.exit_code == 2
    assert "--dry-run goes with --upgrade" in result.stderr


# --------------------------------------------------------------------------- this repository
def test_this_repository_uses_the_generated_form_and_request_workflows() -> None:
    proc = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "refresh-own-github"), "--check"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
