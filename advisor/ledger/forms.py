"""The ledger entry form: short, keyboard friendly, remembers the last school."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import DateField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, NumberRange, Optional

from advisor.forms import AppForm, text_limit
from advisor.ledger.labels import KIND_LABELS, MODE_LABELS
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
    outcome = StringField(
        _l("Outcome"), validators=[Optional(), text_limit(TEXT_LIMITS["outcome"])]
    )
    audience = StringField(
        _l("Audience (lectures)"),
        validators=[Optional(), text_limit(TEXT_LIMITS["audience"])],
    )
    headcount = IntegerField(
        _l("Headcount (lectures)"), validators=[Optional(), NumberRange(min=0)]
    )
