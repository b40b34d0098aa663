"""Directory reads, scoped to what the caller may see."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from functools import cache

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy import orm

from advisor.accounts.models import Role, User
from advisor.directory.models import (
    Absence,
    Advisor,
    Assignment,
    AssignmentKind,
    ConflictDeclaration,
    LawFirm,
    School,
)
from advisor.directory.permissions import can_see_all_advisors, can_see_all_schools
from advisor.errors import NotFound
from advisor.text import search_term


def _open_assignments() -> sa.Select[int]:
    return sa.select(Assignment.school_id).where(Assignment.ends_on.is_(None))


def visible_schools(user: User) -> sa.Select[School]:
    """Bureau: every school; advisor: schools they currently serve; school: its own."""
    stmt = sa.select(School)
    if can_see_all_schools(user):
        return stmt
    if user.role == Role.ADVISOR:
        served = _open_assignments().where(Assignment.advisor_id == user.advisor_id)
        return stmt.where(School.id.in_(served))
    return stmt.where(School.id == user.school_id)


def visible_advisors(user: User) -> sa.Select[Advisor]:
    """Bureau: every advisor; advisor: themselves; school: the advisors serving it."""
    stmt = sa.select(Advisor)
    if can_see_all_advisors(user):
        return stmt
    if user.role == Role.ADVISOR:
        return stmt.where(Advisor.id == user.advisor_id)
    serving = sa.select(Assignment.advisor_id).where(
        Assignment.ends_on.is_(None), Assignment.school_id == user.school_id
    )
    return stmt.where(Advisor.id.in_(serving))


def search_schools(
    user: User, *, q: str = "", district: str = "", level: str = "", active: str = ""
) -> sa.Select[School]:
    stmt = visible_schools(user).order_by(School.code)
    if term := search_term(q):
        stmt = stmt.where(
            sa.or_(
                School.name.icontains(term, autoescape=True),
                School.code.icontains(term, autoescape=True),
            )
        )
    if district:
        stmt = stmt.where(School.district == district)
    if level:
        stmt = stmt.where(School.level == level)
    if active in ("1", "0"):
        stmt = stmt.where(School.is_active.is_(active == "1"))
    return stmt


def search_advisors(
    user: User, *, q: str = "", law_firm_id: int | None = None
) -> sa.Select[Advisor]:
    stmt = visible_advisors(user).options(orm.joinedload(Advisor.law_firm)).order_by(Advisor.id)
    if term := search_term(q):
        stmt = stmt.where(
            sa.or_(
                Advisor.name.icontains(term, autoescape=True),
                Advisor.licence_no.icontains(term, autoescape=True),
                Advisor.email.icontains(term, autoescape=True),
            )
        )
    if law_firm_id:
        stmt = stmt.where(Advisor.law_firm_id == law_firm_id)
    return stmt


def get_school(session: orm.Session, user: User, school_id: int) -> School:
    """Load a school the user may see; others are NotFound, as if absent."""
    school = session.scalar(visible_schools(user).where(School.id == school_id))
    if school is None:
        raise NotFound(_l("No such school."))
    return school


def get_advisor(session: orm.Session, user: User, advisor_id: int) -> Advisor:
    advisor = session.scalar(
        visible_advisors(user)
        .options(orm.joinedload(Advisor.law_firm))
        .where(Advisor.id == advisor_id)
    )
    if advisor is None:
        raise NotFound(_l("No such advisor."))
    return advisor


def get_law_firm(session: orm.Session, firm_id: int) -> LawFirm:
    firm = session.get(LawFirm, firm_id)
    if firm is None:
        raise NotFound(_l("No such law firm."))
    return firm


@dataclass(frozen=True, slots=True)
class Serving:
    """Who serves a school now."""

    primary: Advisor | None = None
    backup: Advisor | None = None


@cache
def _serving() -> sa.Select[int, str, Advisor]:
    """The open assignments of the schools ``:school_ids``, with their advisors. Built once
    per process: a school's home and page run it on every view, and building a statement
    anew costs SQLAlchemy more than running it (issue 19, item 3)."""
    return (
        sa.select(Assignment.school_id, Assignment.kind, Advisor)
        .join(Advisor, Advisor.id == Assignment.advisor_id)
        .where(
            Assignment.school_id.in_(sa.bindparam("school_ids", expanding=True)),
            Assignment.ends_on.is_(None),
        )
    )


def current_advisors(session: orm.Session, school_ids: Iterable[int]) -> dict[int, Serving]:
    """The current primary and backup advisor of each school, in one query."""
    ids = list(school_ids)
    found: dict[int, dict[str, Advisor]] = {i: {} for i in ids}
    if ids:
        rows = session.execute(_serving(), {"school_ids": ids}).all()
        for school_id, kind, advisor in rows:
            found[school_id][kind] = advisor
    return {
        i: Serving(primary=k.get(AssignmentKind.PRIMARY), backup=k.get(AssignmentKind.BACKUP))
        for i, k in found.items()
    }


def open_assignment(session: orm.Session, school_id: int, kind: str) -> Assignment | None:
    return session.scalar(
        sa.select(Assignment).where(
            Assignment.school_id == school_id, Assignment.kind == kind, Assignment.ends_on.is_(None)
        )
    )


def assignment_history(session: orm.Session, school_id: int) -> Sequence[Assignment]:
    return session.scalars(
        sa.select(Assignment)
        .options(orm.joinedload(Assignment.advisor).joinedload(Advisor.law_firm))
        .where(Assignment.school_id == school_id)
        .order_by(Assignment.starts_on.desc(), Assignment.id.desc())
    ).all()


def schools_served(session: orm.Session, advisor_id: int) -> Sequence[tuple[School, str]]:
    """Schools an advisor serves now, with the kind of assignment."""
    rows = session.execute(
        sa.select(School, Assignment.kind)
        .join(Assignment, Assignment.school_id == School.id)
        .where(Assignment.advisor_id == advisor_id, Assignment.ends_on.is_(None))
        .order_by(School.code)
    )
    return [(school, kind) for school, kind in rows]


def school_choices(session: orm.Session) -> list[tuple[int, str]]:
    rows = session.execute(sa.select(School.id, School.code, School.name).order_by(School.code))
    return [(i, f"{code} {name}") for i, code, name in rows]


def visible_school_choices(session: orm.Session, user: User) -> list[tuple[int, str]]:
    """(id, "code name") of the schools the user may see, for filters."""
    stmt = visible_schools(user).with_only_columns(School.id, School.code, School.name)
    return [(i, f"{code} {name}") for i, code, name in session.execute(stmt.order_by(School.code))]


def advisor_choices(session: orm.Session, *, active_only: bool = False) -> list[tuple[int, str]]:
    stmt = (
        sa.select(Advisor.id, Advisor.name, LawFirm.name)
        .join(LawFirm, LawFirm.id == Advisor.law_firm_id)
        .order_by(Advisor.id)
    )
    if active_only:
        stmt = stmt.where(Advisor.is_active.is_(True))
    return [(i, f"{name}（{firm}）") for i, name, firm in session.execute(stmt)]


def law_firm_choices(session: orm.Session) -> list[tuple[int, str]]:
    rows = session.execute(sa.select(LawFirm.id, LawFirm.name).order_by(LawFirm.id))
    return [(i, name) for i, name in rows]


def list_law_firms(q: str = "") -> sa.Select[LawFirm]:
    stmt = sa.select(LawFirm).order_by(LawFirm.id)
    if term := search_term(q):
        stmt = stmt.where(
            sa.or_(
                LawFirm.name.icontains(term, autoescape=True),
                LawFirm.credit_code.icontains(term, autoescape=True),
            )
        )
    return stmt


def districts(session: orm.Session) -> list[str]:
    return list(
        session.scalars(
            sa.select(School.district)
            .where(School.district != "")
            .distinct()
            .order_by(School.district)
        )
    )


def absences(session: orm.Session, advisor_id: int, since: date) -> Sequence[Absence]:
    return session.scalars(
        sa.select(Absence)
        .where(Absence.advisor_id == advisor_id, Absence.ends_on >= since)
        .order_by(Absence.starts_on)
    ).all()


def conflicts(session: orm.Session, advisor_id: int) -> Sequence[ConflictDeclaration]:
    return session.scalars(
        sa.select(ConflictDeclaration)
        .where(ConflictDeclaration.advisor_id == advisor_id, ConflictDeclaration.ended_at.is_(None))
        .order_by(ConflictDeclaration.id)
    ).all()
