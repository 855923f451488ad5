"""The render cache never changes what 'pcs render' produces; it only skips work."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import replace
from pathlib import Path

import pytest

from pcs_gitops.adapters import rendering
from pcs_gitops.adapters.render_cache import CACHE_FILE, RenderCache
from pcs_gitops.adapters.site_files import SiteFiles
from pcs_gitops.domain.state import State
from pcs_gitops.services.ports import Actor
from pcs_gitops.services.tasks import comment
from pcs_gitops.services.unit_of_work import sync_derived
from tests.support.site_fixture import T1, site_state

ISSUE_PAGE = "docs/requests/issue-7.html"
OTHER = "req.EVGEN.SINGLE.e-.1GeV.45to135deg"


def full(state: State) -> dict[str, bytes]:
    return rendering.plan_pages(state, workers=1)


def cached(root: Path) -> Callable[..., dict[str, bytes]]:
    """A cached planner; SiteFiles passes the files it read, a direct call lets it read."""

    def planner(state: State, on_disk: Mapping[str, bytes] | None = None) -> dict[str, bytes]:
        return rendering.plan_pages(state, workers=1, cache_root=root, on_disk=on_disk)

    return planner


def rendered(root: Path, state: State) -> SiteFiles:
    site = SiteFiles(root, cached(root))
    sync_derived(site, state, check_only=False)
    assert (root / CACHE_FILE).is_file()
    return site


def test_an_unchanged_state_is_served_from_the_cache(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    state = site_state()
    rendered(tmp_path, state)
    rendered_tasks: list[str] = []
    real = rendering._Planner.task_files

    def spy(self: rendering._Planner, tasks: list[object]) -> rendering.TaskFiles:
        rendered_tasks.extend(t.name for t in tasks)  # type: ignore[attr-defined]
        return real(self, tasks)  # type: ignore[arg-type]

    monkeypatch.setattr(rendering._Planner, "task_files", spy)
    edit_task(state)
    assert cached(tmp_path)(state) == full(state)
    assert rendered_tasks == [OTHER, "issue-7", OTHER]  # the cached plan rendered only OTHER
    rendered_tasks.clear()
    state = site_state()
    cache = RenderCache(tmp_path)
    cache.begin(state)
    task = state.tasks["issue-7"]
    assert cache.lookup(task.name, cache.fingerprint(state, task)) is not None
    assert cached(tmp_path)(state) == full(state)


def edit_task(state: State) -> None:
    comment(state, OTHER, "a new comment", Actor("carol", "cli"), T1)


def edit_dataset(state: State) -> None:
    dataset = next(iter(state.datasets.values()))
    state.put_dataset(replace(dataset, description="redescribed"))


def edit_tag(state: State) -> None:
    tag = state.tags["p2002"]
    state.put_tag(replace(tag, description="renamed physics"))


def edit_config(state: State) -> None:
    config = state.prod_configs["standard"]
    state.put_prod_config(replace(config, settings={**config.settings, "cores": 8}))


def edit_settings(state: State) -> None:
    state.put_settings(replace(state.settings, repository="elsewhere/repo"))


def drop_task(state: State) -> None:
    del state.tasks["issue-7"]


@pytest.mark.parametrize(
    "edit", [edit_task, edit_dataset, edit_tag, edit_config, edit_settings, drop_task]
)
def test_after_any_change_the_cached_plan_equals_a_full_render(
    tmp_path: Path, edit: Callable[[State], None]
) -> None:
    rendered(tmp_path, site_state())
    state = site_state()
    edit(state)
    assert cached(tmp_path)(state) == full(state)


def test_a_hand_edited_page_is_regenerated_and_reported(tmp_path: Path) -> None:
    state = site_state()
    site = rendered(tmp_path, state)
    page = tmp_path / ISSUE_PAGE
    page.write_bytes(page.read_bytes().replace(b"issue-7", b"tampered"))
    assert sync_derived(site, state, check_only=True).derived_written == [ISSUE_PAGE]
    assert cached(tmp_path)(state)[ISSUE_PAGE] == full(state)[ISSUE_PAGE]


def test_a_deleted_page_is_written_again(tmp_path: Path) -> None:
    state = site_state()
    site = rendered(tmp_path, state)
    (tmp_path / ISSUE_PAGE).unlink()
    assert sync_derived(site, state, check_only=False).derived_written == [ISSUE_PAGE]
    assert (tmp_path / ISSUE_PAGE).read_bytes() == full(state)[ISSUE_PAGE]
    assert sync_derived(site, state, check_only=True).derived_written == []


def test_a_damaged_cache_means_a_full_render(tmp_path: Path) -> None:
    state = site_state()
    rendered(tmp_path, state)
    (tmp_path / CACHE_FILE).write_text('{"format": 1, "global": 3, "tasks": [', encoding="utf-8")
    assert cached(tmp_path)(state) == full(state)
    (tmp_path / CACHE_FILE).write_text("[]", encoding="utf-8")
    assert cached(tmp_path)(state) == full(state)
