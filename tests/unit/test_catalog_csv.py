"""The public catalogue file (pcs_gitops.domain.catalog): every old layout in, today's out."""

from __future__ import annotations

import csv
import hashlib
import io

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pcs_gitops.domain.catalog import (
    parse_catalog,
    parse_event_count,
    render_catalog,
)
from pcs_gitops.domain.model import CATALOG_FIELD_IDS, ProdTask
from pcs_gitops.domain.settings import DEFAULT_COLUMNS, CatalogSettings
from tests.conftest import REAL_CATALOG

CURRENT_HEADER = ",".join(DEFAULT_COLUMNS.values()) + "\r\n"


def tasks_for(rows: list[dict[str, str]]) -> list[ProdTask]:
    return [
        ProdTask(name=f"t{index:04d}", prod_config="standard", catalog=fields)
        for index, fields in enumerate(rows)
    ]


def render(rows: list[dict[str, str]]) -> str:
    return render_catalog(CatalogSettings(), tasks_for(rows))


def stdlib_records(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text, newline="")))


# --------------------------------------------------------------------------- the real file
def test_the_real_catalogue_parses_to_405_rows_under_todays_header_without_warnings() -> None:
    parsed = parse_catalog(REAL_CATALOG.read_bytes().decode("utf-8"))
    assert len(parsed.rows) == 405
    assert parsed.header == list(DEFAULT_COLUMNS.values())
    assert parsed.warnings == []
    assert parsed.line_ending == "\r\n"
    assert (parsed.rows[0].line, parsed.rows[1].line, parsed.rows[-1].line) == (2, 4, 407)


def test_rendering_the_parsed_real_catalogue_reproduces_it_byte_for_byte() -> None:
    original = REAL_CATALOG.read_bytes()
    parsed = parse_catalog(original.decode("utf-8"))
    rendered = render([row.fields for row in parsed.rows]).encode("utf-8")
    assert hashlib.sha256(rendered).hexdigest().startswith("9d7155d722b2440c")
    assert rendered == original


def test_the_real_multi_line_description_keeps_its_crlf_verbatim() -> None:
    parsed = parse_catalog(REAL_CATALOG.read_bytes().decode("utf-8"))
    description = parsed.rows[0].fields["description"]
    assert "\r\n" in description
    assert "Q² range: 1 to 10⁴ GeV²" in description


# --------------------------------------------------------------------------- older layouts
# a88ef51: 11 columns, `Generator Config`, Priority last; CRLF records, LF inside quotes.
A88EF51 = (
    "DSC or PWG,Dataset Path,Generator Config,Number of Events,Background,New Request,"
    "Pre-TDR Use,Early Science Use,Other Use,Description,Priority\r\n"
    "Inclusive,/volatile/eic/EPIC/EVGEN/DIS/NC/10x100/minQ2=1,pythia8,1M + ?,No,Yes,Yes,No,,"
    '"Line one \nline two",Will be 1\r\n'
    ",,,,,,,,,,\r\n"
    "Exclusive/Diffractive/Tagging, /gpfs02/eic/macink/x,eSTARlight,400k,No,No,Yes,Yes,,"
    '"Has, comma",1\r\n'
    "Jets & HF,/volatile/a,pythia8,5M,No,No,No,No,,,2\r\n"
    "Jets & HF,/volatile/a,pythia8,1.55M,No,No,No,No,,,3\r\n"
)


def test_the_a88ef51_layout_puts_every_value_under_its_field_id() -> None:
    parsed = parse_catalog(A88EF51)
    assert parsed.line_ending == "\r\n"
    assert [row.line for row in parsed.rows] == [2, 5, 6, 7]
    assert parsed.rows[0].fields == {
        "pwg": "Inclusive",
        "dataset_path": "/volatile/eic/EPIC/EVGEN/DIS/NC/10x100/minQ2=1",
        "generator_version": "pythia8",
        "events": "1M + ?",
        "background": "No",
        "new_request": "Yes",
        "pre_tdr_use": "Yes",
        "early_science_use": "No",
        "other_use": "",
        "description": "Line one \nline two",
        "priority": "Will be 1",
    }
    assert parsed.rows[1].fields["dataset_path"] == " /gpfs02/eic/macink/x"
    assert parsed.rows[1].fields["description"] == "Has, comma"
    assert parsed.rows[1].fields["priority"] == "1"


def test_the_a88ef51_layout_warns_about_every_quirk_it_keeps_or_skips() -> None:
    parsed = parse_catalog(A88EF51)
    assert parsed.warnings == [
        "line 2: priority 'Will be 1' is not 1, 2, 3 or -1; kept verbatim",
        "line 2: event count '1M + ?' is not a number; kept verbatim",
        "line 4: blank separator row skipped",
        "line 5: dataset_path has surrounding whitespace; kept verbatim",
        "line 7: duplicate row key 'Dataset Path=/volatile/a'; stored as occurrence 2",
    ]


def test_duplicate_paths_get_occurrence_keys_and_keep_their_own_values() -> None:
    first, second = parse_catalog(A88EF51).rows[2:]
    assert first.row_key() == second.row_key() == "Dataset Path=/volatile/a"
    assert (first.occurrence, second.occurrence) == (1, 2)
    assert (first.stored_key(), second.stored_key()) == (
        "Dataset Path=/volatile/a",
        "Dataset Path=/volatile/a#2",
    )
    assert first.unmapped == second.unmapped == {}
    assert (first.fields["priority"], second.fields["priority"]) == ("2", "3")


def test_an_old_layout_renders_in_todays_column_order_with_crlf() -> None:
    parsed = parse_catalog(A88EF51)
    rendered = render([row.fields for row in parsed.rows])
    records = stdlib_records(rendered)
    assert rendered.startswith(CURRENT_HEADER)
    assert records[0] == list(DEFAULT_COLUMNS.values())
    by_path = {record[2]: record for record in records[1:]}
    inclusive = by_path["/volatile/eic/EPIC/EVGEN/DIS/NC/10x100/minQ2=1"]
    assert inclusive[:5] == [
        "Inclusive",
        "Will be 1",
        "/volatile/eic/EPIC/EVGEN/DIS/NC/10x100/minQ2=1",
        "pythia8",
        "1M + ?",
    ]
    assert inclusive[-1] == ""
    assert rendered.replace('"Line one \nline two"', "").count("\n") == rendered.count("\r\n")


# 3a0f4fc: an `Issue` header appended without padding the rows (ragged), every line LF.
RAGGED_3A0F4FC = (
    "DSC or PWG,Dataset Path,Generator/Dataset Version,Number of Events,Background,New Request,"
    "Pre-TDR Use,Early Science Use,Other Use,Description,Priority,Issue\n"
    "SIDIS,/volatile/eic/EPIC/EVGEN/SIDIS/pythia6-eic/1.0.0/10x100/q2_0to1,"
    "https://gitlab.com/eic/mceg/PYTHIA-RAD-CORR/-/tree/1.0.0,2.75M,No,No,Yes,No,,"
    '"multi\nline",2\n'
    "BSM/EW,/volatile/b,pythia8,,,,,,,,-1\n"
)


def test_the_ragged_layout_maps_eleven_cells_under_a_twelve_column_header() -> None:
    parsed = parse_catalog(RAGGED_3A0F4FC)
    assert parsed.line_ending == "\n"
    first, second = parsed.rows
    assert first.fields == {
        "pwg": "SIDIS",
        "dataset_path": "/volatile/eic/EPIC/EVGEN/SIDIS/pythia6-eic/1.0.0/10x100/q2_0to1",
        "generator_version": "https://gitlab.com/eic/mceg/PYTHIA-RAD-CORR/-/tree/1.0.0",
        "events": "2.75M",
        "background": "No",
        "new_request": "No",
        "pre_tdr_use": "Yes",
        "early_science_use": "No",
        "other_use": "",
        "description": "multi\nline",
        "priority": "2",
    }
    assert "issue" not in first.fields
    assert (second.fields["pwg"], second.fields["priority"]) == ("BSM/EW", "-1")
    assert first.issue is None
    assert parsed.warnings == [
        "line 2: row lacks the cell(s) Issue",
        "line 4: row lacks the cell(s) Issue",
    ]


def test_unknown_and_surplus_columns_are_kept_as_unmapped_and_reported() -> None:
    text = (
        "DSC or PWG,Priority,Dataset Path,Issue,Contact,Comments\r\n"
        "edt,1,/volatile/c,,a@b.org;c@d.org,〃,surplus\r\n"
    )
    parsed = parse_catalog(text)
    (row,) = parsed.rows
    assert row.fields == {"pwg": "edt", "priority": "1", "dataset_path": "/volatile/c", "issue": ""}
    assert row.unmapped == {
        "Contact": "a@b.org;c@d.org",
        "Comments": "〃",
        "column 7": "surplus",
    }
    assert parsed.warnings == [
        "header: unknown column 'Contact'; its values are kept as unmapped",
        "header: unknown column 'Comments'; its values are kept as unmapped",
        "line 2: value 'a@b.org;c@d.org' under 'Contact' kept as unmapped",
        "line 2: value '〃' under 'Comments' kept as unmapped",
        "line 2: value 'surplus' under 'column 7' kept as unmapped",
    ]


def test_a_repeated_header_title_keeps_the_second_columns_values_as_unmapped() -> None:
    parsed = parse_catalog("Dataset Path,Simulation Path\r\n/a,/b\r\n")
    (row,) = parsed.rows
    assert row.fields == {"dataset_path": "/a"}
    assert row.unmapped == {"Simulation Path": "/b"}
    assert parsed.warnings[0] == (
        "header: column 'Simulation Path' repeats 'dataset_path'; kept as unmapped"
    )


@pytest.mark.parametrize("text", [A88EF51, RAGGED_3A0F4FC])
def test_no_value_of_an_old_layout_is_lost(text: str) -> None:
    parsed = parse_catalog(text)
    nonblank = [cells for cells in stdlib_records(text)[1:] if any(c.strip() for c in cells)]
    assert len(parsed.rows) == len(nonblank)
    for row, cells in zip(parsed.rows, nonblank, strict=True):
        kept = list(row.fields.values()) + list(row.unmapped.values())
        assert kept == cells


def test_an_issue_cell_keys_the_row_on_the_issue_number() -> None:
    parsed = parse_catalog(CURRENT_HEADER + "edt,1,/a,,,,,,,,,#122\r\nedt,1,/b,,,,,,,,,x\r\n")
    with_issue, without = parsed.rows
    assert (with_issue.issue, with_issue.row_key()) == (122, "Issue=122")
    assert (without.issue, without.row_key()) == (None, "Dataset Path=/b")


def test_a_byte_order_mark_is_ignored_with_a_warning() -> None:
    parsed = parse_catalog("\ufeff" + CURRENT_HEADER + "edt,1,/a,,,,,,,,,\r\n")
    assert parsed.header[0] == "DSC or PWG"
    assert parsed.warnings == ["the file starts with a byte-order mark; it was ignored"]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "the file is empty: expected a header row"),
        ("Name,Value\r\nx,1\r\n", "header: no 'Dataset Path' column"),
        (CURRENT_HEADER + 'edt,1,"/a,,,,,,,,,\r\n', "the CSV cannot be parsed"),
    ],
)
def test_a_file_that_is_not_a_catalogue_is_refused_with_the_reason(text: str, message: str) -> None:
    with pytest.raises(ValueError, match=message.replace("(", r"\(")):
        parse_catalog(text)


def test_a_crlf_row_appended_to_an_lf_file_is_repaired_to_one_terminator() -> None:
    broken = (
        CURRENT_HEADER.replace("\r\n", "\n") + "edt,1,/a,,,,,,,,,\n" + "edt,1,/b,,,,,,,,,109\r\n"
    )
    parsed = parse_catalog(broken)
    rendered = render([row.fields for row in parsed.rows])
    assert rendered == CURRENT_HEADER + "edt,1,/a,,,,,,,,,\r\n" + "edt,1,/b,,,,,,,,,109\r\n"


# --------------------------------------------------------------------------- writing
def test_a_crlf_inside_a_value_is_written_verbatim_inside_quotes() -> None:
    rendered = render([{"pwg": "edt", "dataset_path": "/a", "description": "one\r\ntwo"}])
    assert rendered == CURRENT_HEADER + 'edt,,/a,,,,,,,,"one\r\ntwo",\r\n'
    assert parse_catalog(rendered).rows[0].fields["description"] == "one\r\ntwo"


@pytest.mark.parametrize(
    ("value", "cell"),
    [
        ("Has, comma", '"Has, comma"'),
        ('He said "hi"', '"He said ""hi"""'),
        ('5" disk, twice', '"5"" disk, twice"'),
        ("J/Psi -> e+e- & more <b> =x", "J/Psi -> e+e- & more <b> =x"),
        ("For both pre-TDR and EDT paper – machine background", None),
        ("  spaced  ", "  spaced  "),
        ("", ""),
    ],
)
def test_quoting_is_minimal(value: str, cell: str | None) -> None:
    rendered = render([{"pwg": "edt", "dataset_path": "/a", "other_use": value}])
    expected_cell = value if cell is None else cell
    assert rendered == CURRENT_HEADER + f"edt,,/a,,,,,,,{expected_cell},,\r\n"
    assert '""' not in rendered.replace('""hi""', "").replace('5""', "")


def test_rows_are_sorted_by_pwg_then_path_ignoring_case() -> None:
    rows = [
        {"pwg": "tracking", "dataset_path": "/b"},
        {"pwg": "edt", "dataset_path": "/NC/noRad"},
        {"pwg": "edt", "dataset_path": "/NC/Rad"},
        {"pwg": "edt", "dataset_path": "/a"},
    ]
    paths = [record[2] for record in stdlib_records(render(rows))[1:]]
    assert paths == ["/a", "/NC/noRad", "/NC/Rad", "/b"]


def test_a_task_without_a_catalogue_row_is_not_rendered() -> None:
    tasks = [*tasks_for([{"pwg": "edt", "dataset_path": "/a"}]), ProdTask("x", "standard")]
    assert render_catalog(CatalogSettings(), tasks) == CURRENT_HEADER + "edt,,/a,,,,,,,,,\r\n"


_VALUE = st.text(alphabet=st.characters(blacklist_characters="\x00"), max_size=40)


@settings(max_examples=200, deadline=None)
@given(st.fixed_dictionaries({field: _VALUE for field in CATALOG_FIELD_IDS if field != "issue"}))
def test_any_values_survive_render_then_parse(values: dict[str, str]) -> None:
    fields = {**values, "dataset_path": "/x" + values["dataset_path"], "issue": ""}
    rendered = render([fields])
    assert rendered.startswith(CURRENT_HEADER)
    assert not rendered.startswith("\ufeff")
    (row,) = parse_catalog(rendered).rows
    assert row.fields == fields
    assert row.unmapped == {}


# --------------------------------------------------------------------------- event counts
@pytest.mark.parametrize(
    ("text", "count"),
    [
        ("400k", 400_000),
        ("500k", 500_000),
        ("100k", 100_000),
        ("1M", 1_000_000),
        ("2.75M", 2_750_000),
        ("3.85M", 3_850_000),
        ("5M", 5_000_000),
        ("1.55M", 1_550_000),
        ("2.4M", 2_400_000),
        ("770K", 770_000),
        (" 1,000 ", 1_000),
        ("12", 12),
        ("All", None),
        ("all", None),
        ("", None),
        ("1M + ?", None),
        ("(1) ~1.1M (2) ~1M (3) ~770K", None),
        ("lots", None),
    ],
)
def test_an_event_count_parses_to_an_integer_or_none(text: str, count: int | None) -> None:
    assert parse_event_count(text) == count
