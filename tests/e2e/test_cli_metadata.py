"""`pcs task confirm`, `pcs dataset confirm` and `pcs infer` end to end: an inferred-only tag
mapping blocks approval, a confirmation unblocks it, an unknown value needs a correction."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

from click.testing import Result

from tests.conftest import snapshot

RunCli = Callable[..., Result]
BEAGLE = "/volatile/eic/EPIC/EVGEN/DIS/BeAGLE1.03.02-1.3/eH2/en/10x130/q2_1to1000"
RELEASE = "https://github.com/eic/BeAGLEsamples/releases/tag/BeAGLE1.03.02-1.3"
MANIFEST = (
    "/volatile/eic/EPIC/EVGEN/DIS/NC/18x275/minQ2=1/"
    "pythia8NCDIS_18x275_minQ2=1_beamEffects_xAngle=-0.025_hiDiv_1.csv"
)


def make_request(run_cli: RunCli, repo: Path, location: str, *extra: str) -> str:
    base = ("--repo", str(repo))
    made = run_cli(*base, "dataset", "intake", "--source-location", location, *extra, "--json")
    assert made.exit_code == 0, made.output
    did = json.loads(made.stdout)["dataset"]["did"]
    task = run_cli(
        *base,
        *("task", "intake", "--public-catalog-issue", "7", "--input-dataset-did", did),
        *("--pwg", "inclusive", "--priority", "1", "--dataset-path", location, "--events", "1M"),
    )
    assert task.exit_code == 0, task.output
    return "issue-7"


def test_confirming_the_inferred_tags_unblocks_approval(repo: Path, run_cli: RunCli) -> None:
    name = make_request(run_cli, repo, BEAGLE, "--release-url", RELEASE)
    base = ("--repo", str(repo))
    shown = run_cli(*base, "task", "readiness", name)
    assert "issue-7: not ready (needs-confirmation)" in shown.stdout
    assert "  [ ] Inferred tag mapping confirmed" in shown.stdout
    before = snapshot(repo)
    blocked = run_cli(*base, "task", "set-status", name, "ready")
    assert blocked.exit_code == 1 and snapshot(repo) == before
    assert "physics tag p2002 is inferred from the path (likely), not confirmed" in blocked.stderr
    confirmed = run_cli(*base, "--actor", "anna", "task", "confirm", name)
    assert confirmed.exit_code == 0, confirmed.output
    assert confirmed.stdout.splitlines()[:2] == [
        "group.EIC.evgen.26.02.0.epic_craterlake.p2002.e1.s0.r0: confirmed physics_tag, "
        "evgen_tag, beams, species, q2_range, generator, generator_version",
        "task issue-7: ready",
    ]
    ready = run_cli(*base, "task", "set-status", name, "ready")
    assert ready.exit_code == 0, ready.output


def test_an_unknown_tag_is_refused_until_it_is_corrected(repo: Path, run_cli: RunCli) -> None:
    make_request(run_cli, repo, BEAGLE, "--release-url", RELEASE)
    base = ("--repo", str(repo))
    other = run_cli(*base, "dataset", "intake", "--source-location", "rucio:foo", "--json")
    did = json.loads(other.stdout)["dataset"]["did"]
    assert run_cli(*base, "task", "link-input", "issue-7", "--did", did).exit_code == 0
    before = snapshot(repo)
    refused = run_cli(*base, "task", "confirm", "issue-7")
    assert refused.exit_code == 1 and snapshot(repo) == before
    assert refused.stderr == (
        "Error: physics tag of group.EIC.evgen.26.02.0.epic_craterlake.p0.e0.s0.r0.foo is "
        "unknown (nothing in the input revealed it) and cannot be confirmed: correct it with "
        "--field physics_tag=<label>, or '/pcs confirm physics_tag=<label>'\n"
    )
    fields = ("--field", "physics_tag=p2002", "--field", "evgen_tag=e1")
    fixed = run_cli(*base, "task", "confirm", "issue-7", *fields, "--json")
    assert fixed.exit_code == 0, fixed.output
    [done] = json.loads(fixed.stdout)["datasets"]
    assert done["dataset"] == "group.EIC.evgen.26.02.0.epic_craterlake.p2002.e1.s0.r0.foo"
    assert done["renamed_from"] == "group.EIC.evgen.26.02.0.epic_craterlake.p0.e0.s0.r0.foo"
    assert run_cli(*base, "validate").exit_code == 0


def test_a_dataset_is_confirmed_by_its_name(repo: Path, run_cli: RunCli) -> None:
    base = ("--repo", str(repo))
    made = run_cli(*base, "dataset", "intake", "--source-location", BEAGLE, "--json")
    name = json.loads(made.stdout)["name"]
    result = run_cli(*base, "dataset", "confirm", name, "--field", "physics_tag", "--json")
    assert result.exit_code == 0, result.output
    payload = json.loads(result.stdout)
    assert (payload["task"], payload["datasets"][0]["confirmed"]) == (None, ["physics_tag"])


def test_a_wrong_field_is_a_usage_error(repo: Path, run_cli: RunCli) -> None:
    make_request(run_cli, repo, BEAGLE)
    result = run_cli("--repo", str(repo), "task", "confirm", "issue-7", "--field", "colour")
    assert result.exit_code == 2
    assert result.stderr.startswith("Error: field 'colour' is unknown; choose from physics_tag")


def test_infer_reads_the_generator_of_a_pythia8_manifest(repo: Path, run_cli: RunCli) -> None:
    result = run_cli("--repo", str(repo), "infer", MANIFEST, "--json")
    assert result.exit_code == 0, result.output
    payload = json.loads(result.stdout)
    assert payload["evgen"] == {"generator": "pythia8"}
    assert payload["metadata"]["generator"]["provenance"] == "manifest"
    assert payload["metadata"]["generator_version"]["confidence"] == "unknown"
    assert payload["manifest"] == MANIFEST.rsplit("/", 1)[1]
    nothing = run_cli("--repo", str(repo), "infer", "rucio:foo", "--json")
    assert json.loads(nothing.stdout)["unknown"] == ["physics_tag", "evgen_tag"]


def test_infer_says_where_each_value_came_from_and_what_stays_unknown(
    repo: Path, run_cli: RunCli
) -> None:
    made = run_cli("--repo", str(repo), "dataset", "intake", "--source-location", BEAGLE)
    assert made.exit_code == 0, made.output
    other = BEAGLE.replace("q2_1to1000", "q2_1to10")
    text = run_cli("--repo", str(repo), "infer", other, "--release-url", RELEASE).stdout
    assert "generator version: 1.03.02-1.3 (from path, certain)" in text.splitlines()
    assert "physics tag: no exact match (candidates: p2002; a draft tag is created)" in text
    assert "evgen tag: e1 matches" in text
    nothing = run_cli("--repo", str(repo), "infer", "rucio:foo").stdout.splitlines()
    assert "physics tag: unknown (a placeholder until it is corrected)" in nothing
    assert "sample: foo" in nothing
