"""Forms of the model contracts. A template's own fields are not a WTForms class (each
version has its own): the fill page posts them by position and services.check_values
checks them."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField, FileRequired
from wtforms import SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from advisor.contracts.labels import TYPE_LABELS
from advisor.forms import AppForm
from advisor.text import LINE, NOTE

_required = DataRequired(message=_l("Required."))
_WORD = _l("Model contract (Word .docx)")
_CHOOSE = _l("Choose the Word file of the model contract.")


class ModelContractForm(AppForm):
    title = StringField(_l("Title"), validators=[_required, Length(max=LINE)])
    contract_type = SelectField(
        _l("Contract type"), choices=[("", "—"), *TYPE_LABELS.items()], validators=[_required]
    )
    file = FileField(_WORD, validators=[FileRequired(_CHOOSE)])
    note = TextAreaField(
        _l("Note (what this text is for)"), validators=[Optional(), Length(max=NOTE)]
    )


class VersionForm(AppForm):
    file = FileField(_WORD, validators=[FileRequired(_CHOOSE)])
    note = TextAreaField(_l("What changed"), validators=[Optional(), Length(max=NOTE)])


class ActionForm(AppForm):
    """The buttons (publish, withdraw, the clauses' switches): the CSRF token only."""
