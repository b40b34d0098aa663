"""Bearer-token authentication for the JSON API."""

from __future__ import annotations

from typing import Any, cast

from flask import Blueprint, g, request
from flask_babel import lazy_gettext as _l

from advisor.accounts.models import User
from advisor.accounts.services import user_for_token
from advisor.errors import json_error
from advisor.extensions import db


def protect_api(bp: Blueprint, *, allow: tuple[str, ...] = ()) -> None:
    """Every endpoint of ``bp`` needs ``Authorization: Bearer <token>``; cookies do not count."""

    @bp.before_request
    def _authenticate() -> Any:
        if request.endpoint in allow:
            return None
        scheme, _, token = request.headers.get("Authorization", "").partition(" ")
        found = user_for_token(db.session, token.strip()) if scheme.lower() == "bearer" else None
        if found is None:
            response, status = json_error(
                401, _l("Send a valid API token: Authorization: Bearer <token>.")
            )
            response.headers["WWW-Authenticate"] = 'Bearer realm="advisor"'
            return response, status
        g.api_user = found
        return None


def api_user() -> User:
    return cast(User, g.api_user)
