"""OutboxGitHub: offline GitHub port recording to .pcs/outbox.jsonl."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pcs_gitops.adapters.github_outbox import OutboxGitHub, encode_line
from pcs_gitops.errors import GitHubError
from pcs_gitops.services.github_port import CommentInfo, GitHubPort, PullInfo


@pytest.fixture
def outbox_path(tmp_path: Path) -> Path:
    return tmp_path / ".pcs" / "outbox.jsonl"


def lines(path: Path) -> list[dict[str, object]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def sync_request(port: GitHubPort, branch: str, title: str, body: str, note: str) -> None:
    """A stand-in for a service: create or update the PR and its one bot comment."""
    pull = port.find_pull(branch)
    if pull is None:
        pull = port.create_pull(title=title, body=body, head=branch, base="main")
    elif (pull.title, pull.body) != (title, body):
        pull = port.update_pull(pull.number, title=title, body=body)
    mine = [c for c in port.list_comments(pull.number) if c.author == port.bot_login()]
    if not mine:
        port.create_comment(pull.number, note)
    elif mine[0].body != note:
        port.update_comment(mine[0].id, note)


def test_is_a_github_port(outbox_path: Path) -> None:
    assert isinstance(OutboxGitHub(outbox_path), GitHubPort)


def test_nothing_is_written_before_a_write(outbox_path: Path) -> None:
    box = OutboxGitHub(outbox_path)
    assert box.find_pull("x") is None
    assert box.list_comments(1) == []
    assert box.find_issue_by_marker("m") is None
    assert not outbox_path.exists()
    assert (box.api_calls, box.write_calls) == (3, 0)


def test_records_every_write_op(outbox_path: Path) -> None:
    box = OutboxGitHub(outbox_path)
    pr = box.create_pull(title="Request 5", body="b", head="pcs/request-5", base="main")
    box.update_pull(pr.number, title="Request 5 v2")
    comment = box.create_comment(pr.number, "note")
    box.update_comment(comment.id, "note 2")
    box.add_labels(pr.number, ["pcs/request", "pcs/new"])
    box.remove_label(pr.number, "pcs/new")
    number = box.create_issue(title="Issue", body="<!-- m -->", labels=["a"])
    box.close_issue(number, reason="not_planned")
    box.set_status("abc", state="success", context="pcs/validate", description="ok")

    assert [e["op"] for e in lines(outbox_path)] == [
        "create_pull",
        "update_pull",
        "create_comment",
        "update_comment",
        "add_labels",
        "remove_label",
        "create_issue",
        "close_issue",
        "set_status",
    ]
    assert lines(outbox_path)[0] == {
        "op": "create_pull",
        "number": 1,
        "title": "Request 5",
        "body": "b",
        "head": "pcs/request-5",
        "base": "main",
    }
    assert lines(outbox_path)[-1] == {
        "op": "set_status",
        "sha": "abc",
        "state": "success",
        "context": "pcs/validate",
        "description": "ok",
        "target_url": None,
    }
    assert box.write_calls == 9
    assert box.written == lines(outbox_path)
    assert box.entries() == lines(outbox_path)
    assert number == 2  # PRs and issues share one number sequence
    assert box.labels_of(pr.number) == ["pcs/request"]


def test_reads_reflect_the_writes(outbox_path: Path) -> None:
    box = OutboxGitHub(outbox_path, bot="pcs-bot")
    pr = box.create_pull(title="t", body="b", head="pcs/r-1", base="main")
    assert pr == PullInfo(
        number=1,
        head="pcs/r-1",
        base="main",
        title="t",
        body="b",
        state="open",
        merged=False,
        html_url="outbox:pull/1",
    )
    closed = box.update_pull(1, state="closed")
    assert closed.state == "closed"
    assert box.find_pull("pcs/r-1") == closed
    newer = box.create_pull(title="t2", body="b", head="pcs/r-1", base="main")
    assert box.find_pull("pcs/r-1") == newer  # newest first

    c1 = box.create_comment(7, "on a real issue")  # issues outside the outbox are fine
    assert c1 == CommentInfo(
        id=1, author="pcs-bot", body="on a real issue", html_url="outbox:issue/7#comment-1"
    )
    box.update_comment(c1.id, "edited ✓")
    assert box.list_comments(7) == [
        CommentInfo(id=1, author="pcs-bot", body="edited ✓", html_url="outbox:issue/7#comment-1")
    ]
    assert box.list_comments(1) == []

    marker = "<!-- pcs:id=9 -->"
    first = box.create_issue(title="i", body=f"x {marker}", labels=[])
    box.close_issue(first)
    assert box.find_issue_by_marker(marker) == first  # closed issues count
    assert box.find_issue_by_marker("<!-- other -->") is None


def test_replay_finds_the_pr_and_comment_and_writes_nothing_new(outbox_path: Path) -> None:
    first = OutboxGitHub(outbox_path)
    sync_request(first, "pcs/request-5", "Request 5", "body", "status: ok")
    assert first.write_calls == 2
    before = outbox_path.read_bytes()

    # a second run (new process) replays the same event
    second = OutboxGitHub(outbox_path)
    sync_request(second, "pcs/request-5", "Request 5", "body", "status: ok")
    assert second.write_calls == 0
    assert outbox_path.read_bytes() == before
    pull = second.find_pull("pcs/request-5")
    assert pull is not None and pull.number == 1
    assert [c.id for c in second.list_comments(1)] == [1]

    # a changed event updates the same PR and comment, with the same numbers
    third = OutboxGitHub(outbox_path)
    sync_request(third, "pcs/request-5", "Request 5", "body v2", "status: failed")
    assert [(e["op"], e.get("number", e.get("id"))) for e in third.written] == [
        ("update_pull", 1),
        ("update_comment", 1),
    ]


def test_numbers_continue_after_reload(outbox_path: Path) -> None:
    box = OutboxGitHub(outbox_path)
    box.create_pull(title="t", body="b", head="h1", base="main")
    box.create_comment(1, "c")
    again = OutboxGitHub(outbox_path)
    assert again.create_issue(title="i", body="b", labels=[]) == 2
    assert again.create_pull(title="t", body="b", head="h2", base="main").number == 3
    assert again.create_comment(3, "c").id == 2


def test_lines_are_byte_stable(tmp_path: Path) -> None:
    def run(path: Path) -> bytes:
        box = OutboxGitHub(path)
        box.create_pull(title="Réquest ✓", body="line 1\nline 2\u2028", head="pcs/é", base="main")
        box.add_labels(1, ["b", "a"])
        box.set_status("abc", state="pending", context="c", description="d", target_url="u")
        return path.read_bytes()

    one, two = run(tmp_path / "one.jsonl"), run(tmp_path / "two.jsonl")
    assert one == two
    assert one.split(b"\n")[0] == (
        '{"base": "main", "body": "line 1\\nline 2\u2028", "head": "pcs/é", "number": 1, '
        '"op": "create_pull", "title": "Réquest ✓"}'
    ).encode("utf-8")
    assert one.count(b"\n") == 3 and one.endswith(b"\n")
    assert encode_line({"b": 1, "a": "é"}) == '{"a": "é", "b": 1}\n'.encode()
    # the line separator inside a body does not break the replay
    assert OutboxGitHub(tmp_path / "one.jsonl").find_pull("pcs/é") is not None


def test_writes_are_append_only(outbox_path: Path) -> None:
    box = OutboxGitHub(outbox_path)
    box.create_comment(1, "a")
    before = outbox_path.read_bytes()
    box.create_comment(1, "b")
    assert outbox_path.read_bytes().startswith(before)


def test_a_torn_last_line_is_not_glued_to(outbox_path: Path) -> None:
    box = OutboxGitHub(outbox_path)
    box.create_comment(1, "a")
    with outbox_path.open("ab") as f:
        f.write(b'{"op": "create_comment", "id": 2, "issue": 1, "author": "x", "body": "b"}')
    again = OutboxGitHub(outbox_path)
    again.create_comment(1, "c")
    assert [e["id"] for e in lines(outbox_path)] == [1, 2, 3]


def test_a_corrupt_line_is_reported(outbox_path: Path) -> None:
    outbox_path.parent.mkdir(parents=True)
    outbox_path.write_text('{"op": "create_comment", "id": 1}\nnot json\n', encoding="utf-8")
    with pytest.raises(GitHubError, match=r"outbox\.jsonl:2: not a JSON object"):
        OutboxGitHub(outbox_path).find_pull("x")
    outbox_path.write_text('{"op": "frobnicate"}\n', encoding="utf-8")
    with pytest.raises(GitHubError, match=r"outbox\.jsonl:1: not an outbox entry"):
        OutboxGitHub(outbox_path).find_pull("x")
    outbox_path.write_text('{"op": "update_comment", "id": 5, "body": "x"}\n', encoding="utf-8")
    with pytest.raises(GitHubError, match=r"entry 1 \(update_comment\) is malformed"):
        OutboxGitHub(outbox_path).list_comments(1)


def test_refusals_like_github(outbox_path: Path) -> None:
    box = OutboxGitHub(outbox_path)
    box.create_pull(title="t", body="b", head="pcs/r", base="main")
    with pytest.raises(GitHubError, match="already exists for pcs/r"):
        box.create_pull(title="t", body="b", head="pcs/r", base="main")
    with pytest.raises(GitHubError, match="#9 is not in"):
        box.update_pull(9, title="x")
    with pytest.raises(GitHubError, match="open or closed"):
        box.update_pull(1, state="merged")
    with pytest.raises(GitHubError, match="comment 9 is not in"):
        box.update_comment(9, "x")
    with pytest.raises(GitHubError, match="state must be one of"):
        box.set_status("abc", state="great", context="c", description="d")
    assert box.write_calls == 1


def test_no_change_update_writes_nothing(outbox_path: Path) -> None:
    box = OutboxGitHub(outbox_path)
    box.create_pull(title="t", body="b", head="pcs/r", base="main")
    assert box.update_pull(1).title == "t"
    box.add_labels(1, [])
    assert box.write_calls == 1


def test_team_members_and_bot(outbox_path: Path) -> None:
    box = OutboxGitHub(
        outbox_path, bot="github-actions[bot]", team_members={"octo-org/leads": ["alice"]}
    )
    assert box.has_team_member("octo-org", "leads", "alice") is True
    assert box.has_team_member("octo-org", "leads", "bob") is False
    assert box.has_team_member("octo-org", "other", "alice") is False
    assert box.bot_login() == "github-actions[bot]"
    assert not outbox_path.exists()
