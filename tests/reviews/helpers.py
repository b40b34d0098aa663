"""Helpers of the review tests: demo users, findings and reviews, moving a contract along
the workflow with the services, the notices a step left, API tokens and Chinese texts."""

from __future__ import annotations

import html
from datetime import UTC, date, datetime
from decimal import Decimal
from functools import cache
from typing import Any

import sqlalchemy as sa
from flask import Flask
from flask_babel import force_locale, gettext
from sqlalchemy import orm

from advisor.accounts import services as accounts
from advisor.accounts.models import Notification, User
from advisor.contracts import services as contracts
from advisor.contracts.extraction import Limits, inspect
from advisor.contracts.files import FileStore
from advisor.contracts.models import Contract, ContractVersion
from advisor.contracts.workflow import Action
from advisor.reviews import services
from advisor.reviews.models import Review
from tests.documents import CONTRACT_LINES, make_pdf

TODAY = date(2026, 3, 4)
NOW = datetime(2026, 3, 4, 2, 0, tzinfo=UTC)

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


# --- people ---------------------------------------------------------------------------


def user(session: orm.Session, email: str) -> User:
    found = accounts.get_user_by_email(session, email)
    assert found is not None, email
    return found


def school_user(session: orm.Session, n: int) -> User:
    return user(session, f"school{n:02d}@demo.local")


def advisor_user(session: orm.Session, n: int) -> User:
    return user(session, f"advisor{n:02d}@demo.local")


def bureau_user(session: orm.Session) -> User:
    return user(session, "bureau@demo.local")


def holder(session: orm.Session, contract: Contract) -> User:
    """The advisor user holding ``contract``."""
    return advisor_user(session, contract.advisor_id)


def owner(session: orm.Session, contract: Contract) -> User:
    """The school user of ``contract``."""
    return school_user(session, contract.school_id)


def token_headers(session: orm.Session, email: str) -> dict[str, str]:
    """API headers with a new token of ``email``, committed so that requests see it."""
    _, clear = accounts.create_token(session, user(session, email), "test")
    session.commit()
    return {"Authorization": f"Bearer {clear}", "Accept-Language": "en"}


# --- reviews --------------------------------------------------------------------------


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


def start(session: orm.Session, contract: Contract) -> None:
    contracts.transition(
        session, actor=holder(session, contract), contract=contract, action=Action.START, now=NOW
    )


def issue(
    session: orm.Session,
    contract: Contract,
    outcome: str = "approve_with_changes",
    **changes: Any,
) -> Review:
    """The holding advisor issues a review of ``outcome`` (findings: FINDINGS)."""
    return services.issue_review(
        session,
        actor=holder(session, contract),
        contract=contract,
        data=review_data(outcome, **changes),
        today=TODAY,
        now=NOW,
    )


def store(app: Flask) -> FileStore:
    return FileStore(app.config["ADVISOR"].files_dir)


@cache
def _upload(lines: tuple[str, ...], name: str) -> contracts.Upload:
    data = make_pdf([list(lines)])
    return contracts.Upload(name, data, inspect(data, Limits()))


def upload(lines: list[str] | None = None, name: str = "合同.pdf") -> contracts.Upload:
    """A checked PDF upload with one page of ``lines``."""
    return _upload(tuple(lines or CONTRACT_LINES), name)


REVISED_LINES = [
    *CONTRACT_LINES[:3],
    "第一条 标的：大米、面粉、食用油等食材，甲方每周五前书面发出订单，乙方一个工作日内确认。",
    *CONTRACT_LINES[4:],
]


def revise(app: Flask, session: orm.Session, contract: Contract) -> ContractVersion:
    """The school uploads a revised version (a changed first article)."""
    return contracts.submit_revision(
        session,
        actor=owner(session, contract),
        contract=contract,
        upload=upload(REVISED_LINES, "合同（修改稿）.pdf"),
        note="已按意见修改第一条",
        store=store(app),
        today=TODAY,
        now=NOW,
    )


def submit(
    app: Flask, session: orm.Session, school: int, title: str = "学生饮用奶采购合同"
) -> Contract:
    """Another submitted contract of school ``school`` (to its primary advisor)."""
    return contracts.submit_contract(
        session,
        actor=school_user(session, school),
        data=contracts.ContractData(
            title=title,
            counterparty="乌苏市天润乳业有限公司",
            contract_type="procurement",
            amount=Decimal("36000.00"),
            start_on=date(2026, 3, 1),
            end_on=date(2026, 12, 31),
        ),
        upload=upload(),
        store=store(app),
        today=TODAY,
        now=NOW,
    )


def contract(session: orm.Session, contract_id: int = 1) -> Contract:
    """The contract as the database has it now (after requests changed it)."""
    session.expire_all()
    found = session.get(Contract, contract_id)
    assert found is not None
    return found


def reviews_of(session: orm.Session, contract: Contract) -> list[Review]:
    return list(
        session.scalars(
            sa.select(Review).where(Review.contract_id == contract.id).order_by(Review.id)
        )
    )


# --- notices --------------------------------------------------------------------------


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


# --- pages ----------------------------------------------------------------------------


def zh(app: Flask, message: str, **params: Any) -> str:
    """``message`` as the Chinese pages show it."""
    with app.test_request_context(), force_locale("zh"):
        return str(gettext(message, **params))


def text_of(response: Any) -> str:
    return html.unescape(response.get_data(as_text=True))
