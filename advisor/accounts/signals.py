"""Signals the accounts domain sends when someone signs in or out or changes their own
password or API tokens, so later domains (the security log) hear of it without accounts
importing them.

Each is sent with ``session`` (the request's), ``now`` (the request's clock) and what
happened. A signal of something done is sent before the view's commit: a receiver adds
to ``session`` and its rows commit with the action. A signal of something refused is
sent after the action's work was rolled back: a receiver that writes commits on its own.
"""

from __future__ import annotations

from blinker import Namespace

_signals = Namespace()

# Done: sent before the view's commit.

# ``user``: the User who signed in, once the new login session is added.
signed_in = _signals.signal("signed-in")
# ``account``: the e-mail typed (normalised) when the sign-in failed (unknown account,
# wrong password or deactivated account, which the sign-in does not tell apart).
sign_in_failed = _signals.signal("sign-in-failed")
# ``user``: the User who signed out, once the login session is ended.
signed_out = _signals.signal("signed-out")
# ``user``: the User whose own password changed, once this session is reopened.
password_changed = _signals.signal("password-changed")
# ``user`` and ``token``: the User and the ApiToken they made (never its clear text).
token_created = _signals.signal("token-created")
# ``user`` and ``token_id``: the User and the id of the token of theirs they revoked.
token_revoked = _signals.signal("token-revoked")

# Refused: sent after the rollback.

# ``account``: the e-mail typed (normalised) when the sign-in was refused because the
# account or the address is locked out for too many failures.
sign_in_locked_out = _signals.signal("sign-in-locked-out")
# ``user`` and ``fields``: the names of the fields refused (never their values).
password_change_refused = _signals.signal("password-change-refused")
# ``user`` and ``fields``: the names of the fields refused (never their values).
token_creation_refused = _signals.signal("token-creation-refused")
