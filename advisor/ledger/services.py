"""Writing ledger entries; reviews reach here through the ``review_issued`` signal."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import orm

from advisor.contracts.models import Contract
from advisor.ledger.models import Kind, LedgerEntry
from advisor.reviews.models import Review
from advisor.reviews.signals import review_issued
from advisor.workdays import today_local

OUTCOME_TEXT = {
    "approve": "同意签订",
    "approve_with_changes": "修改后签订",
    "reject": "不建议签订",
    "return": "退回补正",
}


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
) -> LedgerEntry:
    """Append one entry. The single way entries are written (the ledger issue extends it)."""
    entry = LedgerEntry(
        entry_on=entry_on,
        advisor_id=advisor_id,
        school_id=school_id,
        kind=Kind(kind),
        description=description,
        minutes=minutes,
        outcome=outcome,
        contract_id=contract_id,
        review_id=review_id,
        created_by_id=created_by_id,
    )
    session.add(entry)
    session.flush()
    return entry


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
        outcome=OUTCOME_TEXT.get(review.outcome or "", ""),
        contract_id=contract.id,
        review_id=review.id,
        created_by_id=review.author_id,
    )
