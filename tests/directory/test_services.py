"""Directory services on the demo bureau: saving schools, firms, advisors; assignments."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy import orm
from sqlalchemy.exc import IntegrityError

from advisor.directory import services
from advisor.directory.models import Advisor, Assignment, AssignmentKind, LawFirm, School
from advisor.directory.queries import open_assignment
from advisor.directory.validation import credit_check_char
from advisor.errors import Conflict, ValidationError
from tests import factories
from tests.factories.people import bureau_user

APPOINTED = date(2025, 1, 1)  # the day every demo assignment starts
TODAY = date(2025, 6, 10)
PRIMARY = AssignmentKind.PRIMARY
BACKUP = AssignmentKind.BACKUP


def school(session: orm.Session, n: int) -> School:
    found = session.scalar(sa.select(School).where(School.code == f"WS{n:03d}"))
    assert found is not None
    return found


def advisor(session: orm.Session, n: int) -> Advisor:
    found = session.scalar(sa.select(Advisor).where(Advisor.email == f"advisor{n:02d}@demo.local"))
    assert found is not None
    return found


def rows(session: orm.Session, target: School, kind: str) -> list[Assignment]:
    return list(
        session.scalars(
            sa.select(Assignment)
            .where(Assignment.school_id == target.id, Assignment.kind == kind)
            .order_by(Assignment.starts_on, Assignment.id)
        )
    )


def holder(session: orm.Session, target: School, kind: str) -> int | None:
    """The advisor id of the school's open assignment of that kind."""
    row = open_assignment(session, target.id, kind)
    return row.advisor_id if row else None


def count(session: orm.Session, model: type) -> int:
    return session.scalar(sa.select(sa.func.count()).select_from(model)) or 0


def school_data(**changes: Any) -> services.SchoolData:
    return replace(
        services.SchoolData(code="T-NEW-1", name="测试新学校", level="primary"), **changes
    )


def advisor_data(session: orm.Session, **changes: Any) -> services.AdvisorData:
    firm_id = session.scalar(sa.select(sa.func.min(LawFirm.id)))
    assert firm_id is not None
    data = services.AdvisorData(
        name="测试律师",
        law_firm_id=firm_id,
        licence_no="99999000000000001",
        appointed_on=date(2025, 3, 1),
        email="new.lawyer@test.local",
    )
    return replace(data, **changes)


# --- the demo bureau as the tests assume it ----------------------------------------


def test_demo_bureau_is_as_described(session: orm.Session) -> None:
    assert count(session, LawFirm) == 5
    assert count(session, Advisor) == 35
    assert count(session, School) == 60
    assert holder(session, school(session, 36), PRIMARY) == advisor(session, 1).id
    assert open_assignment(session, school(session, 3).id, BACKUP) is not None
    assert open_assignment(session, school(session, 4).id, BACKUP) is None


# --- schools -----------------------------------------------------------------------


def test_save_school_creates_with_upper_cased_code(session: orm.Session) -> None:
    saved = services.save_school(session, school_data(code="  t-new-1 ", name=" 新学校 "))
    assert saved.id is not None
    assert saved.code == "T-NEW-1"
    assert saved.name == "新学校"
    assert session.scalar(sa.select(School.id).where(School.code == "T-NEW-1")) == saved.id


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"code": ""}, "code"),
        ({"code": "   "}, "code"),
        ({"name": ""}, "name"),
        ({"name": "  "}, "name"),
        ({"level": "university"}, "level"),
        ({"code": "X" * 33}, "code"),
    ],
    ids=["no code", "blank code", "no name", "blank name", "unknown level", "long code"],
)
def test_save_school_refuses_bad_values(
    session: orm.Session, changes: dict[str, Any], field: str
) -> None:
    before = count(session, School)
    with pytest.raises(ValidationError) as caught:
        services.save_school(session, school_data(**changes))
    assert set(caught.value.fields) == {field}
    assert count(session, School) == before


def test_save_school_reports_every_bad_field_at_once(session: orm.Session) -> None:
    with pytest.raises(ValidationError) as caught:
        services.save_school(session, school_data(code="", name="", level=""))
    assert set(caught.value.fields) == {"code", "name", "level"}


def test_save_school_refuses_a_taken_code_whatever_its_case(session: orm.Session) -> None:
    before = count(session, School)
    with pytest.raises(ValidationError) as caught:
        services.save_school(session, school_data(code="ws001"))
    assert set(caught.value.fields) == {"code"}
    assert count(session, School) == before


def test_save_school_may_keep_its_own_code(session: orm.Session) -> None:
    target = school(session, 1)
    saved = services.save_school(
        session,
        services.SchoolData(code="WS001", name="乌苏市第一中学（新校区）", level="senior"),
        target,
    )
    assert saved.id == target.id
    assert session.scalar(sa.select(School.name).where(School.code == "WS001")) == (
        "乌苏市第一中学（新校区）"
    )


def test_save_school_cannot_take_another_schools_code(session: orm.Session) -> None:
    with pytest.raises(ValidationError) as caught:
        services.save_school(
            session,
            services.SchoolData(code="WS002", name="乌苏市第一中学", level="senior"),
            school(session, 1),
        )
    assert "code" in caught.value.fields


# --- law firms ---------------------------------------------------------------------


def test_save_law_firm_refuses_a_bad_credit_code(session: orm.Session) -> None:
    before = count(session, LawFirm)
    with pytest.raises(ValidationError) as caught:
        services.save_law_firm(
            session, services.LawFirmData(name="新律所", credit_code="91350100M000100Y44")
        )
    assert set(caught.value.fields) == {"credit_code"}
    assert count(session, LawFirm) == before


def test_save_law_firm_refuses_full_width_digits_as_a_validation_error(
    session: orm.Session,
) -> None:
    # Digits typed with a Chinese IME must come back as a field error, not a crash (500).
    with pytest.raises(ValidationError) as caught:
        services.save_law_firm(
            session, services.LawFirmData(name="新律所", credit_code="91３50100M000100Y43")
        )
    assert set(caught.value.fields) == {"credit_code"}


def test_save_law_firm_stores_a_lower_case_code_upper_cased(session: orm.Session) -> None:
    firm = services.save_law_firm(
        session, services.LawFirmData(name="新律所", credit_code=" 91350100m000100y43 ")
    )
    assert firm.credit_code == "91350100M000100Y43"


def test_save_law_firm_refuses_a_taken_name_and_code(session: orm.Session) -> None:
    first17 = "31654202MD0000001"
    with pytest.raises(ValidationError) as caught:
        services.save_law_firm(
            session,
            services.LawFirmData(
                name="新疆天山律师事务所", credit_code=first17 + credit_check_char(first17)
            ),
        )
    assert set(caught.value.fields) == {"name", "credit_code"}


# --- advisors ----------------------------------------------------------------------


def test_save_advisor_creates_with_lower_cased_email(session: orm.Session) -> None:
    saved = services.save_advisor(session, advisor_data(session, email=" New.Lawyer@TEST.local "))
    assert saved.email == "new.lawyer@test.local"
    assert saved.licence_no == "99999000000000001"


@pytest.mark.parametrize(
    "licence", ["1234", "9999900000000000A", "999990000000000011"], ids=["short", "letter", "long"]
)
def test_save_advisor_refuses_a_bad_licence(session: orm.Session, licence: str) -> None:
    before = count(session, Advisor)
    with pytest.raises(ValidationError) as caught:
        services.save_advisor(session, advisor_data(session, licence_no=licence))
    assert set(caught.value.fields) == {"licence_no"}
    assert count(session, Advisor) == before


def test_save_advisor_refuses_a_taken_licence(session: orm.Session) -> None:
    taken = advisor(session, 1).licence_no
    with pytest.raises(ValidationError) as caught:
        services.save_advisor(session, advisor_data(session, licence_no=taken))
    assert set(caught.value.fields) == {"licence_no"}


def test_save_advisor_refuses_a_taken_email_whatever_its_case(session: orm.Session) -> None:
    before = count(session, Advisor)
    with pytest.raises(ValidationError) as caught:
        services.save_advisor(session, advisor_data(session, email="ADVISOR01@demo.local"))
    assert set(caught.value.fields) == {"email"}
    assert count(session, Advisor) == before


def test_save_advisor_refuses_an_appointment_ending_before_it_starts(
    session: orm.Session,
) -> None:
    with pytest.raises(ValidationError) as caught:
        services.save_advisor(
            session,
            advisor_data(
                session, appointed_on=date(2025, 3, 1), appointment_ends_on=date(2025, 2, 28)
            ),
        )
    assert set(caught.value.fields) == {"appointment_ends_on"}


def test_save_advisor_allows_a_one_day_appointment(session: orm.Session) -> None:
    saved = services.save_advisor(
        session,
        advisor_data(session, appointed_on=date(2025, 3, 1), appointment_ends_on=date(2025, 3, 1)),
    )
    assert saved.appointment_ends_on == date(2025, 3, 1)


def test_save_advisor_refuses_an_unknown_law_firm(session: orm.Session) -> None:
    with pytest.raises(ValidationError) as caught:
        services.save_advisor(session, advisor_data(session, law_firm_id=999_999))
    assert set(caught.value.fields) == {"law_firm_id"}


def test_save_advisor_may_keep_its_own_licence_and_email(session: orm.Session) -> None:
    target = advisor(session, 1)
    saved = services.save_advisor(
        session,
        services.AdvisorData(
            name="张伟",
            law_firm_id=target.law_firm_id,
            licence_no=target.licence_no,
            appointed_on=target.appointed_on,
            email="advisor01@demo.local",
            phone="13800000000",
        ),
        target,
    )
    assert saved.id == target.id
    assert saved.phone == "13800000000"


# --- assignments -------------------------------------------------------------------


def test_reassigning_the_primary_closes_the_old_row_and_keeps_history(
    session: orm.Session,
) -> None:
    ws001, old, new = school(session, 1), advisor(session, 1), advisor(session, 2)
    actor = bureau_user(session)
    starts = date(2025, 6, 1)

    row = services.assign_advisor(
        session, school=ws001, advisor=new, kind=PRIMARY, starts_on=starts, actor=actor, today=TODAY
    )

    assert row is not None
    history = rows(session, ws001, PRIMARY)
    assert [(r.advisor_id, r.starts_on, r.ends_on) for r in history] == [
        (old.id, APPOINTED, starts - timedelta(days=1)),
        (new.id, starts, None),
    ]
    assert history[1].id == row.id
    assert row.created_by_id == actor.id
    assert holder(session, ws001, PRIMARY) == new.id


def test_reassigning_on_the_holders_first_day_closes_it_that_day(session: orm.Session) -> None:
    ws001 = school(session, 1)
    services.assign_advisor(
        session,
        school=ws001,
        advisor=advisor(session, 2),
        kind=PRIMARY,
        starts_on=APPOINTED,
        actor=None,
        today=TODAY,
    )
    history = rows(session, ws001, PRIMARY)
    assert [(r.starts_on, r.ends_on) for r in history] == [
        (APPOINTED, APPOINTED),
        (APPOINTED, None),
    ]


def test_reassigning_the_primary_leaves_the_backup_alone(session: orm.Session) -> None:
    ws003 = school(session, 3)
    backup_before = open_assignment(session, ws003.id, BACKUP)
    assert backup_before is not None
    services.assign_advisor(
        session,
        school=ws003,
        advisor=advisor(session, 10),
        kind=PRIMARY,
        starts_on=TODAY,
        actor=None,
        today=TODAY,
    )
    assert open_assignment(session, ws003.id, BACKUP) is backup_before
    assert backup_before.ends_on is None


def test_assigning_the_current_holder_again_changes_nothing(session: orm.Session) -> None:
    ws001 = school(session, 1)
    before = count(session, Assignment)
    result = services.assign_advisor(
        session,
        school=ws001,
        advisor=advisor(session, 1),
        kind=PRIMARY,
        starts_on=TODAY,
        actor=None,
        today=TODAY,
    )
    assert result is None
    assert count(session, Assignment) == before
    assert [r.ends_on for r in rows(session, ws001, PRIMARY)] == [None]


def test_a_future_start_is_refused(session: orm.Session) -> None:
    ws001 = school(session, 1)
    with pytest.raises(ValidationError) as caught:
        services.assign_advisor(
            session,
            school=ws001,
            advisor=advisor(session, 2),
            kind=PRIMARY,
            starts_on=TODAY + timedelta(days=1),
            actor=None,
            today=TODAY,
        )
    assert set(caught.value.fields) == {"starts_on"}
    assert [(r.advisor_id, r.ends_on) for r in rows(session, ws001, PRIMARY)] == [
        (advisor(session, 1).id, None)
    ]


def test_a_start_before_the_current_holders_start_is_refused(session: orm.Session) -> None:
    ws001 = school(session, 1)
    before = count(session, Assignment)
    with pytest.raises(ValidationError) as caught:
        services.assign_advisor(
            session,
            school=ws001,
            advisor=advisor(session, 2),
            kind=PRIMARY,
            starts_on=APPOINTED - timedelta(days=1),
            actor=None,
            today=TODAY,
        )
    assert set(caught.value.fields) == {"starts_on"}
    assert count(session, Assignment) == before
    assert rows(session, ws001, PRIMARY)[0].ends_on is None


def test_an_inactive_advisor_is_refused(session: orm.Session) -> None:
    inactive = advisor(session, 2)
    inactive.is_active = False
    session.flush()
    before = count(session, Assignment)
    with pytest.raises(ValidationError) as caught:
        services.assign_advisor(
            session,
            school=school(session, 4),
            advisor=inactive,
            kind=BACKUP,
            starts_on=TODAY,
            actor=None,
            today=TODAY,
        )
    assert set(caught.value.fields) == {"advisor_id"}
    assert count(session, Assignment) == before


def test_the_primary_cannot_also_be_the_backup(session: orm.Session) -> None:
    ws004 = school(session, 4)  # primary advisor04, no backup
    with pytest.raises(ValidationError) as caught:
        services.assign_advisor(
            session,
            school=ws004,
            advisor=advisor(session, 4),
            kind=BACKUP,
            starts_on=TODAY,
            actor=None,
            today=TODAY,
        )
    assert set(caught.value.fields) == {"advisor_id"}
    assert rows(session, ws004, BACKUP) == []


def test_the_backup_cannot_also_be_the_primary(session: orm.Session) -> None:
    ws003 = school(session, 3)
    backup = open_assignment(session, ws003.id, BACKUP)
    assert backup is not None
    with pytest.raises(ValidationError) as caught:
        services.assign_advisor(
            session,
            school=ws003,
            advisor=backup.advisor,
            kind=PRIMARY,
            starts_on=TODAY,
            actor=None,
            today=TODAY,
        )
    assert set(caught.value.fields) == {"advisor_id"}
    assert len(rows(session, ws003, PRIMARY)) == 1


def test_an_unknown_kind_is_refused(session: orm.Session) -> None:
    with pytest.raises(ValidationError) as caught:
        services.assign_advisor(
            session,
            school=school(session, 4),
            advisor=advisor(session, 9),
            kind="deputy",
            starts_on=TODAY,
            actor=None,
            today=TODAY,
        )
    assert set(caught.value.fields) == {"kind"}


def test_a_first_backup_is_added(session: orm.Session) -> None:
    ws004 = school(session, 4)
    row = services.assign_advisor(
        session,
        school=ws004,
        advisor=advisor(session, 9),
        kind=BACKUP,
        starts_on=TODAY,
        actor=None,
        today=TODAY,
    )
    assert row is not None
    assert [(r.advisor_id, r.starts_on, r.ends_on) for r in rows(session, ws004, BACKUP)] == [
        (advisor(session, 9).id, TODAY, None)
    ]


def test_a_new_school_gets_its_first_primary(session: orm.Session) -> None:
    new = factories.create_school(session)
    row = services.assign_advisor(
        session,
        school=new,
        advisor=advisor(session, 5),
        kind=PRIMARY,
        starts_on=TODAY,
        actor=None,
        today=TODAY,
    )
    assert row is not None and row.school_id == new.id and row.ends_on is None


# --- ending the backup -------------------------------------------------------------


def test_end_backup_closes_the_open_backup_only(session: orm.Session) -> None:
    ws003 = school(session, 3)
    primary = open_assignment(session, ws003.id, PRIMARY)
    services.end_backup(session, school=ws003, ends_on=TODAY)
    assert open_assignment(session, ws003.id, BACKUP) is None
    assert [r.ends_on for r in rows(session, ws003, BACKUP)] == [TODAY]
    assert open_assignment(session, ws003.id, PRIMARY) is primary


def test_end_backup_never_ends_before_it_started(session: orm.Session) -> None:
    ws003 = school(session, 3)
    services.end_backup(session, school=ws003, ends_on=APPOINTED - timedelta(days=30))
    assert [r.ends_on for r in rows(session, ws003, BACKUP)] == [APPOINTED]


def test_end_backup_without_a_backup_is_a_conflict(session: orm.Session) -> None:
    with pytest.raises(Conflict):
        services.end_backup(session, school=school(session, 4), ends_on=TODAY)


def test_a_new_backup_may_follow_an_ended_one(session: orm.Session) -> None:
    ws003 = school(session, 3)
    services.end_backup(session, school=ws003, ends_on=date(2025, 5, 31))
    services.assign_advisor(
        session,
        school=ws003,
        advisor=advisor(session, 9),
        kind=BACKUP,
        starts_on=TODAY,
        actor=None,
        today=TODAY,
    )
    assert [r.ends_on for r in rows(session, ws003, BACKUP)] == [date(2025, 5, 31), None]


# --- the database's own guard ------------------------------------------------------


def test_the_database_refuses_two_open_primaries_for_one_school(session: orm.Session) -> None:
    new = factories.create_school(session)
    a, b = advisor(session, 1), advisor(session, 2)
    session.add(Assignment(school_id=new.id, advisor_id=a.id, kind=PRIMARY, starts_on=TODAY))
    session.flush()
    with pytest.raises(IntegrityError) as caught, session.begin_nested():
        session.add(Assignment(school_id=new.id, advisor_id=b.id, kind=PRIMARY, starts_on=TODAY))
        session.flush()
    message = str(caught.value.orig)
    assert "uq_assignment_open_school_kind" in message or "assignment.school_id" in message
    # The savepoint rolled back; the first row is still there and still the only one.
    assert [r.advisor_id for r in rows(session, new, PRIMARY)] == [a.id]


def test_the_unique_index_only_covers_open_rows(session: orm.Session) -> None:
    new = factories.create_school(session)
    a, b, c = advisor(session, 1), advisor(session, 2), advisor(session, 3)
    session.add_all(
        [
            Assignment(
                school_id=new.id,
                advisor_id=a.id,
                kind=PRIMARY,
                starts_on=APPOINTED,
                ends_on=date(2025, 3, 31),
            ),
            Assignment(
                school_id=new.id,
                advisor_id=b.id,
                kind=PRIMARY,
                starts_on=APPOINTED,
                ends_on=date(2025, 5, 31),
            ),
            Assignment(school_id=new.id, advisor_id=c.id, kind=PRIMARY, starts_on=TODAY),
            Assignment(school_id=new.id, advisor_id=a.id, kind=BACKUP, starts_on=TODAY),
        ]
    )
    session.flush()
    assert len(rows(session, new, PRIMARY)) == 3
    assert len(rows(session, new, BACKUP)) == 1
