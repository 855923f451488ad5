"""The generated files of a catalogue repository: packaged templates in, files on disk out.

Templates ship as package data under ``pcs_gitops/resources/``: ``catalogue/`` (the
repository's top level; a path part ``dot-x`` becomes ``.x``, since packaging tools skip dot
files), ``site/`` (``docs/``) and ``schemas/`` (``schemas/``).
"""

from __future__ import annotations

import json
from importlib import resources
from importlib.abc import Traversable
from pathlib import Path

from pcs_gitops.adapters.yaml_store import write_atomic
from pcs_gitops.services.scaffold import ActionPin

_TREES = (("catalogue", ""), ("site", "docs"), ("schemas", "schemas"))
_DOT = "dot-"


def packaged_templates() -> dict[str, bytes]:
    """Every packaged template by its path in a catalogue repository."""
    root = resources.files("pcs_gitops") / "resources"
    found: dict[str, bytes] = {}
    for folder, target in _TREES:
        _collect(root / folder, target, found)
    return found


def _collect(node: Traversable, target: str, found: dict[str, bytes]) -> None:
    for child in node.iterdir():
        name = "." + child.name[len(_DOT) :] if child.name.startswith(_DOT) else child.name
        path = f"{target}/{name}" if target else name
        if child.is_dir():
            if child.name != "__pycache__":
                _collect(child, path, found)
        elif not child.name.endswith(".pyc"):
            found[path] = child.read_bytes()


def packaged_action_pin() -> ActionPin:
    """The release of pcs-gitops that generated workflows use by default
    (``resources/action-pin.json``, written by ``scripts/pin-action`` at release time)."""
    text = (resources.files("pcs_gitops") / "resources" / "action-pin.json").read_text("utf-8")
    data = json.loads(text)
    return ActionPin(str(data["repository"]), str(data["commit"]), str(data["version"]))


class DirectoryTree:
    """``FileTree`` over a directory."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def read(self, relpath: str) -> bytes | None:
        path = self.root / relpath
        return path.read_bytes() if path.is_file() else None

    def write(self, relpath: str, content: bytes) -> None:
        write_atomic(self.root / relpath, content)

    def has_records(self) -> bool:
        state = self.root / "state"
        return state.is_dir() and any(p.is_file() for p in state.rglob("*"))
