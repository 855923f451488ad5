"""A git remote over HTTP that checks the token: git's smart-HTTP protocol served by
``git http-backend`` (CGI) for the bare repositories under one directory, on 127.0.0.1.

    with GitHttpRemote(tmp_path / "remotes", token="s3cr3t") as remote:
        url = remote.create("origin.git")          # a new bare repository, served at url
        GitBranchWorkspace(root, remote_url=url, token="s3cr3t")

Every request must carry ``Authorization: Basic base64(x-access-token:<token>)`` (what the
project's git adapter sends through ``http.extraheader``, as GitHub expects); anything else
gets 401. ``requests`` logs ``(method, path, status)``; ``refuse_pushes`` makes receive-pack
answer 403, as a protected branch or a read-only token would.
"""

from __future__ import annotations

import base64
import os
import subprocess
import threading
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

_CGI_TIMEOUT = 60  # seconds one git http-backend run may take


class GitHttpRemote:
    def __init__(self, root: Path, *, token: str = "s3cr3t") -> None:
        self.root = root
        self.token = token
        self.refuse_pushes = False
        self.requests: list[tuple[str, str, int]] = []
        self._lock = threading.Lock()
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    def __enter__(self) -> GitHttpRemote:
        self.root.mkdir(parents=True, exist_ok=True)
        remote = self

        class Handler(_Handler):
            server_remote = remote

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)

    @property
    def base_url(self) -> str:
        assert self._server is not None, "the remote is not started"
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def url(self, name: str) -> str:
        return f"{self.base_url}/{name}"

    def create(self, name: str, *, initial_branch: str = "main") -> str:
        """A new bare repository ``name`` under the root; returns its URL."""
        path = self.root / name
        subprocess.run(
            ["git", "init", "--quiet", "--bare", f"--initial-branch={initial_branch}", str(path)],
            check=True,
            timeout=_CGI_TIMEOUT,
        )
        return self.url(name)

    def authorised(self, header: str) -> bool:
        scheme, _, value = header.partition(" ")
        if scheme.lower() != "basic":
            return False
        try:
            user, _, password = base64.b64decode(value.strip()).decode().partition(":")
        except (ValueError, UnicodeDecodeError):
            return False
        return user == "x-access-token" and password == self.token

    def log(self, method: str, path: str, status: int) -> None:
        with self._lock:
            self.requests.append((method, path, status))


class _Handler(BaseHTTPRequestHandler):
    server_remote: GitHttpRemote

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def _body(self) -> bytes:
        if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
            chunks = []
            while True:
                size = int(self.rfile.readline().split(b";")[0].strip() or b"0", 16)
                if size == 0:
                    self.rfile.readline()
                    return b"".join(chunks)
                chunks.append(self.rfile.read(size))
                self.rfile.readline()
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length else b""

    def _answer(self, status: int, headers: dict[str, str], body: bytes) -> None:
        parsed = urllib.parse.urlsplit(self.path)
        self.server_remote.log(self.command, parsed.path, status)
        self.send_response(status)
        for key, value in headers.items():
            self.send_header(key, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def _serve(self) -> None:
        remote = self.server_remote
        body = self._body()
        if not remote.authorised(self.headers.get("Authorization", "")):
            self._answer(401, {"WWW-Authenticate": 'Basic realm="git"'}, b"bad credentials\n")
            return
        parsed = urllib.parse.urlsplit(self.path)
        pushing = "git-receive-pack" in parsed.path or "service=git-receive-pack" in parsed.query
        if pushing and remote.refuse_pushes:
            self._answer(403, {"Content-Type": "text/plain"}, b"pushes are refused\n")
            return
        status, headers, payload = self._cgi(parsed, body)
        self._answer(status, headers, payload)

    do_GET = do_POST = _serve

    def _cgi(
        self, parsed: urllib.parse.SplitResult, body: bytes
    ) -> tuple[int, dict[str, str], bytes]:
        env = {
            "PATH": os.environ.get("PATH", ""),
            "GIT_PROJECT_ROOT": str(self.server_remote.root),
            "GIT_HTTP_EXPORT_ALL": "1",
            "REMOTE_USER": "x-access-token",  # enables receive-pack
            "REMOTE_ADDR": "127.0.0.1",
            "REQUEST_METHOD": self.command,
            "PATH_INFO": urllib.parse.unquote(parsed.path),
            "QUERY_STRING": parsed.query,
            "CONTENT_TYPE": self.headers.get("Content-Type", ""),
            "CONTENT_LENGTH": str(len(body)),
            "HTTP_CONTENT_ENCODING": self.headers.get("Content-Encoding", ""),
            "GIT_PROTOCOL": self.headers.get("Git-Protocol", ""),
        }
        run = subprocess.run(
            ["git", "http-backend"], input=body, env=env, capture_output=True, timeout=_CGI_TIMEOUT
        )
        head, separator, payload = run.stdout.partition(b"\r\n\r\n")
        if not separator:
            head, separator, payload = run.stdout.partition(b"\n\n")
        status, headers = 200, {}
        for line in head.decode("latin-1").splitlines():
            key, _, value = line.partition(":")
            if key.lower() == "status":
                status = int(value.strip().split()[0])
            elif key:
                headers[key.strip()] = value.strip()
        return status, headers, payload
