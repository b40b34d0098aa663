"""The bureau's pre-check page: every rule with how often it hit and how often advisors
took or dismissed its hits, and a switch to turn a noisy rule off."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, redirect, render_template, request, url_for
from flask_babel import gettext as _

from advisor.accounts.models import Role, User
from advisor.auth import protect, require, user
from advisor.contracts.models import Contract
from advisor.contracts.queries import version_text
from advisor.contracts.views import DETAIL_PANELS
from advisor.db import utcnow
from advisor.extensions import db
from advisor.forms import act
from advisor.precheck import services
from advisor.precheck.permissions import can_see_hits

bp = Blueprint("precheck_settings", __name__, url_prefix="/settings/precheck")
protect(bp)


@bp.get("")
@require(Role.BUREAU)
def index() -> Any:
    """The rules, their counts and their switches."""
    from advisor.precheck import engine  # on first use: the rules take 0.5 s to import

    return render_template(
        "precheck/rules.html",
        rules=list(engine.RULES.values()),
        # Translated here: Jinja's gettext would %-format the Chinese "30%".
        suggestions={rule.id: _(rule.suggestion) for rule in engine.RULES.values()},
        off=services.disabled_rules(db.session),
        counts=services.rule_counts(db.session),
    )


@bp.post("/<path:rule>/switch")
@require(Role.BUREAU)
def switch(rule: str) -> Any:
    """Switch a rule off or on for the versions uploaded from now on."""
    enabled = request.form.get("enabled") == "1"
    act(
        lambda: services.set_enabled(
            db.session, actor=user(), rule=rule, enabled=enabled, now=utcnow()
        ),
        _("Saved; versions uploaded from now on follow it."),
    )
    return redirect(url_for("precheck_settings.index"))


def precheck_panel(contract: Contract, viewer: User) -> dict[str, Any]:
    """The latest version's text with the pre-check hits marked, for advisors and the bureau;
    while its pre-check has not stored them, whether it is running or could not be done."""
    if not can_see_hits(viewer, contract):
        return {}
    state = services.latest_state(db.session, contract)
    if state is not None:  # no hits yet: say so, never show the text as if none were found
        return {"precheck_state": state}
    hits = services.hits_for(db.session, contract)
    latest = contract.versions[-1] if contract.versions else None
    if latest is None or not hits:
        return {}
    texts = version_text(db.session, latest)
    marked = services.marked_pages(texts, hits)
    # One entry per mark shown (the ids of the hits it marks), so the page's "N 处" counts
    # the marks: overlapping hits make one mark and a hit with no place (a missing clause)
    # makes none.
    return {
        "marked_texts": marked,
        "precheck_hits": [ids for pieces in marked for _piece, ids in pieces if ids],
    }


DETAIL_PANELS.append(precheck_panel)
