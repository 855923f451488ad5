"""``pcs tag create|edit|lock``: PWG-authored physics configurations (registered on the ``tag``
group)."""

from __future__ import annotations

import click

from pcs_gitops.entrypoints.cli.common import Context, describe_commit, emit, json_option, pass_ctx
from pcs_gitops.services.tag_authoring import TagDraft, parse_parameters
from pcs_gitops.services.usecases import tags as writes

PARAMETER = click.option(
    "--param",
    "params",
    multiple=True,
    metavar="NAME=VALUE",
    help="A parameter (repeatable), e.g. --param process=DIS_NC.",
)


@click.command("create")
@click.argument("kind", type=click.Choice(["physics", "evgen", "p", "e"]))
@click.option("--pwg", required=True, help="The authoring PWG (slug or name).")
@PARAMETER
@click.option("--category", type=click.IntRange(1, 6), help="Physics: default from the process.")
@click.option("--description", default="", help="What the tag describes (free text).")
@json_option
@pass_ctx
def create_cmd(
    ctx: Context,
    kind: str,
    pwg: str,
    params: tuple[str, ...],
    category: int | None,
    description: str,
    as_json: bool,
) -> None:
    """Author a draft physics or EvGen tag for PWG, checked against the template of its
    category (state/physics_categories.yaml); the same parameters again give the same tag."""
    draft = TagDraft(kind, pwg, parse_parameters(params), description, category)
    payload = writes.create_tag(ctx.publisher(), draft, ctx.actor())
    verb = "created" if payload["created"] else "exists:"
    emit(as_json, payload, f"{verb} {payload['label']}; {describe_commit(payload)}")


@click.command("edit")
@click.argument("label")
@PARAMETER
@click.option("--description", help="A new description.")
@json_option
@pass_ctx
def edit_cmd(
    ctx: Context, label: str, params: tuple[str, ...], description: str | None, as_json: bool
) -> None:
    """Change a draft tag's parameters (NAME= removes one) or description; a locked tag never
    changes."""
    payload = writes.edit_tag(
        ctx.publisher(), label, parse_parameters(params), description, ctx.actor()
    )
    changed = ", ".join(payload["changed"]) or "nothing"
    emit(as_json, payload, f"{payload['label']}: changed {changed}; {describe_commit(payload)}")


@click.command("lock")
@click.argument("label")
@json_option
@pass_ctx
def lock_cmd(ctx: Context, label: str, as_json: bool) -> None:
    """Lock (approve) a tag (production managers): it never changes again, and tasks using it
    may be approved."""
    payload = writes.lock_tag(ctx.publisher(), label, ctx.actor())
    verb = "locked" if payload["locked"] else "already locked"
    emit(as_json, payload, f"{payload['label']}: {verb}; {describe_commit(payload)}")


COMMANDS = (create_cmd, edit_cmd, lock_cmd)
