"""A review keeps the due date it was issued against, and the ledger export uses it."""

from __future__ import annotations

import csv
import io
from datetime import date

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import orm

from tests.factories.contracts import current_contract
from tests.factories.reviews import issue_review, start_review


def test_the_review_keeps_the_due_date_of_its_issue(
    app: Flask, session: orm.Session, bureau: FlaskClient
) -> None:
    contract = current_contract(session, 1)
    start_review(session, contract)
    due_then = contract.due_on
    review = issue_review(session, contract)
    assert review.due_on == due_then
    contract.due_on = date(2030, 1, 1)  # a later revision moves the contract's date
    session.commit()

    export = bureau.get("/ledger/export.csv").get_data(as_text=True).lstrip("\ufeff")
    rows = list(csv.reader(io.StringIO(export)))
    header, mine = rows[1], [r for r in rows[2:] if contract.title in r[6]]  # title, header
    assert len(mine) == 1
    assert mine[0][header.index("应完成日期")] == due_then.isoformat()
