"""Display labels of ledger kinds and service modes."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from advisor.ledger.models import Kind, Mode

KIND_LABELS = {
    Kind.CONTRACT_REVIEW: _l("Contract review"),
    Kind.CONSULTATION: _l("Legal consultation"),
    Kind.LECTURE: _l("Rule-of-law lecture"),
    Kind.DISPUTE_MEDIATION: _l("Dispute mediation"),
    Kind.DOCUMENT_DRAFTING: _l("Document drafting"),
    Kind.TRAINING: _l("Training"),
    Kind.OTHER: _l("Other"),
}

MODE_LABELS = {
    Mode.ON_SITE: _l("On site"),
    Mode.PHONE: _l("Phone"),
    Mode.ONLINE: _l("Online"),
    Mode.WRITTEN: _l("Written"),
}
