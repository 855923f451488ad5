"""The "Physics configuration" issue form read into a tag draft.

The form (``.github/ISSUE_TEMPLATE/physics_config.yml``) asks for the authoring PWG, the tag
type (physics or EvGen), the usual parameters as their own fields, further parameters one
``name = value`` per line, and a description. ``draft_from_answers`` turns its answers (as
``domain.issue_form.parse_issue_body`` returns them) into a ``TagDraft``; the template check
happens when the tag is made.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from pcs_gitops.domain.issue_form import FormValue
from pcs_gitops.errors import UsageError

FORM_NAME = "physics_config.yml"
FORM_LABEL = "physics-config"
# The form's own parameter fields, by id (each is the parameter of the same name).
PARAMETER_FIELDS: tuple[str, ...] = (
    "process",
    "beam_energy_electron",
    "beam_energy_hadron",
    "q2_range",
    "generator",
    "generator_version",
)
TAG_TYPES = {"Physics": "physics", "EvGen": "evgen"}


@dataclass(frozen=True)
class TagDraft:
    """A physics configuration as a PWG member writes it."""

    kind: str  # physics or evgen (p, e)
    pwg: str  # slug or display name of the authoring PWG
    parameters: Mapping[str, str] = field(default_factory=dict)
    description: str = ""
    category: int | None = None  # physics: default from the process


def _text(value: FormValue) -> str:
    if isinstance(value, list):
        return ", ".join(value)
    return (value or "").strip()


def extra_parameters(text: str) -> dict[str, str]:
    """``name = value`` lines (blank lines and lines starting with # ignored)."""
    out: dict[str, str] = {}
    for number, line in enumerate(text.splitlines(), start=1):
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        name, sep, value = stripped.partition("=")
        if not sep or not name.strip():
            raise UsageError(f"Other parameters, line {number}: '{stripped}' is not 'name = value'")
        out[name.strip()] = value.strip()
    return out


def draft_from_answers(answers: Mapping[str, FormValue]) -> TagDraft:
    """The tag draft of a filed "Physics configuration" form."""
    kind_text = _text(answers.get("tag_type"))
    kind = TAG_TYPES.get(kind_text, kind_text.lower())
    parameters = {f: _text(answers.get(f)) for f in PARAMETER_FIELDS}
    for name, value in extra_parameters(_text(answers.get("other_parameters"))).items():
        if parameters.get(name):
            raise UsageError(
                f"Other parameters: '{name}' has its own field in the form; give it there only"
            )
        parameters[name] = value
    return TagDraft(
        kind=kind,
        pwg=_text(answers.get("pwg")),
        parameters={k: v for k, v in parameters.items() if v},
        description=_text(answers.get("description")),
    )
