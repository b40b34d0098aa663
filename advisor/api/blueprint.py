"""The API blueprint (token authentication on every endpoint but the description) and paging."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, request
from flask_babel import lazy_gettext as _l

from advisor.api.auth import protect_api
from advisor.db import MAX_PER_PAGE
from advisor.errors import AppError

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


def json_body() -> dict[str, Any]:
    """The request's JSON object (empty if none was sent); anything else is a 400."""
    body = request.get_json(silent=True)
    if body is None and request.content_length:
        raise AppError(_l("Send a JSON object."), fields={"body": _l("Not valid JSON.")})
    if body is not None and not isinstance(body, dict):
        raise AppError(_l("Send a JSON object."), fields={"body": _l("Not a JSON object.")})
    return body or {}


def text_field(body: dict[str, Any], name: str, problems: dict[str, Any], prefix: str = "") -> str:
    """A text member of a JSON body ("" when missing or null); anything but text is
    recorded in ``problems`` under ``prefix + name``."""
    value = body.get(name, "")
    if value is None:
        return ""
    if not isinstance(value, str):
        problems[prefix + name] = _l("Text.")
        return ""
    return value
