"""The JSON API, version 1 (API.md): the account and the directory; contracts in api.contracts."""

from __future__ import annotations

from typing import Any

from flask import request

from advisor.api import contracts as _contracts  # noqa: F401  (registers its routes)
from advisor.api import evaluation as _evaluation  # noqa: F401  (registers its routes)
from advisor.api import ledger as _ledger  # noqa: F401  (registers its routes)
from advisor.api import reports as _reports  # noqa: F401  (registers its routes)
from advisor.api import responses
from advisor.api import reviews as _reviews  # noqa: F401  (registers its routes)
from advisor.api import templates as _templates  # noqa: F401  (registers its routes)
from advisor.api.auth import api_user
from advisor.api.blueprint import bp, page_params
from advisor.api.openapi import spec
from advisor.api.schemas import advisor_json, page_json, school_json, user_json
from advisor.db import paginate
from advisor.directory import queries
from advisor.extensions import db
from advisor.forms import id_arg


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
    page = paginate(db.session, queries.search_schools(api_user(), **args), **page_params())
    serving = queries.current_advisors(db.session, [s.id for s in page.items])
    items = [school_json(s, serving[s.id]) for s in page.items]
    return page_json(responses.SchoolPage, page, items)


@bp.get("/schools/<int:school_id>")
def school(school_id: int) -> Any:
    """One school the caller may see."""
    found = queries.get_school(db.session, api_user(), school_id)
    return school_json(found, queries.current_advisors(db.session, [found.id])[found.id])


@bp.get("/advisors")
def advisors() -> Any:
    """Advisors the caller may see."""
    firm = id_arg("law_firm_id")
    stmt = queries.search_advisors(api_user(), q=request.args.get("q", ""), law_firm_id=firm)
    page = paginate(db.session, stmt, **page_params())
    return page_json(responses.AdvisorPage, page, [advisor_json(a) for a in page.items])


@bp.get("/advisors/<int:advisor_id>")
def advisor(advisor_id: int) -> Any:
    """One advisor the caller may see."""
    return advisor_json(queries.get_advisor(db.session, api_user(), advisor_id))


__all__ = ["bp"]
