"""The request pipeline offline, as ``pcs gh handle --offline`` runs it: a git checkout and the
outbox in place of GitHub."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from click.testing import CliRunner

from pcs_gitops.adapters.yaml_store import load_yaml_text
from pcs_gitops.entrypoints.cli import cli
from tests.support.gh_events import git, pull_closed_event, write_event


class Pipeline:
    """Runs ``pcs gh handle --offline`` on ``repo`` and reads what it left behind."""

    def __init__(self, root: Path, tmp: Path) -> None:
        self.root = root
        self.tmp = tmp
        self.count = 0

    def handle(self, name: str, payload: dict[str, Any]) -> dict[str, Any]:
        self.count += 1
        path = write_event(self.tmp, f"event{self.count}", payload)
        result = CliRunner().invoke(
            cli,
            [
                *("--repo", str(self.root), "gh", "handle", "--offline", "--json"),
                *("--event-name", name, "--event-path", str(path)),
            ],
            env={"GITHUB_TOKEN": "", "PCS_GITHUB_TOKEN": ""},
        )
        assert result.exit_code == 0, result.output + str(result.exception)
        data: dict[str, Any] = json.loads(result.stdout)
        return data

    def merge(self, issue_number: int, pr: int) -> dict[str, Any]:
        """Merge the request's branch into main as GitHub's merge button does, then handle the
        pull request's closed event; its outcome."""
        git(
            self.root, "merge", "--no-ff", "-q", "-m", f"Merge #{pr}", f"pcs/request-{issue_number}"
        )
        return self.handle("pull_request", pull_closed_event(issue_number, pr, merged=True))

    def outbox(self) -> list[dict[str, Any]]:
        path = self.root / ".pcs" / "outbox.jsonl"
        if not path.exists():
            return []
        return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]

    def ops(self) -> list[str]:
        return [entry["op"] for entry in self.outbox()]

    def head(self, branch: str) -> str | None:
        found = git(self.root, "for-each-ref", "--format=%(objectname)", f"refs/heads/{branch}")
        return found or None

    def show(self, branch: str, path: str) -> str:
        return git(self.root, "show", f"{branch}:{path}")

    def task(self, branch: str, issue_number: int) -> dict[str, Any]:
        data = load_yaml_text(self.show(branch, f"state/prod_tasks/issue-{issue_number}.yaml"), "t")
        assert isinstance(data, dict)
        return data

    def comments(self, issue_number: int) -> dict[int, str]:
        """The comments the outbox holds for an issue, by id, as last edited."""
        found: dict[int, str] = {}
        for entry in self.outbox():
            created = entry["op"] == "create_comment" and entry["issue"] == issue_number
            if created or (entry["op"] == "update_comment" and entry["id"] in found):
                found[entry["id"]] = entry["body"]
        return found

    def status_comment(self, issue_number: int) -> str:
        bodies = [b for b in self.comments(issue_number).values() if "<!-- pcs-status -->" in b]
        assert len(bodies) == 1, bodies
        return bodies[0]
