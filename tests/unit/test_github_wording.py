"""The CLI hints of readiness checks and refusals, in GitHub terms."""

from __future__ import annotations

import pytest

from pcs_gitops.services.github_wording import for_github, names_cli_command


@pytest.mark.parametrize(
    ("cli", "github"),
    [
        (
            "no input dataset is linked; run 'pcs task link-input NAME --did DID'",
            "no input dataset is linked; comment '/pcs link-input SCOPE:NAME', or correct the "
            "Dataset Path with '!update'",
        ),
        (
            "physics tag unknown (placeholder p0): nothing in the input revealed it; correct it "
            "with 'pcs task confirm issue-7 --field physics_tag=p<N>' (or '/pcs confirm "
            "physics_tag=p<N>' on its issue)",
            "physics tag unknown (placeholder p0): nothing in the input revealed it; correct it "
            "by commenting '/pcs confirm physics_tag=p<N>'",
        ),
        (
            "evgen tag e1 is inferred from the path (certain), not confirmed: confirm it with "
            "'pcs task confirm issue-7' (or '/pcs confirm' on its issue); candidates: e2",
            "evgen tag e1 is inferred from the path (certain), not confirmed: confirm it by "
            "commenting '/pcs confirm' (or correct it: '/pcs confirm FIELD=LABEL'); candidates: e2",
        ),
        (
            "the request was withdrawn by anna; a production manager may reinstate it "
            "('pcs task reinstate issue-7')",
            "the request was withdrawn by anna; a production manager may reinstate it by "
            "commenting '/pcs reinstate'",
        ),
        (
            "physics tag p5001 is a draft; a production manager approves it with "
            "'pcs tag lock p5001'",
            "physics tag p5001 is a draft; a production manager approves it by locking it (with "
            "the pcs tool, MCP or REST)",
        ),
        (
            "no output dataset is composed yet; run 'pcs task compose-outputs issue-7'",
            "no output dataset is composed yet; correct the request with '!update' (its outputs "
            "are composed from its input and tags), or a production manager composes them again",
        ),
        (
            "how many files x holds is not recorded: run 'pcs dataset count-files NAME' (it "
            "reads a CSV manifest under the data roots; --files N records a known count), or "
            "give the number of events",
            "how many files x holds is not recorded: give the number of events ('!update Number "
            "of Events: N'), or a production manager records how many files the input holds",
        ),
        (
            "approval withdrawn: payload changed: x; run 'pcs task withdraw-stale-approvals' "
            "(the task goes back to draft), then a production manager approves the new payload",
            "approval withdrawn: payload changed: x; the task goes back to draft, then a "
            "production manager approves the new payload",
        ),
        (
            "no task is named 'x'; see 'pcs task list'",
            "no task is named 'x'; the catalogue's pages list them",
        ),
    ],
)
def test_cli_hints_become_comment_commands(cli: str, github: str) -> None:
    assert names_cli_command(cli)
    assert for_github(cli) == github
    assert not names_cli_command(for_github(cli))


def test_a_message_without_a_hint_is_left_as_it_is() -> None:
    text = "priority '7' is not one of 1, 2, 3, -1"
    assert for_github(text) == text and not names_cli_command(text)
