"""The records of past commits (``RecordHistory``): git reads through ``adapters.git``, YAML
parsing through ``adapters.yaml_store``, so a commit's state loads as the working tree's does."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from pcs_gitops.adapters.git import GitHistory
from pcs_gitops.adapters.yaml_store import RawFile, load_yaml_text
from pcs_gitops.errors import StateFileError


class GitRecordHistory:
    """``RecordHistory`` over the repository at ``root``."""

    def __init__(self, root: Path) -> None:
        self.git = GitHistory(root)

    def resolve(self, ref: str) -> str:
        return self.git.resolve(ref)

    def merge_base(self, base: str, head: str) -> str:
        return self.git.merge_base(base, head)

    def authors(self, base: str, head: str) -> list[tuple[str, str, str]]:
        return self.git.authors(base, head)

    def records(self, commit: str, prefixes: Sequence[str] = ("state",)) -> list[RawFile]:
        """The record files of ``commit`` under ``prefixes``, parsed (errors kept per file)."""
        out: list[RawFile] = []
        for prefix in prefixes:
            for path, content in sorted(self.git.files(commit, prefix).items()):
                if path.endswith((".yaml", ".yml")) and not path.rsplit("/", 1)[-1].startswith("."):
                    out.append(_parse(path, content))
        return out


def _parse(path: str, content: bytes) -> RawFile:
    try:
        return RawFile(path, load_yaml_text(content.decode("utf-8"), path))
    except StateFileError as exc:
        return RawFile(path, None, str(exc))
    except UnicodeDecodeError as exc:
        return RawFile(path, None, f"{path}: not UTF-8 text: {exc}")
