"""The group-robot form's other fields (issue 15, item 9): the name is one clean line
of at most 100 characters, the secret at most 200, and a school id out of any column's
range is "no such school", not a server error; nothing is stored when refused."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from flask.testing import FlaskClient
from sqlalchemy import orm

from advisor.reminders.models import Webhook

URL = "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=k"


@pytest.mark.parametrize(
    ("field", "value", "says"),
    [
        ("name", "群" * 101, "最多"),
        ("secret", "S" * 201, "最多"),
        ("school_id", "9" * 30, "学校"),
        ("school_id", "-1", "学校"),
        ("school_id", "abc", "学校"),
    ],
)
def test_bad_values_are_refused_with_a_message(
    session: orm.Session, bureau: FlaskClient, field: str, value: str, says: str
) -> None:
    data = {"name": "局群", "kind": "wecom", "url": URL, field: value}
    answer = bureau.post("/reminders/robots", data=data, follow_redirects=True)
    assert answer.status_code == 200
    assert says in answer.get_data(as_text=True)
    assert session.scalar(sa.select(sa.func.count(Webhook.id))) == 0


def test_the_name_is_cleaned(session: orm.Session, bureau: FlaskClient) -> None:
    bureau.post(
        "/reminders/robots",
        data={"name": "一中\u202e群\x00\n通知", "kind": "wecom", "url": URL},
    )
    assert session.scalar(sa.select(Webhook.name)) == "一中群 通知"
