"""Forms of the reviews domain: the review with its findings, feedback, closing."""

from __future__ import annotations

from collections.abc import Mapping

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField
from wtforms import (
    DateField,
    FieldList,
    FormField,
    HiddenField,
    IntegerField,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import NumberRange, Optional

from advisor.errors import AppError
from advisor.forms import AppForm, AppSubform, small_int, text_limit
from advisor.reviews.labels import (
    ADOPTION_LABELS,
    DIMENSION_LABELS,
    OPINION_LABELS,
    RATING_LABELS,
    SEVERITY_LABELS,
)
from advisor.reviews.seal_uses import SEAL_LABELS
from advisor.reviews.services import (
    MAX_FINDINGS,
    MAX_MINUTES,
    NOTE_MAX,
    SUMMARY_MAX,
    FindingData,
    ReviewData,
)
from advisor.reviews.signing import APPROVER_MAX, DIFFERENCE_REASON_MAX, SealData


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
    # The opinion's outcomes only: returning the contract is its own button and handler.
    outcome = SelectField(_l("Outcome"), choices=[("", "—"), *OPINION_LABELS.items()])
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

    def kept_rows(self) -> list[int]:
        """Form rows that hold a finding; blank rows are left out of the review."""
        return [
            i
            for i, entry in enumerate(self.findings)
            if any((entry.problem.data or "", entry.clause.data or "", entry.suggestion.data or ""))
        ]

    def review_data(self, posted: Mapping[str, str], *, outcome: str | None = None) -> ReviewData:
        """What the advisor wrote, for the services. ``posted`` is the whole request form:
        the answers on an earlier return's findings (``resolved-<finding id>``: "1" fixed,
        "0" not fixed, "" not said) are fields of those findings, not of this form.
        ``outcome``, when given, is the one the button chose (a return), not the select's."""
        findings = [
            FindingData(
                dimension=entry.dimension.data or "",
                severity=entry.severity.data or "",
                problem=entry.problem.data or "",
                clause=entry.clause.data or "",
                suggestion=entry.suggestion.data or "",
                legal_basis=entry.legal_basis.data or "",
                id=small_int(entry.form.id.data) or None,
            )
            for entry in (self.findings[i] for i in self.kept_rows())
        ]
        resolved = {
            int(key.removeprefix("resolved-")): value == "1"
            for key, value in posted.items()
            if key.startswith("resolved-")
            and key.removeprefix("resolved-").isdigit()
            and value in "01"
            and value
        }
        return ReviewData(
            outcome=outcome or self.outcome.data or None,
            summary=self.summary.data or "",
            minutes_spent=self.minutes_spent.data or 0,
            findings=findings,
            resolved=resolved,
        )

    def place_errors(self, error: AppError) -> None:
        """Put a service's refusal next to the field it names, findings included."""
        rows = self.kept_rows()  # the service counts kept findings; the form counts rows
        for name, message in error.fields.items():
            parts = name.split("-")
            if parts[0] == "findings" and len(parts) == 3 and parts[1].isdigit():
                kept = int(parts[1])
                index = rows[kept] if kept < len(rows) else kept
                if index < len(self.findings):
                    getattr(self.findings[index], parts[2]).errors = [str(message)]
                    continue
            field = getattr(self, name, None)
            if field is not None:
                field.errors = [*field.errors, str(message)]
            else:
                self.form_errors.append(str(message))
        if not error.fields:
            self.form_errors.append(str(error.message))

    def remove_finding(self, row: int) -> None:
        """Drop the finding in form row ``row``; the rows after it move up and are renamed,
        as the page shows them again. A row number past the last removes nothing."""
        kept = [entry.data for i, entry in enumerate(self.findings) if i != row]
        self.findings.entries.clear()
        self.findings.last_index = -1
        for data in kept:
            self.findings.append_entry(data)


class FeedbackForm(AppForm):
    rating = RadioField(
        _l("Rating"),
        coerce=int,
        choices=list(RATING_LABELS.items()),
        invalid_choice_message=_l("Choose how satisfied you are with the opinion."),
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
    # The signed copy chosen at a sending that was refused, kept for the next one
    # (advisor.contracts.kept): its id, only its owner can use.
    kept_file = HiddenField()
    difference_reason = TextAreaField(
        _l("Why the signed copy differs from the reviewed version"),
        validators=[text_limit(DIFFERENCE_REASON_MAX)],
    )
    # The seal use (用印登记), for a signing: the service says what is missing or wrong,
    # the same way for the API.
    seal = SelectField(_l("Seal used"), choices=[("", "—"), *SEAL_LABELS.items()])
    approved_by = StringField(_l("Seal use approved by"), validators=[text_limit(APPROVER_MAX)])
    used_on = DateField(_l("Date of use"), validators=[Optional()])
    copies = IntegerField(_l("Copies sealed"), validators=[Optional()])
    lock_version = HiddenField()

    def seal_data(self) -> SealData:
        return SealData(
            seal=self.seal.data or "",
            approved_by=self.approved_by.data or "",
            used_on=self.used_on.data,
            copies=self.copies.data,
        )
