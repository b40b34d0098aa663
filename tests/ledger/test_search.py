"""Ledger text search through the bigram index finds exactly what a substring match of
the descriptions finds, for new entries at once and for corrections; the index is the
same whether written entry by entry, in bulk or by the migration."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask
from sqlalchemy import orm

from advisor import create_app
from advisor.contracts.files import FileStore
from advisor.demo import synthetic
from advisor.demo.bureau import load_demo
from advisor.extensions import alembic, db
from advisor.ledger import services
from advisor.ledger.models import LedgerEntry
from advisor.ledger.queries import Filters, Totals, filtered, totals
from advisor.ledger.search import LedgerBigram, bigrams, index_entries, is_own_bigram
from tests.conftest import make_config
from tests.factories.ledger import LEDGER_TODAY, add_ledger_entry, entry_data
from tests.factories.people import advisor_user, bureau_user

DESCRIPTIONS = (
    "开展法治讲座",
    "开展法治讲座（第二场）",
    "讲座",
    "解答学校法律咨询",
    "审查《校车接送服务合同（2026-70304）》",
    "Review of the PPP Contract",
    "review of ppp contract v2",
    "100% 完成，见附件_1",
    "Ärger mit dem Vertrag",
    "法",
    "纠纷\n调处：参与调处纠纷 🙂",
)
TERMS = (
    "法",  # one character: no bigram
    "讲座",
    "纠纷",
    "律师",  # in no description
    "治讲座",
    "法治讲座（第二场）",
    "70304",
    "PPP",
    "ppp",
    "Pp",
    "contract v2",
    "%",
    "0%",
    "_1",
    "ÄR",
    "är",
    "🙂",
    "纷 🙂",
    "调处：参与调处纠纷",
)


@pytest.fixture
def described(session: orm.Session) -> list[LedgerEntry]:
    actor = advisor_user(session, 1)
    return [add_ledger_entry(session, actor, description=text) for text in DESCRIPTIONS]


def _found(session: orm.Session, q: str, *, history: bool = False) -> list[int]:
    stmt = filtered(bureau_user(session), Filters(q=q, history=history))
    return list(session.scalars(stmt.with_only_columns(LedgerEntry.id)))


def _like(session: orm.Session, term: str) -> list[int]:
    stmt = (
        sa.select(LedgerEntry.id)
        .where(LedgerEntry.description.contains(term, autoescape=True))
        .order_by(LedgerEntry.entry_on.desc(), LedgerEntry.seq.desc())
    )
    return list(session.scalars(stmt))


@pytest.mark.parametrize("term", TERMS)
def test_search_finds_what_a_substring_match_finds(
    session: orm.Session, described: list[LedgerEntry], term: str
) -> None:
    assert _found(session, term) == _like(session, term)


def test_the_terms_cover_matches_and_misses(
    session: orm.Session, described: list[LedgerEntry]
) -> None:
    found = {term: len(_like(session, term)) for term in TERMS}
    assert found["律师"] == 0
    assert found["讲座"] >= 3 and found["法"] >= 4 and found["调处：参与调处纠纷"] == 1


def test_a_term_that_is_its_own_bigram_is_found_without_reading_descriptions(
    session: orm.Session,
) -> None:
    assert [t for t in TERMS if is_own_bigram(t)] == ["讲座", "纠纷", "律师", "0%", "_1"]

    def reads_text(q: str) -> bool:
        stmt = filtered(bureau_user(session), Filters(q=q, history=True))
        return "description" in str(stmt.with_only_columns(LedgerEntry.id))

    assert not reads_text("讲座")
    assert reads_text("Pp") and reads_text("治讲座") and reads_text("法")


def test_a_capped_count_read_from_the_index_counts_what_the_entries_count(
    session: orm.Session, described: list[LedgerEntry]
) -> None:
    bureau = bureau_user(session)
    day = described[0].entry_on
    for filters in (Filters(q="讲座"), Filters(q="讲座", date_from=day, date_to=day)):
        entries = session.scalar(
            filtered(bureau, replace(filters, history=True))
            .with_only_columns(sa.func.count())
            .order_by(None)
        )
        assert entries and entries >= 3
        exact = totals(session, bureau, filters)
        assert totals(session, bureau, filters, cap=entries) == exact and not exact.capped
        assert totals(session, bureau, filters, cap=entries - 1) == Totals(
            entries - 1, None, capped=True
        )
    after = day + timedelta(days=1)
    assert totals(session, bureau, Filters(q="讲座", date_from=after), cap=0) == Totals(0, 0)


def test_a_new_entry_is_found_in_its_own_transaction(session: orm.Session) -> None:
    entry = add_ledger_entry(session, advisor_user(session, 1), description="调解食堂承包纠纷")
    assert _found(session, "承包") == [entry.id]
    assert _found(session, "食堂承包纠纷") == [entry.id]


def test_the_search_reads_the_index(session: orm.Session) -> None:
    entry = add_ledger_entry(session, advisor_user(session, 1), description="调解食堂承包纠纷")
    session.execute(sa.delete(LedgerBigram).where(LedgerBigram.entry_id == entry.id))
    assert _found(session, "承包") == []
    assert _like(session, "承包") == [entry.id]


def test_a_correction_is_found_by_its_own_text(session: orm.Session) -> None:
    actor = advisor_user(session, 1)
    original = add_ledger_entry(session, actor, description="解答校服采购咨询")
    correction = services.correct_entry(
        session,
        actor=actor,
        original=original,
        data=entry_data(1, description="解答校车采购咨询"),
        today=LEDGER_TODAY,
    )
    assert _found(session, "校车采购") == [correction.id]
    assert _found(session, "校服采购") == []  # superseded: hidden from the current picture
    assert _found(session, "校服采购", history=True) == [original.id]


def _index(session: orm.Session, ids: list[int]) -> set[tuple[Any, ...]]:
    rows = session.execute(
        sa.select(
            LedgerBigram.gram, LedgerBigram.entry_on, LedgerBigram.seq, LedgerBigram.entry_id
        ).where(LedgerBigram.entry_id.in_(ids))
    )
    return {tuple(row) for row in rows}


def _expected(entries: list[LedgerEntry]) -> set[tuple[Any, ...]]:
    return {(g, e.entry_on, e.seq, e.id) for e in entries for g in bigrams(e.description)}


def test_each_entry_is_indexed_by_its_folded_bigrams(
    session: orm.Session, described: list[LedgerEntry]
) -> None:
    ids = [e.id for e in described]
    assert _index(session, ids) == _expected(described)
    ppp = described[5]
    assert ("pp", ppp.entry_on, ppp.seq, ppp.id) in _index(session, ids)
    assert bigrams("ÄRGER") == {"Är", "rg", "ge", "er"}  # ASCII letters fold, no others


def test_the_bulk_index_writes_what_the_entries_get_one_by_one(
    session: orm.Session, described: list[LedgerEntry]
) -> None:
    ids = [e.id for e in described]
    session.execute(sa.delete(LedgerBigram).where(LedgerBigram.entry_id.in_(ids)))
    index_entries(session.connection(), min(ids))
    assert _index(session, ids) == _expected(described)


def test_the_generated_ledger_is_indexed(session: orm.Session, app: Flask) -> None:
    first = (session.scalar(sa.select(sa.func.max(LedgerEntry.id))) or 0) + 1
    synthetic.generate(
        session,
        synthetic.Scale(schools=0, advisors=0, contracts=20, entries=200),
        seed=2,
        now=datetime(2026, 11, 27, 6, 30, tzinfo=UTC),
        store=FileStore(app.config["ADVISOR"].files_dir),
    )
    entries = list(session.scalars(sa.select(LedgerEntry).where(LedgerEntry.id >= first)))
    assert len(entries) == 200
    assert _index(session, [e.id for e in entries]) == _expected(entries)


def test_the_migration_indexes_the_entries_there_are_and_goes_back(tmp_path: Path) -> None:
    other = create_app(make_config(tmp_path, f"sqlite:///{tmp_path}/bigram.db"))
    with other.app_context():
        alembic.upgrade()
        load_demo(db.session)
        actor = advisor_user(db.session, 1)
        entries = [add_ledger_entry(db.session, actor, description=t) for t in DESCRIPTIONS]
        db.session.commit()
        expected = _expected(entries)
        alembic.downgrade("1795775000")
        assert "ledger_bigram" not in sa.inspect(db.engine).get_table_names()
        alembic.upgrade()
        assert _index(db.session, [e.id for e in entries]) == expected
        db.session.close()
        db.engine.dispose()
