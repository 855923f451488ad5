"""The REST server (``pcs serve``): the route table of ``rest.routes`` served with Starlette on
uvicorn. The only module of ``pcs_gitops`` that imports ``starlette`` or ``uvicorn``.

Every endpoint runs the same steps, here and only here: a write asks for the bearer token and
resolves it to a login (401 without one), the body is read (at most ``MAX_BODY`` bytes) and its
JSON converted field by field, the role policy decides (403), then the handler runs on a worker
thread (the services block on files and git; the publishing port serialises writes). A
``PcsError`` becomes ``{"error": <class name>, "message": <the CLI's message>}`` with the status
of ``STATUS_OF``; anything else is a 500 whose details go to the server log only.
"""

from __future__ import annotations

import ipaddress
import json
import logging
import socket
from collections.abc import Awaitable, Callable
from typing import Any

import uvicorn
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from pcs_gitops.entrypoints.rest import openapi
from pcs_gitops.entrypoints.rest.fields import read_body, read_query
from pcs_gitops.entrypoints.rest.routes import API, ROUTES, Endpoint, RestContext
from pcs_gitops.errors import (
    AmbiguousIdentifier,
    Conflict,
    GitError,
    GitHubError,
    InvalidTransition,
    PcsError,
    PushRejected,
    RecordNotFound,
    Refused,
    StateFileError,
    SyncFailed,
    TooLarge,
    Unauthenticated,
    UsageError,
    ValidationFailed,
)
from pcs_gitops.services.ports import Actor

BACKLOG = 128
MAX_BODY = 1_048_576  # bytes; the longest field (a comment) is 20,000 characters
LOG = logging.getLogger("pcs.rest")
ANONYMOUS = Actor("anonymous", "rest")

# The first matching class decides (subclasses before their bases).
STATUS_OF: tuple[tuple[type[PcsError], int], ...] = (
    (Unauthenticated, 401),
    (Refused, 403),
    (RecordNotFound, 404),
    (AmbiguousIdentifier, 409),
    (Conflict, 409),
    (PushRejected, 409),
    (SyncFailed, 409),
    (TooLarge, 413),
    (UsageError, 400),
    (InvalidTransition, 422),
    (ValidationFailed, 422),
    (GitHubError, 502),
    (GitError, 500),
    (StateFileError, 500),
)
DEFAULT_REFUSAL = 422


def status_of(error: PcsError) -> int:
    return next((code for cls, code in STATUS_OF if isinstance(error, cls)), DEFAULT_REFUSAL)


def refusal(error: PcsError) -> JSONResponse:
    """A refused call: the error's class and exactly the message the CLI prints."""
    code = status_of(error)
    headers = {"WWW-Authenticate": "Bearer"} if code == 401 else None
    body = {"error": type(error).__name__, "message": str(error)}
    return JSONResponse(body, status_code=code, headers=headers)


def _bearer(request: Request) -> str | None:
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() in ("bearer", "token") and token.strip():
        return token.strip()
    return None


async def _read_json(request: Request) -> Any:
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > MAX_BODY:
        raise TooLarge(f"the request body is {declared} bytes; the limit is {MAX_BODY}")
    data = bytearray()
    async for chunk in request.stream():
        data += chunk
        if len(data) > MAX_BODY:
            raise TooLarge(f"the request body is over the limit of {MAX_BODY} bytes")
    if not data.strip():
        return {}
    try:
        return json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as exc:
        raise UsageError(
            f"the request body is not valid JSON ({exc}); send a JSON object of the documented "
            "fields"
        ) from None


async def _arguments(request: Request, endpoint: Endpoint) -> dict[str, Any]:
    query: dict[str, list[str]] = {}
    for key, value in request.query_params.multi_items():
        query.setdefault(key, []).append(value)
    args = dict(request.path_params)
    args.update(read_query(query, endpoint.query))
    if endpoint.method == "POST":
        args.update(read_body(await _read_json(request), endpoint.body))
    return args


def serve_endpoint(
    ctx: RestContext, endpoint: Endpoint
) -> Callable[[Request], Awaitable[Response]]:
    async def handle(request: Request) -> Response:
        try:
            actor = ANONYMOUS
            if endpoint.write is not None:
                actor = await run_in_threadpool(ctx.authenticate, _bearer(request))
            args = await _arguments(request, endpoint)
            reply = await run_in_threadpool(endpoint.handler, ctx, args, actor)
        except PcsError as exc:
            return refusal(exc)
        return JSONResponse(reply.body, status_code=reply.status)

    return handle


def _by_method(
    handlers: dict[str, Callable[[Request], Awaitable[Response]]],
) -> Callable[[Request], Awaitable[Response]]:
    """One route per path (so a 405 lists every method the path takes)."""

    async def dispatch(request: Request) -> Response:
        method = "GET" if request.method == "HEAD" else request.method
        return await handlers[method](request)

    return dispatch


async def _http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    where = f"{request.method} {request.url.path}"
    if exc.status_code == 405:
        allowed = (exc.headers or {}).get("Allow", "")
        message = f"{where} is not allowed; this path takes {allowed}"
        return JSONResponse(
            {"error": "MethodNotAllowed", "message": message}, 405, headers=exc.headers
        )
    message = f"no endpoint {where}; the endpoints are listed in {API}/openapi.json"
    return JSONResponse({"error": "NotFound", "message": message}, status_code=exc.status_code)


async def _internal_error(request: Request, exc: Exception) -> Response:
    LOG.error("%s %s failed", request.method, request.url.path, exc_info=exc)
    message = (
        f"internal error ({type(exc).__name__}); this is a bug: the server log has the details"
    )
    return JSONResponse({"error": "InternalError", "message": message}, status_code=500)


def create_app(ctx: RestContext) -> Starlette:
    """The application: every endpoint of ``ROUTES`` and the OpenAPI document."""
    document = openapi.document(ROUTES)

    async def openapi_json(_: Request) -> Response:
        return JSONResponse(document)

    by_path: dict[str, dict[str, Callable[[Request], Awaitable[Response]]]] = {}
    for endpoint in ROUTES:
        by_path.setdefault(endpoint.path, {})[endpoint.method] = serve_endpoint(ctx, endpoint)
    routes = [
        Route(path, _by_method(handlers), methods=list(handlers))
        for path, handlers in by_path.items()
    ]
    routes.append(Route(f"{API}/openapi.json", openapi_json, methods=["GET"], name="openapi"))
    return Starlette(
        routes=routes,
        exception_handlers={HTTPException: _http_error, Exception: _internal_error},
    )


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def bind(host: str, port: int) -> socket.socket:
    """The listening socket (port 0: a free one), bound before serving so its URL is known."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
        sock.listen(BACKLOG)  # connections queue from now on, before the server starts
    except OSError as exc:
        sock.close()
        raise UsageError(f"cannot listen on {host}:{port} ({exc}); choose another --port") from None
    return sock


def url_of(sock: socket.socket) -> str:
    host, port = sock.getsockname()[:2]
    shown = f"[{host}]" if ":" in host else host
    return f"http://{shown}:{port}{API}/"


def server(app: Starlette, log_level: str = "warning") -> uvicorn.Server:
    """A uvicorn server for ``app``; ``run(sockets=[bind(...)])`` serves until stopped."""
    level = log_level.lower()
    config = uvicorn.Config(
        app, log_level=level, access_log=level in ("debug", "info"), lifespan="off"
    )
    return uvicorn.Server(config)


def run(
    ctx: RestContext,
    sock: socket.socket,
    *,
    log_level: str = "warning",
) -> None:
    """Serve on ``sock`` until Ctrl-C (uvicorn stops gracefully: requests in flight finish)."""
    server(create_app(ctx), log_level).run(sockets=[sock])
