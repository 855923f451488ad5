"""Counting an input's files on this machine: only under the data roots, bounded."""

from __future__ import annotations

from pathlib import Path

import pytest

from pcs_gitops.adapters.input_files import LocalInputFiles


@pytest.fixture
def root(tmp_path: Path) -> Path:
    top = tmp_path / "volatile" / "eic"
    top.mkdir(parents=True)
    return top


def test_a_manifest_counts_its_data_lines(root: Path) -> None:
    manifest = root / "sample.csv"
    manifest.write_text(
        "# file,ext,nevents,chunk\n"
        "a/b,hepmc3.tree.root,1000,0000\n\n"
        "c/d,hepmc3.tree.root,1000,0001\n"
    )
    counter = LocalInputFiles()
    assert counter.count("csv_manifest", str(manifest), (str(root),)) == 2
    assert counter.count("path", str(manifest), (str(root),)) == 2


def test_a_directory_counts_its_event_files(root: Path) -> None:
    sample = root / "EVGEN" / "DIS" / "10x100"
    (sample / "sub").mkdir(parents=True)
    for name in ("a.hepmc3.tree.root", "b.hepmc3.tree.root", "sub/c.hepmc.gz", "README", "x.log"):
        (sample / name).write_text("x")
    assert LocalInputFiles().count("path", str(sample), (str(root),)) == 3


def test_nothing_outside_the_data_roots_is_read(root: Path, tmp_path: Path) -> None:
    secret = tmp_path / "secret.csv"
    secret.write_text("a\nb\n")
    counter = LocalInputFiles()
    assert counter.count("csv_manifest", str(secret), (str(root),)) is None
    assert counter.count("csv_manifest", f"{root}/../../secret.csv", (str(root),)) is None
    assert counter.count("csv_manifest", str(root / "missing.csv"), (str(root),)) is None
    assert counter.count("url", "https://example.org/x.csv", (str(root),)) is None


def test_a_github_hosted_runner_reads_nothing(root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    manifest = root / "m.csv"
    manifest.write_text("a\n")
    monkeypatch.setenv("RUNNER_ENVIRONMENT", "github-hosted")
    assert LocalInputFiles().count("csv_manifest", str(manifest), (str(root),)) is None
