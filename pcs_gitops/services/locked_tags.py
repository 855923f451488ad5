"""A locked tag never changes: the locked tags of a base commit, compared with the state.

``pcs validate`` compares with the commit the checked-out state descends from (``--base`` names
another); a locked tag of the base that is removed, unlocked or changed in any field is a
problem naming the file and the first field that differs.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from pcs_gitops.domain.model import Tag, TagStatus
from pcs_gitops.domain.rules import Problem
from pcs_gitops.domain.state import RecordKind, State, kind_of_path, tag_path
from pcs_gitops.services.ports import RawRecordFile


def locked_at(files: Iterable[RawRecordFile]) -> dict[str, Tag]:
    """The locked tags among record files, by label (unreadable files are skipped: the base
    was validated when it was made)."""
    found: dict[str, Tag] = {}
    for raw in files:
        kind = kind_of_path(raw.relpath)
        if kind is None or kind[0] is not RecordKind.TAG or not isinstance(raw.data, dict):
            continue
        try:
            tag = Tag.from_dict(raw.data)
        except (KeyError, ValueError, TypeError):
            continue
        if tag.status is TagStatus.LOCKED:
            found[tag.label] = tag
    return found


def first_difference(old: Mapping[str, Any], new: Mapping[str, Any], prefix: str = "") -> str:
    """The path of the first field that differs between two record mappings ("" if none)."""
    for key in (*old, *(k for k in new if k not in old)):
        a, b = old.get(key), new.get(key)
        if a == b:
            continue
        path = f"{prefix}{key}"
        if isinstance(a, Mapping) and isinstance(b, Mapping):
            return first_difference(a, b, path + ".") or path
        return path
    return ""


def locked_tag_problems(base: str, locked: Mapping[str, Tag], state: State) -> list[Problem]:
    """Every locked tag of ``base`` that the state removed or changed."""
    problems = []
    for label, was in sorted(locked.items()):
        file = tag_path(was.kind, label)
        now = state.tags.get(label)
        advice = f"restore it ('git checkout {base} -- {file}') and make a new tag for the change"
        if now is None:
            problems.append(
                Problem(file, "label", f"locked tag {label} of {base} was removed; {advice}")
            )
            continue
        path = first_difference(was.to_dict(), now.to_dict())
        if path:
            problems.append(
                Problem(
                    file,
                    path,
                    f"locked tag {label} differs from {base}: a locked tag never changes; "
                    + advice,
                )
            )
    return problems
