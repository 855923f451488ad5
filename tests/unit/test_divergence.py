"""Whether a request branch must be rebuilt after the default branch moved on: only when what
the default branch changed meets the request's records (domain/divergence.py)."""

from __future__ import annotations

from dataclasses import replace

from pcs_gitops.domain.divergence import Side, rebuild_reasons
from pcs_gitops.domain.model import Dataset, ProdTask, Source, SourceKind, Tag, TagKind, TagStatus
from pcs_gitops.domain.state import State
from tests.support.payload_state import OTHER_PATH, add_request, input_dataset, payload_state

DOCS = frozenset({"docs/_data/datasets.csv", "docs/catalog/index.html", "docs/api/index.json"})


def side(*records: Tag | Dataset | ProdTask, extra: frozenset[str] = frozenset()) -> Side:
    """A side that changed ``records`` (and the other paths in ``extra``)."""
    state = State()
    for record in records:
        if isinstance(record, Tag):
            state.put_tag(record)
        elif isinstance(record, Dataset):
            state.put_dataset(record)
        else:
            state.put_task(record)
    return Side(frozenset(state.dirty) | extra, state)


def two_requests() -> tuple[State, Side]:
    """The state with request 5, and a branch adding request 9 on the other input."""
    state = payload_state()
    dataset = state.datasets[
        next(n for n, d in state.datasets.items() if d.source.location == OTHER_PATH)
    ]
    task = add_request(state, 9, dataset, compose=False)
    return state, side(task)


def test_another_request_merged_with_its_derived_files_leaves_the_branch_alone() -> None:
    state, branch = two_requests()
    merged = replace(state.tasks["issue-5"], description="merged meanwhile")
    base = side(merged, extra=DOCS)
    assert rebuild_reasons(branch, base) == []


def test_the_same_file_changed_on_both_sides_needs_a_rebuild() -> None:
    _, branch = two_requests()
    task = branch.records.tasks["issue-9"]
    base = side(replace(task, description="edited on main"))
    assert rebuild_reasons(branch, base) == ["both changed state/prod_tasks/issue-9.yaml"]


def test_a_change_to_a_record_the_request_names_needs_a_rebuild() -> None:
    state, branch = two_requests()
    task = branch.records.tasks["issue-9"]
    name = next(n for n, d in state.datasets.items() if d.did == task.input_datasets[0])
    base = side(replace(state.datasets[name], description="moved"))
    assert rebuild_reasons(branch, base) == [
        f"the default branch changed state/datasets/{name}.yaml, which the request's records "
        f"name ('{task.input_datasets[0]}')"
    ]


def test_a_tag_the_requests_dataset_uses_changed_on_main_needs_a_rebuild() -> None:
    state = payload_state()
    dataset = input_dataset(State(), "p2002", "/volatile/new/path")
    branch = side(dataset)
    tag = state.tags["e1"]
    base = side(replace(tag, description="reworded"))
    assert rebuild_reasons(branch, base) == [
        "the default branch changed state/tags/evgen/e1.yaml, which the request's records "
        "name ('e1')"
    ]


def test_a_record_on_main_naming_the_requests_records_needs_a_rebuild() -> None:
    state, branch = two_requests()
    twin = replace(state.tasks["issue-5"], twin="issue-9")
    assert any(
        "the default branch names state/prod_tasks/issue-9.yaml" in reason
        for reason in rebuild_reasons(branch, side(twin))
    )


def test_the_same_source_under_another_name_needs_a_rebuild() -> None:
    mine = input_dataset(State(), "p2002", "/volatile/same/place")
    theirs = input_dataset(State(), "p2001", "/volatile/same/place")
    reasons = rebuild_reasons(side(mine), side(theirs))
    assert reasons == [
        "the default branch has a record with the same dataset source path '/volatile/same/place'"
    ]


def test_the_same_catalogue_key_under_another_task_name_needs_a_rebuild() -> None:
    _, branch = two_requests()
    other = replace(branch.records.tasks["issue-9"], name="renamed-9", input_datasets=())
    reasons = rebuild_reasons(branch, side(other))
    assert "the default branch has a record with the same catalogue key issue:9" in reasons


def test_a_tag_with_the_same_parameters_under_another_label_needs_a_rebuild() -> None:
    params = {"generator": "pythia8", "generator_version": "8.310"}
    mine = Tag(TagKind.EVGEN, "e7", TagStatus.DRAFT, parameters=params)
    theirs = Tag(TagKind.EVGEN, "e8", TagStatus.DRAFT, parameters=dict(params))
    reasons = rebuild_reasons(side(mine), side(theirs))
    assert len(reasons) == 1 and reasons[0].startswith(
        "the default branch has a record with the same evgen tag parameters"
    )


def test_schemas_settings_and_deletions_on_main_rebuild_every_branch() -> None:
    _, branch = two_requests()
    base = Side(
        frozenset(
            {
                "schemas/prod_task.schema.json",
                "state/catalog.yaml",
                "state/tags/evgen/e9.yaml",  # deleted: no record at that path any more
            }
        )
    )
    assert rebuild_reasons(branch, base) == [
        "the default branch changed the schema schemas/prod_task.schema.json",
        "the default branch changed state/catalog.yaml, which every record is checked against",
        "the default branch deleted state/tags/evgen/e9.yaml",
    ]


def test_a_branch_that_still_carries_derived_files_is_rebuilt_to_drop_them() -> None:
    _, branch = two_requests()
    old = Side(branch.paths | DOCS, branch.records)
    assert rebuild_reasons(old, side()) == [
        "the branch carries derived files, which only the default branch renders"
    ]


def test_a_source_kind_is_part_of_the_identity() -> None:
    mine = input_dataset(State(), "p2002", "/volatile/x")
    theirs = replace(
        input_dataset(State(), "p2001", "/volatile/x"),
        source=Source(SourceKind.RUCIO_DID, "/volatile/x"),
    )
    assert rebuild_reasons(side(mine), side(theirs)) == []
