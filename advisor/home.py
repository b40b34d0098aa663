"""The front door: anonymous visitors go to the login page, users to their role's home."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, redirect, url_for
from flask_login import current_user

from advisor.accounts.models import Role

bp = Blueprint("home", __name__)


@bp.get("/")
def index() -> Any:
    """Send each role to where its work starts."""
    if not current_user.is_authenticated:
        return redirect(url_for("accounts.login"))
    if current_user.role == Role.SCHOOL:
        return redirect(url_for("directory.school", school_id=current_user.school_id))
    if current_user.role == Role.ADVISOR:
        return redirect(url_for("directory.advisor", advisor_id=current_user.advisor_id))
    return redirect(url_for("directory.schools"))
