"""The OpenAPI 3.1 document of the REST server, generated from the route table (``ROUTES``):
paths, methods, summaries, parameters, request bodies, answers and refusals come from the same
declarations the server parses with, so the document cannot drift from what is served."""

from __future__ import annotations

from collections.abc import Iterable
from importlib import metadata
from typing import Any

from pcs_gitops.entrypoints.rest.fields import Param
from pcs_gitops.entrypoints.rest.routes import Endpoint

OPENAPI_VERSION = "3.1.0"
ERROR_REF = {"$ref": "#/components/responses/Refused"}
REFUSALS = {
    "400": "The request is wrong: bad JSON, an unknown field, a bad value (the CLI's usage error).",
    "404": "No record has that name (or no such endpoint).",
    "409": "A conflict with what is recorded, or an ambiguous name.",
    "422": "The records refuse it: a lifecycle move or a validation the state must pass.",
}
WRITE_REFUSALS = {
    "401": "No token, or GitHub did not accept it.",
    "403": "The token's login does not hold the role (state/roles.yaml) the operation needs.",
}
TOO_LARGE = {"413": "The request body is over the size limit."}


def document(routes: Iterable[Endpoint]) -> dict[str, Any]:
    paths: dict[str, dict[str, Any]] = {}
    for endpoint in routes:
        paths.setdefault(endpoint.path, {})[endpoint.method.lower()] = _operation(endpoint)
    return {
        "openapi": OPENAPI_VERSION,
        "info": {
            "title": "PCS: the ePIC production configuration system",
            "version": _version(),
            "description": (
                "Reads are open; writes need 'Authorization: Bearer <GitHub token>'. A refusal "
                "is {error, message}, the message exactly as the pcs CLI prints it."
            ),
        },
        "paths": paths,
        "components": {
            "schemas": {"Error": _error_schema()},
            "responses": {
                "Refused": {
                    "description": "A refusal; the message says what is wrong and what to do.",
                    "content": {
                        "application/json": {"schema": {"$ref": "#/components/schemas/Error"}}
                    },
                }
            },
            "securitySchemes": {
                "githubToken": {
                    "type": "http",
                    "scheme": "bearer",
                    "description": "A GitHub token; the server asks GitHub whose it is.",
                }
            },
        },
    }


def _version() -> str:
    try:
        return metadata.version("pcs-gitops")
    except metadata.PackageNotFoundError:  # pragma: no cover - a source checkout
        return "0"


def _error_schema() -> dict[str, Any]:
    return {
        "type": "object",
        "properties": {
            "error": {"type": "string", "description": "The refusal's kind (PcsError class)."},
            "message": {"type": "string", "description": "What is wrong and what to do next."},
        },
        "required": ["error", "message"],
    }


def _operation(endpoint: Endpoint) -> dict[str, Any]:
    out: dict[str, Any] = {
        "operationId": endpoint.name,
        "summary": endpoint.summary,
        "parameters": [_parameter(p, "path") for p in endpoint.path_params]
        + [_parameter(p, "query") for p in endpoint.query],
        "responses": _responses(endpoint),
    }
    if endpoint.method == "POST":
        out["requestBody"] = {
            "required": any(p.required for p in endpoint.body),
            "content": {"application/json": {"schema": _object(endpoint.body)}},
        }
    if endpoint.write is not None:
        out["security"] = [{"githubToken": []}]
        out["description"] = f"A write; needs a GitHub token. Who may: {endpoint.write}."
    return out


def _parameter(param: Param, where: str) -> dict[str, Any]:
    return {
        "name": param.name,
        "in": where,
        "required": param.required or where == "path",
        "description": param.description,
        "schema": {k: v for k, v in param.schema().items() if k != "description"},
    }


def _object(params: tuple[Param, ...]) -> dict[str, Any]:
    schema: dict[str, Any] = {
        "type": "object",
        "properties": {p.name: p.schema() for p in params},
        "additionalProperties": False,
    }
    required = [p.name for p in params if p.required]
    if required:
        schema["required"] = required
    return schema


def _responses(endpoint: Endpoint) -> dict[str, Any]:
    answer = {
        "description": f"Returns {endpoint.returns}.",
        "content": {"application/json": {"schema": {"type": "object"}}},
    }
    out: dict[str, Any] = {"200": answer}
    if endpoint.created:
        out["201"] = {**answer, "description": f"Created; returns {endpoint.returns}."}
    refusals = dict(REFUSALS)
    if endpoint.write is not None:
        refusals.update(WRITE_REFUSALS)
    if endpoint.method == "POST":
        refusals.update(TOO_LARGE)
    for code in sorted(refusals):
        out[code] = {**ERROR_REF, "description": refusals[code]}
    return out
