"""The bureau's review settings: whether advisors see who rated them."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from advisor.accounts.models import Role, User
from advisor.auth import protect, require
from advisor.directory.models import Advisor
from advisor.directory.views import ADVISOR_PANELS
from advisor.extensions import db
from advisor.reviews import permissions, services

bp = Blueprint("reviews_settings", __name__, url_prefix="/settings")
protect(bp)


@bp.route("/ratings", methods=["GET", "POST"])
@require(Role.BUREAU)
def ratings() -> Any:
    """Turn anonymous ratings on or off."""
    if request.method == "POST":
        services.set_anonymous_ratings(db.session, request.form.get("anonymous") == "1")
        db.session.commit()
        flash(_("Saved."), "success")
        return redirect(url_for("reviews_settings.ratings"))
    return render_template(
        "reviews/ratings_settings.html", anonymous=services.ratings_are_anonymous(db.session)
    )


def rating_panel(advisor: Advisor, viewer: User) -> dict[str, Any]:
    """The advisor's average rating, for the advisor themself and the bureau."""
    if not permissions.can_see_advisor_rating(viewer, advisor):
        return {}
    average, count = services.advisor_rating(db.session, advisor.id)
    return {"rating_average": average, "rating_count": count}


ADVISOR_PANELS.append(rating_panel)
