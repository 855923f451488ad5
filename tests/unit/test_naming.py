"""The naming authority (pcs_gitops.domain.naming): composed names, DIDs, attempts, task names."""

from __future__ import annotations

import re
from dataclasses import astuple

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pcs_gitops.domain.naming import (
    TASK_NAME_RE,
    ComposedName,
    NameError_,
    attempt_name,
    build_dataset_name,
    build_did,
    parse_dataset_name,
    parse_did,
    task_name_for_issue,
    task_name_for_row_key,
)

SCOPE = "group.EIC.evgen"
BASE = "group.EIC.evgen.26.02.0.epic_craterlake.p2001.e1.s0.r0"


def composed(**changes: str | None) -> ComposedName:
    fields: dict[str, str | None] = {
        "scope": SCOPE,
        "detector_version": "26.02.0",
        "detector_config": "epic_craterlake",
        "physics": "p2001",
        "evgen": "e1",
        "simu": "s0",
        "reco": "r0",
        "background": None,
        "sample": "",
    }
    fields.update(changes)
    return ComposedName(**fields)  # type: ignore[arg-type]


# --------------------------------------------------------------------------- build and parse
def test_a_name_without_background_or_sample_is_the_seven_segments_joined_by_dots() -> None:
    assert build_dataset_name(composed()) == BASE


def test_parsing_a_name_gives_back_every_part_and_keeps_the_dots_of_the_scope() -> None:
    assert parse_dataset_name(BASE) == composed()


@pytest.mark.parametrize("sample", ["ma_0.1", "BH_ONLY.emhTm", "10000Ahr.MachineRuntime50s"])
def test_a_dotted_sample_round_trips_through_build_and_parse(sample: str) -> None:
    name = build_dataset_name(composed(sample=sample))
    assert name == f"{BASE}.{sample}"
    assert parse_dataset_name(name).sample == sample


def test_a_background_tag_is_its_own_segment_between_the_reco_tag_and_the_sample() -> None:
    parts = composed(physics="p6001", background="k3", sample="BH_ONLY.emhTm")
    name = build_dataset_name(parts)
    assert name == "group.EIC.evgen.26.02.0.epic_craterlake.p6001.e1.s0.r0.k3.BH_ONLY.emhTm"
    assert parse_dataset_name(name) == parts


def test_a_background_tag_without_a_sample_ends_the_name() -> None:
    name = build_dataset_name(composed(background="k12"))
    assert name == f"{BASE}.k12"
    parsed = parse_dataset_name(name)
    assert (parsed.background, parsed.sample) == ("k12", "")


@pytest.mark.parametrize(
    ("sample", "token", "why"),
    [
        ("k3", "k3", "starts with 'k3', which reads as a background tag"),
        ("k3.more", "k3", "starts with 'k3', which reads as a background tag"),
        ("run.try2", "try2", "ends with 'try2', which reads as an attempt or block suffix"),
        ("run.b1", "b1", "ends with 'b1', which reads as an attempt or block suffix"),
        ("try2", "try2", "ends with 'try2', which reads as an attempt or block suffix"),
    ],
)
def test_a_sample_that_reads_as_a_reserved_token_is_refused(
    sample: str, token: str, why: str
) -> None:
    with pytest.raises(NameError_) as caught:
        build_dataset_name(composed(sample=sample))
    assert str(caught.value) == f"sample '{sample}' {why}; rename the sample"
    assert token in str(caught.value)


@pytest.mark.parametrize("sample", ["kaon", "k3x", "k03", "b0", "try0", "bkg", "retry2x", "b1.x"])
def test_a_sample_that_only_resembles_a_reserved_token_is_accepted(sample: str) -> None:
    name = build_dataset_name(composed(sample=sample))
    assert parse_dataset_name(name).sample == sample


def test_a_sample_holding_a_second_tag_run_is_refused_because_it_could_not_be_parsed() -> None:
    with pytest.raises(NameError_, match=r"contains a \.p<N>\.e<N>\.s<N>\.r<N> run"):
        build_dataset_name(composed(sample="x.p1.e1.s1.r1"))


@pytest.mark.parametrize(
    "changes",
    [
        {"sample": "a/b"},
        {"sample": "a..b"},
        {"sample": ".a"},
        {"sample": "a b"},
        {"sample": "abc\n"},
        {"scope": "group/EIC"},
        {"scope": "group\n"},
        {"scope": ""},
        {"detector_config": "epic/craterlake"},
        {"detector_config": "epic.craterlake"},
        {"detector_version": "26.02"},
        {"detector_version": "26.02.0\n"},
        {"physics": "p01"},
        {"physics": "e1"},
        {"evgen": "e"},
        {"simu": "s-1"},
        {"reco": "R0"},
        {"background": "k01"},
        {"background": "kx"},
        {"scope": "a.p1.e1.s1.r1.b"},
    ],
    ids=lambda c: "-".join(f"{k}={v!r}" for k, v in c.items()),
)
def test_build_refuses_a_part_that_breaks_the_grammar(changes: dict[str, str]) -> None:
    with pytest.raises(NameError_):
        build_dataset_name(composed(**changes))


def test_a_name_longer_than_255_characters_is_refused() -> None:
    with pytest.raises(NameError_, match="more than 255"):
        build_dataset_name(composed(sample="x" * 250))


@pytest.mark.parametrize(
    ("name", "reason"),
    [
        ("group.EIC.evgen.26.02.0.epic_craterlake", "has no .p<N>.e<N>.s<N>.r<N> run"),
        (f"{BASE}.x.p1.e1.s1.r1", "has more than one .p<N>.e<N>.s<N>.r<N> run"),
        ("26.02.0.epic.p1.e1.s0.r0", "lacks scope.detector_version.detector_config"),
        (f"{BASE}.k3.", "not in canonical composed form"),
    ],
)
def test_parse_refuses_a_name_that_is_not_composed_and_quotes_it(name: str, reason: str) -> None:
    with pytest.raises(NameError_) as caught:
        parse_dataset_name(name)
    assert str(caught.value).startswith(f"'{name}' ")
    assert reason in str(caught.value)


@pytest.mark.parametrize(
    ("name", "reason"),
    [
        (f"{BASE}.run.try2", "sample 'run.try2' ends with 'try2'"),
        (f"{BASE}.k3.k4", "sample 'k4' starts with 'k4'"),
        (
            "group.EIC.evgen.26.02.epic_craterlake.x.p1.e1.s0.r0",
            "detector_version '26.02.epic_craterlake' must look like 26.02.0",
        ),
        (f"{BASE}.x..y", "may only hold letters, digits"),
    ],
)
def test_parse_refuses_what_build_would_not_produce(name: str, reason: str) -> None:
    with pytest.raises(NameError_, match=re.escape(reason)):
        parse_dataset_name(name)


# --------------------------------------------------------------------------- DIDs and attempts
def test_a_did_is_the_scope_a_colon_the_name_and_the_block_suffix() -> None:
    assert build_did(SCOPE, BASE) == f"{SCOPE}:{BASE}.b1"
    assert build_did(SCOPE, BASE, 12) == f"{SCOPE}:{BASE}.b12"


def test_a_did_parses_back_into_scope_name_and_block() -> None:
    assert parse_did(f"{SCOPE}:{BASE}.ma_0.1.b7") == (SCOPE, f"{BASE}.ma_0.1", 7)


def test_a_block_below_one_is_refused() -> None:
    with pytest.raises(NameError_, match="block number must be >= 1, got 0"):
        build_did(SCOPE, BASE, 0)


@pytest.mark.parametrize(
    "did", [BASE + ".b1", f"{SCOPE}:{BASE}", f"{SCOPE}:{BASE}.b0", f":{BASE}.b1", f"{SCOPE}:.b1"]
)
def test_a_malformed_did_is_refused_with_its_text(did: str) -> None:
    with pytest.raises(NameError_) as caught:
        parse_did(did)
    assert str(caught.value) == f"DID '{did}' is not of the form scope:name.b<N>"


def test_the_first_attempt_carries_the_logical_name_and_later_ones_a_try_suffix() -> None:
    assert attempt_name(BASE, 1) == BASE
    assert attempt_name(BASE, 2) == f"{BASE}.try2"
    assert attempt_name(BASE, 11) == f"{BASE}.try11"


def test_an_attempt_name_never_parses_as_a_dataset_name() -> None:
    with pytest.raises(NameError_):
        parse_dataset_name(attempt_name(BASE, 2))


def test_a_try_number_below_one_is_refused() -> None:
    with pytest.raises(NameError_, match="try number must be >= 1, got 0"):
        attempt_name(BASE, 0)


# --------------------------------------------------------------------------- task names
def test_a_task_for_an_issue_is_named_after_the_issue_number() -> None:
    assert task_name_for_issue(122) == "issue-122"


@pytest.mark.parametrize(
    ("row_key", "expected"),
    [
        (
            "Dataset Path=/volatile/eic/EPIC/EVGEN/SINGLE/pi+/1GeV/3to50deg",
            "req.EVGEN.SINGLE.pi+.1GeV.3to50deg",
        ),
        (
            "Dataset Path=/volatile/eic/EPIC/EVGEN/BACKGROUNDS/BEAMGAS/proton/pythia8.306-1.0/"
            "100GeV/",
            "req.EVGEN.BACKGROUNDS.BEAMGAS.proton.pythia8.306-1.0.100GeV",
        ),
        (
            "Dataset Path=/volatile/eic/EPIC/EVGEN/DIS/NC/10x100/minQ2=1",
            "req.EVGEN.DIS.NC.10x100.minQ2=1",
        ),
        ("Dataset Path=/w/eic-scshelf2104/users/gbxalex", "req.w.eic-scshelf2104.users.gbxalex"),
        ("Dataset Path=D0 at 10x130", "req.D0_at_10x130"),
        ("Dataset Path=/x/a#2", "req.x.a_2"),
        ("Dataset Path=", "req.Dataset_Path="),
        ("Dataset Path=///", "req.unnamed"),
    ],
)
def test_a_task_name_from_a_row_key_is_slash_free(row_key: str, expected: str) -> None:
    name = task_name_for_row_key(row_key)
    assert name == expected
    assert "/" not in name
    assert TASK_NAME_RE.match(name)


def test_a_task_name_from_a_row_key_is_stable() -> None:
    key = "Dataset Path=/volatile/eic/EPIC/EVGEN/DIS/NC/10x100/minQ2=1"
    assert {task_name_for_row_key(key) for _ in range(3)} == {task_name_for_row_key(key)}


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=300))
def test_any_row_key_gives_a_safe_task_name(value: str) -> None:
    name = task_name_for_row_key(f"Dataset Path={value}")
    assert "/" not in name
    assert TASK_NAME_RE.match(name), name
    assert len(name) <= 200
    assert name == task_name_for_row_key(f"Dataset Path={value}")


# --------------------------------------------------------------------------- properties
_TOKEN = st.from_regex(r"[A-Za-z0-9_+\-]{1,8}", fullmatch=True)
# Tokens that collide with the grammar's reserved words, so the properties reach the refusals.
_TRICKY = st.sampled_from(["p1", "e2", "s0", "r0", "k3", "try2", "b1", "p01", "k", "26", "0"])
_SEGMENT_TOKEN = st.one_of(_TOKEN, _TRICKY)


def _dotted(max_parts: int) -> st.SearchStrategy[str]:
    return st.lists(_SEGMENT_TOKEN, min_size=1, max_size=max_parts).map(".".join)


def _label(prefix: str) -> st.SearchStrategy[str]:
    return st.integers(min_value=0, max_value=99_999).map(lambda n: f"{prefix}{n}")


_COMPOSED = st.builds(
    ComposedName,
    scope=_dotted(4),
    detector_version=st.tuples(*[st.integers(0, 99)] * 3).map(lambda t: "{}.{}.{}".format(*t)),
    detector_config=_SEGMENT_TOKEN,
    physics=_label("p"),
    evgen=_label("e"),
    simu=_label("s"),
    reco=_label("r"),
    background=st.one_of(st.none(), _label("k")),
    sample=st.one_of(st.just(""), _dotted(6)),
)


def _buildable(parts: ComposedName) -> bool:
    try:
        build_dataset_name(parts)
    except NameError_:
        return False
    return True


@settings(max_examples=200, deadline=None)
@given(_COMPOSED.filter(_buildable))
def test_every_valid_composed_name_parses_back_to_its_parts(parts: ComposedName) -> None:
    name = build_dataset_name(parts)
    assert "/" not in name
    assert parse_dataset_name(name) == parts


@settings(max_examples=200, deadline=None)
@given(_COMPOSED.filter(_buildable))
def test_parse_then_build_is_idempotent(parts: ComposedName) -> None:
    name = build_dataset_name(parts)
    once = parse_dataset_name(name)
    assert build_dataset_name(once) == name
    assert parse_dataset_name(build_dataset_name(once)) == once


@settings(max_examples=200, deadline=None)
@given(_COMPOSED)
def test_build_either_gives_a_slash_free_name_or_refuses_with_the_domain_error(
    parts: ComposedName,
) -> None:
    try:
        name = build_dataset_name(parts)
    except NameError_:
        return
    assert "/" not in name
    assert "\n" not in name


_NAME_CHARS = st.sampled_from(list("pesrkbtyo0123456789._+-/: \nAZaz"))
_NAME_LIKE = st.one_of(
    st.text(),
    st.text(alphabet=_NAME_CHARS, max_size=80),
    st.lists(st.one_of(_SEGMENT_TOKEN, st.text(max_size=4)), max_size=14).map(".".join),
    _COMPOSED.map(lambda p: ".".join(v for v in astuple(p) if v)),
)


@settings(max_examples=200, deadline=None)
@given(_NAME_LIKE)
def test_any_string_either_parses_to_parts_that_rebuild_it_or_raises_the_domain_error(
    text: str,
) -> None:
    try:
        parts = parse_dataset_name(text)
    except NameError_:
        return
    assert build_dataset_name(parts) == text


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=60))
def test_any_string_either_parses_as_a_did_or_raises_the_domain_error(text: str) -> None:
    try:
        scope, name, block = parse_did(text)
    except NameError_:
        return
    assert build_did(scope, name, block) == text
