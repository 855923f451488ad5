"""This repository's own docs/ built with real Jekyll: every hand-written page becomes HTML and
is linked from the home page, whose links all answer (slow; CI installs Debian's jekyll)."""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.links import LinkChecker
from tests.support.site_build import jekyll, serve

pytestmark = pytest.mark.slow
ROOT = Path(__file__).resolve().parents[2]
DOCS = sorted(p.stem for p in (ROOT / "docs").glob("*.md") if p.name != "index.md")


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    workdir = tmp_path_factory.mktemp("project-site")
    shutil.copytree(ROOT / "docs", workdir / "src", ignore=shutil.ignore_patterns("_site"))
    done = subprocess.run(
        [jekyll(), "build", "--safe", "-s", str(workdir / "src"), "-d", str(workdir / "site")],
        capture_output=True,
        text=True,
        cwd=workdir,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return workdir / "site"


@pytest.fixture(scope="module")
def served(site: Path) -> Iterator[LinkChecker]:
    with serve(site) as base:
        yield LinkChecker(base + "/")


@pytest.mark.parametrize("page", DOCS)
def test_every_hand_written_page_is_built_to_html_and_linked_from_home(
    site: Path, served: LinkChecker, page: str
) -> None:
    assert (site / f"{page}.html").is_file()
    assert not (site / f"{page}.md").exists(), f"{page}.md would be served raw"
    assert f"{served.base}{page}.html" in served.local_links(served.base + "index.html")


def test_every_link_of_the_home_page_answers(served: LinkChecker) -> None:
    assert served.broken(served.base + "index.html") == []
    assert served.broken(served.base + "api.html") == []


def test_the_workflow_expression_in_the_pipeline_page_is_shown_not_evaluated(
    site: Path,
) -> None:
    page = (site / "github.html").read_text(encoding="utf-8")
    assert "secrets.PCS_APP_TOKEN" in page
