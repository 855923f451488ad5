"""The MCP server (``pcs mcp``): PCS reads and writes as typed tools for a model (docs/mcp.md).

The only package that imports ``mcp`` (the MCP Python SDK 2.x), one module per subject. Every
tool translates its arguments, calls one service function (the use cases the CLI and REST call)
and returns its plain data; where writes land is the publishing port bootstrap chose. A
``PcsError`` becomes an ``isError`` result whose text is exactly the CLI's message (returned, not
raised as ``ToolError``, which the SDK would prefix). The services are built by the server's
lifespan, never at import. Submission is deliberately not a tool.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import Any, cast

from mcp.server.mcpserver import MCPServer
from mcp.types import ToolAnnotations

from pcs_gitops import bootstrap
from pcs_gitops.entrypoints.mcp_server import (
    campaigns,
    datasets,
    metadata,
    payload,
    request_changes,
    requests,
    tag_authoring,
    tags,
    tasks,
)
from pcs_gitops.entrypoints.mcp_server.common import (
    AppContext,
    GitHubFactory,
    default_github_port,
)
from pcs_gitops.errors import UsageError

SERVER_NAME = "pcs"
INSTRUCTIONS = """\
PCS is the ePIC production configuration system: datasets (external inputs and produced
samples), production tasks (one per catalogue request, lifecycle draft -> ready -> submitted ->
completed | failed), tags (physics p, evgen e, simu s, reco r, background k) and the public
catalogue generated from them. Read with the pcs_*_list/get tools; write with the intake,
link-input, confirm, set-status, approve and comment tools (each change is validated and
written as the pcs CLI would, and recorded in history). A task whose input's tags were only
inferred becomes ready once someone confirms them (pcs_prodtask_confirm) and a production manager
approves its payload (pcs_prodtask_approve). When the server publishes to GitHub
(PCS_PUBLISH=github) a write lands on a branch with a pull request for review instead of the
working tree: the result's published field {branch, base, commit (null when nothing changed),
pull {number, url, action}} says where. Refusals come back as errors whose text says what is
wrong and what to do next. Submission to PanDA is not available here.
"""

TOOLS: tuple[tuple[Callable[..., Any], str, ToolAnnotations], ...] = (
    *datasets.TOOLS,
    *tasks.TOOLS,
    *payload.TOOLS,
    *metadata.TOOLS,
    *tags.TOOLS,
    *requests.TOOLS,
    *campaigns.TOOLS,
    *request_changes.TOOLS,
    *tag_authoring.TOOLS,
)
TOOL_NAMES: tuple[str, ...] = tuple(fn.__name__ for fn, _, _ in TOOLS)


def create_server(
    services_factory: Callable[[], bootstrap.Services],
    *,
    github_factory: GitHubFactory | None = None,
    log_level: str = "WARNING",
) -> MCPServer[AppContext]:
    """The MCP server with every PCS tool; nothing is built until the server starts."""
    factory = github_factory or default_github_port

    @asynccontextmanager
    async def lifespan(_server: MCPServer[AppContext]) -> AsyncIterator[AppContext]:
        services = services_factory()
        services.check_publish_mode()  # an unknown PCS_PUBLISH is refused before serving
        yield AppContext(services=services, github_factory=factory)

    level = log_level.upper()
    if level not in ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"):
        raise UsageError(f"log level '{log_level}' is unknown")
    server: MCPServer[AppContext] = MCPServer(
        SERVER_NAME,
        title="ePIC production configuration system",
        instructions=INSTRUCTIONS,
        lifespan=lifespan,
        log_level=cast(Any, level),
    )
    for fn, title, hints in TOOLS:
        server.add_tool(fn, name=fn.__name__, title=title, annotations=hints)
    return server


def run(
    services_factory: Callable[[], bootstrap.Services],
    *,
    http: bool = False,
    host: str = "127.0.0.1",
    port: int = 8000,
    log_level: str = "WARNING",
) -> None:
    """Serve over stdio (default) or streamable HTTP on ``http://host:port/mcp``."""
    server = create_server(services_factory, log_level=log_level)
    if http:
        server.run("streamable-http", host=host, port=port)
    else:
        server.run("stdio")
