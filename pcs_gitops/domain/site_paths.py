"""Where each generated page and JSON document of the public site lives, and its URL.

This module holds the only path scheme. The renderer writes files at these paths and the request
pipeline publishes URLs built here, so a published link always points at a page that exists.
Jekyll and GitHub Pages serve ``docs/<path>`` at ``<site_url>/<path>``, and a directory at
``<dir>/`` through its ``index.html``:

- a request's page: ``requests/<task>.html``. Request comments and pull requests used to link
  ``requests/<task>/``, which no page answered: for a request filed as an issue through this
  system that URL now holds a redirect stub (``requests/<task>/index.html``) to the page (a
  request imported from the historical catalogue was never linked so and has none);
- the catalogue, in pages of ``CATALOG_PAGE_ROWS`` rows in order of arrival:
  ``catalog/index.html``, then ``catalog/page-2.html``, ``catalog/page-3.html``, and so on;
- the JSON API: ``api/index.json``; listings in pages of ``LISTING_PAGE_ITEMS`` items
  (``api/prod-tasks.json``, then ``api/prod-tasks.2.json``, and so on, and the same for
  ``datasets``); one document per record (``api/prod-tasks/<task>.json``, with
  ``<task>/jedi.json`` and ``<task>/dump.json``, and ``api/datasets/<dataset>.json``); and the
  JSON Schemas of these documents (``api/schemas/<document>.schema.json``).

Paths are relative to ``docs/``. File paths keep record names as they are; URLs percent-encode
any character that is not safe in a path segment.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Mapping
from functools import lru_cache
from urllib.parse import quote

DOCS = "docs"
CATALOG_PAGE_ROWS = 1000
LISTING_PAGE_ITEMS = 500
API_INDEX = "api/index.json"
SUMMARY_PAGE = "catalog/summary.html"
PWG_STYLESHEET = "catalog/pwg.css"
HOME_DATA = "_data/summary.json"
LISTINGS = ("prod-tasks", "datasets")
_UNSAFE = re.compile(r"[^A-Za-z0-9._+=-]")
_ISSUE_NAME = re.compile(r"issue-\d+")


def segment(name: str) -> str:
    """A record name as one URL path segment."""
    return quote(name, safe="._-+=") if _UNSAFE.search(name) else name


def request_page_file(task: str) -> str:
    return f"requests/{task}.html"


def request_page(task: str) -> str:
    """The URL path of a request's page."""
    return f"requests/{segment(task)}.html"


def old_request_url_stub(task: str) -> str:
    """The redirect stub at the URL the request pipeline used to publish (``requests/<task>/``,
    served by this ``index.html``)."""
    return f"requests/{task}/index.html"


def request_page_url(site_url: str, task: str) -> str:
    """The public URL of a request's page."""
    return f"{site_url.rstrip('/')}/{request_page(task)}"


def task_document(task: str) -> str:
    return f"api/prod-tasks/{task}.json"


def jedi_document(task: str) -> str:
    return f"api/prod-tasks/{task}/jedi.json"


def dump_document(task: str) -> str:
    return f"api/prod-tasks/{task}/dump.json"


def dataset_document(dataset: str) -> str:
    return f"api/datasets/{dataset}.json"


def schema_document(document: str) -> str:
    return f"api/schemas/{document}.schema.json"


def listing_page(listing: str, number: int) -> str:
    """Page ``number`` (from 1) of a listing; page 1 keeps the listing's historical URL."""
    return f"api/{listing}.json" if number == 1 else f"api/{listing}.{number}.json"


def catalog_page(number: int) -> str:
    return "catalog/index.html" if number == 1 else f"catalog/page-{number}.html"


def page_count(items: int, per_page: int) -> int:
    """How many pages ``items`` items fill (an empty listing still has its first page)."""
    return max(1, -(-items // per_page))


def row_anchor(task: str, issue: int | None) -> str:
    """The id of a request's catalogue row: ``issue-N`` for a request filed as issue N, else
    ``task-<task>`` (never mistaken for an issue) or the task name itself."""
    if issue is not None:
        return f"issue-{issue}"
    return f"task-{task}" if _ISSUE_NAME.fullmatch(task) else task


def url(path: str) -> str:
    """A file path as a URL path: each segment percent-encoded where needed."""
    return "/".join(segment(part) for part in path.split("/"))


def link(from_file: str, to_path: str) -> str:
    """A relative URL from the page at ``from_file`` to ``to_path`` (both relative to docs/).

    Relative links keep the site working under any base URL and when opened from disk.
    """
    here = posixpath.dirname(from_file) or "."
    target = posixpath.relpath(to_path, here)
    if to_path.endswith("/") and not target.endswith("/"):
        target += "/"
    return url(target)


def arrival_key(created_at: str, *tie_break: str) -> tuple[str, ...]:
    """The order of the paginated catalogue and listings: oldest first, so a new request lands
    on the last page and the pages before it never change. Records created together (an
    import) keep ``tie_break`` order (the catalogue file's order, or the name)."""
    return (created_at, *tie_break)


REQUEST_FORM = "dataset_request.yml"
MAX_PREFILLED = 500  # characters of one pre-filled answer (GitHub's URLs stay short)


def issue_form_url(
    repository: str, title: str, answers: Mapping[str, str], template: str = REQUEST_FORM
) -> str:
    """A new issue of the form ``template`` with ``title`` and ``answers`` pre-filled: GitHub
    fills each form field whose id is a query parameter (empty answers are left out)."""
    return prefilled_issue_url(repository, title, prefilled_answers(answers), template)


def prefilled_answers(answers: Mapping[str, str]) -> str:
    """The query string of ``answers`` in an issue form URL (``issue_form_url``), made once for
    the several links of one page."""
    return "&".join(
        f"{_quoted(k)}={_quoted(v[:MAX_PREFILLED])}" for k, v in answers.items() if v.strip()
    )


@lru_cache(maxsize=8192)
def _quoted(text: str) -> str:
    """``text`` quoted as ``urlencode(..., quote_via=quote)`` quotes it: the answers of many
    requests repeat (energies, generators, campaigns), and quoting was a tenth of a page."""
    return quote(text, safe="")


def prefilled_issue_url(
    repository: str, title: str, answers_query: str, template: str = REQUEST_FORM
) -> str:
    """``issue_form_url`` with the answers already encoded by ``prefilled_answers`` (quoted
    as ``urlencode`` quotes, without building its query mapping)."""
    query = f"template={quote(template, safe='')}&title={quote(title, safe='')}"
    return f"https://github.com/{repository}/issues/new?{query}" + (
        f"&{answers_query}" if answers_query else ""
    )
