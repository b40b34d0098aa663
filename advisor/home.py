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
    if current_user.role in (Role.SCHOOL, Role.ADVISOR):
        return redirect(url_for("contracts.index"))
    return redirect(url_for("directory.schools"))
