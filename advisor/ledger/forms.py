"""The ledger entry form: short, keyboard friendly, remembers the last school."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from wtforms import DateField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, NumberRange, Optional

from advisor.forms import AppForm, text_limit
from advisor.ledger.labels import (
    KIND_LABELS,
    MODE_LABELS,
    OUTCOME_ANY,
    OUTCOME_ANY_HINT,
    OUTCOME_HINTS,
    OUTCOME_LABELS,
)
from advisor.ledger.services import MAX_MINUTES, TEXT_LIMITS

_required = DataRequired(message=_l("Required."))


class EntryForm(AppForm):
    advisor_id = SelectField(_l("Advisor"), coerce=int, validators=[Optional()])
    entry_on = DateField(_l("Date of the work"), validators=[_required], format="%Y-%m-%d")
    school_id = SelectField(_l("School"), coerce=int, validators=[Optional()])
    kind = SelectField(
        _l("Kind of work"), choices=list(KIND_LABELS.items()), validators=[_required]
    )
    service_mode = SelectField(_l("How"), choices=[("", "—"), *MODE_LABELS.items()])
    # The cursor starts here: date and school are usually right (today, the last school).
    description = TextAreaField(
        _l("What was done"),
        validators=[_required, text_limit(TEXT_LIMITS["description"])],
        render_kw={"autofocus": True, "rows": 3},
    )
    minutes = IntegerField(
        _l("Minutes"),
        default=30,
        validators=[
            _required,
            NumberRange(
                min=0,
                max=MAX_MINUTES,
                message=_l("Between 0 and %(max)d minutes.", max=MAX_MINUTES),
            ),
        ],
    )
    # Labelled for the kind of work chosen: OUTCOME_ANY here, the kind's own label by
    # static/js/ledger_form.js from ``outcome_words``.
    outcome = StringField(OUTCOME_ANY, validators=[Optional(), text_limit(TEXT_LIMITS["outcome"])])
    audience = StringField(
        _l("Audience (lectures)"),
        validators=[Optional(), text_limit(TEXT_LIMITS["audience"])],
    )
    headcount = IntegerField(
        _l("Headcount (lectures)"), validators=[Optional(), NumberRange(min=0)]
    )

    @staticmethod
    def outcome_words() -> dict[str, Any]:
        """The outcome's label and hint for each kind of work, in the current language, and
        the ones shown before a kind is known (for the page and its script)."""
        words: dict[str, Any] = {
            str(kind): {"label": str(label), "hint": str(OUTCOME_HINTS[kind])}
            for kind, label in OUTCOME_LABELS.items()
        }
        return {"kinds": words, "any": {"label": str(OUTCOME_ANY), "hint": str(OUTCOME_ANY_HINT)}}
