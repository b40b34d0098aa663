"""The demo bureau's people (tests/conftest.py loads the bureau): users by e-mail or by
number, the advisor holding and the school owning a contract, API headers with a token."""

from __future__ import annotations

from sqlalchemy import orm

from advisor.accounts import services as accounts
from advisor.accounts.models import User
from advisor.contracts.models import Contract


def user(session: orm.Session, email: str) -> User:
    found = accounts.get_user_by_email(session, email)
    assert found is not None, email
    return found


def school_user(session: orm.Session, n: int) -> User:
    """schoolNN@demo.local, whose school_id is NN."""
    return user(session, f"school{n:02d}@demo.local")


def advisor_user(session: orm.Session, n: int) -> User:
    """advisorNN@demo.local, whose advisor_id is NN."""
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
