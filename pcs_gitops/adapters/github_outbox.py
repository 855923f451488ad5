"""Offline ``GitHubPort``: writes go to an append-only JSON-lines outbox (``.pcs/outbox.jsonl``).

Every write appends exactly one line: a JSON object with an ``op`` field (``create_pull``,
``update_pull``, ``create_comment``, ``update_comment``, ``add_labels``, ``remove_label``,
``close_issue``, ``create_issue``, ``set_status``) and the operation's arguments; creations also
carry the number or id the outbox allocated (``number`` for PRs and issues, ``id`` for
comments). Lines are UTF-8, ``ensure_ascii=False``, ``sort_keys=True``, newline-terminated,
so the same operations always give the same bytes.

Reads are answered by replaying the outbox: a PR, comment or issue created earlier is found
again with the same number or id (numbers and ids are allocated sequentially after the largest
already in the outbox; PRs and issues share one sequence as on GitHub). Replaying an event
offline therefore finds what the previous run created and, when nothing changed, the services
write nothing new.

Offline there is no GitHub to ask about teams: ``team_members`` (``{"org/team": [logins]}``)
answers ``has_team_member``; everyone else is not a member.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pcs_gitops.errors import GitHubError
from pcs_gitops.services.github_port import CommentInfo, IssueInfo, PullInfo

__all__ = ["OUTBOX_OPS", "OutboxGitHub", "encode_line"]

OUTBOX_OPS = frozenset(
    {
        "create_pull",
        "update_pull",
        "create_comment",
        "update_comment",
        "add_labels",
        "remove_label",
        "close_issue",
        "create_issue",
        "set_status",
    }
)
PULL_STATES = ("open", "closed")
STATUS_STATES = ("error", "failure", "pending", "success")


def encode_line(entry: Mapping[str, Any]) -> bytes:
    """The bytes of one outbox line (deterministic for equal entries)."""
    text = json.dumps(dict(entry), ensure_ascii=False, sort_keys=True)
    return (text + "\n").encode("utf-8")


@dataclass
class _Pull:
    number: int
    head: str
    base: str
    title: str
    body: str
    state: str = "open"

    def info(self) -> PullInfo:
        return PullInfo(
            number=self.number,
            head=self.head,
            base=self.base,
            title=self.title,
            body=self.body,
            state=self.state,
            merged=False,
            html_url=f"outbox:pull/{self.number}",
        )


@dataclass
class _Issue:
    number: int
    title: str
    body: str
    state: str = "open"


@dataclass
class _Comment:
    id: int
    issue: int
    author: str
    body: str

    def info(self) -> CommentInfo:
        return CommentInfo(
            id=self.id,
            author=self.author,
            body=self.body,
            html_url=f"outbox:issue/{self.issue}#comment-{self.id}",
        )


@dataclass
class _Model:
    pulls: dict[int, _Pull] = field(default_factory=dict)
    issues: dict[int, _Issue] = field(default_factory=dict)
    comments: dict[int, _Comment] = field(default_factory=dict)
    labels: dict[int, list[str]] = field(default_factory=dict)
    closed: dict[int, str] = field(default_factory=dict)  # number -> reason (any number)
    statuses: list[dict[str, Any]] = field(default_factory=list)
    last_number: int = 0
    last_comment_id: int = 0


class OutboxGitHub:
    """``GitHubPort`` that records writes to a JSON-lines file and replays it for reads."""

    def __init__(
        self,
        path: str | os.PathLike[str],
        *,
        bot: str = "pcs-bot",
        team_members: Mapping[str, Iterable[str]] | None = None,
    ) -> None:
        self._path = Path(path)
        self._bot = bot
        self._teams = {key: frozenset(v) for key, v in (team_members or {}).items()}
        self._model: _Model | None = None
        self._calls = 0
        self._writes = 0
        self.written: list[dict[str, Any]] = []  # the entries appended by this instance

    # ------------------------------------------------------------------ plumbing

    @property
    def path(self) -> Path:
        return self._path

    @property
    def api_calls(self) -> int:
        """Port operations answered so far (the requests a real client would have made)."""
        return self._calls

    @property
    def write_calls(self) -> int:
        """Lines appended to the outbox so far."""
        return self._writes

    def __repr__(self) -> str:
        return f"OutboxGitHub({str(self._path)!r})"

    def reload(self) -> None:
        """Forget the replayed state; the next call reads the outbox again."""
        self._model = None

    def entries(self) -> list[dict[str, Any]]:
        """Every entry of the outbox file, in order."""
        return list(self._read_entries())

    def _read_entries(self) -> Iterable[dict[str, Any]]:
        try:
            raw = self._path.read_bytes()
        except FileNotFoundError:
            return []
        except OSError as exc:
            raise GitHubError(f"cannot read the outbox {self._path}: {exc}") from exc
        entries: list[dict[str, Any]] = []
        for lineno, line in enumerate(raw.split(b"\n"), start=1):
            if not line.strip():
                continue
            try:
                entry = json.loads(line.decode("utf-8"))
            except (UnicodeDecodeError, ValueError) as exc:
                raise GitHubError(
                    f"{self._path}:{lineno}: not a JSON object ({exc}); "
                    "fix or delete that line of the outbox"
                ) from exc
            if not isinstance(entry, dict) or entry.get("op") not in OUTBOX_OPS:
                raise GitHubError(
                    f"{self._path}:{lineno}: not an outbox entry (needs an 'op' among "
                    f"{', '.join(sorted(OUTBOX_OPS))}); fix or delete that line of the outbox"
                )
            entries.append(entry)
        return entries

    def _state(self) -> _Model:
        if self._model is None:
            model = _Model()
            for lineno, entry in enumerate(self._read_entries(), start=1):
                try:
                    self._apply(model, entry)
                except (KeyError, TypeError, ValueError) as exc:
                    raise GitHubError(
                        f"{self._path}: entry {lineno} ({entry.get('op')}) is malformed "
                        f"({exc!r}); fix or delete that line of the outbox"
                    ) from exc
            self._model = model
        return self._model

    @staticmethod
    def _apply(model: _Model, entry: Mapping[str, Any]) -> None:
        op = entry["op"]
        if op == "create_pull":
            number = int(entry["number"])
            model.pulls[number] = _Pull(
                number,
                str(entry["head"]),
                str(entry["base"]),
                str(entry["title"]),
                str(entry["body"]),
            )
            model.last_number = max(model.last_number, number)
        elif op == "update_pull":
            pull = model.pulls[int(entry["number"])]
            pull.title = str(entry.get("title", pull.title))
            pull.body = str(entry.get("body", pull.body))
            pull.state = str(entry.get("state", pull.state))
        elif op == "create_issue":
            number = int(entry["number"])
            model.issues[number] = _Issue(number, str(entry["title"]), str(entry["body"]))
            model.labels[number] = list(dict.fromkeys(str(x) for x in entry["labels"]))
            model.last_number = max(model.last_number, number)
        elif op == "create_comment":
            cid = int(entry["id"])
            model.comments[cid] = _Comment(
                cid, int(entry["issue"]), str(entry["author"]), str(entry["body"])
            )
            model.last_comment_id = max(model.last_comment_id, cid)
        elif op == "update_comment":
            model.comments[int(entry["id"])].body = str(entry["body"])
        elif op == "add_labels":
            current = model.labels.setdefault(int(entry["issue"]), [])
            current.extend(str(x) for x in entry["labels"] if str(x) not in current)
        elif op == "remove_label":
            current = model.labels.setdefault(int(entry["issue"]), [])
            if entry["label"] in current:
                current.remove(entry["label"])
        elif op == "close_issue":
            number = int(entry["issue"])
            model.closed[number] = str(entry["reason"])
            if number in model.pulls:
                model.pulls[number].state = "closed"
            if number in model.issues:
                model.issues[number].state = "closed"
        elif op == "set_status":
            model.statuses.append(dict(entry))

    def _append(self, entry: dict[str, Any]) -> None:
        model = self._state()
        data = encode_line(entry)
        try:
            self._path.parent.mkdir(parents=True, exist_ok=True)
            with self._path.open("ab") as out:
                if out.tell() > 0 and not self._ends_with_newline():
                    out.write(b"\n")  # a previous run died mid-line: do not glue onto it
                out.write(data)
                out.flush()
        except OSError as exc:
            raise GitHubError(
                f"cannot append to the outbox {self._path}: {exc}; check that its directory "
                "is writable"
            ) from exc
        self._apply(model, entry)
        self._writes += 1
        self.written.append(entry)

    def _ends_with_newline(self) -> bool:
        with self._path.open("rb") as f:
            f.seek(-1, os.SEEK_END)
            return f.read(1) == b"\n"

    def _call(self) -> _Model:
        self._calls += 1
        return self._state()

    # ------------------------------------------------------------------ pull requests

    def find_pull(self, head_branch: str) -> PullInfo | None:
        model = self._call()
        for number in sorted(model.pulls, reverse=True):
            if model.pulls[number].head == head_branch:
                return model.pulls[number].info()
        return None

    def create_pull(self, *, title: str, body: str, head: str, base: str) -> PullInfo:
        model = self._call()
        for pull in model.pulls.values():
            if pull.head == head and pull.base == base and pull.state == "open":
                raise GitHubError(
                    f"outbox refused create_pull: a pull request already exists for {head} "
                    f"(#{pull.number} in {self._path}). Check for it with find_pull first."
                )
        number = model.last_number + 1
        self._append(
            {
                "op": "create_pull",
                "number": number,
                "title": title,
                "body": body,
                "head": head,
                "base": base,
            }
        )
        return model.pulls[number].info()

    def update_pull(
        self,
        number: int,
        *,
        title: str | None = None,
        body: str | None = None,
        state: str | None = None,
    ) -> PullInfo:
        model = self._call()
        if number not in model.pulls:
            raise GitHubError(
                f"outbox refused update_pull: pull request #{number} is not in {self._path}. "
                "Offline, only pull requests created through the outbox can be changed."
            )
        if state is not None and state not in PULL_STATES:
            raise GitHubError(
                f"outbox refused update_pull: state must be open or closed, not {state!r}"
            )
        changes = {
            k: v for k, v in (("title", title), ("body", body), ("state", state)) if v is not None
        }
        if changes:
            self._append({"op": "update_pull", "number": number, **changes})
        return model.pulls[number].info()

    # ------------------------------------------------------------------ comments

    def list_comments(self, issue: int) -> list[CommentInfo]:
        model = self._call()
        return [c.info() for _, c in sorted(model.comments.items()) if c.issue == issue]

    def create_comment(self, issue: int, body: str) -> CommentInfo:
        model = self._call()
        cid = model.last_comment_id + 1
        self._append(
            {"op": "create_comment", "id": cid, "issue": issue, "author": self._bot, "body": body}
        )
        return model.comments[cid].info()

    def update_comment(self, comment_id: int, body: str) -> None:
        model = self._call()
        if comment_id not in model.comments:
            raise GitHubError(
                f"outbox refused update_comment: comment {comment_id} is not in {self._path}. "
                "Offline, only comments created through the outbox can be changed."
            )
        self._append({"op": "update_comment", "id": comment_id, "body": body})

    # ------------------------------------------------------------------ issues and labels

    def add_labels(self, issue: int, labels: Sequence[str]) -> None:
        self._call()
        names = list(labels)
        if names:
            self._append({"op": "add_labels", "issue": issue, "labels": names})

    def remove_label(self, issue: int, label: str) -> None:
        self._call()
        self._append({"op": "remove_label", "issue": issue, "label": label})

    def close_issue(self, issue: int, *, reason: str = "completed") -> None:
        self._call()
        self._append({"op": "close_issue", "issue": issue, "reason": reason})

    def create_issue(self, *, title: str, body: str, labels: Sequence[str]) -> int:
        model = self._call()
        number = model.last_number + 1
        self._append(
            {
                "op": "create_issue",
                "number": number,
                "title": title,
                "body": body,
                "labels": list(labels),
            }
        )
        return number

    def list_issues(self, label: str) -> list[IssueInfo]:
        """The open issues the outbox knows with ``label`` (the issues it opened, and those it
        labelled: the body and author of an issue it did not open are unknown offline)."""
        model = self._call()
        found = []
        for number in sorted(set(model.labels) | set(model.issues)):
            if label not in model.labels.get(number, []) or number in model.closed:
                continue
            issue = model.issues.get(number)
            found.append(
                IssueInfo(
                    number=number,
                    title=issue.title if issue else "",
                    body=issue.body if issue else "",
                    author=self._bot if issue else "",
                    labels=tuple(model.labels.get(number, [])),
                    state="open",
                )
            )
        return found

    def find_issue_by_marker(self, marker: str) -> int | None:
        model = self._call()
        for number in sorted(model.issues, reverse=True):
            if marker in model.issues[number].body:
                return number
        return None

    def labels_of(self, issue: int) -> list[str]:
        """The labels the outbox put on ``issue`` (not a port method; for tests and reports)."""
        return list(self._state().labels.get(issue, []))

    # ------------------------------------------------------------------ statuses, teams, identity

    def set_status(
        self,
        sha: str,
        *,
        state: str,
        context: str,
        description: str,
        target_url: str | None = None,
    ) -> None:
        self._call()
        if state not in STATUS_STATES:
            raise GitHubError(
                f"outbox refused set_status: state must be one of {', '.join(STATUS_STATES)}, "
                f"not {state!r}"
            )
        self._append(
            {
                "op": "set_status",
                "sha": sha,
                "state": state,
                "context": context,
                "description": description,
                "target_url": target_url,
            }
        )

    def has_team_member(self, org: str, team_slug: str, login: str) -> bool:
        self._calls += 1
        return login in self._teams.get(f"{org}/{team_slug}", frozenset())

    def bot_login(self) -> str:
        return self._bot
