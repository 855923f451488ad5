"""Telling the GitHub event from the shape of its payload."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from pcs_gitops.domain.event_payloads import guess_event_name

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "events"


@pytest.mark.parametrize(
    ("payload", "name"),
    [
        ({"action": "opened", "issue": {"number": 1}}, "issues"),
        ({"action": "created", "issue": {"number": 1}, "comment": {"id": 2}}, "issue_comment"),
        (
            {"action": "created", "issue": {"pull_request": {}}, "comment": {"id": 2}},
            "issue_comment",
        ),
        ({"action": "closed", "pull_request": {"number": 3}, "number": 3}, "pull_request"),
        ({"ref": "refs/heads/main", "before": "a", "after": "b", "commits": []}, "push"),
        ({"zen": "Keep it logically awesome.", "hook_id": 1}, None),
        ({}, None),
    ],
)
def test_the_event_name_follows_the_payload_shape(payload: dict[str, Any], name: str) -> None:
    assert guess_event_name(payload) == name


def test_the_example_request_is_an_issues_event() -> None:
    payload = json.loads((EXAMPLE / "dataset-request-opened.json").read_text())
    assert guess_event_name(payload) == "issues"
