"""Who holds a GitHub token: ``GET {GITHUB_API_URL}/user`` with the token, cached.

A small stdlib (``urllib``) client rather than ``adapters.github_api``: PyGithub's client is
built for one repository and one server token, while this asks with each caller's own token,
once per token and cache lifetime; one plain GET does not need PyGithub's retries and paging.

The cache maps the SHA-256 of a token (never the token itself) to its login, holds at most
``max_entries`` tokens and forgets each after ``max_age`` seconds, so a revoked token stops
working within that time. Refusals are not cached. The token is sent only in the
``Authorization`` header and appears in no message and no log.
"""

from __future__ import annotations

import hashlib
import json
import threading
import time
import urllib.error
import urllib.request
from collections import OrderedDict
from collections.abc import Callable

from pcs_gitops.errors import GitHubError, Unauthenticated

USER_AGENT = "pcs-gitops (identity)"
TIMEOUT_SECONDS = 10.0
MAX_RESPONSE_BYTES = 1_000_000


class GitHubIdentity:
    """``services.ports.IdentityResolver`` over the GitHub REST API."""

    def __init__(
        self,
        api_url: str,
        *,
        max_entries: int = 1024,
        max_age: float = 300.0,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self.api_url = api_url.rstrip("/")
        self.max_entries = max_entries
        self.max_age = max_age
        self._now = monotonic
        self._cache: OrderedDict[str, tuple[str, float]] = OrderedDict()
        self._lock = threading.Lock()

    def login_for(self, token: str) -> str:
        key = hashlib.sha256(token.encode("utf-8")).hexdigest()
        cached = self._cached(key)
        if cached is not None:
            return cached
        login = self._ask(token)
        with self._lock:
            self._cache[key] = (login, self._now())
            self._cache.move_to_end(key)
            while len(self._cache) > self.max_entries:
                self._cache.popitem(last=False)
        return login

    def _cached(self, key: str) -> str | None:
        with self._lock:
            entry = self._cache.get(key)
            if entry is None:
                return None
            login, stored = entry
            if self._now() - stored > self.max_age:
                del self._cache[key]
                return None
            self._cache.move_to_end(key)
            return login

    def _ask(self, token: str) -> str:
        url = f"{self.api_url}/user"
        request = urllib.request.Request(  # noqa: S310  (the configured GitHub API URL)
            url,
            headers={
                "Authorization": f"Bearer {token}",
                "Accept": "application/vnd.github+json",
                "User-Agent": USER_AGENT,
            },
        )
        try:
            with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:  # noqa: S310
                data = json.loads(response.read(MAX_RESPONSE_BYTES).decode("utf-8"))
        except urllib.error.HTTPError as exc:
            raise _refusal(url, exc) from None
        except (urllib.error.URLError, TimeoutError, OSError, ValueError) as exc:
            raise GitHubError(
                f"could not ask GitHub who holds the token (GET {url}): {exc}; check "
                "GITHUB_API_URL and that the server can reach it"
            ) from None
        login = data.get("login") if isinstance(data, dict) else None
        if not isinstance(login, str) or not login:
            raise GitHubError(f"GET {url} answered without a login; check GITHUB_API_URL")
        return login


def _refusal(url: str, exc: urllib.error.HTTPError) -> Exception:
    if exc.code in (401, 403):
        return Unauthenticated(
            f"GitHub did not accept the token (GET {url} answered {exc.code}); send "
            "'Authorization: Bearer <token>' with a valid GitHub token"
        )
    return GitHubError(
        f"GET {url} answered {exc.code} while identifying the token; try again later or check "
        "GITHUB_API_URL"
    )
