"""Directory rules: schools, law firms, advisors and who serves which school.

Every function validates, adds and flushes; the caller commits. Invalid values
raise ValidationError naming the field.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy import orm

from advisor.accounts.models import User
from advisor.directory.models import (
    Absence,
    Advisor,
    Assignment,
    AssignmentKind,
    ConflictDeclaration,
    LawFirm,
    School,
    SchoolLevel,
)
from advisor.directory.permissions import can_manage_advisor
from advisor.directory.queries import open_assignment
from advisor.directory.validation import is_valid_credit_code, is_valid_licence_no
from advisor.errors import Conflict, Forbidden, NotFound, ValidationError
from advisor.i18n import fmt_date
from advisor.text import LINE, too_long


@dataclass(frozen=True, slots=True)
class SchoolData:
    code: str
    name: str
    level: str
    district: str = ""
    address: str = ""
    contact_name: str = ""
    contact_phone: str = ""
    is_active: bool = True


@dataclass(frozen=True, slots=True)
class LawFirmData:
    name: str
    credit_code: str
    address: str = ""
    contact_name: str = ""
    contact_phone: str = ""


@dataclass(frozen=True, slots=True)
class AdvisorData:
    name: str
    law_firm_id: int
    licence_no: str
    appointed_on: date
    phone: str = ""
    email: str | None = None
    appointment_ends_on: date | None = None
    specialties: str = ""
    is_active: bool = True


def _taken(session: orm.Session, column: Any, value: Any, own_id: int | None) -> bool:
    table = column.class_
    stmt = sa.select(table.id).where(column == value)
    if own_id is not None:
        stmt = stmt.where(table.id != own_id)
    return session.scalar(stmt) is not None


def _check_lengths(model: type[Any], data: Any, problems: dict[str, Any]) -> None:
    """Refuse text longer than its column, as the forms do, for callers without a form."""
    for name in data.__dataclass_fields__:
        value = getattr(data, name)
        column = model.__table__.columns.get(name)
        length = getattr(getattr(column, "type", None), "length", None)
        if isinstance(value, str) and length and len(value) > length and name not in problems:
            problems[name] = _l("At most %(n)d characters.", n=length)


def _apply(target: Any, data: Any) -> bool:
    """Copy the dataclass fields onto the model; True if anything changed."""
    changed = False
    for name in data.__dataclass_fields__:
        value = getattr(data, name)
        if getattr(target, name) != value:
            setattr(target, name, value)
            changed = True
    return changed


# --- schools -----------------------------------------------------------------------


def clean_school(data: SchoolData) -> SchoolData:
    return SchoolData(
        code=data.code.strip().upper(),
        name=data.name.strip(),
        level=data.level.strip(),
        district=data.district.strip(),
        address=data.address.strip(),
        contact_name=data.contact_name.strip(),
        contact_phone=data.contact_phone.strip(),
        is_active=data.is_active,
    )


def check_school(session: orm.Session, data: SchoolData, own_id: int | None) -> dict[str, Any]:
    """Problems with a school's values, by field (empty when valid)."""
    problems: dict[str, Any] = {}
    if not data.code:
        problems["code"] = _l("Required.")
    elif len(data.code) > 32:
        problems["code"] = _l("At most %(n)d characters.", n=32)
    elif _taken(session, School.code, data.code, own_id):
        problems["code"] = _l("Another school already has this code.")
    if not data.name:
        problems["name"] = _l("Required.")
    if data.level not in {lv.value for lv in SchoolLevel}:
        problems["level"] = _l("Choose one of the listed levels.")
    _check_lengths(School, data, problems)
    return problems


def save_school(session: orm.Session, data: SchoolData, school: School | None = None) -> School:
    """Create a school, or update ``school``. Codes are unique, upper-cased."""
    data = clean_school(data)
    problems = check_school(session, data, school.id if school else None)
    if problems:
        raise ValidationError(_l("Some values are not valid."), fields=problems)
    if school is None:
        school = School()
        session.add(school)
    _apply(school, data)
    session.flush()
    return school


# --- law firms ---------------------------------------------------------------------


def save_law_firm(session: orm.Session, data: LawFirmData, firm: LawFirm | None = None) -> LawFirm:
    """Create or update a law firm. The credit code must pass its check character."""
    data = LawFirmData(
        name=data.name.strip(),
        credit_code=data.credit_code.strip().upper(),
        address=data.address.strip(),
        contact_name=data.contact_name.strip(),
        contact_phone=data.contact_phone.strip(),
    )
    own = firm.id if firm else None
    problems: dict[str, Any] = {}
    if not data.name:
        problems["name"] = _l("Required.")
    elif _taken(session, LawFirm.name, data.name, own):
        problems["name"] = _l("Another law firm already has this name.")
    if not is_valid_credit_code(data.credit_code):
        problems["credit_code"] = _l(
            "Not a valid unified social credit code (18 characters; check the last one)."
        )
    elif _taken(session, LawFirm.credit_code, data.credit_code, own):
        problems["credit_code"] = _l("Another law firm already has this code.")
    _check_lengths(LawFirm, data, problems)
    if problems:
        raise ValidationError(_l("Some values are not valid."), fields=problems)
    if firm is None:
        firm = LawFirm()
        session.add(firm)
    _apply(firm, data)
    session.flush()
    return firm


# --- advisors ----------------------------------------------------------------------


def clean_advisor(data: AdvisorData) -> AdvisorData:
    email = (data.email or "").strip().lower() or None
    return AdvisorData(
        name=data.name.strip(),
        law_firm_id=data.law_firm_id,
        licence_no=data.licence_no.strip(),
        appointed_on=data.appointed_on,
        phone=data.phone.strip(),
        email=email,
        appointment_ends_on=data.appointment_ends_on,
        specialties=data.specialties.strip(),
        is_active=data.is_active,
    )


def check_advisor(session: orm.Session, data: AdvisorData, own_id: int | None) -> dict[str, Any]:
    problems: dict[str, Any] = {}
    if not data.name:
        problems["name"] = _l("Required.")
    if session.get(LawFirm, data.law_firm_id) is None:
        problems["law_firm_id"] = _l("Choose a law firm from the list.")
    if not is_valid_licence_no(data.licence_no):
        problems["licence_no"] = _l("A practising licence number has 17 digits.")
    elif _taken(session, Advisor.licence_no, data.licence_no, own_id):
        problems["licence_no"] = _l("Another advisor already has this licence number.")
    if data.email and _taken(session, Advisor.email, data.email, own_id):
        problems["email"] = _l("Another advisor already has this e-mail.")
    if data.appointment_ends_on and data.appointment_ends_on < data.appointed_on:
        problems["appointment_ends_on"] = _l("The appointment cannot end before it starts.")
    _check_lengths(Advisor, data, problems)
    return problems


def save_advisor(
    session: orm.Session, data: AdvisorData, advisor: Advisor | None = None
) -> Advisor:
    """Create or update an advisor (licence numbers and e-mails are unique)."""
    data = clean_advisor(data)
    problems = check_advisor(session, data, advisor.id if advisor else None)
    if problems:
        raise ValidationError(_l("Some values are not valid."), fields=problems)
    if advisor is None:
        advisor = Advisor()
        session.add(advisor)
    _apply(advisor, data)
    session.flush()
    return advisor


# --- assignments -------------------------------------------------------------------


def assign_advisor(
    session: orm.Session,
    *,
    school: School,
    advisor: Advisor,
    kind: str,
    starts_on: date,
    actor: User | None,
    today: date,
) -> Assignment | None:
    """Make ``advisor`` the school's primary or backup advisor from ``starts_on``.

    The open assignment of that kind is closed the day before (or on the same day
    if it began that day), so the history of who served when is kept. Returns None
    when the advisor already holds that assignment. Raises ValidationError for a
    future start, a start before the current holder's, an inactive advisor, or the
    same advisor as both primary and backup.
    """
    if kind not in {k.value for k in AssignmentKind}:
        raise ValidationError(_l("Unknown assignment kind."), fields={"kind": _l("Choose one.")})
    if starts_on > today:
        raise ValidationError(
            _l("An assignment cannot start in the future."),
            fields={"starts_on": _l("Use today or an earlier date.")},
        )
    if not advisor.is_active:
        raise ValidationError(
            _l("This advisor is inactive."), fields={"advisor_id": _l("Choose an active advisor.")}
        )
    other_kind = AssignmentKind.BACKUP if kind == AssignmentKind.PRIMARY else AssignmentKind.PRIMARY
    other = open_assignment(session, school.id, other_kind)
    if other is not None and other.advisor_id == advisor.id:
        raise ValidationError(
            _l("The same advisor cannot be both primary and backup."),
            fields={"advisor_id": _l("Choose a different advisor.")},
        )
    current = open_assignment(session, school.id, kind)
    if current is not None:
        if current.advisor_id == advisor.id:
            return None
        if starts_on < current.starts_on:
            raise ValidationError(
                _l("The new assignment must start on or after the current one."),
                fields={"starts_on": _l("On or after %(d)s.", d=fmt_date(current.starts_on))},
            )
        current.ends_on = max(current.starts_on, starts_on - timedelta(days=1))
        session.flush()  # free the one-open-row-per-kind slot before adding the new row
    row = Assignment(
        school_id=school.id,
        advisor_id=advisor.id,
        kind=kind,
        starts_on=starts_on,
        created_by_id=actor.id if actor else None,
    )
    session.add(row)
    session.flush()
    return row


def end_backup(session: orm.Session, *, school: School, ends_on: date) -> None:
    """End the school's backup assignment; the primary cannot be ended, only replaced."""
    current = open_assignment(session, school.id, AssignmentKind.BACKUP)
    if current is None:
        raise Conflict(_l("This school has no backup advisor."))
    current.ends_on = max(current.starts_on, ends_on)
    session.flush()


# --- absences and conflicts of interest -------------------------------------------------


def add_absence(
    session: orm.Session,
    *,
    actor: User,
    advisor: Advisor,
    starts_on: date,
    ends_on: date,
    reason: str,
) -> Absence:
    """Record a period the advisor takes no new contracts; they go to the backup."""
    if not can_manage_advisor(actor, advisor):
        raise Forbidden(_l("You cannot record absences for this advisor."))
    if ends_on < starts_on:
        raise ValidationError(
            _l("The absence cannot end before it starts."),
            fields={"ends_on": _l("On or after the first day.")},
        )
    if problems := too_long({"reason": reason.strip()}, {"reason": LINE}):
        raise ValidationError(_l("Some values are not valid."), fields=problems)
    absence = Absence(
        advisor_id=advisor.id,
        starts_on=starts_on,
        ends_on=ends_on,
        reason=reason.strip(),
        created_by_id=actor.id,
    )
    session.add(absence)
    session.flush()
    return absence


def remove_absence(session: orm.Session, *, actor: User, advisor: Advisor, absence_id: int) -> None:
    if not can_manage_advisor(actor, advisor):
        raise Forbidden(_l("You cannot record absences for this advisor."))
    absence = session.get(Absence, absence_id)
    if absence is None or absence.advisor_id != advisor.id:
        raise NotFound(_l("No such absence."))
    session.delete(absence)
    session.flush()


def declare_conflict(
    session: orm.Session, *, actor: User, advisor: Advisor, organisation: str, note: str
) -> ConflictDeclaration:
    """Declare an organisation the advisor's firm acts for; its contracts go to the backup."""
    if not can_manage_advisor(actor, advisor):
        raise Forbidden(_l("You cannot declare conflicts for this advisor."))
    name = organisation.strip()
    if len(name) < 2:
        raise ValidationError(
            _l("Enter the organisation's name."), fields={"organisation": _l("Required.")}
        )
    texts = {"organisation": name, "note": note.strip()}
    if problems := too_long(texts, {"organisation": LINE, "note": LINE}):
        raise ValidationError(_l("Some values are not valid."), fields=problems)
    row = ConflictDeclaration(advisor_id=advisor.id, organisation=name, note=note.strip())
    session.add(row)
    session.flush()
    return row


def end_conflict(
    session: orm.Session, *, actor: User, advisor: Advisor, conflict_id: int, now: datetime
) -> None:
    if not can_manage_advisor(actor, advisor):
        raise Forbidden(_l("You cannot declare conflicts for this advisor."))
    row = session.get(ConflictDeclaration, conflict_id)
    if row is None or row.advisor_id != advisor.id:
        raise NotFound(_l("No such declaration."))
    row.ended_at = row.ended_at or now
    session.flush()
