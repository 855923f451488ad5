"""Readiness probes only paths under the configured data roots (pcs_gitops.domain.readiness)
and never the filesystem of a GitHub-hosted runner (pcs_gitops.bootstrap.path_probe)."""

from __future__ import annotations

from dataclasses import replace

import pytest

from pcs_gitops.bootstrap import path_probe
from pcs_gitops.domain.model import Source, SourceKind
from pcs_gitops.domain.readiness import readiness, under_data_root
from pcs_gitops.domain.state import State
from tests.unit.test_lifecycle import PATH, build_state

ROOTS = ("/volatile/eic", "/gpfs02/eic", "/work/eic")


class RecordingProbe:
    """A probe that answers ``answer`` and remembers every path it was asked about."""

    def __init__(self, answer: bool | None) -> None:
        self.answer = answer
        self.asked: list[str] = []

    def __call__(self, path: str) -> bool | None:
        self.asked.append(path)
        return self.answer


def with_input_at(location: str, roots: tuple[str, ...] = ROOTS) -> State:
    state = build_state()
    state.settings = replace(state.settings, data_roots=roots)
    name = state.inputs_of(state.tasks["req"])[0].name  # (its output is a dataset too)
    dataset = state.datasets[name]
    state.datasets[name] = replace(dataset, source=Source(SourceKind.PATH, location))
    return state


def source_check(state: State, probe: RecordingProbe) -> tuple[bool, tuple[str, ...]]:
    check = next(c for c in readiness(state, state.tasks["req"], probe).checks if c.id == "source")
    return check.ok, check.problems


@pytest.mark.parametrize(
    "location", ["/etc/passwd", "/volatile/eic/../../etc/passwd", "/volatile/eicx/a", "/"]
)
def test_a_path_outside_the_data_roots_is_never_probed_and_fails_the_check(location: str) -> None:
    probe = RecordingProbe(True)
    ok, problems = source_check(with_input_at(location), probe)
    assert probe.asked == []
    assert not ok
    assert problems == (
        f"input path '{location}' is outside the data roots (/volatile/eic, /gpfs02/eic, "
        "/work/eic); use a path under one of them, or add its root to data_roots in "
        "state/catalog.yaml",
    )


def test_a_path_under_a_data_root_is_probed_in_its_normal_form() -> None:
    probe = RecordingProbe(False)
    ok, problems = source_check(with_input_at("/work/eic/./a//b"), probe)
    assert not ok
    assert probe.asked == ["/work/eic/a/b"]
    assert problems == ("input path '/work/eic/./a//b' is not readable from here",)


def test_the_data_roots_come_from_the_catalogue_settings() -> None:
    probe = RecordingProbe(True)
    assert source_check(with_input_at("/lustre/x/y", roots=("/lustre/x",)), probe) == (True, ())
    assert probe.asked == ["/lustre/x/y"]
    assert source_check(with_input_at(PATH, roots=("/lustre/x",)), RecordingProbe(True))[0] is False


def test_without_data_roots_no_path_is_probed_or_refused() -> None:
    probe = RecordingProbe(False)
    assert source_check(with_input_at("/etc/passwd", roots=()), probe) == (True, ())
    assert probe.asked == []


@pytest.mark.parametrize(
    ("location", "expected"),
    [
        ("/volatile/eic/a", "/volatile/eic/a"),
        ("/volatile/eic", None),
        ("volatile/eic/a", None),
        ("//volatile/eic/a", None),
        ("/gpfs02/eic/x/../y", "/gpfs02/eic/y"),
    ],
)
def test_under_data_root_normalises_before_comparing(location: str, expected: str | None) -> None:
    assert under_data_root(location, ROOTS) == expected


def test_the_probe_never_looks_at_a_github_hosted_runners_filesystem(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("RUNNER_ENVIRONMENT", "github-hosted")
    assert path_probe("/etc/passwd") is None
    monkeypatch.setenv("RUNNER_ENVIRONMENT", "self-hosted")
    assert path_probe("/etc/passwd") is True
