"""Regular expressions that fail fast where they cannot match.

Python's ``re`` tries a pattern at every position of the text. A pattern that begins with
a lookbehind or with an alternation of character classes and groups (the pre-check's are
mostly such) does that work at every one of a contract's 40,000 characters, though a
match can only start at a few of them. ``quick`` puts a lookahead for the characters a
match can start with in front of the pattern: it fails at once everywhere else, and
finds exactly what the pattern finds (a filter on where a match starts, nothing more).

The set is read from the pattern itself (the parser of ``re``), so a pattern edited
later keeps its guard right. When the set cannot be told (a match may be empty, or start
with any character: ``.``, ``[^…]``, a back-reference, case-insensitive matching), the
pattern is returned as it is.
"""

from __future__ import annotations

import importlib
import re
from typing import Any

try:  # the parser of ``re``: a private module (``sre_parse`` before Python 3.11)
    _parser: Any = importlib.import_module("re._parser")
except ImportError:  # pragma: no cover - another Python: patterns are left as they are
    _parser = None

_CATEGORIES = {
    "CATEGORY_DIGIT": r"\d",
    "CATEGORY_NOT_DIGIT": r"\D",
    "CATEGORY_SPACE": r"\s",
    "CATEGORY_NOT_SPACE": r"\S",
    "CATEGORY_WORD": r"\w",
    "CATEGORY_NOT_WORD": r"\W",
}


class _Unknown(Exception):
    """The first characters of a match cannot be told."""


def _char(code: int) -> str:
    return re.escape(chr(code)) if code > 0x20 else f"\\x{code:02x}"


def _class_items(items: Any) -> list[str]:
    atoms = []
    for op, value in items:
        name = op.name
        if name == "LITERAL":
            atoms.append(_char(value))
        elif name == "RANGE":
            atoms.append(f"{_char(value[0])}-{_char(value[1])}")
        elif name == "CATEGORY" and value.name in _CATEGORIES:
            atoms.append(_CATEGORIES[value.name])
        else:  # NEGATE, case-insensitive ranges, anything new
            raise _Unknown(name)
    return atoms


def _first(items: Any) -> tuple[list[str], bool]:
    """The character-class atoms a match of the sequence ``items`` can start with, and
    whether the sequence can match the empty string (then what follows it counts too)."""
    atoms: list[str] = []
    for op, value in items:
        name = op.name
        if name == "LITERAL":
            return [*atoms, _char(value)], False
        if name == "IN":
            return [*atoms, *_class_items(value)], False
        if name in ("AT", "ASSERT", "ASSERT_NOT"):
            continue  # zero width: the next item gives the first character
        if name == "SUBPATTERN":
            _group, add_flags, _del_flags, pattern = value
            if add_flags & re.IGNORECASE:
                raise _Unknown(name)
            found, empty = _first(pattern)
        elif name == "ATOMIC_GROUP":
            found, empty = _first(value)
        elif name == "BRANCH":
            found, empty = [], False
            for alternative in value[1]:
                more, alternative_empty = _first(alternative)
                found += more
                empty = empty or alternative_empty
        elif name in ("MAX_REPEAT", "MIN_REPEAT", "POSSESSIVE_REPEAT"):
            low, _high, pattern = value
            found, empty = _first(pattern)
            empty = empty or low == 0
        else:  # ANY, NOT_LITERAL, GROUPREF, GROUPREF_EXISTS, anything new
            raise _Unknown(name)
        atoms += found
        if not empty:
            return atoms, False
    return atoms, True


def first_characters(pattern: re.Pattern[str]) -> str | None:
    """A character class (``[…]``) holding every character a match of ``pattern`` can
    start with, or None when that cannot be told."""
    if _parser is None or not isinstance(pattern.pattern, str):
        return None
    if pattern.flags & re.IGNORECASE:
        return None
    try:
        atoms, empty = _first(_parser.parse(pattern.pattern, pattern.flags))
    except _Unknown:
        return None
    if empty or not atoms:
        return None
    return "[" + "".join(dict.fromkeys(atoms)) + "]"


def quick(pattern: re.Pattern[str]) -> re.Pattern[str]:
    """``pattern`` with a lookahead for its first characters in front (see the module);
    the same matches, found faster. ``pattern`` itself when the set cannot be told."""
    first = first_characters(pattern)
    source = pattern.pattern
    if first is None or (source.startswith("(?") and re.match(r"\(\?[aiLmsux]+\)", source)):
        return pattern  # unknown first characters, or global flags that must come first
    end = "\n)" if pattern.flags & re.VERBOSE else ")"  # a comment may end the source
    return re.compile(f"(?={first})(?:{source}{end}", pattern.flags)
