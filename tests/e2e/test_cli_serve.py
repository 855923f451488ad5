"""``pcs serve`` as users start it: a subprocess on an ephemeral loopback port, stopped with
Ctrl-C (SIGINT), plus the refusals of its options."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import urllib.request
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import Result

from pcs_gitops.entrypoints.rest.app import is_loopback
from tests.support.mcp_client import stdio_env

RunCli = Callable[..., Result]
WAIT = 60


def test_serve_on_port_zero_prints_its_url_answers_and_stops_on_ctrl_c(repo: Path) -> None:
    argv = [sys.executable, "-m", "pcs_gitops", "--repo", str(repo), "serve", "--port", "0"]
    server = subprocess.Popen(
        argv, env=stdio_env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    try:
        assert server.stdout is not None
        url = server.stdout.readline().strip()  # the first line, once the socket is bound
        assert url.startswith("http://127.0.0.1:") and url.endswith("/pcs/api/"), url
        with urllib.request.urlopen(url + "tags/s0/", timeout=WAIT) as response:
            assert json.loads(response.read())["label"] == "s0"
        server.send_signal(signal.SIGINT)
        _, err = server.communicate(timeout=WAIT)
    finally:
        if server.poll() is None:
            server.kill()
            server.wait(timeout=WAIT)
    assert server.returncode == 0, err
    assert f"serving the PCS REST API at {url} (Ctrl-C stops)" in err
    assert err.rstrip().endswith("stopped")
    assert "Traceback" not in err


def test_serve_refuses_an_unknown_publishing_mode(repo: Path, run_cli: RunCli) -> None:
    result = run_cli("--repo", str(repo), "serve", "--port", "0", env={"PCS_PUBLISH": "cloud"})
    assert result.exit_code == 2
    assert result.stderr == (
        "Error: PCS_PUBLISH (or PCS_MCP_MODE) 'cloud' is unknown; choose from local, github\n"
    )


def test_serve_refuses_a_port_in_use(repo: Path, run_cli: RunCli) -> None:
    import socket

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = run_cli("--repo", str(repo), "serve", "--port", str(port))
    assert result.exit_code == 2
    assert result.stderr.startswith(f"Error: cannot listen on 127.0.0.1:{port} (")
    assert result.stderr.endswith("; choose another --port\n")


@pytest.mark.parametrize(
    ("host", "loopback"),
    [
        ("127.0.0.1", True),
        ("127.0.0.2", True),
        ("::1", True),
        ("localhost", True),
        ("0.0.0.0", False),
        ("192.168.1.5", False),
        ("example.org", False),
    ],
)
def test_only_loopback_hosts_serve_without_a_warning(host: str, loopback: bool) -> None:
    assert is_loopback(host) is loopback
