"""The API blueprint (token authentication on every endpoint but the description) and paging."""

from __future__ import annotations

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
