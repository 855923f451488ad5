"""The templates PWG-authored physics and EvGen tags follow.

A physics tag's category (from its process, or given) names its template in
``state/physics_categories.yaml``: the parameters it must give and the values each may take.
Every physics and EvGen tag gives the parameters its kind needs; a parameter name outside the
kind's vocabulary is refused (a typo would otherwise make a new physics configuration). Each
problem names the parameter and says what to write instead.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from pcs_gitops.domain.model import REQUIRED_TAG_PARAMETERS, TagKind
from pcs_gitops.domain.settings import PhysicsCategory

PHYSICS_PARAMETERS: tuple[str, ...] = (
    "process",
    "beam_energy_electron",
    "beam_energy_hadron",
    "beam_species",
    "nucleon",
    "q2_range",
    "decay_mode",
    "hadron_charge",
    "helicity",
    "polarization",
    "coherence",
    "model",
    "beam_config",
    "state",
    "mechanism",
    "final_state",
    "channel",
    "mass",
    "particle",
    "gun_energy",
    "notes",
)
EVGEN_PARAMETERS: tuple[str, ...] = (
    "generator",
    "generator_version",
    "radiative",
    "signal_freq",
    "signal_status",
    "bg_tag_prefix",
    "bg_files",
    "notes",
)
AUTHORED_KINDS: dict[TagKind, tuple[str, ...]] = {
    TagKind.PHYSICS: PHYSICS_PARAMETERS,
    TagKind.EVGEN: EVGEN_PARAMETERS,
}
EVGEN_ALLOWED: dict[str, tuple[str, ...]] = {"radiative": ("on", "off")}


def category_of_process(process: str, categories: Sequence[PhysicsCategory]) -> int | None:
    """The category that lists ``process``; None when none does (then: exclusive and other,
    the category without a list)."""
    for category in categories:
        if process in category.processes:
            return category.digit
    return None


def template_problems(
    kind: TagKind,
    parameters: Mapping[str, str],
    categories: Sequence[PhysicsCategory],
    category: int | None = None,
) -> list[str]:
    """Every way ``parameters`` break the template of a ``kind`` tag (of ``category``)."""
    known = AUTHORED_KINDS.get(kind)
    if known is None:
        return [f"{kind.value} tags are not authored by PWGs; ask a production manager"]
    problems = [
        f"parameter '{name}' is not a {kind.value} parameter; use one of {', '.join(known)}"
        for name in parameters
        if name not in known
    ]
    required = list(REQUIRED_TAG_PARAMETERS[kind])
    allowed: Mapping[str, tuple[str, ...]] = EVGEN_ALLOWED
    if kind is TagKind.PHYSICS:
        template, problem = _category(parameters, categories, category)
        if problem:
            problems.append(problem)
        if template is not None:
            required += [p for p in template.required if p not in required]
            allowed = template.allowed
    problems += [
        f"parameter '{name}' is required; give it" for name in required if not parameters.get(name)
    ]
    for name, values in allowed.items():
        value = parameters.get(name)
        if value and value not in values:
            problems.append(
                f"parameter '{name}' is '{value}'; the template allows {', '.join(values)}"
            )
    return problems


def _category(
    parameters: Mapping[str, str],
    categories: Sequence[PhysicsCategory],
    given: int | None,
) -> tuple[PhysicsCategory | None, str]:
    """The template of a physics tag, and a problem when the category and process disagree."""
    by_digit = {c.digit: c for c in categories}
    process = parameters.get("process", "")
    listed = category_of_process(process, categories) if process else None
    open_category = next((c.digit for c in categories if not c.processes), None)
    digit = given if given is not None else (listed or open_category)
    template = by_digit.get(digit) if digit is not None else None
    if template is None:
        return None, f"category '{digit}' is unknown; use one of {', '.join(map(str, by_digit))}"
    if process and listed is not None and listed != template.digit:
        other = by_digit[listed]
        return template, (
            f"parameter 'process' is '{process}', a process of category {listed} "
            f"({other.name}), not of {template.digit} ({template.name})"
        )
    if process and listed is None and template.processes:
        return template, (
            f"parameter 'process' is '{process}'; category {template.digit} ({template.name}) "
            f"takes {', '.join(p for p in template.processes if p)}"
        )
    return template, ""


def physics_category(
    parameters: Mapping[str, str], categories: Sequence[PhysicsCategory], given: int | None
) -> int | None:
    """The category a new physics tag gets: the one given, else the one listing its process,
    else the category without a process list."""
    if given is not None:
        return given
    listed = category_of_process(parameters.get("process", ""), categories)
    if listed is not None:
        return listed
    return next((c.digit for c in categories if not c.processes), None)
