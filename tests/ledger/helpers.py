"""Helpers of the ledger tests: demo users, entry data, appending, issuing a review,
lifting the append-only triggers inside the test transaction, Chinese page texts."""

from __future__ import annotations

import html
from datetime import UTC, date, datetime, timedelta
from typing import Any

import sqlalchemy as sa
from flask import Flask
from flask_babel import force_locale, gettext
from sqlalchemy import orm

from advisor.accounts import services as accounts
from advisor.accounts.models import User
from advisor.contracts import services as contracts
from advisor.contracts.models import Contract
from advisor.contracts.workflow import Action
from advisor.ledger import services
from advisor.ledger.models import LedgerEntry, LedgerHead
from advisor.reviews import services as reviews
from advisor.reviews.models import Review

# A fixed "today" for service tests; the pages use the real date.
TODAY = date(2026, 3, 10)
NOW = datetime(2026, 3, 4, 2, 0, tzinfo=UTC)


# --- people ---------------------------------------------------------------------------


def user(session: orm.Session, email: str) -> User:
    found = accounts.get_user_by_email(session, email)
    assert found is not None, email
    return found


def advisor_user(session: orm.Session, n: int) -> User:
    """advisorNN@demo.local, whose advisor_id is NN."""
    return user(session, f"advisor{n:02d}@demo.local")


def school_user(session: orm.Session, n: int) -> User:
    """schoolNN@demo.local, whose school_id is NN."""
    return user(session, f"school{n:02d}@demo.local")


def bureau_user(session: orm.Session) -> User:
    return user(session, "bureau@demo.local")


def token_headers(session: orm.Session, email: str) -> dict[str, str]:
    """API headers with a new token of ``email``, committed so that requests see it."""
    _, clear = accounts.create_token(session, user(session, email), "test")
    session.commit()
    return {"Authorization": f"Bearer {clear}", "Accept-Language": "en"}


# --- entries --------------------------------------------------------------------------


def entry_data(
    advisor_id: int = 1, school_id: int | None = 1, **changes: Any
) -> services.EntryData:
    values: dict[str, Any] = {
        "entry_on": TODAY - timedelta(days=1),
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


def add(
    session: orm.Session, actor: User, advisor_id: int | None = None, **changes: Any
) -> LedgerEntry:
    """``actor`` records an entry (for itself if an advisor, else for ``advisor_id``)."""
    advisor = advisor_id if advisor_id is not None else actor.advisor_id or 1
    return services.add_entry(
        session, actor=actor, data=entry_data(advisor, **changes), today=TODAY
    )


def chain_of(session: orm.Session, count: int, advisor: int = 1) -> list[LedgerEntry]:
    """``count`` entries by advisor ``advisor``, with distinct descriptions and minutes."""
    actor = advisor_user(session, advisor)
    return [
        add(session, actor, description=f"第{i}次法律咨询", minutes=10 + i) for i in range(count)
    ]


def head(session: orm.Session) -> LedgerHead:
    found = session.get(LedgerHead, 1, populate_existing=True)
    assert found is not None
    return found


def all_seqs(session: orm.Session) -> list[int]:
    return list(session.scalars(sa.select(LedgerEntry.seq).order_by(LedgerEntry.seq)))


# --- reviews --------------------------------------------------------------------------


def issue_review(
    session: orm.Session, contract_id: int = 1, outcome: str = "approve", minutes: int = 75
) -> tuple[Contract, Review]:
    """The holding advisor starts the submitted sample contract and issues a review."""
    contract = session.get(Contract, contract_id)
    assert contract is not None
    advisor = advisor_user(session, contract.advisor_id)
    contracts.transition(session, actor=advisor, contract=contract, action=Action.START, now=NOW)
    findings = (
        [
            reviews.FindingData(
                dimension="legality",
                severity="high",
                clause="第三条",
                problem="违约金未约定上限。",
                suggestion="约定违约金总额不超过合同价款的百分之二十。",
            )
        ]
        if outcome in ("return", "approve_with_changes")
        else []
    )
    review = reviews.issue_review(
        session,
        actor=advisor,
        contract=contract,
        data=reviews.ReviewData(
            outcome=outcome, summary="同意签订。", minutes_spent=minutes, findings=findings
        ),
        today=NOW.date(),
        now=NOW,
    )
    return contract, review


# --- lifting the protection (inside the rolled-back test transaction only) -------------


def dialect(session: orm.Session) -> str:
    return session.get_bind().dialect.name


def lift_append_only(session: orm.Session) -> None:
    """Disable the triggers that refuse UPDATE and DELETE, as an attacker with database
    access would; the test's rollback restores them."""
    if dialect(session) == "sqlite":
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


# --- pages ----------------------------------------------------------------------------


def zh(app: Flask, message: str, **params: Any) -> str:
    """``message`` as the Chinese pages show it."""
    with app.test_request_context(), force_locale("zh"):
        return str(gettext(message, **params))


def text_of(response: Any) -> str:
    return html.unescape(response.get_data(as_text=True))
