"""What the evaluation's measures and adjustments are called in the user's language."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

MEASURES = {
    "reviews_issued": _l("Reviews issued"),
    "on_time_rate": _l("Share of reviews issued on time"),
    "overdue_reviews": _l("Reviews issued late"),
    "matters_handled": _l("Matters handled"),
    "lectures_given": _l("Lectures given"),
    "average_rating": _l("Average school rating"),
    "ratings_count": _l("Number of school ratings"),
    "months_with_entries_rate": _l("Share of months with ledger entries"),
    "timely_entries_rate": _l("Share of entries recorded within 7 days"),
    "redone_reviews": _l("Reviews to be redone"),
    "spot_check": _l("Spot-check score"),
    "discipline": _l("Discipline deductions"),
    "valid_complaints": _l("Valid complaints"),
    "commendations": _l("Commendations"),
    "veto": _l("Veto"),
}

ADJUSTMENTS = {
    "points": _l("Item points"),
    "measure": _l("Manual measure"),
    "veto": _l("Veto"),
}
