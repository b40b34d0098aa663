"""Contract services on the demo bureau: transitions and locking, routing, due dates,
versions, withdrawal, reassignment, downloads, and the scoped list queries."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime
from decimal import Decimal
from functools import partial
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask
from sqlalchemy import orm
from sqlalchemy.orm.exc import StaleDataError

from advisor.accounts.models import Notification, User
from advisor.contracts import calendar as bureau_calendar
from advisor.contracts import queries, routing, services
from advisor.contracts.models import Contract, ContractEvent, ContractVersion, Status
from advisor.contracts.workflow import TRANSITIONS, Action, roles_for
from advisor.db import paginate
from advisor.directory import services as directory
from advisor.directory.models import Advisor
from advisor.errors import Conflict, Forbidden, ValidationError
from advisor.extensions import db
from tests.factories.contracts import (
    contract_data,
    file_store,
    submit_contract,
    submit_revision,
    upload,
)
from tests.factories.people import advisor_user, bureau_user, school_user, user

NOW = datetime(2025, 9, 30, 2, 0, tzinfo=UTC)


# --- helpers ----------------------------------------------------------------------------


def advisor(session: orm.Session, n: int) -> Advisor:
    found = session.get(Advisor, n)
    assert found is not None
    return found


Submit = Callable[..., Contract]


@pytest.fixture()
def submit(app: Flask, session: orm.Session) -> Submit:
    """Submit a contract as school ``school`` on ``today`` (default 2025-09-30)."""
    return partial(submit_contract, app, session, today=date(2025, 9, 30))


def events(session: orm.Session, contract: Contract) -> list[ContractEvent]:
    return list(
        session.scalars(
            sa.select(ContractEvent)
            .where(ContractEvent.contract_id == contract.id)
            .order_by(ContractEvent.id)
        )
    )


def notifications(session: orm.Session, email: str, kind: str) -> list[Notification]:
    return list(
        session.scalars(
            sa.select(Notification)
            .join(User, User.id == Notification.user_id)
            .where(User.email == email, Notification.kind == kind)
            .order_by(Notification.id)
        )
    )


def contract_count(session: orm.Session) -> int:
    return session.scalar(sa.select(sa.func.count(Contract.id))) or 0


def sample(session: orm.Session, contract_id: int = 1) -> Contract:
    """Contract 1 (school01 → advisor01) or 2 (school02 → advisor02), both submitted."""
    found = session.get(Contract, contract_id)
    assert found is not None
    assert found.status == Status.SUBMITTED
    return found


def actor_for(session: orm.Session, contract: Contract, action: str) -> User:
    """The user whose role takes ``action`` and who holds or owns the contract."""
    if "advisor" in roles_for(action):
        return advisor_user(session, contract.advisor_id)
    return school_user(session, contract.school_id)


def drive(session: orm.Session, contract: Contract, *actions: Action) -> None:
    for action in actions:
        services.transition(
            session,
            actor=actor_for(session, contract, action),
            contract=contract,
            action=action,
            now=NOW,
        )


A = Action
PATH_TO = {
    Status.SUBMITTED: (),
    Status.IN_REVIEW: (A.START,),
    Status.RETURNED: (A.START, A.RETURN),
    Status.REVIEWED: (A.START, A.ISSUE),
    Status.CLOSED: (A.START, A.ISSUE, A.CLOSE),
    Status.WITHDRAWN: (A.WITHDRAW,),
}


# --- transitions ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("status", "action"), list(TRANSITIONS), ids=[f"{s}-{a}" for s, a in TRANSITIONS]
)
def test_allowed_transitions_move_and_write_an_event(
    session: orm.Session, status: Status, action: Action
) -> None:
    contract = sample(session)
    drive(session, contract, *PATH_TO[status])
    assert contract.status == status
    lock = contract.lock_version
    actor = actor_for(session, contract, action)
    target = services.transition(
        session, actor=actor, contract=contract, action=action, now=NOW, why="test"
    )
    assert target == TRANSITIONS[(status, action)].to
    session.expire_all()
    contract = session.get(Contract, 1)
    assert contract is not None
    assert contract.status == target
    assert contract.lock_version == lock + 1
    last = events(session, contract)[-1]
    assert (last.action, last.from_status, last.to_status) == (action, status, target)
    assert last.actor_id == actor.id
    assert last.detail == {"why": "test"}
    assert last.at.replace(tzinfo=UTC) == NOW


REFUSED = [
    (status, action)
    for status in Status
    for action in Action
    if (status, action) not in TRANSITIONS
]


@pytest.mark.parametrize(("status", "action"), REFUSED, ids=[f"{s}-{a}" for s, a in REFUSED])
def test_refused_transitions_are_a_conflict_naming_the_status(
    session: orm.Session, status: Status, action: Action
) -> None:
    contract = sample(session)
    drive(session, contract, *PATH_TO[status])
    before = len(events(session, contract))
    with pytest.raises(Conflict) as caught:
        services.transition(
            session,
            actor=actor_for(session, contract, action),
            contract=contract,
            action=action,
            now=NOW,
        )
    label = str(services.STATUS_LABELS[status])
    assert label in caught.value.message
    assert caught.value.fields == {"status": status}
    assert contract.status == status
    assert len(events(session, contract)) == before


@pytest.mark.parametrize(
    ("email", "action"),
    [
        ("bureau@demo.local", A.START),  # the bureau takes no workflow action
        ("school01@demo.local", A.START),  # a school cannot start a review
        ("advisor01@demo.local", A.WITHDRAW),  # nor an advisor withdraw
        ("advisor02@demo.local", A.START),  # another advisor's contract
        ("advisor20@demo.local", A.START),
        ("school02@demo.local", A.WITHDRAW),  # another school's contract
    ],
)
def test_wrong_role_or_someone_elses_contract_is_forbidden(
    session: orm.Session, email: str, action: Action
) -> None:
    contract = sample(session)
    with pytest.raises(Forbidden):
        services.check_transition(user(session, email), contract, action)
    with pytest.raises(Forbidden):
        services.transition(
            session, actor=user(session, email), contract=contract, action=action, now=NOW
        )
    assert contract.status == Status.SUBMITTED


def test_a_stale_lock_version_is_a_conflict(session: orm.Session) -> None:
    contract = sample(session)
    old = contract.lock_version
    contract.note = "学校补充了说明"
    session.flush()
    assert contract.lock_version == old + 1
    with pytest.raises(Conflict) as caught:
        services.transition(
            session,
            actor=advisor_user(session, 1),
            contract=contract,
            action=A.START,
            now=NOW,
            lock_version=old,
        )
    assert "changed by someone else" in caught.value.message
    assert str(services.STATUS_LABELS[Status.SUBMITTED]) in caught.value.message
    assert contract.status == Status.SUBMITTED
    # The current lock version passes.
    services.transition(
        session,
        actor=advisor_user(session, 1),
        contract=contract,
        action=A.START,
        now=NOW,
        lock_version=old + 1,
    )
    assert contract.status == Status.IN_REVIEW


def test_two_sessions_cannot_both_transition(app: Flask) -> None:
    """Two tabs load the same contract; the second flush finds the row changed."""
    with app.app_context():
        maker = db.sessionmaker
    first, second = maker(), maker()
    try:
        one = first.get(Contract, 1)
        two = second.get(Contract, 1)
        assert one is not None and two is not None
        assert one.lock_version == two.lock_version
        services.transition(
            first,
            actor=school_user(first, 1),
            contract=one,
            action=A.WITHDRAW,
            now=NOW,
            reason="不再需要",
        )
        with pytest.raises(StaleDataError):
            services.transition(
                second, actor=advisor_user(second, 1), contract=two, action=A.START, now=NOW
            )
        second.rollback()
    finally:
        second.close()
        first.close()


# --- routing ----------------------------------------------------------------------------


def test_a_new_contract_goes_to_the_primary(session: orm.Session, submit: Submit) -> None:
    contract = submit(3, title="教学楼维修合同")
    assert contract.advisor_id == 3  # WS003: primary advisor03, backup advisor20
    assert contract.status == Status.SUBMITTED
    assert [e.action for e in events(session, contract)] == ["submit"]
    submitted = events(session, contract)[0]
    assert submitted.to_status == Status.SUBMITTED
    assert submitted.detail["advisor_id"] == 3
    notice = notifications(session, "advisor03@demo.local", "new_contract")
    assert [n.params["title"] for n in notice] == ["教学楼维修合同"]
    assert notice[0].link == f"/contracts/{contract.id}"
    assert notifications(session, "advisor20@demo.local", "new_contract") == []
    assert notifications(session, "bureau@demo.local", "routed_absent") == []


def test_primary_absent_today_goes_to_the_backup(session: orm.Session, submit: Submit) -> None:
    directory.add_absence(
        session,
        actor=advisor_user(session, 3),
        advisor=advisor(session, 3),
        starts_on=date(2025, 9, 29),
        ends_on=date(2025, 9, 30),
        reason="出差",
    )
    contract = submit(3, title="校服采购合同")
    assert contract.advisor_id == 20
    routed = [e for e in events(session, contract) if e.action == "route_backup"]
    assert len(routed) == 1
    assert routed[0].detail == {"reason": "absent", "advisor_id": 20}
    told = notifications(session, "bureau@demo.local", "routed_absent")
    assert len(told) == 1
    assert told[0].params["advisor"] == advisor(session, 20).name
    assert told[0].params["title"] == "校服采购合同"
    assert notifications(session, "advisor20@demo.local", "new_contract")
    assert notifications(session, "advisor03@demo.local", "new_contract") == []


def test_an_absence_that_ended_yesterday_does_not_count(
    session: orm.Session, submit: Submit
) -> None:
    directory.add_absence(
        session,
        actor=bureau_user(session),
        advisor=advisor(session, 3),
        starts_on=date(2025, 9, 1),
        ends_on=date(2025, 9, 29),
        reason="休假",
    )
    assert submit(3, today=date(2025, 9, 30)).advisor_id == 3
    assert submit(3, today=date(2025, 9, 29)).advisor_id == 20


def test_an_inactive_primary_is_passed_over(session: orm.Session, submit: Submit) -> None:
    advisor(session, 3).is_active = False
    session.flush()
    assert submit(3).advisor_id == 20


@pytest.mark.parametrize(
    ("declared", "counterparty"),
    [
        ("丰收食品", "乌苏市丰收食品有限公司"),  # declared name inside the counterparty
        ("乌苏市丰收食品有限公司（新疆）分公司", "丰收食品有限公司"),  # the other way round
        ("乌苏市 丰收食品·有限公司", "乌苏市丰收食品有限公司"),  # spaces and punctuation
        ("Tianshan Foods Co., Ltd.", "TIANSHAN FOODS CO LTD"),  # case and punctuation
    ],
)
def test_a_conflict_of_the_primary_goes_to_the_backup(
    session: orm.Session, submit: Submit, declared: str, counterparty: str
) -> None:
    directory.declare_conflict(
        session,
        actor=advisor_user(session, 3),
        advisor=advisor(session, 3),
        organisation=declared,
        note="本所常年法律顾问单位",
    )
    contract = submit(3, counterparty=counterparty)
    assert contract.advisor_id == 20
    routed = [e for e in events(session, contract) if e.action == "route_backup"]
    assert [e.detail["reason"] for e in routed] == ["conflict"]
    told = notifications(session, "bureau@demo.local", "routed_conflict")
    assert len(told) == 1 and told[0].link == f"/contracts/{contract.id}"


@pytest.mark.parametrize("counterparty", ["乌苏市天山物业服务有限公司", "丰收"])
def test_an_unrelated_counterparty_stays_with_the_primary(
    session: orm.Session, submit: Submit, counterparty: str
) -> None:
    directory.declare_conflict(
        session,
        actor=bureau_user(session),
        advisor=advisor(session, 3),
        organisation="乌苏市丰收食品有限公司",
        note="",
    )
    # "丰收" alone is contained in the declaration, so it does count: only the first stays.
    expected = 20 if counterparty == "丰收" else 3
    assert submit(3, counterparty=counterparty).advisor_id == expected


def test_a_conflict_of_another_advisor_does_not_matter(
    session: orm.Session, submit: Submit
) -> None:
    directory.declare_conflict(
        session,
        actor=bureau_user(session),
        advisor=advisor(session, 4),
        organisation="丰收食品",
        note="",
    )
    assert submit(3).advisor_id == 3


def test_no_usable_advisor_is_refused_and_the_bureau_is_told(
    session: orm.Session, submit: Submit
) -> None:
    """WS001 has no backup: with its primary absent nobody can take the contract. The
    service refuses; the caller rolls back and then writes the bureau's notice."""
    directory.add_absence(
        session,
        actor=bureau_user(session),
        advisor=advisor(session, 1),
        starts_on=date(2025, 9, 30),
        ends_on=date(2025, 10, 10),
        reason="病假",
    )
    before = contract_count(session)
    with pytest.raises(routing.NoAdvisorAvailable) as caught:
        submit(1, title="无人可审的合同")
    assert isinstance(caught.value, Conflict)
    assert "No advisor can take this contract" in caught.value.message
    assert contract_count(session) == before
    routing.report_no_advisor(session, caught.value)
    told = notifications(session, "bureau@demo.local", "no_advisor")
    assert len(told) == 1
    assert told[0].params == {"school": "乌苏市第一中学", "counterparty": "乌苏市丰收食品有限公司"}
    assert told[0].link == "/schools/1"


def test_backup_absent_too_is_refused(session: orm.Session, submit: Submit) -> None:
    for n in (3, 20):
        directory.add_absence(
            session,
            actor=bureau_user(session),
            advisor=advisor(session, n),
            starts_on=date(2025, 9, 30),
            ends_on=date(2025, 9, 30),
            reason="培训",
        )
    with pytest.raises(Conflict):
        submit(3)


def test_primary_absent_and_backup_in_conflict_is_refused(
    session: orm.Session, submit: Submit
) -> None:
    directory.add_absence(
        session,
        actor=bureau_user(session),
        advisor=advisor(session, 3),
        starts_on=date(2025, 9, 30),
        ends_on=date(2025, 9, 30),
        reason="培训",
    )
    directory.declare_conflict(
        session,
        actor=bureau_user(session),
        advisor=advisor(session, 20),
        organisation="丰收食品",
        note="",
    )
    with pytest.raises(Conflict):
        submit(3)


def test_only_a_school_submits(app: Flask, session: orm.Session) -> None:
    for actor in (advisor_user(session, 1), bureau_user(session)):
        with pytest.raises(Forbidden):
            services.submit_contract(
                session,
                actor=actor,
                data=contract_data(),
                upload=upload(),
                store=file_store(app),
                today=date(2025, 9, 30),
                now=NOW,
            )


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"title": "  "}, "title"),
        ({"title": "合" * 201}, "title"),
        ({"counterparty": ""}, "counterparty"),
        ({"contract_type": "boat"}, "contract_type"),
        ({"amount": Decimal("-0.01")}, "amount"),
        ({"end_on": date(2025, 9, 30)}, "end_date"),
        ({"note": "x" * 2001}, "note"),
    ],
)
def test_bad_values_are_refused_by_field(
    session: orm.Session, submit: Submit, changes: dict[str, Any], field: str
) -> None:
    before = contract_count(session)
    with pytest.raises(ValidationError) as caught:
        submit(3, **changes)
    assert set(caught.value.fields) == {field}
    assert contract_count(session) == before


# --- due dates --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("today", "urgent", "due"),
    [
        (date(2025, 9, 30), False, date(2025, 10, 14)),  # DOMAIN.md: over National Day
        (date(2025, 9, 26), False, date(2025, 10, 10)),  # Sunday 09-28 is a working day
        (date(2025, 9, 30), True, date(2025, 10, 10)),  # urgent: 2 working days
        (date(2025, 6, 5), False, date(2025, 6, 12)),  # nationally, without Xinjiang's days
    ],
)
def test_due_date_on_submission(
    session: orm.Session, submit: Submit, today: date, urgent: bool, due: date
) -> None:
    contract = submit(3, today=today, is_urgent=urgent)
    assert contract.due_on == due
    assert contract.days_left is None
    submitted = events(session, contract)[0]
    assert submitted.detail["days"] == (2 if urgent else 5)
    assert submitted.detail["due_on"] == due.isoformat()


def test_the_bureaus_time_limit_for_a_type_is_used(session: orm.Session, submit: Submit) -> None:
    bureau_calendar.set_time_limits(session, [("construction", 10, 3)])
    assert submit(3, contract_type="construction").due_on == date(2025, 10, 21)
    assert submit(3, contract_type="construction", is_urgent=True).due_on == date(2025, 10, 11)
    assert submit(3, contract_type="catering").due_on == date(2025, 10, 14)  # default 5


def test_time_limits_are_checked(session: orm.Session) -> None:
    with pytest.raises(ValidationError) as caught:
        bureau_calendar.set_time_limits(
            session, [("lease", 0, 1), ("uniform", 61, 2), ("service", 3, 4)]
        )
    assert set(caught.value.fields) == {"lease", "uniform", "service"}
    assert bureau_calendar.time_limits(session)["lease"] == (5, 2)


def test_xinjiang_rest_days_entered_by_the_bureau(session: orm.Session, submit: Submit) -> None:
    for day in range(6, 11):
        bureau_calendar.set_day(session, date(2025, 6, day), "rest", "古尔邦节")
    assert submit(3, today=date(2025, 6, 5)).due_on == date(2025, 6, 17)


def test_an_extra_working_day_entered_by_the_bureau(session: orm.Session, submit: Submit) -> None:
    bureau_calendar.set_day(session, date(2025, 10, 4), "work", "补班")
    assert submit(3, today=date(2025, 9, 30)).due_on == date(2025, 10, 13)


def return_for_changes(session: orm.Session, contract: Contract, today: date) -> None:
    services.transition(
        session,
        actor=advisor_user(session, contract.advisor_id),
        contract=contract,
        action=A.RETURN,
        now=NOW,
    )
    services.stop_clock(session, contract, today)


def test_the_clock_stops_while_returned(app: Flask, session: orm.Session, submit: Submit) -> None:
    contract = submit(3, today=date(2025, 9, 30))  # due 2025-10-14
    drive(session, contract, A.START)
    return_for_changes(session, contract, date(2025, 10, 10))
    # Left after 10-10: Saturday 10-11 (a working day), 10-13, 10-14.
    assert contract.status == Status.RETURNED
    assert contract.days_left == 3
    submit_revision(app, session, contract, today=date(2025, 10, 20))
    assert contract.status == Status.SUBMITTED
    assert contract.due_on == date(2025, 10, 23)  # three working days after 10-20
    assert contract.days_left is None


def test_a_return_after_the_due_date_still_leaves_one_day(
    app: Flask, session: orm.Session, submit: Submit
) -> None:
    contract = submit(3, today=date(2025, 9, 30))
    drive(session, contract, A.START)
    return_for_changes(session, contract, date(2025, 10, 20))
    assert contract.days_left == 0
    submit_revision(app, session, contract, today=date(2025, 10, 21))
    assert contract.due_on == date(2025, 10, 22)


def test_a_revision_after_an_opinion_gets_a_fresh_period(
    app: Flask, session: orm.Session, submit: Submit
) -> None:
    contract = submit(3, today=date(2025, 9, 30), is_urgent=True)
    drive(session, contract, A.START, A.ISSUE)
    submit_revision(app, session, contract, today=date(2025, 10, 20))
    assert contract.status == Status.SUBMITTED
    assert contract.due_on == date(2025, 10, 22)  # urgent: 2 fresh working days


def test_a_second_return_continues_from_the_new_due_date(
    app: Flask, session: orm.Session, submit: Submit
) -> None:
    contract = submit(3, today=date(2025, 9, 30))
    drive(session, contract, A.START)
    return_for_changes(session, contract, date(2025, 10, 10))
    submit_revision(app, session, contract, today=date(2025, 10, 20))  # due 10-23
    drive(session, contract, A.START)
    return_for_changes(session, contract, date(2025, 10, 22))
    assert contract.days_left == 1
    submit_revision(app, session, contract, today=date(2025, 10, 24), lines=["第三稿"])
    assert contract.due_on == date(2025, 10, 27)


def test_versions_are_numbered_and_kept(app: Flask, session: orm.Session, submit: Submit) -> None:
    contract = submit(3)
    drive(session, contract, A.START)
    return_for_changes(session, contract, date(2025, 10, 9))
    second = submit_revision(
        app, session, contract, today=date(2025, 10, 13), lines=["第二稿"], note="按意见修改"
    )
    drive(session, contract, A.START, A.ISSUE)
    third = submit_revision(app, session, contract, today=date(2025, 10, 20), lines=["第三稿"])
    session.expire_all()
    rows = session.scalars(
        sa.select(ContractVersion)
        .where(ContractVersion.contract_id == contract.id)
        .order_by(ContractVersion.number)
    ).all()
    assert [v.number for v in rows] == [1, 2, 3]
    assert (second.number, third.number) == (2, 3)
    assert len({v.sha256 for v in rows}) == 3
    assert [queries.version_text(session, v)[0].splitlines()[0] for v in rows] == [
        "食堂食材采购合同",
        "第二稿",
        "第三稿",
    ]
    assert rows[1].file_name == "合同（修改稿）.pdf" and rows[1].note == "按意见修改"
    for v in rows:
        assert file_store(app).exists(v.sha256)
    assert [e.action for e in events(session, contract)] == [
        "submit",
        "start",
        "return",
        "revise",
        "start",
        "issue",
        "revise",
    ]
    told = notifications(session, "advisor03@demo.local", "revision")
    assert [n.params["number"] for n in told] == [2, 3]


@pytest.mark.parametrize("status", [Status.SUBMITTED, Status.IN_REVIEW, Status.WITHDRAWN])
def test_no_revision_in_the_wrong_status(
    app: Flask, session: orm.Session, submit: Submit, status: Status
) -> None:
    contract = submit(3)
    drive(session, contract, *PATH_TO[status])
    due = contract.due_on
    with pytest.raises(Conflict):
        submit_revision(app, session, contract, today=date(2025, 10, 20))
    assert contract.status == status
    assert contract.due_on == due
    count = session.scalar(
        sa.select(sa.func.count(ContractVersion.id)).where(
            ContractVersion.contract_id == contract.id
        )
    )
    assert count == 1


def test_another_school_cannot_revise(app: Flask, session: orm.Session, submit: Submit) -> None:
    contract = submit(3)
    drive(session, contract, A.START, A.ISSUE)
    with pytest.raises(Forbidden):
        services.submit_revision(
            session,
            actor=school_user(session, 4),
            contract=contract,
            upload=upload(),
            note="",
            store=file_store(app),
            today=date(2025, 10, 20),
            now=NOW,
        )
    assert contract.status == Status.REVIEWED


def test_a_revision_on_a_stale_lock_version_is_refused(
    app: Flask, session: orm.Session, submit: Submit
) -> None:
    contract = submit(3)
    drive(session, contract, A.START)
    old = contract.lock_version
    return_for_changes(session, contract, date(2025, 10, 9))
    with pytest.raises(Conflict):
        submit_revision(app, session, contract, today=date(2025, 10, 13), lock_version=old)
    assert contract.status == Status.RETURNED


# --- withdraw, reassign, download -------------------------------------------------------


@pytest.mark.parametrize("status", [Status.SUBMITTED, Status.IN_REVIEW, Status.RETURNED])
def test_the_school_withdraws_with_a_reason(session: orm.Session, status: Status) -> None:
    contract = sample(session)
    drive(session, contract, *PATH_TO[status])
    services.withdraw(
        session, actor=school_user(session, 1), contract=contract, reason="  项目取消  ", now=NOW
    )
    assert contract.status == Status.WITHDRAWN
    last = events(session, contract)[-1]
    assert (last.action, last.from_status, last.to_status) == ("withdraw", status, "withdrawn")
    assert last.detail == {"reason": "项目取消"}
    assert last.actor_id == school_user(session, 1).id
    told = notifications(session, "advisor01@demo.local", "withdrawn")
    assert [n.params["title"] for n in told] == [contract.title]


def test_a_withdrawal_needs_a_reason(session: orm.Session) -> None:
    contract = sample(session)
    with pytest.raises(ValidationError) as caught:
        services.withdraw(
            session, actor=school_user(session, 1), contract=contract, reason="   ", now=NOW
        )
    assert set(caught.value.fields) == {"reason"}
    assert contract.status == Status.SUBMITTED
    assert [e.action for e in events(session, contract)] == ["submit"]


@pytest.mark.parametrize(
    "email", ["advisor01@demo.local", "bureau@demo.local", "school02@demo.local"]
)
def test_only_the_owning_school_withdraws(session: orm.Session, email: str) -> None:
    contract = sample(session)
    with pytest.raises(Forbidden):
        services.withdraw(
            session, actor=user(session, email), contract=contract, reason="不要了", now=NOW
        )
    assert contract.status == Status.SUBMITTED


@pytest.mark.parametrize("status", [Status.REVIEWED, Status.CLOSED, Status.WITHDRAWN])
def test_no_withdrawal_after_an_opinion(session: orm.Session, status: Status) -> None:
    contract = sample(session)
    drive(session, contract, *PATH_TO[status])
    with pytest.raises(Conflict) as caught:
        services.withdraw(
            session, actor=school_user(session, 1), contract=contract, reason="不要了", now=NOW
        )
    assert str(services.STATUS_LABELS[status]) in caught.value.message
    assert contract.status == status


def test_the_bureau_reassigns_with_a_reason(session: orm.Session) -> None:
    contract = sample(session)
    bureau = bureau_user(session)
    services.reassign(
        session,
        actor=bureau,
        contract=contract,
        advisor=advisor(session, 5),
        reason=" 原顾问回避 ",
        now=NOW,
    )
    assert contract.advisor_id == 5
    assert contract.status == Status.SUBMITTED
    last = events(session, contract)[-1]
    assert last.action == "reassign" and last.actor_id == bureau.id
    assert last.detail == {"from_advisor_id": 1, "to_advisor_id": 5, "reason": "原顾问回避"}
    assert notifications(session, "advisor05@demo.local", "new_contract")
    assert notifications(session, "advisor01@demo.local", "reassigned_away")
    assert queries.get_contract(session, advisor_user(session, 5), contract.id) is contract
    with pytest.raises(queries.NotFound):
        queries.get_contract(session, advisor_user(session, 1), contract.id)


@pytest.mark.parametrize("email", ["school01@demo.local", "advisor01@demo.local"])
def test_only_the_bureau_reassigns(session: orm.Session, email: str) -> None:
    contract = sample(session)
    with pytest.raises(Forbidden):
        services.reassign(
            session,
            actor=user(session, email),
            contract=contract,
            advisor=advisor(session, 5),
            reason="换人",
            now=NOW,
        )
    assert contract.advisor_id == 1


def test_reassigning_needs_a_reason(session: orm.Session) -> None:
    contract = sample(session)
    with pytest.raises(ValidationError) as caught:
        services.reassign(
            session,
            actor=bureau_user(session),
            contract=contract,
            advisor=advisor(session, 5),
            reason=" ",
            now=NOW,
        )
    assert set(caught.value.fields) == {"reason"}
    assert contract.advisor_id == 1


def test_reassigning_to_an_inactive_advisor_is_refused(session: orm.Session) -> None:
    contract = sample(session)
    advisor(session, 5).is_active = False
    session.flush()
    with pytest.raises(ValidationError) as caught:
        services.reassign(
            session,
            actor=bureau_user(session),
            contract=contract,
            advisor=advisor(session, 5),
            reason="换人",
            now=NOW,
        )
    assert set(caught.value.fields) == {"advisor_id"}
    assert contract.advisor_id == 1


def test_reassigning_to_the_same_advisor_is_refused(session: orm.Session) -> None:
    contract = sample(session)
    with pytest.raises(ValidationError) as caught:
        services.reassign(
            session,
            actor=bureau_user(session),
            contract=contract,
            advisor=advisor(session, 1),
            reason="换人",
            now=NOW,
        )
    assert set(caught.value.fields) == {"advisor_id"}
    assert [e.action for e in events(session, contract)] == ["submit"]


@pytest.mark.parametrize("status", [Status.REVIEWED, Status.CLOSED, Status.WITHDRAWN])
def test_a_contract_no_longer_open_is_not_reassigned(session: orm.Session, status: Status) -> None:
    contract = sample(session)
    drive(session, contract, *PATH_TO[status])
    with pytest.raises(Conflict):
        services.reassign(
            session,
            actor=bureau_user(session),
            contract=contract,
            advisor=advisor(session, 5),
            reason="换人",
            now=NOW,
        )
    assert contract.advisor_id == 1


def test_a_download_is_recorded(session: orm.Session) -> None:
    contract = sample(session)
    version = contract.versions[0]
    reader = bureau_user(session)
    services.record_download(session, actor=reader, contract=contract, version=version, now=NOW)
    last = events(session, contract)[-1]
    assert (last.action, last.actor_id) == ("download", reader.id)
    assert last.from_status is None and last.to_status is None
    assert last.detail == {"version": 1, "sha256": version.sha256}
    assert contract.status == Status.SUBMITTED


# --- lists and search -------------------------------------------------------------------


@pytest.fixture()
def several(session: orm.Session, submit: Submit) -> dict[str, Contract]:
    """Contracts of WS003 (advisor03) and WS004 (advisor04) next to the two samples."""
    made = {
        "bus": submit(
            3,
            title="校车接送服务合同",
            counterparty="乌苏市平安校车运输有限公司",
            contract_type="school_bus",
            lines=[
                "校车接送服务合同",
                "第一条 乙方负责学生上下学接送，驾驶员须持证上岗。",
                "第二条 准点率100%。",
            ],
        ),
        "repair": submit(
            3,
            title="Teaching Building Repair",
            counterparty="新疆天山建设集团",
            contract_type="construction",
            is_urgent=True,
            lines=["维修工程", "工期为30日。"],
        ),
        "canteen": submit(
            4,
            title="食堂承包合同",
            counterparty="奎屯市美食餐饮管理有限公司",
            contract_type="catering",
        ),
    }
    drive(session, made["repair"], A.START)
    return made


def ids(
    session: orm.Session,
    who: User,
    today: date = date(2025, 10, 1),
    dialect: str | None = None,
    **f: Any,
) -> set[int]:
    """The ids the search finds; ``dialect`` defaults to the test database's own, so on
    SQLite queries of three characters or more go through the FTS5 trigram table."""
    name = dialect or session.get_bind().dialect.name
    stmt = queries.search_contracts(who, queries.Filters(**f), today, dialect=name)
    return {c.id for c in session.scalars(stmt)}


def test_each_role_sees_its_own(session: orm.Session, several: dict[str, Contract]) -> None:
    bus, repair, canteen = several["bus"].id, several["repair"].id, several["canteen"].id
    assert ids(session, school_user(session, 3)) == {bus, repair}
    assert ids(session, school_user(session, 4)) == {canteen}
    assert ids(session, school_user(session, 1)) == {1}
    assert ids(session, advisor_user(session, 3)) == {bus, repair}
    assert ids(session, advisor_user(session, 20)) == set()  # backup holds none of them
    assert ids(session, bureau_user(session)) == {1, 2, bus, repair, canteen}
    with pytest.raises(queries.NotFound):
        queries.get_contract(session, school_user(session, 4), bus)
    with pytest.raises(queries.NotFound):
        queries.get_contract(session, advisor_user(session, 4), bus)


def test_filters(session: orm.Session, several: dict[str, Contract]) -> None:
    bureau = bureau_user(session)
    bus, repair, canteen = several["bus"].id, several["repair"].id, several["canteen"].id
    assert ids(session, bureau, status="in_review") == {repair}
    assert ids(session, bureau, status="submitted") == {1, 2, bus, canteen}
    assert ids(session, bureau, contract_type="catering") == {1, 2, canteen}
    assert ids(session, bureau, school_id=3) == {bus, repair}
    assert ids(session, bureau, advisor_id=4) == {canteen}
    assert ids(session, bureau, school_id=3, status="submitted") == {bus}
    # A school cannot widen its scope with a filter.
    assert ids(session, school_user(session, 4), school_id=3) == set()


def test_the_overdue_filter(session: orm.Session, several: dict[str, Contract]) -> None:
    bureau = bureau_user(session)
    bus, repair, canteen = several["bus"], several["repair"], several["canteen"]
    # Submitted 2025-09-30: due 10-14, urgent repair due 10-10. Samples are due 2026-03-09.
    assert ids(session, bureau, today=date(2025, 10, 14), overdue=True) == {repair.id}
    assert ids(session, bureau, today=date(2025, 10, 15), overdue=True) == {
        bus.id,
        repair.id,
        canteen.id,
    }
    drive(session, canteen, A.WITHDRAW)
    drive(session, bus, A.START)
    drive(session, bus, A.RETURN)
    # Withdrawn and returned contracts are not overdue (the clock is not running).
    assert ids(session, bureau, today=date(2025, 10, 15), overdue=True) == {repair.id}
    assert ids(session, bureau, today=date(2026, 3, 10), overdue=True) == {1, 2, repair.id}


@pytest.mark.parametrize("dialect", [None, "postgresql"], ids=["native", "like"])
@pytest.mark.parametrize(
    ("q", "expected"),
    [
        ("食堂", {"sample1", "sample2", "canteen"}),  # two characters; the PDF's first line
        ("校车", {"bus"}),
        ("平安校车", {"bus"}),  # counterparty
        ("天山建设", {"repair"}),
        ("驾驶员须持证", {"bus"}),  # only in the extracted text
        ("违约金", {"sample1", "sample2", "canteen"}),  # the default PDF's text
        ("teaching building", {"repair"}),  # case does not matter
        ("REPAIR", {"repair"}),
        ("  校车  ", {"bus"}),
        ("100%", {"bus"}),
        ("0%", {"bus"}),
        ("%", {"bus"}),  # LIKE wildcards are literal
        ("_", set()),
        ("\\", set()),
        ('"校车', set()),  # a quote cannot break the FTS5 phrase
        ('校车"', set()),
        ("不存在的词", set()),
    ],
)
def test_search_matches_chinese_substrings(
    session: orm.Session,
    several: dict[str, Contract],
    q: str,
    expected: set[str],
    dialect: str | None,
) -> None:
    names = {c.id: name for name, c in several.items()} | {1: "sample1", 2: "sample2"}
    found = ids(session, bureau_user(session), dialect=dialect, q=q)
    assert {names[i] for i in found} == expected


def test_search_stays_within_scope(session: orm.Session, several: dict[str, Contract]) -> None:
    assert ids(session, school_user(session, 4), q="违约金") == {several["canteen"].id}
    assert ids(session, advisor_user(session, 3), q="违约金") == set()


def test_search_finds_the_text_of_a_revised_version(
    app: Flask, session: orm.Session, several: dict[str, Contract]
) -> None:
    contract = several["bus"]
    drive(session, contract, A.START)
    return_for_changes(session, contract, date(2025, 10, 9))
    submit_revision(
        app, session, contract, today=date(2025, 10, 13), lines=["补充条款：随车照管员"]
    )
    assert ids(session, bureau_user(session), q="随车照管员") == {contract.id}
    assert ids(session, bureau_user(session), q="照管") == {contract.id}


def submitted_at(
    app: Flask, session: orm.Session, when: datetime, title: str, today: date
) -> Contract:
    return submit_contract(app, session, 3, title=title, today=today, now=when)


def test_the_submission_date_range(app: Flask, session: orm.Session) -> None:
    first = submitted_at(
        app, session, datetime(2025, 9, 29, 3, 0, tzinfo=UTC), "九月合同", date(2025, 9, 29)
    )
    second = submitted_at(
        app, session, datetime(2025, 10, 9, 3, 0, tzinfo=UTC), "十月合同", date(2025, 10, 9)
    )
    bureau = bureau_user(session)
    day = date(2025, 10, 9)
    assert ids(session, bureau, submitted_from=date(2025, 9, 1), school_id=3) == {
        first.id,
        second.id,
    }
    assert ids(session, bureau, submitted_from=day, school_id=3) == {second.id}
    assert ids(session, bureau, submitted_to=date(2025, 9, 30), school_id=3) == {first.id}
    assert ids(session, bureau, submitted_from=day, submitted_to=day) == {second.id}


def test_the_submission_date_range_uses_the_beijing_date(app: Flask, session: orm.Session) -> None:
    """Submitted at 01:00 on 2025-10-01 Beijing time (17:00 UTC the day before): the
    pages show 2025年10月1日, so a filter on 10-01 must find it and one ending 09-30 not."""
    late = submitted_at(
        app, session, datetime(2025, 9, 30, 17, 0, tzinfo=UTC), "国庆凌晨提交", date(2025, 10, 1)
    )
    bureau = bureau_user(session)
    assert ids(session, bureau, submitted_from=date(2025, 10, 1)) == {1, 2, late.id}
    assert ids(session, bureau, submitted_to=date(2025, 9, 30)) == set()


def test_open_contracts_due_first_then_the_rest(
    session: orm.Session, several: dict[str, Contract]
) -> None:
    drive(session, several["canteen"], A.WITHDRAW)
    stmt = queries.search_contracts(bureau_user(session), queries.Filters(), date(2025, 10, 1))
    order = [c.id for c in session.scalars(stmt)]
    repair, bus, canteen = several["repair"].id, several["bus"].id, several["canteen"].id
    assert order == [repair, bus, 2, 1, canteen]  # due 10-10, 10-14, then 2026 (newest first)


def test_pagination_totals(session: orm.Session, several: dict[str, Contract]) -> None:
    stmt = queries.search_contracts(bureau_user(session), queries.Filters(), date(2025, 10, 1))
    first = paginate(session, stmt, page=1, per_page=2)
    third = paginate(session, stmt, page=3, per_page=2)
    assert first.total == third.total == 5
    assert len(first.items) == 2 and len(third.items) == 1
    seen = [c.id for p in (1, 2, 3) for c in paginate(session, stmt, page=p, per_page=2).items]
    assert sorted(seen) == sorted({1, 2, *(c.id for c in several.values())})
    search = queries.search_contracts(
        bureau_user(session),
        queries.Filters(q="违约金"),
        date(2025, 10, 1),
        dialect=session.get_bind().dialect.name,
    )
    filtered = [paginate(session, search, page=p, per_page=2) for p in (1, 2)]
    assert [(p.total, len(p.items)) for p in filtered] == [(3, 2), (3, 1)]


# --- due badges -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("status", "due", "badge"),
    [
        (Status.SUBMITTED, date(2025, 10, 9), "overdue"),
        (Status.IN_REVIEW, date(2025, 10, 1), "overdue"),
        (Status.SUBMITTED, date(2025, 10, 10), "due_soon"),  # today
        (Status.IN_REVIEW, date(2025, 10, 11), "due_soon"),  # tomorrow
        (Status.SUBMITTED, date(2025, 10, 12), None),
        (Status.RETURNED, date(2025, 10, 1), None),  # the clock is stopped
        (Status.REVIEWED, date(2025, 10, 1), None),
        (Status.CLOSED, date(2025, 10, 1), None),
        (Status.WITHDRAWN, date(2025, 10, 1), None),
        (Status.SUBMITTED, None, None),
    ],
)
def test_due_badge(status: Status, due: date | None, badge: str | None) -> None:
    contract = Contract(status=status, due_on=due)
    assert queries.due_badge(contract, date(2025, 10, 10)) == badge
