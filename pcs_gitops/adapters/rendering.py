"""The generated part of the site, written unit by unit: the pages and JSON documents of each
request and dataset, then the catalogue pages, the summary, the listings and the API index.

Where each file goes is ``domain/site_paths``; the HTML comes from ``html_pages``, the JSON from
``json_api``. Files go straight to a ``site_files.FileWriter`` (written only when their bytes
change), so a render never holds the site in memory.

Speed (``pcs render`` on 10,000 requests): a unit whose inputs and files are unchanged since the
last render is skipped (``render_cache``); the others are rendered by forked workers
(``forking``), which write their files themselves. Fragments shared by many pages (tag rows,
production configs, dataset blocks, JSON of tags/configs/datasets) are rendered or encoded once.
The catalogue and the listings are paginated in order of arrival, so a new request changes the
last page only, never megabytes.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from pcs_gitops.adapters import forking, json_api
from pcs_gitops.adapters.html_pages import SITE_TITLE, HtmlPages, pwg_class, pwg_css, redirect_stub
from pcs_gitops.adapters.render_cache import RenderCache, fingerprint, global_key
from pcs_gitops.adapters.site_files import PROGRESS_LABEL, FileWriter, Mark
from pcs_gitops.domain import artifacts, catalog_terms, site_paths
from pcs_gitops.domain.catalog import catalog_sort_key, catalog_tasks
from pcs_gitops.domain.model import ProdTask
from pcs_gitops.domain.readiness import readiness, unreachable
from pcs_gitops.domain.state import State

PARALLEL_MIN_UNITS = 2000
MAX_WORKERS = 4
url_name = site_paths.segment

# A unit to render: (kind, record name, fingerprint, cache key). Workers get the units'
# positions in the render's list and send back (position, sub-state, marks, written,
# fingerprint): no names or paths to copy back into the parent. ``written`` has bit i set when
# the unit's i-th file was written (the paths are made once, at the end, for the planned set
# and the list of written files alike: on a first write of 20,000 requests they are 140,000).
# A unit the cache holds no entry for cannot be reused (a first write, new code, an import's
# new records): its fingerprint is computed by the worker that renders it, not before the fork
# (one by one, the 60,000 units of an import of 20,000 rows took 1.4 s).
Unit = tuple[str, str, str, str]
Rendered = tuple[int, str | None, list[Mark | None], int, str]
DEFERRED = ""  # the fingerprint of a queued unit whose worker computes it


def _docs(path: str) -> str:
    return f"{site_paths.DOCS}/{path}"


def task_files(task: ProdTask) -> tuple[str, ...]:
    """The files of one request, repository-relative; the redirect stub at the old page URL
    only where the pipeline may have published that URL: a request filed as an issue through
    this system. A request imported from the historical catalogue keeps its issue number, but
    no comment of ours ever linked it (at 20,000 imported requests the stubs were 20,000 files
    in as many directories)."""
    name = task.name
    files = [
        site_paths.task_document(name),
        site_paths.jedi_document(name),
        site_paths.dump_document(name),
        site_paths.request_page_file(name),
    ]
    linked = catalog_terms.origin(task) == catalog_terms.REQUESTED
    if task.public_catalog.issue is not None and linked:
        files.append(site_paths.old_request_url_stub(name))
    return tuple(_docs(p) for p in files)


class _Site:
    """One render of one state into one writer."""

    def __init__(self, state: State, writer: FileWriter, cache: RenderCache | None) -> None:
        self.state = state
        self.writer = writer
        self.cache = cache
        self.pages = HtmlPages(state)
        self.shared = json_api.SharedJson()
        self.global_fp = global_key(state) if cache is not None else ""
        self.catalogued = sorted(
            catalog_tasks(state.tasks.values()),
            key=lambda t: site_paths.arrival_key(t.created_at, *catalog_sort_key(t)),
        )
        self.row_url: dict[str, str] = {}
        for index, task in enumerate(self.catalogued):
            page = site_paths.catalog_page(index // site_paths.CATALOG_PAGE_ROWS + 1)
            anchor = site_paths.row_anchor(task.name, task.public_catalog.issue)
            self.row_url[task.name] = f"{page}#{site_paths.url(anchor)}"
        self.used_by = json_api.used_by(state.tasks.values())
        self.substates: dict[str, str | None] = {}
        self.fingerprints: dict[str, str] = {}
        self._shared_records: dict[tuple[str, str], str] = {}
        self.todo: list[Unit] = []
        self.written_masks: dict[int, int] = {}  # position in todo -> its files written
        self.pending_written = 0

    # -- the render -------------------------------------------------------------------------
    def run(self, workers: int) -> set[str]:
        """Render everything that changed; returns the path of every generated file."""
        self.todo = self._reuse()
        if len(self.todo) < PARALLEL_MIN_UNITS:
            workers = 1
        chunks = self._chunks(workers)
        packed = forking.map_chunks(self.render_chunk, chunks)
        del chunks
        while packed:  # each worker's bytes are dropped once taken in: they add up to megabytes
            self._take(packed.pop(0))
        self.used_by = {}  # only the datasets' documents needed it
        self.row_url = {}  # and only the requests' files used this
        planned = set(self._global_files())
        self.fingerprints, self.substates = {}, {}  # the summary was their last reader
        if self.cache is not None:
            self.cache.save()
        # Listed last, once the cache's entries are dropped: on a big site the set is large,
        # and the summary before it is the render's other memory peak.
        self._list_rendered(planned)
        for task in self.state.tasks.values():
            planned.update(task_files(task))
        planned.update(_docs(site_paths.dataset_document(name)) for name in self.state.datasets)
        return planned

    def _unit_files(self, kind: str, name: str) -> tuple[str, ...]:
        if kind == "task":
            return task_files(self.state.tasks[name])
        return (_docs(site_paths.dataset_document(name)),)

    def _list_rendered(self, planned: set[str]) -> None:
        """Add the rendered units' files to ``planned`` and the written ones to the writer's
        list (the same strings in both)."""
        written = self.writer.written
        for index, (kind, name, _, _) in enumerate(self.todo):
            files = self._unit_files(kind, name)
            planned.update(files)
            mask = self.written_masks.get(index, 0)
            written.extend(path for bit, path in enumerate(files) if mask >> bit & 1)
        self.todo = []
        self.written_masks = {}

    def _chunks(self, workers: int) -> list[list[int]]:
        """The positions of the units to render, one list per process. A request costs ten
        times what a dataset does: each process gets its share of both."""
        kinds = [
            [i for i, unit in enumerate(self.todo) if unit[0] == kind]
            for kind in ("task", "dataset")
        ]
        # Equal shares: the listings and the catalogue pages, written after the units, need
        # every worker's sub-states; a smaller share for the calling process (as before) only
        # made it wait (an import of 20,000 rows: 6.1 s for its share, 8.4 s for the worker's).
        split = [forking.split(units, workers) if units else [] for units in kinds]
        merged = itertools.zip_longest(*split, fillvalue=())
        return [[*tasks, *datasets] for tasks, datasets in merged]

    def _take(self, packed: bytes) -> None:
        """Take in what a worker rendered: its files, its units' sub-states and cache entries."""
        results, writer_result = forking.unpack(packed)
        self.writer.merge(writer_result)
        rendered: Rendered
        for rendered in results:
            index, substate, marks, written, unit_fp = rendered
            kind, name, _, key = self.todo[index]
            if kind == "task":
                self.substates[name] = substate
            if written:
                self.written_masks[index] = written
                self.pending_written += written.bit_count()
            if self.cache is not None:
                self.fingerprints[key] = unit_fp
                self.cache.store(key, unit_fp, marks, substate)
        if self.pending_written and not self.writer.check_only:
            count = len(self.writer.written) + self.pending_written
            self.writer.progress(PROGRESS_LABEL, count, 0)

    def _reuse(self) -> list[Unit]:
        """Keep the unchanged units; return the others."""
        todo: list[Unit] = []
        state = self.state
        for name in sorted(state.tasks):
            files = task_files(state.tasks[name])
            self._check("task", name, self._task_fingerprint, files, todo)
        for name in sorted(state.datasets):
            path = _docs(site_paths.dataset_document(name))
            self._check("dataset", name, self._dataset_fingerprint, (path,), todo)
        return todo

    def _check(
        self,
        kind: str,
        name: str,
        fp_of: Callable[[str], str],
        files: Sequence[str],
        todo: list[Unit],
    ) -> None:
        """Queue the unit unless the cache holds it (then take its sub-state from there)."""
        if self.cache is None:
            todo.append((kind, name, "", ""))
            return
        unit = f"{kind}:{name}"
        if not self.cache.holds(unit):
            todo.append((kind, name, DEFERRED, unit))
            return
        unit_fp = self.fingerprints[unit] = fp_of(name)
        hit = self.cache.lookup(unit, unit_fp, files, self.writer)
        if hit is None:
            todo.append((kind, name, unit_fp, unit))
        elif kind == "task":
            self.substates[name] = hit.extra

    def _task_fingerprint(self, name: str) -> str:
        """What a request's files show: the task, its datasets with their tags, its config."""
        state = self.state
        task = state.tasks[name]
        datasets: list[object] = []
        for did in (*task.input_datasets, *task.output_datasets, *task.intermediate_datasets):
            dataset = state.dataset_for_did(did)
            if dataset is None:
                datasets.append(did)
                continue
            tags = [self._record_json("tag", label) for label in dataset.tags.labels().values()]
            datasets.append([dataset.to_dict(), tags])
        config = self._record_json("config", task.prod_config)
        return fingerprint(self.global_fp, task.to_dict(), datasets, config, self.row_url.get(name))

    def _record_json(self, kind: str, name: str) -> str:
        """A tag's or production config's JSON (encoded once per render)."""
        key = (kind, name)
        text = self._shared_records.get(key)
        if text is None:
            found = (self.state.tags if kind == "tag" else self.state.prod_configs).get(name)
            text = self._shared_records[key] = json_api.encode_text(
                found.to_dict() if found is not None else None
            )
        return text

    def _dataset_fingerprint(self, name: str) -> str:
        dataset = self.state.datasets[name]
        return fingerprint(self.global_fp, dataset.to_dict(), self.used_by.get(dataset.did, []))

    def render_chunk(self, chunk: Sequence[int]) -> bytes:
        """Render and write the units at these positions (in a forked worker for big
        states)."""
        writer = FileWriter(
            Path(self.writer.root), check_only=self.writer.check_only, collect=self.writer.collect
        )
        out: list[Rendered] = []
        written = writer.written
        for index in chunk:
            kind, name, unit_fp, _ = self.todo[index]
            if unit_fp == DEFERRED and self.cache is not None:
                fp_of = self._task_fingerprint if kind == "task" else self._dataset_fingerprint
                unit_fp = fp_of(name)
            if kind == "task":
                substate, marks = self.render_task(writer, self.state.tasks[name])
            else:
                substate, marks = None, self.render_dataset(writer, name)
            mask = 0
            if written:
                files = self._unit_files(kind, name)
                mask = sum(1 << files.index(path) for path in written)
                written.clear()
            out.append((index, substate, marks, mask, unit_fp))
        return forking.pack((out, writer.result()))

    def render_task(
        self, writer: FileWriter, task: ProdTask
    ) -> tuple[str | None, list[Mark | None]]:
        """Write a request's files; its draft sub-state and its files' marks (in the order of
        ``task_files``)."""
        state = self.state
        check = readiness(state, task, unreachable)
        substate = check.substate(task.status)
        row = self.row_url.get(task.name)
        task_json, jedi, dump, page, *stub = task_files(task)
        document = json_api.task_document(state, task, check, substate, row)
        context = artifacts.artifact_context(state, task)
        marks = [
            writer.put(task_json, json_api.encode(document)),
            writer.put(jedi, json_api.encode(artifacts.jedi_params(state, context))),
            writer.put(dump, self.shared.dump(artifacts.dump_view(state, context))),
            writer.put(page, self.pages.request_page(task, check, substate, row)),
        ]
        marks += [writer.put(path, redirect_stub(task.name)) for path in stub]
        return substate, marks

    def render_dataset(self, writer: FileWriter, name: str) -> list[Mark | None]:
        dataset = self.state.datasets[name]
        path = _docs(site_paths.dataset_document(name))
        content = json_api.dataset_document(dataset, self.used_by.get(dataset.did, []))
        return [writer.put(path, content)]

    # -- the files every request contributes to ---------------------------------------------
    def _global_files(self) -> list[str]:
        put = self.writer.put
        planned = []
        fixed = {_docs(site_paths.PWG_STYLESHEET): pwg_css(self.state)}
        fixed.update({_docs(p): c for p, c in json_api.schema_files().items()})
        for path, content in fixed.items():
            put(path, content)
            planned.append(path)
        pages = {
            "prod-tasks": self._listing(
                "prod-tasks", self._tasks_by_arrival(), self._task_item_text
            ),
            "datasets": self._listing(
                "datasets",
                sorted(self.state.datasets.values(), key=lambda d: (d.created_at, d.name)),
                lambda d: json_api.encode_text(json_api.dataset_item(d)),
            ),
        }
        for listing_pages in pages.values():
            planned.extend(_docs(p["url"]) for p in listing_pages)
        put(_docs(site_paths.API_INDEX), json_api.index_document(pages))
        planned.append(_docs(site_paths.API_INDEX))
        planned.extend(self._catalog_pages())
        planned.extend(self._summary())
        return planned

    def _tasks_by_arrival(self) -> list[ProdTask]:
        return sorted(self.state.tasks.values(), key=lambda t: (t.created_at, t.name))

    def _task_item_text(self, task: ProdTask) -> str:
        return json_api.encode_text(
            json_api.task_item(self.state, task, self.substates.get(task.name))
        )

    def _listing(
        self, listing: str, records: Sequence[Any], encode: Callable[[Any], str]
    ) -> list[dict[str, Any]]:
        """Write a listing's pages; returns them as the index describes them."""
        size = site_paths.LISTING_PAGE_ITEMS
        count = site_paths.page_count(len(records), size)
        kind = "task" if listing == "prod-tasks" else "dataset"
        described = []
        for number in range(1, count + 1):
            chunk = records[(number - 1) * size : number * size]
            path = site_paths.listing_page(listing, number)
            unit = f"list:{listing}:{number}"
            inputs = self._page_inputs(kind, chunk, number, number < count)
            page_fp = self._cached(unit, [_docs(path)], inputs)
            if page_fp is not None:
                texts = [encode(r) for r in chunk]
                content = json_api.listing_page(listing, number, count, texts)
                self._store(unit, page_fp, [self.writer.put(_docs(path), content)])
            described.append(
                {
                    "url": path,
                    "count": len(chunk),
                    "first": chunk[0].name if chunk else None,
                    "last": chunk[-1].name if chunk else None,
                }
            )
        return described

    def _catalog_pages(self) -> list[str]:
        size = site_paths.CATALOG_PAGE_ROWS
        rows = self.catalogued
        count = site_paths.page_count(len(rows), size)
        planned = []
        for number in range(1, count + 1):
            chunk = rows[(number - 1) * size : number * size]
            path = _docs(site_paths.catalog_page(number))
            planned.append(path)
            unit = f"page:{number}"
            inputs = self._page_inputs("task", chunk, number, number < count)
            page_fp = self._cached(unit, [path], inputs)
            if page_fp is None:
                continue
            content = self.pages.catalog_page(
                number,
                number == count,
                (number - 1) * size + 1,
                [self.pages.catalog_row(t, self.substates.get(t.name)) for t in chunk],
            )
            self._store(unit, page_fp, [self.writer.put(path, content)])
        return planned

    def _page_inputs(self, kind: str, rows: Sequence[Any], *more: object) -> list[object]:
        """What a page of tasks or datasets shows: its records' fingerprints and sub-states."""
        fps, substates = self.fingerprints, self.substates
        return [[fps.get(f"{kind}:{r.name}"), substates.get(r.name)] for r in rows] + [*more]

    def _summary(self) -> list[str]:
        """The campaign summary page and the home page's counts (``_data/summary.json``)."""
        page, data = _docs(site_paths.SUMMARY_PAGE), _docs(site_paths.HOME_DATA)
        state = self.state
        summary_fp = self._cached("summary", [page, data], self._summary_inputs())
        if summary_fp is not None:
            from pcs_gitops.adapters import report_frames

            report = report_frames.campaign_report(
                state, self.substates, report_frames.newest_timestamp(state)
            )
            counts = catalog_terms.summary_counts(
                state.settings, state.tasks.values(), self.substates
            )
            no_catalog = len(state.tasks) - len(self.catalogued)
            size, total = site_paths.CATALOG_PAGE_ROWS, len(self.catalogued)
            ranges = [
                (start + 1, min(start + size, total)) for start in range(0, max(total, 1), size)
            ]
            summary = self.pages.summary_page(report, counts, no_catalog, ranges)
            marks = [
                self.writer.put(page, summary),
                self.writer.put(data, json_api.encode(self._home_data(counts))),
            ]
            self._store("summary", summary_fp, marks)
        return [page, data]

    def _summary_inputs(self) -> list[object]:
        return [sorted(self.fingerprints.values()), sorted(self.substates.items(), key=str)]

    def _home_data(self, counts: dict[str, Any]) -> dict[str, Any]:
        """What the home page (docs/index.md, through Liquid) shows: counts and links."""
        common = self.pages.common("")
        links = {
            "new_request": common["new_request_url"],
            "csv": common["csv_url"],
            "catalog": site_paths.catalog_page(1),
            "summary": site_paths.SUMMARY_PAGE,
            "api": site_paths.API_INDEX,
        }
        return {**counts, "links": links}

    def _cached(self, unit: str, files: Sequence[str], inputs: object) -> str | None:
        """The unit's fingerprint when it must be rendered; None when the cache holds it
        (without a cache every unit renders)."""
        if self.cache is None:
            return ""
        unit_fp = self.fingerprints[unit] = fingerprint(self.global_fp, inputs)
        return None if self.cache.lookup(unit, unit_fp, files, self.writer) else unit_fp

    def _store(self, unit: str, unit_fp: str, marks: list[Mark | None]) -> None:
        if self.cache is not None:
            self.cache.store(unit, unit_fp, marks)


def render_site(
    state: State,
    writer: FileWriter,
    *,
    cache_dir: Path | None = None,
    workers: int | None = None,
) -> set[str]:
    """Write every generated page, stylesheet and JSON document of ``state`` through
    ``writer``; returns their repository-relative paths.

    With ``cache_dir`` (the checkout's ``.pcs``), units unchanged since the last render are
    skipped (see ``render_cache``). ``PARALLEL_MIN_UNITS`` units to render or more are rendered
    by ``workers`` processes (default: the CPUs available, at most ``MAX_WORKERS``). Neither
    changes the result.
    """
    if workers is None:
        workers = min(forking.available_cpus(), MAX_WORKERS)
    cache = RenderCache(cache_dir) if cache_dir is not None and not writer.collect else None
    if cache is not None:
        cache.begin(global_key(state))
    with forking.gc_paused():
        return _Site(state, writer, cache).run(workers)


def plan_pages(state: State, workers: int | None = None) -> dict[str, bytes]:
    """Every generated file's bytes, keyed by repository-relative path (small states)."""
    writer = FileWriter(Path("."), collect=True)
    render_site(state, writer, workers=workers)
    return writer.files


def request_page(state: State, task: ProdTask) -> str:
    """The HTML of one request's page exactly as ``pcs render`` would write it (for previews)."""
    writer = FileWriter(Path("."), collect=True)
    _Site(state, writer, None).render_task(writer, task)
    return writer.files[_docs(site_paths.request_page_file(task.name))].decode("utf-8")


__all__ = [
    "SITE_TITLE",
    "plan_pages",
    "pwg_class",
    "pwg_css",
    "render_site",
    "request_page",
    "url_name",
]
