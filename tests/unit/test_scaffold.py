"""The plan of generated files (pure): placeholders, pins, and what an upgrade would change."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pcs_gitops.errors import UsageError
from pcs_gitops.services.scaffold import (
    ActionPin,
    Change,
    FileChange,
    PlannedFile,
    ScaffoldOptions,
    compare,
    parse_action_ref,
    plan_files,
    render_template,
)

SHA = "a" * 40
PIN = ActionPin("eic/pcs-gitops", SHA, "1.2.3")
OPTIONS = ScaffoldOptions(action=PIN, pcs_version="1.2.3", catalogue="eic/epic-prod")


def test_a_pinned_action_is_used_by_commit_with_its_version_as_a_comment() -> None:
    assert PIN.uses() == f"eic/pcs-gitops@{SHA} # v1.2.3"


def test_the_local_pin_uses_this_checkout() -> None:
    local = parse_action_ref("local", PIN)
    assert local.local
    assert local.uses().startswith("./ #")


def test_the_packaged_commit_keeps_the_packaged_version() -> None:
    assert parse_action_ref(f"eic/pcs-gitops@{SHA}", PIN) == PIN
    assert parse_action_ref(SHA, PIN) == PIN


def test_another_commit_is_labelled_by_its_sha() -> None:
    other = "b" * 40
    assert parse_action_ref(f"fork/pcs@{other}", PIN) == ActionPin(
        "fork/pcs", other, "0.0.0-bbbbbbbbbbbb"
    )


@pytest.mark.parametrize("ref", ["main", "v1.2.3", "eic/pcs-gitops@v1", "A" * 40, "a" * 39])
def test_refs_that_can_move_or_are_not_a_full_sha_are_refused(ref: str) -> None:
    with pytest.raises(UsageError, match="full 40-hex commit SHA"):
        parse_action_ref(ref, PIN)


def test_a_malformed_repository_is_refused() -> None:
    with pytest.raises(UsageError, match="is not OWNER/NAME"):
        parse_action_ref(f"not a repo@{SHA}", PIN)


def test_templates_get_every_placeholder_and_keep_github_expressions() -> None:
    template = b"uses: @PCS_ACTION@\nrun: ${{ github.ref }} @PCS_VERSION@\n"
    [planned] = plan_files({".github/workflows/x.yml": template}, OPTIONS)
    assert planned.content == (
        f"uses: eic/pcs-gitops@{SHA} # v1.2.3\nrun: ${{{{ github.ref }}}} 1.2.3\n".encode()
    )


def test_an_unknown_placeholder_is_an_internal_error() -> None:
    with pytest.raises(UsageError, match="@NOPE@ has no value"):
        render_template(b"@NOPE@", OPTIONS.values())


@given(st.text())
def test_text_without_placeholders_is_left_byte_for_byte(text: str) -> None:
    content = text.replace("@", "").encode()
    assert render_template(content, OPTIONS.values()) == content


def test_compare_creates_updates_and_keeps() -> None:
    planned = [
        PlannedFile("new.yml", b"a\n"),
        PlannedFile("same.yml", b"a\n"),
        PlannedFile("stale.yml", b"a\nb\n"),
        PlannedFile("README.md", b"generated\n"),
    ]
    existing = {"same.yml": b"a\n", "stale.yml": b"a\nc\nd\n", "README.md": b"ours\n"}
    assert compare(planned, existing) == [
        FileChange("new.yml", Change.CREATED, 1),
        FileChange("same.yml", Change.UNCHANGED),
        FileChange("stale.yml", Change.UPDATED, 1, 2),
        FileChange("README.md", Change.KEPT),
    ]


def test_seeded_files_are_only_created() -> None:
    assert not PlannedFile("README.md", b"").managed
    assert not PlannedFile("docs/index.md", b"").managed
    assert PlannedFile(".github/workflows/checks.yml", b"").managed
    assert PlannedFile("schemas/tag.schema.json", b"").managed
