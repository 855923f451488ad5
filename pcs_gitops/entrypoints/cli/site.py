"""``pcs site``: the Jekyll site in docs/ (``pcs site preview``)."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

import click

from pcs_gitops.entrypoints.cli.common import Context, pass_ctx
from pcs_gitops.services import publishing


@click.group()
def site() -> None:
    """The Jekyll site in docs/: catalogue, request pages, JSON API."""


@site.command()
@click.option(
    "--port",
    type=click.IntRange(0, 65535),
    default=4000,
    show_default=True,
    help="Port of the preview on 127.0.0.1 (0: any free port).",
)
@click.option(
    "--build-only", is_flag=True, help="Build into a temporary directory, print it, and stop."
)
@pass_ctx
def preview(ctx: Context, port: int, build_only: bool) -> None:
    """Render, build docs/ with Jekyll and serve the site on 127.0.0.1 (needs 'jekyll')."""
    services = ctx.services
    result = publishing.render(services.store(), services.derived(), check=False)
    click.echo(f"rendered: {len(result.derived_written)} derived file(s) written", err=True)
    preview_site = services.site_preview()
    jekyll = preview_site.find_jekyll()
    workdir = Path(tempfile.mkdtemp(prefix="pcs-site-"))
    built = preview_site.build(ctx.repo / "docs", workdir, jekyll)
    if build_only:
        click.echo(str(built.directory))
        return
    try:
        with preview_site.server(built.directory, port) as httpd:
            host, bound = httpd.server_address[:2]
            click.echo(f"serving the site at http://{host!s}:{bound}/ (Ctrl-C stops)")
            click.echo(f"catalogue: http://{host!s}:{bound}/catalog/index.html")
            try:
                httpd.serve_forever()
            except KeyboardInterrupt:
                click.echo("stopped", err=True)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
