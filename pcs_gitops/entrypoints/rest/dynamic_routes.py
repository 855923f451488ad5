"""REST endpoints of the dynamic catalogue: campaigns and cloning, a request's priority and
withdrawal, stalled drafts, PWG-authored tags. Joined to ``routes.ROUTES`` (served and
documented with the others)."""

from __future__ import annotations

from typing import Any

from pcs_gitops.entrypoints.rest.fields import INT, LIST, Param
from pcs_gitops.entrypoints.rest.routes import API, TASK, Endpoint, Reply, RestContext, created
from pcs_gitops.services import campaigns as campaign_svc
from pcs_gitops.services import reminders
from pcs_gitops.services.cloning import CloneSelection
from pcs_gitops.services.ports import Actor
from pcs_gitops.services.tag_authoring import TagDraft, parse_parameters
from pcs_gitops.services.usecases import campaigns as campaign_writes
from pcs_gitops.services.usecases import request_changes as change_writes
from pcs_gitops.services.usecases import tags as tag_writes

MANAGERS = "production managers and admins"
CONVENERS = "conveners of the request's PWG, production managers and admins"
WITHDRAWERS = "the requester (before submission), production managers and admins"
AUTHORS = "members and conveners of the tag's PWG, production managers and admins"
CAMPAIGN = Param("name", "The campaign family, e.g. 26.07.", required=True)
LABEL = Param("label", "The tag label, e.g. p2005.", required=True)
REASON = Param("reason", "Why (kept in the history).")
PARAMETERS = Param("parameters", "Parameters as NAME=VALUE strings.", LIST)

# --------------------------------------------------------------------------- campaigns


def list_campaigns(ctx: RestContext, args: dict[str, Any], _: Actor) -> Reply:
    with ctx.publisher().reading() as uow:
        return Reply(campaign_svc.list_campaigns(uow.state, args["status"]))


def get_campaign(ctx: RestContext, args: dict[str, Any], _: Actor) -> Reply:
    with ctx.publisher().reading() as uow:
        return Reply(dict(campaign_svc.campaign_detail(uow.state, args["name"])))


def create_campaign(ctx: RestContext, args: dict[str, Any], actor: Actor) -> Reply:
    spec = campaign_svc.CampaignSpec(**{**args, "settings": tuple(args["settings"] or ())})
    return created(campaign_writes.create_campaign(ctx.publisher(), spec, actor))


def close_campaign(ctx: RestContext, args: dict[str, Any], actor: Actor) -> Reply:
    reason = args["reason"] or ""
    return Reply(campaign_writes.close_campaign(ctx.publisher(), args["name"], reason, actor))


def clone_tasks(ctx: RestContext, args: dict[str, Any], actor: Actor) -> Reply:
    selection = CloneSelection(
        names=tuple(args["task_names"] or ()),
        pwg=args["pwg"],
        status=args["status"],
        campaign=args["source_campaign"],
        name_contains=args["name_contains"],
    )
    payload = campaign_writes.clone_tasks(ctx.publisher(), args["name"], selection, actor)
    return Reply(payload, 201 if payload["created"] else 200)


# --------------------------------------------------------------------------- requests


def set_priority(ctx: RestContext, args: dict[str, Any], actor: Actor) -> Reply:
    name, priority, reason = args["name"], args["priority"], args["reason"]
    return Reply(change_writes.set_priority(ctx.publisher(), name, priority, reason, actor))


def withdraw(ctx: RestContext, args: dict[str, Any], actor: Actor) -> Reply:
    return Reply(change_writes.withdraw(ctx.publisher(), args["name"], args["reason"], actor))


def reinstate(ctx: RestContext, args: dict[str, Any], actor: Actor) -> Reply:
    return Reply(change_writes.reinstate(ctx.publisher(), args["name"], args["reason"], actor))


def stalled(ctx: RestContext, args: dict[str, Any], _: Actor) -> Reply:
    with ctx.publisher().reading() as uow:
        days = args["days"] or uow.state.settings.stalled_after_days
        found = reminders.stalled_drafts(uow.state, uow.clock.now(), days, uow.probe)
    return Reply({"days": days, "stalled": [s.to_dict() for s in found]})


# --------------------------------------------------------------------------- tags


def create_tag(ctx: RestContext, args: dict[str, Any], actor: Actor) -> Reply:
    parameters = parse_parameters(tuple(args["parameters"] or ()))
    draft = TagDraft(
        args["tag_type"], args["pwg"], parameters, args["description"], args["category"]
    )
    return created(tag_writes.create_tag(ctx.publisher(), draft, actor))


def edit_tag(ctx: RestContext, args: dict[str, Any], actor: Actor) -> Reply:
    changes = parse_parameters(tuple(args["parameters"] or ()))
    label, description = args["label"], args["description"]
    return Reply(tag_writes.edit_tag(ctx.publisher(), label, changes, description, actor))


def lock_tag(ctx: RestContext, args: dict[str, Any], actor: Actor) -> Reply:
    return Reply(tag_writes.lock_tag(ctx.publisher(), args["label"], actor))


# --------------------------------------------------------------------------- the table

ROUTES: tuple[Endpoint, ...] = (
    Endpoint(
        "GET",
        f"{API}/campaigns/",
        list_campaigns,
        "List campaigns with their task counts",
        "{count, campaigns}",
        query=(Param("status", "open or closed."),),
    ),
    Endpoint(
        "POST",
        f"{API}/campaigns/",
        create_campaign,
        "Create an open campaign (the same campaign again changes nothing)",
        "{created, name, campaign, commit, published?}",
        MANAGERS,
        body=(
            Param("name", "The campaign family, e.g. 26.07.", required=True),
            Param("detector_version", "Its release, e.g. 26.07.1 (default NAME.0)."),
            Param("detector_config", "Default: the catalogue's."),
            Param("software_release", "The jug_xl tag (default DETECTOR_VERSION-stable)."),
            Param("prod_config", "Production config of its new tasks.", default=""),
            Param("settings", "Production config defaults, KEY=VALUE each.", LIST),
            Param("description", "What the campaign is for.", default=""),
        ),
        created=True,
    ),
    Endpoint(
        "GET",
        f"{API}/campaigns/{{name}}/",
        get_campaign,
        "One campaign with its task counts and task names",
        "the campaign record + {tasks, by_status, withdrawn, task_names}",
        path_params=(CAMPAIGN,),
    ),
    Endpoint(
        "POST",
        f"{API}/campaigns/{{name}}/close/",
        close_campaign,
        "Close a campaign: it takes no new tasks",
        "{name, campaign, commit, published?}",
        MANAGERS,
        path_params=(CAMPAIGN,),
        body=(REASON,),
    ),
    Endpoint(
        "POST",
        f"{API}/campaigns/{{name}}/clone/",
        clone_tasks,
        "Clone named requests, or every request matching the filters, into the campaign",
        "{campaign, created, existing, skipped, clones, commit, published?}",
        MANAGERS,
        path_params=(CAMPAIGN,),
        body=(
            Param("task_names", "Requests to clone (names or issue numbers).", LIST),
            Param("pwg", "Or: every request of this PWG ..."),
            Param("status", "... of this status ..."),
            Param("source_campaign", "... of this campaign ('none': of none) ..."),
            Param("name_contains", "... whose name contains this text."),
        ),
        created=True,
    ),
    Endpoint(
        "POST",
        f"{API}/prod-tasks/{{name}}/priority/",
        set_priority,
        "Set a request's priority in draft, ready or submitted",
        "{name, status, task, from, priority, commit, published?}",
        CONVENERS,
        path_params=(TASK,),
        body=(Param("priority", "1, 2, 3 or -1.", required=True), REASON),
    ),
    Endpoint(
        "POST",
        f"{API}/prod-tasks/{{name}}/withdraw/",
        withdraw,
        "Withdraw a request: never approved or submitted until reinstated",
        "{name, status, task, withdrawn, commit, published?}",
        WITHDRAWERS,
        path_params=(TASK,),
        body=(REASON,),
    ),
    Endpoint(
        "POST",
        f"{API}/prod-tasks/{{name}}/reinstate/",
        reinstate,
        "Lift a request's withdrawal",
        "{name, status, task, withdrawn, commit, published?}",
        MANAGERS,
        path_params=(TASK,),
        body=(REASON,),
    ),
    Endpoint(
        "GET",
        f"{API}/stalled/",
        stalled,
        "The stalled drafts 'pcs remind' would remind (writes nothing)",
        "{days, stalled}",
        query=(Param("days", "Unchanged this many days (default: the catalogue's).", INT),),
    ),
    Endpoint(
        "POST",
        f"{API}/tags/",
        create_tag,
        "Author a draft physics or EvGen tag of a PWG, within its category's template",
        "{created, label, tag, commit, published?}",
        AUTHORS,
        body=(
            Param("tag_type", "physics or evgen (p or e).", required=True),
            Param("pwg", "The authoring PWG (slug or name).", required=True),
            PARAMETERS,
            Param("category", "Physics category 1-6 (default: from the process).", INT),
            Param("description", "What the configuration is.", default=""),
        ),
        created=True,
    ),
    Endpoint(
        "POST",
        f"{API}/tags/{{label}}/edit/",
        edit_tag,
        "Change a draft tag's parameters (NAME= removes one) or description",
        "{changed, label, tag, commit, published?}",
        AUTHORS,
        path_params=(LABEL,),
        body=(PARAMETERS, Param("description", "A new description.")),
    ),
    Endpoint(
        "POST",
        f"{API}/tags/{{label}}/lock/",
        lock_tag,
        "Lock (approve) a tag: it never changes again",
        "{locked, label, tag, commit, published?}",
        MANAGERS,
        path_params=(LABEL,),
    ),
)
