"""Each third-party library (and subprocess) is imported by exactly the module that owns it."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[2] / "pcs_gitops"

OWNERS: dict[str, set[str]] = {
    "yaml": {"adapters/yaml_store.py"},
    "jsonschema": {"adapters/schema_validator.py"},
    "fastjsonschema": {"adapters/schema_validator.py"},
    "jinja2": {"adapters/html_pages.py"},
    "github": {"adapters/github_api.py"},
    "pandas": set(),  # a test dependency only: the oracle of the campaign summary's tests
    "pandaclient": {"adapters/panda.py"},
    "mcp": {"entrypoints/mcp_server/common.py", "entrypoints/mcp_server/server.py"},
    "starlette": {"entrypoints/rest/app.py"},
    "uvicorn": {"entrypoints/rest/app.py"},
    "subprocess": {"adapters/git.py", "adapters/jekyll.py"},
}
CLICK_PREFIX = "entrypoints/cli"


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module.split(".")[0])
    return found


MODULES = sorted(PACKAGE.rglob("*.py"))


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(PACKAGE)))
def test_third_party_libraries_stay_behind_their_adapter(path: Path) -> None:
    rel = str(path.relative_to(PACKAGE))
    for library in _imports(path):
        if library == "click":
            assert rel.startswith(CLICK_PREFIX), f"{rel} imports click; only CLI modules may"
        elif library in OWNERS:
            assert rel in OWNERS[library], f"{rel} imports {library}; only {OWNERS[library]} may"
