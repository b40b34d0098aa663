"""The hash chain without a database: the canonical form, what the hash covers, the fast
encoder writing the canonical form's very bytes, and verification naming the first entry
that breaks, including any single random mutation."""

from __future__ import annotations

import enum
import hashlib
import json
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta, timezone
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from advisor.ledger.chain import (
    FIELDS,
    ROW,
    canonical,
    canonical_values,
    entry_hash,
    verify,
    verify_rows,
)
from advisor.ledger.models import GENESIS

BEIJING = timezone(timedelta(hours=8))


@dataclass(frozen=True)
class Entry:
    """What verify() reads from a stored entry: the FIELDS plus id, prev_hash and hash."""

    id: int
    seq: int
    entry_on: date
    advisor_id: int
    school_id: int | None
    kind: str
    description: str
    service_mode: str | None
    minutes: int
    outcome: str
    audience: str
    headcount: int | None
    contract_id: int | None
    review_id: int | None
    supersedes_id: int | None
    on_behalf: bool
    created_at: datetime
    created_by_id: int | None
    prev_hash: str = ""
    hash: str = ""


def content(seq: int) -> dict[str, Any]:
    return {
        "seq": seq,
        "entry_on": date(2026, 3, 1) + timedelta(days=seq % 20),
        "advisor_id": 1 + seq % 3,
        "school_id": None if seq % 4 == 0 else seq % 60 + 1,
        "kind": "lecture" if seq % 2 else "consultation",
        "description": f"为第{seq}所学校开展法治讲座",
        "service_mode": "on_site",
        "minutes": 30 + seq,
        "outcome": "",
        "audience": "全体教师" if seq % 2 else "",
        "headcount": 40 + seq if seq % 2 else None,
        "contract_id": None,
        "review_id": None,
        "supersedes_id": None,
        "on_behalf": seq % 5 == 0,
        "created_at": datetime(2026, 3, 2, 2, 0, tzinfo=UTC) + timedelta(minutes=seq),
        "created_by_id": 2,
    }


def make_chain(n: int) -> list[Entry]:
    """A valid chain of ``n`` entries; ids deliberately differ from sequence numbers."""
    chain, prev = [], GENESIS
    for seq in range(1, n + 1):
        values = content(seq)
        digest = entry_hash(values, prev)
        chain.append(Entry(id=1000 + 7 * seq, prev_hash=prev, hash=digest, **values))
        prev = digest
    return chain


def check(chain: list[Entry], original: list[Entry]) -> Any:
    """verify() with the head as the untampered chain left it."""
    last = original[-1] if original else None
    return verify(
        chain,
        head_seq=last.seq if last else 0,
        head_hash=last.hash if last else GENESIS,
    )


# --- the canonical form ---------------------------------------------------------------


def test_canonical_form_is_sorted_compact_utf8_json_with_documented_value_formats() -> None:
    values = content(3) | {
        "description": "审查《食堂食材采购合同》",
        "created_at": datetime(2026, 3, 2, 10, 5, 6, 7, tzinfo=BEIJING),
    }
    data = canonical(values, "ab" * 32)
    expected = {
        **{name: values[name] for name in FIELDS},
        "entry_on": "2026-03-04",
        "created_at": "2026-03-02T02:05:06.000007+00:00",
        "prev_hash": "ab" * 32,
    }
    assert data == json.dumps(
        dict(sorted(expected.items())), ensure_ascii=False, separators=(",", ":")
    ).encode("utf-8")
    text = data.decode("utf-8")
    assert "审查《食堂食材采购合同》" in text and "\\u" not in text
    assert list(json.loads(data)) == sorted([*FIELDS, "prev_hash"])
    assert " " not in text.replace("审查《食堂食材采购合同》", "")
    assert entry_hash(values, "ab" * 32) == hashlib.sha256(data).hexdigest()


def test_canonical_form_is_the_same_for_a_dict_and_an_object_and_when_repeated() -> None:
    entry = make_chain(2)[1]
    values = content(2)
    assert canonical(entry, entry.prev_hash) == canonical(values, entry.prev_hash)
    assert canonical(values, entry.prev_hash) == canonical(dict(values), entry.prev_hash)
    assert entry_hash(entry, entry.prev_hash) == entry.hash


def test_canonical_form_ignores_the_id_and_the_stored_hashes() -> None:
    entry = make_chain(1)[0]
    moved = replace(entry, id=5, hash="f" * 64, prev_hash="e" * 64)
    assert canonical(moved, GENESIS) == canonical(entry, GENESIS)


def test_missing_values_are_null() -> None:
    values = content(4)
    assert values["school_id"] is None and values["headcount"] is None
    parsed = json.loads(canonical(values, GENESIS))
    assert parsed["school_id"] is None and parsed["headcount"] is None


# --- the fast encoder writes the same bytes (property) -----------------------------------

# Strings that JSON escaping gets wrong when written by hand: quotes, backslashes, every
# control character, DEL and the line separators JSON leaves alone, non-ASCII of every
# width, and JSON-looking text.
HOSTILE = (
    "",
    '"',
    "\\",
    '\\"',
    '","prev_hash":"',
    "\x00\x01\x08\t\n\x0b\x0c\r\x1b\x1f",
    "".join(map(chr, range(32))),
    "\x7f\x80\x9f\xa0\xad",
    "\u2028\u2029\ufeff\ufffe",
    "审查《食堂食材采购合同》（相对方：“某某公司”）",
    "𠀀😀👩‍👩‍👧 e\u0301",
    "null",
    "</script>\\u0000",
    " leading and trailing ",
)


class Status(enum.StrEnum):
    """A str subclass, as a service may pass (Kind): not a column's type, still encoded."""

    LECTURE = "lecture"


def strings(surrogates: bool = False) -> st.SearchStrategy[str]:
    alphabet = st.characters(exclude_categories=() if surrogates else ("Cs",))
    return st.one_of(
        st.sampled_from(HOSTILE),
        st.text(alphabet, max_size=40),
        st.lists(st.sampled_from(HOSTILE), max_size=4).map("".join),
    )


ints = st.integers(-(2**70), 2**70)
offsets = st.timedeltas(
    min_value=timedelta(hours=-23, minutes=-59), max_value=timedelta(hours=23, minutes=59)
)
instants = st.one_of(
    st.datetimes(timezones=st.just(UTC)),
    st.datetimes(timezones=st.builds(timezone, offsets)),
)
# A day away from the ends of the calendar, so that moving to UTC stays in it.
inner_instants = st.datetimes(
    min_value=datetime(1, 1, 2),
    max_value=datetime(9999, 12, 30),
    timezones=st.builds(timezone, offsets),
)


def utc_text(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="microseconds")


# What the columns give: each field's type, None where the column is nullable; the date
# and time also as text (as advisor.ledger.rows reads them), canonical or not.
STORED: dict[str, st.SearchStrategy[Any]] = {
    "seq": ints,
    "entry_on": st.dates() | st.dates().map(date.isoformat) | strings(),
    "advisor_id": ints,
    "school_id": st.none() | ints,
    "kind": strings(),
    "description": strings(),
    "service_mode": st.none() | strings(),
    "minutes": ints,
    "outcome": strings(),
    "audience": strings(),
    "headcount": st.none() | ints,
    "contract_id": st.none() | ints,
    "review_id": st.none() | ints,
    "supersedes_id": st.none() | ints,
    "on_behalf": st.booleans(),
    "created_at": instants | inner_instants.map(utc_text) | strings(),
    "created_by_id": st.none() | ints,
}
assert tuple(STORED) == FIELDS
# Anything else a caller might pass, in any field: None where the column is not
# nullable, bools for numbers, naive and aware datetimes for dates, str subclasses,
# floats, lone surrogates (no database stores them; both encoders refuse them alike).
OTHER = st.one_of(
    st.none(),
    st.booleans(),
    ints,
    st.floats(),
    strings(surrogates=True),
    st.just(Status.LECTURE),
    st.dates(),
    st.datetimes(),
    instants,
)


def same_bytes(values: list[Any], prev_hash: Any) -> None:
    """canonical_values gives canonical()'s bytes, or fails as canonical() fails."""
    try:
        expected: bytes | type[Exception] = canonical(
            dict(zip(FIELDS, values, strict=True)), prev_hash
        )
    except (ValueError, TypeError, OverflowError) as error:  # UnicodeEncodeError is a ValueError
        expected = type(error)
    try:
        got: bytes | type[Exception] = canonical_values(values, prev_hash)
    except (ValueError, TypeError, OverflowError) as error:
        got = type(error)
    assert got == expected


@settings(max_examples=800, deadline=None, database=None)
@given(
    values=st.tuples(*STORED.values()), prev=st.text("0123456789abcdef", min_size=64, max_size=64)
)
def test_the_fast_encoder_writes_the_canonical_bytes_of_every_stored_value(
    values: tuple[Any, ...], prev: str
) -> None:
    same_bytes(list(values), prev)


@settings(max_examples=300, deadline=None, database=None)
@given(data=st.data(), prev=st.one_of(st.just(GENESIS), st.just(GENESIS), OTHER))
def test_the_fast_encoder_writes_the_canonical_bytes_of_any_value_in_any_field(
    data: st.DataObject, prev: Any
) -> None:
    # A few fields at a time, so that the rest still looks like a stored row.
    odd = data.draw(st.sets(st.sampled_from(FIELDS), max_size=3), "odd fields")
    values = [
        data.draw(OTHER if name in odd else strategy, name) for name, strategy in STORED.items()
    ]
    same_bytes(values, prev)


# One value of every type a caller might pass; each goes in each field below.
ODD_VALUES = (
    None,
    True,
    False,
    0,
    -(2**70),
    1.5,
    float("nan"),
    "7",
    Status.LECTURE,
    date(2026, 3, 1),
    datetime(2026, 3, 1, 8, 30),
    datetime(2026, 3, 1, 8, 30, 0, 1, tzinfo=BEIJING),
    datetime(2026, 3, 1, 8, 30, tzinfo=UTC),
)


@pytest.mark.parametrize("name", FIELDS)
def test_the_fast_encoder_on_a_value_of_any_type_in_each_field(name: str) -> None:
    for value in ODD_VALUES:
        values = [content(7)[field] for field in FIELDS]
        values[FIELDS.index(name)] = value
        same_bytes(values, GENESIS)


def test_the_fast_encoder_on_hostile_text_in_every_text_field() -> None:
    """Deterministic companion of the properties: each hostile string in each text field."""
    base = [content(7)[name] for name in FIELDS]
    for name in ("kind", "description", "service_mode", "outcome", "audience"):
        for text in HOSTILE:
            values = list(base)
            values[FIELDS.index(name)] = text
            assert canonical_values(values, GENESIS) == canonical(
                content(7) | {name: text}, GENESIS
            )


def test_the_fast_encoder_refuses_a_lone_surrogate_as_the_canonical_form_does() -> None:
    values = [content(7)[name] for name in FIELDS]
    values[FIELDS.index("description")] = "半个\ud800字符"
    with pytest.raises(UnicodeEncodeError):
        canonical(dict(zip(FIELDS, values, strict=True)), GENESIS)
    with pytest.raises(UnicodeEncodeError):
        canonical_values(values, GENESIS)


@settings(max_examples=300, deadline=None, database=None)
@given(day=st.dates(), moment=inner_instants)
def test_a_date_and_time_given_as_their_canonical_text_encode_as_the_values(
    day: date, moment: datetime
) -> None:
    """What lets the database render them (advisor.ledger.rows): the canonical form of a
    date or time is the JSON string of its text, so the text gives the very same bytes."""
    values = content(3) | {"entry_on": day, "created_at": moment}
    as_text = [values[name] for name in FIELDS]
    as_text[FIELDS.index("entry_on")] = day.isoformat()
    as_text[FIELDS.index("created_at")] = utc_text(moment)
    assert canonical_values(as_text, GENESIS) == canonical(values, GENESIS)


def test_plain_rows_verify_like_entries() -> None:
    chain = make_chain(5)
    rows = [tuple(getattr(entry, name) for name in ROW) for entry in chain]
    result = verify_rows(rows, head_seq=5, head_hash=chain[-1].hash)
    assert (result.ok, result.checked) == (True, 5)
    after_two = verify_rows(
        rows[2:], head_seq=5, head_hash=chain[-1].hash, after=(2, chain[1].hash)
    )
    assert (after_two.ok, after_two.checked) == (True, 3)
    wrong_start = verify_rows(rows[2:], head_seq=5, head_hash=chain[-1].hash, after=(2, GENESIS))
    assert (wrong_start.ok, wrong_start.first_bad_id, wrong_start.reason) == (
        False,
        chain[2].id,
        "previous hash",
    )


# --- what the hash covers -------------------------------------------------------------


def changed(name: str, value: Any) -> Any:
    """A different value of the same kind for field ``name``."""
    if isinstance(value, bool):
        return not value
    if isinstance(value, int):
        return value + 1
    if isinstance(value, str):
        return value + "。"
    if isinstance(value, datetime):
        return value + timedelta(microseconds=1)
    if isinstance(value, date):
        return value + timedelta(days=1)
    assert value is None, name
    return 1


@pytest.mark.parametrize("name", FIELDS)
def test_the_hash_changes_with_every_field(name: str) -> None:
    values = content(5)
    other = values | {name: changed(name, values[name])}
    assert entry_hash(other, GENESIS) != entry_hash(values, GENESIS)


def test_the_hash_changes_with_the_previous_hash() -> None:
    values = content(5)
    assert entry_hash(values, GENESIS) != entry_hash(values, "0" * 63 + "1")


def test_the_same_instant_in_another_timezone_hashes_the_same() -> None:
    values = content(5)
    in_beijing = values | {"created_at": values["created_at"].astimezone(BEIJING)}
    assert entry_hash(in_beijing, GENESIS) == entry_hash(values, GENESIS)


# --- verification ---------------------------------------------------------------------


def test_an_intact_chain_verifies() -> None:
    chain = make_chain(6)
    result = check(chain, chain)
    assert (result.ok, result.checked, result.first_bad_id, result.reason) == (True, 6, None, "")


def test_an_empty_chain_verifies_against_an_empty_head() -> None:
    assert check([], []).ok


def test_a_changed_field_names_that_entry() -> None:
    chain = make_chain(6)
    bad = list(chain)
    bad[3] = replace(chain[3], minutes=chain[3].minutes + 60)
    result = check(bad, chain)
    assert (result.ok, result.first_bad_id, result.reason) == (False, chain[3].id, "content")
    assert result.checked == 4


def test_a_changed_field_with_its_hash_recomputed_names_the_next_entry() -> None:
    chain = make_chain(6)
    forged = replace(chain[2], description="伪造的记录")
    forged = replace(forged, hash=entry_hash(forged, forged.prev_hash))
    bad = [*chain[:2], forged, *chain[3:]]
    result = check(bad, chain)
    assert (result.first_bad_id, result.reason) == (chain[3].id, "previous hash")


def test_a_deleted_middle_entry_names_the_next_one() -> None:
    chain = make_chain(6)
    result = check(chain[:2] + chain[3:], chain)
    assert (result.ok, result.first_bad_id, result.reason) == (False, chain[3].id, "sequence")


def test_two_swapped_entries_are_detected() -> None:
    chain = make_chain(6)
    swapped = [chain[0], chain[2], chain[1], *chain[3:]]
    result = check(swapped, chain)
    assert not result.ok and result.first_bad_id == chain[2].id


def test_swapped_entries_that_also_swapped_their_sequence_numbers_are_detected() -> None:
    chain = make_chain(6)
    a, b = chain[1], chain[2]
    swapped = [chain[0], replace(b, seq=a.seq), replace(a, seq=b.seq), *chain[3:]]
    result = check(swapped, chain)
    assert (result.ok, result.first_bad_id, result.reason) == (False, b.id, "previous hash")


def test_a_removed_last_entry_is_the_end_of_the_chain() -> None:
    chain = make_chain(6)
    result = check(chain[:-1], chain)
    assert (result.ok, result.first_bad_id, result.reason) == (False, None, "end of chain")
    assert result.checked == 5


def test_a_whole_chain_rewritten_consistently_is_caught_by_the_head() -> None:
    chain = make_chain(4)
    rewritten, prev = [], GENESIS
    for entry in chain:
        forged = replace(entry, minutes=0, prev_hash=prev)
        forged = replace(forged, hash=entry_hash(forged, prev))
        rewritten.append(forged)
        prev = forged.hash
    result = check(rewritten, chain)
    assert (result.ok, result.first_bad_id, result.reason) == (False, None, "end of chain")


# --- any single mutation is detected (property) ----------------------------------------

MUTATIONS = ("field", "hash", "delete", "swap", "truncate")


@st.composite
def other_value(draw: st.DrawFn, name: str, value: Any) -> Any:
    """Any value for field ``name`` that differs from ``value``."""
    if isinstance(value, bool):
        return not value
    if isinstance(value, int) or value is None:
        return draw(st.integers(-(2**31), 2**31).filter(lambda v: v != value))
    if isinstance(value, str):
        return draw(st.text(max_size=20).filter(lambda v: v != value))
    if isinstance(value, datetime):
        delta = draw(st.integers(-(10**12), 10**12).filter(bool))
        return value + timedelta(microseconds=delta)
    assert isinstance(value, date), name
    return value + timedelta(days=draw(st.integers(-3000, 3000).filter(bool)))


@settings(max_examples=300, deadline=None, database=None)
@given(data=st.data(), n=st.integers(min_value=1, max_value=12))
def test_any_single_mutation_of_a_valid_chain_is_detected(data: st.DataObject, n: int) -> None:
    chain = make_chain(n)
    assert check(chain, chain).ok
    mutation = data.draw(st.sampled_from(MUTATIONS if n > 1 else MUTATIONS[:3]), "mutation")
    bad: list[Entry] = list(chain)
    if mutation == "field":
        i = data.draw(st.integers(0, n - 1), "index")
        name = data.draw(st.sampled_from(FIELDS), "field")
        value = data.draw(other_value(name, getattr(chain[i], name)), "value")
        bad[i] = replace(chain[i], **{name: value})
        expected: int | None = chain[i].id
    elif mutation == "hash":
        i = data.draw(st.integers(0, n - 1), "index")
        name = data.draw(st.sampled_from(("hash", "prev_hash")), "field")
        value = data.draw(st.text("0123456789abcdef", min_size=64, max_size=64), "value")
        if value == getattr(chain[i], name):
            return
        bad[i] = replace(chain[i], **{name: value})
        expected = chain[i].id
    elif mutation == "delete":
        i = data.draw(st.integers(0, n - 1), "index")
        del bad[i]
        expected = chain[i + 1].id if i + 1 < n else None
    elif mutation == "swap":
        i = data.draw(st.integers(0, n - 2), "index")
        bad[i], bad[i + 1] = bad[i + 1], bad[i]
        expected = chain[i + 1].id
    else:
        keep = data.draw(st.integers(0, n - 1), "keep")
        bad = bad[:keep]
        expected = None
    result = check(bad, chain)
    assert not result.ok
    assert result.first_bad_id == expected
