"""The pcs action (action.yml) and its scripts: the hash-locked install, the command runner,
and the pre-commit hooks this repository offers to catalogue repositories."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
from packaging.requirements import Requirement

from pcs_gitops.bootstrap import init_repository

ROOT = Path(__file__).resolve().parents[2]
LOCK_INPUT = ROOT / "requirements" / "action.in"
LOCK = ROOT / "requirements" / "action.txt"
_PINNED = re.compile(r"^([A-Za-z0-9_.-]+)==(\S+) \\$")


def requirement_lines(path: Path) -> list[str]:
    lines = (line.split("#", 1)[0].strip() for line in path.read_text().splitlines())
    return [line for line in lines if line]


def pinned() -> dict[str, str]:
    found = {}
    for line in LOCK.read_text().splitlines():
        match = _PINNED.match(line)
        if match:
            found[match[1].lower().replace("_", "-")] = match[2]
    return found


# --------------------------------------------------------------------------- the lock
def test_the_lock_input_is_the_packages_dependencies_and_build_backend() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())
    expected = [
        *project["project"]["dependencies"],
        *project["project"]["optional-dependencies"]["panda"],
        *project["build-system"]["requires"],
    ]
    assert requirement_lines(LOCK_INPUT) == expected


def test_every_locked_package_has_hashes_and_satisfies_the_input() -> None:
    text = LOCK.read_text()
    blocks = re.split(r"\n(?=[a-z0-9])", text.split("\n", 6)[-1])
    for block in blocks:
        if "==" in block:
            assert "--hash=sha256:" in block, block.splitlines()[0]
    versions = pinned()
    for line in requirement_lines(LOCK_INPUT):
        requirement = Requirement(line)
        name = requirement.name.lower().replace("_", "-")
        assert name in versions, f"{name} is not in requirements/action.txt; run bash scripts/lock"
        assert requirement.specifier.contains(versions[name]), (name, versions[name])


# --------------------------------------------------------------------------- run-pcs
@pytest.fixture
def fake_pcs(tmp_path: Path) -> Path:
    """A stand-in for pcs that records its argv, one line per call, and fails on 'fail'."""
    script = tmp_path / "pcs"
    script.write_text(
        "#!/usr/bin/env bash\n"
        'printf "%s|" "$@" >> "$CALLS"; echo >> "$CALLS"\n'
        '[ "${1:-}" != fail ] || exit 7\n'
    )
    script.chmod(0o755)
    return script


def run_pcs(fake: Path, command: str) -> tuple[int, list[str]]:
    calls = fake.parent / "calls"
    calls.write_text("")
    proc = subprocess.run(
        ["bash", str(ROOT / "scripts" / "run-pcs"), str(fake)],
        env={"PATH": os.environ["PATH"], "PCS_COMMAND": command, "CALLS": str(calls)},
        cwd=fake.parent,
        capture_output=True,
        text=True,
        check=False,
    )
    return proc.returncode, calls.read_text().splitlines()


def test_each_command_line_runs_pcs_once_with_its_words(fake_pcs: Path) -> None:
    assert run_pcs(fake_pcs, "validate\n\n# a comment\n  render --check\n") == (
        0,
        ["validate|", "render|--check|"],
    )


def test_command_words_are_never_evaluated_by_a_shell(fake_pcs: Path) -> None:
    (fake_pcs.parent / "a-file").write_text("")
    status, calls = run_pcs(fake_pcs, "gh handle $(touch pwned) `id` * ${HOME}")
    assert status == 0
    assert calls == ["gh|handle|$(touch|pwned)|`id`|*|${HOME}|"]
    assert not (fake_pcs.parent / "pwned").exists()


def test_the_first_failing_command_stops_the_step_with_its_exit_code(fake_pcs: Path) -> None:
    assert run_pcs(fake_pcs, "fail now\nvalidate") == (7, ["fail|now|"])


def test_an_empty_command_is_an_error(fake_pcs: Path) -> None:
    assert run_pcs(fake_pcs, "  \n# nothing\n") == (2, [])


# --------------------------------------------------------------------------- installing
@pytest.mark.slow
def test_the_locked_install_gives_a_working_pcs_outside_the_checkout(tmp_path: Path) -> None:
    venv = tmp_path / "venv"
    subprocess.run(
        ["bash", str(ROOT / "scripts" / "install-pcs"), str(venv), sys.executable],
        check=True,
        capture_output=True,
        timeout=900,
    )
    made = subprocess.run(
        [str(venv / "bin" / "pcs"), "init", "cat"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )
    assert made.returncode == 0, made.stderr
    assert (tmp_path / "cat" / ".github" / "workflows" / "request-intake.yml").is_file()
    checked = subprocess.run(
        [str(venv / "bin" / "pcs"), "--repo", "cat", "validate"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )
    assert checked.stdout == "ok: 7 record files valid\n", checked.stderr


@pytest.mark.slow
def test_pre_commit_try_repo_runs_both_hooks_in_a_catalogue(tmp_path: Path) -> None:
    catalogue = tmp_path / "cat"
    init_repository(catalogue)
    pre_commit = Path(sys.executable).with_name("pre-commit")
    env = {**os.environ, "PRE_COMMIT_HOME": str(tmp_path / "pre-commit-home")}

    def try_repo() -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [str(pre_commit), "try-repo", str(ROOT), "--all-files"],
            cwd=catalogue,
            env=env,
            capture_output=True,
            text=True,
            check=False,
            timeout=900,
        )

    good = try_repo()
    assert good.returncode == 0, good.stdout + good.stderr
    assert re.search(r"pcs validate\.+Passed", good.stdout), good.stdout
    assert re.search(r"pcs render --check\.+Passed", good.stdout), good.stdout
    (catalogue / "state" / "prod_configs" / "standard.yaml").write_text("name: [broken\n")
    bad = try_repo()
    assert bad.returncode == 1
    assert re.search(r"pcs validate\.+Failed", bad.stdout), bad.stdout
    assert "state/prod_configs/standard.yaml" in bad.stdout


# --------------------------------------------------------------------------- the pin
def git_out(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True, check=False)


def test_the_packaged_pin_is_a_commit_of_this_history_that_ships_the_action() -> None:
    if git_out("rev-parse", "--is-shallow-repository").stdout.strip() != "false":
        pytest.skip("not a complete git checkout of pcs-gitops")
    pin = json.loads((ROOT / "pcs_gitops" / "resources" / "action-pin.json").read_text())
    hint = "the pin is not in this history; run scripts/pin-action and commit the result"
    assert git_out("merge-base", "--is-ancestor", pin["commit"], "HEAD").returncode == 0, hint
    assert git_out("cat-file", "-e", f"{pin['commit']}:action.yml").returncode == 0
    version = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["version"]
    assert pin["version"] == version, "the version changed since the pin; run scripts/pin-action"


def test_pin_action_records_a_commit_that_ships_the_action(tmp_path: Path) -> None:
    clone = tmp_path / "clone"
    subprocess.run(["git", "clone", "-q", str(ROOT), str(clone)], check=True, timeout=300)
    head = git_out("rev-parse", "HEAD", cwd=clone).stdout.strip()
    first = git_out("rev-list", "--max-parents=0", "HEAD", cwd=clone).stdout.split()[0]
    refused = subprocess.run(
        ["bash", "scripts/pin-action", first], cwd=clone, capture_output=True, text=True
    )
    assert refused.returncode == 1
    assert "has no action.yml; pin a commit that ships the action" in refused.stderr
    done = subprocess.run(
        ["bash", "scripts/pin-action", "HEAD", "someone/pcs-fork"],
        cwd=clone,
        capture_output=True,
        text=True,
        check=True,
    )
    assert done.stdout.startswith(f"pcs init now pins someone/pcs-fork@{head} (v")
    pin = json.loads((clone / "pcs_gitops" / "resources" / "action-pin.json").read_text())
    assert (pin["repository"], pin["commit"]) == ("someone/pcs-fork", head)
