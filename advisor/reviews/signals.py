"""Signals the reviews domain sends, so later domains (the ledger) act in the same transaction."""

from __future__ import annotations

from blinker import Namespace

_signals = Namespace()

# Sent with the session, the issued Review and its Contract after the review is flushed.
review_issued = _signals.signal("review-issued")
