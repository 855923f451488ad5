"""REST endpoints of workflow modes: a request's mode twin and the comparison of two tasks.
Joined to ``routes.ROUTES`` (served and documented with the others)."""

from __future__ import annotations

from typing import Any

from pcs_gitops.entrypoints.rest.fields import Param
from pcs_gitops.entrypoints.rest.routes import API, TASK, Endpoint, Reply, RestContext, created
from pcs_gitops.services.ports import Actor
from pcs_gitops.services.usecases import twins as uses

CHANGERS = "the requester, a member of the request's PWG, a production manager or an admin"


def twin_task(ctx: RestContext, args: dict[str, Any], actor: Actor) -> Reply:
    payload = uses.twin_task(ctx.publisher(), args["name"], args["mode"], actor)
    return created(payload)


def compare_tasks(ctx: RestContext, args: dict[str, Any], _: Actor) -> Reply:
    return Reply(uses.compare(ctx.publisher(), args["name"], args["other"]))


ROUTES: tuple[Endpoint, ...] = (
    Endpoint(
        "POST",
        f"{API}/prod-tasks/{{name}}/twin/",
        twin_task,
        "Make the same request in the other workflow mode, linked both ways (201 when made; "
        "200 with the existing twin on a repeat)",
        "{name, twin, mode, created, task, twin_task, problems, commit, published?}",
        CHANGERS,
        path_params=(TASK,),
        body=(Param("mode", "external_evgen or internal_evgen.", required=True),),
        created=True,
    ),
    Endpoint(
        "GET",
        f"{API}/prod-tasks/{{name}}/compare/",
        compare_tasks,
        "What differs between two tasks: modes, stages, JEDI taskParamMaps, datasets",
        "{a, b, twins, modes, stages, stage_differences, payload_differences, "
        "payload_problems, datasets}",
        path_params=(TASK,),
        query=(Param("other", "The task to compare with (name or issue).", required=True),),
    ),
)
