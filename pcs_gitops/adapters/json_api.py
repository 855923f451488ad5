"""The static JSON API under ``docs/api/`` (GitHub Pages' stand-in for REST reads).

Documents (paths in ``domain/site_paths``; each has a JSON Schema, published beside them under
``api/schemas/``, and carries ``api_version``):

- ``api/index.json``: the API version, the URL pattern of every document, each listing's pages
  with their counts, the schemas and the legends of status, sub-state, priority and origin;
- listings, in pages of ``LISTING_PAGE_ITEMS`` items in order of arrival: ``api/prod-tasks.json``
  (page 1), ``api/prod-tasks.2.json``, ... and ``api/datasets.json``, ``api/datasets.2.json``, ...;
  each item links to its document and, for a task, to its page;
- ``api/prod-tasks/<task>.json``: the task record with its sub-state, readiness and links;
  ``<task>/jedi.json`` and ``<task>/dump.json`` are the submission artifacts, unchanged;
- ``api/datasets/<dataset>.json``: the dataset record and the tasks that use it.

Numbers are numbers: ``priority`` and ``events`` are integers (or null), with the text of the
record beside them as ``priority_text`` and ``events_text``. Listing items keep one item per
line, so a changed request changes one line of one page.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from importlib import resources
from typing import Any

from pcs_gitops.domain import catalog_terms, site_paths
from pcs_gitops.domain.model import Dataset, ProdTask
from pcs_gitops.domain.readiness import Readiness
from pcs_gitops.domain.state import State
from pcs_gitops.services.datasets import dataset_summary
from pcs_gitops.services.tasks import task_detail, task_summary

API_VERSION = "1"
SCHEMAS = ("index", "prod-task-listing", "dataset-listing", "prod-task", "dataset", "jedi", "dump")
LISTING_KEYS = {"prod-tasks": "tasks", "datasets": "datasets"}
_ENCODER = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), check_circular=False)
encode_text = _ENCODER.encode


def encode(data: Any) -> bytes:
    """Compact UTF-8 JSON with a final newline."""
    return (_ENCODER.encode(data) + "\n").encode("utf-8")


def schema_files() -> dict[str, bytes]:
    """The JSON Schemas of the documents, by their path under docs/."""
    folder = resources.files("pcs_gitops") / "resources" / "api_schemas"
    return {
        site_paths.schema_document(name): (folder / f"{name}.schema.json").read_bytes()
        for name in SCHEMAS
    }


def _numbers(out: dict[str, Any], catalog: Mapping[str, str]) -> None:
    priority = catalog.get("priority", "")
    events = catalog.get("events", "")
    out["priority"] = catalog_terms.priority_number(priority)
    out["priority_text"] = priority
    out["events"] = catalog_terms.events_number(events)
    out["events_text"] = events


def task_links(name: str) -> dict[str, str]:
    url = site_paths.url
    return {
        "json": url(site_paths.task_document(name)),
        "page": site_paths.request_page(name),
        "jedi": url(site_paths.jedi_document(name)),
        "dump": url(site_paths.dump_document(name)),
    }


def task_item(state: State, task: ProdTask, substate: str | None) -> dict[str, Any]:
    """A task listing item: ``pcs task list --json``'s item with numbers, origin and links."""
    out = task_summary(state, task)
    out["substate"] = substate
    _numbers(out, task.catalog)
    out["origin"] = catalog_terms.origin(task)
    out["links"] = task_links(task.name)
    return out


def task_document(
    state: State, task: ProdTask, check: Readiness, substate: str | None, catalog_row: str | None
) -> dict[str, Any]:
    """The task record (``pcs task get --json``) with sub-state, readiness, numbers and links;
    ``catalog_row`` is the URL of its catalogue row."""
    out: dict[str, Any] = {"api_version": API_VERSION, **task_detail(state, task)}
    out["substate"] = substate
    out["readiness"] = check.to_dict(task.status)
    _numbers(out, task.catalog)
    out["origin"] = catalog_terms.origin(task)
    repo = state.settings.repository
    mapping = task.public_catalog
    links: dict[str, Any] = task_links(task.name)
    links["issue"] = f"https://github.com/{repo}/issues/{mapping.issue}" if mapping.issue else None
    links["pr"] = f"https://github.com/{repo}/pull/{mapping.pr}" if mapping.pr else None
    links["catalog_row"] = catalog_row
    out["links"] = links
    return out


def dataset_item(dataset: Dataset) -> dict[str, Any]:
    out = dataset_summary(dataset)
    out["created_at"] = dataset.created_at
    out["links"] = {"json": site_paths.url(site_paths.dataset_document(dataset.name))}
    return out


def dataset_document(dataset: Dataset, used_by: Sequence[Mapping[str, str]]) -> bytes:
    """The dataset record plus ``used_by`` (the tasks naming its DID, with their role)."""
    return encode(
        {
            "api_version": API_VERSION,
            **dataset.to_dict(),
            "used_by": list(used_by),
            "links": {"json": site_paths.url(site_paths.dataset_document(dataset.name))},
        }
    )


def used_by(tasks: Iterable[ProdTask]) -> dict[str, list[dict[str, str]]]:
    """The tasks naming each DID, with their role, in task name order."""
    out: dict[str, list[dict[str, str]]] = {}
    for task in sorted(tasks, key=lambda t: t.name):
        for role, dids in (
            ("input", task.input_datasets),
            ("output", task.output_datasets),
            ("intermediate", task.intermediate_datasets),
        ):
            for did in dids:
                out.setdefault(did, []).append({"task": task.name, "role": role})
    return out


def listing_page(listing: str, number: int, pages: int, item_texts: Sequence[str]) -> bytes:
    """Page ``number`` of ``pages`` of a listing; ``item_texts`` are the items already encoded
    (one per line). A page does not say how many pages there are (the index does): a new page
    then changes only the page before it (its ``next``), never all of them."""
    links = {
        "index": site_paths.API_INDEX,
        "prev": site_paths.listing_page(listing, number - 1) if number > 1 else None,
        "next": site_paths.listing_page(listing, number + 1) if number < pages else None,
    }
    head = encode_text(
        {
            "api_version": API_VERSION,
            "listing": listing,
            "page": number,
            "page_size": site_paths.LISTING_PAGE_ITEMS,
            "count": len(item_texts),
            "links": links,
        }
    )
    body = ",\n".join(item_texts)
    items = f"[\n{body}\n]" if item_texts else "[]"
    return f'{head[:-1]},"{LISTING_KEYS[listing]}":{items}}}\n'.encode()


def index_document(pages: Mapping[str, Sequence[Mapping[str, Any]]]) -> bytes:
    """``pages``: for each listing, its pages as ``{url, count, first, last}``."""
    listings = {
        listing: {
            "count": sum(p["count"] for p in listing_pages),
            "page_size": site_paths.LISTING_PAGE_ITEMS,
            "pages": list(listing_pages),
        }
        for listing, listing_pages in pages.items()
    }
    return encode(
        {
            "api_version": API_VERSION,
            "listings": listings,
            "documents": {
                "prod-task": "api/prod-tasks/{name}.json",
                "jedi": "api/prod-tasks/{name}/jedi.json",
                "dump": "api/prod-tasks/{name}/dump.json",
                "dataset": "api/datasets/{name}.json",
                "request-page": "requests/{name}.html",
            },
            "schemas": {name: site_paths.schema_document(name) for name in SCHEMAS},
            "legends": catalog_terms.legends(),
        }
    )


class SharedJson:
    """Compact JSON text for values that repeat across files (tags and production configs;
    not datasets: most appear in one task's dump, and caching each keeps them all in memory).

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
        text = encode_text(value)
        self._memo[key] = (value, text)
        return text

    def dump(self, dump: Mapping[str, Any]) -> bytes:
        """``build_dump``'s document, with its tags and configs spliced from cache."""
        parts = [f"{encode_text(key)}:{self._value(key, value)}" for key, value in dump.items()]
        return ("{" + ",".join(parts) + "}\n").encode("utf-8")

    def _value(self, key: str, value: Any) -> str:
        if key in ("prod_config", "effective_config") and isinstance(value, dict):
            return self.encode((key, value.get("name"), len(value)), value)
        if key == "tags" and isinstance(value, dict):
            tags = (f"{encode_text(k)}:{self.encode(('tag', k), t)}" for k, t in value.items())
            return "{" + ",".join(tags) + "}"
        return encode_text(value)
