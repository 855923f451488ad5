"""The MCP server: one module per subject of tools (``server`` builds and runs it)."""

from pcs_gitops.entrypoints.mcp_server.common import AppContext
from pcs_gitops.entrypoints.mcp_server.server import SERVER_NAME, TOOL_NAMES, create_server, run

__all__ = ["SERVER_NAME", "TOOL_NAMES", "AppContext", "create_server", "run"]
