"""The bureau's pages for accounts: list, create, edit, deactivate, reset passwords."""

from __future__ import annotations

from typing import Any

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from advisor.accounts import services
from advisor.accounts.forms import NewUserForm, ResetPasswordForm, UserForm
from advisor.accounts.models import Role, User
from advisor.auth import require, user
from advisor.db import paginate, utcnow
from advisor.directory.blueprint import bp
from advisor.directory.queries import advisor_choices, school_choices
from advisor.errors import ValidationError
from advisor.extensions import db
from advisor.forms import apply_errors, page_args
from advisor.security_log.models import EventKind, Outcome
from advisor.security_log.services import record


def _fill_links(form: UserForm) -> None:
    form.school_id.choices = [(0, "—"), *school_choices(db.session)]
    form.advisor_id.choices = [(0, "—"), *advisor_choices(db.session)]


@bp.get("/users")
@require(Role.BUREAU)
def users() -> Any:
    """All accounts, searchable by name or e-mail and filterable by role."""
    q, role = request.args.get("q", ""), request.args.get("role", "")
    page = paginate(db.session, services.list_users(db.session, q=q, role=role), **page_args())
    return render_template("accounts/users.html", page=page, q=q, role=role)


@bp.route("/users/new", methods=["GET", "POST"])
@require(Role.BUREAU)
def new_user() -> Any:
    """Create an account for a school, an advisor or the bureau."""
    form = NewUserForm()
    _fill_links(form)
    if form.validate_on_submit():
        try:
            created = services.create_user(
                db.session,
                email=form.email.data or "",
                name=form.name.data or "",
                role=form.role.data or "",
                password=form.password.data or "",
                school_id=form.school_id.data or None,
                advisor_id=form.advisor_id.data or None,
            )
        except ValidationError as error:
            db.session.rollback()
            apply_errors(form, error)
        else:
            record(
                db.session,
                EventKind.USER_CREATE,
                outcome=Outcome.SUCCESS,
                user=user(),
                subject=f"user:{created.id}",
                detail={"email": created.email, "role": created.role},
            )
            db.session.commit()
            flash(_("Account %(email)s created.", email=created.email), "success")
            return redirect(url_for("directory.users"))
    status = 422 if form.errors else 200
    return render_template("accounts/user_form.html", form=form, edited=None), status


def _account_facts(account: User) -> dict[str, object]:
    return {
        "email": account.email,
        "name": account.name,
        "role": account.role,
        "school_id": account.school_id,
        "advisor_id": account.advisor_id,
    }


def _changes(before: dict[str, object], after: dict[str, object]) -> str:
    """What an edit changed, for the security log: ``role=school→bureau``."""
    changed = [f"{k}={before[k] or '—'}→{after[k] or '—'}" for k in after if before[k] != after[k]]
    return " ".join(changed) or "unchanged"


def _load_user(user_id: int) -> User:
    return services.get_user(db.session, user_id)


@bp.route("/users/<int:user_id>/edit", methods=["GET", "POST"])
@require(Role.BUREAU)
def edit_user(user_id: int) -> Any:
    """Edit an account; deactivate it or reset its password from the same page."""
    edited = _load_user(user_id)
    form = UserForm(obj=edited)
    _fill_links(form)
    if request.method == "GET":
        form.school_id.data = edited.school_id or 0
        form.advisor_id.data = edited.advisor_id or 0
    if form.validate_on_submit():
        before = _account_facts(edited)
        try:
            services.update_user(
                db.session,
                edited,
                email=form.email.data or "",
                name=form.name.data or "",
                role=form.role.data or "",
                school_id=form.school_id.data or None,
                advisor_id=form.advisor_id.data or None,
                now=utcnow(),
            )
        except ValidationError as error:
            db.session.rollback()
            apply_errors(form, error)
        else:
            record(
                db.session,
                EventKind.USER_UPDATE,
                outcome=Outcome.SUCCESS,
                user=user(),
                subject=f"user:{edited.id}",
                detail=_changes(before, _account_facts(edited)),
            )
            db.session.commit()
            flash(_("Account saved."), "success")
            return redirect(url_for("directory.users"))
    status = 422 if form.errors else 200
    return render_template(
        "accounts/user_form.html", form=form, edited=edited, reset_form=ResetPasswordForm()
    ), status


@bp.post("/users/<int:user_id>/active")
@require(Role.BUREAU)
def set_active(user_id: int) -> Any:
    """Deactivate (ending the account's sessions) or reactivate an account."""
    edited = _load_user(user_id)
    active = request.form.get("active") == "1"
    services.set_active(db.session, edited, active, actor=user(), now=utcnow())
    record(
        db.session,
        EventKind.USER_ACTIVATE if active else EventKind.USER_DEACTIVATE,
        outcome=Outcome.SUCCESS,
        user=user(),
        subject=f"user:{edited.id}",
        detail={"email": edited.email},
    )
    db.session.commit()
    flash(
        _("Account activated; its earlier API tokens stay revoked.")
        if active
        else _("Account deactivated; its sessions ended and its API tokens were revoked."),
        "success",
    )
    return redirect(url_for("directory.edit_user", user_id=user_id))


@bp.post("/users/<int:user_id>/password")
@require(Role.BUREAU)
def reset_password(user_id: int) -> Any:
    """Set a new password for an account; its sessions end."""
    edited = _load_user(user_id)
    form = ResetPasswordForm()
    if form.validate_on_submit():
        services.set_password(db.session, edited, form.new_password.data or "", utcnow())
        record(
            db.session,
            EventKind.PASSWORD_RESET,
            outcome=Outcome.SUCCESS,
            user=user(),
            subject=f"user:{edited.id}",
            detail={"email": edited.email},
        )
        db.session.commit()
        flash(
            _(
                "Password reset; the account's sessions ended and its API tokens were"
                " revoked. Give the new password to its owner."
            ),
            "success",
        )
        return redirect(url_for("directory.edit_user", user_id=user_id))
    user_form = UserForm(obj=edited)
    _fill_links(user_form)
    return render_template(
        "accounts/user_form.html", form=user_form, edited=edited, reset_form=form
    ), 422
