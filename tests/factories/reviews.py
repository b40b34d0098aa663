"""Reviews for tests, through the services as the holding advisor writes them: three
findings and a summary, review data, starting and issuing a review; the reviews of a
contract and the notices a step leaves, to check them."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy import orm

from advisor.accounts.models import Notification
from advisor.contracts import services as contracts
from advisor.contracts.models import Contract
from advisor.contracts.workflow import Action
from advisor.reviews import services
from advisor.reviews.models import Review
from tests.factories import NOW, TODAY
from tests.factories.people import holder

# Three findings, one per dimension, in the order the advisor wrote them.
FINDINGS = [
    services.FindingData(
        dimension="clarity",
        severity="medium",
        clause="第一条",
        problem="标的数量以每周订单为准，未约定订单的发出方式和确认期限。",
        suggestion="增加：甲方每周五前以书面或电子邮件方式发出订单，乙方一个工作日内确认。",
        legal_basis="《中华人民共和国民法典》第五百一十条",
    ),
    services.FindingData(
        dimension="legality",
        severity="high",
        clause="第三条",
        problem="违约金按日千分之一计算，未约定上限，且只约束乙方。",
        suggestion="约定双方对等的违约责任，违约金总额不超过合同价款的百分之二十。",
        legal_basis="《中华人民共和国民法典》第五百八十五条",
    ),
    services.FindingData(
        dimension="operability",
        severity="low",
        clause="第四条",
        problem="未约定食材验收的程序和不合格食材的退换期限。",
        suggestion="增加验收条款：到货当日由食堂管理员验收，不合格食材二十四小时内退换。",
        legal_basis="《学校食品安全与营养健康管理规定》第三十三条",
    ),
]
SUMMARY = "合同主要条款基本完备，按以下意见修改后可以签订。"


def review_data(
    outcome: str | None = "approve_with_changes",
    *,
    findings: list[services.FindingData] | None = None,
    summary: str = SUMMARY,
    minutes: int = 90,
    resolved: dict[int, bool] | None = None,
) -> services.ReviewData:
    return services.ReviewData(
        outcome=outcome,
        summary=summary,
        minutes_spent=minutes,
        findings=list(FINDINGS if findings is None else findings),
        resolved=resolved or {},
    )


def start_review(session: orm.Session, contract: Contract, *, now: datetime = NOW) -> None:
    """The holding advisor starts reviewing ``contract``."""
    contracts.transition(
        session, actor=holder(session, contract), contract=contract, action=Action.START, now=now
    )


def issue_review(
    session: orm.Session,
    contract: Contract,
    outcome: str = "approve_with_changes",
    *,
    today: date = TODAY,
    now: datetime = NOW,
    **changes: Any,
) -> Review:
    """The holding advisor issues a review of ``outcome``: ``review_data(outcome,
    **changes)``, so the three FINDINGS unless ``findings`` says otherwise."""
    return services.issue_review(
        session,
        actor=holder(session, contract),
        contract=contract,
        data=review_data(outcome, **changes),
        today=today,
        now=now,
    )


def reviews_of(session: orm.Session, contract: Contract) -> list[Review]:
    return list(
        session.scalars(
            sa.select(Review).where(Review.contract_id == contract.id).order_by(Review.id)
        )
    )


def last_notice_id(session: orm.Session) -> int:
    return session.scalar(sa.select(sa.func.max(Notification.id))) or 0


def notices_after(session: orm.Session, notice_id: int) -> list[tuple[int, str, str]]:
    """(user id, kind, link) of every notice written after ``notice_id``, in order."""
    return [
        (n.user_id, n.kind, n.link)
        for n in session.scalars(
            sa.select(Notification).where(Notification.id > notice_id).order_by(Notification.id)
        )
    ]
