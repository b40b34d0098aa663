"""Display labels of security event kinds and outcomes."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from advisor.security_log.models import EventKind, Outcome

KIND_LABELS = {
    EventKind.LOGIN: _l("Sign-in"),
    EventKind.LOGOUT: _l("Sign-out"),
    EventKind.LOCKOUT: _l("Sign-in while locked out"),
    EventKind.PASSWORD_CHANGE: _l("Own password changed"),
    EventKind.PASSWORD_RESET: _l("Password reset by the bureau"),
    EventKind.USER_CREATE: _l("Account created"),
    EventKind.USER_UPDATE: _l("Account or role edited"),
    EventKind.USER_ACTIVATE: _l("Account activated"),
    EventKind.USER_DEACTIVATE: _l("Account deactivated"),
    EventKind.TOKEN_CREATE: _l("API token created"),
    EventKind.TOKEN_REVOKE: _l("API token revoked"),
    EventKind.FORBIDDEN: _l("Access refused (403)"),
    EventKind.LEDGER_EXPORT: _l("Ledger exported"),
    EventKind.EVALUATION_EXPORT: _l("Evaluation exported"),
    EventKind.RULESET_EXPORT: _l("Evaluation rules exported"),
    EventKind.FIGURES_EXPORT: _l("Yearly figures exported"),
    EventKind.SEAL_USE_EXPORT: _l("Seal-use register exported"),
    EventKind.CONTRACT_DOWNLOAD: _l("Contract file downloaded"),
    EventKind.OPINION_DOWNLOAD: _l("Opinion letter downloaded"),
}

OUTCOME_LABELS = {
    Outcome.SUCCESS: _l("Succeeded"),
    Outcome.FAILURE: _l("Failure"),
    Outcome.DENIED: _l("Refused"),
}
