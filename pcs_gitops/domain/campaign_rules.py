"""Cross-record rules of the dynamic catalogue: campaigns, clones and withdrawals.

Each rule yields ``(file, field path, message)``; ``domain.rules.check_state`` turns them into
problems with the others.
"""

from __future__ import annotations

from collections.abc import Iterator

from pcs_gitops.domain.campaigns import name_problems
from pcs_gitops.domain.free_text import text_problem
from pcs_gitops.domain.model import TaskStatus
from pcs_gitops.domain.state import RecordKind, State, record_path

Found = tuple[str, str, str]


def campaign_record_problems(state: State) -> Iterator[Found]:
    for name, campaign in state.campaigns.items():
        file = record_path(RecordKind.CAMPAIGN, name)
        for path, message in name_problems(campaign):
            yield file, path, message
        reason = text_problem(campaign.description) if campaign.description else None
        if reason:
            yield file, "description", reason
        if campaign.prod_config and campaign.prod_config not in state.prod_configs:
            yield (
                file,
                "prod_config",
                f"production config '{campaign.prod_config}' does not exist",
            )


def task_campaign_problems(state: State) -> Iterator[Found]:
    """A task names an existing campaign and source; a withdrawn task is never ready."""
    for name, task in state.tasks.items():
        file = record_path(RecordKind.PROD_TASK, name)
        if task.campaign is not None and task.campaign not in state.campaigns:
            yield (
                file,
                "campaign",
                f"campaign '{task.campaign}' does not exist; create it with "
                f"'pcs campaign create {task.campaign}'",
            )
        if task.cloned_from and task.cloned_from not in state.tasks:
            yield file, "cloned_from", f"no task is named '{task.cloned_from}'"
        why = task.withdrawn.reason if task.withdrawn is not None else ""
        reason = text_problem(why) if why else None
        if reason:
            yield file, "withdrawn.reason", reason
        if task.withdrawn is not None and task.status is TaskStatus.READY:
            yield (
                file,
                "withdrawn",
                "a withdrawn task cannot be ready: move it to draft or reinstate it",
            )


def dynamic_problems(state: State) -> Iterator[Found]:
    yield from campaign_record_problems(state)
    yield from task_campaign_problems(state)
