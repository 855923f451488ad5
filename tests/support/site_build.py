"""Building the rendered site of a repository with the real Jekyll, for the slow e2e tests."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from pcs_gitops.adapters.jekyll import INSTALL_HINT
from pcs_gitops.entrypoints.cli import cli

ROW = re.compile(r"<tr [^>]*>")


@dataclass
class BuiltSite:
    repo: Path
    site: Path
    log: str


def pcs(repo: Path, *args: str) -> Any:
    result = CliRunner().invoke(cli, ["--repo", str(repo), *args], env={"PCS_ACTOR": "tester"})
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout) if "--json" in args else result.stdout


def jekyll() -> str:
    found = shutil.which("jekyll")
    if found is None:
        pytest.fail(INSTALL_HINT)
    return found


def build_site(repo: Path, workdir: Path) -> BuiltSite:
    """'pcs render', then ``jekyll build --safe`` of a copy of docs/ into ``workdir/site``."""
    pcs(repo, "render")
    assert pcs(repo, "render", "--check", "--json")["ok"]
    source, site = workdir / "src", workdir / "site"
    shutil.copytree(repo / "docs", source)
    done = subprocess.run(
        [jekyll(), "build", "--safe", "-s", str(source), "-d", str(site)],
        capture_output=True,
        text=True,
        cwd=workdir,
        check=False,
    )
    log = done.stdout + done.stderr
    assert done.returncode == 0, f"jekyll build failed:\n{log}"
    return BuiltSite(repo, site, log)


def catalogue_rows(html: str) -> list[str]:
    """The opening tags of the catalogue table's body rows."""
    body = html.split('<table id="catalog"', 1)[1].split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    return ROW.findall(body)


class _Quiet(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


@contextmanager
def serve(directory: Path) -> Iterator[str]:
    """Serve ``directory`` on 127.0.0.1 from a thread; yields the base URL."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), partial(_Quiet, directory=str(directory)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        host, port = server.server_address[:2]
        yield f"http://{host!s}:{port}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()
