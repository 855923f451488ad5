"""The conventions every `pcs` command keeps: `--json` for scripts, help on every option, the
global options anywhere before `--`, `$PCS_REPO`, shell completion, and a `--help` that does
not load the command modules (the lazy registry in cli/main.py)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import click
import pytest
from click.testing import Result

from pcs_gitops.bootstrap import build
from pcs_gitops.config import Settings
from pcs_gitops.entrypoints.cli.main import COMMANDS, hoist_global_options, load_command
from tests.e2e.test_cli_core import BEAGLE, Pcs, as_json, intake_task, ok, refused

RunCli = Callable[..., Result]
# Long-running servers print their address, not data; they have no --json.
NO_JSON = {("mcp",), ("serve",), ("site", "preview")}


def leaf_commands() -> Iterator[tuple[tuple[str, ...], click.Command]]:
    def walk(command: click.Command, path: tuple[str, ...]) -> Iterator[Any]:
        if isinstance(command, click.Group):
            for name in sorted(command.commands):
                yield from walk(command.commands[name], (*path, name))
        else:
            yield path, command

    for name in sorted(COMMANDS):
        yield from walk(load_command(name), (name,))


LEAVES = list(leaf_commands())


@pytest.fixture
def pcs(repo: Path, run_cli: RunCli) -> Pcs:
    return Pcs(run_cli, repo)


def test_the_registry_lists_every_command_with_its_own_summary() -> None:
    for name, (_, _, summary) in COMMANDS.items():
        assert load_command(name).get_short_help_str(limit=10**6) == summary, name
    assert len(LEAVES) >= 30


@pytest.mark.parametrize("path,command", LEAVES, ids=[" ".join(p) for p, _ in LEAVES])
def test_every_command_offers_json_and_explains_every_option(
    path: tuple[str, ...], command: click.Command
) -> None:
    options = [p for p in command.params if isinstance(p, click.Option)]
    flags = {flag for option in options for flag in option.opts}
    assert ("--json" in flags) is (path not in NO_JSON)
    assert [o.opts for o in options if not o.help] == []
    assert command.help, f"pcs {' '.join(path)} has no help text"


def test_help_lists_every_command_without_loading_any(tmp_path: Path) -> None:
    probe = (
        "import sys\n"
        "from pcs_gitops.entrypoints.cli.main import main\n"
        "try:\n    main(['--help'])\nexcept SystemExit:\n    pass\n"
        "loaded = sorted(m for m in sys.modules if m.startswith('pcs_gitops.')"
        " and m.split('.')[1] in ('bootstrap', 'services', 'adapters', 'domain'))\n"
        "print('LOADED', loaded)\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True, cwd=tmp_path
    ).stdout
    for name in COMMANDS:
        assert f"\n  {name} " in out
    assert "LOADED []" in out


def test_global_options_may_follow_the_subcommand(pcs: Pcs, run_cli: RunCli) -> None:
    ok(intake_task(pcs, "5"))
    after = as_json(run_cli("task", "list", "--json", "--repo", str(pcs.root)))
    before = as_json(pcs("task", "list", "--json"))
    assert after == before and after["count"] == 1
    equals = as_json(run_cli("task", "get", "issue-5", f"--repo={pcs.root}", "--json"))
    assert equals["name"] == before["tasks"][0]["name"]


def test_the_repository_may_come_from_pcs_repo(pcs: Pcs, run_cli: RunCli) -> None:
    ok(intake_task(pcs, "5"))
    listed = as_json(run_cli("task", "list", "--json", env={"PCS_REPO": str(pcs.root)}))
    assert listed["count"] == 1


def test_a_double_dash_ends_the_global_options() -> None:
    assert hoist_global_options(["task", "comment", "x", "--", "--repo", "D"]) == [
        "task",
        "comment",
        "x",
        "--",
        "--repo",
        "D",
    ]
    assert hoist_global_options(["validate", "-q", "--actor", "ana"]) == [
        "-q",
        "--actor",
        "ana",
        "validate",
    ]


def test_task_list_filters_by_pwg_priority_and_substate(pcs: Pcs) -> None:
    ok(intake_task(pcs, "5", "--pwg", "edt", "--priority", "1"))
    ok(intake_task(pcs, "6", "--pwg", "Jets & HF", "--priority", "2"))

    def names(*args: str) -> list[str]:
        listed = as_json(pcs("task", "list", "--json", *args))
        return [t["public_catalog_issue"] for t in listed["tasks"]]

    assert names() == [5, 6]
    assert names("--pwg", "jets_hf") == [6]
    assert names("--priority", "1") == [5]
    assert names("--substate", "needs-input") == [5, 6]
    assert names("--substate", "awaiting-review") == []
    refused(
        pcs("task", "list", "--pwg", "Astrology"),
        2,
        "'Astrology' is not a DSC or PWG; choose from " + ", ".join(p for p in _pwg_slugs(pcs)),
    )
    refused(
        pcs("task", "list", "--priority", "7"),
        2,
        "priority '7' is unknown; choose from 1, 2, 3, -1",
    )


def _pwg_slugs(pcs: Pcs) -> list[str]:
    with build(Settings.from_env(pcs.root)).publisher().reading() as uow:
        return [p.slug for p in uow.state.settings.pwgs]


def test_task_artifact_has_json(pcs: Pcs) -> None:
    # a task with an input has outputs, so its taskParamMap may be shown
    did = as_json(pcs("dataset", "intake", "--source-location", BEAGLE, "--json"))["dataset"]["did"]
    ok(intake_task(pcs, "5", "--events", "400k", "--dataset", did))
    text = ok(pcs("task", "artifact", "issue-5", "--format", "jedi")).stdout
    payload = as_json(pcs("task", "artifact", "issue-5", "--format", "jedi", "--json"))
    assert payload["text"] == text and payload["fmt"] == "jedi"
    assert payload["artifact"] == json.loads(text)
    prun = as_json(pcs("task", "artifact", "issue-5", "--format", "panda", "--json"))
    assert "artifact" not in prun and prun["text"].startswith("prun")


def test_shell_completion_completes_commands_and_subcommands() -> None:
    executable = Path(sys.executable).with_name("pcs")

    def complete(words: str) -> list[str]:
        env = {**os.environ, "_PCS_COMPLETE": "bash_complete", "COMP_WORDS": words}
        env["COMP_CWORD"] = str(len(words.split()) - (0 if words.endswith(" ") else 1))
        out = subprocess.run([str(executable)], env=env, capture_output=True, text=True, check=True)
        return [line.split(",", 1)[1] for line in out.stdout.splitlines()]

    script = subprocess.run(
        [str(executable)],
        env={**os.environ, "_PCS_COMPLETE": "bash_source"},
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert "_pcs_completion" in script
    assert complete("pcs ta") == ["tag", "task"]
    assert {"list", "submit", "retry", "reconcile"} <= set(complete("pcs task "))
    assert "--substate" in complete("pcs task list --s")
