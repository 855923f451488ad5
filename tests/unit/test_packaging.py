"""What pip and PyPI show about pcs-gitops: the licence and where the project lives."""

from __future__ import annotations

import re
from importlib.metadata import metadata
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_the_mit_licence_ships_with_the_package() -> None:
    assert (ROOT / "LICENSE").read_text().startswith("MIT License\n")
    meta = metadata("pcs-gitops")
    assert meta["License-Expression"] == "MIT"
    assert "LICENSE" in (meta.get_all("License-File") or [])


def test_the_project_urls_and_classifiers_are_declared() -> None:
    meta = metadata("pcs-gitops")
    urls = dict(u.split(", ", 1) for u in meta.get_all("Project-URL") or [])
    assert urls["Source"] == "https://github.com/eic/pcs-gitops"
    assert set(urls) >= {"Homepage", "Source", "Issues", "Changelog"}
    assert "Programming Language :: Python :: 3.11" in (meta.get_all("Classifier") or [])


def test_the_readmes_two_commands_exist_and_it_says_how_long_the_tests_take() -> None:
    readme = (ROOT / "README.md").read_text()
    for command, script in (("bash scripts/demo", "scripts/demo"), ("bash .ci/run", ".ci/run")):
        assert f"\n{command}\n" in readme, command
        assert (ROOT / script).read_text().startswith("#!/usr/bin/env bash\n"), script
    assert '\nbash .ci/run -m "not slow"\n' in readme
    assert re.search(r"`\.ci/run` took [\d.]+ minutes from a clean clone", readme)
