"""Free text from outside (form answers, CLI and MCP arguments, catalogue cells): what is refused.

The same rules hold on every write path and in ``pcs validate``:

* a value a spreadsheet would run as a formula: it starts with ``=``, ``+``, ``@``, a tab or a
  carriage return, or with ``-`` unless the whole value is a plain number (``-1`` is a priority,
  ``-2+3*cmd|' /C calc'!A0`` is a formula);
* control characters (NUL and the other C0/C1 controls except tab, LF and CR) and the
  bidirectional controls that make text read differently from how it is stored (U+202E...);
* a line break in a field that takes one line (the form's inputs and dropdowns).
"""

from __future__ import annotations

import re

FORMULA_PREFIXES = ("=", "+", "@", "\t", "\r")
BIDI_CONTROLS = "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
_PLAIN_NUMBER = re.compile(r"-\d+(?:\.\d+)?")
_HOSTILE = re.compile(f"[\\x00-\\x08\\x0b\\x0c\\x0e-\\x1f\\x7f-\\x9f{BIDI_CONTROLS}]")
_LINE_BREAK = re.compile("\r\n|[\r\n\x0b\x0c\x85\u2028\u2029]")
FIX_FORMULA = "remove the leading character or prefix the text with a letter"


def formula_problem(value: str) -> str | None:
    """Why a spreadsheet would run ``value`` as a formula, or None when it is safe."""
    if value.startswith(FORMULA_PREFIXES):
        return f"starts with {value[0]!r}, which a spreadsheet runs as a formula"
    if value.startswith("-") and not _PLAIN_NUMBER.fullmatch(value):
        return "starts with '-' and is not a plain number, which a spreadsheet runs as a formula"
    return None


def hostile_character(value: str) -> str | None:
    """The first control or bidirectional character of ``value``, described; None if clean."""
    match = _HOSTILE.search(value)
    if match is None:
        return None
    char = match.group()
    kind = "a bidirectional control" if char in BIDI_CONTROLS else "a control character"
    return f"contains U+{ord(char):04X} ({kind}) at position {match.start() + 1}"


def text_problem(value: str) -> str | None:
    """Why ``value`` may not be stored as free text, with what to do; None when it may."""
    reason = formula_problem(value)
    if reason is not None:
        return f"the value {reason}; {FIX_FORMULA}"
    reason = hostile_character(value)
    if reason is not None:
        return f"the value {reason}; remove it (retype the text rather than pasting it)"
    return None


def line_count(value: str) -> int:
    return len(_LINE_BREAK.split(value.strip()))


def line_break_problem(value: str) -> str | None:
    """Why ``value`` does not fit a one-line field, or None when it is one line."""
    lines = line_count(value)
    if lines < 2:
        return None
    return (
        f"the value spans {lines} lines but this field takes one line; it was not recorded. "
        "Give a single value on one line (and one request per dataset)"
    )
