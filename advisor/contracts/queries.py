"""Contract reads, always scoped to the caller: lists with filters and search, one contract."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import cache
from typing import Any

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy import orm

from advisor.accounts.models import Role, User
from advisor.contracts import permissions
from advisor.contracts.models import Contract, ContractEvent, ContractVersion, PageText, Status
from advisor.contracts.workflow import OPEN
from advisor.directory.models import Advisor, School
from advisor.errors import NotFound
from advisor.text import search_term
from advisor.workdays import BEIJING

ACTIVE = (Status.SUBMITTED, Status.IN_REVIEW)  # the clock runs: these can be overdue

# The list's order: the contracts whose clock runs first, then by due date, the newest
# first among equals. The expression index ix_contract_list_order (migration
# 1795780000) holds the contracts in this order, so a page of the bureau's 200,000 is
# read from it instead of sorting them all; an index on an expression serves only that
# same expression, with the same literals (a bound value is not the same), on either
# database: keep the two alike.
OPEN_FIRST = sa.case(
    (
        Contract.status.in_([sa.literal_column(f"'{status}'") for status in ACTIVE]),
        sa.literal_column("0"),
    ),
    else_=sa.literal_column("1"),
)

Narrowing = Callable[[int], sa.ColumnElement[bool]]

# Narrowings of the list whose meaning a later domain owns, which contracts may not import
# (reports: "reviewed_in", the contracts the year figures count as reviewed). The owner
# registers its condition when imported, as the pre-check connects to version_added, so a
# figure and the list it links to count the same contracts.
_NARROWINGS: dict[str, Narrowing] = {}


def narrowing_for(name: str) -> Callable[[Narrowing], Narrowing]:
    """Register the decorated function as the list's ``name`` narrowing (one per name)."""

    def register(condition: Narrowing) -> Narrowing:
        if _NARROWINGS.setdefault(name, condition) is not condition:
            raise RuntimeError(f"the contract list's {name!r} narrowing is already defined")
        return condition

    return register


def visible_contracts(user: User) -> sa.Select[Contract]:
    """Bureau: all; school: its own; advisor: the contracts it holds."""
    stmt = sa.select(Contract)
    if permissions.can_see_all_contracts(user):
        return stmt
    if user.role == Role.ADVISOR:
        return stmt.where(Contract.advisor_id == user.advisor_id)
    return stmt.where(Contract.school_id == user.school_id)


@dataclass(frozen=True, slots=True)
class Filters:
    status: str = ""
    contract_type: str = ""
    school_id: int | None = None
    advisor_id: int | None = None
    overdue: bool = False
    submitted_from: date | None = None
    submitted_to: date | None = None
    q: str = ""
    # The dashboard's filters, so that its figures link to exactly the contracts counted.
    district: str = ""
    level: str = ""
    law_firm_id: int | None = None
    # The yearly figures' "contracts reviewed" (reports defines them, see _NARROWINGS).
    reviewed_in: int | None = None
    # The dashboard's "open": submitted, in review, or returned to the school.
    open_only: bool = False


def opens_by_default(user: User) -> bool:
    """An advisor's queue shows the work still open unless asked otherwise (what was
    reviewed, closed or withdrawn is a tab away); the others' lists show every status."""
    return user.role == Role.ADVISOR


def narrowing(district: str, level: str, law_firm_id: int | None) -> list[sa.ColumnElement[bool]]:
    """Conditions on Contract for the dashboard's narrowing: the schools of a district and
    a level, the advisors of a law firm. The dashboard and the list it links to share them,
    so a figure and its list count the same contracts."""
    conditions: list[sa.ColumnElement[bool]] = []
    if district or level:
        schools = sa.select(School.id)
        if district:
            schools = schools.where(School.district == district)
        if level:
            schools = schools.where(School.level == level)
        conditions.append(Contract.school_id.in_(schools))
    if law_firm_id:
        firm = sa.select(Advisor.id).where(Advisor.law_firm_id == law_firm_id)
        conditions.append(Contract.advisor_id.in_(firm))
    return conditions


def _text_match(q: str, dialect: str) -> sa.ColumnElement[bool]:
    """Substring match on title, counterparty and text. Chinese has no word boundaries,
    so word-based full-text search does not fit; a trigram index serves queries of
    three characters or more (FTS5 on SQLite, pg_trgm on PostgreSQL, see migrations)."""
    needle = search_term(q).lower()
    if dialect == "sqlite" and len(needle) >= 3:
        phrase = '"' + needle.replace('"', '""') + '"'
        matching: sa.Select[Any] = (
            sa.select(sa.column("rowid"))
            .select_from(sa.table("contract_fts"))
            .where(sa.text("contract_fts MATCH :phrase").bindparams(phrase=phrase))
        )
        return Contract.id.in_(matching)
    pattern = "%" + needle.replace("\\", "\\\\").replace("%", r"\%").replace("_", r"\_") + "%"
    return Contract.search_text.like(pattern, escape="\\")


def search_contracts(
    user: User, filters: Filters, today: date, *, dialect: str = "postgresql"
) -> sa.Select[Contract]:
    """The caller's contracts, filtered; open ones due first, then the newest."""
    stmt = visible_contracts(user)
    if filters.status:
        stmt = stmt.where(Contract.status == filters.status)
    if filters.contract_type:
        stmt = stmt.where(Contract.contract_type == filters.contract_type)
    if filters.school_id:
        stmt = stmt.where(Contract.school_id == filters.school_id)
    if filters.advisor_id:
        stmt = stmt.where(Contract.advisor_id == filters.advisor_id)
    if filters.overdue:
        stmt = stmt.where(Contract.status.in_(ACTIVE), Contract.due_on < today)
    stmt = stmt.where(*narrowing(filters.district, filters.level, filters.law_firm_id))
    if filters.open_only:
        stmt = stmt.where(Contract.status.in_(OPEN))
    if filters.reviewed_in and 2000 <= filters.reviewed_in <= 9998:
        stmt = stmt.where(_NARROWINGS["reviewed_in"](filters.reviewed_in))
    # The dates people pick are Beijing dates; submitted_at is stored in UTC.
    if filters.submitted_from:
        start = datetime.combine(filters.submitted_from, time.min, BEIJING)
        stmt = stmt.where(Contract.submitted_at >= start)
    if filters.submitted_to:
        end = datetime.combine(filters.submitted_to + timedelta(days=1), time.min, BEIJING)
        stmt = stmt.where(Contract.submitted_at < end)
    if filters.q.strip():
        stmt = stmt.where(_text_match(filters.q, dialect))
    return stmt.order_by(OPEN_FIRST, Contract.due_on, Contract.id.desc())


def parties(session: orm.Session, contracts: Sequence[Contract]) -> dict[int, tuple[str, str]]:
    """The school's and the advisor's names of each listed contract, in one query for
    the page rather than one a row. The names are looked up by the keys the contracts
    already hold, each table by its primary key: joining the contracts again to both
    tables cost PostgreSQL a hash of all 2,000 schools, 0.9 ms a page at province
    scale, the lookups 0.17 ms."""
    if not contracts:
        return {}
    schools = {c.school_id for c in contracts}
    advisors = {c.advisor_id for c in contracts}
    rows = session.execute(
        sa.union_all(
            sa.select(sa.literal(0), School.id, School.name).where(School.id.in_(schools)),
            sa.select(sa.literal(1), Advisor.id, Advisor.name).where(Advisor.id.in_(advisors)),
        )
    )
    names: tuple[dict[int, str], dict[int, str]] = ({}, {})
    for table, key, name in rows:
        names[table][key] = name
    return {c.id: (names[0][c.school_id], names[1][c.advisor_id]) for c in contracts}


def get_contract(
    session: orm.Session, user: User, contract_id: int, *, with_versions: bool = False
) -> Contract:
    """One contract the caller may see; any other is NotFound, as if it did not exist.
    ``with_versions`` loads its versions and its advisor in the same statement (the
    contract page)."""
    stmt = visible_contracts(user).where(Contract.id == contract_id)
    if with_versions:
        stmt = stmt.options(orm.joinedload(Contract.versions), orm.joinedload(Contract.advisor))
    contract = session.scalars(stmt).unique().first()
    if contract is None:
        raise NotFound(_l("No such contract."))
    return contract


def get_version(session: orm.Session, contract: Contract, number: int) -> ContractVersion:
    version = session.scalar(
        sa.select(ContractVersion).where(
            ContractVersion.contract_id == contract.id, ContractVersion.number == number
        )
    )
    if version is None:
        raise NotFound(_l("No such version."))
    return version


# Built once per process with the id bound, as every contract page runs them: building
# a statement anew costs SQLAlchemy more than running it (issue 19, item 3).


@cache
def _page_texts() -> sa.Select[str]:
    return (
        sa.select(PageText.text)
        .where(PageText.version_id == sa.bindparam("version_id"))
        .order_by(PageText.page)
    )


@cache
def _events() -> sa.Select[ContractEvent]:
    return (
        sa.select(ContractEvent)
        .where(ContractEvent.contract_id == sa.bindparam("contract_id"))
        .order_by(ContractEvent.id)
    )


def version_text(session: orm.Session, version: ContractVersion) -> list[str]:
    return list(session.scalars(_page_texts(), {"version_id": version.id}))


def events(session: orm.Session, contract: Contract) -> Sequence[ContractEvent]:
    return session.scalars(_events(), {"contract_id": contract.id}).all()


def advisor_names(
    session: orm.Session, events: Sequence[ContractEvent], *, known: Advisor | None = None
) -> dict[int, str]:
    """Names of the advisors that events mention (routing, reassignment), in one query
    for those other than the ``known`` one (the contract's own, loaded with it): usually
    none."""
    ids = {
        value
        for e in events
        for key in ("advisor_id", "from_advisor_id", "to_advisor_id")
        if isinstance(value := e.detail.get(key), int)
    }
    names = {known.id: known.name} if known is not None and known.id in ids else {}
    others = ids - names.keys()
    if others:
        rows = session.execute(sa.select(Advisor.id, Advisor.name).where(Advisor.id.in_(others)))
        names.update((i, name) for i, name in rows)
    return names


def due_badge(contract: Contract, today: date) -> str | None:
    """ "overdue" or "due_soon" (due today or tomorrow) while the advisor holds it."""
    if contract.status not in ACTIVE or contract.due_on is None:
        return None
    if contract.due_on < today:
        return "overdue"
    if (contract.due_on - today).days <= 1:
        return "due_soon"
    return None
