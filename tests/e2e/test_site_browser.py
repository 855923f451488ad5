"""The built catalogue page in headless Chromium: the script runs without errors, filters from
the URL hash show the right rows, and a screenshot lands in test-artifacts/ (slow)."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.support.site_build import BuiltSite, build_site, catalogue_rows, serve

pytestmark = pytest.mark.slow
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
BROWSERS = ("chromium", "chromium-browser", "google-chrome")
FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--enable-logging=stderr",
    "--v=0",
)
VISIBLE = re.compile(r'<output id="visible-count"[^>]*>(\d+)</output>')


def chromium() -> str:
    for name in BROWSERS:
        found = shutil.which(name)
        if found:
            return found
    pytest.fail("Chromium is not installed: install it with 'apt-get install chromium'")


@pytest.fixture(scope="module")
def site_url(
    _imported_template: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[str, BuiltSite]]:
    workdir = tmp_path_factory.mktemp("site-browser")
    repo = workdir / "repo"
    shutil.copytree(_imported_template, repo)
    built = build_site(repo, workdir)
    with serve(built.site) as url:
        yield url, built


@pytest.fixture(scope="module")
def tasks(site_url: tuple[str, BuiltSite]) -> list[dict[str, Any]]:
    """The site's task listing (it carries the draft sub-states)."""
    listing = json.loads((site_url[1].site / "api" / "prod-tasks.json").read_text("utf-8"))
    return list(listing["tasks"])


def browse(url: str, tmp_path: Path, *extra: str) -> tuple[str, str]:
    """Chromium's DOM after the page's scripts ran, and its log."""
    done = subprocess.run(
        [chromium(), *FLAGS, f"--user-data-dir={tmp_path / 'profile'}", *extra, url],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout, done.stderr


def console_messages(log: str) -> list[str]:
    return [line for line in log.splitlines() if ":CONSOLE" in line or "Uncaught" in line]


def shown_rows(dom: str) -> int:
    return sum(1 for row in catalogue_rows(dom) if " hidden" not in row)


def test_the_page_script_runs_without_console_errors(
    site_url: tuple[str, BuiltSite], tmp_path: Path
) -> None:
    dom, log = browse(f"{site_url[0]}/catalog/index.html", tmp_path, "--dump-dom")
    assert 'data-js-ok="1"' in dom
    assert console_messages(log) == []
    assert VISIBLE.search(dom).group(1) == "405"  # type: ignore[union-attr]
    assert shown_rows(dom) == 405


@pytest.mark.parametrize(
    ("fragment", "wanted"),
    [
        ("pwg=edt", lambda t: t["pwg"] == "edt"),
        ("status=draft", lambda t: t["status"] == "draft"),
        ("pwg=inclusive&priority=2", lambda t: t["pwg"] == "inclusive" and t["priority"] == 2),
        (
            "pwg=edt&status=needs-confirmation",  # imported inputs' tags are only inferred
            lambda t: t["pwg"] == "edt" and t["substate"] == "needs-confirmation",
        ),
        ("q=beagle", lambda t: "beagle" in t["dataset_path"].lower()),
        ("origin=imported&priority=1", lambda t: t["origin"] == "imported" and t["priority"] == 1),
        (
            "campaign=none&pwg=edt",  # the real catalogue's requests belong to no campaign yet
            lambda t: (t.get("campaign") or "none") == "none" and t["pwg"] == "edt",
        ),
    ],
)
def test_filters_from_the_url_show_the_matching_rows(
    site_url: tuple[str, BuiltSite],
    tasks: list[dict[str, Any]],
    tmp_path: Path,
    fragment: str,
    wanted: Any,
) -> None:
    expected = sum(1 for t in tasks if wanted(t))
    assert expected > 0
    dom, log = browse(f"{site_url[0]}/catalog/index.html#{fragment}", tmp_path, "--dump-dom")
    assert console_messages(log) == []
    assert VISIBLE.search(dom).group(1) == str(expected)  # type: ignore[union-attr]
    assert shown_rows(dom) == expected


def test_a_row_anchor_in_the_url_shows_every_row(
    site_url: tuple[str, BuiltSite], tasks: list[dict[str, Any]], tmp_path: Path
) -> None:
    anchor = tasks[0]["name"]
    dom, log = browse(f"{site_url[0]}/catalog/index.html#{anchor}", tmp_path, "--dump-dom")
    assert console_messages(log) == []
    assert f'<tr id="{anchor}"' in dom
    assert shown_rows(dom) == len(tasks)


def test_a_screenshot_of_the_catalogue(site_url: tuple[str, BuiltSite], tmp_path: Path) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    target = ARTIFACTS / "catalog.png"
    target.unlink(missing_ok=True)
    browse(
        f"{site_url[0]}/catalog/index.html",
        tmp_path,
        f"--screenshot={target}",
        "--window-size=1400,1000",
        "--hide-scrollbars",
    )
    assert target.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert target.stat().st_size > 20_000


def test_a_request_page_loads_its_styles(
    site_url: tuple[str, BuiltSite], tasks: list[dict[str, Any]], tmp_path: Path
) -> None:
    name = tasks[0]["name"]
    dom, log = browse(f"{site_url[0]}/requests/{name}.html", tmp_path, "--dump-dom")
    assert console_messages(log) == []
    assert f'<h1 class="request-name">{name}</h1>' in dom
