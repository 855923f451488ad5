"""Pre-filled issue form links: the site as the front door of the catalogue."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

from hypothesis import given
from hypothesis import strategies as st

from pcs_gitops.domain.site_paths import MAX_PREFILLED, issue_form_url

FIELD_IDS = st.sampled_from(["dsc_or_pwg", "dataset_path", "description", "number_of_events"])
TEXT = st.text(min_size=1, max_size=800).filter(lambda t: t.strip() and "\x00" not in t)


@given(title=TEXT, answers=st.dictionaries(FIELD_IDS, TEXT, max_size=4))
def test_every_answer_arrives_as_its_field_id_and_nothing_else(
    title: str, answers: dict[str, str]
) -> None:
    url = issue_form_url("eic/epic-prod", title, answers)
    parts = urlsplit(url)
    assert (parts.scheme, parts.netloc, parts.path) == (
        "https",
        "github.com",
        "/eic/epic-prod/issues/new",
    )
    query = parse_qs(parts.query, keep_blank_values=True, strict_parsing=True)
    assert query.pop("template") == ["dataset_request.yml"]
    assert query.pop("title") == [title]
    assert {k: v[0] for k, v in query.items()} == {k: v[:MAX_PREFILLED] for k, v in answers.items()}
    assert all(c not in url for c in ' "<>')


def test_empty_answers_are_left_out() -> None:
    url = issue_form_url("o/r", "t", {"dataset_path": " ", "priority": "2"})
    assert "dataset_path" not in url and url.endswith("&priority=2")
