"""The README's first command: the demo shows whole records and readable GitHub calls."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.slow
def test_the_demo_takes_a_request_in_and_shows_it_whole(tmp_path: Path) -> None:
    env = {**os.environ, "PCS_DEMO_DIR": str(tmp_path)}
    proc = subprocess.run(
        ["bash", str(ROOT / "scripts" / "demo")],
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    out = proc.stdout
    repo = tmp_path / "catalogue"
    task = subprocess.run(
        ["git", "show", "pcs/request-201:state/prod_tasks/issue-201.yaml"],
        cwd=repo,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert f"--- state/prod_tasks/issue-201.yaml\n{task}" in out
    row = out.split("== 5.", 1)[1].split("== 6.", 1)[0].splitlines()
    assert [line for line in row if line.startswith("+")][-1].rstrip("\r").endswith(",201")
    calls = out.split("== 6.", 1)[1].split("== 7.", 1)[0]
    assert [line.split()[1] for line in calls.splitlines() if line.startswith("- ")] == [
        "create_pull",
        "set_status",
        "add_labels",
        "create_comment",
    ]
    assert "    | ### Catalogue row" in calls
    assert "...'" not in calls
    assert "outbox lines before: 4, after replay: 4" in out
