"""Forms of the contracts domain."""

from __future__ import annotations

from datetime import date
from typing import Any, ClassVar

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField, FileRequired
from werkzeug.datastructures import FileStorage
from wtforms import (
    BooleanField,
    DateField,
    Field,
    HiddenField,
    IntegerField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, NumberRange, Optional, StopValidation

from advisor.contracts.amounts import AmountError, parse_amount
from advisor.contracts.holiday_notice import MAX_TEXT
from advisor.contracts.labels import TYPE_LABELS
from advisor.forms import AppForm

_required = DataRequired(message=_l("Required."))


AMOUNT_MESSAGES = {
    "required": _l("Enter the amount in yuan."),
    "not_a_number": _l("Write the amount in figures, e.g. 12000, 12,000.00, 12万 or 1.5万."),
    "negative": _l("The amount cannot be negative."),
    "too_many_decimals": _l("At most two decimals (fen)."),
    "below_fen": _l("The amount comes to less than a fen (0.01 yuan) in its last places."),
    "too_large": _l("The amount is too large."),
}


def amount_problem(text: str) -> Any:
    """The message for a typed amount that is not valid money, or None."""
    try:
        parse_amount(text)
    except AmountError as error:
        return AMOUNT_MESSAGES[str(error)]
    return None


def end_date_problem(start: date | None, end: date | None) -> Any:
    """The message for a contract that ends before it starts, or None."""
    if start and end and end < start:
        return _l("The end date is before the start date.")
    return None


def chose_file(field: Field) -> bool:
    """Whether a file was chosen in this file field on this sending."""
    return isinstance(field.data, FileStorage) and bool(field.data)


class FileOrKept:
    """Required: a file chosen now, or the one kept from the form's last sending
    (``kept_file``, advisor.contracts.kept); the view checks that one is still kept."""

    field_flags: ClassVar[dict[str, bool]] = {"required": True}

    def __init__(self, message: Any) -> None:
        self.message = message

    def __call__(self, form: Any, field: Field) -> None:
        if not chose_file(field) and not form.kept_file.data:
            raise StopValidation(str(self.message))


class ContractForm(AppForm):
    title = StringField(_l("Contract title"), validators=[_required, Length(max=200)])
    counterparty = StringField(_l("Counterparty"), validators=[_required, Length(max=200)])
    contract_type = SelectField(
        _l("Contract type"), choices=[("", "—"), *TYPE_LABELS.items()], validators=[_required]
    )
    amount = StringField(
        _l("Amount (yuan)"),
        validators=[_required, Length(max=30)],
        # No inputmode="decimal": a phone's number pad has no 万 for 12万 or 1.5万.
        render_kw={"placeholder": "12,000.00 / 1.5万"},
    )
    start_date = DateField(_l("Start date"), validators=[_required], format="%Y-%m-%d")
    end_date = DateField(_l("End date"), validators=[_required], format="%Y-%m-%d")
    urgent = BooleanField(_l("Urgent (shorter review time)"))
    note = TextAreaField(_l("Note for the advisor"), validators=[Optional(), Length(max=2000)])

    def validate_amount(self, field: Field) -> None:
        problem = amount_problem(field.data or "")
        if problem:
            raise StopValidation(str(problem))

    def validate_end_date(self, field: Field) -> None:
        if problem := end_date_problem(self.start_date.data, field.data):
            raise StopValidation(str(problem))

    file = FileField(
        _l("Contract file (PDF or Word .docx)"),
        validators=[FileOrKept(_l("Choose the contract file."))],
    )
    # The id of the file kept when this form was last sent back (advisor.contracts.kept).
    kept_file = HiddenField(validators=[Optional(), Length(max=64)])
    # What the contract was started from (a model contract filled in), set by a
    # submission panel; passed on as ContractData.origin.
    origin = HiddenField(validators=[Optional(), Length(max=64)])


class RevisionForm(AppForm):
    file = FileField(
        _l("Revised file (PDF or Word .docx)"),
        validators=[FileRequired(_l("Choose the contract file."))],
    )
    note = TextAreaField(_l("What changed"), validators=[Optional(), Length(max=2000)])


class WithdrawForm(AppForm):
    reason = StringField(_l("Reason for withdrawing"), validators=[_required, Length(max=500)])


class ReassignForm(AppForm):
    advisor_id = SelectField(_l("Reassign to"), coerce=int, validators=[_required])
    reason = StringField(_l("Reason"), validators=[_required, Length(max=500)])


class CalendarDayForm(AppForm):
    day = DateField(_l("Date"), validators=[_required], format="%Y-%m-%d")
    kind = SelectField(
        _l("Kind"), choices=[("rest", _l("Extra rest day")), ("work", _l("Extra working day"))]
    )
    note = StringField(_l("Note"), validators=[Optional(), Length(max=100)])


FIRST_YEAR, LAST_YEAR = 2000, 2100
_year = NumberRange(FIRST_YEAR, LAST_YEAR, message=_l("A year from 2000 to 2100."))
NOTICE_SCOPES = [
    ("national", _l("National notice (State Council)")),
    ("regional", _l("Regional notice (e.g. Xinjiang's 肉孜节 and 古尔邦节)")),
]


class NoticeForm(AppForm):
    """A pasted holiday notice: previewed first, saved on confirmation."""

    # Ids of their own: the page also holds the single-day and import forms.
    year = IntegerField(_l("Year"), validators=[_required, _year], id="notice-year")
    scope = SelectField(
        _l("Whose notice"), choices=NOTICE_SCOPES, default="national", id="notice-scope"
    )
    text = TextAreaField(
        _l("Text of the notice"),
        validators=[_required, Length(max=MAX_TEXT)],
        render_kw={"rows": 10, "spellcheck": "false"},
        id="notice-text",
    )
    accept_problems = BooleanField(
        _l("I have read what could not be read; none of it is a rest day or working day.")
    )


class CalendarImportForm(AppForm):
    year = IntegerField(_l("Year of the file"), validators=[_required, _year], id="import-year")
    file = FileField(
        _l("Calendar file (.json or .csv)"),
        validators=[FileRequired(_l("Choose the file."))],
        id="import-file",
        render_kw={"accept": ".json,.csv"},
    )
