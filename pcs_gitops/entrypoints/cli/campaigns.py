"""``pcs campaign ...``: campaigns as records (create, list, get, close)."""

from __future__ import annotations

from typing import Any

import click

from pcs_gitops.entrypoints.cli.common import (
    Context,
    describe_commit,
    emit,
    json_option,
    pass_ctx,
    unit,
)
from pcs_gitops.services import campaigns as svc
from pcs_gitops.services.usecases import campaigns as writes


@click.group()
def campaign() -> None:
    """Campaigns: one production pass with one release (family 26.07, release 26.07.1)."""


@campaign.command()
@click.argument("name")
@click.option("--detector-version", help="The release of the family (default: NAME.0).")
@click.option("--detector-config", help="Default: the catalogue's (state/catalog.yaml).")
@click.option("--software-release", help="The jug_xl tag (default: DETECTOR_VERSION-stable).")
@click.option("--prod-config", default="", help="Production config of its new tasks.")
@click.option(
    "--set",
    "settings",
    multiple=True,
    metavar="KEY=VALUE",
    help="A production config default of its tasks (repeatable), e.g. --set site=BNL.",
)
@click.option("--description", default="", help="What the campaign is for (free text).")
@json_option
@pass_ctx
def create(ctx: Context, /, name: str, as_json: bool, **kw: Any) -> None:
    """Create an open campaign NAME (a family such as 26.07); the same again changes nothing."""
    spec = svc.CampaignSpec(name=name, **{**kw, "settings": tuple(kw["settings"])})
    payload = writes.create_campaign(ctx.publisher(), spec, ctx.actor())
    record = payload["campaign"]
    verb = "created" if payload["created"] else "exists:"
    emit(
        as_json,
        payload,
        f"{verb} campaign {record['name']} ({record['detector_version']}, "
        f"{record['detector_config']}, {record['software_release']}); {describe_commit(payload)}",
    )


@campaign.command("list")
@click.option(
    "--status", type=click.Choice(["open", "closed"]), help="Only open or only closed campaigns."
)
@json_option
@pass_ctx
def list_cmd(ctx: Context, status: str | None, as_json: bool) -> None:
    """List campaigns with their task counts."""
    with unit(ctx) as uow:
        page = svc.list_campaigns(uow.state, status)
    lines = [
        f"{c['name']}  [{c['status']}] {c['detector_version']} {c['software_release']}: "
        f"{c['tasks']} task(s)"
        for c in page["campaigns"]
    ]
    emit(as_json, page, "\n".join([*lines, f"({page['count']} campaign(s))"]))


@campaign.command()
@click.argument("name")
@json_option
@pass_ctx
def get(ctx: Context, name: str, as_json: bool) -> None:
    """Show one campaign and its tasks."""
    with unit(ctx) as uow:
        found = svc.campaign_detail(uow.state, name)
    emit(as_json, found, lambda: "\n".join(f"{k}: {v}" for k, v in found.items() if k != "history"))


@campaign.command()
@click.argument("name")
@click.option("--reason", default="", help="Why it closes (kept in its history).")
@json_option
@pass_ctx
def close(ctx: Context, name: str, reason: str, as_json: bool) -> None:
    """Close a campaign: it takes no new tasks (its tasks go on)."""
    payload = writes.close_campaign(ctx.publisher(), name, reason, ctx.actor())
    emit(as_json, payload, f"campaign {payload['name']} closed; {describe_commit(payload)}")
