"""The generated HTML pages of the site: catalogue pages, campaign summary, request pages and the
redirect stubs of moved request pages. The only module that imports ``jinja2``.

Escaping. Every ``{{ value }}`` reaches HTML through ``html_text`` (Jinja's ``finalize``): it is
HTML-escaped and its ``{``/``}`` become character references, so no generated page can ever
contain a Liquid ``{{``/``{%`` (``no_liquid`` repeats the brace rule on whole pages). The
generated pages carry no front matter: Jekyll (3.10 on GitHub Pages, 4.x locally) copies them
verbatim as static files and never runs Liquid on them. They link the rest of the site with
relative URLs (``root`` is the way up to docs/), so they work under any base URL and offline.

Template values are slotted dataclasses or tuples, never dicts: Jinja resolves ``x.y`` by
getattr first, and a failed getattr (the dict case) costs an exception per lookup. Fragments
shared by many pages (tag rows, production configs, dataset blocks) are rendered once.
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any

import markupsafe
from jinja2 import Environment, PackageLoader, StrictUndefined, Template
from markupsafe import Markup

from pcs_gitops.domain import artifacts, catalog_terms, site_paths
from pcs_gitops.domain.catalog import parse_event_count
from pcs_gitops.domain.model import CATALOG_FIELD_IDS, Dataset, ProdTask
from pcs_gitops.domain.readiness import Readiness
from pcs_gitops.domain.request_form import CATALOG_TO_FORM
from pcs_gitops.domain.settings import DEFAULT_COLUMNS
from pcs_gitops.domain.state import State

SITE_TITLE = "ePIC simulation production catalogue"
NO_CAMPAIGN = "none"  # the campaign filter's key of requests in no campaign (as task lists say)
NO_VALUE = catalog_terms.NO_VALUE  # the PWG/priority key of requests that leave it empty
USE_FLAG_IDS = ("background", "new_request", "pre_tdr_use", "early_science_use", "other_use")
_CLASS_UNSAFE = re.compile(r"[^A-Za-z0-9_-]")
_COLOR = re.compile(r"^#(?:[0-9a-fA-F]{3}){1,2}$")
_HTTP = re.compile(r"^https?://\S+$", re.IGNORECASE)


# --------------------------------------------------------------------------- jinja
def _escape_fallback(text: str) -> str:  # pragma: no cover - markupsafe without _escape_inner
    return html.escape(text, quote=True)


# markupsafe's C escape without the Markup wrapper (4x faster than ``markupsafe.escape``).
_escape: Callable[[str], str] = getattr(markupsafe, "_escape_inner", _escape_fallback)


def html_text(value: Any) -> str:
    """Every ``{{ expression }}`` of the templates goes through this (Jinja's ``finalize``):
    HTML-escaped, ``{``/``}`` as character references (never Liquid), None as "", and Markup
    (fragments rendered by these templates) as is."""
    if type(value) is str:
        text = _escape(value)
    elif isinstance(value, Markup):
        return value
    elif value is None:
        return ""
    else:
        text = _escape(str(value))
    if "{" in text or "}" in text:
        return text.replace("{", "&#123;").replace("}", "&#125;")
    return text


@cache
def _environment() -> Environment:
    # Escaping is done by ``finalize`` for every output (autoescape's Markup round trip per value
    # costs four times as much); so values are escaped whatever their type, and ``|safe`` is
    # never needed: pre-rendered fragments are Markup.
    return Environment(
        loader=PackageLoader("pcs_gitops", "resources/templates"),
        autoescape=False,  # noqa: S701 - finalize=html_text escapes every output (tested)
        finalize=html_text,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        auto_reload=False,
    )


def _template(name: str) -> Template:
    return _environment().get_template(name)


class _Fragments:
    """The macros of ``_fragments.html.j2``, called from Python; their HTML comes back as
    Markup so that a page embeds it unescaped."""

    def __init__(self) -> None:
        self._module = _template("_fragments.html.j2").module

    def __getattr__(self, name: str) -> Callable[..., Markup]:
        macro = getattr(self._module, name)

        def call(*args: Any) -> Markup:
            return Markup(str(macro(*args)).strip())  # noqa: S704 - escaped by html_text

        return call


@cache
def _fragments() -> _Fragments:
    return _Fragments()


def no_liquid(page: str) -> str:
    """``{`` and ``}`` as character references: the page can never hold a Liquid tag.

    ``html_text`` already does this for every value; this second pass covers the whole page
    (the templates have no inline script or style, so a brace can only come from a value).
    """
    if "{" in page or "}" in page:
        return page.replace("{", "&#123;").replace("}", "&#125;")
    return page


def _page(template: Template, context: Mapping[str, Any]) -> bytes:
    return no_liquid(template.render(context)).encode("utf-8")


# --------------------------------------------------------------------------- small helpers
def pwg_class(slug: str) -> str:
    """The CSS class of a PWG slug: ``pwg-`` plus the slug, other characters as ``_xx``."""
    return "pwg-" + _CLASS_UNSAFE.sub(lambda m: f"_{ord(m.group()):x}", slug)


def _http_url(value: str) -> str | None:
    """``value`` when it is one http(s) URL (safe to link), else None."""
    if not value.startswith(("http", "HTTP", " ")):
        return None
    text = value.strip()
    return text if _HTTP.match(text) else None


def url_label(url: str) -> str:
    """A short text for a release URL: ``<repository> <tag>`` for GitHub/GitLab release and
    tree URLs, else the last path segment (or the host)."""
    parts = [p for p in url.split("?", 1)[0].split("#", 1)[0].split("/") if p]
    for marker in ("tag", "tree"):
        if marker in parts[3:-1]:
            at = len(parts) - 1 - parts[::-1].index(marker)
            repo = next((p for p in reversed(parts[2:at]) if p not in ("releases", "-")), "")
            return f"{repo} {'/'.join(parts[at + 1 :])}".strip()
    return parts[-1] if len(parts) > 2 else url


@cache
def wrap_slashes(text: str) -> Markup:
    """``text`` escaped, with a line-break opportunity after each slash (long PWG names)."""
    return Markup("/<wbr>".join(html_text(part) for part in text.split("/")))  # noqa: S704


def pwg_css(state: State) -> bytes:
    lines = ["/* Generated by 'pcs render' from state/catalog.yaml (pwgs); do not edit. */"]
    for pwg in state.settings.pwgs:
        color = pwg.color if _COLOR.match(pwg.color) else "#eeeeee"
        lines.append(f".{pwg_class(pwg.slug)} {{ background-color: {color}; }}")
    return ("\n".join(lines) + "\n").encode("utf-8")


def display(value: Any) -> str:
    """A record value as page text: YAML-style booleans, empty for None, JSON for structures."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (dict, list, tuple)):
        return json.dumps(value, ensure_ascii=False, separators=(", ", ": "))
    return str(value)


def _detail_text(detail: Mapping[str, Any]) -> str:
    return "\n".join(f"{key}: {display(value)}" for key, value in detail.items())


def redirect_stub(task: str) -> bytes:
    """The page at a request's old URL (``requests/<task>/``): it sends the browser on to the
    request's page."""
    target = html_text(f"../{site_paths.segment(task)}.html")
    name = html_text(task)
    return (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        f"<title>{name} (moved)</title>\n"
        f'<link rel="canonical" href="{target}">\n'
        f'<meta http-equiv="refresh" content="0; url={target}">\n'
        '<meta name="robots" content="noindex">\n</head>\n<body>\n'
        f'<p>The page of request {name} is now at <a href="{target}">{target}</a>.</p>\n'
        "</body>\n</html>\n"
    ).encode()


# --------------------------------------------------------------------------- page data
@dataclass(frozen=True, slots=True)
class PwgView:
    value: str
    name: str
    cls: str


@dataclass(frozen=True, slots=True)
class DatasetView:
    did: str
    dataset: Dataset | None
    html: Markup | None


def _action_links(repository: str, task: ProdTask) -> dict[str, str]:
    """The site as the front door: change, clone or file a request through the issue form."""
    answers = site_paths.prefilled_answers(
        {CATALOG_TO_FORM[k]: v for k, v in task.catalog.items() if k in CATALOG_TO_FORM}
    )
    issue = task.public_catalog.issue
    form = site_paths.prefilled_issue_url
    return {
        "change": f"https://github.com/{repository}/issues/{issue}"
        if issue
        else form(repository, f"[Dataset Request] change of {task.name}", answers),
        "clone": form(repository, f"[Dataset Request] {task.name} in another campaign", answers),
        "new": _new_request_url(repository),
    }


@cache
def _new_request_url(repository: str) -> str:
    """The same link on every page of one repository's site."""
    return site_paths.prefilled_issue_url(repository, "[Dataset Request] ", "")


@dataclass(frozen=True, slots=True)
class RequestLinks:
    catalog_row: str | None
    issue: int | None
    issue_url: str | None
    pr: int | None
    pr_url: str | None
    public_page: str | None
    task_json: str
    jedi_json: str
    dump_json: str
    change: str  # its issue (where `!update` works), else a new request pre-filled with its row
    clone: str  # a new request pre-filled with its row, for another campaign
    new: str  # a blank request


@dataclass(frozen=True, slots=True)
class Counted:
    value: str
    label: str
    requests: int
    cls: str = ""


@dataclass(frozen=True, slots=True)
class PageLink:
    number: int
    href: str
    first: int
    last: int


class HtmlPages:
    """The pages of one state; fragments shared by many pages are rendered once."""

    def __init__(self, state: State) -> None:
        self.state = state
        self.settings = state.settings
        self.pwgs = {p.slug: p for p in state.settings.pwgs}
        self.columns = list(state.settings.columns.items())
        self._pwg_views: dict[str, PwgView] = {}
        self._tag_rows: dict[tuple[str, str], Markup] = {}
        self._configs: dict[str, Markup] = {}
        self._datasets: dict[str, Markup] = {}
        self._shown_once: set[str] = set()
        self._legends: Markup | None = None

    def common(self, root: str) -> dict[str, Any]:
        repo = self.settings.repository
        if self._legends is None:
            self._legends = _fragments().legends_block(catalog_terms.legends())
        return {
            "legends_html": self._legends,
            "site_title": SITE_TITLE,
            "repository": repo,
            "root": root,
            "new_request_url": f"https://github.com/{repo}/issues/new?template=dataset_request.yml",
            "csv_url": f"https://github.com/{repo}/raw/HEAD/{self.settings.csv_path}",
        }

    def pwg(self, value: str) -> PwgView:
        view = self._pwg_views.get(value)
        if view is None:
            found = self.pwgs.get(value)
            view = self._pwg_views[value] = (
                PwgView(value, found.name, pwg_class(found.slug))
                if found is not None
                else PwgView(value or NO_VALUE, value or "—", "pwg-unknown")
            )
        return view

    # -- request pages ----------------------------------------------------------------------
    def request_page(
        self, task: ProdTask, check: Readiness, substate: str | None, catalog_row: str | None
    ) -> bytes:
        """The page of one request; ``catalog_row`` is its row's URL path (None without one)."""
        root = "../"
        mapping = task.public_catalog
        repo = self.settings.repository
        url = site_paths.url
        links = RequestLinks(
            catalog_row=root + catalog_row if catalog_row else None,
            issue=mapping.issue,
            issue_url=f"https://github.com/{repo}/issues/{mapping.issue}"
            if mapping.issue
            else None,
            pr=mapping.pr,
            pr_url=f"https://github.com/{repo}/pull/{mapping.pr}" if mapping.pr else None,
            public_page=_http_url(mapping.page_url or ""),
            task_json=root + url(site_paths.task_document(task.name)),
            jedi_json=root + url(site_paths.jedi_document(task.name)),
            dump_json=root + url(site_paths.dump_document(task.name)),
            **_action_links(repo, task),
        )
        catalog = task.catalog
        context = {
            **self.common(root),
            "task": task,
            "links": links,
            "pwg": self.pwg(catalog.get("pwg", "")),
            "substate": substate,
            "origin": catalog_terms.origin(task),
            "checks": check.checks,
            "fields": [(title, catalog.get(fid, "")) for fid, title in self.columns],
            "panda_task_id": display(task.panda_task_id),
            "workflow_mode": artifacts.workflow_mode_of(self.state, task),
            "twin_page": f"{site_paths.segment(task.twin)}.html" if task.twin else None,
            "panda_monitor": self.settings.panda_monitor_link(task.panda_task_id),
            "public_catalog": [(k, display(v)) for k, v in task.public_catalog.to_dict().items()],
            "unmapped": list(task.unmapped.items()),
            "inputs": [self.dataset_view(did, root) for did in task.input_datasets],
            "outputs": [self.dataset_view(did, root) for did in task.output_datasets],
            "intermediates": [self.dataset_view(did, root) for did in task.intermediate_datasets],
            "config_html": self.config_html(task.prod_config),
            "overrides": [(k, display(v)) for k, v in task.overrides.items()],
            "history": [(h, _detail_text(h.detail)) for h in task.history],
        }
        return _page(_template("request.html.j2"), context)

    def dataset_view(self, did: str, root: str) -> DatasetView:
        dataset = self.state.dataset_for_did(did)
        if dataset is None:
            return DatasetView(did, None, None)
        return DatasetView(did, dataset, self.dataset_html(dataset, root))

    def dataset_html(self, dataset: Dataset, root: str) -> Markup:
        """A dataset's block, kept for reuse from the second page that shows it on: most
        datasets appear on one page only, and keeping all of them took 40 MB at 20,000."""
        name = dataset.name
        html = self._datasets.get(name)
        if html is None:
            rows = [self.tag_row(k.value, label) for k, label in dataset.tags.labels().items()]
            json_url = root + site_paths.url(site_paths.dataset_document(name))
            html = _fragments().dataset_block(dataset, json_url, rows)
            if name in self._shown_once:
                self._datasets[name] = html
            else:
                self._shown_once.add(name)
        return html

    def tag_row(self, kind: str, label: str) -> Markup:
        """The table row of one tag, rendered once and shared by every page that shows it."""
        key = (kind, label)
        row = self._tag_rows.get(key)
        if row is None:
            tag = self.state.tags.get(label)
            row = self._tag_rows[key] = _fragments().tag_row(kind, label, tag)
        return row

    def config_html(self, name: str) -> Markup:
        html = self._configs.get(name)
        if html is None:
            config = self.state.prod_configs.get(name)
            html = self._configs[name] = (
                _fragments().config_block(
                    config, [(k, display(v)) for k, v in config.settings.items()]
                )
                if config is not None
                else _fragments().missing_config(name)
            )
        return html

    # -- catalogue pages --------------------------------------------------------------------
    def catalog_row(self, task: ProdTask, substate: str | None) -> tuple[Any, ...]:
        """One table row as a flat tuple (unpacked by the template's loop: no lookups).
        Plain strings, ints and None only, so that a row can be cached and compared."""
        get = task.catalog.get
        events = get("events", "")
        count = parse_event_count(events) if events else None
        generator = get("generator_version", "")
        mapping = task.public_catalog
        repo = self.settings.repository
        pwg = self.pwg(get("pwg", ""))
        return (
            site_paths.row_anchor(task.name, mapping.issue),
            pwg.cls,
            pwg.value,
            pwg.name,
            get("priority", "") or NO_VALUE,
            task.status.value,
            substate or "",
            catalog_terms.origin(task),
            events,
            -1 if count is None else count,
            "../" + site_paths.request_page(task.name),
            get("dataset_path", ""),
            generator,
            _http_url(generator),
            url_label(generator) if generator.startswith("http") else generator,
            tuple(get(f, "") for f in USE_FLAG_IDS),
            get("description", ""),
            mapping.issue,
            f"https://github.com/{repo}/issues/{mapping.issue}" if mapping.issue else None,
            mapping.pr,
            f"https://github.com/{repo}/pull/{mapping.pr}" if mapping.pr else None,
            task.campaign or NO_CAMPAIGN,
        )

    def catalog_page(
        self, number: int, last_page: bool, first: int, rows: Sequence[tuple[Any, ...]]
    ) -> bytes:
        """Catalogue page ``number``; its rows are requests ``first`` on. A page links only its
        neighbours (the summary lists every page), so a new page changes just the one before."""
        columns = self.settings.columns
        page = site_paths.catalog_page
        context = {
            **self.common("../"),
            "number": number,
            "prev_href": page(number - 1).removeprefix("catalog/") if number > 1 else None,
            "next_href": None if last_page else page(number + 1).removeprefix("catalog/"),
            "first": first,
            "last": first + len(rows) - 1,
            "titles": {k: columns.get(k) or DEFAULT_COLUMNS[k] for k in CATALOG_FIELD_IDS},
            "flag_ids": USE_FLAG_IDS,
            "wrap": wrap_slashes,
            "rows": rows,
            "pwg_counts": self._counted(rows, 2, lambda v: self.pwg(v)),
            "status_counts": _count(rows, 5),
            "substate_counts": _count(rows, 6),
            "priority_counts": _count(rows, 4),
            "origin_counts": _count(rows, 7),
            "campaign_counts": _count(rows, 21),
            "legends": catalog_terms.legends(),
        }
        return _page(_template("catalog.html.j2"), context)

    def _counted(
        self, rows: Sequence[tuple[Any, ...]], column: int, view: Callable[[str], PwgView]
    ) -> list[Counted]:
        out = []
        for c in _count(rows, column):
            pwg = view(c.value if c.value != NO_VALUE else "")
            out.append(Counted(pwg.value, pwg.name, c.requests, pwg.cls))
        return out

    def summary_page(
        self,
        report: Mapping[str, Any],
        counts: Mapping[str, Any],
        no_catalog: int,
        catalog_pages: Sequence[tuple[int, int]],
    ) -> bytes:
        """The campaign summary: ``pcs report``'s numbers, the counts of the home page and the
        catalogue pages (``(first, last)`` request numbers of each)."""
        from pcs_gitops.adapters.report_frames import human_count

        context = {
            **self.common("../"),
            "report": report,
            "counts": counts,
            "human": human_count,
            "pwg_names": {p.slug: p.name for p in self.settings.pwgs},
            "no_catalog": no_catalog,
            "catalog_pages": [
                PageLink(n, site_paths.catalog_page(n).removeprefix("catalog/"), first, last)
                for n, (first, last) in enumerate(catalog_pages, start=1)
            ],
            "request_page": site_paths.request_page,
            "legends": catalog_terms.legends(),
        }
        return _page(_template("summary.html.j2"), context)


def _count(rows: Sequence[tuple[Any, ...]], column: int) -> list[Counted]:
    """How many rows hold each value of ``column`` (empty values left out), most first."""
    counts: dict[str, int] = {}
    for row in rows:
        value = row[column]
        if value:
            counts[value] = counts.get(value, 0) + 1
    ordered = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    return [Counted(value, value, n) for value, n in ordered]
