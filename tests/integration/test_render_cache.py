"""The render cache never changes what 'pcs render' writes; it only skips work."""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import pytest

from pcs_gitops.adapters import rendering
from pcs_gitops.adapters.render_cache import CACHE_FILE
from pcs_gitops.adapters.site_files import FileWriter, SiteFiles
from pcs_gitops.domain.state import State
from pcs_gitops.services.ports import Actor
from pcs_gitops.services.tasks import comment
from pcs_gitops.services.unit_of_work import sync_derived
from tests.support.site_fixture import T1, site_state

ISSUE_PAGE = "docs/requests/issue-7.html"
OTHER = "req.EVGEN.SINGLE.e-.1GeV.45to135deg"


def cached_site(root: Path) -> SiteFiles:
    def pages(state: State, writer: FileWriter) -> set[str]:
        return rendering.render_site(state, writer, cache_dir=root / ".pcs", workers=1)

    return SiteFiles(root, pages, root / ".pcs")


def on_disk(root: Path) -> dict[str, bytes]:
    docs = root / "docs"
    return {str(p.relative_to(root)): p.read_bytes() for p in docs.rglob("*") if p.is_file()}


def full(state: State) -> dict[str, bytes]:
    """What a render without any cache writes (the catalogue CSV included)."""
    return dict(SiteFiles(Path("."), lambda s, w: rendering.render_site(s, w)).plan(state))


def rendered(root: Path, state: State) -> SiteFiles:
    site = cached_site(root)
    sync_derived(site, state, check_only=False)
    assert (root / ".pcs" / CACHE_FILE).is_file()
    return site


def rendered_tasks(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    seen: list[str] = []
    real = rendering._Site.render_task

    def spy(self: rendering._Site, writer: FileWriter, task: object) -> object:
        seen.append(task.name)  # type: ignore[attr-defined]
        return real(self, writer, task)  # type: ignore[arg-type]

    monkeypatch.setattr(rendering._Site, "render_task", spy)
    return seen


def test_an_unchanged_state_renders_nothing_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    state = site_state()
    site = rendered(tmp_path, state)
    seen = rendered_tasks(monkeypatch)
    assert sync_derived(site, state, check_only=False).derived_written == []
    assert seen == []
    edit_task(state)
    assert sync_derived(site, state, check_only=False).derived_written
    assert seen == [OTHER]
    assert on_disk(tmp_path) == full(state)


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
def test_after_any_change_the_cached_render_writes_what_a_full_render_writes(
    tmp_path: Path, edit: Callable[[State], None]
) -> None:
    rendered(tmp_path, site_state())
    state = site_state()
    edit(state)
    sync_derived(cached_site(tmp_path), state, check_only=False)
    assert on_disk(tmp_path) == full(state)


def test_a_hand_edited_page_is_regenerated_and_reported(tmp_path: Path) -> None:
    state = site_state()
    site = rendered(tmp_path, state)
    page = tmp_path / ISSUE_PAGE
    page.write_bytes(page.read_bytes().replace(b"issue-7", b"tampered"))
    assert sync_derived(site, state, check_only=True).derived_written == [ISSUE_PAGE]
    assert sync_derived(site, state, check_only=False).derived_written == [ISSUE_PAGE]
    assert page.read_bytes() == full(state)[ISSUE_PAGE]


def test_an_edit_that_keeps_size_and_mtime_is_still_caught_by_a_full_check(tmp_path: Path) -> None:
    state = site_state()
    rendered(tmp_path, state)
    page = tmp_path / ISSUE_PAGE
    stat = page.stat()
    page.write_bytes(page.read_bytes().replace(b"issue-7", b"issue-8"))
    os.utime(page, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    uncached = SiteFiles(tmp_path, lambda s, w: rendering.render_site(s, w))
    assert sync_derived(uncached, state, check_only=True).derived_written == [ISSUE_PAGE]


def test_a_deleted_page_is_written_again(tmp_path: Path) -> None:
    state = site_state()
    site = rendered(tmp_path, state)
    (tmp_path / ISSUE_PAGE).unlink()
    assert sync_derived(site, state, check_only=False).derived_written == [ISSUE_PAGE]
    assert (tmp_path / ISSUE_PAGE).read_bytes() == full(state)[ISSUE_PAGE]
    assert sync_derived(site, state, check_only=True).derived_written == []


def test_a_stray_file_in_a_generated_directory_is_deleted(tmp_path: Path) -> None:
    state = site_state()
    site = rendered(tmp_path, state)
    stray = tmp_path / "docs" / "api" / "prod-tasks" / "issue-7" / "old.json"
    stray.write_text("{}")
    assert sync_derived(site, state, check_only=False).derived_deleted == [
        "docs/api/prod-tasks/issue-7/old.json"
    ]
    assert not stray.exists()


def test_a_fresh_copy_of_the_files_reuses_the_cache_by_content(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    state = site_state()
    rendered(tmp_path / "a", state)
    shutil.copytree(tmp_path / "a" / "docs", tmp_path / "b" / "docs")  # new mtimes
    seen = rendered_tasks(monkeypatch)

    def pages(state: State, writer: FileWriter) -> set[str]:
        return rendering.render_site(state, writer, cache_dir=tmp_path / "a" / ".pcs", workers=1)

    copy = SiteFiles(tmp_path / "b", pages)
    assert sync_derived(copy, state, check_only=True).derived_written == []
    assert seen == []


@pytest.mark.parametrize("damage", [b"", b"\x00garbage", b"\xfb\x03\x00\x00\x00"])
def test_a_damaged_cache_means_a_full_render(tmp_path: Path, damage: bytes) -> None:
    state = site_state()
    site = rendered(tmp_path, state)
    (tmp_path / ".pcs" / CACHE_FILE).write_bytes(damage)
    for name in (tmp_path / ".pcs").iterdir():
        name.write_bytes(damage)
    edit_task(state)
    sync_derived(site, state, check_only=False)
    assert on_disk(tmp_path) == full(state)


def test_a_new_tag_for_one_request_re_renders_no_other_request(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    state = site_state()
    site = rendered(tmp_path, state)
    seen = rendered_tasks(monkeypatch)
    new_tag = replace(state.tags["p2002"], label="p2999", description="another physics")
    state.put_tag(new_tag)
    sync_derived(site, state, check_only=False)
    assert seen == []
    assert on_disk(tmp_path) == full(state)


def test_a_new_request_is_rendered_alone_and_then_reused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A unit the cache has no entry for gets its fingerprint where it is rendered; the next
    render finds it as a cached one."""
    state = site_state()
    site = rendered(tmp_path, state)
    seen = rendered_tasks(monkeypatch)
    source = state.tasks[OTHER]
    state.put_task(
        replace(
            source,
            name="req.copy",
            public_catalog=replace(source.public_catalog, row_key="Dataset Path=/copy"),
        )
    )
    sync_derived(site, state, check_only=False)
    assert seen == ["req.copy"]
    seen.clear()
    assert sync_derived(site, state, check_only=False).derived_written == []
    assert seen == []
    assert on_disk(tmp_path) == full(state)


def test_fingerprints_made_in_forked_workers_let_the_next_render_reuse_every_unit(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(rendering, "PARALLEL_MIN_UNITS", 1)

    def pages(state: State, writer: FileWriter) -> set[str]:
        return rendering.render_site(state, writer, cache_dir=tmp_path / ".pcs", workers=2)

    site = SiteFiles(tmp_path, pages, tmp_path / ".pcs")
    state = site_state()
    sync_derived(site, state, check_only=False)
    assert on_disk(tmp_path) == full(state)
    seen = rendered_tasks(monkeypatch)
    assert sync_derived(site, state, check_only=False).derived_written == []
    assert seen == []  # with anything to render, the calling process takes the first share


def test_the_file_writer_creates_compares_and_replaces(tmp_path: Path) -> None:
    """A missing file (and its directory) is created and its mark is the file's; the same
    bytes again write nothing; a file left half-written by an interrupted render is found
    different and replaced; check mode reports and touches nothing."""
    writer = FileWriter(tmp_path)
    mark = writer.put("docs/api/prod-tasks/t/jedi.json", b'{"a": 1}\n')
    target = tmp_path / "docs/api/prod-tasks/t/jedi.json"
    stat = target.stat()
    assert target.read_bytes() == b'{"a": 1}\n'
    assert mark == writer.put("docs/api/prod-tasks/t/jedi.json", b'{"a": 1}\n')
    assert mark is not None and mark[:16] == stat.st_size.to_bytes(8, "little") + (
        stat.st_mtime_ns.to_bytes(8, "little")
    )
    assert writer.written == ["docs/api/prod-tasks/t/jedi.json"]
    target.write_bytes(b'{"a"')
    assert writer.put("docs/api/prod-tasks/t/jedi.json", b'{"a": 1}\n') is not None
    assert target.read_bytes() == b'{"a": 1}\n'
    assert writer.written == ["docs/api/prod-tasks/t/jedi.json"] * 2
    checking = FileWriter(tmp_path, check_only=True)
    assert checking.put("docs/api/prod-tasks/t/dump.json", b"{}\n") is None
    assert checking.put("docs/api/prod-tasks/t/jedi.json", b'{"a": 1}\n') is not None
    assert checking.written == ["docs/api/prod-tasks/t/dump.json"]
    assert not (tmp_path / "docs/api/prod-tasks/t/dump.json").exists()
