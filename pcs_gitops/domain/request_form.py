"""Reading a dataset request form: answers -> catalogue values, intake requests and problems.

Untrusted input rules (the lessons of epic-prod's workflows, see the catalogue digest §2.6):
values are cleaned of control and bidirectional characters, size-limited, refused when a
spreadsheet would run them as a formula, and dataset paths are validated before anything uses
them.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field

from pcs_gitops.domain.catalog import PRIORITIES, formula_problem
from pcs_gitops.domain.free_text import line_break_problem
from pcs_gitops.domain.intake import DatasetIntake, TaskIntake, guess_source_kind, validate_location
from pcs_gitops.domain.issue_form import FormValue, IssueForm
from pcs_gitops.domain.model import SourceKind
from pcs_gitops.domain.naming import NameError_, check_sample
from pcs_gitops.domain.settings import CatalogSettings
from pcs_gitops.errors import UsageError

# --------------------------------------------------------------------------- the form

# Older labels of form fields, so issues filed before a rename still parse.
FORM_ALIASES: dict[str, tuple[str, ...]] = {"generator_dataset_version": ("Generator Config",)}

# Form field id -> catalogue field id (the public catalogue row).
FORM_TO_CATALOG: dict[str, str] = {
    "dsc_or_pwg": "pwg",
    "dataset_path": "dataset_path",
    "generator_dataset_version": "generator_version",
    "number_of_events": "events",
    "background": "background",
    "new_request": "new_request",
    "pre_tdr_use": "pre_tdr_use",
    "early_science_use": "early_science_use",
    "other_use": "other_use",
    "description": "description",
    "priority": "priority",
}
CATALOG_TO_FORM = {v: k for k, v in FORM_TO_CATALOG.items()}
# Optional form fields that steer the dataset intake (not catalogue columns).
EXTRA_FIELDS = (
    "source_kind",
    "detector_version",
    "physics_tag",
    "evgen_tag",
    "contact",
    "sample_variant",
)
# Dropdowns whose value must be one of the options (matched ignoring case). "Other Use" is
# free text in the catalogue, so it is not checked against the form's options.
CHECKED_DROPDOWNS = frozenset(
    {"background", "new_request", "pre_tdr_use", "early_science_use", "source_kind"}
)

MAX_BODY = 65_536  # characters of an issue body or comment (GitHub's own limit)
MAX_SINGLE_LINE = 1_000  # characters of an input or dropdown value
MAX_MULTI_LINE = 10_000  # characters of a textarea value

_BIDI = "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
_CONTROL_MULTI = re.compile(f"[\\x00-\\x08\\x0b-\\x1f\\x7f{_BIDI}]")
_CONTROL_SINGLE = re.compile(f"[\\x00-\\x1f\\x7f{_BIDI}]")
_PRIORITY = re.compile(r"^\s*(-?\d+)(?!\d)")

NOT_A_FORM = (
    "the issue body is not a dataset request form: none of its headings (### DSC or PWG, "
    "### Dataset Path, ...) were found. Open the request with the 'Dataset Request' issue "
    "template, or edit the body to follow it."
)


def clean_text(value: str, *, multiline: bool) -> tuple[str, int]:
    """``value`` without control and bidirectional characters, and how many were removed.

    Line breaks become LF; a multi-line value keeps LF and tabs, a single-line value keeps
    neither. Surrounding whitespace is stripped.
    """
    text = value.replace("\r\n", "\n")
    pattern = _CONTROL_MULTI if multiline else _CONTROL_SINGLE
    cleaned, removed = pattern.subn("", text)
    cleaned = cleaned.strip("\n ").rstrip() if multiline else cleaned.strip()
    return cleaned, removed


@dataclass
class RequestAnswers:
    """What the form (or a correction) said, after cleaning and validation."""

    catalog: dict[str, str] = field(default_factory=dict)  # catalogue id -> accepted value
    extras: dict[str, str] = field(default_factory=dict)  # EXTRA_FIELDS -> accepted value
    problems: dict[str, str] = field(default_factory=dict)  # field label -> why refused
    notes: list[str] = field(default_factory=list)
    accepted: list[str] = field(default_factory=list)  # labels of the accepted fields

    def dataset_intake(
        self, description: str = "", recorded_release: str = ""
    ) -> DatasetIntake | None:
        """The intake of the input dataset named by the accepted Dataset Path, if any; the
        release URL is the answer's, else ``recorded_release`` (the request's current one, when
        only the path is corrected)."""
        path = self.catalog.get("dataset_path", "")
        if not path:
            return None
        release = self.catalog.get("generator_version", recorded_release)
        return DatasetIntake(
            source_location=path,
            source_kind=self.extras.get("source_kind") or None,
            physics_tag=self.extras.get("physics_tag") or None,
            evgen_tag=self.extras.get("evgen_tag") or None,
            detector_version=self.extras.get("detector_version") or None,
            release_url=release if release.startswith(("http://", "https://")) else None,
            generator_text=None if release.startswith(("http://", "https://")) else release,
            description=description,
        )

    def task_intake(self, issue: int, input_did: str | None = None) -> TaskIntake:
        contact = self.extras.get("contact")
        return TaskIntake(
            public_catalog_issue=issue,
            catalog=dict(self.catalog),
            input_dataset_did=input_did,
            description=f"Contact: {contact}" if contact else None,
            sample_variant=self.extras.get("sample_variant"),
        )


def _label(form: IssueForm, field_id: str) -> str:
    try:
        return form.field(field_id).label
    except KeyError:
        return field_id


def _as_text(value: FormValue) -> str:
    if value is None:
        return ""
    if isinstance(value, list):
        return ", ".join(value)
    return value


def _normalise(
    form: IssueForm, field_id: str, raw: str, settings: CatalogSettings
) -> tuple[str | None, str | None]:
    """(accepted value, None) or (None, why the value is refused). ``raw`` is cleaned."""
    if not raw:
        return "", None
    catalog_id = FORM_TO_CATALOG.get(field_id)
    if catalog_id is not None and field_id != "priority":  # '-1 (N/A)' is read as -1 below
        reason = formula_problem(raw)
        if reason:
            return None, (
                f"the value {reason}; it was not recorded. Remove the leading character or "
                "start the text with a letter."
            )
    if field_id == "dsc_or_pwg":
        slug = settings.pwg_slug(raw)
        if slug is None:
            names = ", ".join(p.name for p in settings.pwgs)
            return None, f"'{raw}' is not a known DSC or PWG; choose one of: {names}."
        return slug, None
    if field_id == "priority":
        match = _PRIORITY.match(raw)
        if match is None or match.group(1) not in PRIORITIES:
            return None, f"'{raw}' is not a priority; choose 1 (Highest), 2, 3 or -1 (N/A)."
        return match.group(1), None
    if field_id in CHECKED_DROPDOWNS:
        options = _options(form, field_id)
        for option in options:
            if raw.casefold() == option.casefold():
                return option, None
        if options:
            return None, f"'{raw}' is not one of the options: {', '.join(options)}."
    if field_id == "physics_tag" or field_id == "evgen_tag":
        text = raw.lower()
        prefix = "p" if field_id == "physics_tag" else "e"
        if not re.fullmatch(prefix + r"\d+", text):
            return None, f"'{raw}' is not a tag label like {prefix}1; leave it empty if unsure."
        return text, None
    if field_id == "detector_version" and not re.fullmatch(r"\d+\.\d+\.\d+", raw):
        return None, f"'{raw}' is not a version like 26.02.0."
    if field_id == "sample_variant":
        try:
            check_sample(raw)
        except NameError_ as exc:
            return None, f"{exc}; use letters, digits, '_', '+', '-' (e.g. highstat or 2ndpass)."
    return raw, None


def _options(form: IssueForm, field_id: str) -> tuple[str, ...]:
    try:
        return form.field(field_id).options
    except KeyError:
        return ()


def _validate_path(answers: RequestAnswers, form: IssueForm) -> None:
    path = answers.catalog.get("dataset_path")
    if not path:
        return
    label = _label(form, "dataset_path")
    kind_text = answers.extras.get("source_kind") or ""
    try:
        kind = SourceKind(kind_text) if kind_text else guess_source_kind(path)
        validate_location(kind, path)
    except (UsageError, ValueError) as exc:
        del answers.catalog["dataset_path"]
        answers.accepted.remove(label)
        answers.problems[label] = (
            f"{exc}; it was not recorded. Give one absolute path (or URL, or Rucio DID) without "
            "spaces, '..' or shell characters; file one request per dataset."
        )


def answers_from_form(
    form: IssueForm,
    values: Mapping[str, FormValue],
    settings: CatalogSettings,
    *,
    only: Collection[str] | None = None,
) -> RequestAnswers:
    """Clean and validate form answers (``{form field id: value}``).

    ``only`` restricts the result to those field ids (a correction, or an edit of the body);
    otherwise every catalogue and extra field of the form is answered ("" when empty).
    """
    answers = RequestAnswers()
    wanted = [
        f.id
        for f in form.fields
        if (f.id in FORM_TO_CATALOG or f.id in EXTRA_FIELDS) and (only is None or f.id in only)
    ]
    for field_id in wanted:
        form_field = form.field(field_id)
        multiline = form_field.type == "textarea"
        text = _as_text(values.get(field_id))
        raw, removed = clean_text(text, multiline=multiline)
        label = form_field.label
        if removed:
            answers.notes.append(
                f"{label}: {removed} control or bidirectional character(s) were removed."
            )
        limit = MAX_MULTI_LINE if multiline else MAX_SINGLE_LINE
        if len(raw) > limit:
            answers.problems[label] = (
                f"the value is {len(raw)} characters long; the limit is {limit}. Shorten it."
            )
            continue
        broken = None if multiline else line_break_problem(text)
        if broken is not None:
            answers.problems[label] = broken
            continue
        value, problem = _normalise(form, field_id, raw, settings)
        if problem is not None or value is None:
            answers.problems[label] = problem or "refused"
            continue
        if field_id in FORM_TO_CATALOG:
            answers.catalog[FORM_TO_CATALOG[field_id]] = value
        else:
            answers.extras[field_id] = value
        answers.accepted.append(label)
    _validate_path(answers, form)
    return answers


def form_found(form: IssueForm, body: str) -> bool:
    """Whether the body is a filled-in form: at least one of its headings is present."""
    return any(
        line.startswith("### ") and form.field_for_heading(line[4:]) is not None
        for line in body.replace("\r\n", "\n").split("\n")
    )


def changed_fields(old: Mapping[str, FormValue], new: Mapping[str, FormValue]) -> list[str]:
    """Form field ids whose answer differs between two parses (an edit of the issue body)."""
    return [k for k in new if _as_text(new.get(k)) != _as_text(old.get(k))]
