"""Drive the PCS REST server from tests: the real app on uvicorn in a thread, bound to an
ephemeral loopback port, and a small urllib client that speaks real HTTP to it."""

from __future__ import annotations

import json
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pcs_gitops.adapters.clock import FixedClock
from pcs_gitops.bootstrap import build
from pcs_gitops.config import Settings
from pcs_gitops.entrypoints.rest import app as rest_app
from pcs_gitops.entrypoints.rest.routes import RestContext

NOW = "2026-11-28T12:00:00Z"
START_TIMEOUT = 10.0


@dataclass(frozen=True)
class Answer:
    status: int
    body: Any
    headers: Mapping[str, str]

    @property
    def message(self) -> str:
        return str(self.body.get("message")) if isinstance(self.body, dict) else ""


@dataclass(frozen=True)
class Rest:
    """A running server: ``url`` is ``http://127.0.0.1:<port>``; ``context`` its services."""

    url: str
    context: RestContext

    def call(
        self,
        method: str,
        path: str,
        body: Any = None,
        *,
        token: str | None = None,
        query: Mapping[str, Any] | None = None,
        raw: bytes | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> Answer:
        url = self.url + path + (f"?{urllib.parse.urlencode(query)}" if query else "")
        data = raw if raw is not None else None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(url, data=data, method=method)
        request.add_header("Content-Type", "application/json")
        if token is not None:
            request.add_header("Authorization", f"Bearer {token}")
        for key, value in (headers or {}).items():
            request.add_header(key, value)
        try:
            with urllib.request.urlopen(request, timeout=60) as response:
                return Answer(response.status, _json(response.read()), dict(response.headers))
        except urllib.error.HTTPError as exc:
            return Answer(exc.code, _json(exc.read()), dict(exc.headers))

    def get(self, route: str, /, **query: Any) -> Answer:
        return self.call("GET", route, query=query or None)

    def post(self, route: str, body: Any = None, /, *, token: str | None, **query: Any) -> Answer:
        return self.call("POST", route, body, token=token, query=query or None)


def _json(data: bytes) -> Any:
    return json.loads(data.decode("utf-8")) if data else None


@contextmanager
def rest_server(root: Path, env: Mapping[str, str], **context: Any) -> Iterator[Rest]:
    """Serve ``root`` (settings from ``env``, a fixed clock) until the block ends."""
    services = build(Settings.from_env(root, dict(env)), clock=FixedClock(NOW))
    ctx = RestContext(services, services.identity_resolver(), **context)
    server = rest_app.server(rest_app.create_app(ctx))
    sock = rest_app.bind("127.0.0.1", 0)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + START_TIMEOUT
    while not server.started and thread.is_alive() and time.monotonic() < deadline:
        time.sleep(0.01)
    assert server.started, "the REST server did not start"
    try:
        yield Rest(rest_app.url_of(sock).removesuffix("/pcs/api/"), ctx)
    finally:
        server.should_exit = True
        thread.join(timeout=START_TIMEOUT)
        sock.close()


# --------------------------------------------------------------------------- identities

MANAGER, REQUESTER, OTHER, TEAM_MANAGER = "maria", "rita", "otto", "tess"
TOKENS = {f"tok-{login}": login for login in (MANAGER, REQUESTER, OTHER, TEAM_MANAGER)}
MANAGER_TEAM = ("epic", "prod-managers")
ROLES_YAML = f"""\
grants:
- role: production_manager
  logins:
  - {MANAGER}
  teams:
  - {"/".join(MANAGER_TEAM)}
- role: admin
  logins: []
  teams: []
"""


def token(login: str) -> str:
    return f"tok-{login}"


def grant_roles(root: Path, text: str = ROLES_YAML) -> None:
    """Make ``maria`` (by login) and the team ``epic/prod-managers`` production managers."""
    (root / "state" / "roles.yaml").write_text(text, encoding="utf-8")
