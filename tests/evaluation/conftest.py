"""Fixtures of the evaluation tests."""

from __future__ import annotations

import pytest
from flask.testing import FlaskClient


@pytest.fixture()
def bureau_en(bureau: FlaskClient) -> FlaskClient:
    """The bureau's client reading English, so that the messages are the msgids."""
    bureau.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    return bureau
