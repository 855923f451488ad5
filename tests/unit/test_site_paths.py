"""One path scheme for the site: every published URL is a file the renderer writes."""

from __future__ import annotations

import posixpath
from urllib.parse import quote, urlencode

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pcs_gitops.domain import site_paths
from pcs_gitops.domain.naming import TASK_NAME_RE
from pcs_gitops.domain.settings import CatalogSettings
from pcs_gitops.services.request_texts import request_page_url

NAMES = st.from_regex(TASK_NAME_RE, fullmatch=True).filter(lambda n: len(n) < 80)


@given(NAMES)
def test_a_request_page_url_names_the_file_the_renderer_writes(name: str) -> None:
    url = site_paths.request_page_url("https://example.org/site/", name)
    assert url.startswith("https://example.org/site/requests/")
    path = url.removeprefix("https://example.org/site/")
    assert site_paths.url(site_paths.request_page_file(name)) == path


def test_the_request_pipeline_publishes_the_page_url_of_the_scheme() -> None:
    settings = CatalogSettings(site_url="https://eic.github.io/epic-prod")
    assert request_page_url(settings, "issue-213") == (
        "https://eic.github.io/epic-prod/requests/issue-213.html"
    )


def test_the_old_published_url_of_a_request_holds_a_stub_in_its_directory() -> None:
    assert site_paths.old_request_url_stub("issue-7") == "requests/issue-7/index.html"


def test_names_outside_the_safe_set_are_percent_encoded_in_urls_only() -> None:
    assert site_paths.request_page_file("a b#c") == "requests/a b#c.html"
    assert site_paths.request_page("a b#c") == "requests/a%20b%23c.html"


@pytest.mark.parametrize(
    ("number", "catalog", "listing"),
    [
        (1, "catalog/index.html", "api/prod-tasks.json"),
        (2, "catalog/page-2.html", "api/prod-tasks.2.json"),
        (17, "catalog/page-17.html", "api/prod-tasks.17.json"),
    ],
)
def test_page_one_keeps_the_historical_url_and_later_pages_are_numbered(
    number: int, catalog: str, listing: str
) -> None:
    assert site_paths.catalog_page(number) == catalog
    assert site_paths.listing_page("prod-tasks", number) == listing


@pytest.mark.parametrize(("items", "pages"), [(0, 1), (1, 1), (500, 1), (501, 2), (10_000, 20)])
def test_page_counts(items: int, pages: int) -> None:
    assert site_paths.page_count(items, site_paths.LISTING_PAGE_ITEMS) == pages


def test_row_anchors_use_the_issue_and_never_pass_for_another_issue() -> None:
    assert site_paths.row_anchor("req.EVGEN.DIS", 12) == "issue-12"
    assert site_paths.row_anchor("req.EVGEN.DIS", None) == "req.EVGEN.DIS"
    assert site_paths.row_anchor("issue-5", None) == "task-issue-5"


@given(st.lists(st.sampled_from(["a", "b.c", "requests", "api"]), min_size=1, max_size=4), NAMES)
def test_relative_links_resolve_to_their_target(parts: list[str], name: str) -> None:
    here = "/".join(parts) + "/page.html"
    target = site_paths.request_page_file(name)
    link = site_paths.link(here, target)
    resolved = posixpath.normpath(posixpath.join(posixpath.dirname(here), link))
    assert resolved == site_paths.url(target)


def test_arrival_order_puts_older_records_first_then_the_tie_break() -> None:
    keys = [
        site_paths.arrival_key("2026-03-02T00:00:00Z", "a"),
        site_paths.arrival_key("2026-03-01T00:00:00Z", "z"),
        site_paths.arrival_key("2026-03-01T00:00:00Z", "b"),
    ]
    assert sorted(keys) == [keys[2], keys[1], keys[0]]


@given(
    st.text(max_size=40),
    st.dictionaries(st.sampled_from(["pwg", "description", "dataset_path"]), st.text(max_size=600)),
)
def test_an_issue_form_url_pre_fills_the_title_and_the_non_empty_answers_in_order(
    title: str, answers: dict[str, str]
) -> None:
    """The answers encoded once (a page has several such links) make the same URL as encoding
    everything at once; each answer is cut to MAX_PREFILLED characters."""
    params = {"template": site_paths.REQUEST_FORM, "title": title}
    params.update({k: v[: site_paths.MAX_PREFILLED] for k, v in answers.items() if v.strip()})
    expected = "https://github.com/eic/epic-prod/issues/new?" + urlencode(params, quote_via=quote)
    assert site_paths.issue_form_url("eic/epic-prod", title, answers) == expected
    encoded = site_paths.prefilled_answers(answers)
    assert site_paths.prefilled_issue_url("eic/epic-prod", title, encoded) == expected
