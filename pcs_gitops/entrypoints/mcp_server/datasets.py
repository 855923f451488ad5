"""MCP tools over datasets."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import Field

from pcs_gitops.domain.intake import DatasetIntake
from pcs_gitops.entrypoints.mcp_server.common import (
    DEFAULT_IDENTITY,
    READ,
    WRITE_IDEMPOTENT,
    Ctx,
    Identity,
    Limit,
    Offset,
    Tag,
    actor_of,
    app_of,
    refusals,
)
from pcs_gitops.errors import UsageError
from pcs_gitops.services import datasets as dataset_svc
from pcs_gitops.services.usecases import datasets as dataset_writes


@refusals
def pcs_dataset_list(
    ctx: Ctx,
    stage: Annotated[str | None, Field(description="evgen, simu, reco, full or log.")] = None,
    source_kind: Annotated[
        str | None, Field(description="csv_manifest, path, url, rucio_did, file_list, internal.")
    ] = None,
    source_location: Annotated[str | None, Field(description="Exact source location.")] = None,
    scope: Annotated[str | None, Field(description="Rucio scope, e.g. group.EIC.evgen.")] = None,
    name_contains: Annotated[str | None, Field(description="Text the name must contain.")] = None,
    limit: Limit = 20,
    offset: Offset = 0,
) -> dict[str, Any]:
    """List datasets (external inputs and produced samples), filtered and paged, to find a
    name or DID: {count, limit, offset, datasets: [{name, did, scope, detector_version,
    detector_config, stage, is_external, source_kind, source_location, tags, sample}]}."""
    filters = {k: v for k, v in locals().items() if k != "ctx"}
    with app_of(ctx).publisher().reading() as uow:
        return dataset_svc.list_datasets(uow.state, **filters)


@refusals
def pcs_dataset_get(
    ctx: Ctx,
    did: Annotated[str | None, Field(description="The dataset's Rucio DID (scope:name).")] = None,
    dataset_name: Annotated[
        str | None, Field(description="The dataset name (or its unambiguous prefix).")
    ] = None,
) -> dict[str, Any]:
    """Show one dataset, by DID or by name (give exactly one): name, did, scope, detector
    version and config, tags, sample, stage, source {kind, location}, description, history."""
    if (did is None) == (dataset_name is None):
        raise UsageError("give exactly one of did or dataset_name")
    with app_of(ctx).publisher().reading() as uow:
        return dataset_svc.resolve_dataset(uow.state, str(did or dataset_name)).to_dict()


@refusals
def pcs_dataset_intake(
    ctx: Ctx,
    source_location: Annotated[
        str,
        Field(
            description="Absolute path, http(s) URL, Rucio DID (scope:name), .csv manifest path "
            "or comma-separated file list."
        ),
    ],
    source_kind: Annotated[
        str | None,
        Field(description="csv_manifest, path, url, rucio_did or file_list; guessed if omitted."),
    ] = None,
    physics_tag: Tag = None,
    evgen_tag: Tag = None,
    simu_tag: Tag = None,
    reco_tag: Tag = None,
    background_tag: Tag = None,
    detector_version: Annotated[str | None, Field(description="e.g. 26.02.0.")] = None,
    detector_config: Annotated[str | None, Field(description="e.g. epic_craterlake.")] = None,
    scope: Annotated[str | None, Field(description="Rucio scope (group.EIC.evgen).")] = None,
    stage: Annotated[str, Field(description="evgen, simu, reco, full or log.")] = "evgen",
    sample: Annotated[
        str | None, Field(description="Sample discriminator when two inputs would share a name.")
    ] = None,
    release_url: Annotated[
        str | None, Field(description="Generator/dataset release URL (adds the version).")
    ] = None,
    description: Annotated[str, Field(description="Free text.")] = "",
    created_by: Identity = DEFAULT_IDENTITY,
) -> dict[str, Any]:
    """Return the dataset recorded for an external source, creating it when it is new.

    Idempotent on (source kind, location): a repeat returns created false and changes nothing
    (differences from what you supplied are listed in conflicts). Tags not given are inferred
    from the path; missing ones are created as draft tags. Returns {created, name, dataset,
    conflicts, tags_created, notes, commit} (and published: branch pcs/dataset-<digest>).
    """
    request = DatasetIntake.from_arguments(locals())
    return dataset_writes.intake_dataset(
        app_of(ctx).publisher(), request, actor_of(ctx, created_by)
    )


TOOLS = (
    (pcs_dataset_list, "List datasets", READ),
    (pcs_dataset_get, "Get a dataset", READ),
    (pcs_dataset_intake, "Intake a dataset", WRITE_IDEMPOTENT),
)
