"""Reading the reference PCS's dumpdata export and mapping its fields (pcs_gitops.domain
.pcs_export): refusals name the record, names become valid here, the overrides grab-bag splits
into its namespaces."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pcs_gitops.domain.naming import TASK_NAME_RE
from pcs_gitops.domain.pcs_export import (
    config_name,
    config_settings,
    read_export,
    split_overrides,
    task_name,
)
from pcs_gitops.errors import UsageError
from tests.conftest import DATA

EXPORT = DATA / "pcs-export" / "export.json"
CONFIG_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._+-]*$")  # the prod_config schema's pattern


def test_the_fixture_export_holds_every_record_type_of_the_reference() -> None:
    export = read_export(EXPORT.read_text(encoding="utf-8"))
    assert export.models == [
        "backgroundtag",
        "campaign",
        "dataset",
        "evgenmark",
        "evgentag",
        "pandatasks",
        "physicscategory",
        "physicsconfig",
        "physicstag",
        "prodconfig",
        "prodrequest",
        "prodtask",
        "questionnaire",
        "recotag",
        "simutag",
        "validationresult",
    ]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("{not json", "the export is not JSON (Expecting property name enclosed in double quotes"),
        ('{"model": "pcs.dataset"}', "the export must be a JSON list of records"),
        (
            '[{"model": "pcs.dataset", "pk": 1}]',
            "record 0 of the export is not {model, pk, fields}",
        ),
        ('[{"model": "auth.user", "pk": 1, "fields": {}}]', "record 0 is a 'auth.user', not"),
    ],
)
def test_an_export_that_is_not_a_pcs_dumpdata_is_refused_naming_where(
    text: str, message: str
) -> None:
    with pytest.raises(UsageError) as refused:
        read_export(text)
    assert str(refused.value).startswith(message)


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("26.06.0 Standard Production", "26.06.0-Standard-Production"),
        ("Placeholder — no bound configuration", "Placeholder-no-bound-configuration"),
        ("  ", "config-9"),
    ],
)
def test_a_config_name_becomes_a_valid_name_here(name: str, expected: str) -> None:
    assert config_name(name, 9) == expected


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("EVGEN/DIS/BeAGLE1.03.02-1.0/eH2/10x130", "EVGEN.DIS.BeAGLE1.03.02-1.0.eH2.10x130"),
        ("group.EIC.26.07.1.epic_craterlake.DIS.NC.5x41.minQ2-100", None),
        ("/", "task-3"),
    ],
)
def test_a_task_name_loses_its_slashes(name: str, expected: str | None) -> None:
    assert task_name(name, 3) == (expected or name)


@given(st.text(max_size=60), st.integers(min_value=1, max_value=10**6))
def test_any_reference_name_maps_to_a_valid_config_and_task_name(name: str, pk: int) -> None:
    assert CONFIG_NAME.match(config_name(name, pk))
    assert TASK_NAME_RE.match(task_name(name, pk))


def test_config_columns_and_data_keys_map_to_settings_and_the_rest_is_named() -> None:
    settings, notes = config_settings(
        {
            "name": "x",
            "copy_full": True,
            "target_hours_per_job": "2.50",
            "panda_site": "BNL_OSG_PanDA_1",
            "condor_template": "universe = vanilla",
            "rucio_rse": "",
            "data": {"corecount": "4", "ram_count": 0, "submission_path": "panda"},
        }
    )
    assert settings == {
        "cores": 4,
        "walltime_hours": 2.5,
        "site": "BNL_OSG_PanDA_1",
        "copy_full": True,
    }
    assert notes == [
        "not imported: condor_template, data.ram_count=0 (not a valid memory_mb), "
        "data.submission_path"
    ]


def test_the_overrides_grab_bag_splits_into_config_catalogue_and_links() -> None:
    overrides: dict[str, Any] = {
        "public_catalog_issue": "41",
        "public_catalog_repo": "eic/epic-prod",
        "input_dataset_dids": ["a:b.b1", " "],
        "output_dataset_dids": "c:d.b1",
        "bg_mixing": "true",
        "data": {"events_per_job": 500},
        "csv_import": {"nevents": 1},
        "outputs": [],
    }
    split = split_overrides(overrides)
    assert split.config == {"events_per_job": 500, "bg_mixing": True}
    assert split.public_catalog == {"issue": "41", "repo": "eic/epic-prod"}
    assert (split.inputs, split.outputs) == (["a:b.b1"], ["c:d.b1"])
    assert split.notes == [
        "overrides not imported (bookkeeping, not configuration): csv_import, outputs"
    ]
    assert json.dumps(split.config)  # plain data
