"""Reviews, school ratings and ledger entries with exact dates and times, written straight
to the tables (the services stamp "now"), for hand-counted evaluation fixtures."""

from __future__ import annotations

from datetime import UTC, date, datetime
from unittest import mock

import sqlalchemy as sa
from sqlalchemy import orm

from advisor.contracts.models import ContractVersion
from advisor.ledger import services
from advisor.ledger.models import LedgerEntry
from advisor.reviews.models import Feedback, Review
from tests.factories.people import advisor_user, school_user


def utc(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


def review(
    session: orm.Session,
    advisor_id: int,
    issued_at: datetime | None,
    due_on: date | None,
    *,
    contract_id: int = 1,
) -> Review:
    version_id = session.scalar(
        sa.select(ContractVersion.id)
        .where(ContractVersion.contract_id == contract_id)
        .order_by(ContractVersion.id)
    )
    assert version_id is not None
    row = Review(
        contract_id=contract_id,
        version_id=version_id,
        advisor_id=advisor_id,
        author_id=advisor_user(session, advisor_id).id,
        status="issued" if issued_at else "draft",
        outcome="approve" if issued_at else None,
        issued_at=issued_at,
        due_on=due_on,
    )
    session.add(row)
    session.flush()
    return row


def rate(session: orm.Session, of: Review, rating: int, created_at: datetime) -> None:
    session.add(
        Feedback(
            review_id=of.id,
            contract_id=of.contract_id,
            advisor_id=of.advisor_id,
            rating=rating,
            created_by_id=school_user(session, 1).id,
            created_at=created_at,
        )
    )
    session.flush()


def entry(
    session: orm.Session,
    advisor_id: int,
    on: date,
    kind: str,
    recorded_at: datetime,
    supersedes: LedgerEntry | None = None,
) -> LedgerEntry:
    """An entry for work on ``on``, recorded at ``recorded_at``; a correction of
    ``supersedes`` if given (recorded by the advisor through add_entry)."""
    with mock.patch.object(services, "utcnow", return_value=recorded_at):
        if supersedes is not None:
            data = services.EntryData(
                entry_on=on,
                advisor_id=advisor_id,
                school_id=None,
                kind=kind,
                description=f"{on} 更正",
                minutes=30,
            )
            actor = advisor_user(session, advisor_id)
            return services.add_entry(
                session, actor=actor, data=data, today=recorded_at.date(), supersedes=supersedes
            )
        return services.record_work(
            session,
            entry_on=on,
            advisor_id=advisor_id,
            school_id=1,
            kind=kind,
            description=f"{on} 的工作",
            minutes=30,
            created_by_id=advisor_user(session, advisor_id).id,
        )
