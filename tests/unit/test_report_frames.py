"""The campaign summary numbers on a fixed state, and against pandas on generated ones."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from pcs_gitops.adapters import report_frames
from pcs_gitops.domain.model import TaskStatus
from pcs_gitops.domain.readiness import readiness, unreachable
from tests.support import report_oracle
from tests.support.site_fixture import T1, site_state


def report(as_of: str = T1) -> dict[str, object]:
    state = site_state()
    substates = {
        t.name: readiness(state, t, unreachable).substate(t.status) for t in state.tasks.values()
    }
    return report_frames.campaign_report(state, substates, as_of)


def test_events_are_parsed_and_the_rest_counted_apart() -> None:
    assert report()["events"] == {
        "requested": 2_750_000,
        "with_count": 1,
        "all_or_empty": 0,
        "unparseable": 1,
    }


def test_requests_are_counted_by_pwg_priority_and_status() -> None:
    assert report()["breakdown"] == [
        {
            "pwg": "inclusive",
            "priority": "1",
            "status": "draft",
            "requests": 1,
            "events": 2_750_000,
            "events_all_or_empty": 0,
            "events_unparseable": 0,
        },
        {
            "pwg": "exotica",
            "priority": "3",
            "status": "submitted",
            "requests": 1,
            "events": 0,
            "events_all_or_empty": 0,
            "events_unparseable": 1,
        },
    ]


def test_use_flags_count_yes_maybe_no_empty_and_free_text() -> None:
    flags = {f["flag"]: f for f in report()["use_flags"]}  # type: ignore[attr-defined]
    assert flags["pre_tdr_use"] == {
        "flag": "pre_tdr_use",
        "title": "Pre-TDR Use",
        "yes": 0,
        "maybe": 1,
        "no": 0,
        "empty": 1,
        "other": 0,
    }
    assert flags["other_use"]["other"] == 1


def test_drafts_report_their_oldest_age_at_the_given_time() -> None:
    drafts = report("2026-03-11T09:00:00Z")["drafts"]
    assert drafts == {
        "requests": 1,
        "oldest_age_days": 10,
        "by_substate": [
            {
                "substate": "needs-confirmation",
                "requests": 1,
                "oldest_age_days": 10,
                "oldest_task": "issue-7",
            }
        ],
        "oldest": [
            {
                "name": "issue-7",
                "pwg": "inclusive",
                "substate": "needs-confirmation",
                "age_days": 10,
            }
        ],
    }


def test_the_newest_history_timestamp_is_the_render_time() -> None:
    assert report_frames.newest_timestamp(site_state()) == T1


def test_an_unreadable_time_leaves_ages_unknown() -> None:
    assert report("")["drafts"]["oldest_age_days"] is None  # type: ignore[index]


def test_csv_has_one_row_per_pwg_priority_status() -> None:
    text = report_frames.breakdown_csv(report())
    assert text.splitlines() == [
        "pwg,priority,status,requests,events,events_all_or_empty,events_unparseable",
        "inclusive,1,draft,1,2750000,0,0",
        "exotica,3,submitted,1,0,0,1",
    ]


def test_markdown_output_has_the_three_tables() -> None:
    text = report_frames.format_report(report(), markdown=True)
    assert text.startswith(f"# Campaign summary (as of {T1})")
    assert "| inclusive | 1 | draft | 1 | 2.75M | 0 | 0 |" in text
    assert "## Requests per use flag" in text
    assert "| needs-confirmation | 1 | 4 | issue-7 |" in text


def test_human_counts() -> None:
    assert [report_frames.human_count(n) for n in (12, 400_000, 2_750_000, 3_000_000_000)] == [
        "12",
        "400k",
        "2.75M",
        "3B",
    ]


# --------------------------------------------------------------------------- against pandas
WHEN = st.datetimes(datetime(2020, 1, 1), datetime(2030, 12, 31)).map(
    lambda d: d.strftime("%Y-%m-%dT%H:%M:%SZ")
)
REQUEST = st.fixed_dictionaries(
    {
        "pwg": st.sampled_from(["inclusive", "exotica", "", " other ", "zzz", "aaa"]),
        "priority": st.sampled_from(["1", "2", "3", "", "high", "-1", "0"]),
        "events": st.sampled_from(["", "All", " all ", "2.75M", "100", "400k", "lots", "1e6"]),
        "flags": st.lists(
            st.sampled_from(["Yes", "no", "MAYBE", "", " ", "perhaps"]), min_size=5, max_size=5
        ),
        "status": st.sampled_from(list(TaskStatus)),
        "substate": st.sampled_from([None, "", "needs-metadata", "needs-confirmation", "ready"]),
        "created_at": st.one_of(st.sampled_from(["", T1, "2026-03-01T09:00:00Z"]), WHEN),
    }
)


@settings(max_examples=100, deadline=None)
@given(st.lists(REQUEST, max_size=30), st.one_of(st.just(""), st.just("not a time"), WHEN))
def test_the_report_is_what_pandas_computes(requests: list[dict[str, Any]], as_of: str) -> None:
    """The plain-Python report against the pandas computation it replaced (any mix of PWGs,
    priorities, event counts, flags, statuses, sub-states, creation times, ties)."""
    state = site_state()
    template = next(iter(state.tasks.values()))
    state.tasks.clear()
    substates: dict[str, str | None] = {}
    for number, request in enumerate(requests):
        name = f"t{(number * 7) % 11}-{number}"  # names out of insertion order
        catalog = {
            "pwg": request["pwg"],
            "priority": request["priority"],
            "events": request["events"],
            **dict(zip(report_frames.USE_FLAGS, request["flags"], strict=True)),
        }
        state.tasks[name] = replace(
            template,
            name=name,
            catalog=catalog,
            status=request["status"],
            created_at=request["created_at"],
        )
        substates[name] = request["substate"]
    expected = report_oracle.campaign_report(state, substates, as_of)
    assert report_frames.campaign_report(state, substates, as_of) == expected
    assert report_frames.breakdown_csv(expected) == report_oracle.breakdown_csv(expected)
