"""Forms of the reviews domain: the review with its findings, feedback, closing."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField
from wtforms import (
    FieldList,
    FormField,
    HiddenField,
    IntegerField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import NumberRange, Optional

from advisor.forms import AppForm, AppSubform, text_limit
from advisor.reviews.labels import (
    ADOPTION_LABELS,
    DIMENSION_LABELS,
    OUTCOME_LABELS,
    SEVERITY_LABELS,
)
from advisor.reviews.services import MAX_FINDINGS, MAX_MINUTES, NOTE_MAX, SUMMARY_MAX


class FindingForm(AppSubform):
    # The saved finding this row edits (empty for a new row): findings are updated in
    # place, so the pre-check hits taken into them keep their link.
    id = HiddenField()
    dimension = SelectField(_l("Dimension"), choices=list(DIMENSION_LABELS.items()))
    severity = SelectField(
        _l("Risk level"), choices=list(SEVERITY_LABELS.items()), default="medium"
    )
    clause = StringField(_l("Clause"), render_kw={"placeholder": "第八条"})
    problem = TextAreaField(_l("Problem"))
    suggestion = TextAreaField(_l("Suggested revision"))
    legal_basis = TextAreaField(_l("Legal basis"))


class ReviewForm(AppForm):
    outcome = SelectField(_l("Outcome"), choices=[("", "—"), *OUTCOME_LABELS.items()])
    summary = TextAreaField(_l("Summary opinion"), validators=[text_limit(SUMMARY_MAX)])
    minutes_spent = IntegerField(
        _l("Minutes spent"),
        default=0,
        validators=[
            Optional(),
            NumberRange(
                min=0,
                max=MAX_MINUTES,
                message=_l("Between 0 and %(max)d minutes.", max=MAX_MINUTES),
            ),
        ],
    )
    lock_version = HiddenField()
    findings = FieldList(FormField(FindingForm), min_entries=0, max_entries=MAX_FINDINGS)


class FeedbackForm(AppForm):
    rating = SelectField(
        _l("Rating"), coerce=int, choices=[(5, "5"), (4, "4"), (3, "3"), (2, "2"), (1, "1")]
    )
    comment = TextAreaField(_l("Comment (optional)"), validators=[text_limit(NOTE_MAX)])


class CloseForm(AppForm):
    result = SelectField(
        _l("Result"), choices=[("signed", _l("Signed")), ("abandoned", _l("Abandoned"))]
    )
    adoption = SelectField(
        _l("Adoption of the advice"), choices=[("", "—"), *ADOPTION_LABELS.items()]
    )
    note = TextAreaField(_l("Note"), validators=[text_limit(NOTE_MAX)])
    file = FileField(_l("Signed copy (optional, PDF or Word)"))
    lock_version = HiddenField()
