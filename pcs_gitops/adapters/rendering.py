"""The generated part of the site: catalogue page, one page per request, static JSON API.

The only module that imports ``jinja2``. ``plan_pages(state)`` returns ``{relpath: bytes}``;
``SiteFiles`` compares the bytes with what is on disk and writes only what changed.

Escaping. Every ``{{ value }}`` reaches HTML through ``html_text`` (Jinja's ``finalize``): it is
HTML-escaped and its ``{``/``}`` become character references, so no generated page can ever
contain a Liquid ``{{``/``{%`` (``no_liquid`` repeats the brace rule on whole pages). The
generated HTML pages carry no front matter: Jekyll (3.10 on GitHub Pages, 4.x locally) copies
them verbatim as static files and never runs Liquid on them. They are standalone documents
linking ``../assets/`` with relative URLs, so they work under any baseurl and offline.

Speed (``pcs render`` on 10,000 requests): unchanged requests come from the render cache, the
others are planned by forked workers (``forking``); repeated fragments (tag rows, production
configs, dataset blocks, JSON of tags/configs/datasets) are rendered or encoded once.

Layout (every path here is owned by ``pcs render``, see ``site_files.GENERATED_DIRS``):

- ``docs/catalog/index.html``: the catalogue table with the campaign summary;
- ``docs/catalog/pwg.css``: one class per PWG of the catalogue settings;
- ``docs/requests/<task>.html``: one page per request;
- ``docs/api/prod-tasks.json``, ``docs/api/datasets.json``: the listings;
- ``docs/api/prod-tasks/<task>.json`` with ``<task>/jedi.json`` and ``<task>/dump.json``;
- ``docs/api/datasets/<dataset>.json``.
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import quote

import markupsafe
from jinja2 import Environment, PackageLoader, StrictUndefined, Template
from markupsafe import Markup

from pcs_gitops.adapters import forking
from pcs_gitops.adapters.render_cache import RenderCache
from pcs_gitops.domain import artifacts
from pcs_gitops.domain.catalog import catalog_tasks, parse_event_count
from pcs_gitops.domain.model import CATALOG_FIELD_IDS, Dataset, ProdTask
from pcs_gitops.domain.readiness import SUBSTATE_ORDER, Readiness, readiness, unreachable
from pcs_gitops.domain.settings import DEFAULT_COLUMNS
from pcs_gitops.domain.state import State
from pcs_gitops.services.datasets import dataset_summary
from pcs_gitops.services.tasks import task_detail, task_summary

SITE_TITLE = "ePIC simulation production catalogue"
CATALOG_DIR = "docs/catalog"
REQUESTS_DIR = "docs/requests"
API_DIR = "docs/api"
NO_VALUE = "(none)"  # the PWG/priority key of requests that leave it empty (as in the report)
PARALLEL_MIN_TASKS = 2000
MAX_WORKERS = 4
# The calling process also writes the listings and the catalogue after its chunk: it takes a
# smaller share of the tasks so that it finishes with its workers.
PARENT_SHARE = 0.7
USE_FLAG_IDS = ("background", "new_request", "pre_tdr_use", "early_science_use", "other_use")
_CLASS_UNSAFE = re.compile(r"[^A-Za-z0-9_-]")
_COLOR = re.compile(r"^#(?:[0-9a-fA-F]{3}){1,2}$")
_HTTP = re.compile(r"^https?://\S+$", re.IGNORECASE)
_URL_UNSAFE = re.compile(r"[^A-Za-z0-9._+=-]")


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
_ENCODER = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), check_circular=False)


def _json(data: Any) -> bytes:
    return (_ENCODER.encode(data) + "\n").encode("utf-8")


class SharedJson:
    """Compact JSON text for values that repeat across files (tags, configs, datasets).

    ``encode(key, value)`` reuses the text cached under ``key`` when the value equals the cached
    one (a C-speed dict comparison), else encodes it and caches it. The spliced output is
    byte-identical to encoding the whole document at once.
    """

    def __init__(self) -> None:
        self._memo: dict[object, tuple[Any, str]] = {}

    def encode(self, key: object, value: Any) -> str:
        hit = self._memo.get(key)
        if hit is not None and hit[0] == value:
            return hit[1]
        text = _ENCODER.encode(value)
        self._memo[key] = (value, text)
        return text

    def dump(self, dump: Mapping[str, Any]) -> bytes:
        """``build_dump``'s document, with its tags, configs and datasets spliced from cache."""
        enc = _ENCODER.encode
        parts = []
        for key, value in dump.items():
            if key in ("prod_config", "effective_config") and isinstance(value, dict):
                text = self.encode((key, value.get("name"), len(value)), value)
            elif key == "tags" and isinstance(value, dict):
                text = (
                    "{"
                    + ",".join(
                        f"{enc(label)}:{self.encode(('tag', label), tag)}"
                        for label, tag in value.items()
                    )
                    + "}"
                )
            elif key.endswith("_datasets") and isinstance(value, list):
                text = (
                    "["
                    + ",".join(
                        self.encode(("dataset", d.get("name")), d)
                        if isinstance(d, dict)
                        else enc(d)
                        for d in value
                    )
                    + "]"
                )
            else:
                text = enc(value)
            parts.append(f"{enc(key)}:{text}")
        return ("{" + ",".join(parts) + "}\n").encode("utf-8")


def _json_listing(key: str, items: list[dict[str, Any]]) -> bytes:
    """``{"count": N, key: [...]}`` with one item per line, so diffs stay small."""
    lines = [_ENCODER.encode(i) for i in items]
    body = ",\n".join(lines)
    text = (
        f'{{"count":{len(items)},"{key}":[\n{body}\n]}}\n'
        if lines
        else (f'{{"count":0,"{key}":[]}}\n')
    )
    return text.encode("utf-8")


def url_name(name: str) -> str:
    """A record name as one URL path segment (record names need no quoting; others do)."""
    return quote(name, safe="._-+=") if _URL_UNSAFE.search(name) else name


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


def pwg_css(state: State) -> str:
    lines = ["/* Generated by 'pcs render' from state/catalog.yaml (pwgs); do not edit. */"]
    for pwg in state.settings.pwgs:
        color = pwg.color if _COLOR.match(pwg.color) else "#eeeeee"
        lines.append(f".{pwg_class(pwg.slug)} {{ background-color: {color}; }}")
    return "\n".join(lines) + "\n"


# --------------------------------------------------------------------------- page data
@dataclass(frozen=True, slots=True)
class Links:
    page: str
    issue: int | None
    issue_url: str | None
    pr: int | None
    pr_url: str | None
    public_page: str | None
    task_json: str
    jedi_json: str
    dump_json: str


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


@dataclass
class TaskFiles:
    """What one chunk of tasks contributes: each task's files, draft sub-state and catalogue
    table row (None without a catalogue row), by task name."""

    files: dict[str, dict[str, bytes]]
    substates: dict[str, str | None]
    rows: dict[str, tuple[Any, ...] | None]


class _Planner:
    """Everything derived from one state, computed once and shared by all pages.

    Template values are slotted dataclasses or tuples, never dicts: Jinja resolves ``x.y`` by
    getattr first, and a failed getattr (the dict case) costs an exception per lookup.
    """

    def __init__(self, state: State) -> None:
        self.state = state
        self.settings = state.settings
        self.pwgs = {p.slug: p for p in state.settings.pwgs}
        self.columns = list(state.settings.columns.items())
        self.substates: dict[str, str | None] = {}
        self.rows: dict[str, tuple[Any, ...] | None] = {}
        self._pwg_views: dict[str, PwgView] = {}
        self._tag_rows: dict[tuple[str, str], Markup] = {}
        self._configs: dict[str, Markup] = {}
        self._datasets: dict[str, Markup] = {}
        self.shared = SharedJson()

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

    def links(self, task: ProdTask) -> Links:
        mapping = task.public_catalog
        repo = self.settings.repository
        name = url_name(task.name)
        return Links(
            page=f"../requests/{name}.html",
            issue=mapping.issue,
            issue_url=f"https://github.com/{repo}/issues/{mapping.issue}"
            if mapping.issue
            else None,
            pr=mapping.pr,
            pr_url=f"https://github.com/{repo}/pull/{mapping.pr}" if mapping.pr else None,
            public_page=_http_url(mapping.page_url or ""),
            task_json=f"../api/prod-tasks/{name}.json",
            jedi_json=f"../api/prod-tasks/{name}/jedi.json",
            dump_json=f"../api/prod-tasks/{name}/dump.json",
        )

    # -- the plan ---------------------------------------------------------------------------
    def plan(self, workers: int, cache: RenderCache | None) -> dict[str, bytes]:
        state = self.state
        tasks = sorted(state.tasks.values(), key=lambda t: t.name)
        out: dict[str, bytes] = {}
        todo, prints = self.reuse(tasks, cache, out)
        if len(todo) < PARALLEL_MIN_TASKS:
            workers = 1
        for part in forking.map_chunks(self.task_files, forking.split(todo, workers, PARENT_SHARE)):
            for name, files in part.files.items():
                out.update(files)
                substate, row = part.substates[name], part.rows[name]
                self.substates[name] = substate
                self.rows[name] = row
                if cache is not None:
                    cache.store(name, prints[name], files, substate, row)
        if cache is not None:
            cache.save(state.tasks)
        out[f"{API_DIR}/prod-tasks.json"] = _json_listing("tasks", [self.summary(t) for t in tasks])
        datasets = sorted(state.datasets.values(), key=lambda d: d.name)
        out[f"{API_DIR}/datasets.json"] = _json_listing(
            "datasets", [dataset_summary(d) for d in datasets]
        )
        used_by = _used_by(tasks)
        for dataset in datasets:
            out[f"{API_DIR}/datasets/{dataset.name}.json"] = self.dataset_json(dataset, used_by)
        out[f"{CATALOG_DIR}/pwg.css"] = pwg_css(state).encode("utf-8")
        out[f"{CATALOG_DIR}/index.html"] = _page(
            _template("catalog.html.j2"), self.catalog_context()
        )
        return out

    def reuse(
        self, tasks: Sequence[ProdTask], cache: RenderCache | None, out: dict[str, bytes]
    ) -> tuple[list[ProdTask], dict[str, str]]:
        """Take the files of unchanged tasks from the cache; returns the tasks left to render
        and every task's fingerprint."""
        if cache is None:
            return list(tasks), {}
        cache.begin(self.state)
        todo: list[ProdTask] = []
        prints: dict[str, str] = {}
        for task in tasks:
            fingerprint = prints[task.name] = cache.fingerprint(self.state, task)
            hit = cache.lookup(task.name, fingerprint)
            if hit is None:
                todo.append(task)
                continue
            files, entry = hit
            out.update(files)
            self.substates[task.name] = entry.substate
            self.rows[task.name] = entry.row
        return todo, prints

    def task_files(self, tasks: Sequence[ProdTask]) -> TaskFiles:
        """Readiness, JSON, artifacts and page of each task (runs in a worker for big states)."""
        state = self.state
        page = _template("request.html.j2")
        part = TaskFiles({}, {}, {})
        for task in tasks:
            check = readiness(state, task, unreachable)
            substate = part.substates[task.name] = check.substate(task.status)
            part.rows[task.name] = self.catalog_row(task, substate) if task.catalog else None
            files = part.files[task.name] = {}
            links = self.links(task)
            base = f"{API_DIR}/prod-tasks/{task.name}"
            files[f"{base}.json"] = _json(self.task_json(task, links, check, substate))
            files[f"{base}/jedi.json"] = _json(artifacts.build_jedi(state, task))
            files[f"{base}/dump.json"] = self.shared.dump(artifacts.build_dump(state, task))
            files[f"{REQUESTS_DIR}/{task.name}.html"] = _page(
                page, self.request_context(task, links, check, substate)
            )
        return part

    # -- JSON API ---------------------------------------------------------------------------
    def summary(self, task: ProdTask) -> dict[str, Any]:
        """``pcs task list --json``'s item, with the sub-state from the ``unreachable`` probe."""
        out = task_summary(self.state, task)
        out["substate"] = self.substates[task.name]
        return out

    def task_json(
        self, task: ProdTask, links: Links, check: Readiness, substate: str | None
    ) -> dict[str, Any]:
        out = task_detail(self.state, task)
        out["substate"] = substate
        out["readiness"] = check.to_dict(task.status)
        name = url_name(task.name)
        out["links"] = {
            "page": f"requests/{name}.html",
            "issue": links.issue_url,
            "pr": links.pr_url,
            "jedi": f"api/prod-tasks/{name}/jedi.json",
            "dump": f"api/prod-tasks/{name}/dump.json",
        }
        return out

    def dataset_json(self, dataset: Dataset, used_by: Mapping[str, list[Any]]) -> bytes:
        """The dataset record plus ``used_by`` (the tasks naming its DID, with their role)."""
        record = self.shared.encode(("dataset", dataset.name), dataset.to_dict())
        users = _ENCODER.encode(used_by.get(dataset.did, []))
        return f'{record[:-1]},"used_by":{users}}}\n'.encode()

    # -- HTML contexts ----------------------------------------------------------------------
    def _common(self) -> dict[str, Any]:
        return {
            "site_title": SITE_TITLE,
            "repository": self.settings.repository,
            "url_name": url_name,
        }

    def catalog_context(self) -> dict[str, Any]:
        from pcs_gitops.adapters import report_frames

        report = report_frames.campaign_report(
            self.state, self.substates, report_frames.newest_timestamp(self.state)
        )
        columns = self.settings.columns
        rows = [self.rows[t.name] for t in catalog_tasks(self.state.tasks.values())]
        pwg_counts = [
            {**p, "pwg": self.pwg(p["pwg"] if p["pwg"] != NO_VALUE else "")}
            for p in report["by_pwg"]
        ]
        return {
            **self._common(),
            "report": report,
            "human": report_frames.human_count,
            "wrap": wrap_slashes,
            "titles": {k: columns.get(k) or DEFAULT_COLUMNS[k] for k in CATALOG_FIELD_IDS},
            "flag_ids": USE_FLAG_IDS,
            "rows": rows,
            "pwg_counts": pwg_counts,
            "status_counts": report["by_status"],
            "substate_counts": _ordered_substates(report["by_substate"]),
            "priority_counts": report["by_priority"],
            "pwg_names": {p.slug: p.name for p in self.settings.pwgs},
            "no_catalog": len(self.state.tasks) - len(rows),
        }

    def catalog_row(self, task: ProdTask, substate: str | None) -> tuple[Any, ...]:
        """One table row as a flat tuple (unpacked by the template's loop: no lookups)."""
        get = task.catalog.get
        events = get("events", "")
        count = parse_event_count(events) if events else None
        generator = get("generator_version", "")
        mapping = task.public_catalog
        repo = self.settings.repository
        pwg = self.pwg(get("pwg", ""))
        return (
            pwg.cls,
            pwg.value,
            pwg.name,
            get("priority", "") or NO_VALUE,
            task.status.value,
            substate or "",
            events,
            -1 if count is None else count,
            f"../requests/{url_name(task.name)}.html",
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
        )

    def request_context(
        self, task: ProdTask, links: Links, check: Readiness, substate: str | None
    ) -> dict[str, Any]:
        catalog = task.catalog
        return {
            **self._common(),
            "task": task,
            "links": links,
            "pwg": self.pwg(catalog.get("pwg", "")),
            "substate": substate,
            "checks": check.checks,
            "fields": [(title, catalog.get(fid, "")) for fid, title in self.columns],
            "panda_task_id": display(task.panda_task_id),
            "workflow_mode": artifacts.workflow_mode_of(self.state, task),
            "twin_page": f"{url_name(task.twin)}.html" if task.twin else None,
            "panda_monitor": self.settings.panda_monitor_link(task.panda_task_id),
            "public_catalog": [(k, display(v)) for k, v in task.public_catalog.to_dict().items()],
            "unmapped": list(task.unmapped.items()),
            "inputs": [self.dataset_view(did) for did in task.input_datasets],
            "outputs": [self.dataset_view(did) for did in task.output_datasets],
            "intermediates": [self.dataset_view(did) for did in task.intermediate_datasets],
            "config_html": self.config_html(task.prod_config),
            "overrides": [(k, display(v)) for k, v in task.overrides.items()],
            "history": [(h, _detail_text(h.detail)) for h in task.history],
        }

    def dataset_view(self, did: str) -> DatasetView:
        dataset = self.state.dataset_for_did(did)
        if dataset is None:
            return DatasetView(did, None, None)
        return DatasetView(did, dataset, self.dataset_html(dataset))

    def dataset_html(self, dataset: Dataset) -> Markup:
        html = self._datasets.get(dataset.name)
        if html is None:
            rows = [self.tag_row(k.value, label) for k, label in dataset.tags.labels().items()]
            json_url = f"../api/datasets/{url_name(dataset.name)}.json"
            html = self._datasets[dataset.name] = _fragments().dataset_block(
                dataset, json_url, rows
            )
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


def _used_by(tasks: Iterable[ProdTask]) -> dict[str, list[dict[str, str]]]:
    out: dict[str, list[dict[str, str]]] = {}
    for task in tasks:
        for role, dids in (
            ("input", task.input_datasets),
            ("output", task.output_datasets),
            ("intermediate", task.intermediate_datasets),
        ):
            for did in dids:
                out.setdefault(did, []).append({"task": task.name, "role": role})
    return out


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


def _ordered_substates(counts: Iterable[Mapping[str, Any]]) -> list[Mapping[str, Any]]:
    order = {s: i for i, s in enumerate((*SUBSTATE_ORDER, "awaiting-review"))}
    return sorted(counts, key=lambda c: (order.get(c["substate"], len(order)), c["substate"]))


def plan_pages(
    state: State,
    workers: int | None = None,
    cache_root: Path | None = None,
    on_disk: Mapping[str, bytes] | None = None,
) -> dict[str, bytes]:
    """Every generated page, stylesheet and JSON API file, keyed by repository-relative path.

    With ``cache_root`` (the repository), requests whose inputs are unchanged since the last
    render are taken from disk (see ``render_cache``; ``on_disk``, when given, holds the generated
    files already read). States of ``PARALLEL_MIN_TASKS`` requests
    to render or more are planned by ``workers`` processes (default: the CPUs available, at most
    ``MAX_WORKERS``). Neither changes the result.
    """
    if workers is None:
        workers = min(forking.available_cpus(), MAX_WORKERS)
    cache = RenderCache(cache_root, on_disk) if cache_root is not None else None
    return _Planner(state).plan(workers, cache)


def request_page(state: State, task: ProdTask) -> str:
    """The HTML of one request's page exactly as ``pcs render`` would write it (for previews)."""
    part = _Planner(state).task_files([task])
    return part.files[task.name][f"{REQUESTS_DIR}/{task.name}.html"].decode("utf-8")


__all__ = ["SITE_TITLE", "plan_pages", "pwg_class", "pwg_css", "request_page", "url_name"]
