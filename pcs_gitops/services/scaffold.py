"""What a catalogue repository holds besides its records: a plan of files, pure.

``pcs init`` writes the plan into a new directory; ``pcs init --upgrade`` compares it with an
existing repository and refreshes what pcs owns. Two kinds of planned file:

* managed: pcs owns them (schemas, workflows, the issue form, hook configuration, the site's
  layout and assets); an upgrade rewrites them to this version;
* seeded: written once and then the maintainers' own (README, .gitignore, the site's
  ``_config.yml`` and ``index.md``); an upgrade only creates them when missing.

The templates of the generated files carry ``@NAME@`` placeholders (``${{ }}`` belongs to
GitHub's expressions); substitution is plain text replacement of the values below.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Mapping
from dataclasses import dataclass
from enum import Enum

from pcs_gitops.errors import UsageError

LOCAL_ACTION = "local"
SEEDED = frozenset({"README.md", ".gitignore", "docs/_config.yml", "docs/index.md"})
PLACEHOLDER = re.compile(rb"@[A-Z][A-Z_]+@")
_SHA = re.compile(r"[0-9a-f]{40}")
_REPOSITORY = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]*/[A-Za-z0-9_.-]+")


@dataclass(frozen=True)
class ActionPin:
    """The commit of this project that generated workflows and hooks use.

    ``repository`` is ``owner/name`` of pcs-gitops on GitHub; ``commit`` a full SHA. The local
    pin (``commit == ""``) makes workflows use ``./``: the project's own repository."""

    repository: str
    commit: str
    version: str

    @property
    def local(self) -> bool:
        return not self.commit

    def uses(self) -> str:
        if self.local:
            # zizmor prefers the newer "$/" spelling, which the other linters do not know yet.
            return "./ # zizmor: ignore[self-repository] -- pcs from this very checkout"
        return f"{self.repository}@{self.commit} # v{self.version}"


def parse_action_ref(text: str, default: ActionPin) -> ActionPin:
    """``--action-ref``: ``SHA``, ``OWNER/NAME@SHA`` or ``local``; a branch or tag is refused
    because it moves, and the generated workflows must run exactly the code that was reviewed."""
    value = text.strip()
    if value == LOCAL_ACTION:
        return ActionPin(default.repository, "", default.version)
    repository, _, commit = value.rpartition("@")
    repository = repository or default.repository
    if not _REPOSITORY.fullmatch(repository):
        raise UsageError(
            f"--action-ref {text!r}: {repository!r} is not OWNER/NAME of a GitHub repository"
        )
    if not _SHA.fullmatch(commit):
        raise UsageError(
            f"--action-ref {text!r}: give the full 40-hex commit SHA of a pcs-gitops release "
            "(a branch or tag can move under the workflows), or 'local'"
        )
    same = repository == default.repository and commit == default.commit
    return ActionPin(repository, commit, default.version if same else "0.0.0-" + commit[:12])


@dataclass(frozen=True)
class ScaffoldOptions:
    action: ActionPin
    pcs_version: str
    catalogue: str | None = None  # owner/name of the catalogue repository on GitHub

    def values(self) -> dict[str, str]:
        home = f"https://github.com/{self.action.repository}"
        name = self.catalogue or "this experiment"
        return {
            "PCS_ACTION": self.action.uses(),
            "PCS_ACTION_REPOSITORY": self.action.repository,
            "PCS_HOME": home,
            "PCS_HOOKS_REPO": home,
            "PCS_HOOKS_REV": self.action.commit or f"v{self.pcs_version}",
            "PCS_VERSION": self.pcs_version,
            "REFRESH_COMMAND": (
                "python scripts/refresh-own-github" if self.action.local else "pcs init --upgrade ."
            ),
            "CATALOGUE_NAME": name,
            "CATALOGUE_TITLE": f"{self.catalogue} catalogue" if self.catalogue else "Catalogue",
        }


@dataclass(frozen=True)
class PlannedFile:
    path: str
    content: bytes

    @property
    def managed(self) -> bool:
        return self.path not in SEEDED


class Change(Enum):
    CREATED = "created"
    UPDATED = "updated"
    UNCHANGED = "unchanged"
    KEPT = "kept"  # a seeded file the maintainers own now


@dataclass(frozen=True)
class FileChange:
    path: str
    change: Change
    added: int = 0
    removed: int = 0

    @property
    def writes(self) -> bool:
        return self.change in (Change.CREATED, Change.UPDATED)

    def to_dict(self) -> dict[str, object]:
        return {
            "path": self.path,
            "change": self.change.value,
            "added": self.added,
            "removed": self.removed,
        }

    def describe(self) -> str:
        if self.change is Change.UPDATED:
            return f"updated   {self.path} (+{self.added} -{self.removed})"
        return f"{self.change.value:<9} {self.path}"


def render_template(content: bytes, values: Mapping[str, str]) -> bytes:
    """Replace every ``@NAME@`` placeholder; an unknown one is a packaging bug, not user input."""

    def substitute(match: re.Match[bytes]) -> bytes:
        name = match.group(0)[1:-1].decode("ascii")
        if name not in values:
            raise UsageError(f"internal error: template placeholder @{name}@ has no value")
        return values[name].encode("utf-8")

    return PLACEHOLDER.sub(substitute, content)


def plan_files(templates: Mapping[str, bytes], options: ScaffoldOptions) -> list[PlannedFile]:
    """Every generated file of a catalogue repository, keyed by its path in the repository."""
    values = options.values()
    return [
        PlannedFile(path, render_template(content, values))
        for path, content in sorted(templates.items())
    ]


def compare(planned: list[PlannedFile], existing: Mapping[str, bytes | None]) -> list[FileChange]:
    """What writing the plan does to the files on disk (``existing``: None = absent): managed
    files are brought to the plan, seeded files only created."""
    changes = []
    for item in planned:
        before = existing.get(item.path)
        if before is None:
            changes.append(FileChange(item.path, Change.CREATED, _lines(item.content)))
        elif before == item.content:
            changes.append(FileChange(item.path, Change.UNCHANGED))
        elif not item.managed:
            changes.append(FileChange(item.path, Change.KEPT))
        else:
            added, removed = _diff_counts(before, item.content)
            changes.append(FileChange(item.path, Change.UPDATED, added, removed))
    return changes


def _lines(content: bytes) -> int:
    return len(content.decode("utf-8", "replace").splitlines())


def _diff_counts(before: bytes, after: bytes) -> tuple[int, int]:
    old = before.decode("utf-8", "replace").splitlines()
    new = after.decode("utf-8", "replace").splitlines()
    added = removed = 0
    for line in difflib.unified_diff(old, new, lineterm="", n=0):
        if line.startswith("+") and not line.startswith("+++"):
            added += 1
        elif line.startswith("-") and not line.startswith("---"):
            removed += 1
    return added, removed
