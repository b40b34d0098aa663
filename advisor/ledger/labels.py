"""Display labels of ledger kinds and service modes, and what an entry's outcome is called for
each kind of work (a lecture has no review conclusion)."""

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

# The outcome field in the words of each kind of work, with an example of what goes in it.
OUTCOME_LABELS = {
    Kind.CONTRACT_REVIEW: _l("Review conclusion"),
    Kind.CONSULTATION: _l("Advice given"),
    Kind.LECTURE: _l("How the lecture went"),
    Kind.DISPUTE_MEDIATION: _l("Result of the mediation"),
    Kind.DOCUMENT_DRAFTING: _l("Document produced"),
    Kind.TRAINING: _l("How the training went"),
    Kind.OTHER: _l("Outcome of the work"),
}
OUTCOME_HINTS = {
    Kind.CONTRACT_REVIEW: _l("For example: sign after changes."),
    Kind.CONSULTATION: _l("For example: advised the school to ask the supplier for a refund."),
    Kind.LECTURE: _l("For example: questions from the audience, how it was received."),
    Kind.DISPUTE_MEDIATION: _l("For example: both sides signed a settlement."),
    Kind.DOCUMENT_DRAFTING: _l("For example: a lawyer's letter, sent on the school's behalf."),
    Kind.TRAINING: _l("For example: who took part, what they practised."),
    Kind.OTHER: _l("What came of the work."),
}
# Before a kind is chosen (or without JavaScript): one label for all, one hint naming each.
OUTCOME_ANY = _l("Outcome of the work")
OUTCOME_ANY_HINT = _l(
    "For a contract review the review conclusion; for a consultation the advice given; for"
    " a lecture or training how it went; for a mediation its result; for drafting the"
    " document produced."
)
