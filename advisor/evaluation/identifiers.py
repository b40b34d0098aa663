"""What the bureau need not type in a rule set: the keys of its parts and their English names.

A block, item, veto item or calendar date without a ``key`` gets one, in this order:
1. the key of the part of the same kind with the same Chinese label in the version it
   edits (``previous``), so that history, adjustments and self-evaluations stay linked;
2. otherwise ``<kind>_<first 6 hex digits of the SHA-256 of the Chinese label>``, with
   ``_2``, ``_3``, ... when that is taken in the list the key must be unique in.
Keys that are given are kept as they are (rulefile.validate judges them). The scheme is
deterministic: the same rules and previous version give the same keys.

An empty or missing English label (``label_en``, a grade's ``name_en``) becomes the
Chinese one, which the English pages then show.

The functions read any JSON value and leave what is not the expected shape as it is, for
the validation to report.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator
from typing import Any

# The lists whose parts have keys, and the prefix of a generated key.
PREFIX = {"blocks": "block", "items": "item", "veto_items": "veto", "calendar": "event"}


def _dicts(value: object) -> list[dict[str, Any]]:
    return [v for v in value if isinstance(v, dict)] if isinstance(value, list) else []


def _parts(rules: object, kind: str) -> Iterator[dict[str, Any]]:
    """The parts of one kind in a rule set's JSON form; items across every block."""
    if not isinstance(rules, dict):
        return
    if kind == "items":
        for block in _dicts(rules.get("blocks")):
            yield from _dicts(block.get("items"))
    else:
        yield from _dicts(rules.get(kind))


def _text(value: object) -> str:
    return value.strip() if isinstance(value, str) else ""


def new_key(kind: str, label: str, taken: Iterable[str]) -> str:
    """A key for a part of ``kind`` labelled ``label`` that is none of ``taken``."""
    used = set(taken)
    digest = hashlib.sha256(label.encode("utf-8")).hexdigest()[:6]
    base = f"{PREFIX[kind]}_{digest}"
    key, n = base, 1
    while key in used:
        n += 1
        key = f"{base}_{n}"
    return key


def _fill_keys(rules: dict[str, Any], previous: object, kind: str) -> None:
    parts = list(_parts(rules, kind))
    taken = {p["key"] for p in parts if isinstance(p.get("key"), str) and p["key"]}
    known: dict[str, str] = {}
    for part in _parts(previous, kind):
        label, key = _text(part.get("label_zh")), part.get("key")
        if label and isinstance(key, str):
            known.setdefault(label, key)
    for part in parts:
        if isinstance(part.get("key"), str) and part["key"]:
            continue
        label = _text(part.get("label_zh"))
        earlier = known.get(label)
        key = earlier if earlier and earlier not in taken else new_key(kind, label, taken)
        part["key"] = key
        taken.add(key)


def _fill_english(parts: Iterable[dict[str, Any]], zh: str, en: str) -> None:
    for part in parts:
        if not _text(part.get(en)) and isinstance(part.get(zh), str):
            part[en] = part[zh]


def _copy(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _copy(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_copy(v) for v in value]
    return value


def complete(rules: dict[str, Any], previous: dict[str, Any] | None = None) -> dict[str, Any]:
    """A copy of ``rules`` (a JSON form) with every missing key and English label filled
    in as the module docstring says; ``previous`` is the version being edited, if any."""
    done: dict[str, Any] = _copy(rules)
    for kind in PREFIX:
        _fill_keys(done, previous, kind)
        _fill_english(_parts(done, kind), "label_zh", "label_en")
    _fill_english(_dicts(done.get("grades")), "name_zh", "name_en")
    return done
