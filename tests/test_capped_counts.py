"""Lists count their rows only up to a cap (LIST_COUNT_CAP, 10,000 by default) and say
"more than" beyond it, so that a search matching most of a province's ledger is not
counted row by row on every page view (issue 19, item 2)."""

from __future__ import annotations

from collections.abc import Callable

import lxml.html
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import orm

from advisor.accounts.models import Role, User
from advisor.contracts.models import Contract
from advisor.db import count_capped, paginate
from advisor.ledger import queries as ledger
from advisor.ledger.models import LedgerEntry
from tests.conftest import QueryCounter, login
from tests.factories.ledger import chain_of
from tests.pages import text_of, zh


def test_a_count_stops_at_the_cap(session: orm.Session) -> None:
    chain_of(session, 3)
    stmt = sa.select(LedgerEntry).order_by(LedgerEntry.id)
    everything = session.scalar(sa.select(sa.func.count(LedgerEntry.id)))
    assert everything and everything >= 3
    assert count_capped(session, stmt, None) == (everything, False)
    assert count_capped(session, stmt, everything) == (everything, False)
    assert count_capped(session, stmt, everything - 1) == (everything - 1, True)
    assert count_capped(session, stmt, 1) == (1, True)


def test_a_capped_page_still_offers_the_next_page(session: orm.Session) -> None:
    chain_of(session, 2)
    stmt = sa.select(LedgerEntry).order_by(LedgerEntry.id)
    page = paginate(session, stmt, per_page=1, cap=1)
    assert (page.total, page.capped, page.pages) == (1, True, 1)
    assert page.has_next  # a full page beyond the counted rows: there may be more
    exact = paginate(session, stmt, per_page=1, cap=None)
    assert not exact.capped and exact.total > 1


def test_ledger_totals_above_the_cap_are_a_lower_bound_without_minutes(
    session: orm.Session,
) -> None:
    chain_of(session, 2)
    bureau = session.scalar(sa.select(User).where(User.role == Role.BUREAU))
    assert bureau is not None
    exact = ledger.totals(session, bureau, ledger.Filters())
    assert exact.entries >= 2 and exact.minutes is not None and not exact.capped
    assert ledger.totals(session, bureau, ledger.Filters(), cap=exact.entries) == exact
    capped = ledger.totals(session, bureau, ledger.Filters(), cap=1)
    assert capped == ledger.Totals(1, None, capped=True)


def _rows(response_text: str, testid: str) -> int:
    root = lxml.html.fromstring(response_text)
    return len(root.xpath(f'//table[@data-testid="{testid}"]/tbody/tr'))


def test_the_contract_list_says_more_than_the_cap(
    make_app: Callable[..., Flask], session: orm.Session
) -> None:
    contracts = session.scalar(sa.select(sa.func.count(Contract.id)))
    assert contracts and contracts >= 2
    small = make_app(list_count_cap=1)
    client = login(small.test_client(), "bureau@demo.local")
    page = text_of(client.get("/contracts?per_page=1"))
    assert (
        zh(small, "More than %(total)s; narrow the search to count them exactly", total="1") in page
    )
    assert zh(small, "Page %(page)d of more than %(pages)d", page=1, pages=1) in page
    assert "page=2" in page  # the next page is offered
    second = text_of(client.get("/contracts?per_page=1&page=2"))
    assert _rows(second, "contracts") == 1
    roomy = make_app(list_count_cap=10_000)
    client = login(roomy.test_client(), "bureau@demo.local")
    page = text_of(client.get("/contracts"))
    assert zh(roomy, "%(total)s in all", total=f"{contracts:,}") in page


def test_the_ledger_page_says_more_than_the_cap_and_sums_no_hours(
    make_app: Callable[..., Flask], session: orm.Session
) -> None:
    chain_of(session, 2)
    session.flush()
    small = make_app(list_count_cap=1)
    client = login(small.test_client(), "bureau@demo.local")
    page = text_of(client.get("/ledger"))
    message = "More than %(n)s entries; narrow the search to see how many and their hours"
    assert zh(small, message, n="1") in page
    roomy = make_app(list_count_cap=10_000)
    page = text_of(login(roomy.test_client(), "bureau@demo.local").get("/ledger"))
    assert zh(roomy, message, n="1") not in page
    assert "小时" in page  # the exact totals carry the hours


def test_a_list_with_a_key_counts_its_keys_not_its_rows(
    bureau: FlaskClient, count_queries: QueryCounter
) -> None:
    bureau.get("/contracts")  # warm up (session user, caches)
    count_queries.statements.clear()
    assert bureau.get("/contracts?q=合同").status_code == 200
    counts = [s for s in count_queries.statements if "count(*)" in s and "FROM contract" in s]
    assert len(counts) == 1
    # The contracts' other columns are neither planned nor read to count them.
    assert "contract.id" in counts[0] and "contract.title" not in counts[0]
    assert "search_text AS" not in counts[0]


def test_ledger_totals_below_the_cap_are_counted_and_summed_in_one_pass(
    session: orm.Session, count_queries: QueryCounter
) -> None:
    chain_of(session, 3)
    session.flush()
    bureau = session.scalar(sa.select(User).where(User.role == Role.BUREAU))
    assert bureau is not None
    exact = ledger.totals(session, bureau, ledger.Filters())
    count_queries.statements.clear()
    assert ledger.totals(session, bureau, ledger.Filters(), cap=exact.entries) == exact
    # One pass over the first cap + 1 entries, then the corrections: no count beforehand.
    assert count_queries.count == 2
    assert ledger.totals(session, bureau, ledger.Filters(), cap=exact.entries - 1) == (
        ledger.Totals(exact.entries - 1, None, capped=True)
    )
