"""Building and serving the Jekyll site in ``docs/`` for a local preview.

Jekyll runs as a subprocess (``jekyll build --safe``) on a copy of ``docs/`` in a temporary
directory, so the build leaves no cache or output in the repository. The result is served by
Python's ``http.server`` on 127.0.0.1.
"""

from __future__ import annotations

import shutil
import subprocess
from dataclasses import dataclass
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from pcs_gitops.errors import PcsError

INSTALL_HINT = (
    "Jekyll is not installed (no 'jekyll' on PATH). Install it with 'apt-get install jekyll' "
    "(Debian/Ubuntu) or 'gem install jekyll', then rerun 'pcs site preview'."
)


def find_jekyll() -> str:
    """The path of the ``jekyll`` executable; a PcsError with the install hint when missing."""
    found = shutil.which("jekyll")
    if found is None:
        raise PcsError(INSTALL_HINT)
    return found


@dataclass(frozen=True)
class BuiltSite:
    directory: Path
    log: str


def build(docs: Path, workdir: Path, jekyll: str | None = None) -> BuiltSite:
    """Copy ``docs`` into ``workdir/src`` and build it into ``workdir/site``."""
    if not (docs / "_config.yml").is_file():
        raise PcsError(f"{docs} has no _config.yml; run 'pcs init' to create the site skeleton")
    executable = jekyll or find_jekyll()
    source, site = workdir / "src", workdir / "site"
    shutil.copytree(docs, source, ignore=shutil.ignore_patterns("_site", ".jekyll-cache"))
    command = [executable, "build", "--safe", "-s", str(source), "-d", str(site)]
    done = subprocess.run(command, capture_output=True, text=True, cwd=workdir, check=False)
    log = done.stdout + done.stderr
    if done.returncode != 0:
        tail = "\n".join(log.strip().splitlines()[-15:])
        raise PcsError(f"jekyll build failed (exit code {done.returncode}):\n{tail}")
    return BuiltSite(site, log)


class _QuietHandler(SimpleHTTPRequestHandler):
    """Serves files without logging every request on stderr."""

    def log_message(self, format: str, *args: Any) -> None:
        pass


def server(directory: Path, port: int = 0, host: str = "127.0.0.1") -> ThreadingHTTPServer:
    """An HTTP server for ``directory`` on ``host``:``port`` (0 picks a free port); the caller
    runs ``serve_forever()`` and closes it."""
    handler = partial(_QuietHandler, directory=str(directory))
    return ThreadingHTTPServer((host, port), handler)


class SitePreview:
    """The three steps of ``pcs site preview`` as one object (what bootstrap hands out)."""

    find_jekyll = staticmethod(find_jekyll)
    build = staticmethod(build)
    server = staticmethod(server)
