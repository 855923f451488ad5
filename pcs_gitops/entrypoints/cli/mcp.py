"""``pcs mcp``: serve the PCS tools to a model over MCP (stdio, or streamable HTTP)."""

from __future__ import annotations

import click

from pcs_gitops.entrypoints.cli.common import Context, pass_ctx

LOG_LEVELS = click.Choice(["DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"], case_sensitive=False)


@click.command("mcp")
@click.option(
    "--http",
    "use_http",
    is_flag=True,
    help="Serve streamable HTTP on http://127.0.0.1:PORT/mcp instead of stdio.",
)
@click.option(
    "--port",
    type=click.IntRange(min=1, max=65535),
    default=8000,
    show_default=True,
    help="Port of --http (bound to 127.0.0.1 only).",
)
@click.option(
    "--log-level",
    type=LOG_LEVELS,
    default="WARNING",
    show_default=True,
    help="Server log level (logs go to stderr).",
)
@pass_ctx
def mcp(ctx: Context, use_http: bool, port: int, log_level: str) -> None:
    """Run the MCP server for the repository given by --repo (stdio by default).

    Tools read and write the same records as the pcs commands (PCS_PUBLISH=local writes the
    working tree, PCS_PUBLISH=github a branch with a pull request). Submission is not a
    tool. See docs/mcp.md.
    """
    from pcs_gitops.entrypoints import mcp_server

    services = ctx.services
    services.check_publish_mode()
    mcp_server.run(lambda: services, http=use_http, port=port, log_level=log_level)
