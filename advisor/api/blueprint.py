"""The API blueprint (token authentication on every endpoint but the description) and paging."""

from __future__ import annotations

import json
import math
import re
from typing import Any

from flask import Blueprint, request
from flask_babel import lazy_gettext as _l

from advisor.api.auth import protect_api
from advisor.db import MAX_PER_PAGE
from advisor.errors import AppError, PayloadTooLarge, ValidationError
from advisor.text import LONGEST, clean_text

bp = Blueprint("api", __name__, url_prefix="/api/v1")
protect_api(bp, allow=("api.openapi",))


def page_params() -> dict[str, int]:
    """Strict paging: a non-number or a value out of range is a 400, not a guess."""
    values: dict[str, int] = {}
    for name, default, top in (("page", 1, 10**9), ("per_page", 50, MAX_PER_PAGE)):
        raw = request.args.get(name)
        if raw is None:
            values[name] = default
            continue
        if not raw.isdigit() or not 1 <= int(raw) <= top:
            raise AppError(
                _l("Invalid paging."),
                fields={name: _l("A whole number from 1 to %(top)d.", top=top)},
            )
        values[name] = int(raw)
    return values


# A JSON body is small and flat: a review with its findings is a few kilobytes, two levels deep.
JSON_MAX_BYTES = 1024 * 1024
JSON_MAX_DEPTH = 32
# What the database holds: ids and whole numbers are Integer columns, 32-bit on PostgreSQL,
# which refuses a larger number even in a lookup.
MAX_INT = 2**31 - 1
_STRINGS = re.compile(r'"(?:[^"\\]|\\.)*"?')
_NOT_BRACKETS = re.compile(r"[^\[\]{}]+")
_DEPTH_STEP = {"[": 1, "{": 1, "]": -1, "}": -1}


def _too_deep(text: str) -> bool:
    """Whether brackets outside strings nest deeper than JSON_MAX_DEPTH, found without
    parsing (the parser recurses once per level and would run out of stack first)."""
    brackets = _NOT_BRACKETS.sub("", _STRINGS.sub("", text))
    depth = 0
    for char in brackets:
        depth += _DEPTH_STEP[char]
        if depth > JSON_MAX_DEPTH:
            return True
    return False


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


def _checked(value: Any, field: str, problems: dict[str, Any]) -> Any:
    """``value`` with every text cleaned (advisor.text.clean_text); recorded in
    ``problems`` is what no column can hold: text with a lone surrogate (it is not
    Unicode), text longer than any field takes (advisor.text.LONGEST), a whole number
    beyond 32 bits, a number that is not finite."""
    if isinstance(value, dict):
        items: dict[str, Any] = {}
        for key, item in value.items():
            name = f"{field}-{key}" if field else str(key)
            if not _encodable(key):
                problems[field or "body"] = _l("Not valid Unicode text.")
                continue
            items[key] = _checked(item, name, problems)
        return items
    if isinstance(value, list):
        return [_checked(item, f"{field}-{i}", problems) for i, item in enumerate(value)]
    if isinstance(value, str):
        if not _encodable(value):
            problems[field] = _l("Not valid Unicode text.")
            return value
        text = clean_text(value)
        if len(text) > LONGEST:
            problems[field] = _l("At most %(n)d characters.", n=LONGEST)
        return text
    if isinstance(value, bool):
        return value
    if isinstance(value, int):
        if not -MAX_INT <= value <= MAX_INT:
            problems[field] = _l("A number too large.")
    elif isinstance(value, float) and not math.isfinite(value):
        problems[field] = _l("A number too large.")
    return value


def _encodable(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def json_body() -> dict[str, Any]:
    """The request's JSON object (empty if none was sent), read once for every endpoint:
    larger than JSON_MAX_BYTES is a 413; not JSON, nested deeper than JSON_MAX_DEPTH or
    not an object is a 400; a lone surrogate, text longer than advisor.text.LONGEST, a
    whole number beyond 32 bits or a number that is not finite is a 422 naming the field.
    Every text in it comes back cleaned (advisor.text.clean_text): control characters
    but newline and tab, and bidirectional overrides, are removed. Each endpoint's
    service holds the tighter limit of each of its fields."""
    length = request.content_length
    if length is not None and length > JSON_MAX_BYTES:
        raise PayloadTooLarge(
            _l("A JSON body is at most %(kb)d KB.", kb=JSON_MAX_BYTES // 1024),
            fields={"body": _l("Too large.")},
        )
    if not request.is_json:
        if length:
            raise AppError(_l("Send a JSON object."), fields={"body": _l("Not valid JSON.")})
        return {}
    raw = request.get_data(cache=True)
    if len(raw) > JSON_MAX_BYTES:
        raise PayloadTooLarge(
            _l("A JSON body is at most %(kb)d KB.", kb=JSON_MAX_BYTES // 1024),
            fields={"body": _l("Too large.")},
        )
    if not raw.strip():
        return {}
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise AppError(_l("Send a JSON object."), fields={"body": _l("Not valid JSON.")}) from error
    if _too_deep(text):
        raise AppError(
            _l("Send a JSON object."),
            fields={"body": _l("Nested deeper than %(n)d levels.", n=JSON_MAX_DEPTH)},
        )
    try:
        body = json.loads(text, parse_constant=_no_constant)
    except (ValueError, RecursionError) as error:
        raise AppError(_l("Send a JSON object."), fields={"body": _l("Not valid JSON.")}) from error
    if not isinstance(body, dict):
        raise AppError(_l("Send a JSON object."), fields={"body": _l("Not a JSON object.")})
    problems: dict[str, Any] = {}
    cleaned: dict[str, Any] = _checked(body, "", problems)
    if problems:
        raise ValidationError(_l("Some values are not valid."), fields=problems)
    return cleaned
