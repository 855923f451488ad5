"""GitHub Actions output: problems as workflow-command annotations, and a Markdown job summary.

Only inside an Actions job (``Settings.github_actions``); elsewhere every call does nothing.
Text that may come from an issue or a record is data: annotation values are escaped as the
runner expects (so a value cannot end the command or start another), and summary values are
escaped for GitHub's Markdown (no HTML, no links, no mentions, no table breaks).
"""

from __future__ import annotations

import re
import sys
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TextIO

from pcs_gitops.config import Settings

MAX_ANNOTATIONS = 50  # GitHub shows at most 10 errors and 10 warnings per step anyway
MAX_SUMMARY_ROWS = 200
_MD = {
    "&": "&amp;",
    "<": "&lt;",
    ">": "&gt;",
    "|": "&#124;",
    "`": "&#96;",
    "[": "&#91;",
    "]": "&#93;",
    "@": "&#64;",
    "*": "&#42;",
    "_": "&#95;",
    "\\": "&#92;",
}
_YAML_LINE = re.compile(r"\bline (\d+)\b")


def escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def md(text: object) -> str:
    """A value safe in a Markdown table cell; line breaks become ``<br>``."""
    escaped = "".join(_MD.get(c, c) for c in str(text).replace("\r\n", "\n"))
    return escaped.replace("\n", "<br>")


@dataclass(frozen=True)
class Annotation:
    level: str  # error | warning | notice
    message: str
    file: str | None = None
    line: int | None = None
    title: str | None = None

    def command(self) -> str:
        props = []
        if self.file:
            props.append(f"file={escape_property(self.file)}")
        if self.line:
            props.append(f"line={self.line}")
        if self.title:
            props.append(f"title={escape_property(self.title)}")
        head = f"::{self.level} {','.join(props)}" if props else f"::{self.level}"
        return f"{head}::{escape_data(self.message)}"


class ActionsOutput:
    """Annotations on ``stream`` (stderr by default: the runner reads workflow commands from
    both streams, and stdout stays the command's result, JSON included) and the job summary
    appended to ``$GITHUB_STEP_SUMMARY``."""

    def __init__(self, settings: Settings, stream: TextIO | None = None) -> None:
        self.enabled = settings.github_actions
        self.summary_path = settings.github_step_summary
        self.stream = stream

    def annotate(self, annotations: Iterable[Annotation]) -> None:
        if not self.enabled:
            return
        out = self.stream or sys.stderr
        for index, annotation in enumerate(annotations):
            if index == MAX_ANNOTATIONS:
                out.write(f"::notice::more problems than {MAX_ANNOTATIONS}; see the job summary\n")
                break
            out.write(annotation.command() + "\n")
        out.flush()

    def summarise(self, markdown: str) -> None:
        if not self.enabled or not self.summary_path:
            return
        with open(self.summary_path, "a", encoding="utf-8") as handle:
            handle.write(markdown.rstrip("\n") + "\n\n")


# --------------------------------------------------------------------------- pcs validate
def locate(text: str, json_path: str) -> int | None:
    """The line of a record field (``a.b[0].c``) in its YAML text, by indentation: the line of
    the deepest key found, or None when even the first is missing."""
    keys = [k for k in re.split(r"\.|\[\d+\]", json_path) if k]
    lines = text.splitlines()
    found: int | None = None
    start, indent = 0, -1
    for key in keys:
        hit = _find_key(lines, key, start, indent)
        if hit is None:
            break
        found = hit
        start = hit + 1
        indent = len(lines[hit]) - len(lines[hit].lstrip(" -"))
    return None if found is None else found + 1


def _find_key(lines: Sequence[str], key: str, start: int, parent_indent: int) -> int | None:
    pattern = re.compile(rf"^[ -]*{re.escape(key)}:(\s|$)")
    for number in range(start, len(lines)):
        line = lines[number]
        depth = len(line) - len(line.lstrip(" -"))
        if line.strip() and depth <= parent_indent and not line.lstrip().startswith("#"):
            return None
        if pattern.match(line):
            return number
    return None


def problem_annotations(root: Path, problems: Sequence[Mapping[str, str]]) -> list[Annotation]:
    """One error annotation per validation problem, on its file and (when found) line."""
    texts: dict[str, str] = {}
    annotations = []
    for problem in problems:
        file, path, message = problem["file"], problem["path"], problem["message"]
        line = _problem_line(root, file, path, message, texts)
        title = f"pcs validate: {path}" if path else "pcs validate"
        annotations.append(Annotation("error", message, file, line, title))
    return annotations


def _problem_line(
    root: Path, file: str, path: str, message: str, texts: dict[str, str]
) -> int | None:
    parsed = _YAML_LINE.search(message)
    if parsed:
        return int(parsed.group(1))
    if not path:
        return None
    if file not in texts:
        try:
            texts[file] = (root / file).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            texts[file] = ""
    return locate(texts[file], path)


def validate_summary(report: Mapping[str, Any]) -> str:
    problems = report["problems"]
    if not problems:
        return f"### pcs validate\n\n:white_check_mark: {report['files']} record files valid"
    rows = [
        f"| {md(p['file'])} | {md(p['path'] or '(record)')} | {md(p['message'])} |"
        for p in problems[:MAX_SUMMARY_ROWS]
    ]
    more = len(problems) - len(rows)
    lines = [
        "### pcs validate",
        "",
        f":x: {len(problems)} problem(s) in {report['files']} record files",
        "",
        "| file | field | problem |",
        "| --- | --- | --- |",
        *rows,
    ]
    if more:
        lines += ["", f"... and {more} more (run `pcs validate` locally)"]
    return "\n".join(lines)


# --------------------------------------------------------------------------- pcs gh handle
def handle_summary(report: Mapping[str, Any], settings: Settings) -> str:
    """What one event did, with links to the request, its branch and its pull request."""
    head = f"### pcs gh handle: {md(report['event'])} {md(report.get('action') or '')}".rstrip()
    if not report["handled"]:
        return f"{head}\n\nIgnored: {md(report['reason'])}"
    base = _repository_url(settings)
    rows = [("Request", _link(base, "issues", report.get("issue"), "#"))]
    branch = report.get("branch")
    if branch:
        rows.append(("Branch", f"`{md(branch)}`"))
    pull = report.get("pull")
    if pull:
        rows.append(
            ("Pull request", f"{_link(base, 'pull', pull['number'], '#')} {pull['action']}")
        )
    rows += _handle_rows(report)
    table = ["| | |", "| --- | --- |", *[f"| {k} | {v} |" for k, v in rows]]
    problems = [f"- {md(p)}" for p in report.get("problems") or []]
    body = [head, "", *table]
    if problems:
        body += ["", "Refused values (the status comment on the issue says why):", *problems]
    return "\n".join(body)


def _handle_rows(report: Mapping[str, Any]) -> list[tuple[str, str]]:
    rows = []
    commits = report.get("commits") or []
    rows.append(("Commits", ", ".join(f"`{c[:10]}`" for c in commits) or "none (no change)"))
    for key, label in (("status_comment", "Status comment"), ("reply", "Reply")):
        if report.get(key):
            rows.append((label, md(report[key])))
    labels = [f"+{x}" for x in report.get("labels_added") or []]
    labels += [f"-{x}" for x in report.get("labels_removed") or []]
    if labels:
        rows.append(("Labels", md(" ".join(labels))))
    if report.get("refreshed"):
        rows.append(("Refreshed", ", ".join(f"#{n}" for n in report["refreshed"])))
    mode = "offline" if report.get("offline") else "online"
    if report.get("dry_run"):
        mode += ", dry run"
    rows.append(("API calls", f"{report['api_calls']} ({report['write_calls']} writes), {mode}"))
    return rows


def handle_annotations(report: Mapping[str, Any]) -> list[Annotation]:
    title = f"request #{report.get('issue')}"
    return [Annotation("warning", str(p), title=title) for p in report.get("problems") or []]


def _repository_url(settings: Settings) -> str | None:
    if not settings.github_repository:
        return None
    return f"{settings.github_server_url.rstrip('/')}/{settings.github_repository}"


def _link(base: str | None, kind: str, number: object, prefix: str) -> str:
    if number is None:
        return "(none)"
    text = f"{prefix}{number}"
    return f"[{text}]({base}/{kind}/{number})" if base and isinstance(number, int) else text


# --------------------------------------------------------------------------- per command
def report_validation(settings: Settings, report: Mapping[str, Any]) -> None:
    output = ActionsOutput(settings)
    if output.enabled:
        output.annotate(problem_annotations(settings.repo_root, report["problems"]))
        output.summarise(validate_summary(report))


def report_stale(settings: Settings, stale: Sequence[str]) -> None:
    """``pcs render --check``: one error per derived file that differs from the records."""
    output = ActionsOutput(settings)
    if not output.enabled or not stale:
        return
    message = "derived file is stale; run 'pcs render' and commit the result"
    title = "pcs render --check"
    output.annotate(Annotation("error", message, path, None, title) for path in stale)
    rows = [f"- {md(path)}" for path in stale[:MAX_SUMMARY_ROWS]]
    more = [f"- ... and {len(stale) - len(rows)} more"] if len(stale) > len(rows) else []
    head = f"### pcs render --check\n\n:x: {len(stale)} derived file(s) differ from the records"
    output.summarise("\n".join([head, "", *rows, *more]))


def report_event(settings: Settings, report: Mapping[str, Any]) -> None:
    output = ActionsOutput(settings)
    if output.enabled:
        broken = report.get("base_problems") or []
        annotations = problem_annotations(settings.repo_root, broken) if broken else []
        output.annotate([*annotations, *handle_annotations(report)])
        output.summarise(handle_summary(report, settings))


def failure(settings: Settings, command: str, message: str) -> None:
    """A refused or failed command: one error annotation and a summary line."""
    output = ActionsOutput(settings)
    output.annotate([Annotation("error", message, title=f"pcs {command}")])
    output.summarise(f"### pcs {md(command)}\n\n:x: {md(message)}")
