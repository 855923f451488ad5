"""JSON-Schema validation of records: the only module importing jsonschema and fastjsonschema.

A compiled fastjsonschema validator answers "valid?" quickly for every record; only a record
that fails is re-checked with jsonschema's ``iter_errors`` to report every problem with its path.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from importlib import resources
from pathlib import Path
from typing import Any

import fastjsonschema

from pcs_gitops.errors import PcsError

SCHEMA_NAMES = (
    "tag",
    "dataset",
    "prod_config",
    "prod_task",
    "catalog",
    "roles",
    "physics_categories",
    "campaign",
)


def packaged_schemas() -> dict[str, str]:
    """The schema files shipped with the package: file name -> text."""
    folder = resources.files("pcs_gitops") / "resources" / "schemas"
    return {
        f"{n}.schema.json": (folder / f"{n}.schema.json").read_text("utf-8") for n in SCHEMA_NAMES
    }


def _json_path(parts: Iterable[Any]) -> str:
    out = ""
    for part in parts:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


class SchemaValidator:
    """Validates record mappings against the JSON Schemas of a repository (or the packaged ones)."""

    def __init__(self, schema_dir: Path | None = None) -> None:
        self._schemas: dict[str, dict[str, Any]] = {}
        for name in SCHEMA_NAMES:
            if schema_dir is not None and (schema_dir / f"{name}.schema.json").is_file():
                text = (schema_dir / f"{name}.schema.json").read_text("utf-8")
            else:
                text = packaged_schemas()[f"{name}.schema.json"]
            try:
                self._schemas[name] = json.loads(text)
            except json.JSONDecodeError as exc:
                raise PcsError(
                    f"schemas/{name}.schema.json is not valid JSON ({exc}); "
                    "restore it with 'pcs init --schemas-only'"
                ) from exc
        self._fast: dict[str, Callable[[Any], Any]] = {}

    def _compiled(self, name: str) -> Callable[[Any], Any]:
        if name not in self._fast:
            self._fast[name] = fastjsonschema.compile(self._schemas[name])
        return self._fast[name]

    def problems(self, schema: str, data: Any) -> list[tuple[str, str]]:
        """Every (json path, message) by which ``data`` breaks the named schema."""
        try:
            self._compiled(schema)(data)
            return []
        except fastjsonschema.JsonSchemaException:
            pass
        import jsonschema  # only for a record that fails: importing it costs more than a check

        validator = jsonschema.Draft202012Validator(self._schemas[schema])
        found = []
        for error in validator.iter_errors(data):
            found.append((_json_path(error.absolute_path), error.message))
        return sorted(found) or [("", "does not match the schema")]
