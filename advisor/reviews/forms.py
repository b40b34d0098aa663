"""Forms of the reviews domain: the review with its findings, feedback, closing."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import (
    FieldList,
    Form,
    FormField,
    HiddenField,
    IntegerField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import NumberRange, Optional

from advisor.reviews.labels import (
    ADOPTION_LABELS,
    DIMENSION_LABELS,
    OUTCOME_LABELS,
    SEVERITY_LABELS,
)
from advisor.reviews.services import MAX_FINDINGS, MAX_MINUTES


class FindingForm(Form):
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


class ReviewForm(FlaskForm):
    outcome = SelectField(_l("Outcome"), choices=[("", "—"), *OUTCOME_LABELS.items()])
    summary = TextAreaField(_l("Summary opinion"))
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


class FeedbackForm(FlaskForm):
    rating = SelectField(
        _l("Rating"), coerce=int, choices=[(5, "5"), (4, "4"), (3, "3"), (2, "2"), (1, "1")]
    )
    comment = TextAreaField(_l("Comment (optional)"))


class CloseForm(FlaskForm):
    result = SelectField(
        _l("Result"), choices=[("signed", _l("Signed")), ("abandoned", _l("Abandoned"))]
    )
    adoption = SelectField(
        _l("Adoption of the advice"), choices=[("", "—"), *ADOPTION_LABELS.items()]
    )
    note = TextAreaField(_l("Note"))
    file = FileField(_l("Signed copy (optional, PDF or Word)"))
    lock_version = HiddenField()
