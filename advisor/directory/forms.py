"""Forms of the directory: schools, law firms, advisors, assignments, imports."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField, FileRequired
from wtforms import BooleanField, DateField, EmailField, SelectField, StringField
from wtforms.validators import DataRequired, Email, Length, Optional

from advisor.directory.labels import KIND_LABELS, LEVEL_LABELS
from advisor.forms import AppForm

_required = DataRequired(message=_l("Required."))


class SchoolForm(AppForm):
    code = StringField(_l("School code"), validators=[_required, Length(max=32)])
    name = StringField(_l("School name"), validators=[_required, Length(max=100)])
    district = StringField(_l("District"), validators=[Optional(), Length(max=50)])
    level = SelectField(_l("Level"), choices=list(LEVEL_LABELS.items()), validators=[_required])
    address = StringField(_l("Address"), validators=[Optional(), Length(max=200)])
    contact_name = StringField(_l("Contact person"), validators=[Optional(), Length(max=50)])
    contact_phone = StringField(_l("Contact phone"), validators=[Optional(), Length(max=30)])
    is_active = BooleanField(_l("Active"), default=True)


class LawFirmForm(AppForm):
    name = StringField(_l("Law firm name"), validators=[_required, Length(max=100)])
    credit_code = StringField(
        _l("Unified social credit code"),
        validators=[_required, Length(min=18, max=18, message=_l("Exactly 18 characters."))],
    )
    address = StringField(_l("Address"), validators=[Optional(), Length(max=200)])
    contact_name = StringField(_l("Contact person"), validators=[Optional(), Length(max=50)])
    contact_phone = StringField(_l("Contact phone"), validators=[Optional(), Length(max=30)])


class AdvisorForm(AppForm):
    name = StringField(_l("Name"), validators=[_required, Length(max=50)])
    law_firm_id = SelectField(_l("Law firm"), coerce=int, validators=[_required])
    licence_no = StringField(
        _l("Practising licence number"), validators=[_required, Length(max=17)]
    )
    phone = StringField(_l("Phone"), validators=[Optional(), Length(max=30)])
    email = EmailField(
        _l("E-mail"),
        validators=[
            Optional(),
            Email(message=_l("Enter a valid e-mail address."), check_deliverability=False),
            Length(max=254),
        ],
    )
    appointed_on = DateField(_l("Appointed from"), validators=[_required], format="%Y-%m-%d")
    appointment_ends_on = DateField(
        _l("Appointed until"), validators=[Optional()], format="%Y-%m-%d"
    )
    specialties = StringField(_l("Specialties"), validators=[Optional(), Length(max=200)])
    is_active = BooleanField(_l("Active"), default=True)


class AssignForm(AppForm):
    kind = SelectField(_l("Assignment"), choices=list(KIND_LABELS.items()), validators=[_required])
    advisor_id = SelectField(_l("Advisor"), coerce=int, validators=[_required])
    starts_on = DateField(_l("From"), validators=[_required], format="%Y-%m-%d")


class EndBackupForm(AppForm):
    ends_on = DateField(_l("Last day"), validators=[_required], format="%Y-%m-%d")


class ImportForm(AppForm):
    file = FileField(_l("Spreadsheet (.xlsx)"), validators=[FileRequired(_l("Choose a file."))])
