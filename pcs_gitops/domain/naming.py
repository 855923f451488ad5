"""The naming authority: every composed dataset name, DID, task name and attempt name is built here.

Composed name grammar (parsed positionally, the sample may contain dots)::

    {scope}.{detector_version}.{detector_config}.p<N>.e<N>.s<N>.r<N>[.k<N>][.{sample}]
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from pcs_gitops.errors import UsageError

MAX_NAME_LENGTH = 255
_TAG_RUN = re.compile(r"\.(p\d+)\.(e\d+)\.(s\d+)\.(r\d+)(?=\.|$)")
_BACKGROUND = re.compile(r"^k(0|[1-9]\d*)\Z")
_TRY = re.compile(r"^try[1-9]\d*\Z")
_BLOCK = re.compile(r"^b[1-9]\d*\Z")
_SEGMENT = re.compile(r"^[A-Za-z0-9_+\-]+(\.[A-Za-z0-9_+\-]+)*\Z")
_VERSION = re.compile(r"^\d+\.\d+\.\d+\Z")


class NameError_(UsageError):
    """A name does not follow the grammar."""


@dataclass(frozen=True)
class ComposedName:
    scope: str
    detector_version: str
    detector_config: str
    physics: str
    evgen: str
    simu: str
    reco: str
    background: str | None = None
    sample: str = ""


def check_sample(sample: str) -> None:
    """Refuse a sample that the positional parser could not tell apart from reserved tokens."""
    if not sample:
        return
    if not _SEGMENT.match(sample):
        raise NameError_(
            f"sample '{sample}' may only hold letters, digits, '_', '+', '-' and single dots"
        )
    if _TAG_RUN.search("." + sample):
        raise NameError_(
            f"sample '{sample}' contains a .p<N>.e<N>.s<N>.r<N> run, which reads as the tag "
            "labels; rename the sample"
        )
    parts = sample.split(".")
    if _BACKGROUND.match(parts[0]):
        raise NameError_(
            f"sample '{sample}' starts with '{parts[0]}', which reads as a background tag; "
            "rename the sample"
        )
    if _TRY.match(parts[-1]) or _BLOCK.match(parts[-1]):
        raise NameError_(
            f"sample '{sample}' ends with '{parts[-1]}', which reads as an attempt or block "
            "suffix; rename the sample"
        )


def build_dataset_name(parts: ComposedName) -> str:
    """The one builder of composed dataset names."""
    for label, value in (("scope", parts.scope), ("detector_config", parts.detector_config)):
        if not value or not _SEGMENT.match(value):
            raise NameError_(f"{label} '{value}' is not a valid dotted name segment")
    if not _VERSION.match(parts.detector_version):
        raise NameError_(
            f"detector_version '{parts.detector_version}' must look like 26.02.0 (three numbers)"
        )
    if "." in parts.detector_config:
        raise NameError_(f"detector_config '{parts.detector_config}' may not contain a dot")
    for prefix, label in (
        ("p", parts.physics),
        ("e", parts.evgen),
        ("s", parts.simu),
        ("r", parts.reco),
    ):
        if not re.fullmatch(prefix + r"(0|[1-9]\d*)", label):
            raise NameError_(f"tag label '{label}' is not a valid {prefix}<N> label")
    if parts.background is not None and not _BACKGROUND.match(parts.background):
        raise NameError_(f"background tag label '{parts.background}' is not a valid k<N> label")
    check_sample(parts.sample)
    segments = [
        parts.scope,
        parts.detector_version,
        parts.detector_config,
        parts.physics,
        parts.evgen,
        parts.simu,
        parts.reco,
    ]
    if parts.background:
        segments.append(parts.background)
    if parts.sample:
        segments.append(parts.sample)
    name = ".".join(segments)
    if len(name) > MAX_NAME_LENGTH:
        raise NameError_(f"composed name is {len(name)} characters, more than {MAX_NAME_LENGTH}")
    if _TAG_RUN.search(parts.scope + "." + parts.detector_version):
        raise NameError_(f"scope '{parts.scope}' contains a tag run; choose another scope")
    return name


def parse_dataset_name(name: str) -> ComposedName:
    """Parse a composed name positionally (the inverse of :func:`build_dataset_name`)."""
    runs = list(_TAG_RUN.finditer(name))
    if len(runs) != 1:
        reason = "no" if not runs else "more than one"
        raise NameError_(f"'{name}' has {reason} .p<N>.e<N>.s<N>.r<N> run; not a composed name")
    run = runs[0]
    head = name[: run.start()].split(".")
    if len(head) < 5:
        raise NameError_(f"'{name}' lacks scope.detector_version.detector_config before the tags")
    scope = ".".join(head[:-4])
    detector_version = ".".join(head[-4:-1])
    detector_config = head[-1]
    rest = name[run.end() :]
    background: str | None = None
    sample = ""
    if rest:
        tail = rest[1:].split(".", 1)
        if _BACKGROUND.match(tail[0]):
            background = tail[0]
            sample = tail[1] if len(tail) > 1 else ""
        else:
            sample = rest[1:]
    parts = ComposedName(
        scope=scope,
        detector_version=detector_version,
        detector_config=detector_config,
        physics=run.group(1),
        evgen=run.group(2),
        simu=run.group(3),
        reco=run.group(4),
        background=background,
        sample=sample,
    )
    if build_dataset_name(parts) != name:
        raise NameError_(f"'{name}' is not in canonical composed form")
    return parts


def build_did(scope: str, name: str, block: int = 1) -> str:
    if block < 1:
        raise NameError_(f"block number must be >= 1, got {block}")
    return f"{scope}:{name}.b{block}"


def parse_did(did: str) -> tuple[str, str, int]:
    scope, sep, rest = did.partition(":")
    match = re.fullmatch(r"(.+)\.b([1-9]\d*)", rest)
    if not sep or not scope or match is None:
        raise NameError_(f"DID '{did}' is not of the form scope:name.b<N>")
    return scope, match.group(1), int(match.group(2))


def attempt_name(logical: str, try_number: int) -> str:
    """Physical PanDA task name of an attempt: ``logical`` for try 1, ``logical.tryN`` after."""
    if try_number < 1:
        raise NameError_(f"try number must be >= 1, got {try_number}")
    return logical if try_number == 1 else f"{logical}.try{try_number}"


_TASK_NAME_UNSAFE = re.compile(r"[^A-Za-z0-9._+=-]+")
TASK_NAME_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._+=-]*\Z")
EVGEN_ROOT = "/volatile/eic/EPIC/"


def task_name_for_issue(issue: int) -> str:
    return f"issue-{issue}"


def task_name_for_row_key(row_key: str) -> str:
    """A slash-free, stable task name for a catalogue row key such as ``Dataset Path=/a/b``."""
    _, _, value = row_key.partition("=")
    value = value.strip() or row_key
    if value.startswith(EVGEN_ROOT):
        value = value[len(EVGEN_ROOT) :]
    slug = _TASK_NAME_UNSAFE.sub("_", value.strip("/").replace("/", "."))
    slug = re.sub(r"\.{2,}", ".", slug).strip("._-")
    return ("req." + slug)[:200] if slug else "req.unnamed"
