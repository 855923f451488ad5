"""Commands about a task's payload: ``pcs task approve``, ``plan``, ``compose-outputs``,
``withdraw-stale-approvals`` and ``pcs dataset count-files`` (``cli.main`` adds COMMANDS to
``pcs task`` and DATASET_COMMANDS to ``pcs dataset``)."""

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
from pcs_gitops.services import approval as approval_svc
from pcs_gitops.services import tasks as task_svc
from pcs_gitops.services.usecases import payload as writes


@click.command("approve")
@click.argument("name")
@json_option
@pass_ctx
def approve_cmd(ctx: Context, name: str, as_json: bool) -> None:
    """Approve the task's current payload: it becomes ready.

    For a production manager who is not the requester. Every readiness check must pass and the
    JEDI taskParamMap must be one PanDA accepts. The approval records who, when and the sha256
    of the payload (taskParamMap, condor and prun commands, effective config); a later change to
    anything the payload is built from sends the task back to draft.
    """
    payload = writes.approve(ctx.publisher(), name, ctx.actor())
    digest = (payload["approval"] or {}).get("payload_sha256", "")
    emit(
        as_json,
        payload,
        f"{payload['name']}: {payload['from']} -> {payload['status']}, payload sha256 {digest} "
        f"({describe_commit(payload)})",
    )


@click.command("plan")
@click.argument("name")
@json_option
@pass_ctx
def plan_cmd(ctx: Context, name: str, as_json: bool) -> None:
    """Show what would be sent for the task and whether it is approved: the JEDI
    taskParamMap, its problems, the payload sha256 and the approval (writes nothing)."""
    with unit(ctx) as uow:
        view = approval_svc.approval_view(uow.state, task_svc.resolve_task(uow.state, name))

    def text() -> str:
        approval = view["approval"] or {}
        lines = [
            f"{view['name']} ({view['status']}): approval {view['approval_state']}"
            + (f" by {approval['by']} at {approval['at']}" if approval else ""),
            f"payload sha256: {view['payload_sha256']}",
        ]
        if view["changed"]:
            lines.append("changed since the approval: " + "; ".join(view["changed"]))
        lines += [f"problem: {p}" for p in view["problems"]]
        lines.append(str(view["task_params_json"]).rstrip("\n"))
        return "\n".join(lines)

    emit(as_json, view, text)


@click.command("compose-outputs")
@click.argument("name", required=False)
@click.option("--all", "all_tasks", is_flag=True, help="Every draft task (collisions told apart).")
@json_option
@pass_ctx
def compose_outputs_cmd(ctx: Context, name: str | None, all_tasks: bool, as_json: bool) -> None:
    """Compose the output datasets of a draft task from its input and config.

    With --all, every draft task: an output another request already produces is told apart by
    a sample variant derived from the dataset paths, and reported.
    """
    if bool(name) == all_tasks:
        raise click.UsageError("give a task NAME or --all")
    payload = writes.compose_outputs(ctx.publisher(), name, ctx.actor())
    emit(as_json, payload, lambda: _compose_text(payload))


def _compose_text(payload: dict[str, Any]) -> str:
    tasks = payload["tasks"]
    lines = [f"{payload['changed']} of {len(tasks)} task(s) changed; {describe_commit(payload)}"]
    lines += [f"  {note}" for note in payload["notes"] if "its outputs stay" not in note]
    if len(tasks) == 1:
        lines += [f"  output: {did}" for did in tasks[0]["output_datasets"]]
        lines += [f"  problem: {p}" for p in tasks[0]["problems"]]
    else:
        failing = [t for t in tasks if t["problems"]]
        if failing:
            lines.append(f"  {len(failing)} task(s) have no output yet (see --json)")
    return "\n".join(lines)


@click.command("withdraw-stale-approvals")
@json_option
@pass_ctx
def withdraw_cmd(ctx: Context, as_json: bool) -> None:
    """Send every ready task whose payload changed since its approval back to draft (what a
    push to the default branch runs); each gets a history entry naming what changed."""
    payload = writes.withdraw_stale_approvals(ctx.publisher(), ctx.actor())
    lines = [f"{w['name']}: {w['reason']}" for w in payload["withdrawn"]]
    emit(as_json, payload, "\n".join(lines) or "every approval matches its payload")


@click.command("count-files")
@click.argument("name")
@click.option("--files", type=click.IntRange(min=0), help="Record this count instead of reading.")
@json_option
@pass_ctx
def count_files_cmd(ctx: Context, name: str, files: int | None, as_json: bool) -> None:
    """Record how many input files a dataset holds (a CSV manifest's lines, or the event files
    of a directory, read under the data roots), so a request for all events knows its size."""
    counter = ctx.services.input_files() if files is None else None
    payload = writes.count_files(ctx.publisher(), counter, name, ctx.actor(), files)
    emit(
        as_json,
        payload,
        f"{payload['name']}: {payload['files']} file(s) ({payload['how']}); "
        f"{describe_commit(payload)}",
    )


COMMANDS = (approve_cmd, plan_cmd, compose_outputs_cmd, withdraw_cmd)
DATASET_COMMANDS = (count_files_cmd,)
