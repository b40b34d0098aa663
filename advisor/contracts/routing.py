"""Who reviews a new contract and by when: the school's primary advisor, or its backup when
the primary is absent or has declared a conflict with the counterparty; the due date in
working days on the bureau's calendar. Nothing here writes except the bureau's notice
that no advisor was available."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy import orm

from advisor.accounts import services as accounts
from advisor.contracts import calendar as bureau_calendar
from advisor.directory.models import Absence, Advisor, AssignmentKind, ConflictDeclaration, School
from advisor.directory.queries import open_assignment
from advisor.errors import Conflict
from advisor.workdays import add_working_days


def _same_organisation(declared: str, counterparty: str) -> bool:
    def norm(text: str) -> str:
        return "".join(ch for ch in text.lower() if ch.isalnum())

    a, b = norm(declared), norm(counterparty)
    return bool(a) and bool(b) and (a in b or b in a)


def is_absent(session: orm.Session, advisor_id: int, day: date) -> bool:
    return (
        session.scalar(
            sa.select(Absence.id).where(
                Absence.advisor_id == advisor_id, Absence.starts_on <= day, Absence.ends_on >= day
            )
        )
        is not None
    )


def has_conflict(session: orm.Session, advisor_id: int, counterparty: str) -> bool:
    declared = session.scalars(
        sa.select(ConflictDeclaration.organisation).where(
            ConflictDeclaration.advisor_id == advisor_id, ConflictDeclaration.ended_at.is_(None)
        )
    )
    return any(_same_organisation(org, counterparty) for org in declared)


@dataclass(frozen=True, slots=True)
class Route:
    advisor: Advisor
    reason: str | None  # None: the primary; "absent" / "conflict": why the backup


def route(session: orm.Session, school: School, counterparty: str, today: date) -> Route:
    """The advisor a new contract of ``school`` goes to: the primary, or the backup when
    the primary is absent today or declared a conflict with the counterparty.
    Raises NoAdvisorAvailable when neither can take it."""
    reason: str | None = None
    for kind in (AssignmentKind.PRIMARY, AssignmentKind.BACKUP):
        assignment = open_assignment(session, school.id, kind)
        if assignment is None:
            continue
        advisor = session.get_one(Advisor, assignment.advisor_id)
        if not advisor.is_active or is_absent(session, advisor.id, today):
            reason = reason or "absent"
            continue
        if has_conflict(session, advisor.id, counterparty):
            reason = reason or "conflict"
            continue
        return Route(advisor, reason)
    raise NoAdvisorAvailable(school, counterparty)


class NoAdvisorAvailable(Conflict):
    """Neither the primary nor the backup can take the contract. The submission is
    refused; the caller rolls back and then calls ``report_no_advisor`` so that the
    bureau's notice survives the rollback."""

    def __init__(self, school: School, counterparty: str) -> None:
        super().__init__(
            _l(
                "No advisor can take this contract now (the assigned advisors are absent or"
                " have a conflict of interest). The bureau has been told; please try again"
                " after it assigns an advisor."
            )
        )
        self.school_id, self.school_name, self.counterparty = school.id, school.name, counterparty


def report_no_advisor(session: orm.Session, error: NoAdvisorAvailable) -> None:
    """Tell the bureau a school could not submit because no advisor is available."""
    accounts.notify(
        session,
        accounts.bureau_user_ids(session),
        "no_advisor",
        school=error.school_name,
        counterparty=error.counterparty,
        link=f"/schools/{error.school_id}",
    )


def due_date(session: orm.Session, start: date, days: int) -> date:
    """``days`` working days after ``start``, on the bureau's calendar."""
    return add_working_days(start, days, bureau_calendar.load(session))
