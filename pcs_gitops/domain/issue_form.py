"""GitHub issue forms: the template model, a parser of submitted bodies and its inverse.

GitHub turns a submitted issue form into a Markdown body. For every non-markdown field, in
template order, it writes ``### {label}``, a blank line, the value, and a blank line
before the next heading::

    ### DSC or PWG

    Jets & HF

    ### Dataset Path

    _No response_

* an empty input/textarea, and a dropdown with nothing selected, render as ``_No response_``;
* a multiple-select dropdown renders the chosen options joined by ``", "``;
* checkboxes render one line per option, ``- [X] label`` or ``- [ ] label``;
* textarea values are kept verbatim (inner blank lines, lines starting with ``### ``...).

:func:`parse_issue_body` reads such a body back into ``{field id: value}``, and
:func:`render_issue_body` produces one (used by tests and fixtures).

Parser rules (the documented normalisation):

* CRLF line endings are turned into LF first; nothing else in the content is changed.
* A section starts only at a line ``### <label>`` where ``<label>``, after stripping trailing
  whitespace, is the label or an alias of a field of the form (matched case-sensitively first,
  then case-insensitively) that has not been seen yet. Any other ``### `` line, including a
  repeated heading of a field already seen, stays inside the current value. Fenced code
  blocks get no special treatment.
* Text before the first recognised heading is ignored and returned nowhere.
* A value is the section text with leading blank lines removed and trailing whitespace of the
  whole value removed; inner blank lines and inner lines are kept verbatim. Input and dropdown
  values (single-line by nature) are stripped on both sides.
* An empty value, or exactly ``_No response_`` (any case), is ``None``. For a dropdown, the
  literal ``None`` is ``None`` too, unless ``None`` is one of its options.
* A multiple-select dropdown gives ``list[str]``: the text is split at ``", "`` against the
  known options (options that contain ``", "`` themselves are matched whole); pieces that are
  not options are kept as given.
* Checkboxes give the list of checked labels (``[x]`` or ``[X]``), possibly empty.
* A field of the form whose heading does not appear in the body is ``None``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

from pcs_gitops.errors import ValidationFailed

__all__ = [
    "FIELD_TYPES",
    "NO_RESPONSE",
    "FormField",
    "FormValue",
    "IssueForm",
    "field_by_name",
    "parse_issue_body",
    "render_issue_body",
]

FormValue = str | list[str] | None

NO_RESPONSE = "_No response_"
FIELD_TYPES = ("input", "textarea", "dropdown", "checkboxes", "markdown")
_HEADING_PREFIX = "### "
_OPTION_SEPARATOR = ", "
_CHECKBOX_RE = re.compile(r"^\s*[-*] \[([ xX])\] ?(.*)$")


@dataclass(frozen=True)
class FormField:
    """One non-markdown field of an issue form."""

    id: str
    label: str
    type: str  # "input" | "textarea" | "dropdown" | "checkboxes" | "markdown"
    options: tuple[str, ...] = ()
    multiple: bool = False  # dropdown with ``multiple: true``
    required: bool = False
    aliases: tuple[str, ...] = ()  # older labels that map to this id

    @property
    def names(self) -> tuple[str, ...]:
        """The label followed by the aliases: every heading that starts this field's section."""
        return (self.label, *self.aliases)


@dataclass(frozen=True)
class IssueForm:
    """An issue-form template: its top-level settings and its fields (markdown excluded)."""

    name: str
    title: str
    labels: tuple[str, ...]
    fields: tuple[FormField, ...]

    @classmethod
    def from_template(
        cls,
        data: Mapping[str, Any],
        aliases: Mapping[str, Sequence[str]] | None = None,
    ) -> IssueForm:
        """Build the form from the issue-form YAML, already loaded as a mapping.

        ``aliases`` maps a field id to older labels of that field (e.g.
        ``{"generator_dataset_version": ["Generator Config"]}``), so bodies of issues filed
        before a label was renamed still parse. An alias applies only where it fits: to a field
        the template has, and unless another field carries that label today (a catalogue that
        trims or renames its form parses with the same aliases). Raises ``ValidationFailed``
        listing every problem of a malformed template.
        """
        problems: list[str] = []
        extra = {k: tuple(v) for k, v in (aliases or {}).items()}
        body = data.get("body")
        if not isinstance(body, list):
            raise ValidationFailed(["'body' must be a list of fields"], "invalid issue form")
        fields: list[FormField] = []
        for index, item in enumerate(body):
            where = f"body[{index}]"
            if not isinstance(item, Mapping):
                problems.append(f"{where}: must be a mapping")
                continue
            kind = item.get("type")
            if kind not in FIELD_TYPES:
                problems.append(f"{where}: unknown type {kind!r}; expected one of {FIELD_TYPES}")
                continue
            if kind == "markdown":
                continue
            field = _field_from_template(item, where, problems, extra)
            if field is not None:
                fields.append(field)
        fields = _fitting_aliases(fields)
        _check_unique(fields, problems)
        if problems:
            raise ValidationFailed(problems, "invalid issue form")
        return cls(
            name=_as_text(data.get("name", "")),
            title=_as_text(data.get("title", "")),
            labels=_labels(data.get("labels")),
            fields=tuple(fields),
        )

    def field(self, field_id: str) -> FormField:
        """The field with this id; ``KeyError`` if there is none."""
        for f in self.fields:
            if f.id == field_id:
                return f
        raise KeyError(field_id)

    def field_for_heading(self, heading: str) -> FormField | None:
        """The field whose label or alias is ``heading`` (trailing whitespace ignored).

        Matched case-sensitively first, then case-insensitively; ``None`` if no field matches.
        """
        text = heading.rstrip()
        for f in self.fields:
            if text in f.names:
                return f
        folded = text.casefold()
        for f in self.fields:
            if any(folded == n.casefold() for n in f.names):
                return f
        return None


def field_by_name(form: IssueForm, name: str) -> FormField | None:
    """Find a field by id, label or alias, ignoring case and surrounding whitespace.

    Exact (case-sensitive) matches win over case-insensitive ones. Used to resolve the field
    named in ``!update Field: value`` comments.
    """
    wanted = name.strip()
    for f in form.fields:
        if wanted == f.id or wanted in f.names:
            return f
    folded = wanted.casefold()
    for f in form.fields:
        if folded == f.id.casefold() or any(folded == n.casefold() for n in f.names):
            return f
    return None


def parse_issue_body(form: IssueForm, body: str) -> dict[str, FormValue]:
    """Parse a submitted issue-form body into ``{field id: value}`` (see the module rules)."""
    sections: dict[str, list[str]] = {}
    current: list[str] | None = None  # None until the first recognised heading
    for line in body.replace("\r\n", "\n").split("\n"):
        if line.startswith(_HEADING_PREFIX):
            field = form.field_for_heading(line[len(_HEADING_PREFIX) :])
            if field is not None and field.id not in sections:
                current = sections[field.id] = []
                continue
        if current is not None:
            current.append(line)
    result: dict[str, FormValue] = {}
    for f in form.fields:
        lines = sections.get(f.id)
        result[f.id] = None if lines is None else _field_value(f, lines)
    return result


def render_issue_body(form: IssueForm, answers: Mapping[str, FormValue]) -> str:
    """Render answers the way GitHub renders a submitted form; missing answers are empty.

    Input/textarea strings are written verbatim (empty or blank ones as ``_No response_``); a
    dropdown takes a string or, when multiple, a list joined by ``", "``; checkboxes take the
    list of checked labels.
    """
    blocks = []
    for f in form.fields:
        value = _render_value(f, answers.get(f.id))
        blocks.append(f"{_HEADING_PREFIX}{f.label}\n\n{value}")
    return "\n\n".join(blocks)


# --- helpers -------------------------------------------------------------------------


def _as_text(value: object) -> str:
    return "" if value is None else str(value)


def _labels(value: object) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):  # GitHub also accepts a comma-delimited string
        return tuple(p.strip() for p in value.split(",") if p.strip())
    if isinstance(value, Sequence):
        return tuple(str(v) for v in value)
    return (str(value),)


def _field_from_template(
    item: Mapping[str, Any],
    where: str,
    problems: list[str],
    aliases: Mapping[str, tuple[str, ...]],
) -> FormField | None:
    kind = str(item["type"])
    attributes = item.get("attributes")
    if not isinstance(attributes, Mapping):
        problems.append(f"{where}: 'attributes' must be a mapping")
        return None
    label = attributes.get("label")
    if not isinstance(label, str) or not label.strip():
        problems.append(f"{where}: 'attributes.label' must be a non-empty string")
        return None
    raw_id = item.get("id")
    if raw_id is not None and not isinstance(raw_id, str):
        problems.append(f"{where}: 'id' must be a string")
        return None
    field_id = raw_id or _slug(label)
    validations = item.get("validations")
    required = isinstance(validations, Mapping) and validations.get("required") is True
    options = _options(kind, attributes.get("options"), where, problems)
    if options is None:
        return None
    return FormField(
        id=field_id,
        label=label,
        type=kind,
        options=options,
        multiple=kind == "dropdown" and attributes.get("multiple") is True,
        required=required,
        aliases=aliases.get(field_id, ()),
    )


def _options(kind: str, raw: object, where: str, problems: list[str]) -> tuple[str, ...] | None:
    if kind not in ("dropdown", "checkboxes"):
        return ()
    if not isinstance(raw, list) or not raw:
        problems.append(f"{where}: a {kind} needs a non-empty list of 'options'")
        return None
    options: list[str] = []
    for j, option in enumerate(raw):
        is_mapping = kind == "checkboxes" and isinstance(option, Mapping)
        text = option.get("label") if is_mapping else option
        if isinstance(text, bool) or not isinstance(text, str | int | float):
            problems.append(
                f"{where}.options[{j}]: must be a string (quote YAML words like Yes/No), "
                f"got {text!r}"
            )
            return None
        options.append(str(text))
    return tuple(options)


def _fitting_aliases(fields: Sequence[FormField]) -> list[FormField]:
    """The fields without the aliases that name another field's label."""
    labels = {f.label.rstrip().casefold(): f.id for f in fields}
    return [
        replace(
            f,
            aliases=tuple(a for a in f.aliases if labels.get(a.rstrip().casefold(), f.id) == f.id),
        )
        for f in fields
    ]


def _check_unique(fields: Sequence[FormField], problems: list[str]) -> None:
    seen_ids: set[str] = set()
    seen_names: dict[str, str] = {}
    for f in fields:
        if f.id in seen_ids:
            problems.append(f"field id {f.id!r} is used twice")
        seen_ids.add(f.id)
        for n in f.names:
            key = n.rstrip()
            if key in seen_names and seen_names[key] != f.id:
                problems.append(f"label {n!r} is used by {seen_names[key]!r} and {f.id!r}")
            seen_names.setdefault(key, f.id)


def _slug(label: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", label.casefold()).strip("_")


def _section_text(lines: Sequence[str]) -> str:
    start = 0
    while start < len(lines) and not lines[start].strip():
        start += 1
    return "\n".join(lines[start:]).rstrip()


def _is_no_response(text: str) -> bool:
    return not text or text.casefold() == NO_RESPONSE.casefold()


def _field_value(field: FormField, lines: Sequence[str]) -> FormValue:
    text = _section_text(lines)
    if field.type == "checkboxes":
        return None if _is_no_response(text.strip()) else _checked(text)
    if field.type in ("input", "dropdown"):
        text = text.strip()
    if _is_no_response(text.strip()):
        return None
    if field.type == "dropdown":
        if text == "None" and "None" not in field.options:
            return None
        if field.multiple:
            return _split_options(text, field.options)
    return text


def _checked(text: str) -> list[str]:
    checked: list[str] = []
    for line in text.split("\n"):
        match = _CHECKBOX_RE.match(line)
        if match and match.group(1) in "xX":
            checked.append(match.group(2).rstrip())
    return checked


def _split_options(text: str, options: Sequence[str]) -> list[str]:
    """Split ``a, b, c`` into options, keeping options that contain ``", "`` whole.

    Pieces that are not options never contain ``", "``. Among the ways to cut the text, the one
    with the fewest unknown pieces wins, then the one with the fewest pieces (longest options).
    """
    known = set(options)
    cuts = [m.start() for m in re.finditer(re.escape(_OPTION_SEPARATOR), text)]
    starts = [0] + [c + len(_OPTION_SEPARATOR) for c in cuts]
    ends = [*cuts, len(text)]
    # best[i] = (unknown pieces, pieces, index of the end of the first piece) for text[starts[i]:]
    n = len(starts)
    best: list[tuple[int, int, int]] = [(0, 0, -1)] * (n + 1)
    for i in range(n - 1, -1, -1):
        choice: tuple[int, int, int] | None = None
        for j in range(i, n):
            piece = text[starts[i] : ends[j]]
            if j > i and piece not in known:
                continue  # an unknown piece never spans a separator
            rest = best[j + 1]
            candidate = (rest[0] + (piece not in known), rest[1] + 1, j)
            if choice is None or candidate[:2] < choice[:2]:
                choice = candidate
        assert choice is not None
        best[i] = choice
    pieces: list[str] = []
    i = 0
    while i < n:
        j = best[i][2]
        pieces.append(text[starts[i] : ends[j]])
        i = j + 1
    return pieces


def _render_value(field: FormField, value: FormValue) -> str:
    if field.type == "checkboxes":
        chosen = set(_as_list(value))
        return "\n".join(f"- [{'X' if o in chosen else ' '}] {o}" for o in field.options)
    text = _OPTION_SEPARATOR.join(value) if isinstance(value, list) else value or ""
    return text if text.strip() else NO_RESPONSE


def _as_list(value: FormValue) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        return [value]
    return list(value)
