"""Ledger entries for tests, appended through the service; the chain's head and sequence
to check them; and the tampering an attacker with database access would do, inside the
rolled-back test transaction only."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy import orm

from advisor.accounts.models import User
from advisor.ledger import services
from advisor.ledger.models import LedgerEntry, LedgerHead
from tests.factories.people import advisor_user

# The day ledger entries are recorded on: a week after the sample contracts, so the
# work of the day before is in the past. The pages use the suite's clock instead.
LEDGER_TODAY = date(2026, 3, 10)


def entry_data(
    advisor_id: int = 1, school_id: int | None = 1, **changes: Any
) -> services.EntryData:
    """A phone consultation of the day before LEDGER_TODAY, with ``changes``."""
    values: dict[str, Any] = {
        "entry_on": LEDGER_TODAY - timedelta(days=1),
        "advisor_id": advisor_id,
        "school_id": school_id,
        "kind": "consultation",
        "description": "解答学校关于教职工劳动合同续签的咨询",
        "minutes": 30,
        "service_mode": "phone",
        "outcome": "已书面答复",
    }
    values.update(changes)
    return services.EntryData(**values)


def add_ledger_entry(
    session: orm.Session, actor: User, advisor_id: int | None = None, **changes: Any
) -> LedgerEntry:
    """``actor`` records an entry (for itself if an advisor, else for ``advisor_id``)."""
    advisor = advisor_id if advisor_id is not None else actor.advisor_id or 1
    return services.add_entry(
        session, actor=actor, data=entry_data(advisor, **changes), today=LEDGER_TODAY
    )


def chain_of(session: orm.Session, count: int, advisor: int = 1) -> list[LedgerEntry]:
    """``count`` entries by advisor ``advisor``, with distinct descriptions and minutes."""
    actor = advisor_user(session, advisor)
    return [
        add_ledger_entry(session, actor, description=f"第{i}次法律咨询", minutes=10 + i)
        for i in range(count)
    ]


def head(session: orm.Session) -> LedgerHead:
    found = session.get(LedgerHead, 1, populate_existing=True)
    assert found is not None
    return found


def all_seqs(session: orm.Session) -> list[int]:
    return list(session.scalars(sa.select(LedgerEntry.seq).order_by(LedgerEntry.seq)))


# --- tampering (inside the rolled-back test transaction only) ---------------------------


def lift_append_only(session: orm.Session) -> None:
    """Disable the triggers that refuse UPDATE and DELETE, as an attacker with database
    access would; the test's rollback restores them."""
    if session.get_bind().dialect.name == "sqlite":
        session.execute(sa.text("DROP TRIGGER ledger_entry_no_update"))
        session.execute(sa.text("DROP TRIGGER ledger_entry_no_delete"))
    else:
        session.execute(
            sa.text("ALTER TABLE ledger_entry DISABLE TRIGGER ledger_entry_append_only")
        )


ENTRIES = LedgerEntry.__table__


def tamper(session: orm.Session, entry_id: int, **values: Any) -> None:
    """Change columns of one row directly in the database, bypassing the ORM."""
    session.execute(sa.update(ENTRIES).where(ENTRIES.c.id == entry_id).values(**values))
    session.expire_all()


def remove(session: orm.Session, entry_id: int) -> None:
    session.execute(sa.delete(ENTRIES).where(ENTRIES.c.id == entry_id))
    session.expire_all()
