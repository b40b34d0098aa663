"""The bell's number of unread notices is counted with the session check at the start of
each request, not by a statement of its own (issue 19, item 3: a statement is about a tenth
of a cheap page's cost), and is never stale after the notices are read."""

from __future__ import annotations

import re

from flask import Flask
from sqlalchemy import orm

from advisor.accounts import services as accounts
from tests.conftest import SUITE_NOW, QueryCounter, login
from tests.factories.people import school_user


def bell(page: str) -> int:
    found = re.search(r'data-testid="unread">(\d+)<', page)
    return int(found.group(1)) if found else 0


def test_the_bell_counts_the_unread_notices_without_a_statement_of_its_own(
    app: Flask, session: orm.Session, count_queries: QueryCounter
) -> None:
    user = school_user(session, 1)
    client = login(app.test_client(), user.email)
    before = bell(client.get("/").get_data(as_text=True))
    accounts.notify(session, [user.id, user.id], "contract_returned", title="校服采购合同")
    accounts.notify(session, [user.id], "contract_returned", title="食堂食材合同")
    session.commit()
    count_queries.statements.clear()
    page = client.get("/notifications").get_data(as_text=True)
    assert bell(page) == before + 2  # a notice for the same user twice is put once
    counts = [s for s in count_queries.statements if s.startswith("SELECT count(notification.id)")]
    assert counts == []  # counted inside the session's statement
    assert "count(notification.id)" in count_queries.statements[0]
    assert client.post("/notifications/read").status_code == 302
    assert bell(client.get("/notifications").get_data(as_text=True)) == 0


def test_a_user_loaded_without_a_session_check_is_counted_on_demand(session: orm.Session) -> None:
    user = school_user(session, 2)
    user.unread = None
    accounts.notify(session, [user.id], "contract_returned", title="校车服务合同")
    assert accounts.unread_count(session, user) >= 1
    accounts.mark_all_read(session, user, SUITE_NOW)
    assert accounts.unread_count(session, user) == 0
