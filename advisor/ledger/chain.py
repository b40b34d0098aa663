"""The ledger's hash chain: a documented canonical form of an entry, and verification.

Canonical form (version 1): a JSON object with exactly the keys in ``FIELDS`` plus
``prev_hash``, keys sorted, no insignificant whitespace, UTF-8, non-ASCII kept as
is; dates as YYYY-MM-DD, ``created_at`` as UTC ISO 8601 with microseconds and
"+00:00", missing values as null. The entry's hash is the SHA-256 hex digest of
those bytes. Changing any field, the order, or the set of entries changes a hash.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from advisor.ledger.models import GENESIS, LedgerEntry

FIELDS = (
    "seq",
    "entry_on",
    "advisor_id",
    "school_id",
    "kind",
    "description",
    "service_mode",
    "minutes",
    "outcome",
    "audience",
    "headcount",
    "contract_id",
    "review_id",
    "supersedes_id",
    "on_behalf",
    "created_at",
    "created_by_id",
)


def _plain(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.astimezone(UTC).isoformat(timespec="microseconds")
    if isinstance(value, date):
        return value.isoformat()
    return value


def canonical(entry: LedgerEntry | dict[str, Any], prev_hash: str) -> bytes:
    """The bytes that are hashed for an entry (see the module docstring)."""
    get = entry.get if isinstance(entry, dict) else lambda name: getattr(entry, name)
    content = {name: _plain(get(name)) for name in FIELDS}
    content["prev_hash"] = prev_hash
    return json.dumps(content, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode()


def entry_hash(entry: LedgerEntry | dict[str, Any], prev_hash: str) -> str:
    return hashlib.sha256(canonical(entry, prev_hash)).hexdigest()


@dataclass(frozen=True, slots=True)
class Verification:
    ok: bool
    checked: int
    first_bad_id: int | None
    reason: str = ""


def verify(entries: Iterable[LedgerEntry], *, head_seq: int, head_hash: str) -> Verification:
    """Recompute the chain over ``entries`` in sequence order.

    The first entry whose sequence number, previous hash or own hash does not match
    is named; a chain shorter than the head says (a removed last entry) fails too.
    """
    expected_prev, expected_seq, checked = GENESIS, 1, 0
    for entry in entries:
        checked += 1
        if entry.seq != expected_seq:
            return Verification(False, checked, entry.id, "sequence")
        if entry.prev_hash != expected_prev:
            return Verification(False, checked, entry.id, "previous hash")
        recomputed = entry_hash(entry, expected_prev)
        if recomputed != entry.hash:
            return Verification(False, checked, entry.id, "content")
        expected_prev, expected_seq = recomputed, expected_seq + 1
    if expected_seq - 1 != head_seq or expected_prev != head_hash:
        return Verification(False, checked, None, "end of chain")
    return Verification(True, checked, None)
