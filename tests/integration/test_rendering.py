"""The generated site: golden files, determinism, escaping, PWG classes, minimal writes.

Regenerate the golden files after an intended change with ``PCS_UPDATE_GOLDEN=1 pytest
tests/integration/test_rendering.py`` and review the diff.
"""

from __future__ import annotations

import json
import os
import re
from dataclasses import replace
from html.parser import HTMLParser
from pathlib import Path

import pytest

from pcs_gitops.adapters import html_pages, rendering
from pcs_gitops.adapters.site_files import GENERATED_DIRS, GENERATED_FILES, SiteFiles
from pcs_gitops.domain import artifacts, catalog_terms
from pcs_gitops.domain.model import HistoryEntry
from pcs_gitops.domain.readiness import DRAFT_SUBSTATES, readiness, unreachable
from pcs_gitops.services.ports import Actor
from pcs_gitops.services.tasks import comment, list_tasks
from pcs_gitops.services.unit_of_work import sync_derived
from tests.support.site_fixture import HOSTILE, NEW_PWG, T1, site_state

GOLDEN = Path(__file__).parent.parent / "golden" / "site"
UPDATE = os.environ.get("PCS_UPDATE_GOLDEN") == "1"
# Built by the artifacts module (tested there; here they are compared with its output), and the
# JSON Schemas (package files, tested in test_json_api).
ARTIFACTS = re.compile(r"/(jedi|dump)\.json$|^docs/api/schemas/")
CATALOG = "docs/catalog/index.html"
SUMMARY = "docs/catalog/summary.html"
CATALOG_COLUMNS = 13


@pytest.fixture(scope="module")
def planned() -> dict[str, bytes]:
    return rendering.plan_pages(site_state(), workers=1)


def html_of(files: dict[str, bytes]) -> dict[str, str]:
    return {k: v.decode("utf-8") for k, v in files.items() if k.endswith(".html")}


def test_generated_files_match_the_golden_files(planned: dict[str, bytes]) -> None:
    compared = {k: v for k, v in planned.items() if not ARTIFACTS.search(k)}
    if UPDATE:
        for relpath, content in compared.items():
            target = GOLDEN / relpath.removeprefix("docs/")
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(content)
    golden = {
        "docs/" + str(p.relative_to(GOLDEN)): p.read_bytes()
        for p in sorted(GOLDEN.rglob("*"))
        if p.is_file()
    }
    assert sorted(golden) == sorted(compared)
    for relpath, content in compared.items():
        assert content == golden[relpath], f"{relpath} differs from its golden file"


def test_every_generated_file_lies_in_a_generated_directory(planned: dict[str, bytes]) -> None:
    for relpath in planned:
        assert relpath in GENERATED_FILES or any(
            relpath.startswith(d + "/") for d in GENERATED_DIRS
        ), relpath


def test_artifact_files_are_the_builders_output() -> None:
    state = site_state()
    files = rendering.plan_pages(state, workers=1)
    for name, task in state.tasks.items():
        base = f"docs/api/prod-tasks/{name}"
        assert json.loads(files[f"{base}/jedi.json"]) == artifacts.build_jedi(state, task)
        assert json.loads(files[f"{base}/dump.json"]) == artifacts.build_dump(state, task)
        assert (
            files[f"{base}/dump.json"]
            == (
                json.dumps(
                    artifacts.build_dump(state, task), ensure_ascii=False, separators=(",", ":")
                )
                + "\n"
            ).encode()
        )


def test_rendering_twice_gives_identical_bytes() -> None:
    first = rendering.plan_pages(site_state(), workers=1)
    second = rendering.plan_pages(site_state(), workers=1)
    assert first == second


def test_parallel_plan_equals_the_sequential_plan(monkeypatch: pytest.MonkeyPatch) -> None:
    sequential = rendering.plan_pages(site_state(), workers=1)
    monkeypatch.setattr(rendering, "PARALLEL_MIN_UNITS", 1)
    assert rendering.plan_pages(site_state(), workers=2) == sequential


def test_hostile_values_are_escaped_and_never_liquid(planned: dict[str, bytes]) -> None:
    pages = html_of(planned)
    assert pages
    for relpath, html in pages.items():
        assert not html.startswith("---"), f"{relpath} has front matter: Jekyll would run Liquid"
        assert "<script>alert" not in html, relpath
        assert "{{" not in html and "{%" not in html, relpath
        assert "{" not in html and "}" not in html, relpath
    issue_page = pages["docs/requests/issue-7.html"]
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in issue_page
    assert "&#123;&#123; site &#125;&#125;" in issue_page
    assert "&#123;% include_relative _config.yml %&#125;" in issue_page
    assert "&lt;/td&gt;&lt;td&gt;" in issue_page
    assert "Exotica &amp; &lt;b&gt;friends&lt;/<wbr>b&gt;/<wbr>BSM" in pages[CATALOG]
    assert "Exotica &amp; &lt;b&gt;friends&lt;/b&gt;/BSM" in pages[SUMMARY]


class _Rows(HTMLParser):
    """The cell count of every row in the catalogue table's body."""

    def __init__(self) -> None:
        super().__init__()
        self.in_body = False
        self.rows: list[int] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "tbody" and self.in_table:
            self.in_body = True
        elif tag == "table":
            self.in_table = ("id", "catalog") in attrs
        elif tag == "tr" and self.in_body:
            self.rows.append(0)
        elif tag == "td" and self.in_body:
            self.rows[-1] += 1

    def handle_endtag(self, tag: str) -> None:
        if tag == "tbody":
            self.in_body = False

    in_table = False


def test_hostile_text_cannot_add_table_cells(planned: dict[str, bytes]) -> None:
    parser = _Rows()
    parser.feed(planned[CATALOG].decode())
    assert parser.rows == [CATALOG_COLUMNS, CATALOG_COLUMNS]


def test_json_api_keeps_values_verbatim(planned: dict[str, bytes]) -> None:
    task = json.loads(planned["docs/api/prod-tasks/issue-7.json"])
    assert task["description"] == " ".join(HOSTILE)
    assert task["history"][-1]["detail"]["text"] == f"{HOSTILE[2]} {HOSTILE[0]}"


def test_the_stylesheet_has_a_class_per_pwg_of_the_settings(planned: dict[str, bytes]) -> None:
    state = site_state()
    css = planned["docs/catalog/pwg.css"].decode()
    for pwg in state.settings.pwgs:
        assert f".pwg-{pwg.slug} {{ background-color: {pwg.color}; }}" in css
    assert f' class="pwg-{NEW_PWG.slug}" data-pwg=' in planned[CATALOG].decode()


def test_pwg_class_names_are_single_css_tokens() -> None:
    assert html_pages.pwg_class("jets_hf") == "pwg-jets_hf"
    assert html_pages.pwg_class("Jets & HF") == "pwg-Jets_20_26_20HF"


def test_task_listing_items_are_task_list_items_with_numbers_origin_and_links(
    planned: dict[str, bytes],
) -> None:
    state = site_state()
    listing = json.loads(planned["docs/api/prod-tasks.json"])
    expected = list_tasks(state, limit=len(state.tasks), probe=unreachable)["tasks"]
    assert listing["count"] == len(expected) == 2
    by_name = {t["name"]: t for t in expected}
    for item in listing["tasks"]:
        listed = by_name[item["name"]]
        assert {k: item[k] for k in listed if k not in ("priority", "events")} == {
            k: v for k, v in listed.items() if k not in ("priority", "events")
        }
        assert item["priority_text"] == listed["priority"]
        assert item["events_text"] == listed["events"]
        assert item["links"]["page"] == f"requests/{item['name']}.html"
        assert f"docs/{item['links']['json']}" in planned
    issue = next(i for i in listing["tasks"] if i["name"] == "issue-7")
    assert (issue["priority"], issue["events"], issue["origin"]) == (1, 2_750_000, "requested")
    assert [t["substate"] for t in listing["tasks"]] == [
        readiness(state, state.tasks[t["name"]], unreachable).substate(
            state.tasks[t["name"]].status
        )
        for t in listing["tasks"]
    ]


def test_catalogue_links_issue_pr_and_the_request_page(planned: dict[str, bytes]) -> None:
    html = planned[CATALOG].decode()
    assert 'href="https://github.com/octo-org/pcs-site/issues/7"' in html
    assert 'href="https://github.com/octo-org/pcs-site/pull/12"' in html
    for name in site_state().tasks:
        assert f'href="../requests/{name}.html"' in html
        assert f"docs/requests/{name}.html" in planned
    assert '<tr id="issue-7"' in html
    assert '<tr id="req.EVGEN.SINGLE.e-.1GeV.45to135deg"' in html


def test_the_summary_page_counts_events_and_drafts(planned: dict[str, bytes]) -> None:
    html = planned[SUMMARY].decode()
    assert "<strong>2.75M</strong> events requested by 1 requests with a count" in html
    assert "1 unparseable" in html
    assert f"as of {T1}" in html
    assert "Stuck in draft: 1 requests, oldest 4 days" in html


def test_files_are_written_only_when_their_content_changed(tmp_path: Path) -> None:
    state = site_state()
    site = SiteFiles(tmp_path, lambda s, w: rendering.render_site(s, w, workers=1))
    first = sync_derived(site, state, check_only=False)
    assert len(first.derived_written) == len(site.plan(state))
    stamps = {p: p.stat().st_mtime_ns for p in tmp_path.rglob("*") if p.is_file()}
    assert sync_derived(site, state, check_only=False).derived_written == []
    comment(state, "req.EVGEN.SINGLE.e-.1GeV.45to135deg", "more please", Actor("carol", "cli"), T1)
    third = sync_derived(site, state, check_only=False)
    assert "docs/requests/issue-7.html" not in third.derived_written
    assert "docs/requests/req.EVGEN.SINGLE.e-.1GeV.45to135deg.html" in third.derived_written
    untouched = [p for p in stamps if str(p.relative_to(tmp_path)) not in third.derived_written]
    assert all(p.stat().st_mtime_ns == stamps[p] for p in untouched)


def test_a_removed_task_loses_its_generated_files(tmp_path: Path) -> None:
    state = site_state()
    site = SiteFiles(tmp_path, lambda s, w: rendering.render_site(s, w, workers=1))
    sync_derived(site, state, check_only=False)
    del state.tasks["issue-7"]
    result = sync_derived(site, state, check_only=False)
    assert "docs/requests/issue-7.html" in result.derived_deleted
    assert "docs/api/prod-tasks/issue-7/jedi.json" in result.derived_deleted
    assert "docs/requests/issue-7/index.html" in result.derived_deleted
    assert not (tmp_path / "docs/requests/issue-7.html").exists()


def test_only_a_request_filed_here_keeps_a_stub_at_the_old_page_url(tmp_path: Path) -> None:
    """The pipeline linked ``requests/<task>/`` in its comments once; a request imported from
    the historical catalogue keeps its issue number but was never linked so."""
    state = site_state()
    filed = state.tasks["issue-7"]
    imported = replace(
        filed,
        history=(HistoryEntry(T1, "cli", "import", catalog_terms.IMPORTED, {"line": 2}),),
    )
    assert "docs/requests/issue-7/index.html" in rendering.task_files(filed)
    assert "docs/requests/issue-7/index.html" not in rendering.task_files(imported)
    state.tasks["issue-7"] = imported
    site = SiteFiles(tmp_path, lambda s, w: rendering.render_site(s, w, workers=1))
    written = sync_derived(site, state, check_only=False).derived_written
    assert "docs/requests/issue-7.html" in written
    assert not (tmp_path / "docs/requests/issue-7").exists()


def test_url_labels_name_the_repository_and_tag() -> None:
    url = "https://github.com/eic/rapgap-inc-diffr-dis/releases/tag/rapgap3.310-1.0"
    assert html_pages.url_label(url) == "rapgap-inc-diffr-dis rapgap3.310-1.0"
    assert html_pages.url_label("https://gitlab.com/eic/mceg/PY-RC/-/tree/1.0.0") == "PY-RC 1.0.0"
    assert html_pages.url_label("https://example.org/a/b.tgz") == "b.tgz"


def test_every_draft_sub_state_has_a_legend() -> None:
    assert list(catalog_terms.SUBSTATE_MEANINGS) == list(DRAFT_SUBSTATES)


def test_the_home_counts_show_campaigns_once_a_request_names_one() -> None:
    state = site_state()
    counts = catalog_terms.summary_counts(state.settings, state.tasks.values(), {})
    assert "campaign" not in [d["key"] for d in counts["dimensions"]]
    state.tasks["issue-7"] = replace(state.tasks["issue-7"], campaign="26.07")
    counts = catalog_terms.summary_counts(state.settings, state.tasks.values(), {})
    campaign = next(d for d in counts["dimensions"] if d["key"] == "campaign")
    assert [(v["value"], v["requests"]) for v in campaign["values"]] == [
        ("(none)", 1),
        ("26.07", 1),
    ]


def test_a_row_in_a_campaign_says_so_and_the_campaign_filter_offers_it() -> None:
    state = site_state()
    state.tasks["issue-7"] = replace(state.tasks["issue-7"], campaign="26.07")
    page = rendering.plan_pages(state, workers=1)[CATALOG].decode()
    row = next(line for line in page.splitlines() if line.startswith('<tr id="issue-7"'))
    assert 'data-campaign="26.07"' in row and "campaign 26.07" in row
    assert '<option value="26.07">26.07 (1)</option>' in page
    assert '<option value="none">none (1)</option>' in page
    assert 'href="../requests/issue-7.html#actions"' in page  # its change and clone links


def test_a_request_page_offers_change_clone_and_new_request(planned: dict[str, bytes]) -> None:
    page = planned["docs/requests/issue-7.html"].decode()
    actions = page.split('<p class="links actions" id="actions">', 1)[1].split("</p>", 1)[0]
    assert ">Request a change</a>" in actions and ">Clone into a campaign</a>" in actions
    assert "issues/new?template=dataset_request.yml&amp;title=" in actions
    assert "<script" not in actions and "{{" not in actions  # hostile answers stay encoded


def test_a_clone_has_its_page_but_no_catalogue_row_like_in_the_csv() -> None:
    state = site_state()
    source = state.tasks["issue-7"]
    clone = replace(source, name="26.07.issue-7", campaign="26.07", cloned_from=source.name)
    state.tasks[clone.name] = clone
    files = rendering.plan_pages(state, workers=1)
    assert "docs/requests/26.07.issue-7.html" in files
    assert "26.07.issue-7.html" not in files[CATALOG].decode()


def test_writing_derived_files_reports_its_progress(tmp_path: Path) -> None:
    told: list[tuple[str, int, int]] = []
    site = SiteFiles(tmp_path, lambda s, w: rendering.render_site(s, w, workers=1))
    result = sync_derived(site, site_state(), check_only=False, progress=lambda *a: told.append(a))
    written = len(result.derived_written)
    assert told[-1] == ("writing derived files", written, written)
    assert all(label == "writing derived files" and total == 0 for label, _, total in told[:-1])
    told.clear()
    sync_derived(site, site_state(), check_only=False, progress=lambda *a: told.append(a))
    assert told == []
