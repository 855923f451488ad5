"""The parameters of the REST endpoints: one declaration per field gives its parsing (JSON body
or query string) and its OpenAPI schema, so the two cannot drift.

Kinds: ``text`` (a string; a number is taken as its text, as MCP does, since the CLI takes
everything as text), ``int`` (a whole number, or its digits as a string), ``list`` (strings, or
one comma-separated string) and ``bool``. A field the endpoint does not know, a value of the
wrong type or a required field left out is a usage error (HTTP 400) naming the field.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from pcs_gitops.errors import UsageError

TEXT, INT, LIST, BOOL = "text", "int", "list", "bool"


@dataclass(frozen=True)
class Param:
    name: str
    description: str = ""
    kind: str = TEXT
    required: bool = False
    default: Any = None

    def schema(self) -> dict[str, Any]:
        """The field's JSON Schema (OpenAPI 3.1 uses JSON Schema 2020-12)."""
        out: dict[str, Any] = dict(_SCHEMAS[self.kind])
        if self.description:
            out["description"] = self.description
        if self.default is not None:
            out["default"] = self.default
        return out


_SCHEMAS: dict[str, dict[str, Any]] = {
    TEXT: {"type": ["string", "number"]},
    INT: {"type": ["integer", "string"]},
    LIST: {"oneOf": [{"type": "array", "items": {"type": "string"}}, {"type": "string"}]},
    BOOL: {"type": "boolean"},
}


def read_body(data: Any, params: tuple[Param, ...]) -> dict[str, Any]:
    """The body's fields, converted; refuses what the endpoint does not take."""
    if not isinstance(data, dict):
        raise UsageError("the request body must be a JSON object of the documented fields")
    return _read(data, params, "body field")


def read_query(query: Mapping[str, list[str]], params: tuple[Param, ...]) -> dict[str, Any]:
    """The query string's parameters, converted (each may be given once)."""
    single: dict[str, Any] = {}
    for key, values in query.items():
        if len(values) > 1:
            raise UsageError(f"query parameter '{key}' is given {len(values)} times; give it once")
        single[key] = values[0]
    return _read(single, params, "query parameter")


def _read(data: Mapping[str, Any], params: tuple[Param, ...], what: str) -> dict[str, Any]:
    known = {p.name: p for p in params}
    unknown = sorted(set(data) - set(known))
    if unknown:
        allowed = ", ".join(known) or "none"
        raise UsageError(f"unknown {what}(s) {', '.join(unknown)}; this endpoint takes {allowed}")
    out: dict[str, Any] = {}
    for param in params:
        if param.name not in data or data[param.name] is None:
            if param.required:
                raise UsageError(f"{what} '{param.name}' is required")
            out[param.name] = param.default
            continue
        out[param.name] = _convert(param, data[param.name], what)
    return out


def _convert(param: Param, value: Any, what: str) -> Any:
    label = f"{what} '{param.name}'"
    if param.kind == BOOL:
        if isinstance(value, bool):
            return value
        if isinstance(value, str) and value.lower() in ("true", "false"):
            return value.lower() == "true"
        raise UsageError(f"{label} must be true or false")
    if isinstance(value, bool) or not isinstance(value, str | int | float | list):
        raise UsageError(f"{label} must be {_EXPECTED[param.kind]}")
    if param.kind == LIST:
        if isinstance(value, list) and all(isinstance(v, str) for v in value):
            return list(value)
        if isinstance(value, str):
            return value.split(",")
        raise UsageError(f"{label} must be {_EXPECTED[LIST]}")
    if isinstance(value, list):
        raise UsageError(f"{label} must be {_EXPECTED[param.kind]}")
    if param.kind == INT:
        text = str(value).strip()
        if isinstance(value, float) or not text.lstrip("-").isdigit():
            raise UsageError(f"{label} is '{value}'; it must be {_EXPECTED[INT]}")
        return int(text)
    return str(value)


_EXPECTED = {
    TEXT: "text (or a number)",
    INT: "a whole number",
    LIST: "a list of strings or one comma-separated string",
    BOOL: "true or false",
}
