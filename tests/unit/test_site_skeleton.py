"""The site skeleton that 'pcs init' copies is the one this repository's docs/ holds."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SKELETON = ROOT / "pcs_gitops" / "resources" / "site"
FILES = sorted(str(p.relative_to(SKELETON)) for p in SKELETON.rglob("*") if p.is_file())


@pytest.mark.parametrize("relpath", FILES)
def test_docs_holds_the_packaged_skeleton_file(relpath: str) -> None:
    assert (ROOT / "docs" / relpath).read_bytes() == (SKELETON / relpath).read_bytes(), (
        f"docs/{relpath} differs from pcs_gitops/resources/site/{relpath}; copy one onto the other"
    )


def test_the_skeleton_loads_nothing_from_elsewhere() -> None:
    for relpath in FILES:
        text = (SKELETON / relpath).read_text(encoding="utf-8")
        for needle in ("cdn.", "googleapis", "unpkg", "jsdelivr", '<script src="http'):
            assert needle not in text, f"{relpath} loads {needle}: the site must work offline"


def test_the_layout_escapes_site_and_page_titles() -> None:
    layout = (SKELETON / "_layouts" / "default.html").read_text(encoding="utf-8")
    assert "{{ page.title | escape }}" in layout
    assert "{{ site.title | escape }}" in layout
