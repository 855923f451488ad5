"""`pcs init` and `pcs validate` on real repositories in temp directories: every problem is named
with its file and field path, and all of them are reported at once."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from click.testing import Result

from pcs_gitops.adapters.yaml_store import load_yaml_text
from tests.conftest import snapshot

RunCli = Callable[..., Result]
BEAGLE = "/volatile/eic/EPIC/EVGEN/DIS/BeAGLE1.03.02-1.0/eH2/10x130"
TASK = "state/prod_tasks/issue-5.yaml"
CATEGORIES = {"physics", "evgen", "simu", "reco", "background"}
PWG_SLUGS = ["edt", "inclusive", "jets_hf", "semi_inclusive", "tracking", "bsm_ew", "other"]


def ok(result: Result) -> Result:
    assert result.exit_code == 0, result.output
    assert "Traceback" not in result.output
    return result


@pytest.fixture
def populated(repo: Path, run_cli: RunCli) -> dict[str, str]:
    """The ``repo`` with one external EVGEN dataset and the draft task of issue 5 that uses it."""
    dataset = json.loads(
        ok(
            run_cli("--repo", str(repo), "dataset", "intake", "--source-location", BEAGLE, "--json")
        ).stdout
    )
    ok(
        run_cli(
            "--repo",
            str(repo),
            "task",
            "intake",
            "--public-catalog-issue",
            "5",
            "--pwg",
            "inclusive",
            "--priority",
            "1",
            "--dataset-path",
            BEAGLE,
            "--input-dataset-did",
            dataset["dataset"]["did"],
        )
    )
    name = dataset["name"]
    return {
        "name": name,
        "did": dataset["dataset"]["did"],
        "file": f"state/datasets/{name}.yaml",
        "physics": dataset["dataset"]["tags"]["physics"],
    }


def read_yaml(root: Path, relpath: str) -> Any:
    return load_yaml_text((root / relpath).read_text(encoding="utf-8"), relpath)


def edit(root: Path, relpath: str, old: str, new: str) -> None:
    path = root / relpath
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, f"{old!r} in {relpath}"
    path.write_text(text.replace(old, new), encoding="utf-8")


def billion_laughs() -> str:
    lines = ['a: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    for below, level in zip("abcdefgh", "bcdefghi", strict=True):
        lines.append(f"{level}: &{level} [" + ", ".join([f"*{below}"] * 9) + "]")
    return "\n".join(lines) + "\n"


def validate(run_cli: RunCli, root: Path) -> tuple[Result, list[str]]:
    """Run ``pcs validate``; return the result and its problem lines (without the count line)."""
    result = run_cli("--repo", str(root), "validate")
    assert "Traceback" not in result.output
    lines = result.stderr.splitlines()
    return result, lines[:-1]


def assert_problems(run_cli: RunCli, root: Path, expected: list[str]) -> None:
    result, problems = validate(run_cli, root)
    assert result.exit_code == 1, result.output
    assert result.stdout == ""
    assert problems == expected
    files = len(list((root / "state").rglob("*.yaml")))
    assert result.stderr.splitlines()[-1] == f"{len(expected)} problem(s) in {files} record files"


# --------------------------------------------------------------------------- pcs init
def test_init_creates_a_repository_that_validates(tmp_path: Path, run_cli: RunCli) -> None:
    target = tmp_path / "new"
    result = ok(run_cli("init", str(target)))
    assert result.stdout.startswith(f"initialised {target}: ")
    assert " files (state/, schemas/, docs/, .github/, " in result.stdout.splitlines()[0]
    checked = ok(run_cli("--repo", str(target), "validate"))
    assert checked.stdout == "ok: 7 record files valid\n"


def test_init_writes_schemas_state_sentinels_standard_config_and_catalogue_settings(
    tmp_path: Path, run_cli: RunCli
) -> None:
    target = tmp_path / "new"
    ok(run_cli("init", str(target), "--json"))
    schemas = sorted(p.name for p in (target / "schemas").iterdir())
    assert schemas == [
        f"{n}.schema.json"
        for n in sorted(
            [
                "campaign",
                "catalog",
                "dataset",
                "physics_categories",
                "prod_config",
                "prod_task",
                "roles",
                "tag",
            ]
        )
    ]
    assert {p.name for p in (target / "state" / "tags").iterdir()} <= CATEGORIES
    records = sorted(str(p.relative_to(target)) for p in (target / "state").rglob("*.yaml"))
    assert records == [
        "state/catalog.yaml",
        "state/physics_categories.yaml",
        "state/prod_configs/standard.yaml",
        "state/roles.yaml",
        "state/tags/physics/p6001.yaml",
        "state/tags/reco/r0.yaml",
        "state/tags/simu/s0.yaml",
    ]
    catalog = read_yaml(target, "state/catalog.yaml")
    assert [pwg["slug"] for pwg in catalog["pwgs"]] == PWG_SLUGS
    assert catalog["standard_prod_config"] == "standard"
    standard = read_yaml(target, "state/prod_configs/standard.yaml")
    assert standard["name"] == "standard"
    assert standard["settings"]["workflow_mode"] == "external_evgen"
    for label in ("p6001", "s0", "r0"):
        shown = json.loads(ok(run_cli("--repo", str(target), "tag", "get", label, "--json")).stdout)
        assert shown["status"] == "locked"
    header = (
        "DSC or PWG,Priority,Dataset Path,Generator/Dataset Version,Number of Events,Background,"
        "New Request,Pre-TDR Use,Early Science Use,Other Use,Description,Issue\r\n"
    )
    assert (target / "docs" / "_data" / "datasets.csv").read_bytes() == header.encode()
    assert ".pcs/" in (target / ".gitignore").read_text().splitlines()


def test_init_writes_the_frozen_physics_category_table(tmp_path: Path, run_cli: RunCli) -> None:
    target = tmp_path / "new"
    ok(run_cli("init", str(target)))
    categories = read_yaml(target, "state/physics_categories.yaml")["categories"]
    assert [c["digit"] for c in categories] == [1, 2, 3, 4, 5, 6]


def test_init_into_an_existing_state_is_refused_and_changes_nothing(
    repo: Path, run_cli: RunCli
) -> None:
    before = snapshot(repo)
    result = run_cli("init", str(repo))
    assert result.exit_code == 2
    assert result.stderr == (
        f"Error: {repo} already holds records under state/; refusing to overwrite them. To "
        f"refresh its generated files instead, run 'pcs init --upgrade {repo}'\n"
    )
    assert snapshot(repo) == before


# --------------------------------------------------------------------------- pcs validate: ok
def test_validate_accepts_the_imported_real_catalogue(
    _imported_template: Path, run_cli: RunCli
) -> None:
    imported = _imported_template  # shared: validate writes nothing
    result = ok(run_cli("--repo", str(imported), "validate"))
    files = len(list((imported / "state").rglob("*.yaml")))
    assert result.stdout == f"ok: {files} record files valid\n"
    assert files > 405 * 2


def test_validate_json_reports_ok_with_no_problems(
    populated: dict[str, str], repo: Path, run_cli: RunCli
) -> None:
    result = ok(run_cli("--repo", str(repo), "validate", "--json"))
    # a dataset, a task and its output dataset with its simulation and reconstruction tags
    assert json.loads(result.stdout) == {"ok": True, "files": 14, "problems": []}


def test_validate_outside_a_repository_says_there_are_no_records(
    tmp_path: Path, run_cli: RunCli
) -> None:
    result = run_cli("--repo", str(tmp_path), "validate")
    assert result.exit_code == 1
    assert result.stderr == (
        "state/: (record): no records found; is this a PCS repository? ('pcs init DIR')\n"
        "1 problem(s) in 0 record files\n"
    )


# --------------------------------------------------------------------------- pcs validate: each
def test_an_unknown_status_names_the_file_and_the_field(
    populated: dict[str, str], repo: Path, run_cli: RunCli
) -> None:
    edit(repo, TASK, "status: draft\n", "status: paused\n")
    assert_problems(
        run_cli,
        repo,
        [
            f"{TASK}: status: 'paused' is not one of "
            "['draft', 'ready', 'submitted', 'completed', 'failed']"
        ],
    )


def test_unparseable_yaml_names_the_file_and_the_line(
    populated: dict[str, str], repo: Path, run_cli: RunCli
) -> None:
    (repo / TASK).write_text("name: issue-5\nstatus: [draft\n", encoding="utf-8")
    assert_problems(
        run_cli,
        repo,
        [
            f"{TASK}: (record): unparseable YAML (line 3, column 1): "
            "did not find expected ',' or ']'"
        ],
    )


def test_a_duplicate_record_under_another_file_name_names_both_files(
    populated: dict[str, str], repo: Path, run_cli: RunCli
) -> None:
    copy = "state/prod_tasks/issue-5-copy.yaml"
    shutil.copy(repo / TASK, repo / copy)
    assert_problems(
        run_cli,
        repo,
        [
            f"{copy}: name: duplicate prod_task 'issue-5': also defined in {TASK}",
            f"{copy}: name: record 'issue-5' is stored under the file name 'issue-5-copy.yaml'; "
            "rename the file to 'issue-5.yaml'",
            f"{TASK}: name: duplicate prod_task 'issue-5': also defined in {copy}",
        ],
    )


def test_a_file_name_that_does_not_match_the_record_name_is_reported(
    populated: dict[str, str], repo: Path, run_cli: RunCli
) -> None:
    (repo / TASK).rename(repo / "state/prod_tasks/issue-6.yaml")
    assert_problems(
        run_cli,
        repo,
        [
            "state/prod_tasks/issue-6.yaml: name: record 'issue-5' is stored under the file name "
            "'issue-6.yaml'; rename the file to 'issue-5.yaml'"
        ],
    )


def test_a_dangling_input_did_is_reported_with_its_index(
    populated: dict[str, str], repo: Path, run_cli: RunCli
) -> None:
    edit(repo, TASK, populated["did"], "group.EIC.evgen:missing.b1")
    assert_problems(
        run_cli,
        repo,
        [f"{TASK}: input_datasets[0]: no dataset has the DID 'group.EIC.evgen:missing.b1'"],
    )


def test_a_dangling_dataset_tag_is_reported_with_the_tag_field(
    populated: dict[str, str], repo: Path, run_cli: RunCli
) -> None:
    file, name, physics = populated["file"], populated["name"], populated["physics"]
    edit(repo, file, f"physics: {physics}\n", "physics: p2999\n")
    assert_problems(
        run_cli,
        repo,
        [
            f"{file}: name: name '{name}' does not match its composition "
            f"'{name.replace(physics, 'p2999')}'",
            f"{file}: tags.physics: tag 'p2999' does not exist; create it first",
        ],
    )


def test_a_dangling_production_config_is_reported(
    populated: dict[str, str], repo: Path, run_cli: RunCli
) -> None:
    edit(repo, TASK, "prod_config: standard\n", "prod_config: missing\n")
    assert_problems(
        run_cli, repo, [f"{TASK}: prod_config: production config 'missing' does not exist"]
    )


def test_a_yaml_bomb_is_refused_and_named(
    populated: dict[str, str], repo: Path, run_cli: RunCli
) -> None:
    (repo / "state/prod_configs/bomb.yaml").write_text(billion_laughs(), encoding="utf-8")
    assert_problems(
        run_cli,
        repo,
        [
            "state/prod_configs/bomb.yaml: (record): YAML anchors and aliases are not allowed "
            "in records (line 1); write the values out in full"
        ],
    )


def test_a_duplicate_key_is_reported_with_its_line_and_refused_by_every_write(
    populated: dict[str, str], repo: Path, run_cli: RunCli
) -> None:
    text = (repo / TASK).read_text(encoding="utf-8")
    (repo / TASK).write_text(text + "status: completed\n", encoding="utf-8")
    line = text.count("\n") + 1
    first = text.split("\n").index("status: draft") + 1
    message = (
        f"duplicate key 'status' on line {line} (first on line {first}); YAML would keep only "
        "the last value: delete one of the two"
    )
    assert_problems(run_cli, repo, [f"{TASK}: (record): {message}"])
    before = snapshot(repo)
    write = run_cli("--repo", str(repo), "task", "intake", "--public-catalog-issue", "6")
    assert write.exit_code == 1
    assert write.stderr == (
        "Error: the state cannot be loaded; fix these first (see 'pcs validate'): 1 problem(s)\n"
        f"  {TASK}: (record): {message}\n"
    )
    assert snapshot(repo) == before


@pytest.mark.parametrize(
    ("old", "new", "path", "reason"),
    [
        (
            "priority: '1'",
            "priority: -2+3*cmd",
            "catalog.priority",
            "the value starts with '-' and is not a plain number, which a spreadsheet runs "
            "as a formula; remove the leading character or prefix the text with a letter",
        ),
        (
            "description: ''",
            'description: "a\\u202eb"',
            "description",
            "the value contains U+202E (a bidirectional control) at position 2; remove it "
            "(retype the text rather than pasting it)",
        ),
    ],
)
def test_hostile_free_text_in_a_record_is_reported_with_its_field(
    populated: dict[str, str],
    repo: Path,
    run_cli: RunCli,
    old: str,
    new: str,
    path: str,
    reason: str,
) -> None:
    edit(repo, TASK, old, new)
    assert_problems(run_cli, repo, [f"{TASK}: {path}: {reason}"])


def test_a_nul_in_a_dataset_description_is_reported(
    populated: dict[str, str], repo: Path, run_cli: RunCli
) -> None:
    file = populated["file"]
    text = (repo / file).read_text(encoding="utf-8")
    old = next(line for line in text.splitlines() if line.startswith("description:"))
    edit(repo, file, old, 'description: "x\\0y"')
    assert_problems(
        run_cli,
        repo,
        [
            f"{file}: description: the value contains U+0000 (a control character) at "
            "position 2; remove it (retype the text rather than pasting it)"
        ],
    )


def test_a_data_root_must_be_an_absolute_directory(repo: Path, run_cli: RunCli) -> None:
    edit(repo, "state/catalog.yaml", "- /work/eic\n", "- work/eic/\n")
    assert_problems(
        run_cli,
        repo,
        ["state/catalog.yaml: data_roots[2]: 'work/eic/' does not match '^/[^\\\\s]*[^/\\\\s]$'"],
    )


def test_a_file_outside_the_known_record_locations_is_reported(
    populated: dict[str, str], repo: Path, run_cli: RunCli
) -> None:
    (repo / "state" / "misc").mkdir()
    (repo / "state" / "misc" / "x.yaml").write_text("a: 1\n", encoding="utf-8")
    assert_problems(
        run_cli,
        repo,
        [
            "state/misc/x.yaml: (record): not a known record location under state/; "
            "move or delete it"
        ],
    )


def test_every_problem_is_reported_at_once_sorted_by_file(
    populated: dict[str, str], repo: Path, run_cli: RunCli
) -> None:
    file, physics = populated["file"], populated["physics"]
    edit(repo, TASK, "prod_config: standard\n", "prod_config: missing\n")
    edit(repo, file, f"physics: {physics}\n", "physics: p2999\n")
    (repo / "state/prod_configs/bomb.yaml").write_text(billion_laughs(), encoding="utf-8")
    (repo / "state/tags/evgen/e9.yaml").write_text("label: [e9\n", encoding="utf-8")
    result, problems = validate(run_cli, repo)
    assert result.exit_code == 1
    assert [line.split(": ", 2)[:2] for line in problems] == [
        [file, "name"],
        [file, "tags.physics"],
        ["state/prod_configs/bomb.yaml", "(record)"],
        [TASK, "prod_config"],
        ["state/tags/evgen/e9.yaml", "(record)"],
    ]
    assert result.stderr.splitlines()[-1] == "5 problem(s) in 16 record files"


def test_validate_json_lists_every_problem_with_file_path_and_message(
    populated: dict[str, str], repo: Path, run_cli: RunCli
) -> None:
    edit(repo, TASK, "status: draft\n", "status: paused\n")
    edit(repo, populated["file"], "stage: evgen\n", "stage: gen\n")
    result = run_cli("--repo", str(repo), "validate", "--json")
    assert result.exit_code == 1
    payload = json.loads(result.stdout)
    assert list(payload) == ["ok", "files", "problems"]
    assert (payload["ok"], payload["files"]) == (False, 14)
    assert payload["problems"] == [
        {
            "file": populated["file"],
            "path": "stage",
            "message": "'gen' is not one of ['evgen', 'simu', 'reco', 'full', 'log']",
        },
        {
            "file": TASK,
            "path": "status",
            "message": "'paused' is not one of ['draft', 'ready', 'submitted', 'completed', "
            "'failed']",
        },
    ]
