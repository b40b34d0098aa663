"""Factories for test records, written once: here, schools, law firms, advisors and users
the demo bureau does not already have; beside it, one module per domain (people, contracts,
reviews, ledger, reminders, apps) for acting on the demo bureau through the services.

The factories act at NOW unless told otherwise: two days after the suite's sample
contracts were submitted (tests/conftest.py), 10:00 in Beijing.
"""

from __future__ import annotations

import itertools
from datetime import UTC, date, datetime

from sqlalchemy import orm

from advisor.accounts import services as accounts
from advisor.accounts.models import User
from advisor.directory import services as directory
from advisor.directory.models import Advisor, LawFirm, School
from advisor.directory.validation import credit_check_char

NOW = datetime(2026, 3, 4, 2, 0, tzinfo=UTC)
TODAY = date(2026, 3, 4)

_seq = itertools.count(1)


def create_school(
    session: orm.Session,
    *,
    code: str | None = None,
    name: str | None = None,
    level: str = "primary",
    district: str = "测试区",
) -> School:
    n = next(_seq)
    return directory.save_school(
        session,
        directory.SchoolData(
            code=code or f"T{n:04d}",
            name=name or f"测试学校{n}",
            level=level,
            district=district,
        ),
    )


def create_law_firm(session: orm.Session, *, name: str | None = None) -> LawFirm:
    n = next(_seq)
    first17 = f"31650000TF{n:07d}"
    return directory.save_law_firm(
        session,
        directory.LawFirmData(
            name=name or f"测试律师事务所{n}",
            credit_code=first17 + credit_check_char(first17),
        ),
    )


def create_advisor(
    session: orm.Session,
    *,
    law_firm: LawFirm | None = None,
    name: str | None = None,
    email: str | None = None,
) -> Advisor:
    n = next(_seq)
    firm = law_firm or create_law_firm(session)
    return directory.save_advisor(
        session,
        directory.AdvisorData(
            name=name or f"测试律师{n}",
            law_firm_id=firm.id,
            licence_no=f"99999{n:012d}",
            appointed_on=date(2025, 1, 1),
            email=email or f"lawyer{n}@test.local",
        ),
    )


def create_user(
    session: orm.Session,
    *,
    role: str = "bureau",
    email: str | None = None,
    password: str = "secret-pass-1",
    school: School | None = None,
    advisor: Advisor | None = None,
    name: str | None = None,
) -> User:
    n = next(_seq)
    return accounts.create_user(
        session,
        email=email or f"user{n}@test.local",
        name=name or f"用户{n}",
        role=role,
        password=password,
        school_id=school.id if school else None,
        advisor_id=advisor.id if advisor else None,
    )
