"""Reading the reference PCS's JSON export and mapping its fields onto these records (pure).

The export is what Django's ``manage.py dumpdata pcs`` writes for the reference PCS (the Django
app ``pcs`` of swf-epicprod): one JSON list of ``{"model": "pcs.<model>", "pk": ..., "fields":
{...}}`` objects, foreign keys as the primary key of the record they point to. The field names
are the reference's own (``tag_label``, ``composed_name``, ``csv_file``, ``overrides``, ...).
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from pcs_gitops.domain.model import PROD_CONFIG_FIELDS, PUBLIC_CATALOG_KEYS, TagKind
from pcs_gitops.errors import UsageError

APP = "pcs"
TAG_MODELS: dict[str, TagKind] = {
    "physicstag": TagKind.PHYSICS,
    "evgentag": TagKind.EVGEN,
    "simutag": TagKind.SIMU,
    "recotag": TagKind.RECO,
    "backgroundtag": TagKind.BACKGROUND,
}
# Record types the import reads, in the order they are applied (references point backwards).
IMPORTED_MODELS = (
    "physicscategory",
    *TAG_MODELS,
    "prodconfig",
    "campaign",
    "dataset",
    "prodtask",
    "pandatasks",
)
# Record types that have no counterpart here yet, with the reason the report gives.
NOT_IMPORTED: dict[str, str] = {
    "physicsconfig": "not imported: a physics configuration is derived from the tags here",
    "prodrequest": "not imported: requests live as GitHub issues and catalogue rows here",
    "questionnaire": "not imported: the Google-Form mirror has no counterpart here",
    "validationresult": "not imported: validation results have no record here yet",
    "evgenmark": "not imported: EVGEN triage marks have no record here yet",
}


@dataclass(frozen=True)
class ExportRecord:
    model: str  # without the app label: "physicstag"
    pk: Any
    fields: Mapping[str, Any]

    @property
    def ref(self) -> str:
        """How a report names the record: ``pcs.dataset pk=17``."""
        return f"{APP}.{self.model} pk={self.pk}"

    def text(self, name: str) -> str:
        value = self.fields.get(name)
        return "" if value is None else str(value).strip()

    def mapping(self, name: str) -> Mapping[str, Any]:
        value = self.fields.get(name)
        return value if isinstance(value, Mapping) else {}


@dataclass
class Export:
    by_model: dict[str, list[ExportRecord]] = field(default_factory=lambda: defaultdict(list))

    def records(self, model: str) -> list[ExportRecord]:
        return sorted(self.by_model.get(model, []), key=lambda r: str(r.pk).zfill(20))

    def get(self, model: str, pk: Any) -> ExportRecord | None:
        return next((r for r in self.by_model.get(model, []) if r.pk == pk), None)

    @property
    def models(self) -> list[str]:
        return sorted(self.by_model)


def read_export(text: str) -> Export:
    """The records of an export; refuses anything that is not a dumpdata list, naming where."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise UsageError(
            f"the export is not JSON ({exc.msg} at line {exc.lineno}); give the file "
            "'manage.py dumpdata pcs' wrote"
        ) from None
    if not isinstance(data, list):
        raise UsageError("the export must be a JSON list of records, as 'dumpdata' writes it")
    export = Export()
    for index, item in enumerate(data):
        model = item.get("model") if isinstance(item, dict) else None
        if not isinstance(model, str) or not isinstance(item.get("fields"), dict):
            raise UsageError(
                f"record {index} of the export is not {{model, pk, fields}}; give the file "
                "'manage.py dumpdata pcs' wrote"
            )
        app, _, name = model.lower().rpartition(".")
        if app != APP:
            raise UsageError(f"record {index} is a '{model}', not a record of the pcs app")
        export.by_model[name].append(ExportRecord(name, item.get("pk"), item["fields"]))
    return export


# --------------------------------------------------------------------------- names

_CONFIG_UNSAFE = re.compile(r"[^A-Za-z0-9._+-]+")
_TASK_UNSAFE = re.compile(r"[^A-Za-z0-9._+=-]+")


def config_name(name: str, pk: Any) -> str:
    """A production config name here (``26.06.0 Standard Production`` ->
    ``26.06.0-Standard-Production``)."""
    slug = re.sub(r"-{2,}", "-", _CONFIG_UNSAFE.sub("-", name.strip())).strip("-.+_")
    return slug[:120] or f"config-{pk}"


def task_name(name: str, pk: Any) -> str:
    """A slash-free task name here (``EVGEN/DIS/BeAGLE1.03.02-1.0/eH2/10x130`` ->
    ``EVGEN.DIS.BeAGLE1.03.02-1.0.eH2.10x130``)."""
    slug = _TASK_UNSAFE.sub("_", name.strip().strip("/").replace("/", "."))
    slug = re.sub(r"\.{2,}", ".", slug).strip("._-=+")
    return slug[:200] or f"task-{pk}"


# --------------------------------------------------------------------------- config fields

# Reference ProdConfig columns -> production config settings here.
CONFIG_COLUMNS: dict[str, str] = {
    "bg_mixing": "bg_mixing",
    "bg_cross_section": "bg_cross_section",
    "bg_evtgen_file": "bg_evtgen_file",
    "copy_reco": "copy_reco",
    "copy_full": "copy_full",
    "copy_log": "copy_log",
    "use_rucio": "use_rucio",
    "jug_xl_tag": "jug_xl_tag",
    "container_image": "container_image",
    "target_hours_per_job": "walltime_hours",
    "events_per_task": "events_per_task",
    "panda_site": "site",
    "panda_queue": "queue",
    "panda_working_group": "working_group",
    "panda_resource_type": "resource_type",
    "rucio_rse": "rucio_rse",
}
# Reference ProdConfig.data keys -> settings here.
DATA_KEYS: dict[str, str] = {
    "workflow_mode": "workflow_mode",
    "transformation": "transformation",
    "processing_type": "processing_type",
    "prod_source_label": "prod_source_label",
    "vo": "vo",
    "n_jobs": "n_jobs",
    "events_per_job": "events_per_job",
    "files_per_job": "files_per_job",
    "corecount": "cores",
    "skip_scout": "skip_scout",
    "exec_command": "exec_command",
    "log_rse": "log_rse",
    "task_type": "task_type",
    "task_priority": "task_priority",
    "ram_count": "memory_mb",
    "cloud": "cloud",
    "output_offset": "output_offset",
    "walltime_hours": "walltime_hours",
}
CONFIG_BOOKKEEPING = frozenset(
    {"name", "description", "created_by", "created_at", "updated_at", "data"}
)
_MINIMUM = {
    "events_per_job": 1,
    "files_per_job": 1,
    "n_jobs": 1,
    "events_per_task": 1,
    "cores": 1,
    "memory_mb": 1,
    "output_offset": 0,
}
WORKFLOW_MODES = ("external_evgen", "internal_evgen")


def _coerce(key: str, value: Any) -> Any:
    """``value`` as the type of setting ``key``; raises ValueError when it is not one."""
    wanted = PROD_CONFIG_FIELDS[key]
    if wanted is bool:
        if isinstance(value, bool):
            return value
        text = str(value).strip().lower()
        if text in ("true", "yes", "1", "false", "no", "0"):
            return text in ("true", "yes", "1")
        raise ValueError(value)
    if wanted is int:
        number = int(str(value).strip())
        if number < _MINIMUM.get(key, number):
            raise ValueError(value)
        return number
    if wanted is float:
        real = float(str(value).strip())
        if real <= 0:
            raise ValueError(value)
        return real
    text = str(value)
    if key == "workflow_mode" and text not in WORKFLOW_MODES:
        raise ValueError(value)
    return text


def config_settings(values: Mapping[str, Any]) -> tuple[dict[str, Any], list[str]]:
    """Settings here from reference ProdConfig columns and its ``data`` keys (or a task's
    override keys, which use the same names); notes for what was dropped."""
    settings: dict[str, Any] = {}
    dropped: list[str] = []
    pairs = [(CONFIG_COLUMNS.get(k) or _same(k), k, v) for k, v in values.items() if k != "data"]
    data = values.get("data")
    if isinstance(data, Mapping):
        pairs += [(DATA_KEYS.get(k), f"data.{k}", v) for k, v in data.items()]
    for target, source, value in pairs:
        if source in CONFIG_BOOKKEEPING or value is None or value == "":
            continue
        if target is None:
            dropped.append(source)
            continue
        try:
            settings[target] = _coerce(target, value)
        except ValueError:
            dropped.append(f"{source}={value!r} (not a valid {target})")
    notes = [f"not imported: {', '.join(sorted(dropped))}"] if dropped else []
    return {k: settings[k] for k in PROD_CONFIG_FIELDS if k in settings}, notes


def _same(key: str) -> str | None:
    return key if key in PROD_CONFIG_FIELDS else None


# --------------------------------------------------------------------------- task overrides

DID_KEYS = ("input_dataset_did", "input_dataset_dids", "output_dataset_dids")
INTERMEDIATE_KEY = "intermediate_dataset_dids"
PUBLIC_PREFIX = "public_catalog_"


@dataclass
class SplitOverrides:
    """A reference task's ``overrides`` grab-bag, separated into its namespaces."""

    config: dict[str, Any] = field(default_factory=dict)
    public_catalog: dict[str, Any] = field(default_factory=dict)
    inputs: list[str] = field(default_factory=list)
    outputs: list[str] = field(default_factory=list)
    intermediates: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def _dids(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value.strip()] if value.strip() else []
    if isinstance(value, list):
        return [str(v).strip() for v in value if str(v).strip()]
    return []


def split_overrides(overrides: Mapping[str, Any]) -> SplitOverrides:
    """Config overrides (as settings here), the eight ``public_catalog_*`` keys, the dataset DID
    links; bookkeeping keys (``csv_import``, ``outputs``, caches) are named in a note."""
    out = SplitOverrides()
    config_like: dict[str, Any] = {}
    bookkeeping = []
    for key, value in overrides.items():
        if key.startswith(PUBLIC_PREFIX) and key[len(PUBLIC_PREFIX) :] in PUBLIC_CATALOG_KEYS:
            out.public_catalog[key[len(PUBLIC_PREFIX) :]] = value
        elif key in ("input_dataset_did", "input_dataset_dids"):
            out.inputs += _dids(value)
        elif key == "output_dataset_dids":
            out.outputs += _dids(value)
        elif key == INTERMEDIATE_KEY:
            out.intermediates += _dids(value)
        elif key == "data" or key in CONFIG_COLUMNS or key in PROD_CONFIG_FIELDS:
            config_like[key] = value
        else:
            bookkeeping.append(key)
    out.config, out.notes = config_settings(config_like)
    if bookkeeping:
        out.notes.append(
            "overrides not imported (bookkeeping, not configuration): "
            + ", ".join(sorted(bookkeeping))
        )
    return out
