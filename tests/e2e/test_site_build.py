"""The rendered real catalogue builds with real Jekyll (slow; CI installs Debian's jekyll)."""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from pcs_gitops.domain import site_paths
from pcs_gitops.domain.settings import CatalogSettings
from pcs_gitops.services.request_texts import request_page_url
from tests.support.links import LinkChecker
from tests.support.site_build import BuiltSite, build_site, catalogue_rows, pcs, serve

pytestmark = pytest.mark.slow
IMPORTED = 405
ISSUE = 9001
REQUESTS = IMPORTED + 1  # and one filed as an issue


@pytest.fixture(scope="module")
def built(_imported_template: Path, tmp_path_factory: pytest.TempPathFactory) -> BuiltSite:
    workdir = tmp_path_factory.mktemp("site-build")
    repo = workdir / "repo"
    shutil.copytree(_imported_template, repo)
    pcs(repo, *ISSUE_REQUEST)
    return build_site(repo, workdir)


ISSUE_REQUEST = (
    "task",
    "intake",
    "--public-catalog-issue",
    str(ISSUE),
    "--pwg",
    "inclusive",
    "--priority",
    "2",
    "--dataset-path",
    "/volatile/eic/EPIC/EVGEN/DIS/NC/18x275/minQ2=10/site-test",
    "--events",
    "1M",
    "--row-description",
    "A request filed as an issue.",
)


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
    # the datasets: each imported request's input and its output (the request filed as an
    # issue names none); the index, the listing pages, 7 schemas; task + jedi + dump per request
    datasets = 2 * IMPORTED
    pages = site_paths.page_count(REQUESTS, site_paths.LISTING_PAGE_ITEMS)
    pages += site_paths.page_count(datasets, site_paths.LISTING_PAGE_ITEMS)
    assert len(files) == 1 + pages + 7 + 3 * REQUESTS + datasets
    for path in files:
        json.loads(path.read_text(encoding="utf-8"))


def test_the_task_listing_agrees_with_pcs_task_list(
    built: BuiltSite, task_list: dict[str, Any]
) -> None:
    listing = json.loads((built.site / "api" / "prod-tasks.json").read_text(encoding="utf-8"))
    assert listing["count"] == task_list["count"] == REQUESTS
    ours_by_name = {t["name"]: t for t in listing["tasks"]}
    assert sorted(ours_by_name) == [t["name"] for t in task_list["tasks"]]
    numbers = {"substate", "priority", "events"}  # the API gives numbers, with the text beside
    for theirs in task_list["tasks"]:
        ours = ours_by_name[theirs["name"]]
        assert ours.keys() >= theirs.keys()
        # The CLI lists without a path probe (substate null); the site uses 'unreachable'.
        assert theirs["substate"] in (None, ours["substate"])
        assert (ours["priority_text"], ours["events_text"]) == (
            theirs["priority"],
            theirs["events"],
        )
        assert {k: v for k, v in ours.items() if k in theirs and k not in numbers} == {
            k: v for k, v in theirs.items() if k not in numbers
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


# --------------------------------------------------------------------------- links
@pytest.fixture(scope="module")
def served(built: BuiltSite) -> Iterator[LinkChecker]:
    with serve(built.site) as base:
        yield LinkChecker(base + "/")


def test_every_link_of_the_home_catalogue_and_summary_pages_answers(
    served: LinkChecker,
) -> None:
    base = served.base
    for page in ("index.html", "catalog/index.html", "catalog/summary.html", "api.html"):
        assert served.fetch(base + page).status == 200, page
        assert served.broken(base + page) == []


def test_the_published_page_url_of_every_request_answers(
    built: BuiltSite, served: LinkChecker, task_list: dict[str, Any]
) -> None:
    settings = CatalogSettings()
    names = [t["name"] for t in task_list["tasks"]]
    for name in [*names[::40], f"issue-{ISSUE}"]:
        published = request_page_url(settings, name)
        url = served.base + published.removeprefix(settings.site_url.rstrip("/") + "/")
        assert served.fetch(url).status == 200, published
        assert served.broken(url) == [], published


def test_the_old_page_url_of_a_request_filed_as_an_issue_redirects_to_its_page(
    served: LinkChecker,
) -> None:
    old = served.fetch(f"{served.base}requests/issue-{ISSUE}/")
    assert old.status == 200
    assert served.local_links(old.url)[-1] == f"{served.base}requests/issue-{ISSUE}.html"
    assert served.broken(old.url) == []


def test_the_request_rows_carry_anchors_and_the_pages_link_back_to_them(
    served: LinkChecker,
) -> None:
    catalogue = served.fetch(served.base + "catalog/index.html").text
    assert f'<tr id="issue-{ISSUE}"' in catalogue
    page = served.fetch(f"{served.base}requests/issue-{ISSUE}.html")
    assert f"catalog/index.html#issue-{ISSUE}" in page.text
    assert served.broken(page.url) == []


def test_imported_requests_are_marked_and_filterable(served: LinkChecker) -> None:
    catalogue = served.fetch(served.base + "catalog/index.html").text
    assert catalogue.count('data-origin="imported"') == IMPORTED
    assert catalogue.count('data-origin="requested"') == 1
    assert '<select id="f-origin" name="origin">' in catalogue
    assert "Legend: status, draft sub-state, priority, origin" in catalogue
    assert "Highest" in catalogue and "awaiting-review" in catalogue


def test_the_home_page_counts_requests_by_pwg_status_and_origin(served: LinkChecker) -> None:
    home = served.fetch(served.base + "index.html").text
    assert f"{REQUESTS} requests</h2>" in home
    for dimension in ("pwg", "status", "priority", "origin"):
        assert f'data-dimension="{dimension}"' in home
    assert "<td>Tracking</td>" in home
    assert "issues/new?template=dataset_request.yml" in home
