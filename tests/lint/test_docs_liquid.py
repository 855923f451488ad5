"""Hand-written pages under docs/ must survive Pages' Liquid pass.

Jekyll runs Liquid over every file with front matter; a `{{` or `{%` in prose (a workflow
expression like `${{ secrets.X }}`) would break or leak in the Pages build. Files without front
matter are copied verbatim (Pages then serves them as raw Markdown); a page with front matter
quotes such text inside `{% raw %}`...`{% endraw %}`."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
HAND_WRITTEN = sorted(p for p in (ROOT / "docs").glob("*.md") if p.name != "index.md")
RAW = re.compile(r"\{% raw %\}.*?\{% endraw %\}", re.DOTALL)


@pytest.mark.parametrize("page", HAND_WRITTEN, ids=lambda p: p.name)
def test_hand_written_page_has_no_liquid_when_it_has_front_matter(page: Path) -> None:
    text = RAW.sub("", page.read_text(encoding="utf-8"))
    if not text.startswith("---\n"):
        return
    assert "{{" not in text and "{%" not in text, (
        f"{page.name} has front matter, so Jekyll runs Liquid over it: remove the `{{`/`{{%` "
        "or drop the front matter"
    )


@pytest.mark.parametrize("page", HAND_WRITTEN, ids=lambda p: p.name)
def test_hand_written_page_has_front_matter_so_pages_builds_it_to_html(page: Path) -> None:
    assert page.read_text(encoding="utf-8").startswith("---\n"), (
        f"{page.name} has no front matter: GitHub Pages would serve it as raw Markdown"
    )
