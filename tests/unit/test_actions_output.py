"""Annotations and the job summary: exact workflow-command syntax, untrusted text kept inert."""

from __future__ import annotations

import io
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from pcs_gitops.config import Settings
from pcs_gitops.entrypoints.actions_output import (
    ActionsOutput,
    Annotation,
    handle_summary,
    locate,
    md,
    validate_summary,
)

RECORD = """\
name: issue-5
status: draft
catalog:
  pwg: edt
  priority: '1'
input_datasets:
- name: x
  source:
    kind: path
"""


def actions(tmp_path: Path) -> Settings:
    return Settings(
        repo_root=tmp_path,
        github_actions=True,
        github_step_summary=str(tmp_path / "summary.md"),
        github_repository="eic/epic-prod",
    )


def test_an_annotation_names_file_line_and_title() -> None:
    annotation = Annotation("error", "bad value", "state/a.yaml", 3, "pcs validate: status")
    assert annotation.command() == (
        "::error file=state/a.yaml,line=3,title=pcs validate%3A status::bad value"
    )


def test_an_annotation_without_properties() -> None:
    assert Annotation("warning", "careful").command() == "::warning::careful"


@given(st.text())
def test_no_message_can_end_the_command_or_start_another(message: str) -> None:
    command = Annotation("error", message, "f, g:h", 1, "t\n::x").command()
    assert "\n" not in command and "\r" not in command
    assert command.startswith("::error file=f%2C g%3Ah,line=1,title=t%0A%3A%3Ax::")


def test_markdown_values_carry_no_html_links_mentions_or_cell_breaks() -> None:
    assert md("<b>x</b> | [a](b) @all `c`\nd") == (
        "&lt;b&gt;x&lt;/b&gt; &#124; &#91;a&#93;(b) &#64;all &#96;c&#96;<br>d"
    )


def test_locate_finds_nested_fields_by_indentation() -> None:
    assert locate(RECORD, "status") == 2
    assert locate(RECORD, "catalog.priority") == 5
    assert locate(RECORD, "input_datasets[0].source.kind") == 9
    assert locate(RECORD, "catalog.nothing") == 3
    assert locate(RECORD, "missing") is None


def test_outside_actions_nothing_is_written(tmp_path: Path) -> None:
    stream = io.StringIO()
    output = ActionsOutput(Settings(repo_root=tmp_path), stream)
    output.annotate([Annotation("error", "x")])
    output.summarise("# x")
    assert stream.getvalue() == ""
    assert list(tmp_path.iterdir()) == []


def test_annotations_are_capped(tmp_path: Path) -> None:
    stream = io.StringIO()
    ActionsOutput(actions(tmp_path), stream).annotate(
        Annotation("error", str(n)) for n in range(60)
    )
    lines = stream.getvalue().splitlines()
    assert len(lines) == 51
    assert lines[-1] == "::notice::more problems than 50; see the job summary"


def test_summaries_are_appended(tmp_path: Path) -> None:
    output = ActionsOutput(actions(tmp_path), io.StringIO())
    output.summarise("one")
    output.summarise("two\n")
    assert (tmp_path / "summary.md").read_text() == "one\n\ntwo\n\n"


def test_the_validate_summary_is_a_table_of_escaped_problems() -> None:
    report = {
        "files": 7,
        "problems": [{"file": "state/a.yaml", "path": "", "message": "<script>"}],
    }
    assert validate_summary(report).splitlines() == [
        "### pcs validate",
        "",
        ":x: 1 problem(s) in 7 record files",
        "",
        "| file | field | problem |",
        "| --- | --- | --- |",
        "| state/a.yaml | (record) | &lt;script&gt; |",
    ]
    assert validate_summary({"files": 7, "problems": []}) == (
        "### pcs validate\n\n:white_check_mark: 7 record files valid"
    )


def test_the_event_summary_links_the_request_and_its_pull_request(tmp_path: Path) -> None:
    report = {
        "event": "issues",
        "action": "opened",
        "handled": True,
        "issue": 201,
        "branch": "pcs/request-201",
        "commits": ["0123456789abcdef"],
        "pull": {"number": 1, "action": "created"},
        "status_comment": "created",
        "labels_added": ["pcs:awaiting-review"],
        "labels_removed": [],
        "problems": ["Number of Events: <not a number>"],
        "api_calls": 5,
        "write_calls": 4,
        "offline": False,
    }
    assert handle_summary(report, actions(tmp_path)).splitlines() == [
        "### pcs gh handle: issues opened",
        "",
        "| | |",
        "| --- | --- |",
        "| Request | [#201](https://github.com/eic/epic-prod/issues/201) |",
        "| Branch | `pcs/request-201` |",
        "| Pull request | [#1](https://github.com/eic/epic-prod/pull/1) created |",
        "| Commits | `0123456789` |",
        "| Status comment | created |",
        "| Labels | +pcs:awaiting-review |",
        "| API calls | 5 (4 writes), online |",
        "",
        "Refused values (the status comment on the issue says why):",
        "- Number of Events: &lt;not a number&gt;",
    ]


def test_an_ignored_event_says_why(tmp_path: Path) -> None:
    report = {"event": "push", "action": "", "handled": False, "reason": "not main"}
    assert handle_summary(report, actions(tmp_path)) == (
        "### pcs gh handle: push\n\nIgnored: not main"
    )
