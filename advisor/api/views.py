"""The JSON API, version 1 (API.md): same access rules as the pages, token authentication."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, request
from flask_babel import lazy_gettext as _l

from advisor.api.auth import api_user, protect_api
from advisor.api.openapi import spec
from advisor.api.schemas import advisor_json, page_json, school_json, user_json
from advisor.db import MAX_PER_PAGE, paginate
from advisor.directory import queries
from advisor.errors import AppError
from advisor.extensions import db

bp = Blueprint("api", __name__, url_prefix="/api/v1")
protect_api(bp, allow=("api.openapi",))


def _page_args() -> dict[str, int]:
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


@bp.get("/openapi.json")
def openapi() -> Any:
    """The OpenAPI 3.1 description of this API."""
    return spec()


@bp.get("/me")
def me() -> Any:
    """The caller's own account."""
    return user_json(api_user())


@bp.get("/schools")
def schools() -> Any:
    """Schools the caller may see."""
    args = {k: request.args.get(k, "") for k in ("q", "district", "level", "active")}
    if args["active"] in ("true", "false"):
        args["active"] = "1" if args["active"] == "true" else "0"
    page = paginate(db.session, queries.search_schools(api_user(), **args), **_page_args())
    serving = queries.current_advisors(db.session, [s.id for s in page.items])
    return page_json(page, [school_json(s, serving[s.id]) for s in page.items])


@bp.get("/schools/<int:school_id>")
def school(school_id: int) -> Any:
    """One school the caller may see."""
    found = queries.get_school(db.session, api_user(), school_id)
    return school_json(found, queries.current_advisors(db.session, [found.id])[found.id])


@bp.get("/advisors")
def advisors() -> Any:
    """Advisors the caller may see."""
    firm = request.args.get("law_firm_id", type=int)
    stmt = queries.search_advisors(api_user(), q=request.args.get("q", ""), law_firm_id=firm)
    page = paginate(db.session, stmt, **_page_args())
    return page_json(page, [advisor_json(a) for a in page.items])


@bp.get("/advisors/<int:advisor_id>")
def advisor(advisor_id: int) -> Any:
    """One advisor the caller may see."""
    return advisor_json(queries.get_advisor(db.session, api_user(), advisor_id))
