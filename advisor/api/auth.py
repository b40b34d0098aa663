"""Bearer-token authentication for the JSON API."""

from __future__ import annotations

from typing import Any, cast

from flask import Blueprint, g, request
from flask_babel import lazy_gettext as _l

from advisor.accounts.models import User
from advisor.accounts.services import find_token, is_token_live, record_token_use
from advisor.db import utcnow
from advisor.errors import json_error
from advisor.extensions import db


def protect_api(bp: Blueprint, *, allow: tuple[str, ...] = ()) -> None:
    """Every endpoint of ``bp`` needs ``Authorization: Bearer <token>``; cookies do not count.

    A revoked or expired token, or one whose owner was deactivated, is refused like a
    wrong one (401). A good token's last use is recorded at most once a minute and
    committed at once, before the endpoint runs, so that the owner sees it on their
    account page even for reads.
    """

    @bp.before_request
    def _authenticate() -> Any:
        if request.endpoint in allow:
            return None
        now = utcnow()
        scheme, _, clear = request.headers.get("Authorization", "").partition(" ")
        token = find_token(db.session, clear.strip()) if scheme.lower() == "bearer" else None
        if token is None or not is_token_live(token, now):
            if token is not None and token.user.is_active and token.revoked_at is None:
                message = _l("This API token has expired; create a new one on your account page.")
            elif token is not None and token.user.is_active:
                message = _l("This API token has been revoked.")
            else:
                message = _l("Send a valid API token: Authorization: Bearer <token>.")
            response, status = json_error(401, message)
            response.headers["WWW-Authenticate"] = 'Bearer realm="advisor"'
            return response, status
        if record_token_use(db.session, token, now):
            db.session.commit()
        g.api_user = token.user
        return None


def api_user() -> User:
    return cast(User, g.api_user)
