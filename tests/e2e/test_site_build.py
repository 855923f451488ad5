"""The rendered real catalogue builds with real Jekyll (slow; CI installs Debian's jekyll)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest

from tests.support.site_build import BuiltSite, build_site, catalogue_rows, pcs

pytestmark = pytest.mark.slow
REQUESTS = 405


@pytest.fixture(scope="module")
def built(_imported_template: Path, tmp_path_factory: pytest.TempPathFactory) -> BuiltSite:
    workdir = tmp_path_factory.mktemp("site-build")
    repo = workdir / "repo"
    shutil.copytree(_imported_template, repo)
    return build_site(repo, workdir)


@pytest.fixture(scope="module")
def task_list(built: BuiltSite) -> dict[str, Any]:
    listing: dict[str, Any] = pcs(built.repo, "task", "list", "--json", "--limit", "100000")
    return listing


def test_jekyll_builds_without_errors_or_warnings(built: BuiltSite) -> None:
    assert "error" not in built.log.lower()
    assert "warn" not in built.log.lower()
    assert (built.site / "index.html").is_file()
    assert 'href="catalog/index.html"' in (built.site / "index.html").read_text(encoding="utf-8")


def test_the_catalogue_has_one_row_per_request(built: BuiltSite) -> None:
    html = (built.site / "catalog" / "index.html").read_text(encoding="utf-8")
    assert len(catalogue_rows(html)) == REQUESTS
    assert html == (built.repo / "docs" / "catalog" / "index.html").read_text(encoding="utf-8")


def test_every_request_has_its_page(built: BuiltSite, task_list: dict[str, Any]) -> None:
    names = [t["name"] for t in task_list["tasks"]]
    assert len(names) == REQUESTS
    for name in names:
        page = built.site / "requests" / f"{name}.html"
        assert page.is_file(), name
    assert len(list((built.site / "requests").glob("*.html"))) == REQUESTS


def test_every_json_file_parses(built: BuiltSite) -> None:
    files = list((built.site / "api").rglob("*.json"))
    # listings, task + jedi + dump, datasets (each request's input and its output)
    assert len(files) == 2 + 3 * REQUESTS + 2 * REQUESTS
    for path in files:
        json.loads(path.read_text(encoding="utf-8"))


def test_the_task_listing_agrees_with_pcs_task_list(
    built: BuiltSite, task_list: dict[str, Any]
) -> None:
    listing = json.loads((built.site / "api" / "prod-tasks.json").read_text(encoding="utf-8"))
    assert listing["count"] == task_list["count"] == REQUESTS
    assert [t["name"] for t in listing["tasks"]] == [t["name"] for t in task_list["tasks"]]
    for ours, theirs in zip(listing["tasks"], task_list["tasks"], strict=True):
        assert ours.keys() == theirs.keys()
        # The CLI lists without a path probe (substate null); the site uses 'unreachable'.
        assert theirs["substate"] in (None, ours["substate"])
        assert {k: v for k, v in ours.items() if k != "substate"} == {
            k: v for k, v in theirs.items() if k != "substate"
        }


def test_the_csv_stays_a_jekyll_data_file(built: BuiltSite) -> None:
    assert (built.repo / "docs" / "_data" / "datasets.csv").is_file()
    assert not (built.site / "_data").exists()


def test_site_preview_builds_the_site(built: BuiltSite) -> None:
    site = Path(pcs(built.repo, "site", "preview", "--build-only").strip())
    try:
        html = (site / "catalog" / "index.html").read_text(encoding="utf-8")
        assert len(catalogue_rows(html)) == REQUESTS
    finally:
        shutil.rmtree(site.parent)
