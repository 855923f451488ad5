"""Git through one module: subprocess with an explicit argv and a clean environment."""

from __future__ import annotations

import logging
import os
import subprocess
from collections.abc import Mapping, Sequence
from pathlib import Path

from pcs_gitops.errors import GitError, UsageError

LOG = logging.getLogger(__name__)

# Git run by pcs on the user's repository runs none of its hooks.
NO_HOOKS = ("-c", "core.hooksPath=/dev/null")
# Who commits the first commit of a new catalogue when git has no identity configured.
INIT_IDENTITY = ("pcs init", "pcs-init@users.noreply.github.com")


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
    LOG.debug("%s (in %s)", " ".join(argv), cwd)
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
            failure_summary(args, proc.returncode, proc.stderr or proc.stdout),
            detail=(
                f"git failed: {' '.join(argv)} (exit {proc.returncode})\n"
                f"stdout: {proc.stdout.strip()}\nstderr: {proc.stderr.strip()}"
            ),
        )
    return proc.stdout


# (what git says, in lower case) -> what to do; the first match wins.
_ADVICE: tuple[tuple[tuple[str, ...], str], ...] = (
    (
        (
            "[rejected]",
            "[remote rejected]",
            "non-fast-forward",
            "fetch first",
            "stale info",
            "cannot lock ref",
        ),
        "the remote branch moved meanwhile or refuses this push; run again, and if it persists "
        "check the branch protection",
    ),
    (
        (
            "could not read username",
            "authentication failed",
            "invalid username",
            "returned error: 401",
            "returned error: 403",
        ),
        "the remote refused the credentials; check that the token (PCS_GITHUB_TOKEN or "
        "GITHUB_TOKEN) is valid and may push to the repository",
    ),
    (
        (
            "could not resolve host",
            "connection refused",
            "timed out",
            "failed to connect",
            "empty reply",
        ),
        "the remote could not be reached; check the network and the remote URL",
    ),
    (("not a git repository",), "run it inside a git checkout (or 'git init' one first)"),
    (
        ("does not appear to be a git repository", "repository not found", "returned error: 404"),
        "check the remote URL and that the repository exists",
    ),
    (
        ("please tell me who you are", "empty ident"),
        "set an identity: git config user.name and user.email",
    ),
)
_KEY_PREFIXES = ("fatal:", "error:", "remote: error:")


def failure_summary(args: Sequence[str], returncode: int, output: str) -> str:
    """One line: which git command failed, git's own key line, and what to do next."""
    lines = [line.strip() for line in output.splitlines() if line.strip()]
    key = next((line for line in lines if "rejected]" in line), None)
    key = key or next((line for line in lines if line.lower().startswith(_KEY_PREFIXES)), None)
    key = key or (lines[-1] if lines else "no message")
    for prefix in ("fatal: ", "error: "):
        key = key.removeprefix(prefix)
    low = output.lower()
    advice = next(
        (text for needles, text in _ADVICE if any(n in low for n in needles)),
        "rerun with PCS_DEBUG=1 to see git's full output",
    )
    return f"git {_subcommand(args)} failed (exit {returncode}): {key.rstrip('.')}; {advice}"


def _subcommand(args: Sequence[str]) -> str:
    """``push`` of ``-c core.hooksPath=/dev/null push --quiet URL``."""
    options_with_value = ("-c", "-C")
    skip = False
    for arg in args:
        if skip:
            skip = False
        elif arg in options_with_value:
            skip = True
        elif not arg.startswith("-"):
            return arg
    return "command"


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

    def start(self, branch: str) -> bool:
        """``RepositoryHistory.start``: ``git init`` on ``branch`` unless this already is a
        repository; True when the repository has no commit yet."""
        if not self.is_repository():
            run_git(["init", "--quiet", f"--initial-branch={branch}"], self.root)
            return True
        return not run_git(["rev-parse", "--verify", "--quiet", "HEAD"], self.root, check=False)

    def commit_all(self, message: str) -> str:
        """Commit every file of the working tree. Without a configured identity (a fresh CI
        machine) the commit is made as pcs itself rather than failing."""
        run_git(["add", "--all"], self.root)
        identity: list[str] = []
        if not run_git(["config", "user.email"], self.root, check=False).strip():
            name, email = INIT_IDENTITY
            identity = ["-c", f"user.name={name}", "-c", f"user.email={email}"]
        run_git([*identity, "commit", "--quiet", "--no-verify", "-m", message], self.root)
        return run_git(["rev-parse", "HEAD"], self.root).strip()

    def parent_of_worktree(self, prefix: str) -> str | None:
        """The commit the checked-out ``prefix`` descends from: HEAD when it has uncommitted
        changes (a change being made), else HEAD's first parent (the last commit's base: on a
        pull request's merge commit, the target branch). None outside git or without one."""
        if not self.is_repository():
            return None
        if not run_git(["rev-parse", "--verify", "--quiet", "HEAD"], self.root, check=False):
            return None
        status = run_git(["status", "--porcelain", "--", prefix], self.root)
        ref = "HEAD" if status.strip() else "HEAD~1"
        found = run_git(["rev-parse", "--verify", "--quiet", ref], self.root, check=False)
        return found.strip() or None

    def changed_since(self, ref: str, prefix: str) -> set[str]:
        """The files under ``prefix`` whose content in the working tree differs from commit
        ``ref`` (changed, added, deleted or untracked)."""
        listed = run_git(
            ["diff", "--name-only", "--no-renames", "-z", ref, "--", prefix], self.root
        )
        untracked = run_git(
            ["ls-files", "--others", "--exclude-standard", "-z", "--", prefix], self.root
        )
        return {path for path in (listed + untracked).split("\0") if path}

    def files_at(self, ref: str, prefix: str) -> dict[str, str]:
        """The text of every file under ``prefix`` at commit ``ref``, by relative path."""
        if not ref or ref.startswith("-"):
            raise UsageError(f"'{ref}' is not a git revision; give a commit, branch or tag")
        found = run_git(
            ["rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}"], self.root, check=False
        )
        if not found.strip():
            raise UsageError(f"'{ref}' names no commit of this repository; see 'git log'")
        contents = tree_files(self.root, ref, prefix, full_tree=False)
        return {path: data.decode("utf-8", errors="replace") for path, data in contents.items()}


def _git_bytes(args: Sequence[str], cwd: Path, input_bytes: bytes) -> bytes:
    """Run git with binary input and output (``cat-file --batch`` sizes count bytes)."""
    argv = ["git", *args]
    LOG.debug("%s (in %s)", " ".join(argv), cwd)
    proc = subprocess.run(
        argv, cwd=cwd, env=_clean_env(), capture_output=True, input=input_bytes, check=False
    )
    if proc.returncode != 0:
        output = proc.stderr.decode("utf-8", "replace")
        raise GitError(failure_summary(args, proc.returncode, output), detail=output)
    return proc.stdout


def tree_files(
    root: Path, commit: str, prefix: str, *, full_tree: bool = False
) -> dict[str, bytes]:
    """Every file under ``prefix`` in ``commit``: path -> content, read in one ``cat-file``."""
    listing = run_git(
        ["ls-tree", "-r", "-z", *(["--full-tree"] if full_tree else []), commit, "--", prefix],
        root,
    )
    blobs: list[tuple[str, str]] = []
    for entry in filter(None, listing.split("\0")):
        meta, _, path = entry.partition("\t")
        parts = meta.split()
        if len(parts) == 3 and parts[1] == "blob":
            blobs.append((path, parts[2]))
    if not blobs:
        return {}
    batch = "".join(f"{sha}\n" for _, sha in blobs).encode("ascii")
    data = _git_bytes(["cat-file", "--batch"], root, batch)
    return dict(zip((path for path, _ in blobs), _batch_contents(data), strict=True))


def commit_tree(
    cwd: Path, tree: str, parents: Sequence[str], message: str, identity: tuple[str, str]
) -> str | None:
    """A commit of ``tree`` on ``parents`` by ``identity`` (no hook runs); None when ``tree`` is
    the first parent's (nothing to commit)."""
    if tree == run_git(["rev-parse", f"{parents[0]}^{{tree}}"], cwd).strip():
        return None
    name, email = identity
    args = [*NO_HOOKS, "-c", f"user.name={name}", "-c", f"user.email={email}", "commit-tree", tree]
    for parent in parents:
        args += ["-p", parent]
    return run_git([*args, "-F", "-"], cwd, input_text=message.rstrip("\n") + "\n").strip()


def read_files(root: Path, commit: str, paths: Sequence[str]) -> dict[str, bytes]:
    """The files ``paths`` of ``commit`` (path -> content; absent paths left out), read in one
    ``cat-file``."""
    if not paths:
        return {}
    batch = "".join(f"{commit}:{path}\n" for path in paths).encode("utf-8")
    data = _git_bytes(["cat-file", "--batch"], root, batch)
    found: dict[str, bytes] = {}
    at = 0
    for path in paths:
        end = data.index(b"\n", at)
        header = data[at:end].split()
        if header[-1] == b"missing" or len(header) != 3:
            at = end + 1
            continue
        size = int(header[2])
        found[path] = data[end + 1 : end + 1 + size]
        at = end + 1 + size + 1
    return found


def _batch_contents(data: bytes) -> list[bytes]:
    """The contents of ``git cat-file --batch`` output (``<sha> blob <size>``, a newline, the
    data, a newline; sizes in bytes)."""
    contents: list[bytes] = []
    at = 0
    while at < len(data):
        end = data.index(b"\n", at)
        size = int(data[at:end].split()[2])
        contents.append(data[end + 1 : end + 1 + size])
        at = end + 1 + size + 1
    return contents


class GitHistory:
    """Reads files of past commits (``pcs check-change``): what a commit holds under a
    directory, the common ancestor of two commits and who authored the commits between."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def resolve(self, ref: str) -> str:
        """The commit a ref names; GitError when there is none (a shallow clone, a typo)."""
        out = run_git(
            ["rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}"], self.root, check=False
        )
        if not out.strip():
            raise GitError(
                f"git knows no commit '{ref}' here; check the name, and fetch the full history "
                "(actions/checkout with fetch-depth: 0)"
            )
        return out.strip()

    def merge_base(self, base: str, head: str) -> str:
        out = run_git(["merge-base", base, head], self.root, check=False).strip()
        if not out:
            raise GitError(
                f"'{base}' and '{head}' have no common ancestor here; fetch the full history "
                "(actions/checkout with fetch-depth: 0)"
            )
        return out

    def files(self, commit: str, prefix: str) -> dict[str, bytes]:
        """Every file under ``prefix`` in ``commit``: path -> content."""
        return tree_files(self.root, commit, prefix, full_tree=True)

    def authors(self, base: str, head: str) -> list[tuple[str, str, str]]:
        """(commit, author name, author e-mail) of every non-merge commit in base..head."""
        text = run_git(
            ["log", "--no-merges", "--format=%H%x00%an%x00%ae", f"{base}..{head}"], self.root
        )
        rows = [line.split("\0") for line in text.splitlines() if line]
        return [(r[0], r[1], r[2]) for r in rows if len(r) == 3]
