"""``pcs serve``: the REST API on HTTP (loopback by default)."""

from __future__ import annotations

import click

from pcs_gitops.entrypoints.cli.common import Context, pass_ctx

LOG_LEVELS = click.Choice(["DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"], case_sensitive=False)


@click.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option(
    "--port",
    type=click.IntRange(min=0, max=65535),
    default=8000,
    show_default=True,
    help="Port to listen on (0: any free port; the URL is printed).",
)
@click.option(
    "--log-level",
    type=LOG_LEVELS,
    default="WARNING",
    show_default=True,
    help="Server log level (INFO adds the access log); logs go to stderr.",
)
@pass_ctx
def serve(ctx: Context, host: str, port: int, log_level: str) -> None:
    """Serve the REST API (JSON under /pcs/api/) for the repository given by --repo.

    Reads are open; writes need 'Authorization: Bearer <GitHub token>' and the roles of
    state/roles.yaml. Writes land where PCS_PUBLISH says (the working tree, or a branch with a
    pull request). Ctrl-C stops the server. See docs/rest.md.
    """
    from pcs_gitops.entrypoints.rest import app
    from pcs_gitops.entrypoints.rest.routes import RestContext

    services = ctx.services
    services.check_publish_mode()
    if not app.is_loopback(host):
        click.echo(
            f"warning: listening on {host}, not on loopback: anyone who can reach it may read "
            "the records (writes still need a GitHub token); put TLS in front of it",
            err=True,
        )
    sock = app.bind(host, port)
    click.echo(f"serving the PCS REST API at {app.url_of(sock)} (Ctrl-C stops)", err=True)
    click.echo(app.url_of(sock))
    rest = RestContext(services, services.identity_resolver())
    try:
        app.run(rest, sock, log_level=log_level)
    except KeyboardInterrupt:
        pass  # Ctrl-C before the server took the signal over
    finally:
        sock.close()
    # uvicorn stops gracefully on Ctrl-C and returns, or re-raises it afterwards: either way
    click.echo("stopped", err=True)
