"""``pcs tag ...`` and ``pcs config ...``: read the reusable parameter sets and templates."""

from __future__ import annotations

import click

from pcs_gitops.entrypoints.cli.common import (
    Context,
    emit,
    json_option,
    paging_options,
    pass_ctx,
    unit,
)
from pcs_gitops.errors import RecordNotFound
from pcs_gitops.services import tags as svc


@click.group()
def tag() -> None:
    """Tags: physics (p), evgen (e), simu (s), reco (r), background (k)."""


@tag.command("list")
@click.option("--type", "tag_type", help="physics|evgen|simu|reco|background (or p/e/s/r/k).")
@click.option("--status", type=click.Choice(["draft", "locked"]), help="Only tags in this status.")
@click.option("--search", help="Text in the label, description or parameter values.")
@paging_options(100)
@json_option
@pass_ctx
def list_cmd(
    ctx: Context,
    tag_type: str | None,
    status: str | None,
    search: str | None,
    limit: int,
    offset: int,
    as_json: bool,
) -> None:
    """List tags."""
    with unit(ctx) as uow:
        page = svc.list_tags(
            uow.state, tag_type=tag_type, status=status, search=search, limit=limit, offset=offset
        )
    tags = page["tags"]
    assert isinstance(tags, list)
    lines = [
        f"{t['label']:>7}  {t['status']:<6}  "
        + ", ".join(f"{k}={v}" for k, v in t["parameters"].items())
        for t in tags
    ]
    emit(as_json, page, "\n".join([*lines, f"({len(tags)} of {page['count']} shown)"]))


@tag.command()
@click.argument("label")
@json_option
@pass_ctx
def get(ctx: Context, label: str, as_json: bool) -> None:
    """Show one tag."""
    with unit(ctx) as uow:
        found = svc.tag_summary(svc.get_tag(uow.state, label))
    emit(as_json, found, lambda: "\n".join(f"{k}: {v}" for k, v in found.items()))


@click.group("config")
def config() -> None:
    """Production configs (execution templates)."""


@config.command("list")
@json_option
@pass_ctx
def config_list(ctx: Context, as_json: bool) -> None:
    """List production configs."""
    with unit(ctx) as uow:
        configs = [
            c.to_dict() for c in sorted(uow.state.prod_configs.values(), key=lambda c: c.name)
        ]
    emit(
        as_json,
        {"count": len(configs), "configs": configs},
        "\n".join(f"{c['name']}: {c['description']}" for c in configs),
    )


@config.command("get")
@click.argument("name")
@json_option
@pass_ctx
def config_get(ctx: Context, name: str, as_json: bool) -> None:
    """Show one production config."""
    with unit(ctx) as uow:
        found = uow.state.prod_configs.get(name)
        if found is None:
            raise RecordNotFound(
                f"production config '{name}' does not exist; see 'pcs config list'"
            )
        data = found.to_dict()
    emit(
        as_json,
        data,
        lambda: "\n".join(
            [f"name: {data['name']}", f"description: {data['description']}"]
            + [f"  {k}: {v}" for k, v in data["settings"].items()]
        ),
    )
