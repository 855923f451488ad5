"""A local fake of the GitHub REST API v3 for one repository, served over real HTTP.

Start it with the ``fake_github`` fixture (``tests/support/fake_github_fixture.py``) or::

    with FakeGitHub() as fake:
        client = PyGithubClient("token", fake.repo, fake.url, ...)

What it offers
--------------
* ``url``: API base URL (``http://127.0.0.1:<port>``), routes at the root like api.github.com.
* ``repo``: the one repository served (``owner/name``); other repositories answer 404.
* ``state``: the in-memory state (``FakeState``): ``issues`` (PRs are issues too, as on GitHub),
  ``pulls``, ``comments``, ``labels``, ``statuses``, ``teams``, ``collaborators``.
* ``requests``: log of ``(method, path)`` received (path without the query string);
  ``calls``: the same with query, JSON body and headers; ``writes``: the non-GET part.
* seeding: ``add_issue``, ``add_pull``, ``add_comment``, ``add_team_member``,
  ``add_collaborator``.
* faults (``Fault`` rules, matched by method, or ``*``, and a regex searched in the path):
  ``add_fault(method, path_regex, status, nth=, times=, after_change=, delay=, headers=)`` is
  the general rule: on the ``nth`` matching call and ``times - 1`` after it, wait ``delay``
  seconds, then answer ``status`` (``DROP``: close the connection without an answer; ``None``:
  the normal answer), before the change or, with ``after_change``, after applying it (the write
  happened but the client sees the failure). Shorthands: ``fail_next`` (a status on the next
  call(s)), ``fail_after_change``, ``delay_next``, ``drop_next``, and ``rate_limit_next``: the
  secondary limit (403 or 429 with the "secondary rate limit" message, ``retry-after`` or
  none) or, with ``primary=True``, the hourly limit (``x-ratelimit-remaining: 0`` with or
  without ``x-ratelimit-reset``).
* a git remote for the same tests: ``tests/support/git_http.py`` (smart HTTP, token checked).

Fidelity notes (deliberately like GitHub, so adapters are tested against real shapes)
---------------------------------------------------------------------------------------
* Issue and PR numbers share one sequence; ``GET /issues`` lists PRs too (with a
  ``pull_request`` key that plain issues do not have).
* ``GET /pulls`` items omit ``merged`` (and other "full" fields) like GitHub's list response;
  ``GET/POST/PATCH /pulls/{n}`` include them.
* ``POST /pulls`` answers 422 "A pull request already exists for owner:branch." when an open PR
  with the same head and base exists.
* Pagination: ``per_page`` (default 30, max 100) and ``page``, with a ``Link`` header of absolute
  URLs built from the request's ``Host``.
* ``DELETE /issues/{n}/labels/{name}`` answers 404 "Label does not exist" when absent.
* Commit-status descriptions longer than 140 characters answer 422.
* Tokens: if ``tokens`` (token -> login) is empty any token authenticates as ``bot_login``;
  otherwise an unknown token gets 401 "Bad credentials". No token: reads work anonymously,
  ``GET /user`` and writes get 401 "Requires authentication".
"""

from __future__ import annotations

import hashlib
import json
import re
import threading
import time
import urllib.parse
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

DOCS = "https://docs.github.com/rest"
HTML_BASE = "https://github.com"
SECONDARY_RATE_LIMIT_MESSAGE = (
    "You have exceeded a secondary rate limit. Please wait a few minutes before you try again. "
    "If you reach out to GitHub Support for help, please include the request ID FAKE:0001."
)
PRIMARY_RATE_LIMIT_MESSAGE = (
    "API rate limit exceeded for installation ID 1. If you reach out to GitHub Support for "
    "help, please include the request ID FAKE:0002."
)
STATUS_STATES = ("error", "failure", "pending", "success")
_DEFAULT_MESSAGES = {
    422: "Validation Failed",
    404: "Not Found",
    403: "Forbidden",
    401: "Bad credentials",
    409: "Conflict",
}


def _server_or_error(status: int) -> str:
    return "Server Error" if status >= 500 else "Error"


class HttpError(Exception):
    def __init__(self, status: int, body: Any, headers: dict[str, str] | None = None) -> None:
        super().__init__(status)
        self.status = status
        self.body = body
        self.headers = headers or {}


def not_found() -> HttpError:
    return HttpError(404, {"message": "Not Found", "documentation_url": DOCS})


def validation_failed(*errors: dict[str, Any]) -> HttpError:
    return HttpError(
        422, {"message": "Validation Failed", "errors": list(errors), "documentation_url": DOCS}
    )


@dataclass
class Call:
    method: str
    path: str
    query: dict[str, str]
    body: Any
    headers: dict[str, str]


DROP = 0  # a fault "status" that closes the connection without an answer


@dataclass
class Fault:
    """A fault rule: on the ``nth`` matching request and the ``times - 1`` after it, wait
    ``delay`` seconds, then answer ``status`` (``DROP``: hang up; ``None``: answer normally)
    with ``body`` and ``headers`` (a header set to None is left out, defaults included). With
    ``after_change`` the request is applied first, so the change is made although the client
    sees the failure."""

    method: str
    pattern: re.Pattern[str]
    status: int | None
    body: Any = None
    headers: dict[str, str | None] = field(default_factory=dict)
    times: int = 1
    nth: int = 1
    after_change: bool = False
    delay: float = 0.0
    seen: int = 0

    def matches(self, method: str, path: str) -> bool:
        return self.method in ("*", method) and self.pattern.search(path) is not None

    def response(self) -> tuple[int, Any, dict[str, str | None]]:
        assert self.status is not None
        return self.status, self.body, dict(self.headers)


@dataclass
class FakeState:
    """The repository state; plain dicts so tests can inspect and tweak them."""

    owner: str
    name: str
    issues: dict[int, dict[str, Any]] = field(default_factory=dict)
    pulls: dict[int, dict[str, Any]] = field(default_factory=dict)
    comments: dict[int, dict[str, Any]] = field(default_factory=dict)
    labels: dict[str, dict[str, Any]] = field(default_factory=dict)
    statuses: list[dict[str, Any]] = field(default_factory=list)
    # (org, team_slug) -> login -> {"role": "member"|"maintainer", "state": "active"|"pending"}
    teams: dict[tuple[str, str], dict[str, dict[str, str]]] = field(default_factory=dict)
    collaborators: dict[str, str] = field(default_factory=dict)  # login -> permission
    next_number: int = 1
    next_comment_id: int = 1_000_001
    next_status_id: int = 1
    clock: datetime = datetime(2024, 1, 1, tzinfo=UTC)

    @property
    def full_name(self) -> str:
        return f"{self.owner}/{self.name}"

    def tick(self) -> str:
        self.clock += timedelta(seconds=1)
        return self.clock.strftime("%Y-%m-%dT%H:%M:%SZ")

    def labels_of(self, number: int) -> list[str]:
        return list(self.issues[number]["labels"])


def _user_id(login: str) -> int:
    return int(hashlib.sha256(login.encode()).hexdigest()[:7], 16)


def _sha_for(ref: str) -> str:
    return hashlib.sha1(ref.encode(), usedforsecurity=False).hexdigest()


class FakeGitHub:
    """The fake server (see the module docstring)."""

    def __init__(
        self,
        repo: str = "octo-org/pcs-state",
        *,
        bot_login: str = "pcs-bot",
        host: str = "127.0.0.1",
    ) -> None:
        owner, _, name = repo.partition("/")
        self.repo = repo
        self.bot_login = bot_login
        self.tokens: dict[str, str] = {}
        self.state = FakeState(owner=owner, name=name)
        self.requests: list[tuple[str, str]] = []
        self.calls: list[Call] = []
        self._faults: list[Fault] = []
        self._lock = threading.RLock()
        self._host = host
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # ------------------------------------------------------------------ lifecycle

    def start(self) -> FakeGitHub:
        fake = self

        class Handler(_Handler):
            server_fake = fake

        server = _Server((self._host, 0), Handler)
        self._server = server
        self._thread = threading.Thread(
            target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None

    def __enter__(self) -> FakeGitHub:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def url(self) -> str:
        assert self._server is not None, "FakeGitHub is not started"
        port = self._server.server_address[1]
        return f"http://{self._host}:{port}"

    # ------------------------------------------------------------------ logs

    @property
    def writes(self) -> list[tuple[str, str]]:
        return [(m, p) for m, p in self.requests if m != "GET"]

    def clear_log(self) -> None:
        with self._lock:
            self.requests.clear()
            self.calls.clear()

    # ------------------------------------------------------------------ failure injection

    def add_fault(
        self,
        method: str,
        path_regex: str,
        status: int | None = 502,
        body: Any = None,
        *,
        times: int = 1,
        nth: int = 1,
        after_change: bool = False,
        delay: float = 0.0,
        headers: dict[str, str | None] | None = None,
    ) -> Fault:
        """Add a fault rule (see ``Fault``) for ``method`` (or ``*``) and ``path_regex``
        (``re.search`` on the path without query); a ``body`` is made up for the status."""
        if body is None and status:
            body = {"message": _DEFAULT_MESSAGES.get(status, _server_or_error(status))}
            body["documentation_url"] = DOCS
        fault = Fault(
            method.upper(),
            re.compile(path_regex),
            status,
            body,
            dict(headers or {}),
            times=times,
            nth=nth,
            after_change=after_change,
            delay=delay,
        )
        with self._lock:
            self._faults.append(fault)
        return fault

    def fail_next(
        self,
        method: str,
        path_regex: str,
        status: int = 502,
        body: Any = None,
        *,
        times: int = 1,
        headers: dict[str, str] | None = None,
    ) -> None:
        """Answer the next ``times`` requests matching ``method`` (or ``*``) and ``path_regex``
        (``re.search`` on the path without query) with ``status`` and ``body``."""
        self.add_fault(method, path_regex, status, body, times=times, headers={**(headers or {})})

    def fail_after_change(
        self, method: str, path_regex: str, status: int = 502, *, nth: int = 1
    ) -> Fault:
        """Apply the ``nth`` matching request, then answer ``status`` (``DROP``: hang up)."""
        return self.add_fault(method, path_regex, status, nth=nth, after_change=True)

    def delay_next(self, method: str, path_regex: str, seconds: float, *, times: int = 1) -> Fault:
        """Answer the next matching request(s) normally, after ``seconds``."""
        return self.add_fault(method, path_regex, None, times=times, delay=seconds)

    def rate_limit_next(
        self,
        method: str,
        path_regex: str,
        *,
        times: int = 1,
        status: int = 403,
        retry_after: str | None = "0",
        primary: bool = False,
        reset: int | None = None,
    ) -> None:
        """A rate-limit answer: GitHub's secondary limit (403 or 429, ``retry-after`` and its
        message) or, with ``primary``, the hourly limit (``x-ratelimit-remaining: 0`` and
        ``x-ratelimit-reset``). ``retry_after=None`` or ``reset=None`` leave the header out."""
        remaining = "0" if primary else "4990"
        headers: dict[str, str | None] = {
            "x-ratelimit-limit": "5000",
            "x-ratelimit-remaining": remaining,
            "x-ratelimit-reset": None if reset is None else str(reset),
        }
        if retry_after is not None:
            headers["retry-after"] = retry_after
        body = {
            "message": PRIMARY_RATE_LIMIT_MESSAGE if primary else SECONDARY_RATE_LIMIT_MESSAGE,
            "documentation_url": "https://docs.github.com/rest/overview/rate-limits-for-the-rest-api",
        }
        self.add_fault(method, path_regex, status, body, times=times, headers=headers)

    def drop_next(self, method: str, path_regex: str, *, times: int = 1) -> None:
        """Close the connection of the next matching request(s) without answering."""
        self.add_fault(method, path_regex, DROP, {}, times=times)

    def _take_fault(self, method: str, path: str) -> Fault | None:
        with self._lock:
            for fault in self._faults:
                if not fault.matches(method, path):
                    continue
                fault.seen += 1
                if fault.seen < fault.nth:
                    continue
                fault.times -= 1
                if fault.times <= 0:
                    self._faults.remove(fault)
                return fault
        return None

    # ------------------------------------------------------------------ seeding

    def add_issue(
        self,
        number: int | None = None,
        title: str = "An issue",
        body: str = "",
        user: str = "someone",
        labels: Iterable[str] = (),
        *,
        state: str = "open",
    ) -> int:
        with self._lock:
            return self._new_issue(number, title, body, user, list(labels), state=state)

    def add_pull(
        self,
        head: str,
        base: str = "main",
        title: str = "A pull request",
        body: str = "",
        user: str | None = None,
        *,
        number: int | None = None,
        state: str = "open",
        merged: bool = False,
        labels: Iterable[str] = (),
    ) -> int:
        with self._lock:
            return self._new_pull(
                head,
                base,
                title,
                body,
                user or self.bot_login,
                number=number,
                state=state,
                merged=merged,
                labels=list(labels),
            )

    def add_comment(self, issue: int, body: str, user: str = "someone") -> int:
        with self._lock:
            return self._new_comment(issue, body, user)

    def add_team_member(
        self, org: str, team: str, login: str, *, role: str = "member", state: str = "active"
    ) -> None:
        with self._lock:
            self.state.teams.setdefault((org, team), {})[login] = {"role": role, "state": state}

    def add_collaborator(self, login: str, permission: str = "write") -> None:
        with self._lock:
            self.state.collaborators[login] = permission

    # ------------------------------------------------------------------ model operations

    def _new_issue(
        self,
        number: int | None,
        title: str,
        body: str | None,
        user: str,
        labels: list[str],
        *,
        state: str = "open",
    ) -> int:
        st = self.state
        if number is None:
            number = st.next_number
        if number in st.issues:
            raise ValueError(f"issue #{number} exists")
        st.next_number = max(st.next_number, number + 1)
        now = st.tick()
        for label in labels:
            self._ensure_label(label)
        st.issues[number] = {
            "number": number,
            "id": 2_000_000 + number,
            "title": title,
            "body": body,
            "user": user,
            "labels": list(dict.fromkeys(labels)),
            "state": state,
            "state_reason": "completed" if state == "closed" else None,
            "created_at": now,
            "updated_at": now,
            "closed_at": now if state == "closed" else None,
        }
        return number

    def _new_pull(
        self,
        head: str,
        base: str,
        title: str,
        body: str | None,
        user: str,
        *,
        number: int | None = None,
        state: str = "open",
        merged: bool = False,
        labels: list[str] | None = None,
    ) -> int:
        if merged:
            state = "closed"
        number = self._new_issue(number, title, body, user, labels or [], state=state)
        issue = self.state.issues[number]
        self.state.pulls[number] = {
            "number": number,
            "id": 3_000_000 + number,
            "head": head,
            "base": base,
            "head_sha": _sha_for(f"{head}@{number}"),
            "merged": merged,
            "merged_at": issue["closed_at"] if merged else None,
            "draft": False,
        }
        return number

    def _new_comment(self, issue: int, body: str, user: str) -> int:
        st = self.state
        if issue not in st.issues:
            raise not_found()
        cid = st.next_comment_id
        st.next_comment_id += 1
        now = st.tick()
        st.comments[cid] = {
            "id": cid,
            "issue": issue,
            "body": body,
            "user": user,
            "created_at": now,
            "updated_at": now,
        }
        return cid

    def _ensure_label(self, name: str) -> dict[str, Any]:
        labels = self.state.labels
        if name not in labels:
            labels[name] = {
                "id": 4_000_000 + len(labels) + 1,
                "name": name,
                "color": "ededed",
                "description": None,
                "default": False,
            }
        return labels[name]

    # ------------------------------------------------------------------ JSON shapes

    def _api(self, base: str, path: str) -> str:
        return f"{base}{path}"

    def user_json(self, base: str, login: str) -> dict[str, Any]:
        uid = _user_id(login)
        return {
            "login": login,
            "id": uid,
            "node_id": f"U_{uid}",
            "avatar_url": f"https://avatars.example/u/{uid}",
            "gravatar_id": "",
            "url": f"{base}/users/{urllib.parse.quote(login)}",
            "html_url": f"{HTML_BASE}/{login}",
            "type": "Bot" if login.endswith("[bot]") else "User",
            "site_admin": False,
        }

    def repo_json(self, base: str) -> dict[str, Any]:
        st = self.state
        rid = _user_id(st.full_name)
        return {
            "id": rid,
            "node_id": f"R_{rid}",
            "name": st.name,
            "full_name": st.full_name,
            "private": False,
            "owner": self.user_json(base, st.owner),
            "html_url": f"{HTML_BASE}/{st.full_name}",
            "description": None,
            "fork": False,
            "url": f"{base}/repos/{st.full_name}",
            "default_branch": "main",
            "visibility": "public",
            "archived": False,
            "disabled": False,
            "has_issues": True,
            "created_at": "2023-01-01T00:00:00Z",
            "updated_at": "2023-01-01T00:00:00Z",
            "pushed_at": "2023-01-01T00:00:00Z",
        }

    def label_json(self, base: str, name: str) -> dict[str, Any]:
        label = self._ensure_label(name)
        quoted = urllib.parse.quote(name, safe="")
        return {
            "id": label["id"],
            "node_id": f"LA_{label['id']}",
            "url": f"{base}/repos/{self.state.full_name}/labels/{quoted}",
            "name": name,
            "color": label["color"],
            "default": label["default"],
            "description": label["description"],
        }

    def issue_json(self, base: str, number: int) -> dict[str, Any]:
        st = self.state
        issue = st.issues[number]
        repo_api = f"{base}/repos/{st.full_name}"
        is_pull = number in st.pulls
        kind = "pull" if is_pull else "issues"
        data: dict[str, Any] = {
            "id": issue["id"],
            "node_id": f"I_{issue['id']}",
            "number": number,
            "title": issue["title"],
            "body": issue["body"],
            "user": self.user_json(base, issue["user"]),
            "labels": [self.label_json(base, n) for n in issue["labels"]],
            "state": issue["state"],
            "state_reason": issue["state_reason"],
            "locked": False,
            "assignee": None,
            "assignees": [],
            "milestone": None,
            "comments": sum(1 for c in st.comments.values() if c["issue"] == number),
            "created_at": issue["created_at"],
            "updated_at": issue["updated_at"],
            "closed_at": issue["closed_at"],
            "author_association": "MEMBER",
            "url": f"{repo_api}/issues/{number}",
            "repository_url": repo_api,
            "labels_url": f"{repo_api}/issues/{number}/labels{{/name}}",
            "comments_url": f"{repo_api}/issues/{number}/comments",
            "events_url": f"{repo_api}/issues/{number}/events",
            "html_url": f"{HTML_BASE}/{st.full_name}/{kind}/{number}",
        }
        if is_pull:
            data["pull_request"] = {
                "url": f"{repo_api}/pulls/{number}",
                "html_url": f"{HTML_BASE}/{st.full_name}/pull/{number}",
                "diff_url": f"{HTML_BASE}/{st.full_name}/pull/{number}.diff",
                "patch_url": f"{HTML_BASE}/{st.full_name}/pull/{number}.patch",
                "merged_at": st.pulls[number]["merged_at"],
            }
        return data

    def pull_json(self, base: str, number: int, *, full: bool = True) -> dict[str, Any]:
        st = self.state
        issue = st.issues[number]
        pull = st.pulls[number]
        repo_api = f"{base}/repos/{st.full_name}"
        repo = self.repo_json(base)
        owner = self.user_json(base, st.owner)
        html = f"{HTML_BASE}/{st.full_name}/pull/{number}"
        data: dict[str, Any] = {
            "id": pull["id"],
            "node_id": f"PR_{pull['id']}",
            "number": number,
            "state": issue["state"],
            "locked": False,
            "title": issue["title"],
            "body": issue["body"],
            "user": self.user_json(base, issue["user"]),
            "labels": [self.label_json(base, n) for n in issue["labels"]],
            "milestone": None,
            "assignee": None,
            "assignees": [],
            "requested_reviewers": [],
            "requested_teams": [],
            "draft": pull["draft"],
            "created_at": issue["created_at"],
            "updated_at": issue["updated_at"],
            "closed_at": issue["closed_at"],
            "merged_at": pull["merged_at"],
            "merge_commit_sha": _sha_for(f"merge-{number}") if pull["merged"] else None,
            "author_association": "MEMBER",
            "auto_merge": None,
            "head": {
                "label": f"{st.owner}:{pull['head']}",
                "ref": pull["head"],
                "sha": pull["head_sha"],
                "user": owner,
                "repo": repo,
            },
            "base": {
                "label": f"{st.owner}:{pull['base']}",
                "ref": pull["base"],
                "sha": _sha_for(pull["base"]),
                "user": owner,
                "repo": repo,
            },
            "url": f"{repo_api}/pulls/{number}",
            "html_url": html,
            "diff_url": f"{html}.diff",
            "patch_url": f"{html}.patch",
            "issue_url": f"{repo_api}/issues/{number}",
            "commits_url": f"{repo_api}/pulls/{number}/commits",
            "review_comments_url": f"{repo_api}/pulls/{number}/comments",
            "review_comment_url": f"{repo_api}/pulls/comments{{/number}}",
            "comments_url": f"{repo_api}/issues/{number}/comments",
            "statuses_url": f"{repo_api}/statuses/{pull['head_sha']}",
            "_links": {
                "self": {"href": f"{repo_api}/pulls/{number}"},
                "html": {"href": html},
                "issue": {"href": f"{repo_api}/issues/{number}"},
                "comments": {"href": f"{repo_api}/issues/{number}/comments"},
            },
        }
        if full:
            data.update(
                {
                    "merged": pull["merged"],
                    "mergeable": None if pull["merged"] else True,
                    "rebaseable": None,
                    "mergeable_state": "unknown" if pull["merged"] else "clean",
                    "merged_by": self.user_json(base, st.owner) if pull["merged"] else None,
                    "comments": sum(1 for c in st.comments.values() if c["issue"] == number),
                    "review_comments": 0,
                    "maintainer_can_modify": False,
                    "commits": 1,
                    "additions": 1,
                    "deletions": 0,
                    "changed_files": 1,
                }
            )
        return data

    def comment_json(self, base: str, cid: int) -> dict[str, Any]:
        st = self.state
        c = st.comments[cid]
        repo_api = f"{base}/repos/{st.full_name}"
        kind = "pull" if c["issue"] in st.pulls else "issues"
        return {
            "id": cid,
            "node_id": f"IC_{cid}",
            "url": f"{repo_api}/issues/comments/{cid}",
            "html_url": f"{HTML_BASE}/{st.full_name}/{kind}/{c['issue']}#issuecomment-{cid}",
            "issue_url": f"{repo_api}/issues/{c['issue']}",
            "body": c["body"],
            "user": self.user_json(base, c["user"]),
            "created_at": c["created_at"],
            "updated_at": c["updated_at"],
            "author_association": "MEMBER",
        }

    # ------------------------------------------------------------------ request handling

    def handle(
        self, method: str, raw_path: str, headers: dict[str, str], body: bytes
    ) -> tuple[int, Any, dict[str, str | None]]:
        parsed = urllib.parse.urlsplit(raw_path)
        path = parsed.path
        query = {k: v[-1] for k, v in urllib.parse.parse_qs(parsed.query).items()}
        payload: Any = None
        if body:
            try:
                payload = json.loads(body.decode("utf-8"))
            except ValueError:
                return 400, {"message": "Problems parsing JSON", "documentation_url": DOCS}, {}
        with self._lock:
            self.requests.append((method, path))
            self.calls.append(Call(method, path, query, payload, dict(headers)))
            fault = self._take_fault(method, path)
        if fault is not None and fault.delay:
            time.sleep(fault.delay)
        if fault is not None and fault.status is not None and not fault.after_change:
            return fault.response()
        with self._lock:
            base = f"http://{headers.get('host') or self._host}"
            try:
                login = self._authenticate(headers, method, path)
                status, data, extra = self._route(method, path, query, payload, base, login)
            except HttpError as exc:
                status, data, extra = exc.status, exc.body, exc.headers
        answer: tuple[int, Any, dict[str, str | None]] = (status, data, dict(extra))
        if fault is not None and fault.status is not None:
            return fault.response()
        return answer

    def _authenticate(self, headers: dict[str, str], method: str, path: str) -> str | None:
        auth = headers.get("authorization", "")
        token = auth.split(" ", 1)[1].strip() if " " in auth else ""
        if not token:
            if method != "GET" or path == "/user":
                raise HttpError(
                    401, {"message": "Requires authentication", "documentation_url": DOCS}
                )
            return None
        if self.tokens:
            if token not in self.tokens:
                raise HttpError(401, {"message": "Bad credentials", "documentation_url": DOCS})
            return self.tokens[token]
        return self.bot_login

    def _route(
        self,
        method: str,
        path: str,
        query: dict[str, str],
        payload: Any,
        base: str,
        login: str | None,
    ) -> tuple[int, Any, dict[str, str]]:
        for route_method, pattern, handler_name in _ROUTES:
            if route_method != method:
                continue
            m = pattern.fullmatch(path)
            if m is None:
                continue
            groups = {k: urllib.parse.unquote(v) for k, v in m.groupdict().items()}
            repo = groups.pop("repo", None)
            if repo is not None and repo.lower() != self.state.full_name.lower():
                raise not_found()
            handler = getattr(self, handler_name)
            result: tuple[int, Any, dict[str, str]] = handler(
                query=query, payload=payload, base=base, login=login, path=path, **groups
            )
            return result
        raise not_found()

    # -- helpers

    @staticmethod
    def _paginate(
        items: list[Any], query: dict[str, str], base: str, path: str
    ) -> tuple[list[Any], dict[str, str]]:
        try:
            per_page = max(1, min(int(query.get("per_page", "30")), 100))
            page = max(1, int(query.get("page", "1")))
        except ValueError as exc:
            raise validation_failed({"message": "page and per_page must be integers"}) from exc
        last = max(1, -(-len(items) // per_page))
        chunk = items[(page - 1) * per_page : page * per_page]

        def link(p: int) -> str:
            q = dict(query)
            q["page"] = str(p)
            return f"<{base}{path}?{urllib.parse.urlencode(q)}>"

        rels = []
        if page < last:
            rels += [f'{link(page + 1)}; rel="next"', f'{link(last)}; rel="last"']
        if page > 1:
            rels += [f'{link(1)}; rel="first"', f'{link(page - 1)}; rel="prev"']
        return chunk, ({"Link": ", ".join(rels)} if rels else {})

    def _issue_or_404(self, number: str) -> int:
        n = int(number)
        if n not in self.state.issues:
            raise not_found()
        return n

    def _pull_or_404(self, number: str) -> int:
        n = int(number)
        if n not in self.state.pulls:
            raise not_found()
        return n

    @staticmethod
    def _require_login(login: str | None) -> str:
        if login is None:
            raise HttpError(401, {"message": "Requires authentication", "documentation_url": DOCS})
        return login

    @staticmethod
    def _sort(
        items: list[int], records: dict[int, dict[str, Any]], query: dict[str, str]
    ) -> list[int]:
        sort = query.get("sort", "created")
        key = "updated_at" if sort == "updated" else "created_at"
        default_dir = "desc" if sort in ("created", "") else "asc"
        desc = query.get("direction", default_dir) == "desc"
        return sorted(items, key=lambda n: (records[n][key], n), reverse=desc)

    # -- users, repos, orgs

    def get_user(
        self, *, login: str | None, base: str, **_: Any
    ) -> tuple[int, Any, dict[str, str]]:
        login = self._require_login(login)
        data = self.user_json(base, login)
        data.update({"name": login, "public_repos": 0, "followers": 0, "following": 0})
        return 200, data, {}

    def get_repo(self, *, base: str, **_: Any) -> tuple[int, Any, dict[str, str]]:
        return 200, self.repo_json(base), {}

    def get_team(
        self, *, org: str, team: str, base: str, **_: Any
    ) -> tuple[int, Any, dict[str, str]]:
        if (org, team) not in self.state.teams:
            raise not_found()
        tid = _user_id(f"{org}/{team}")
        return (
            200,
            {
                "id": tid,
                "node_id": f"T_{tid}",
                "name": team,
                "slug": team,
                "url": f"{base}/organizations/{_user_id(org)}/team/{tid}",
                "html_url": f"{HTML_BASE}/orgs/{org}/teams/{team}",
                "privacy": "closed",
                "permission": "pull",
            },
            {},
        )

    def get_team_membership(
        self, *, org: str, team: str, user: str, base: str, **_: Any
    ) -> tuple[int, Any, dict[str, str]]:
        member = self.state.teams.get((org, team), {}).get(user)
        if member is None:
            raise not_found()
        url = f"{base}/organizations/{_user_id(org)}/team/{_user_id(f'{org}/{team}')}"
        return (
            200,
            {"url": f"{url}/memberships/{user}", "role": member["role"], "state": member["state"]},
            {},
        )

    def get_collaborator_permission(
        self, *, user: str, base: str, **_: Any
    ) -> tuple[int, Any, dict[str, str]]:
        permission = self.state.collaborators.get(user, "none")
        return (
            200,
            {"permission": permission, "role_name": permission, "user": self.user_json(base, user)},
            {},
        )

    def get_collaborator(self, *, user: str, **_: Any) -> tuple[int, Any, dict[str, str]]:
        if user not in self.state.collaborators:
            raise not_found()
        return 204, None, {}

    # -- issues

    def list_issues(
        self, *, query: dict[str, str], base: str, path: str, **_: Any
    ) -> tuple[int, Any, dict[str, str]]:
        st = self.state
        state = query.get("state", "open")
        wanted = [s for s in query.get("labels", "").split(",") if s]
        numbers = [
            n
            for n, issue in st.issues.items()
            if (state == "all" or issue["state"] == state)
            and all(label in issue["labels"] for label in wanted)
            and ("creator" not in query or issue["user"] == query["creator"])
        ]
        numbers = self._sort(numbers, st.issues, query)
        page, headers = self._paginate(numbers, query, base, path)
        return 200, [self.issue_json(base, n) for n in page], headers

    def create_issue(
        self, *, payload: Any, login: str | None, base: str, **_: Any
    ) -> tuple[int, Any, dict[str, str]]:
        login = self._require_login(login)
        if not isinstance(payload, dict) or not payload.get("title"):
            raise validation_failed(
                {"resource": "Issue", "field": "title", "code": "missing_field"}
            )
        labels = payload.get("labels") or []
        number = self._new_issue(
            None, str(payload["title"]), payload.get("body"), login, [str(x) for x in labels]
        )
        return 201, self.issue_json(base, number), {}

    def get_issue(self, *, number: str, base: str, **_: Any) -> tuple[int, Any, dict[str, str]]:
        return 200, self.issue_json(base, self._issue_or_404(number)), {}

    def _edit_issue(self, n: int, payload: dict[str, Any]) -> None:
        issue = self.state.issues[n]
        for key in ("title", "body"):
            if key in payload:
                issue[key] = payload[key]
        if "labels" in payload:
            for label in payload["labels"]:
                self._ensure_label(label)
            issue["labels"] = list(dict.fromkeys(payload["labels"]))
        now = self.state.tick()
        if "state" in payload:
            state = payload["state"]
            if state not in ("open", "closed"):
                raise validation_failed({"resource": "Issue", "field": "state", "code": "invalid"})
            if state == "open" and n in self.state.pulls and self.state.pulls[n]["merged"]:
                raise validation_failed(
                    {
                        "resource": "PullRequest",
                        "code": "custom",
                        "message": "Cannot reopen a merged pull request.",
                    }
                )
            if state != issue["state"]:
                issue["closed_at"] = now if state == "closed" else None
            issue["state"] = state
            if state == "closed":
                issue["state_reason"] = payload.get("state_reason") or "completed"
            else:
                issue["state_reason"] = "reopened"
        elif "state_reason" in payload:
            issue["state_reason"] = payload["state_reason"]
        issue["updated_at"] = now

    def update_issue(
        self, *, number: str, payload: Any, login: str | None, base: str, **_: Any
    ) -> tuple[int, Any, dict[str, str]]:
        self._require_login(login)
        n = self._issue_or_404(number)
        self._edit_issue(n, payload if isinstance(payload, dict) else {})
        return 200, self.issue_json(base, n), {}

    # -- comments

    def list_comments(
        self, *, number: str, query: dict[str, str], base: str, path: str, **_: Any
    ) -> tuple[int, Any, dict[str, str]]:
        n = self._issue_or_404(number)
        ids = sorted(cid for cid, c in self.state.comments.items() if c["issue"] == n)
        page, headers = self._paginate(ids, query, base, path)
        return 200, [self.comment_json(base, cid) for cid in page], headers

    def create_comment(
        self, *, number: str, payload: Any, login: str | None, base: str, **_: Any
    ) -> tuple[int, Any, dict[str, str]]:
        login = self._require_login(login)
        n = self._issue_or_404(number)
        if not isinstance(payload, dict) or not isinstance(payload.get("body"), str):
            raise validation_failed(
                {"resource": "IssueComment", "field": "body", "code": "missing_field"}
            )
        cid = self._new_comment(n, payload["body"], login)
        return 201, self.comment_json(base, cid), {}

    def get_comment(self, *, cid: str, base: str, **_: Any) -> tuple[int, Any, dict[str, str]]:
        if int(cid) not in self.state.comments:
            raise not_found()
        return 200, self.comment_json(base, int(cid)), {}

    def update_comment(
        self, *, cid: str, payload: Any, login: str | None, base: str, **_: Any
    ) -> tuple[int, Any, dict[str, str]]:
        self._require_login(login)
        comment = self.state.comments.get(int(cid))
        if comment is None:
            raise not_found()
        if not isinstance(payload, dict) or not isinstance(payload.get("body"), str):
            raise validation_failed(
                {"resource": "IssueComment", "field": "body", "code": "missing_field"}
            )
        comment["body"] = payload["body"]
        comment["updated_at"] = self.state.tick()
        return 200, self.comment_json(base, int(cid)), {}

    # -- labels

    def add_labels(
        self, *, number: str, payload: Any, login: str | None, base: str, **_: Any
    ) -> tuple[int, Any, dict[str, str]]:
        self._require_login(login)
        n = self._issue_or_404(number)
        names = payload.get("labels") if isinstance(payload, dict) else payload
        if not isinstance(names, list) or not all(isinstance(x, str) for x in names):
            raise validation_failed({"resource": "Label", "field": "labels", "code": "invalid"})
        issue = self.state.issues[n]
        for name in names:
            self._ensure_label(name)
            if name not in issue["labels"]:
                issue["labels"].append(name)
        issue["updated_at"] = self.state.tick()
        return 200, [self.label_json(base, x) for x in issue["labels"]], {}

    def remove_label(
        self, *, number: str, name: str, login: str | None, base: str, **_: Any
    ) -> tuple[int, Any, dict[str, str]]:
        self._require_login(login)
        n = self._issue_or_404(number)
        issue = self.state.issues[n]
        if name not in issue["labels"]:
            raise HttpError(404, {"message": "Label does not exist", "documentation_url": DOCS})
        issue["labels"].remove(name)
        issue["updated_at"] = self.state.tick()
        return 200, [self.label_json(base, x) for x in issue["labels"]], {}

    # -- pulls

    def list_pulls(
        self, *, query: dict[str, str], base: str, path: str, **_: Any
    ) -> tuple[int, Any, dict[str, str]]:
        st = self.state
        state = query.get("state", "open")
        head = query.get("head")
        head_owner, head_ref = head.split(":", 1) if head and ":" in head else (None, head)
        numbers = [
            n
            for n, pull in st.pulls.items()
            if (state == "all" or st.issues[n]["state"] == state)
            and (head is None or (pull["head"] == head_ref and head_owner in (None, st.owner)))
            and ("base" not in query or pull["base"] == query["base"])
        ]
        numbers = self._sort(numbers, st.issues, query)
        page, headers = self._paginate(numbers, query, base, path)
        return 200, [self.pull_json(base, n, full=False) for n in page], headers

    def create_pull(
        self, *, payload: Any, login: str | None, base: str, **_: Any
    ) -> tuple[int, Any, dict[str, str]]:
        login = self._require_login(login)
        st = self.state
        if not isinstance(payload, dict):
            payload = {}
        missing = [k for k in ("title", "head", "base") if not payload.get(k)]
        if missing:
            raise validation_failed(
                *({"resource": "PullRequest", "field": k, "code": "missing_field"} for k in missing)
            )
        head = str(payload["head"])
        if ":" in head:
            owner, head = head.split(":", 1)
            if owner != st.owner:
                raise validation_failed(
                    {"resource": "PullRequest", "field": "head", "code": "invalid"}
                )
        base_ref = str(payload["base"])
        for n, pull in st.pulls.items():
            if (
                pull["head"] == head
                and pull["base"] == base_ref
                and st.issues[n]["state"] == "open"
            ):
                raise validation_failed(
                    {
                        "resource": "PullRequest",
                        "code": "custom",
                        "message": f"A pull request already exists for {st.owner}:{head}.",
                    }
                )
        number = self._new_pull(head, base_ref, str(payload["title"]), payload.get("body"), login)
        return 201, self.pull_json(base, number), {}

    def get_pull(self, *, number: str, base: str, **_: Any) -> tuple[int, Any, dict[str, str]]:
        return 200, self.pull_json(base, self._pull_or_404(number)), {}

    def update_pull(
        self, *, number: str, payload: Any, login: str | None, base: str, **_: Any
    ) -> tuple[int, Any, dict[str, str]]:
        self._require_login(login)
        n = self._pull_or_404(number)
        payload = payload if isinstance(payload, dict) else {}
        self._edit_issue(n, {k: v for k, v in payload.items() if k in ("title", "body", "state")})
        if "base" in payload:
            self.state.pulls[n]["base"] = payload["base"]
        return 200, self.pull_json(base, n), {}

    # -- statuses

    def create_status(
        self, *, sha: str, payload: Any, login: str | None, base: str, **_: Any
    ) -> tuple[int, Any, dict[str, str]]:
        login = self._require_login(login)
        st = self.state
        if not isinstance(payload, dict) or payload.get("state") not in STATUS_STATES:
            raise validation_failed({"resource": "Status", "field": "state", "code": "invalid"})
        description = payload.get("description")
        if description is not None and len(description) > 140:
            raise validation_failed(
                {
                    "resource": "Status",
                    "code": "custom",
                    "field": "description",
                    "message": "description is too long (maximum is 140 characters)",
                }
            )
        sid = st.next_status_id
        st.next_status_id += 1
        now = st.tick()
        status = {
            "url": f"{base}/repos/{st.full_name}/statuses/{sha}",
            "avatar_url": None,
            "id": sid,
            "node_id": f"SC_{sid}",
            "sha": sha,
            "state": payload["state"],
            "description": description,
            "target_url": payload.get("target_url"),
            "context": payload.get("context") or "default",
            "created_at": now,
            "updated_at": now,
            "creator": self.user_json(base, login),
        }
        st.statuses.append(status)
        return 201, {k: v for k, v in status.items() if k != "sha"}, {}


_ROUTES: list[tuple[str, re.Pattern[str], str]] = [
    (method, re.compile(pattern), handler)
    for method, pattern, handler in [
        ("GET", r"/user", "get_user"),
        ("GET", r"/repos/(?P<repo>[^/]+/[^/]+)", "get_repo"),
        ("GET", r"/repos/(?P<repo>[^/]+/[^/]+)/issues", "list_issues"),
        ("POST", r"/repos/(?P<repo>[^/]+/[^/]+)/issues", "create_issue"),
        ("GET", r"/repos/(?P<repo>[^/]+/[^/]+)/issues/comments/(?P<cid>\d+)", "get_comment"),
        ("PATCH", r"/repos/(?P<repo>[^/]+/[^/]+)/issues/comments/(?P<cid>\d+)", "update_comment"),
        ("GET", r"/repos/(?P<repo>[^/]+/[^/]+)/issues/(?P<number>\d+)", "get_issue"),
        ("PATCH", r"/repos/(?P<repo>[^/]+/[^/]+)/issues/(?P<number>\d+)", "update_issue"),
        ("GET", r"/repos/(?P<repo>[^/]+/[^/]+)/issues/(?P<number>\d+)/comments", "list_comments"),
        ("POST", r"/repos/(?P<repo>[^/]+/[^/]+)/issues/(?P<number>\d+)/comments", "create_comment"),
        ("POST", r"/repos/(?P<repo>[^/]+/[^/]+)/issues/(?P<number>\d+)/labels", "add_labels"),
        (
            "DELETE",
            r"/repos/(?P<repo>[^/]+/[^/]+)/issues/(?P<number>\d+)/labels/(?P<name>.+)",
            "remove_label",
        ),
        ("GET", r"/repos/(?P<repo>[^/]+/[^/]+)/pulls", "list_pulls"),
        ("POST", r"/repos/(?P<repo>[^/]+/[^/]+)/pulls", "create_pull"),
        ("GET", r"/repos/(?P<repo>[^/]+/[^/]+)/pulls/(?P<number>\d+)", "get_pull"),
        ("PATCH", r"/repos/(?P<repo>[^/]+/[^/]+)/pulls/(?P<number>\d+)", "update_pull"),
        (
            "POST",
            r"/repos/(?P<repo>[^/]+/[^/]+)/statuses/(?P<sha>[0-9A-Za-z._-]+)",
            "create_status",
        ),
        (
            "GET",
            r"/repos/(?P<repo>[^/]+/[^/]+)/collaborators/(?P<user>[^/]+)/permission",
            "get_collaborator_permission",
        ),
        ("GET", r"/repos/(?P<repo>[^/]+/[^/]+)/collaborators/(?P<user>[^/]+)", "get_collaborator"),
        ("GET", r"/orgs/(?P<org>[^/]+)/teams/(?P<team>[^/]+)", "get_team"),
        (
            "GET",
            r"/orgs/(?P<org>[^/]+)/teams/(?P<team>[^/]+)/memberships/(?P<user>[^/]+)",
            "get_team_membership",
        ),
    ]
]


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False  # keep-alive connections must not block shutdown
    allow_reuse_address = True


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True  # else each keep-alive response waits ~40 ms for an ACK
    server_fake: FakeGitHub
    timeout = 10  # idle keep-alive connections end eventually

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def _serve(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        headers = {k.lower(): v for k, v in self.headers.items()}
        status, data, extra = self.server_fake.handle(self.command, self.path, headers, body)
        if status == DROP:  # hang up without an answer
            self.close_connection = True
            return
        raw = b"" if data is None else json.dumps(data).encode("utf-8")
        self.send_response(status)
        fake = self.server_fake
        sent = {k.lower() for k in extra}
        defaults = {
            "X-RateLimit-Limit": "5000",
            "X-RateLimit-Remaining": str(max(0, 5000 - len(fake.requests))),
            "X-RateLimit-Reset": "4102444800",
        }
        for key, value in defaults.items():
            if key.lower() not in sent:
                self.send_header(key, value)
        for key, given in extra.items():
            if given is not None:  # None: the header is left out
                self.send_header(key, given)
        if raw:
            self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(raw)))
        self.end_headers()
        if raw and self.command != "HEAD":
            self.wfile.write(raw)

    do_GET = do_POST = do_PATCH = do_PUT = do_DELETE = do_HEAD = _serve


def iter_bodies(fake: FakeGitHub, method: str, path_regex: str) -> Iterator[Any]:
    """JSON bodies of the logged requests matching ``method`` and ``path_regex``."""
    pattern = re.compile(path_regex)
    for call in fake.calls:
        if call.method == method and pattern.search(call.path):
            yield call.body
