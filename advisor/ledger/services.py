"""Ledger rules: appending (the only write), corrections, verification; reviews arrive here
through the ``review_issued`` signal, in the review's transaction.

Entries are never updated or deleted: not here, not in the API (no such routes),
and not in the database (triggers refuse it). A mistake is corrected by a new entry
that supersedes the old one.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy import orm

from advisor.accounts.models import User
from advisor.contracts.models import Contract
from advisor.db import utcnow
from advisor.directory.models import Advisor, Assignment, School
from advisor.errors import Conflict, Forbidden, ValidationError
from advisor.i18n import fmt_date
from advisor.ledger import queries
from advisor.ledger.chain import Verification, entry_hash, verify_rows
from advisor.ledger.models import (
    GENESIS,
    Kind,
    LedgerEntry,
    LedgerHead,
    LedgerVerification,
    Mode,
)
from advisor.ledger.permissions import (
    can_record_on_behalf,
    can_record_work,
    can_record_work_for,
    is_bound_to_served_schools,
)
from advisor.ledger.rows import entry_rows
from advisor.reviews.labels import OUTCOME_CHINESE
from advisor.reviews.models import Review
from advisor.reviews.signals import review_issued
from advisor.text import LINE, TEXT, too_long
from advisor.workdays import today_local

MAX_MINUTES = 60 * 24
MAX_HEADCOUNT = 100_000
# Typed text, in characters (advisor.text): the audience is a String(200) column.
TEXT_LIMITS = {"description": TEXT, "outcome": 500, "audience": LINE}

# Every hashed column that a caller may leave out, with the value the row gets, so
# the hash is computed over what is stored (column defaults apply only at flush).
ENTRY_DEFAULTS: dict[str, Any] = {
    "school_id": None,
    "service_mode": None,
    "outcome": "",
    "audience": "",
    "headcount": None,
    "contract_id": None,
    "review_id": None,
    "supersedes_id": None,
    "on_behalf": False,
    "created_by_id": None,
}


@dataclass(frozen=True, slots=True)
class EntryData:
    entry_on: date
    advisor_id: int
    school_id: int | None
    kind: str
    description: str
    minutes: int
    service_mode: str | None = None
    outcome: str = ""
    audience: str = ""
    headcount: int | None = None


def _append(session: orm.Session, values: dict[str, Any]) -> LedgerEntry:
    """Take the next sequence number and chain the entry to the previous one.

    The head row is updated first: on PostgreSQL that row lock makes concurrent
    appends wait their turn; on SQLite the write lock does. Nothing is appended
    outside this function, so the chain can neither fork nor leave a gap.
    """
    values = {**ENTRY_DEFAULTS, **values}  # hash exactly what the row will hold
    seq, prev_hash = session.execute(
        sa.update(LedgerHead)
        .where(LedgerHead.id == 1)
        .values(seq=LedgerHead.seq + 1)
        .returning(LedgerHead.seq, LedgerHead.last_hash)
    ).one()
    entry = LedgerEntry(seq=seq, prev_hash=prev_hash, created_at=utcnow(), **values)
    entry.hash = entry_hash(entry, prev_hash)
    session.execute(sa.update(LedgerHead).where(LedgerHead.id == 1).values(last_hash=entry.hash))
    session.add(entry)
    session.flush()
    return entry


def _served_on(session: orm.Session, advisor_id: int, school_id: int, day: date) -> bool:
    """Whether the advisor served the school as primary or backup on ``day``."""
    return (
        session.scalar(
            sa.select(Assignment.id)
            .where(
                Assignment.advisor_id == advisor_id,
                Assignment.school_id == school_id,
                Assignment.starts_on <= day,
                sa.or_(Assignment.ends_on.is_(None), Assignment.ends_on >= day),
            )
            .limit(1)
        )
        is not None
    )


def check_entry(
    session: orm.Session, data: EntryData, today: date, actor: User | None = None
) -> dict[str, Any]:
    """What is wrong with an entry, by field: besides the values themselves, the work is
    neither in the future nor in a published evaluation's period, and an advisor names a
    school they served (primary or backup) on that date, as the page offers only those;
    the bureau, recording on an advisor's behalf, may name any school, as on the page."""
    problems: dict[str, Any] = {}
    if data.kind not in {k.value for k in Kind}:
        problems["kind"] = _l("Choose the kind of work.")
    if data.service_mode not in (None, "") and data.service_mode not in {m.value for m in Mode}:
        problems["service_mode"] = _l("Choose on site, phone, online or written.")
    if not data.description.strip():
        problems["description"] = _l("Describe the work.")
    texts = {"description": data.description, "outcome": data.outcome, "audience": data.audience}
    problems.update(too_long(texts, TEXT_LIMITS))
    if not 0 <= data.minutes <= MAX_MINUTES:
        problems["minutes"] = _l("Between 0 and %(n)d minutes.", n=MAX_MINUTES)
    if data.entry_on > today:
        problems["entry_on"] = _l("The work cannot be in the future.")
    else:
        closed = queries.published_through(session)
        if closed is not None and data.entry_on <= closed:
            problems["entry_on"] = _l(
                "Work up to %(date)s is in a published evaluation; record work after that date.",
                date=fmt_date(closed),
            )
    if data.headcount is not None and not 0 <= data.headcount <= MAX_HEADCOUNT:
        problems["headcount"] = _l("Between 0 and %(n)d.", n=MAX_HEADCOUNT)
    if data.school_id is not None and session.get(School, data.school_id) is None:
        problems["school_id"] = _l("Choose a school from the list.")
    elif (
        data.school_id is not None
        and actor is not None
        and is_bound_to_served_schools(actor)
        and not _served_on(session, data.advisor_id, data.school_id, data.entry_on)
    ):
        problems["school_id"] = _l(
            "The advisor did not serve this school (as primary or backup) on that date."
        )

    if session.get(Advisor, data.advisor_id) is None:
        problems["advisor_id"] = _l("Choose an advisor from the list.")
    return problems


def add_entry(
    session: orm.Session,
    *,
    actor: User,
    data: EntryData,
    today: date,
    supersedes: LedgerEntry | None = None,
) -> LedgerEntry:
    """An advisor records their own work; the bureau may record it on an advisor's behalf
    (marked as such). Raises Forbidden for schools or another advisor's entry."""
    if not can_record_work(actor):
        raise Forbidden(_l("Only advisors and the bureau record work."))
    if not can_record_work_for(actor, data.advisor_id):
        raise Forbidden(_l("Advisors record their own work only."))
    problems = check_entry(session, data, today, actor)
    if problems:
        raise ValidationError(_l("Some values are not valid."), fields=problems)
    return _append(
        session,
        {
            "entry_on": data.entry_on,
            "advisor_id": data.advisor_id,
            "school_id": data.school_id,
            "kind": data.kind,
            "description": data.description.strip(),
            "service_mode": data.service_mode or None,
            "minutes": data.minutes,
            "outcome": data.outcome.strip(),
            "audience": data.audience.strip()[:200],
            "headcount": data.headcount,
            "supersedes_id": supersedes.id if supersedes else None,
            "on_behalf": can_record_on_behalf(actor),
            "created_by_id": actor.id,
        },
    )


def correct_entry(
    session: orm.Session, *, actor: User, original: LedgerEntry, data: EntryData, today: date
) -> LedgerEntry:
    """Correct an entry by a new one that supersedes it; only its author may, and only once
    (the correction itself can be corrected in turn)."""
    if original.created_by_id != actor.id:
        raise Forbidden(_l("Only the person who recorded an entry can correct it."))
    # Concurrent corrections of one entry queue on its row (PostgreSQL; SQLite's write
    # lock queues them anyway), so each later one finds the first and is refused here
    # instead of breaking the unique supersedes_id.
    session.execute(
        sa.select(LedgerEntry.id).where(LedgerEntry.id == original.id).with_for_update()
    )
    if session.scalar(sa.select(LedgerEntry.id).where(LedgerEntry.supersedes_id == original.id)):
        raise Conflict(_l("This entry has already been corrected; correct the newer entry."))
    if data.advisor_id != original.advisor_id:
        raise ValidationError(
            _l("A correction stays with the same advisor."),
            fields={"advisor_id": _l("The same advisor as the original.")},
        )
    return add_entry(session, actor=actor, data=data, today=today, supersedes=original)


def record_work(
    session: orm.Session,
    *,
    entry_on: date,
    advisor_id: int,
    school_id: int | None,
    kind: str,
    description: str,
    minutes: int,
    outcome: str = "",
    contract_id: int | None = None,
    review_id: int | None = None,
    created_by_id: int | None = None,
    service_mode: str | None = None,
) -> LedgerEntry:
    """Append an entry produced by the system (a review); no user-facing checks."""
    return _append(
        session,
        {
            "entry_on": entry_on,
            "advisor_id": advisor_id,
            "school_id": school_id,
            "kind": Kind(kind),
            "description": description,
            "minutes": minutes,
            "outcome": outcome,
            "contract_id": contract_id,
            "review_id": review_id,
            "created_by_id": created_by_id,
            "service_mode": service_mode,
        },
    )


@review_issued.connect
def _record_review(
    sender: Any, *, session: orm.Session, review: Review, contract: Contract
) -> None:
    """Each issued review is one contract-review entry, in the review's transaction."""
    record_work(
        session,
        entry_on=today_local(review.issued_at),
        advisor_id=review.advisor_id,
        school_id=contract.school_id,
        kind=Kind.CONTRACT_REVIEW,
        description=f"审查《{contract.title}》（相对方：{contract.counterparty}）",
        minutes=review.minutes_spent,
        outcome=OUTCOME_CHINESE.get(review.outcome or "", ""),
        contract_id=contract.id,
        review_id=review.id,
        created_by_id=review.author_id,
        service_mode=Mode.WRITTEN,
    )


def verify_chain(
    session: orm.Session, batch: int = 5000, *, since: LedgerVerification | None = None
) -> Verification:
    """Recompute the chain up to the head, reading plain rows (advisor.ledger.rows: no
    model objects) ``batch`` at a time, so that memory stays flat over millions of entries.

    With ``since`` (a verification that passed), only the entries after the one it reached
    are recomputed, and that entry must still hold the hash it had then (reason
    "verified entry" otherwise): a rewrite of the chain up to it is caught, a change to an
    entry at or before it whose hash was left alone is not (the full verification finds
    that). Entries appended while this runs are left for the next verification.
    """
    head_seq, head_hash = _head(session)
    after = (0, GENESIS)
    if since is not None:
        found = session.execute(
            sa.select(LedgerEntry.id, LedgerEntry.hash).where(LedgerEntry.seq == since.seq)
        ).first()
        if found is None or found.hash != since.hash:
            return Verification(False, 0, found.id if found else None, "verified entry")
        after = (since.seq, since.hash)
    with entry_rows(session, after_seq=after[0], head_seq=head_seq, batch=batch) as rows:
        result = verify_rows(rows, head_seq=head_seq, head_hash=head_hash, after=after)
    if result.ok and not _nothing_after_head(session, head_seq):
        return Verification(False, result.checked, None, "end of chain")
    return result


def _head(session: orm.Session) -> tuple[int, str]:
    """The head's sequence number and hash, as the database holds them now."""
    head = session.execute(
        sa.select(LedgerHead.seq, LedgerHead.last_hash).where(LedgerHead.id == 1)
    ).first()
    return (head.seq, head.last_hash) if head else (0, GENESIS)


def _nothing_after_head(session: orm.Session, head_seq: int) -> bool:
    """No entry lies beyond the head read at the start, unless appended since: every
    append moves the head in the same transaction, so the head read now covers it."""
    last = session.scalar(sa.select(sa.func.max(LedgerEntry.seq))) or 0
    return last <= head_seq or last <= _head(session)[0]


def last_verification(session: orm.Session) -> LedgerVerification | None:
    """The latest verification that passed, if any."""
    return session.scalar(
        sa.select(LedgerVerification).order_by(LedgerVerification.id.desc()).limit(1)
    )


def verify_since_last(session: orm.Session) -> tuple[Verification, LedgerVerification | None]:
    """Verify the entries added since the latest verification that passed (the whole
    chain if none did yet); return the result and the verification it started after."""
    since = last_verification(session)
    return verify_chain(session, since=since), since


def record_verification(
    session: orm.Session,
    result: Verification,
    *,
    since: LedgerVerification | None,
    now: datetime,
) -> LedgerVerification | None:
    """Keep a verification that passed, as the point the next incremental one starts
    after; ``since`` is the verification it started after (None: it was a full one).
    Nothing is kept for a failed one or an empty ledger. Adds and flushes; the caller
    commits."""
    if not result.ok or result.end_seq == 0:
        return None
    row = LedgerVerification(
        verified_at=now,
        seq=result.end_seq,
        hash=result.end_hash,
        is_full=since is None,
        checked=result.checked,
    )
    session.add(row)
    session.flush()
    return row
