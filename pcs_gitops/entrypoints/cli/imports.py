"""``pcs import ...``: bring in the records of another system."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from pcs_gitops.entrypoints.cli.common import Context, describe_commit, emit, json_option, pass_ctx
from pcs_gitops.errors import UsageError
from pcs_gitops.services.ports import Actor
from pcs_gitops.services.usecases import migration

SHOWN = ("collision", "skipped")


@click.group("import")
def import_group() -> None:
    """Import records from other systems (the reference PCS)."""


def _text(payload: dict[str, Any]) -> str:
    totals = payload["totals"]
    lines = [
        f"{payload['source']}: {totals['records']} records: {totals['created']} created, "
        f"{totals['unchanged']} unchanged, {totals['collision']} collisions, "
        f"{totals['skipped']} skipped"
    ]
    for model, counts in payload["counts"].items():
        shown = ", ".join(f"{n} {o}" for o, n in counts.items() if n)
        lines.append(f"  {model}: {shown}")
    for outcome in SHOWN:
        found = [r for r in payload["records"] if r["outcome"] == outcome]
        if found:
            lines.append(f"{outcome} ({len(found)}):")
            lines += [f"  {r['record']} ({r['identity']}): {r['message']}" for r in found]
    lines.append("dry run: nothing written" if payload["dry_run"] else describe_commit(payload))
    return "\n".join(lines)


@import_group.command("pcs-export")
@click.argument("export_file", type=click.Path(dir_okay=False, exists=True, path_type=Path))
@click.option("--dry-run", is_flag=True, help="Validate and report; write nothing.")
@json_option
@pass_ctx
def pcs_export(ctx: Context, export_file: Path, dry_run: bool, as_json: bool) -> None:
    """Import the reference PCS's JSON export ('manage.py dumpdata pcs'): tags, production
    configs, datasets and tasks. Collisions are listed per record with what to do, never
    merged; importing the same file again changes nothing."""
    try:
        text = export_file.read_bytes().decode("utf-8")
    except UnicodeDecodeError as exc:
        raise UsageError(f"{export_file} is not UTF-8 text ({exc}); export it again") from exc
    actor = Actor(ctx.services.settings.actor, "import", trusted=True)
    payload = migration.import_pcs_export(
        ctx.publisher(), text, export_file.name, actor, dry_run=dry_run
    )
    emit(as_json, payload, lambda: _text(payload))
