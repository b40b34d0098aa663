"""Fixtures of the evaluation tests."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from flask.testing import FlaskClient
from sqlalchemy import orm

from advisor.evaluation.models import RuleSetVersion


@pytest.fixture()
def bureau_en(bureau: FlaskClient) -> FlaskClient:
    """The bureau's client reading English, so that the messages are the msgids."""
    bureau.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    return bureau


@pytest.fixture()
def no_rules(session: orm.Session) -> None:
    """An installation with no stored rule set, as before ``flask demo load`` stores the
    default (the test database holds it, as a real demo installation does)."""
    session.execute(sa.delete(RuleSetVersion))
    session.commit()
