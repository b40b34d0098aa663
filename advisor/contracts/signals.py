"""Signals the contracts domain sends, so later domains (the pre-check) act in the same
transaction."""

from __future__ import annotations

from blinker import Namespace

_signals = Namespace()

# Sent with the session, the Contract, the new ContractVersion and its pages' text after
# the version is flushed (not for the signed copy recorded at closing).
version_added = _signals.signal("version-added")

# Sent with the session, the actor, the new Contract and its ``origin`` (what the
# submission form said the contract was started from, e.g. "template_fill:12", opaque to
# this domain) in the submission's transaction: a receiver that raises an AppError
# refuses the whole submission.
contract_submitted = _signals.signal("contract-submitted")
