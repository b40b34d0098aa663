"""Sign-in, sign-out, language, and the user's own account and API tokens."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from flask import (
    Blueprint,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user

from advisor.accounts import services, signals
from advisor.accounts.forms import ChangePasswordForm, LoginForm, TokenForm
from advisor.auth import TIMED_OUT, protect, safe_path, user
from advisor.db import paginate, utcnow
from advisor.errors import TooManyRequests, ValidationError
from advisor.extensions import db
from advisor.forms import apply_errors, page_args
from advisor.i18n import LOCALES

bp = Blueprint("accounts", __name__)
protect(bp, allow=("accounts.login", "accounts.set_language"))


@bp.route("/login", methods=["GET", "POST"])
def login() -> Any:
    """Sign in with e-mail and password."""
    if current_user.is_authenticated:
        return redirect(url_for("home.index"))
    if session.pop(TIMED_OUT, False):
        flash(
            _(
                "You were signed out after %(minutes)d minutes without activity."
                " Please sign in again.",
                minutes=current_app.config["ADVISOR"].session_idle_minutes,
            ),
            "warning",
        )
    form = LoginForm()
    status = 200
    if form.validate_on_submit():
        config = current_app.config["ADVISOR"]
        now = utcnow()
        typed = services.normalise_email(form.email.data or "")
        try:
            found = services.authenticate(
                db.session,
                email=form.email.data or "",
                password=form.password.data or "",
                ip=request.remote_addr or "",
                now=now,
                limit=config.login_max_failures,
                window=timedelta(minutes=config.login_window_minutes),
                address_limit=config.login_address_max_failures,
            )
        except TooManyRequests as error:
            db.session.rollback()
            signals.sign_in_locked_out.send(None, session=db.session, account=typed, now=now)
            flash(str(error.message), "danger")
            return render_template("accounts/login.html", form=form), 429
        if found is None:
            signals.sign_in_failed.send(None, session=db.session, account=typed, now=now)
            db.session.commit()
            flash(_("Wrong e-mail or password."), "danger")
            status = 401
        else:
            next_url = safe_path(request.args.get("next"))
            locale = session.get("locale")
            session.clear()
            services.start_session(db.session, found, ip=request.remote_addr, now=now)
            if locale and not found.locale:
                services.set_locale(db.session, found, locale)
            signals.signed_in.send(None, session=db.session, user=found, now=now)
            db.session.commit()
            login_user(found)
            return redirect(next_url or url_for("home.index"))
    elif form.errors:
        status = 422
    return render_template("accounts/login.html", form=form), status


@bp.post("/logout")
def logout() -> Any:
    """Sign out: the session row is ended, so the old cookie no longer works."""
    sid = user().login_session_id
    if sid:
        now = utcnow()
        services.end_session(db.session, sid, now)
        signals.signed_out.send(None, session=db.session, user=user(), now=now)
        db.session.commit()
    logout_user()
    session.clear()
    flash(_("You have signed out."), "info")
    return redirect(url_for("accounts.login"))


@bp.post("/language")
def set_language() -> Any:
    """Switch the interface language; remembered on the account when signed in."""
    locale = request.form.get("locale", "")
    if locale in LOCALES:
        session["locale"] = locale
        if current_user.is_authenticated:
            services.set_locale(db.session, user(), locale)
            db.session.commit()
    return redirect(safe_path(request.form.get("next")) or url_for("home.index"))


def _account_page(**forms: Any) -> Any:
    me = user()
    return render_template(
        "accounts/account.html",
        tokens=services.list_tokens(db.session, me),
        password_form=forms.get("password_form") or ChangePasswordForm(prefix="pw"),
        token_form=forms.get("token_form") or TokenForm(prefix="tk"),
        new_token=forms.get("new_token"),
        now=utcnow(),
    )


@bp.get("/account")
def account() -> Any:
    """The signed-in user's own account: password, language and API tokens."""
    return _account_page()


@bp.post("/account/password")
def change_password() -> Any:
    """Change one's own password; every session ends, this one is reopened."""
    form = ChangePasswordForm(prefix="pw")
    if form.validate_on_submit():
        me, now = user(), utcnow()
        try:
            services.change_own_password(
                db.session,
                me,
                current=form.current_password.data or "",
                new=form.new_password.data or "",
                now=now,
            )
        except ValidationError as error:
            db.session.rollback()
            signals.password_change_refused.send(
                None, session=db.session, user=me, fields=tuple(error.fields), now=now
            )
            apply_errors(form, error)
        else:
            session.clear()
            services.start_session(db.session, me, ip=request.remote_addr, now=now)
            signals.password_changed.send(None, session=db.session, user=me, now=now)
            db.session.commit()
            login_user(me)
            flash(
                _(
                    "Password changed. Other sessions have been signed out"
                    " and your API tokens revoked."
                ),
                "success",
            )
            return redirect(url_for("accounts.account"))
    return _account_page(password_form=form), 422


@bp.post("/account/tokens")
def create_token() -> Any:
    """Create an API token after the password is typed again; its clear text is shown
    on this page once."""
    form = TokenForm(prefix="tk")
    if not form.validate_on_submit():
        return _account_page(token_form=form), 422
    me, now = user(), utcnow()
    try:
        token, clear = services.create_own_token(
            db.session,
            me,
            password=form.password.data or "",
            name=form.name.data or "",
            days=form.days.data or services.TOKEN_DAYS,
            now=now,
        )
    except ValidationError as error:
        db.session.rollback()
        signals.token_creation_refused.send(
            None, session=db.session, user=me, fields=tuple(error.fields), now=now
        )
        apply_errors(form, error)
        return _account_page(token_form=form), 422
    signals.token_created.send(None, session=db.session, user=me, token=token, now=now)
    db.session.commit()
    return _account_page(new_token=clear), 201


@bp.post("/account/tokens/<int:token_id>/revoke")
def revoke_token(token_id: int) -> Any:
    """Revoke one of one's own tokens."""
    now = utcnow()
    services.revoke_token(db.session, user(), token_id, now)
    signals.token_revoked.send(None, session=db.session, user=user(), token_id=token_id, now=now)
    db.session.commit()
    flash(_("Token revoked."), "success")
    return redirect(url_for("accounts.account"))


@bp.get("/notifications")
def notifications() -> Any:
    """The user's notices, newest first."""
    page = paginate(db.session, services.list_notifications(db.session, user()), **page_args())
    return render_template("accounts/notifications.html", page=page)


@bp.post("/notifications/read")
def read_notifications() -> Any:
    """Mark every notice as read."""
    services.mark_all_read(db.session, user(), utcnow())
    db.session.commit()
    return redirect(url_for("accounts.notifications"))
