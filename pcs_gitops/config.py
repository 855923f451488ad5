"""Settings from the environment: the only module that reads it."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Settings:
    repo_root: Path
    github_token: str | None = None
    github_event_name: str | None = None
    github_event_path: str | None = None
    github_repository: str | None = None
    github_api_url: str = "https://api.github.com"
    github_server_url: str = "https://github.com"
    github_bot_login: str | None = None  # who the token comments as (an App: "<slug>[bot]")
    actor: str = "cli"
    # where writes land: "local" (the working tree) or "github" (a branch + its pull request)
    publish_mode: str = "local"
    default_branch: str = "main"  # what github-mode branches are built on and PRs target

    @classmethod
    def from_env(cls, repo_root: Path, env: Mapping[str, str] | None = None) -> Settings:
        env = os.environ if env is None else env
        return cls(
            repo_root=repo_root.resolve(),
            github_token=env.get("PCS_GITHUB_TOKEN") or env.get("GITHUB_TOKEN") or None,
            github_event_name=env.get("GITHUB_EVENT_NAME") or None,
            github_event_path=env.get("GITHUB_EVENT_PATH") or None,
            github_repository=env.get("GITHUB_REPOSITORY") or None,
            github_api_url=env.get("GITHUB_API_URL") or "https://api.github.com",
            github_server_url=env.get("GITHUB_SERVER_URL") or "https://github.com",
            github_bot_login=env.get("PCS_BOT_LOGIN") or None,
            actor=env.get("PCS_ACTOR") or env.get("USER") or "cli",
            publish_mode=env.get("PCS_PUBLISH") or env.get("PCS_MCP_MODE") or "local",
            default_branch=env.get("PCS_DEFAULT_BRANCH") or "main",
        )
