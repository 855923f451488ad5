"""Importing the reference PCS's JSON export: tags, production configs, datasets and tasks.

Every exported record gets one outcome: ``created``, ``unchanged`` (already here, the same),
``collision`` (it clashes with another record of the export or with one here: nothing is merged,
the message says what to do) or ``skipped`` (a record type with no counterpart here, or a
record that depends on one not imported). Importing the same export again changes nothing.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import replace
from typing import Any

from pcs_gitops.domain.model import TAG_LABEL_RE, ProdConfig, Tag, TagKind, TagStatus
from pcs_gitops.domain.pcs_export import (
    IMPORTED_MODELS,
    NOT_IMPORTED,
    TAG_MODELS,
    ExportRecord,
    config_name,
    config_settings,
    read_export,
)
from pcs_gitops.domain.settings import PHYSICS_CATEGORIES, category_for_process
from pcs_gitops.domain.state import State
from pcs_gitops.services import pcs_import_campaigns, pcs_import_datasets, pcs_import_tasks
from pcs_gitops.services.pcs_import_base import (
    COLLISION,
    CREATED,
    FRESH_REPOSITORY,
    SKIPPED,
    UNCHANGED,
    ImportReport,
    ImportRun,
)
from pcs_gitops.services.ports import Actor

SENTINELS = frozenset({"s0", "r0", "p6001"})  # defined here by pcs init; the reference's agree

# --------------------------------------------------------------------------- categories


def import_categories(run: ImportRun) -> None:
    """The category table here is frozen; the reference's rows are compared, never written."""
    ours = {c.digit: c for c in PHYSICS_CATEGORIES}
    for rec in run.export.records("physicscategory"):
        name = rec.text("name")
        mine = ours.get(int(rec.pk)) if str(rec.pk).isdigit() else None
        known = _loosely(" ".join((mine.name, *mine.processes))) if mine is not None else ""
        if name and _loosely(name) in known:
            run.result(rec, f"category {rec.pk}", UNCHANGED)
            continue
        here = f"'{mine.name}'" if mine else "no category"
        run.result(
            rec,
            f"category {rec.pk}",
            SKIPPED,
            f"digit {rec.pk} is '{name}' in the reference but {here} here (the table here is "
            "frozen: 1 single particle, 2 DIS family, 3 DVCS/DDVCS/TCS, 4 SIDIS, 5 exclusive and "
            "other, 6 background); physics tags keep their labels, notes name the misfiled ones",
        )


def _loosely(text: str) -> str:
    return "".join(c for c in text.casefold() if c.isalnum())


# --------------------------------------------------------------------------- tags


def _tag_label(rec: ExportRecord, kind: TagKind) -> str:
    label = rec.text("tag_label").lower()
    number = rec.text("tag_number")
    return label or (f"{kind.prefix}{number}" if number.isdigit() else "")


def _tag_notes(tag: Tag, rec: ExportRecord, run: ImportRun) -> list[str]:
    notes = []
    if tag.kind is TagKind.PHYSICS and tag.number >= 1000:
        process = tag.parameters.get("process", "")
        digit = category_for_process(process) if process else 6
        if digit != tag.number // 1000:
            notes.append(
                f"its process '{process}' is category {digit} here; the label keeps the "
                f"reference's digit {tag.number // 1000}"
            )
    category = rec.fields.get("category")
    if tag.kind is TagKind.PHYSICS and category not in (None, tag.category):
        notes.append(
            f"the reference files it under category {category}; its label says {tag.category}"
        )
    return notes


def _tag_from(rec: ExportRecord, kind: TagKind, label: str) -> tuple[Tag, list[str]]:
    params = {str(k): str(v) for k, v in rec.mapping("parameters").items() if v not in (None, "")}
    status = TagStatus.LOCKED if rec.text("status") == "locked" else TagStatus.DRAFT
    tag = Tag(
        kind=kind,
        label=label,
        status=status,
        description=rec.text("description"),
        parameters=params,
        category=int(label[1:]) // 1000 if kind is TagKind.PHYSICS else None,
        created_by=rec.text("created_by"),
        created_at=rec.text("created_at"),
    )
    notes = []
    if tag.status is TagStatus.LOCKED and tag.missing_parameters():
        notes.append(
            f"locked in the reference but lacks {', '.join(tag.missing_parameters())}: "
            "imported as a draft"
        )
        tag = replace(tag, status=TagStatus.DRAFT)
    return tag, notes


def import_tags(run: ImportRun) -> None:
    for model, kind in TAG_MODELS.items():
        for rec in run.export.records(model):
            _import_tag(run, rec, kind)


def _import_tag(run: ImportRun, rec: ExportRecord, kind: TagKind) -> None:
    label = _tag_label(rec, kind)
    match = TAG_LABEL_RE.match(label)
    if match is None or match.group(1) != kind.prefix:
        run.result(rec, label or "?", SKIPPED, f"'{label}' is not a {kind.prefix}<N> label")
        return
    if run.text_refusal(rec, label, "description"):
        return
    tag, notes = _tag_from(rec, kind, label)
    existing = run.state.tags.get(label)
    if label in SENTINELS and existing is not None:
        run.result(rec, label, UNCHANGED, "a sentinel: the definition here is kept")
        run.tag_labels[(rec.model, rec.pk)] = label
        return
    if existing is None:
        run.state.put_tag(tag)
        result = run.result(rec, label, CREATED)
    elif existing.kind is kind and dict(existing.parameters) == dict(tag.parameters):
        result = run.result(rec, label, UNCHANGED)
    else:
        run.result(
            rec,
            label,
            COLLISION,
            f"tag {label} exists here with other parameters ({_params(existing.parameters)}; "
            f"the reference's: {_params(tag.parameters)}): not imported, nor the datasets that "
            f"use it; {FRESH_REPOSITORY}",
        )
        return
    result.notes += notes + _tag_notes(tag, rec, run)
    run.tag_labels[(rec.model, rec.pk)] = label


def _params(params: Any) -> str:
    return ", ".join(f"{k}={v}" for k, v in sorted(dict(params).items())) or "none"


# --------------------------------------------------------------------------- configs


def import_configs(run: ImportRun) -> None:
    records = run.export.records("prodconfig")
    names = Counter(config_name(r.text("name"), r.pk) for r in records)
    for rec in records:
        name = config_name(rec.text("name"), rec.pk)
        if names[name] > 1:
            others = [
                r.ref for r in records if r is not rec and config_name(r.text("name"), r.pk) == name
            ]
            run.result(
                rec,
                name,
                COLLISION,
                f"its name becomes '{name}' here, as does that of {', '.join(others)}: none is "
                "imported; rename all but one in the reference and export again",
            )
            continue
        if run.text_refusal(rec, name, "description"):
            continue
        _import_config(run, rec, name)


def _import_config(run: ImportRun, rec: ExportRecord, name: str) -> None:
    settings, notes = config_settings(rec.fields)
    config = ProdConfig(
        name=name,
        description=rec.text("description"),
        settings=settings,
        created_by=rec.text("created_by"),
        created_at=rec.text("created_at"),
    )
    existing = run.state.prod_configs.get(name)
    if existing is None:
        run.state.put_prod_config(config)
        result = run.result(rec, name, CREATED)
    elif dict(existing.settings) == settings and existing.description == config.description:
        result = run.result(rec, name, UNCHANGED)
    else:
        run.result(
            rec,
            name,
            COLLISION,
            f"production config '{name}' exists here with other settings: not imported, nor the "
            f"tasks bound to it; {FRESH_REPOSITORY}",
        )
        return
    if name != rec.text("name"):
        notes.insert(0, f"named '{name}' here (the reference's '{rec.text('name')}')")
    result.notes += notes
    run.config_names[rec.pk] = name


# --------------------------------------------------------------------------- the rest


def report_unsupported(run: ImportRun, handled: Iterable[str]) -> None:
    """Records of the types not imported (campaigns, requests, ...), each with the reason."""
    for model in run.export.models:
        if model in handled:
            continue
        reason = NOT_IMPORTED.get(model, "not imported: a record type this import does not know")
        for rec in run.export.records(model):
            name = rec.text("name") or rec.text("label") or rec.text("path") or str(rec.pk)
            run.result(rec, name, SKIPPED, reason)


def import_export(state: State, text: str, source: str, actor: Actor, now: str) -> ImportReport:
    """Import every record of a reference PCS export into ``state``; the report says what
    happened to each. Records are applied in dependency order: categories (compared), tags,
    production configs, campaigns, datasets, tasks (with their PanDA attempts); the rest is
    reported."""
    run = ImportRun(state, read_export(text), actor, now, ImportReport(source))
    import_categories(run)
    import_tags(run)
    import_configs(run)
    pcs_import_campaigns.import_campaigns(run)
    pcs_import_datasets.import_datasets(run)
    pcs_import_tasks.import_tasks(run)
    report_unsupported(run, IMPORTED_MODELS)
    return run.report
