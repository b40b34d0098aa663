"""Signals the contracts domain sends, so later domains (the pre-check) act in the same
transaction."""

from __future__ import annotations

from blinker import Namespace

_signals = Namespace()

# Sent with the session, the Contract, the new ContractVersion and its pages' text after
# the version is flushed (not for the signed copy recorded at closing).
version_added = _signals.signal("version-added")
