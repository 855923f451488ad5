"""Git through one module: subprocess with an explicit argv and a clean environment."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Mapping, Sequence
from pathlib import Path

from pcs_gitops.errors import GitError


def _clean_env() -> dict[str, str]:
    # Inherited GIT_DIR/GIT_INDEX_FILE/... would point git at another repository (hooks set
    # them); the author and committer identity is kept.
    keep = ("GIT_AUTHOR_", "GIT_COMMITTER_")
    env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_") or k.startswith(keep)}
    env.setdefault("GIT_TERMINAL_PROMPT", "0")
    return env


def run_git(
    args: Sequence[str],
    cwd: Path,
    *,
    check: bool = True,
    input_text: str | None = None,
    env: Mapping[str, str] | None = None,
) -> str:
    """Run git; ``env`` adds variables (e.g. ``GIT_CONFIG_COUNT``/``_KEY_n``/``_VALUE_n`` to pass
    a credential header without putting it in the argv, which error messages show)."""
    argv = ["git", *args]
    proc = subprocess.run(
        argv,
        cwd=cwd,
        env={**_clean_env(), **(env or {})},
        capture_output=True,
        text=True,
        input=input_text,
        check=False,
    )
    if check and proc.returncode != 0:
        raise GitError(
            f"git failed: {' '.join(argv)} (exit {proc.returncode})\n"
            f"stdout: {proc.stdout.strip()}\nstderr: {proc.stderr.strip()}"
        )
    return proc.stdout


class GitRepository:
    def __init__(self, root: Path) -> None:
        self.root = root

    def is_repository(self) -> bool:
        return (
            run_git(["rev-parse", "--is-inside-work-tree"], self.root, check=False).strip()
            == "true"
        )

    def commit_paths(self, paths: list[str], message: str) -> str | None:
        if not paths or not self.is_repository():
            return None
        run_git(["add", "--all", "--", *paths], self.root)
        if not run_git(["diff", "--cached", "--name-only"], self.root).strip():
            return None
        run_git(["commit", "--quiet", "-m", message], self.root)
        return run_git(["rev-parse", "HEAD"], self.root).strip()
