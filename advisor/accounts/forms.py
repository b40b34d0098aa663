"""Forms of the accounts domain."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import EmailField, Field, Form, PasswordField, SelectField, StringField
from wtforms.validators import DataRequired, Email, EqualTo, Length, Optional

from advisor.accounts.services import PASSWORD_MAX, PASSWORD_MIN, TOKEN_DAYS, TOKEN_DAYS_CHOICES
from advisor.forms import AppForm

ROLE_CHOICES = [
    ("school", _l("School staff")),
    ("advisor", _l("Legal advisor")),
    ("bureau", _l("Bureau staff")),
]

_password_length = Length(
    min=PASSWORD_MIN,
    max=PASSWORD_MAX,
    message=_l("Between %(min)d and %(max)d characters.", min=PASSWORD_MIN, max=PASSWORD_MAX),
)
_required = DataRequired(message=_l("Required."))
_email_format = Email(message=_l("Enter a valid e-mail address."), check_deliverability=False)


def _email(form: Form, field: Field) -> None:
    """A new address must be valid; the one an account already has is kept as it is,
    so that an account under an intranet domain (the demo's demo.local, which the
    validator calls reserved) can still have its name or role edited."""
    if field.object_data is not None and field.data == field.object_data:
        return
    _email_format(form, field)


class LoginForm(AppForm):
    email = StringField(_l("E-mail"), validators=[_required, Length(max=254)])
    password = PasswordField(_l("Password"), validators=[_required, Length(max=PASSWORD_MAX)])


class ChangePasswordForm(AppForm):
    current_password = PasswordField(_l("Current password"), validators=[_required])
    new_password = PasswordField(_l("New password"), validators=[_required, _password_length])
    confirm = PasswordField(
        _l("Repeat the new password"),
        validators=[_required, EqualTo("new_password", message=_l("The passwords differ."))],
    )


class ResetPasswordForm(AppForm):
    new_password = PasswordField(_l("New password"), validators=[_required, _password_length])


class TokenForm(AppForm):
    name = StringField(_l("Token name"), validators=[Optional(), Length(max=100)])
    days = SelectField(
        _l("Valid for"),
        choices=[(n, _l("%(n)d days", n=n)) for n in TOKEN_DAYS_CHOICES],
        coerce=int,
        default=TOKEN_DAYS,
        validate_choice=True,
    )
    password = PasswordField(_l("Your password"), validators=[_required, Length(max=PASSWORD_MAX)])


class UserForm(AppForm):
    email = EmailField(_l("E-mail"), validators=[_required, _email, Length(max=254)])
    name = StringField(_l("Name"), validators=[_required, Length(max=100)])
    role = SelectField(_l("Role"), choices=ROLE_CHOICES, validators=[_required])
    school_id = SelectField(_l("School"), coerce=int, validators=[Optional()])
    advisor_id = SelectField(_l("Advisor"), coerce=int, validators=[Optional()])


class NewUserForm(UserForm):
    password = PasswordField(_l("Initial password"), validators=[_required, _password_length])
