"""Settings from the environment: the only module that reads it."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from pcs_gitops.errors import UsageError

# What panda-client reads from the environment (at import, and on every call).
PANDA_CLIENT_VARIABLES = (
    "PANDA_URL",
    "PANDA_URL_SSL",
    "PANDACACHE_URL",
    "PANDA_BEHIND_REAL_LB",
    "PANDA_VERIFY_HOST",
    "PANDA_AUTH",
    "PANDA_AUTH_VO",
    "PANDA_AUTH_ID_TOKEN",
    "OIDC_AUTH_TOKEN_FILE",
    "OIDC_AUTH_ID_TOKEN",
    "PANDA_CONFIG_ROOT",
    "X509_USER_PROXY",
    "X509_CERT_DIR",
)


@dataclass(frozen=True)
class PandaSettings:
    """The PanDA client's variables (passed to it explicitly) and pcs's own PanDA knobs."""

    client_env: dict[str, str] = field(default_factory=dict)
    timeout_seconds: float = 120.0  # pcs gives up on one PanDA call after this long
    lookup_grace_seconds: float = 1800.0  # how long a new task may stay invisible by name

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> PandaSettings:
        client_env = {k: env[k] for k in PANDA_CLIENT_VARIABLES if env.get(k)}
        if "PANDA_URL_SSL" in client_env:
            # The sandbox cache is never used by pcs; without this the client resolves
            # pandacache.cern.ch by DNS when it is imported.
            client_env.setdefault("PANDACACHE_URL", client_env["PANDA_URL_SSL"])
        return cls(
            client_env=client_env,
            timeout_seconds=_seconds(env, "PCS_PANDA_TIMEOUT", 120.0),
            lookup_grace_seconds=_seconds(env, "PCS_PANDA_GRACE_SECONDS", 1800.0),
        )


def _seconds(env: Mapping[str, str], name: str, default: float) -> float:
    raw = env.get(name)
    if not raw:
        return default
    try:
        value = float(raw)
    except ValueError:
        value = -1.0
    if value < 0:
        raise UsageError(f"{name}='{raw}' must be a number of seconds (0 or more)")
    return value


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
    panda: PandaSettings = field(default_factory=PandaSettings)
    debug: bool = False  # PCS_DEBUG: tracebacks, git's full output, PyGithub's log lines
    github_actions: bool = False  # inside a GitHub Actions job: annotations and a job summary
    github_step_summary: str | None = None  # the job summary file (Markdown, appended to)

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
            panda=PandaSettings.from_env(env),
            debug=bool(env.get("PCS_DEBUG")),
            github_actions=env.get("GITHUB_ACTIONS") == "true",
            github_step_summary=env.get("GITHUB_STEP_SUMMARY") or None,
        )


def on_github_hosted_runner(env: Mapping[str, str] | None = None) -> bool:
    """Whether this process runs on a GitHub-hosted Actions runner, whose filesystem says
    nothing about the experiment's storage (and must not be probed for a requester)."""
    env = os.environ if env is None else env
    return env.get("RUNNER_ENVIRONMENT") == "github-hosted"
