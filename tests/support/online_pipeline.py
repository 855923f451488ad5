"""The request pipeline online, as in Actions: a checkout of ``main``, its bare ``origin``
and the fake GitHub REST server (PyGithub speaks real HTTP to it)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pcs_gitops.adapters.yaml_store import dump_yaml, load_yaml_text
from pcs_gitops.bootstrap import build
from pcs_gitops.config import Settings
from pcs_gitops.entrypoints.github_payload import parse_event
from pcs_gitops.services.github import handler
from pcs_gitops.services.github.outcome import Outcome
from tests.support.fake_github import FakeGitHub
from tests.support.gh_events import DEMP_BODY, REQUESTER, git, issue, make_catalogue_repo

TEAM_MANAGER = "carol"
FAST = {
    "retries": 0,
    "seconds_between_requests": None,
    "seconds_between_writes": None,
    "timeout": 5,
}


class Online:
    """A checkout of ``main`` (as in Actions), its bare ``origin`` and the fake GitHub."""

    def __init__(self, tmp: Path, fake: FakeGitHub) -> None:
        self.fake = fake
        self.tmp = tmp
        self.origin = tmp / "origin.git"
        seed = make_catalogue_repo(tmp / "seed", fake.repo)
        roles = {
            "grants": [
                {
                    "role": "production_manager",
                    "logins": ["boss"],
                    "teams": [f"{fake.state.owner}/prod-managers"],
                },
                {"role": "admin", "logins": [], "teams": []},
            ]
        }
        (seed / "state" / "roles.yaml").write_text(dump_yaml(roles), encoding="utf-8")
        git(seed, "commit", "-qam", "Managers")
        git(tmp, "clone", "-q", "--bare", str(seed), str(self.origin))
        self.checkout = tmp / "checkout"
        git(tmp, "clone", "-q", self.origin.as_uri(), str(self.checkout))
        fake.add_team_member(fake.state.owner, "prod-managers", TEAM_MANAGER)
        self.settings = Settings(
            repo_root=self.checkout,
            github_token="test-token",
            github_repository=fake.repo,
            github_api_url=fake.url,
            github_server_url="https://github.example",
        )

    def handle(self, name: str, payload: dict[str, Any]) -> Outcome:
        services = build(self.settings)
        event = parse_event(name, payload)
        pipeline = services.request_pipeline(
            offline=False,
            remote_url=self.origin.as_uri(),
            default_branch=event.default_branch or None,
            **FAST,
        )
        return handler.handle(pipeline, event)

    def head(self, branch: str) -> str | None:
        found = git(self.origin, "for-each-ref", "--format=%(objectname)", f"refs/heads/{branch}")
        return found or None

    def task(self, branch: str, number: int) -> dict[str, Any]:
        text = git(self.origin, "show", f"{branch}:state/prod_tasks/issue-{number}.yaml")
        data = load_yaml_text(text, "task")
        assert isinstance(data, dict)
        return data

    def comments(self, number: int) -> list[dict[str, Any]]:
        return [c for c in self.fake.state.comments.values() if c["issue"] == number]


def file_issue(online: Online, number: int, body: str = DEMP_BODY) -> dict[str, Any]:
    online.fake.add_issue(
        number, title="[Dataset Request] x", body=body, user=REQUESTER, labels=["dataset-request"]
    )
    return issue(number, body)
