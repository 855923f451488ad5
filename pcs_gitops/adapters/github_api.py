"""GitHub REST adapter (PyGithub 2.x). The only module of ``pcs_gitops`` that imports ``github``.

``PyGithubClient`` implements ``services.github_port.GitHubPort`` for one repository.

Design notes
------------
* **Lazy.** Importing this module imports neither ``github`` nor ``requests`` (together ~0.3 s);
  the ``Github`` client is built on the first call that needs it. The client is created with
  ``lazy=True`` so that ``repo.get_issue(n)``, ``repo.get_pull(n)``, ``org.get_team_by_slug()``
  and ``repo.get_commit(sha)`` cost no request by themselves: a comment on issue 7 is exactly one
  ``POST``.
* **Retries.** A ``github.GithubRetry`` subclass (a ``urllib3.Retry``) retries 5xx, 429 and
  GitHub's rate-limit 403s with exponential backoff (``backoff``), honouring ``Retry-After``.
  A ``POST`` that got a 5xx, or lost its connection after being sent, is *not* retried
  (connection failures before sending are): GitHub may have created the PR, comment or issue
  before failing, and a blind retry would duplicate it (the caller finds it again through
  ``find_pull`` / ``find_issue_by_marker`` / its comment marker on the next run). ``GET``,
  ``PATCH``, ``PUT`` and ``DELETE`` are idempotent and retried. When retries are exhausted the
  last response is returned (``raise_on_status=False``) so PyGithub raises a normal
  ``GithubException`` carrying GitHub's status and message.
* **Request counting.** PyGithub has no request hook, and its ``Requester`` and connection
  classes are private or process-global. The one per-client object that sees every request on
  the wire is the ``Retry`` instance: urllib3 calls ``Retry.is_retry()`` exactly once for every
  HTTP response it receives (first attempts, retries and pagination pages alike) and
  ``Retry.increment(error=...)`` for every attempt that died without a response. The counting
  subclass tallies those calls (with the HTTP method, for ``write_calls``) into a counter it
  passes on through ``Retry.new()``, so every copy urllib3 makes keeps counting into the same
  place. The integration tests check ``api_calls`` against the request log of a real HTTP
  server, so a change in urllib3 would be noticed.
* **Dry run.** Reads go through; writes are not sent, are appended to ``dry_run_log`` (dicts
  with an ``op`` field, the same shape as the outbox lines) and return plausible values
  (number/id 0, the fields as they would be after the change).
* **Errors and waits.** ``github.GithubException`` and ``requests`` transport errors become
  ``pcs_gitops.errors.GitHubError``: one line naming the operation, the HTTP status, GitHub's
  message and what to check next (``github_errors``), the raw exception in its ``detail``. A
  retry that waits a second or more reports one line through ``progress``; PyGithub's own log
  lines (``Request GET /user failed with 403``, its retry chatter) are shown only with
  ``debug``.
"""

from __future__ import annotations

import logging
import sys
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import replace
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from pcs_gitops.adapters.github_errors import describe_failure, describe_unreachable, wait_message
from pcs_gitops.errors import GitHubError, UsageError
from pcs_gitops.services.github_port import CommentInfo, IssueInfo, PullInfo

if TYPE_CHECKING:
    from github import Github
    from github.IssueComment import IssueComment
    from github.PullRequest import PullRequest
    from github.Repository import Repository
    from urllib3 import Retry

__all__ = ["PyGithubClient", "RequestCounter"]

DEFAULT_API_URL = "https://api.github.com"
USER_AGENT = "pcs-gitops (PyGithub)"
# Token of the GitHub Actions app (GITHUB_TOKEN) cannot call GET /user; its comments are
# authored by this login.
ACTIONS_BOT_LOGIN = "github-actions[bot]"
STATUS_DESCRIPTION_MAX = 140  # GitHub rejects longer commit-status descriptions with 422
_RETRIED_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "PUT", "PATCH", "DELETE", "POST"})
_NOT_RETRIED_ON_5XX = frozenset({"POST"})
# Below this many seconds a retry's wait is not worth a line.
_SHOWN_WAIT = 1.0


class RequestCounter:
    """Thread-safe tally of the HTTP requests a client sent (attempts, including retries)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._total = 0
        self._writes = 0

    def record(self, method: str | None) -> None:
        with self._lock:
            self._total += 1
            if (method or "GET").upper() != "GET":
                self._writes += 1

    @property
    def total(self) -> int:
        return self._total

    @property
    def writes(self) -> int:
        return self._writes


_retry_class: Any = None


Progress = Callable[[str], None]


def _to_stderr(line: str) -> None:
    print(line, file=sys.stderr, flush=True)


def _counting_retry(counter: RequestCounter, **kwargs: Any) -> Retry:
    """A ``GithubRetry`` that counts requests into ``counter``.

    The subclass is built on first use, because defining it imports ``github``.
    """
    global _retry_class
    if _retry_class is None:
        _retry_class = _define_counting_retry_class()
    retry: Retry = _retry_class(counter=counter, **kwargs)
    return retry


def _define_counting_retry_class() -> type[Retry]:
    from types import TracebackType
    from typing import Self

    from github import GithubRetry
    from urllib3.connectionpool import ConnectionPool
    from urllib3.response import BaseHTTPResponse

    class CountingGithubRetry(GithubRetry):
        def __init__(
            self,
            *,
            counter: RequestCounter | None = None,
            progress: Progress | None = None,
            **kwargs: Any,
        ) -> None:
            self.counter = counter if counter is not None else RequestCounter()
            self.progress = progress
            super().__init__(**kwargs)

        def new(self, **kw: Any) -> Self:
            kw.setdefault("counter", self.counter)
            kw.setdefault("progress", self.progress)
            return super().new(**kw)

        def sleep(self, response: BaseHTTPResponse | None = None) -> None:
            # one line per wait worth mentioning, instead of PyGithub's log chatter
            wait = self.get_retry_after(response) if response is not None else None
            wait = self.get_backoff_time() if wait is None else wait
            if self.progress is not None and wait >= _SHOWN_WAIT and self.history:
                last = self.history[-1]
                self.progress(wait_message(last.method or "", last.url or "", last.status, wait))
            super().sleep(response)

        def is_retry(self, method: str, status_code: int, has_retry_after: bool = False) -> bool:
            # urllib3 calls this once for every response received: count the request here.
            self.counter.record(method)
            if status_code >= 500 and method.upper() in _NOT_RETRIED_ON_5XX:
                return False
            return bool(super().is_retry(method, status_code, has_retry_after))

        def increment(  # type: ignore[override]
            self,
            method: str | None = None,
            url: str | None = None,
            response: BaseHTTPResponse | None = None,
            error: Exception | None = None,
            _pool: ConnectionPool | None = None,
            _stacktrace: TracebackType | None = None,
        ) -> Retry:
            if response is None and error is not None:
                # an attempt that got no response (connection refused, reset, timeout)
                self.counter.record(method)
                if (method or "").upper() in _NOT_RETRIED_ON_5XX and self._is_read_error(error):
                    # the POST may have reached GitHub: do not send it twice
                    raise error.with_traceback(_stacktrace)
            return super().increment(method, url, response, error, _pool, _stacktrace)  # type: ignore[arg-type]

    return CountingGithubRetry


class PyGithubClient:
    """``GitHubPort`` over the GitHub REST API for one repository ``owner/name``."""

    def __init__(
        self,
        token: str,
        repository: str,
        api_url: str = DEFAULT_API_URL,
        *,
        dry_run: bool = False,
        retries: int = 3,
        backoff: float = 0.5,
        secondary_rate_wait: float = 60.0,
        seconds_between_requests: float | None = 0.25,
        seconds_between_writes: float | None = 1.0,
        timeout: int = 15,
        bot_login: str | None = None,
        debug: bool = False,
        progress: Progress | None = _to_stderr,
    ) -> None:
        """Nothing is imported or sent here.

        ``token`` may be empty for anonymous read-only use. ``secondary_rate_wait`` is how long
        to wait after a secondary-rate-limit 403 that carries no ``Retry-After`` header.
        ``seconds_between_requests``/``seconds_between_writes`` are PyGithub's throttling (its
        defaults; pass ``None`` to disable, as tests do). ``bot_login`` skips ``GET /user``.
        ``progress`` gets one line per retry wait of a second or more (``None``: silent);
        PyGithub's and urllib3's own log lines are shown only with ``debug``.
        """
        owner, sep, name = repository.strip().partition("/")
        if not sep or not owner or not name or "/" in name:
            raise UsageError(
                f"GitHub repository must be given as 'owner/name', got {repository!r}; "
                "check the repository setting (e.g. GITHUB_REPOSITORY)"
            )
        if retries < 0:
            raise UsageError(f"retries must be >= 0, got {retries}")
        self._token = token
        self._repository = f"{owner}/{name}"
        self._owner = owner
        self._api_url = (api_url or DEFAULT_API_URL).rstrip("/")
        self._dry_run = dry_run
        self._retries = retries
        self._backoff = backoff
        self._secondary_rate_wait = secondary_rate_wait
        self._seconds_between_requests = seconds_between_requests
        self._seconds_between_writes = seconds_between_writes
        self._timeout = timeout
        self._bot_login = bot_login
        self._debug = debug
        self._progress = progress
        self._counter = RequestCounter()
        self._gh: Github | None = None
        self._repo: Repository | None = None
        self.dry_run_log: list[dict[str, Any]] = []

    # ------------------------------------------------------------------ plumbing

    @property
    def repository(self) -> str:
        return self._repository

    @property
    def dry_run(self) -> bool:
        return self._dry_run

    @property
    def api_calls(self) -> int:
        return self._counter.total

    @property
    def write_calls(self) -> int:
        return self._counter.writes

    def close(self) -> None:
        """Close the HTTP connections (the client is rebuilt if used again)."""
        if self._gh is not None:
            self._gh.close()
        self._gh = None
        self._repo = None

    def __enter__(self) -> PyGithubClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        mode = ", dry_run" if self._dry_run else ""
        return f"PyGithubClient({self._repository!r}, {self._api_url!r}{mode})"

    def _client(self) -> Github:
        if self._gh is None:
            from github import Auth, Github

            for library in ("github", "urllib3"):  # PyGithub adds a stderr handler at INFO
                logging.getLogger(library).setLevel(logging.DEBUG if self._debug else logging.ERROR)
            retry = _counting_retry(
                self._counter,
                progress=self._progress,
                total=self._retries,
                backoff_factor=self._backoff,
                # GithubRetry adds 403 (retried only for rate limits) to this list
                status_forcelist=[*range(500, 600), 429],
                allowed_methods=_RETRIED_METHODS,
                raise_on_status=False,
                secondary_rate_wait=self._secondary_rate_wait,
            )
            self._gh = Github(
                auth=Auth.Token(self._token) if self._token else None,
                base_url=self._api_url,
                timeout=self._timeout,
                user_agent=USER_AGENT,
                per_page=100,
                retry=retry,
                seconds_between_requests=self._seconds_between_requests,
                seconds_between_writes=self._seconds_between_writes,
                lazy=True,
            )
        return self._gh

    def _repository_object(self) -> Repository:
        if self._repo is None:
            self._repo = self._client().get_repo(self._repository)  # lazy: no request
        return self._repo

    @contextmanager
    def _translate(self, op: str) -> Iterator[None]:
        """Turn PyGithub and transport errors raised inside the block into ``GitHubError``."""
        from github import GithubException
        from requests import RequestException

        try:
            yield
        except GithubException as exc:
            message = describe_failure(
                op, exc.status, exc.data, exc.headers, self._repository, self._retries
            )
            raise GitHubError(message, detail=f"{op}: {exc!r}") from exc
        except RequestException as exc:
            message = describe_unreachable(op, self._api_url, exc)
            raise GitHubError(message, detail=f"{op}: {exc!r}") from exc

    def _record(self, op: str, **args: Any) -> None:
        self.dry_run_log.append({"op": op, **args})

    # ------------------------------------------------------------------ conversions

    @staticmethod
    def _pull_info(pr: PullRequest) -> PullInfo:
        # ``merged`` is absent from list responses; ``merged_at`` is present in all of them.
        return PullInfo(
            number=pr.number,
            head=pr.head.ref,
            base=pr.base.ref,
            title=pr.title or "",
            body=pr.body or "",
            state=pr.state,
            merged=pr.merged_at is not None,
            html_url=pr.html_url or "",
        )

    @staticmethod
    def _comment_info(comment: IssueComment) -> CommentInfo:
        user = comment.user
        return CommentInfo(
            id=comment.id,
            author=user.login if user is not None else "",
            body=comment.body or "",
            html_url=comment.html_url or "",
            created_at=_iso(comment.created_at),
        )

    # ------------------------------------------------------------------ pull requests

    def find_pull(self, head_branch: str) -> PullInfo | None:
        with self._translate("find_pull"):
            pulls = self._repository_object().get_pulls(
                state="all",
                head=f"{self._owner}:{head_branch}",
                sort="created",
                direction="desc",
            )
            for pr in pulls:
                head_repo = pr.head.repo
                if (
                    pr.head.ref == head_branch
                    and head_repo is not None
                    and head_repo.full_name.lower() == self._repository.lower()
                ):
                    return self._pull_info(pr)
        return None

    def create_pull(self, *, title: str, body: str, head: str, base: str) -> PullInfo:
        if self._dry_run:
            self._record("create_pull", title=title, body=body, head=head, base=base)
            return PullInfo(
                number=0,
                head=head,
                base=base,
                title=title,
                body=body,
                state="open",
                merged=False,
                html_url="",
            )
        with self._translate("create_pull"):
            pr = self._repository_object().create_pull(base=base, head=head, title=title, body=body)
            return self._pull_info(pr)

    def update_pull(
        self,
        number: int,
        *,
        title: str | None = None,
        body: str | None = None,
        state: str | None = None,
    ) -> PullInfo:
        from github.GithubObject import NotSet

        changes = {
            k: v for k, v in (("title", title), ("body", body), ("state", state)) if v is not None
        }
        with self._translate("update_pull"):
            pr = self._repository_object().get_pull(number)  # lazy
            if self._dry_run or not changes:
                current = self._pull_info(pr)  # GET
                if not changes:
                    return current
                self._record("update_pull", number=number, **changes)
                return replace(
                    current,
                    title=current.title if title is None else title,
                    body=current.body if body is None else body,
                    state=current.state if state is None else state,
                )
            pr.edit(
                title=title if title is not None else NotSet,
                body=body if body is not None else NotSet,
                state=state if state is not None else NotSet,
            )
            return self._pull_info(pr)  # from the PATCH response, no further request

    # ------------------------------------------------------------------ comments

    def list_comments(self, issue: int) -> list[CommentInfo]:
        with self._translate("list_comments"):
            comments = self._repository_object().get_issue(issue).get_comments()
            return [self._comment_info(c) for c in comments]

    def create_comment(self, issue: int, body: str) -> CommentInfo:
        if self._dry_run:
            self._record("create_comment", issue=issue, body=body)
            return CommentInfo(id=0, author=self.bot_login(), body=body, html_url="")
        with self._translate("create_comment"):
            comment = self._repository_object().get_issue(issue).create_comment(body)
            return self._comment_info(comment)

    def update_comment(self, comment_id: int, body: str) -> None:
        if self._dry_run:
            self._record("update_comment", id=comment_id, body=body)
            return
        with self._translate("update_comment"):
            # PATCH /repos/{o}/{r}/issues/comments/{id} does not involve the issue number:
            # Issue.get_comment() builds that URL from the issue's parent URL, and with a lazy
            # client neither the issue nor the comment is fetched. Any number works.
            comment = self._repository_object().get_issue(1).get_comment(comment_id)
            comment.edit(body)

    # ------------------------------------------------------------------ issues and labels

    def add_labels(self, issue: int, labels: Sequence[str]) -> None:
        names = list(labels)
        if not names:
            return
        if self._dry_run:
            self._record("add_labels", issue=issue, labels=names)
            return
        with self._translate("add_labels"):
            self._repository_object().get_issue(issue).add_to_labels(*names)

    def remove_label(self, issue: int, label: str) -> None:
        if self._dry_run:
            self._record("remove_label", issue=issue, label=label)
            return
        from github import GithubException

        with self._translate("remove_label"):
            try:
                self._repository_object().get_issue(issue).remove_from_labels(label)
            except GithubException as exc:
                if exc.status != 404:  # 404: the label is not on the issue
                    raise

    def close_issue(self, issue: int, *, reason: str = "completed") -> None:
        if self._dry_run:
            self._record("close_issue", issue=issue, reason=reason)
            return
        with self._translate("close_issue"):
            self._repository_object().get_issue(issue).edit(state="closed", state_reason=reason)

    def create_issue(self, *, title: str, body: str, labels: Sequence[str]) -> int:
        if self._dry_run:
            self._record("create_issue", title=title, body=body, labels=list(labels))
            return 0
        with self._translate("create_issue"):
            created = self._repository_object().create_issue(
                title=title, body=body, labels=list(labels)
            )
            return int(created.number)

    def list_issues(self, label: str) -> list[IssueInfo]:
        with self._translate("list_issues"):
            issues = self._repository_object().get_issues(
                state="open", labels=[label], sort="created", direction="asc"
            )
            return [
                IssueInfo(
                    number=int(item.number),
                    title=item.title or "",
                    body=item.body or "",
                    author=item.user.login if item.user is not None else "",
                    labels=tuple(lab.name for lab in item.labels),
                    state=item.state,
                )
                for item in issues
                if "/pull/" not in (item.html_url or "")
            ]

    def find_issue_by_marker(self, marker: str) -> int | None:
        if not marker:
            raise UsageError("find_issue_by_marker needs a non-empty marker")
        with self._translate("find_issue_by_marker"):
            issues = self._repository_object().get_issues(
                state="all", sort="created", direction="desc"
            )
            for item in issues:
                # The issues list includes PRs. Not ``item.pull_request``: that key is absent
                # from plain issues, and reading an absent attribute makes PyGithub fetch the
                # issue again; html_url is always there (.../issues/N or .../pull/N).
                if marker in (item.body or "") and "/pull/" not in (item.html_url or ""):
                    return int(item.number)
        return None

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
        from github.GithubObject import NotSet

        if len(description) > STATUS_DESCRIPTION_MAX:
            description = description[: STATUS_DESCRIPTION_MAX - 1] + "…"
        if self._dry_run:
            self._record(
                "set_status",
                sha=sha,
                state=state,
                context=context,
                description=description,
                target_url=target_url,
            )
            return
        with self._translate("set_status"):
            commit = self._repository_object().get_commit(sha)  # lazy
            commit.create_status(
                state=state,
                target_url=target_url if target_url is not None else NotSet,
                description=description,
                context=context,
            )

    def has_team_member(self, org: str, team_slug: str, login: str) -> bool:
        from github import GithubException

        with self._translate("has_team_member"):
            team = self._client().get_organization(org).get_team_by_slug(team_slug)  # lazy
            try:
                membership = team.get_team_membership(login)
            except GithubException as exc:
                if exc.status == 404:  # not a member (or the team is not visible)
                    return False
                raise
            return membership.state == "active"

    def bot_login(self) -> str:
        if self._bot_login is None:
            from github import GithubException

            with self._translate("bot_login"):
                try:
                    self._bot_login = self._client().get_user().login
                except GithubException as exc:
                    message = str(exc.data.get("message", "")) if isinstance(exc.data, dict) else ""
                    if exc.status == 403 and "not accessible by integration" in message.lower():
                        # an app installation token (e.g. GITHUB_TOKEN in Actions)
                        self._bot_login = ACTIONS_BOT_LOGIN
                    else:
                        raise
        return self._bot_login


def _iso(moment: datetime | None) -> str:
    """GitHub's timestamp as the records write times (UTC, seconds, ``Z``)."""
    if moment is None:
        return ""
    if moment.tzinfo is not None:
        moment = moment.astimezone(UTC).replace(tzinfo=None)
    return moment.replace(microsecond=0).isoformat() + "Z"
