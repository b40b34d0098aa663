"""Display names of the model contracts' values (lazy: rendered in the viewer's language)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from advisor.model_contracts.models import FieldKind, TemplateStatus

STATUS_LABELS = {
    TemplateStatus.DRAFT: _l("Draft"),
    TemplateStatus.PUBLISHED: _l("Published"),
    TemplateStatus.WITHDRAWN: _l("Withdrawn"),
}

KIND_LABELS = {
    FieldKind.TEXT: _l("Text"),
    FieldKind.AMOUNT: _l("Amount (yuan)"),
    FieldKind.AMOUNT_WORDS: _l("Amount in capitals"),
    FieldKind.DATE: _l("Date"),
    FieldKind.NUMBER: _l("Number"),
}

CHANGE_LABELS = {
    "unchanged": _l("Unchanged"),
    "changed": _l("Changed"),
    "deleted": _l("Deleted"),
    "added": _l("Added"),
}
