"""A fast writer of record YAML, byte-identical to the YAML store's PyYAML dump.

A record is a mapping of strings, integers, booleans, nulls, lists and mappings. Writing one
with PyYAML goes through its representer and emitter (a node object and several events per
value): that is most of what writing 60,000 imported records costs. This module writes the same
block layout directly: ``key: value`` lines, nested mappings indented by two, sequences under
a key not indented ("indentless", as PyYAML writes them), ``{}`` and ``[]`` for empty ones.

How a string is written (plain, quoted) is the delicate part: a plain-looking string of the
common alphabet is written plain when the YAML resolver reads it back as a string; any other
string's token is asked of PyYAML itself (``token_of``, remembered). Whatever this module does
not handle (a multi-line or very long string, a float, a non-string key, an unknown type) makes
the whole record go to PyYAML (``fallback``). ``tests/integration/test_record_yaml.py`` pins the
bytes against PyYAML with Hypothesis and on real records.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

# Strings of this alphabet are plain in block context unless they read as another type
# (a number, a date, a boolean, null) or hold one of the sequences checked in ``_plain``.
_PLAIN_ALPHABET = re.compile(r"[A-Za-z0-9_./(][A-Za-z0-9_./()=+~ :-]*")
# Longer tokens could meet PyYAML's line width (10,000) and be folded: PyYAML writes those.
_MAX_TOKEN = 4000
_MAX_KEY = 100  # a simple key is under 128 characters
_MAX_DEPTH = 40
# YAML's line breaks: PyYAML breaks a quoted string at each, indented as deep as the value is,
# so such a string has no token independent of where it stands
_LINE_BREAK = re.compile("[\n\r\x85\u2028\u2029]")
_MEMO_LIMIT = 200_000


class _Unhandled(Exception):
    """A value this writer leaves to PyYAML (the whole record is then dumped by PyYAML)."""


class RecordWriter:
    """``dump(data)``: the YAML text of one record, as the store's PyYAML dump writes it.

    ``token_of(text)`` is PyYAML's one-line token for a string (None when it takes more than
    one line); ``is_plain_str(text)`` says whether the resolver reads ``text`` written plain as
    a string; ``fallback(data)`` is the PyYAML dump of a whole record.
    """

    def __init__(
        self,
        token_of: Callable[[str], str | None],
        is_plain_str: Callable[[str], bool],
        fallback: Callable[[Any], str],
    ) -> None:
        self._token_of = token_of
        self._is_plain_str = is_plain_str
        self._fallback = fallback
        self._tokens: dict[str, str | None] = {}

    def dump(self, data: Any) -> str:
        if type(data) is not dict or not data:
            return self._fallback(data)
        out: list[str] = []
        try:
            self._mapping(data, 0, "", out)
        except _Unhandled:
            return self._fallback(data)
        return "".join(out)

    # -- scalars ----------------------------------------------------------------------------
    def _scalar(self, value: Any) -> str:
        kind = type(value)
        if kind is str:
            return self._string(value)
        if value is None:
            return "null"
        if kind is bool:
            return "true" if value else "false"
        if kind is int:
            return str(value)
        raise _Unhandled

    def _string(self, text: str) -> str:
        token = self._tokens.get(text)
        if token is None:
            if text in self._tokens or _LINE_BREAK.search(text) or len(text) > _MAX_TOKEN:
                raise _Unhandled
            token = self._tokens[text] = self._token(text)
            if len(self._tokens) > _MEMO_LIMIT:
                self._tokens.clear()
            if token is None:
                raise _Unhandled
        return token

    def _token(self, text: str) -> str | None:
        if _plain(text) and self._is_plain_str(text):
            return text
        token = self._token_of(text)
        if token is None or len(token) > _MAX_TOKEN:
            return None
        return token

    def _key(self, key: Any) -> str:
        """A key written plain; any other key (quoted, or a line break PyYAML writes as a
        complex ``? key``) is left to PyYAML."""
        if type(key) is not str or len(key) > _MAX_KEY or self._string(key) != key:
            raise _Unhandled
        return key

    # -- collections ------------------------------------------------------------------------
    def _mapping(self, data: dict[Any, Any], column: int, lead: str, out: list[str]) -> None:
        """Write a non-empty mapping whose keys start at ``column``; the first line starts
        with ``lead`` (a list item's dash, or the indentation)."""
        if column > 2 * _MAX_DEPTH:
            raise _Unhandled
        pad = " " * column
        for key, value in data.items():
            head = f"{lead}{self._key(key)}:"
            lead = pad
            kind = type(value)
            if kind is dict:
                if value:
                    out.append(head + "\n")
                    self._mapping(value, column + 2, pad + "  ", out)
                else:
                    out.append(head + " {}\n")
            elif kind is list:
                if value:
                    out.append(head + "\n")
                    self._sequence(value, column, pad, out)
                else:
                    out.append(head + " []\n")
            else:
                out.append(f"{head} {self._scalar(value)}\n")

    def _sequence(self, items: list[Any], column: int, lead: str, out: list[str]) -> None:
        if column > 2 * _MAX_DEPTH:
            raise _Unhandled
        pad = " " * column
        for item in items:
            dash = lead + "- "
            lead = pad
            kind = type(item)
            if kind is dict:
                if item:
                    self._mapping(item, column + 2, dash, out)
                else:
                    out.append(dash + "{}\n")
            elif kind is list:
                if item:
                    self._sequence(item, column + 2, dash, out)
                else:
                    out.append(dash + "[]\n")
            else:
                out.append(dash + self._scalar(item) + "\n")


def _plain(text: str) -> bool:
    """Whether ``text`` is certainly written plain if the resolver reads it as a string: the
    common alphabet, no ``: `` (a mapping indicator), no leading or trailing space or colon."""
    return (
        _PLAIN_ALPHABET.fullmatch(text) is not None
        and ": " not in text
        and not text.endswith((" ", ":"))
        and not text.startswith("...")  # a document end marker
    )
