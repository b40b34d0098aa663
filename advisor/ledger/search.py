"""The ledger's text search index: every two-character piece (bigram) of each entry's
description, so that a search for a rare term reads a few index rows instead of every
entry, on SQLite and PostgreSQL alike.

Chinese has no word boundaries and most terms people search for are two characters
(讲座, 纠纷), which neither FTS5's trigram tokenizer nor pg_trgm can serve. An entry's
description contains a term only if it contains each of the term's bigrams, so the
entries holding one of them are the candidates; the term itself is then matched on
those, so the results are exactly those of a substring match of the description.

Bigrams are taken after folding ASCII letters to lower case and nothing else: one
character for one character, so that a term found in a description has its folded
bigrams among the description's, whichever database compares them (SQLite's LIKE
ignores the case of ASCII letters, PostgreSQL's does not; NFKC or full Unicode case
folding would change lengths, e.g. "e" + combining accent -> "é", and lose matches).

The ledger is append-only, so the index only grows: an entry's bigrams are written in
the transaction that appends it (``after_insert`` below, for every entry added through
the ORM), and by ``index_entries`` for rows written in bulk (the demo generator). The
migration that made the table filled it with the same SQL.
"""

from __future__ import annotations

import string
from datetime import date
from typing import Any

import sqlalchemy as sa
from sqlalchemy import orm
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import Mapped, mapped_column
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.visitors import InternalTraversal, _TraverseInternalsType

from advisor.db import Base
from advisor.ledger.models import LedgerEntry

# Bigrams of a term used: any of them finds a superset of its entries, and a few are
# selective enough; each is one more index lookup per entry read.
MAX_GRAMS = 4
RAREST_BOUND = 10_000
_FOLD = str.maketrans(string.ascii_uppercase, string.ascii_lowercase)
_LETTERS = frozenset(string.ascii_letters)


class LedgerBigram(Base):
    """One distinct bigram of an entry's folded description, with the entry's place in the
    ledger's order (date, then sequence number): the entries holding a bigram are read
    in the order the list shows them, so a page of a common term's matches is its first
    rows and a rare term's are a few. Written once, with the entry; the cascade only
    serves the tampering tests, which delete entries behind the triggers."""

    __tablename__ = "ledger_bigram"
    __table_args__ = ({"sqlite_with_rowid": False},)  # the primary key is the whole row

    gram: Mapped[str] = mapped_column(sa.String(2), primary_key=True)
    entry_on: Mapped[date] = mapped_column(primary_key=True)
    seq: Mapped[int] = mapped_column(primary_key=True)
    # In the key too, though the sequence number alone identifies the entry: the index
    # then tells alone which entries hold a bigram (counting 讲座's first 10,001 matches
    # in 2,000,000 entries on PostgreSQL: 131 ms, 788 ms when it had to read the table).
    entry_id: Mapped[int] = mapped_column(
        sa.ForeignKey("ledger_entry.id", ondelete="CASCADE"), primary_key=True
    )


# Another bigram of the same entry, in the lookups of ``search`` (made once: see
# ledger.queries._NEWER).
_OTHER = orm.aliased(LedgerBigram, name="other")


def fold(text: str) -> str:
    """``text`` with ASCII letters in lower case, every other character as it is."""
    return text.translate(_FOLD)


def bigrams(text: str) -> set[str]:
    """The distinct overlapping two-character pieces of folded ``text``."""
    folded = fold(text)
    return {folded[i : i + 2] for i in range(len(folded) - 1)}


def is_own_bigram(term: str) -> bool:
    """Whether the entries holding ``term``'s one bigram are exactly those whose description
    contains ``term``: two characters, none an ASCII letter (folding changes nothing; with
    letters, PostgreSQL's case-sensitive match is narrower than the folded bigram)."""
    return len(term) == 2 and not any(char in _LETTERS for char in term)


def index_rows(term: str, date_from: date | None, date_to: date | None) -> sa.Select[Any] | None:
    """For a term that is its own bigram (``is_own_bigram``), the index's rows of the
    entries holding it between the dates, one row an entry, corrected ones too: what a
    count of those entries reads instead of the entries. None for any other term."""
    if not is_own_bigram(term):
        return None
    stmt = sa.select(LedgerBigram.entry_id).where(LedgerBigram.gram == term)
    if date_from:
        stmt = stmt.where(LedgerBigram.entry_on >= date_from)
    if date_to:
        stmt = stmt.where(LedgerBigram.entry_on <= date_to)
    return stmt


def _spread(grams: list[str], most: int) -> list[str]:
    """At most ``most`` of ``grams``, the first and the last among them, evenly spaced."""
    if len(grams) <= most:
        return grams
    step = (len(grams) - 1) / (most - 1)
    return [grams[round(i * step)] for i in range(most)]


class _Contains(sa.ColumnElement[bool]):
    """``column`` holds ``term`` as a substring, with the database's own LIKE semantics."""

    inherit_cache = True
    type = sa.Boolean()
    # Both forms are part of the statement's cache key, so that their terms are bound
    # afresh for each search; each database's compiler uses one.
    _traverse_internals: _TraverseInternalsType = [  # noqa: RUF012 (SQLAlchemy's own type)
        ("by_like", InternalTraversal.dp_clauseelement),
        ("by_position", InternalTraversal.dp_clauseelement),
    ]

    def __init__(self, column: Any, term: str) -> None:
        self.by_like = column.contains(term, autoescape=True)
        self.by_position = sa.func.strpos(column, sa.literal(term, sa.Text)) > 0


@compiles(_Contains)
def _contains_default(element: _Contains, compiler: SQLCompiler, **kw: Any) -> str:
    return compiler.process(element.by_like, **kw)


@compiles(_Contains, "postgresql")
def _contains_postgresql(element: _Contains, compiler: SQLCompiler, **kw: Any) -> str:
    # strpos matches as LIKE '%term%' does (case and all), but the planner does not read
    # it as selective: with LIKE's estimate, taken as independent of the bigram's, it
    # counted a common term's matches by hashing every entry whose text held it.
    return compiler.process(element.by_position, **kw)


def search(stmt: sa.Select[Any], term: str) -> sa.Select[Any]:
    """``stmt`` (entries, ordered by date and sequence number, newest first) narrowed to
    the entries whose description contains ``term``, in the same order.

    The entries are read from the index of one of the term's bigrams, the one the fewest
    entries hold of up to MAX_GRAMS of them, in the list's order; the others are looked
    up in the index for each of them, then the term itself is matched, until the page
    is full. A single character has no bigram and is matched on every entry.

    The other bigrams are checked entry by entry (scalar subqueries), not joined: as
    joins, PostgreSQL took them for independent and, for a common phrase (法治讲座, 68,000
    entries), intersected and sorted them all (1.2 s, now 22 ms); not checking them at
    all costs a rare term of common bigrams (70304) 195 ms instead of 33.
    """
    grams = _spread(sorted(bigrams(term)), MAX_GRAMS)
    found = _Contains(LedgerEntry.description, term)
    if not grams:
        return stmt.where(found)
    # A term that is its own bigram is found by the index alone, with no entry's text
    # read: 讲座's first 10,001 matches are then counted from the index.
    text_checks = [] if is_own_bigram(term) else [found]
    holding = [
        sa.select(sa.literal(1))
        .where(
            _OTHER.gram == gram,
            _OTHER.entry_on == LedgerBigram.entry_on,
            _OTHER.seq == LedgerBigram.seq,
        )
        .limit(1)
        .scalar_subquery()
        .is_not(None)
        for gram in grams
        if len(grams) > 1  # the driving one is among them: checked twice, found at once
    ]
    return (
        stmt.join(LedgerBigram, LedgerBigram.entry_id == LedgerEntry.id)
        .where(LedgerBigram.gram == _rarest(grams), *holding, *text_checks)
        .order_by(None)
        .order_by(LedgerBigram.entry_on.desc(), LedgerBigram.seq.desc())
    )


def _rarest(grams: list[str]) -> Any:
    """Of ``grams``, the one the fewest entries hold, counted by the database up to
    RAREST_BOUND each (beyond it, a common bigram is as good as another)."""
    if len(grams) == 1:
        return grams[0]
    counts = [
        sa.select(
            sa.literal(gram, sa.String).label("gram"),
            sa.select(sa.func.count())
            .select_from(
                sa.select(sa.literal(1))
                .where(LedgerBigram.gram == gram)
                .limit(RAREST_BOUND)
                .subquery()
            )
            .scalar_subquery()
            .label("n"),
        )
        for gram in grams
    ]
    union = sa.union_all(*counts).subquery()
    return sa.select(union.c.gram).order_by(union.c.n).limit(1).scalar_subquery()


@sa.event.listens_for(LedgerEntry, "after_insert")
def _index_new_entry(_mapper: Any, connection: sa.Connection, entry: LedgerEntry) -> None:
    """Index an entry in the flush that inserts it: it is searchable at once."""
    rows = [
        {"gram": gram, "entry_on": entry.entry_on, "seq": entry.seq, "entry_id": entry.id}
        for gram in sorted(bigrams(entry.description))
    ]
    if rows:
        connection.execute(sa.insert(LedgerBigram), rows)


# The same bigrams as ``bigrams``, computed by the database over many entries at once.
# SQLite's lower() changes ASCII letters only (without the ICU extension, which this
# project does not load); PostgreSQL's would change others too, hence translate().
_INDEX_SQL = {
    "sqlite": (
        "INSERT INTO ledger_bigram (gram, entry_on, seq, entry_id)"
        " WITH RECURSIVE piece(entry_on, seq, entry_id, text, i) AS ("
        "  SELECT entry_on, seq, id, lower(description), 1 FROM ledger_entry"
        "  WHERE id >= :first AND length(description) >= 2"
        "  UNION ALL"
        "  SELECT entry_on, seq, entry_id, text, i + 1 FROM piece WHERE i + 1 < length(text))"
        " SELECT DISTINCT substr(text, i, 2), entry_on, seq, entry_id FROM piece"
    ),
    "postgresql": (
        "INSERT INTO ledger_bigram (gram, entry_on, seq, entry_id)"
        " SELECT DISTINCT substr(e.folded, i, 2), e.entry_on, e.seq, e.id"
        " FROM (SELECT id, entry_on, seq, translate(description, :upper, :lower) AS folded"
        "       FROM ledger_entry WHERE id >= :first) AS e,"
        " generate_series(1, length(e.folded) - 1) AS i"
    ),
}


def index_entries(connection: sa.Connection, first_id: int) -> None:
    """Index the entries from ``first_id`` on, written without the ORM (in bulk)."""
    connection.execute(
        sa.text(_INDEX_SQL[connection.dialect.name]),
        {"first": first_id, "upper": string.ascii_uppercase, "lower": string.ascii_lowercase},
    )
