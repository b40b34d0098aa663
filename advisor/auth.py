"""Login wiring: session loading, login required per blueprint, role checks that answer 403."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from functools import wraps
from typing import Any, TypeVar, cast

from flask import Blueprint, Flask, abort, current_app, flash, redirect, request, session
from flask_babel import lazy_gettext as _l
from flask_login import AnonymousUserMixin, current_user, login_url

from advisor.accounts.models import User
from advisor.accounts.services import check_session
from advisor.db import utcnow
from advisor.extensions import db, login_manager

F = TypeVar("F", bound=Callable[..., Any])

# Set in the cookie when a session ended for inactivity; the login page says so.
TIMED_OUT = "timed_out"
# Blueprints whose requests never load the signed-in user.
USERLESS_BLUEPRINTS = ("api", "health")


class Anonymous(AnonymousUserMixin):
    role: str | None = None
    locale: str | None = None
    is_bureau = is_school = is_advisor = False


def init_login(app: Flask) -> None:
    login_manager.init_app(app)
    login_manager.login_view = "accounts.login"
    login_manager.login_message = _l("Please sign in to continue.")
    login_manager.login_message_category = "info"
    login_manager.anonymous_user = Anonymous
    # Our session rows already change id at login and end on logout; Flask-Login's
    # own identifier check would add nothing but false logouts behind proxies.
    login_manager.session_protection = None

    @login_manager.user_loader
    def load_user(session_id: str) -> User | None:
        idle = timedelta(minutes=current_app.config["ADVISOR"].session_idle_minutes)
        check = check_session(db.session, session_id, utcnow(), idle=idle)
        if check.wrote:
            # Safe to commit: the user is loaded before any view runs (below).
            db.session.commit()
        if check.timed_out:
            session.pop("_user_id", None)
            session[TIMED_OUT] = True
        return check.user

    @app.before_request
    def _load_user_first() -> None:
        # Load the signed-in user before any view or other hook, so that recording the
        # session's last-seen time commits nothing but that. The API authenticates by
        # token only; static files and the health checks need no user (the checks must
        # answer while the database is down).
        if (
            "_user_id" in session
            and request.blueprint not in USERLESS_BLUEPRINTS
            and request.endpoint != "static"
        ):
            current_user._get_current_object()

    @login_manager.unauthorized_handler
    def _to_login() -> Any:
        if not session.get(TIMED_OUT):  # the login page explains that one itself
            flash(str(login_manager.login_message), login_manager.login_message_category)
        return redirect(login_url("accounts.login", next_url=request.url))


def protect(bp: Blueprint, *, allow: tuple[str, ...] = ()) -> None:
    """Require a signed-in user on every view of ``bp`` except the endpoints in ``allow``."""

    @bp.before_request
    def _require_login() -> Any:
        if request.endpoint in allow:
            return None
        if not current_user.is_authenticated:
            return login_manager.unauthorized()
        return None


def user() -> User:
    """The signed-in user, typed (views behind ``protect`` only)."""
    return cast(User, current_user._get_current_object())


def require(*roles: str) -> Callable[[F], F]:
    """Allow the view only to the given roles; others get 403."""

    def decorator(view: F) -> F:
        @wraps(view)
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            if not current_user.is_authenticated:
                return login_manager.unauthorized()
            if current_user.role not in roles:
                abort(403)
            return view(*args, **kwargs)

        return cast(F, wrapped)

    return decorator
