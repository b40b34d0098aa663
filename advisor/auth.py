"""Login wiring: session loading, login required per blueprint, role checks that answer 403."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from functools import wraps
from typing import Any, TypeVar, cast
from urllib.parse import parse_qsl, urlencode, urlsplit

import sqlalchemy as sa
from flask import (
    Blueprint,
    Flask,
    abort,
    current_app,
    flash,
    g,
    redirect,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import AnonymousUserMixin, current_user, login_url
from flask_wtf.csrf import CSRFError
from werkzeug.datastructures import MultiDict

from advisor.accounts import drafts
from advisor.accounts.models import User
from advisor.accounts.services import check_session
from advisor.db import lost_write_race, utcnow
from advisor.errors import json_error, wants_json
from advisor.extensions import db, login_manager
from advisor.forms import RESTORED, Restored, secret_field_names

F = TypeVar("F", bound=Callable[..., Any])

# Set in the cookie when a session ended for inactivity; the login page says so.
TIMED_OUT = "timed_out"
# Blueprints whose requests never load the signed-in user.
USERLESS_BLUEPRINTS = ("api", "health")
# The query argument that asks a form's page to put a draft back (advisor.accounts.drafts).
RESTORE = "restore"
# Forms of the way in, where nothing typed is worth a draft: they are simply shown again.
SIGN_IN_ENDPOINTS = ("accounts.login", "accounts.set_language")
# The session id the request's cookie named when it had ended (the draft's owner).
ENDED_SESSION = "ended_session_id"


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
        now = utcnow()
        try:
            check = check_session(db.session, session_id, now, idle=idle)
            if check.wrote:
                # Safe to commit: the user is loaded before any view runs (below).
                db.session.commit()
        except sa.exc.OperationalError as error:
            # (a writing request took the lock at BEGIN: its only "locked" is a timeout)
            if request.method not in ("GET", "HEAD", "OPTIONS") or not lost_write_race(error):
                raise
            # On SQLite a reading request's write of the last-seen time failed: another
            # connection (most often a request of this very session, which then wrote
            # it) wrote since this one began reading. The next request records it.
            db.session.rollback()
            check = check_session(db.session, session_id, now, idle=idle, record=False)
        if check.user is None:
            g.setdefault(ENDED_SESSION, session_id)
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

    @app.before_request
    def _put_back_draft() -> None:
        # Runs after _load_user_first; one query, only for an address that asks for it.
        draft_id = request.args.get(RESTORE)
        if not draft_id or request.method != "GET" or request.blueprint in USERLESS_BLUEPRINTS:
            return
        if not current_user.is_authenticated:
            return
        draft = drafts.get_draft(db.session, user(), draft_id, request.path, utcnow())
        if draft is None:
            return
        fields = MultiDict([(name, value) for name, value in draft.fields])
        g.setdefault(RESTORED, Restored(fields, frozenset(draft.files)))
        flash(
            _("What you typed has been put back into the form. Check it and send it again."),
            "info",
        )

    @app.errorhandler(CSRFError)
    def _stale_form(error: CSRFError) -> Any:
        if wants_json():
            message = _l("The form has expired or did not come from this site. Reload and retry.")
            return json_error(400, message)
        return rescue_form()

    @login_manager.unauthorized_handler
    def _to_login() -> Any:
        if request.method == "POST":
            return rescue_form()
        if not session.get(TIMED_OUT):  # the login page explains that one itself
            flash(str(login_manager.login_message), login_manager.login_message_category)
        return redirect(login_url("accounts.login", next_url=request.url))


def rescue_form() -> Any:
    """Answer a form that could not be taken (its session had ended, or its page was too
    old to send) without losing what was typed: keep it as a draft for the user whose
    session it was and send them to sign in, or, still signed in, back to the form, whose
    page then puts it back. Nothing is kept for a sender no session names (the next
    person at the same browser must not find it), nor for a post from another site."""
    if request.endpoint in SIGN_IN_ENDPOINTS:
        flash(_("The page had expired. Please try again."), "warning")
        return redirect(url_for("accounts.login", next=safe_path(request.args.get("next"))))
    if request.endpoint == "accounts.logout" and not current_user.is_authenticated:
        flash(_("You have signed out."), "info")  # the session had ended anyway
        return redirect(url_for("accounts.login"))
    page = form_page()
    typed = drafts.typed_fields(request.form.items(multi=True), secret=secret_field_names())
    draft = None
    if typed and page is not None and _same_origin() and (owner := _owner()) is not None:
        draft = drafts.keep_draft(
            db.session,
            owner_id=owner,
            page=urlsplit(page).path,
            fields=typed,
            files=[name for name, file in request.files.items(multi=True) if file.filename],
            now=utcnow(),
        )
        db.session.commit()
    target = _with_restore(page, draft.id) if page and draft else page or url_for("home.index")
    signed_in = current_user.is_authenticated
    if signed_in:
        said = _("The page was too old to be sent: it was opened before you last signed in.")
    elif draft is not None:
        said = _(
            "Your session had ended before the form was sent. What you typed has been"
            " kept: sign in and it is put back into the form."
        )
    elif typed:
        said = _(
            "Your session had ended before the form was sent, so what you typed could"
            " not be kept. Sign in and fill in the form again."
        )
    else:  # a button, nothing typed
        said = _("Your session had ended, so this was not done. Sign in and try again.")
    flash(said, "warning")
    if signed_in and typed and draft is None:
        flash(_("What you typed could not be kept. Please fill in the form again."), "warning")
    return redirect(target if signed_in else login_url("accounts.login", next_url=target))


def form_page() -> str | None:
    """The same-site address of the page the posted form was on: the Referer's (the
    browser sends it to this site only, Referrer-Policy: same-origin) without a draft's
    argument, else the form's own address if it can be opened; None when neither."""
    referrer = request.referrer or ""
    if referrer.startswith(request.host_url):
        parts = urlsplit(referrer)
        query = urlencode(
            [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k != RESTORE]
        )
        found = safe_path(parts.path + (f"?{query}" if query else ""))
        if found and not found.startswith(url_for("accounts.login")):
            return found
    rule = request.url_rule
    if rule is not None and rule.methods and "GET" in rule.methods:
        return safe_path(request.path)
    return None


def safe_path(target: str | None) -> str | None:
    """``target`` if it is a path on this site (no scheme, no host, no ``//`` or ``/\\``),
    else None: where a redirect may be sent after sign-in or a refused form."""
    if not target or not target.startswith("/") or target.startswith(("//", "/\\")):
        return None
    parts = urlsplit(target)
    return None if parts.scheme or parts.netloc else target


def _with_restore(page: str, draft_id: str) -> str:
    return f"{page}{'&' if '?' in page else '?'}{urlencode({RESTORE: draft_id})}"


def _same_origin() -> bool:
    """Whether the browser says the form was sent from a page of this site."""
    origin = request.headers.get("Origin")
    if origin:
        return origin == request.host_url.rstrip("/")
    return (request.referrer or "").startswith(request.host_url)


def _owner() -> int | None:
    """The user whose session sent the request: signed in, or the one whose ended
    session the cookie still names."""
    if current_user.is_authenticated:
        return cast(int, current_user.id)
    ended = g.get(ENDED_SESSION) or session.get("_user_id")
    return drafts.session_owner(db.session, str(ended)) if ended else None


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
