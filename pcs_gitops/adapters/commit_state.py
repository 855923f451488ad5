"""Records of a commit without a checkout: read from git's objects, and written back as a commit
built on another one (a temporary index, ``write-tree``, ``commit-tree``). Rebuilding a request
branch on the default branch this way touches no working tree: the default branch's records are
parsed once for all the branches a push rebuilds, and each rebuild writes only its own files."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any

from pcs_gitops.adapters.git import NO_HOOKS, commit_tree, read_files, run_git, tree_files
from pcs_gitops.adapters.yaml_store import RawFile, YamlStateStore, dump_yaml, parse_record_file
from pcs_gitops.domain.state import State
from pcs_gitops.errors import ValidationFailed
from pcs_gitops.services.loading import load_state
from pcs_gitops.services.ports import StateStore
from pcs_gitops.services.unit_of_work import UnitOfWork


def is_record_file(path: str) -> bool:
    """A path a record may live at (a YAML file under ``state/``)."""
    return path.startswith("state/") and path.endswith(".yaml")


def record_files_at(root: Path, commit: str, paths: Iterable[str]) -> list[RawFile]:
    """The record files among ``paths`` as ``commit`` has them, parsed (absent ones left
    out), in path order."""
    contents = read_files(root, commit, sorted(p for p in paths if is_record_file(p)))
    return [parse_record_file(path, data) for path, data in sorted(contents.items())]


class CommitStateStore(YamlStateStore):
    """The record files of ``commit`` (read-only), parsed like the working tree's (the record
    cache in ``cache_dir`` spares files parsed before)."""

    def __init__(self, root: Path, commit: str, cache_dir: Path | None = None) -> None:
        super().__init__(root, cache_dir)
        self.commit = commit

    def _read_all(self) -> list[tuple[str, bytes | str]]:
        files = tree_files(self.root, self.commit, "state")
        return [
            (path, files[path])
            for path in sorted(files)
            if path.endswith((".yaml", ".yml")) and not path.rsplit("/", 1)[-1].startswith(".")
        ]

    def write(self, relpath: str, data: Any) -> bool:
        raise NotImplementedError("a commit's records are read-only")

    def delete(self, relpath: str) -> bool:
        raise NotImplementedError("a commit's records are read-only")


class CapturedWrites:
    """A ``StateStore`` that keeps what a unit of work writes (path -> bytes; None: deleted),
    to be committed with ``commit_files``. It reads nothing: its unit of work is given its
    state."""

    def __init__(self) -> None:
        self.files: dict[str, bytes | None] = {}

    def iter_files(self) -> Iterator[RawFile]:
        return iter(())

    def write(self, relpath: str, data: Any) -> bool:
        self.files[relpath] = dump_yaml(data).encode("utf-8")
        return True

    def delete(self, relpath: str) -> bool:
        self.files[relpath] = None
        return True


def commit_files(
    root: Path,
    base: str,
    files: dict[str, bytes | None],
    parents: Sequence[str],
    message: str,
    identity: tuple[str, str],
) -> str | None:
    """A commit of ``base``'s tree with ``files`` written (None: removed), on ``parents``; None
    when its tree is the first parent's (nothing to commit)."""
    with tempfile.TemporaryDirectory(prefix="pcs-index-") as scratch:
        env = {"GIT_INDEX_FILE": os.path.join(scratch, "index")}

        def git(args: Sequence[str], text: str | None = None) -> str:
            return run_git([*NO_HOOKS, *args], root, input_text=text, env=env).strip()

        git(["read-tree", base])
        entries = []
        for path, content in sorted(files.items()):
            if content is None:
                entries.append(f"0 {'0' * 40}\t{path}")
                continue
            sha = _store_blob(root, content)
            entries.append(f"100644 {sha}\t{path}")
        if entries:
            git(["update-index", "--index-info"], "".join(f"{e}\n" for e in entries))
        tree = git(["write-tree"])
    return commit_tree(root, tree, parents, message, identity)


def _store_blob(root: Path, content: bytes) -> str:
    with tempfile.NamedTemporaryFile(prefix="pcs-blob-") as handle:
        handle.write(content)
        handle.flush()
        return run_git(["hash-object", "-w", "--", handle.name], root).strip()


class GitRebuilder:
    """What rebuilding a request branch without a checkout needs from git: the default
    branch's records (parsed once per commit), another commit's version of some files, and the
    new commit."""

    def __init__(
        self,
        root: Path,
        identity: tuple[str, str],
        cache_dir: Path | None,
        uow_over: Callable[[Callable[[], State], StateStore], UnitOfWork],
        verify: Callable[[str], list[str]],
    ) -> None:
        """``uow_over(state, store)``: a unit of work over a given state, writing to ``store``;
        ``verify(commit)``: what ``pcs validate`` finds in a commit."""
        self.verify = verify
        self.root = root
        self.identity = identity
        self.cache_dir = cache_dir
        self.uow_over = uow_over
        self._loaded: tuple[str, State] | None = None

    def unit_of_work(
        self, state: Callable[[], State]
    ) -> tuple[UnitOfWork, Callable[[], dict[str, bytes | None]]]:
        captured = CapturedWrites()
        return self.uow_over(state, captured), lambda: dict(captured.files)

    def state_at(self, commit: str) -> State:
        """The records of ``commit`` (kept for the next call with the same commit: one push
        rebuilds its branches on one base). Raises ``ValidationFailed`` when they do not load."""
        if self._loaded is None or self._loaded[0] != commit:
            loaded = load_state(
                CommitStateStore(self.root, commit, self.cache_dir).iter_files(), None
            )
            if loaded.problems:
                raise ValidationFailed(
                    loaded.problems,
                    header="the default branch's records cannot be loaded (see 'pcs validate')",
                )
            self._loaded = (commit, loaded.state)
        return self._loaded[1]

    def records_at(self, commit: str, paths: Sequence[str]) -> list[RawFile]:
        """The record files among ``paths`` as ``commit`` has them (absent ones left out)."""
        return record_files_at(self.root, commit, paths)

    def commit(
        self, base: str, files: dict[str, bytes | None], parents: Sequence[str], message: str
    ) -> str | None:
        return commit_files(self.root, base, files, parents, message, self.identity)


__all__ = [
    "CapturedWrites",
    "CommitStateStore",
    "GitRebuilder",
    "commit_files",
    "is_record_file",
    "record_files_at",
]
