"""The pipeline converges after any fault: for every write a first delivery, an ``!update``, a
merge and a refresh make, the write fails (before GitHub applies it, or after: the change is made
but the client sees a 502), the event is delivered again, and then there is exactly one branch,
one pull request, one status comment, one reply per command, a commit status on the head, and
no record is lost."""

from __future__ import annotations

import contextlib
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from pcs_gitops.errors import PcsError
from tests.support.fake_github import DROP, FakeGitHub
from tests.support.gh_events import (
    REQUESTER,
    comment_event,
    git,
    issue,
    issue_event,
    pull_closed_event,
    push_event,
)
from tests.support.online_pipeline import Online, file_issue

pytestmark = pytest.mark.slow
NUMBER = 260
STATUS = "<!-- pcs-status -->"


@dataclass
class Scenario:
    """Sets a request up to the point before the event, and builds the event."""

    name: str
    prepare: Callable[[Online], tuple[str, dict[str, Any]]]
    check: Callable[[Online], None]


def _opened(online: Online) -> dict[str, Any]:
    the_issue = file_issue(online, NUMBER)
    return issue_event("opened", the_issue)


def first_delivery(online: Online) -> tuple[str, dict[str, Any]]:
    return "issues", _opened(online)


def correction(online: Online) -> tuple[str, dict[str, Any]]:
    online.handle("issues", _opened(online))
    text = "!update Priority: 1"
    cid = online.fake.add_comment(NUMBER, text, user=REQUESTER)
    event = comment_event(issue(NUMBER), text, REQUESTER, comment_id=cid)
    return "issue_comment", event


def merge(online: Online) -> tuple[str, dict[str, Any]]:
    online.handle("issues", _opened(online))
    [number] = online.fake.state.pulls
    checkout = online.checkout
    git(checkout, "fetch", "-q", "origin", f"pcs/request-{NUMBER}")
    git(checkout, "merge", "-q", "--no-ff", "-m", "Merge", "FETCH_HEAD")
    git(checkout, "push", "-q", "origin", "main")
    sha = git(checkout, "rev-parse", "HEAD")
    online.fake.state.pulls[number].update(merged=True, merged_at="2026-11-30T00:00:00Z")
    event = pull_closed_event(NUMBER, number, merged=True, merge_sha=sha)
    event["repository"]["full_name"] = online.fake.repo
    event["pull_request"]["head"]["repo"]["full_name"] = online.fake.repo
    return "pull_request", event


def refresh(online: Online) -> tuple[str, dict[str, Any]]:
    online.handle("issues", _opened(online))
    checkout = online.checkout
    git(checkout, "pull", "-q", "origin", "main")
    # a change on main the request meets: the production config its task names (a change of
    # the site, or of another request, leaves the branch alone)
    config = checkout / "state" / "prod_configs" / "standard.yaml"
    text = config.read_text(encoding="utf-8")
    config.write_text(text.replace("description: ", "description: Reworded. ", 1), encoding="utf-8")
    git(checkout, "add", "-A")
    git(checkout, "commit", "-qm", "A change of the production config on main")
    git(checkout, "push", "-q", "origin", "main")
    return "push", push_event(git(checkout, "rev-parse", "HEAD"))


# --------------------------------------------------------------------------- invariants


def _bot_comments(online: Online) -> list[str]:
    return [c["body"] for c in online.comments(NUMBER) if c["user"] == online.fake.bot_login]


def one_of_everything(online: Online) -> None:
    branch = f"pcs/request-{NUMBER}"
    head = online.head(branch)
    assert head is not None, "the request branch is missing"
    opened = [p for p in online.fake.state.pulls.values() if p["head"] == branch]
    assert len(opened) == 1, f"{len(opened)} pull requests for {branch}"
    assert sum(STATUS in b for b in _bot_comments(online)) == 1
    contexts = [s for s in online.fake.state.statuses if s["sha"] == head]
    assert any(s["context"] == "pcs/validate" for s in contexts), "the head has no status"
    assert online.task(branch, NUMBER)["public_catalog"]["issue"] == NUMBER


def corrected(online: Online) -> None:
    one_of_everything(online)
    assert online.task(f"pcs/request-{NUMBER}", NUMBER)["catalog"]["priority"] == "1"
    replies = [b for b in _bot_comments(online) if "<!-- pcs-reply:" in b]
    assert len(replies) == 1


def merged(online: Online) -> None:
    assert online.head(f"pcs/request-{NUMBER}") is None
    assert online.task("main", NUMBER)["public_catalog"]["pr"] is not None
    assert sum(STATUS in b for b in _bot_comments(online)) == 1
    assert "In the catalogue since pull request" in next(
        b for b in _bot_comments(online) if STATUS in b
    )


SCENARIOS = (
    Scenario("first delivery", first_delivery, one_of_everything),
    Scenario("correction", correction, corrected),
    Scenario("merge", merge, merged),
    Scenario("refresh", refresh, one_of_everything),
)


@pytest.fixture(scope="module")
def clean_writes(tmp_path_factory: pytest.TempPathFactory) -> dict[str, list[tuple[str, str]]]:
    """The writes each scenario's event makes when nothing fails (measured once)."""
    found: dict[str, list[tuple[str, str]]] = {}
    for scenario in SCENARIOS:
        with FakeGitHub() as fake:
            online = Online(tmp_path_factory.mktemp("clean"), fake)
            name, payload = scenario.prepare(online)
            fake.clear_log()
            online.handle(name, payload)
            found[scenario.name] = list(fake.writes)
    return found


# (answer, applied first): a 502 before GitHub applies the write, a 502 after it, and a
# connection dropped after it (the client never hears that the write happened)
FAULTS = {"502-before": (502, False), "502-after": (502, True), "dropped-after": (DROP, True)}


def _cases() -> list[tuple[Scenario, int, str]]:
    # positions up to the most writes any scenario makes; a scenario skips positions it lacks
    return [(s, k, fault) for s in SCENARIOS for k in range(6) for fault in FAULTS]


@pytest.mark.parametrize(
    ("scenario", "position", "fault"),
    _cases(),
    ids=lambda v: v.name if isinstance(v, Scenario) else str(v),
)
def test_a_replay_after_a_failed_write_converges(
    tmp_path: Path,
    clean_writes: dict[str, list[tuple[str, str]]],
    scenario: Scenario,
    position: int,
    fault: str,
) -> None:
    writes = clean_writes[scenario.name]
    if position >= len(writes):
        pytest.skip(f"{scenario.name} makes {len(writes)} writes")
    method, path = writes[position]
    nth = writes[: position + 1].count((method, path))
    with FakeGitHub() as fake:
        online = Online(tmp_path / "faulty", fake)
        name, payload = scenario.prepare(online)
        status, after_change = FAULTS[fault]
        fake.add_fault(method, f"^{re.escape(path)}$", status, nth=nth, after_change=after_change)
        with contextlib.suppress(PcsError):  # the run fails at the fault; the next repairs
            online.handle(name, payload)
        online.handle(name, payload)
        scenario.check(online)
