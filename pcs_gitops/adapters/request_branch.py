"""Request branches in git, without touching the caller's working tree.

``GitBranchWorkspace`` implements ``services.ports.BranchWorkspace``:

* every change happens in a temporary ``git worktree`` (detached, under the system temp
  directory, removed afterwards); commits are made with plumbing (``write-tree`` +
  ``commit-tree``), so the working tree and HEAD of the repository never move and no hook runs;
* offline (no remote URL), branches are local refs updated with a compare-and-swap
  ``update-ref``; nothing is pushed;
* online, branches live on the remote: they are fetched into ``refs/pcs-remote/heads/*`` and
  pushed by explicit refspec. The token travels in an ``http.<origin>/.extraheader`` given
  through ``GIT_CONFIG_COUNT``/``GIT_CONFIG_KEY_0``/``GIT_CONFIG_VALUE_0`` in the environment
  of that one git process: never in the argv, the remote URL, ``.git/config`` or a message.

Bringing a branch up to date with its base ("sync"): when the base changed records or derived
files since the branch forked, the checkout can be reset to the base's files; the next commit
then has two parents (the branch head and the base head), so the push is a fast-forward.
"""

from __future__ import annotations

import base64
import shutil
import tempfile
import urllib.parse
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path

from pcs_gitops.adapters.commit_state import record_files_at
from pcs_gitops.adapters.git import NO_HOOKS, commit_tree, run_git
from pcs_gitops.adapters.yaml_store import RawFile
from pcs_gitops.errors import GitError, PushRejected
from pcs_gitops.services.ports import Divergence

__all__ = [
    "ACTIONS_IDENTITY",
    "BOT_IDENTITY",
    "GitBranchWorkspace",
    "GitCheckout",
    "remote_url_for",
]

BOT_IDENTITY = ("pcs-bot", "pcs-bot@users.noreply.github.com")
ACTIONS_IDENTITY = ("github-actions[bot]", "41898282+github-actions[bot]@users.noreply.github.com")
REMOTE_NS = "refs/pcs-remote/heads/"
ZERO_SHA = "0" * 40
SYNC_PATHS = ("state", "docs", "schemas")  # what makes a branch stale when the base changes it
_REJECTED = ("[rejected]", "non-fast-forward", "fetch first", "stale info", "cannot lock ref")


def remote_url_for(server_url: str, repository: str) -> str:
    """``https://github.com/owner/name.git`` from GITHUB_SERVER_URL and GITHUB_REPOSITORY."""
    return f"{server_url.rstrip('/')}/{repository.strip('/')}.git"


class GitCheckout:
    """A temporary worktree of a branch (``BranchCheckout``)."""

    def __init__(
        self,
        workspace: GitBranchWorkspace,
        root: Path,
        head: str | None,
        base_head: str,
        behind_base: bool,
    ) -> None:
        self._ws = workspace
        self._root = root
        self._head = head
        self._base_head = base_head
        self._behind = behind_base
        self._merge_parent: str | None = None

    @property
    def root(self) -> Path:
        return self._root

    @property
    def head(self) -> str | None:
        return self._head

    @property
    def base_head(self) -> str:
        return self._base_head

    @property
    def behind_base(self) -> bool:
        return self._behind

    def reset_to_base(self) -> None:
        self._ws.git(["read-tree", "-u", "--reset", self._base_head], self._root)
        if self._head is not None and self._head != self._base_head:
            self._merge_parent = self._base_head

    def commit(self, message: str) -> str | None:
        git = self._ws.git
        git(["add", "--all"], self._root)
        tree = git(["write-tree"], self._root).strip()
        parents = [self._head or self._base_head]
        if self._merge_parent is not None:
            parents.append(self._merge_parent)
        sha = commit_tree(self._root, tree, parents, message, self._ws.identity)
        if sha is not None:
            self._head, self._merge_parent = sha, None  # the next commit builds on this one
        return sha


class GitBranchWorkspace:
    """Request branches of the repository at ``root`` (``BranchWorkspace``)."""

    def __init__(
        self,
        root: Path,
        *,
        remote_url: str | None = None,
        token: str | None = None,
        publish: bool = True,
        identity: tuple[str, str] = BOT_IDENTITY,
    ) -> None:
        """Offline when ``remote_url`` is None. ``publish=False`` (dry run) moves no branch."""
        self.root = root
        self.remote_url = remote_url
        self._token = token or ""
        self._publish = publish
        self.identity = identity
        self.published: list[tuple[str, str]] = []  # (branch, sha), also in a dry run
        self.deleted: list[str] = []

    @property
    def online(self) -> bool:
        return self.remote_url is not None

    # ------------------------------------------------------------------ git

    def git(
        self, args: Sequence[str], cwd: Path | None = None, *, input_text: str | None = None
    ) -> str:
        return run_git([*NO_HOOKS, *args], cwd or self.root, input_text=input_text)

    def _remote_git(self, args: Sequence[str]) -> str:
        """A git command that talks to the remote, with the token in its environment only."""
        assert self.remote_url is not None
        try:
            return run_git([*NO_HOOKS, *args], self.root, env=self._auth_env())
        except GitError as exc:
            message, detail = str(exc), exc.detail
            if self._token:
                message, detail = (t.replace(self._token, "***") for t in (message, detail))
            error = PushRejected if any(m in detail for m in _REJECTED) else GitError
            raise error(message, detail=detail) from None

    def _auth_env(self) -> Mapping[str, str]:
        if not self._token or self.remote_url is None:
            return {}
        parsed = urllib.parse.urlsplit(self.remote_url)
        if parsed.scheme not in ("http", "https"):
            return {}
        basic = base64.b64encode(f"x-access-token:{self._token}".encode()).decode("ascii")
        return {
            "GIT_CONFIG_COUNT": "1",
            "GIT_CONFIG_KEY_0": f"http.{parsed.scheme}://{parsed.netloc}/.extraheader",
            "GIT_CONFIG_VALUE_0": f"AUTHORIZATION: basic {basic}",
        }

    def _ref(self, branch: str) -> str:
        return f"{REMOTE_NS if self.online else 'refs/heads/'}{branch}"

    def _rev(self, ref: str) -> str | None:
        args = ["rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}"]
        out = run_git(args, self.root, check=False)
        return out.strip() or None

    def _remote_heads(self, patterns: Sequence[str]) -> dict[str, str]:
        out = self._remote_git(["ls-remote", "--heads", str(self.remote_url), *patterns])
        heads: dict[str, str] = {}
        for line in out.splitlines():
            sha, _, ref = line.partition("\t")
            if ref.startswith("refs/heads/"):
                heads[ref.removeprefix("refs/heads/")] = sha
        return heads

    def _fetch(self, branches: Sequence[str]) -> None:
        """Mirror the remote's ``branches`` into REMOTE_NS (dropping those gone remotely)."""
        wanted = list(dict.fromkeys(branches))
        heads = self._remote_heads([f"refs/heads/{b}" for b in wanted])
        specs = [f"+refs/heads/{b}:{REMOTE_NS}{b}" for b in wanted if b in heads]
        for branch in wanted:
            if branch not in heads and self._rev(REMOTE_NS + branch) is not None:
                self.git(["update-ref", "-d", REMOTE_NS + branch])
        if specs:
            url = str(self.remote_url)
            options = ["--quiet", "--no-tags", "--no-write-fetch-head"]
            self._remote_git(["fetch", *options, url, *specs])

    def _needs_sync(self, head: str, base: str) -> bool:
        merge_base = run_git(["merge-base", head, base], self.root, check=False).strip()
        if merge_base == base:
            return False  # the base is already in the branch
        if not merge_base:
            return True
        changed = self.git(["diff", "--name-only", merge_base, base, "--", *SYNC_PATHS])
        return bool(changed.strip())

    # ------------------------------------------------------------------ BranchWorkspace

    @contextmanager
    def checkout(self, branch: str, base: str) -> Iterator[GitCheckout]:
        if self.online:
            self._fetch([base, branch])
        base_head = self._rev(self._ref(base))
        if base_head is None:
            where = f"on {self.remote_url}" if self.online else "in this repository"
            raise GitError(
                f"the default branch '{base}' does not exist {where}; check the repository's "
                "default branch (it comes from the event payload)"
            )
        head = base_head if branch == base else self._rev(self._ref(branch))
        scratch = Path(tempfile.mkdtemp(prefix="pcs-request-"))
        path = scratch / "worktree"
        self.git(["worktree", "add", "--detach", "--quiet", str(path), head or base_head])
        try:
            behind = head is not None and branch != base and self._needs_sync(head, base_head)
            yield GitCheckout(self, path, head, base_head, behind)
        finally:
            run_git(["worktree", "remove", "--force", str(path)], self.root, check=False)
            shutil.rmtree(scratch, ignore_errors=True)
            run_git(["worktree", "prune"], self.root, check=False)

    def publish(self, branch: str, new: str, old: str | None) -> None:
        self.published.append((branch, new))
        if not self._publish:
            return
        if not self.online:
            checked_out = run_git(["symbolic-ref", "--quiet", "HEAD"], self.root, check=False)
            if checked_out.strip() == f"refs/heads/{branch}":
                # the branch of the caller's working tree (the default branch, when a merge is
                # recorded offline): fast-forward it like a pull would, or refuse
                self.git(["merge", "--ff-only", "--quiet", new])
                return
            try:
                self.git(["update-ref", f"refs/heads/{branch}", new, old or ZERO_SHA])
            except GitError as exc:
                raise PushRejected(
                    f"the branch {branch} moved while this run worked on it; run again ({exc})"
                ) from None
            return
        self._remote_git(
            ["push", "--quiet", "--no-verify", str(self.remote_url), f"{new}:refs/heads/{branch}"]
        )
        self.git(["update-ref", REMOTE_NS + branch, new])

    def delete(self, branch: str) -> bool:
        if self.online:
            if branch not in self._remote_heads([f"refs/heads/{branch}"]):
                return False
            if self._publish:
                url = str(self.remote_url)
                self._remote_git(["push", "--quiet", "--no-verify", url, f":refs/heads/{branch}"])
                if self._rev(REMOTE_NS + branch) is not None:
                    self.git(["update-ref", "-d", REMOTE_NS + branch])
        else:
            if self._rev(f"refs/heads/{branch}") is None:
                return False
            if self._publish:
                self.git(["update-ref", "-d", f"refs/heads/{branch}"])
        self.deleted.append(branch)
        return True

    def heads(self, branch: str, base: str, *, fetch: bool = True) -> tuple[str | None, str | None]:
        if self.online and fetch:
            self._fetch([base, branch])
        return self._rev(self._ref(branch)), self._rev(self._ref(base))

    def branches(self, prefix: str) -> list[str]:
        if self.online:
            return sorted(self._remote_heads([f"refs/heads/{prefix}*"]))
        out = self.git(["for-each-ref", "--format=%(refname)", f"refs/heads/{prefix}*"])
        return sorted(line.removeprefix("refs/heads/") for line in out.splitlines() if line)

    def diverged(
        self, branches: Sequence[str], base: str, *, fetch: bool = True
    ) -> dict[str, Divergence]:
        if self.online and fetch:
            self._fetch([base, *branches])
        base_head = self._rev(self._ref(base))
        if base_head is None:
            return {}
        found: dict[str, Divergence] = {}
        since: dict[str, tuple[frozenset[str], tuple[RawFile, ...]]] = {}  # per fork point
        for branch in branches:
            head = self._rev(self._ref(branch))
            if head is None:
                continue
            fork = run_git(["merge-base", head, base_head], self.root, check=False).strip()
            if fork == base_head:
                continue  # the base is already in the branch
            if not fork:
                found[branch] = Divergence(frozenset(), frozenset(), related=False)
                continue
            if fork not in since:
                paths = self._changed(fork, base_head)
                since[fork] = (paths, self._records(base_head, paths))
            base_paths, base_files = since[fork]
            branch_paths = self._changed(fork, head)
            records = self._records(head, branch_paths)
            found[branch] = Divergence(branch_paths, base_paths, records, base_files, fork=fork)
        return found

    def _changed(self, old: str, new: str) -> frozenset[str]:
        out = self.git(["diff", "--name-only", "-z", "--no-renames", old, new])
        return frozenset(filter(None, out.split("\0")))

    def _records(self, commit: str, paths: frozenset[str]) -> tuple[RawFile, ...]:
        return tuple(record_files_at(self.root, commit, paths))
