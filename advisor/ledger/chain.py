"""The ledger's hash chain: a documented canonical form of an entry, and verification.

Canonical form (version 1): a JSON object with exactly the keys in ``FIELDS`` plus
``prev_hash``, keys sorted, no insignificant whitespace, UTF-8, non-ASCII kept as
is; dates as YYYY-MM-DD, ``created_at`` as UTC ISO 8601 with microseconds and
"+00:00", missing values as null. The entry's hash is the SHA-256 hex digest of
those bytes. Changing any field, the order, or the set of entries changes a hash.

``canonical`` is that specification, written the plain way (``json.dumps``).
``canonical_values`` writes the same bytes several times faster, for verifying millions
of entries; tests/ledger/test_chain.py holds it to ``canonical`` byte for byte.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from json.encoder import encode_basestring
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


# --- the same bytes, fast -------------------------------------------------------------


def canonical_values(values: Sequence[Any], prev_hash: str) -> bytes:
    """``canonical`` of the entry whose FIELDS are ``values``, in FIELDS order: the same
    bytes, written directly for verifying millions of entries (``canonical`` builds a
    dict, sorts it and sets up an encoder each time).

    The keys are written in sorted order; strings are escaped by the very function
    ``json.dumps`` uses for them (``ensure_ascii=False``), integers written as it writes
    them, null, true and false spelled out. The values are what the columns give
    (advisor.ledger.models): ints, a bool, strings, a date and a datetime, None where a
    column is nullable; the date and time may also come as text (their canonical text, as
    a database renders it: advisor.ledger.rows), which the canonical form writes as the
    same string. A value of any other type sends the entry to ``canonical`` itself, so the
    bytes never depend on what was given.
    """
    (
        seq,
        entry_on,
        advisor_id,
        school_id,
        kind,
        description,
        service_mode,
        minutes,
        outcome,
        audience,
        headcount,
        contract_id,
        review_id,
        supersedes_id,
        on_behalf,
        created_at,
        created_by_id,
    ) = values
    # Numbers are written by f-string, which spells a bool or a float otherwise than
    # JSON; strings go through encode_basestring, which refuses anything but str.
    if not (
        type(seq) is int
        and type(advisor_id) is int
        and type(minutes) is int
        and (school_id is None or type(school_id) is int)
        and (headcount is None or type(headcount) is int)
        and (contract_id is None or type(contract_id) is int)
        and (review_id is None or type(review_id) is int)
        and (supersedes_id is None or type(supersedes_id) is int)
        and (created_by_id is None or type(created_by_id) is int)
        and type(on_behalf) is bool
    ):
        return _canonical_of(values, prev_hash)
    if type(entry_on) is date:
        entry_on = entry_on.isoformat()
    if type(created_at) is datetime:
        if created_at.tzinfo is not UTC:
            created_at = created_at.astimezone(UTC)
        created_at = created_at.isoformat(timespec="microseconds")
    try:
        text = (
            f'{{"advisor_id":{advisor_id},"audience":{encode_basestring(audience)},'
            f'"contract_id":{"null" if contract_id is None else contract_id},'
            f'"created_at":{encode_basestring(created_at)},'
            f'"created_by_id":{"null" if created_by_id is None else created_by_id},'
            f'"description":{encode_basestring(description)},'
            f'"entry_on":{encode_basestring(entry_on)},'
            f'"headcount":{"null" if headcount is None else headcount},'
            f'"kind":{encode_basestring(kind)},"minutes":{minutes},'
            f'"on_behalf":{"true" if on_behalf else "false"},'
            f'"outcome":{encode_basestring(outcome)},"prev_hash":{encode_basestring(prev_hash)},'
            f'"review_id":{"null" if review_id is None else review_id},'
            f'"school_id":{"null" if school_id is None else school_id},"seq":{seq},'
            f'"service_mode":{"null" if service_mode is None else encode_basestring(service_mode)},'
            f'"supersedes_id":{"null" if supersedes_id is None else supersedes_id}}}'
        )
    except TypeError:  # a text field (or the date or time) that holds no text
        return _canonical_of(values, prev_hash)
    return text.encode()


def _canonical_of(values: Sequence[Any], prev_hash: Any) -> bytes:
    return canonical(dict(zip(FIELDS, values, strict=True)), prev_hash)


# --- verification ---------------------------------------------------------------------

# The columns verification reads, in this order: a stored entry as a plain row.
ROW = ("id", "prev_hash", "hash", *FIELDS)


@dataclass(frozen=True, slots=True)
class Verification:
    ok: bool
    checked: int
    first_bad_id: int | None
    reason: str = ""
    # Where a chain that verified ends (the head's sequence number and hash).
    end_seq: int = 0
    end_hash: str = GENESIS


def verify_rows(
    rows: Iterable[Sequence[Any]],
    *,
    head_seq: int,
    head_hash: str,
    after: tuple[int, str] = (0, GENESIS),
) -> Verification:
    """Recompute the chain over ``rows`` (laid out as ``ROW``) in sequence order, from the
    entry after ``after`` (a sequence number and the hash it must have; by default the
    start of the chain).

    The first entry whose sequence number, previous hash or own hash does not match
    is named; a chain that does not end at the head (a removed last entry) fails too.
    """
    expected_seq, expected_prev = after[0] + 1, after[1]
    checked = 0
    sha256 = hashlib.sha256
    for checked, row in enumerate(rows, 1):
        entry_id, prev_hash, stored_hash = row[0], row[1], row[2]
        values = row[3:]
        if values[0] != expected_seq:
            return Verification(False, checked, entry_id, "sequence")
        if prev_hash != expected_prev:
            return Verification(False, checked, entry_id, "previous hash")
        recomputed = sha256(canonical_values(values, expected_prev)).hexdigest()
        if recomputed != stored_hash:
            return Verification(False, checked, entry_id, "content")
        expected_prev, expected_seq = recomputed, expected_seq + 1
    if expected_seq - 1 != head_seq or expected_prev != head_hash:
        return Verification(False, checked, None, "end of chain")
    return Verification(True, checked, None, "", head_seq, head_hash)


def verify(entries: Iterable[LedgerEntry], *, head_seq: int, head_hash: str) -> Verification:
    """``verify_rows`` over entry objects (or anything with their attributes)."""
    rows = ([getattr(entry, name) for name in ROW] for entry in entries)
    return verify_rows(rows, head_seq=head_seq, head_hash=head_hash)
