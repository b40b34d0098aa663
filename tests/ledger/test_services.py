"""Ledger services on the demo bureau: who may record what, validation by field, the
chain links, corrections, the current picture and its totals, and review entries."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy import orm

from advisor.errors import Conflict, Forbidden, ValidationError
from advisor.ledger import queries, services
from advisor.ledger.chain import entry_hash
from advisor.ledger.models import GENESIS, LedgerEntry
from advisor.workdays import today_local
from tests.factories.contracts import current_contract
from tests.factories.ledger import LEDGER_TODAY as TODAY
from tests.factories.ledger import add_ledger_entry, all_seqs, chain_of, entry_data, head
from tests.factories.people import advisor_user, bureau_user, school_user
from tests.factories.reviews import issue_review, start_review


def reload(session: orm.Session, entry: LedgerEntry) -> LedgerEntry:
    """The entry as the database stores it (not the object the service built)."""
    session.expire_all()
    found = session.get(LedgerEntry, entry.id)
    assert found is not None
    return found


# --- who may record -------------------------------------------------------------------


def test_an_advisor_records_its_own_work(session: orm.Session) -> None:
    advisor = advisor_user(session, 1)
    before = head(session).seq
    entry = add_ledger_entry(session, advisor, description="  解答课后服务收费问题  ", minutes=45)
    stored = reload(session, entry)
    assert (stored.advisor_id, stored.school_id, stored.on_behalf) == (1, 1, False)
    assert stored.created_by_id == advisor.id
    assert stored.description == "解答课后服务收费问题"
    assert (stored.kind, stored.service_mode, stored.minutes) == ("consultation", "phone", 45)
    assert stored.seq == before + 1
    assert stored.entry_on == TODAY - timedelta(days=1)


def test_the_bureau_records_on_an_advisors_behalf_marked_as_such(session: orm.Session) -> None:
    bureau = bureau_user(session)
    entry = add_ledger_entry(session, bureau, advisor_id=2, school_id=2)
    stored = reload(session, entry)
    assert (stored.advisor_id, stored.on_behalf, stored.created_by_id) == (2, True, bureau.id)


def test_a_school_cannot_record_work(session: orm.Session) -> None:
    before = head(session).seq
    with pytest.raises(Forbidden):
        add_ledger_entry(session, school_user(session, 1), advisor_id=1)
    assert head(session).seq == before


def test_an_advisor_cannot_record_another_advisors_work(session: orm.Session) -> None:
    before = head(session).seq
    with pytest.raises(Forbidden):
        add_ledger_entry(session, advisor_user(session, 1), advisor_id=2, school_id=2)
    assert head(session).seq == before


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"kind": "lawsuit"}, "kind"),
        ({"kind": ""}, "kind"),
        ({"description": "   "}, "description"),
        ({"minutes": -1}, "minutes"),
        ({"minutes": services.MAX_MINUTES + 1}, "minutes"),
        ({"entry_on": TODAY + timedelta(days=1)}, "entry_on"),
        ({"school_id": 99999}, "school_id"),
        ({"service_mode": "fax"}, "service_mode"),
        ({"headcount": -3}, "headcount"),
    ],
)
def test_invalid_values_are_refused_by_field(
    session: orm.Session, changes: dict[str, Any], field: str
) -> None:
    before = head(session).seq
    with pytest.raises(ValidationError) as refused:
        add_ledger_entry(session, advisor_user(session, 1), **changes)
    assert set(refused.value.fields) == {field}
    assert head(session).seq == before


def test_the_bureau_must_name_an_existing_advisor(session: orm.Session) -> None:
    with pytest.raises(ValidationError) as refused:
        add_ledger_entry(session, bureau_user(session), advisor_id=9999)
    assert set(refused.value.fields) == {"advisor_id"}


def test_limits_themselves_are_accepted(session: orm.Session) -> None:
    advisor = advisor_user(session, 1)
    today = add_ledger_entry(session, advisor, entry_on=TODAY, minutes=services.MAX_MINUTES)
    nothing = add_ledger_entry(session, advisor, minutes=0, school_id=None, service_mode=None)
    assert (today.entry_on, today.minutes) == (TODAY, services.MAX_MINUTES)
    assert (nothing.minutes, nothing.school_id, nothing.service_mode) == (0, None, None)


# --- the chain ------------------------------------------------------------------------


def test_each_append_takes_the_next_number_and_links_to_the_previous_hash(
    session: orm.Session,
) -> None:
    start = head(session)
    first_seq, first_prev = start.seq, start.last_hash
    entries = [reload(session, e) for e in chain_of(session, 3)]
    assert [e.seq for e in entries] == [first_seq + 1, first_seq + 2, first_seq + 3]
    assert entries[0].prev_hash == (first_prev if first_seq else GENESIS)
    assert entries[1].prev_hash == entries[0].hash
    assert entries[2].prev_hash == entries[1].hash
    for entry in entries:
        # The stored values (after the round trip through the database) hash the same.
        assert entry_hash(entry, entry.prev_hash) == entry.hash
    assert len({e.hash for e in entries}) == 3
    end = head(session)
    assert (end.seq, end.last_hash) == (entries[-1].seq, entries[-1].hash)


def test_the_chain_verifies_after_several_appends_of_every_kind(session: orm.Session) -> None:
    advisor, bureau = advisor_user(session, 1), bureau_user(session)
    add_ledger_entry(
        session, advisor, kind="lecture", audience="高一年级学生", headcount=320, minutes=90
    )
    add_ledger_entry(
        session, bureau, advisor_id=3, school_id=None, kind="training", service_mode="online"
    )
    add_ledger_entry(session, advisor, kind="dispute_mediation", service_mode="on_site")
    add_ledger_entry(
        session, advisor, kind="document_drafting", description="代拟《校园欺凌处置告知书》"
    )
    session.commit()
    session.expire_all()
    result = services.verify_chain(session)
    assert result.ok, result
    assert result.checked == head(session).seq == len(all_seqs(session))


def test_verification_reads_in_batches_without_losing_an_entry(session: orm.Session) -> None:
    chain_of(session, 7)
    session.expire_all()
    result = services.verify_chain(session, batch=2)
    assert (result.ok, result.checked) == (True, head(session).seq)


# --- corrections ----------------------------------------------------------------------


def test_the_author_corrects_an_entry_with_a_new_one(session: orm.Session) -> None:
    advisor = advisor_user(session, 1)
    original = add_ledger_entry(session, advisor, minutes=30)
    fixed = services.correct_entry(
        session,
        actor=advisor,
        original=original,
        data=entry_data(1, minutes=90, description="更正：咨询时长为九十分钟"),
        today=TODAY,
    )
    assert fixed.supersedes_id == original.id
    assert fixed.seq == original.seq + 1
    assert reload(session, original).minutes == 30


def test_only_the_author_may_correct(session: orm.Session) -> None:
    original = add_ledger_entry(session, advisor_user(session, 1))
    for someone in (bureau_user(session), advisor_user(session, 2)):
        with pytest.raises(Forbidden):
            services.correct_entry(
                session, actor=someone, original=original, data=entry_data(1), today=TODAY
            )


def test_an_advisor_cannot_correct_what_the_bureau_recorded_for_it(session: orm.Session) -> None:
    original = add_ledger_entry(session, bureau_user(session), advisor_id=1)
    with pytest.raises(Forbidden):
        services.correct_entry(
            session,
            actor=advisor_user(session, 1),
            original=original,
            data=entry_data(1),
            today=TODAY,
        )


def test_an_entry_is_corrected_once_then_the_correction_is_corrected(
    session: orm.Session,
) -> None:
    advisor = advisor_user(session, 1)
    original = add_ledger_entry(session, advisor)
    first = services.correct_entry(
        session, actor=advisor, original=original, data=entry_data(1, minutes=40), today=TODAY
    )
    before = head(session).seq
    with pytest.raises(Conflict):
        services.correct_entry(
            session, actor=advisor, original=original, data=entry_data(1, minutes=50), today=TODAY
        )
    assert head(session).seq == before
    second = services.correct_entry(
        session, actor=advisor, original=first, data=entry_data(1, minutes=50), today=TODAY
    )
    assert second.supersedes_id == first.id


def test_a_correction_stays_with_the_same_advisor(session: orm.Session) -> None:
    bureau = bureau_user(session)
    original = add_ledger_entry(session, bureau, advisor_id=1)
    with pytest.raises(ValidationError) as refused:
        services.correct_entry(
            session, actor=bureau, original=original, data=entry_data(2), today=TODAY
        )
    assert set(refused.value.fields) == {"advisor_id"}


def test_a_correction_is_validated_like_any_entry(session: orm.Session) -> None:
    advisor = advisor_user(session, 1)
    original = add_ledger_entry(session, advisor)
    with pytest.raises(ValidationError) as refused:
        services.correct_entry(
            session, actor=advisor, original=original, data=entry_data(1, minutes=-5), today=TODAY
        )
    assert set(refused.value.fields) == {"minutes"}
    assert queries.correction_of(session, original) is None


# --- the current picture and totals ----------------------------------------------------


def test_the_current_picture_hides_superseded_entries_and_history_shows_them(
    session: orm.Session,
) -> None:
    advisor = advisor_user(session, 4)
    kept = add_ledger_entry(session, advisor, school_id=4, minutes=20)
    wrong = add_ledger_entry(session, advisor, school_id=4, minutes=30)
    fixed = services.correct_entry(
        session,
        actor=advisor,
        original=wrong,
        data=entry_data(4, school_id=4, minutes=90),
        today=TODAY,
    )
    current = queries.filtered(advisor, queries.Filters())
    history = queries.filtered(advisor, queries.Filters(history=True))
    assert [e.id for e in session.scalars(current)] == [fixed.id, kept.id]
    assert [e.id for e in session.scalars(history)] == [fixed.id, wrong.id, kept.id]
    assert queries.totals(session, advisor, queries.Filters()) == queries.Totals(2, 110)
    assert queries.totals(session, advisor, queries.Filters(history=True)) == queries.Totals(3, 140)


def test_totals_leave_out_an_entry_whose_correction_no_longer_matches(
    session: orm.Session,
) -> None:
    advisor = advisor_user(session, 4)
    wrong = add_ledger_entry(session, advisor, school_id=4, minutes=30, kind="consultation")
    services.correct_entry(
        session,
        actor=advisor,
        original=wrong,
        data=entry_data(4, school_id=4, minutes=45, kind="document_drafting"),
        today=TODAY,
    )

    def totals(**filters: Any) -> tuple[int, int]:
        return queries.totals(session, advisor, queries.Filters(**filters))

    assert totals(kind="consultation") == queries.Totals(0, 0)
    assert totals(kind="consultation", history=True) == queries.Totals(1, 30)
    assert totals(kind="document_drafting") == queries.Totals(1, 45)
    assert totals() == queries.Totals(1, 45) and totals(history=True) == queries.Totals(2, 75)


def test_filters_and_totals(session: orm.Session) -> None:
    advisor = advisor_user(session, 1)
    add_ledger_entry(
        session, advisor, kind="lecture", minutes=60, entry_on=TODAY - timedelta(days=30)
    )
    add_ledger_entry(session, advisor, school_id=36, minutes=15, description="完成率100%的整改复查")
    add_ledger_entry(session, advisor, school_id=36, minutes=25, description="完成率100的整改复查")
    add_ledger_entry(session, advisor, school_id=54, minutes=35, entry_on=TODAY)

    def totals(**filters: Any) -> tuple[int, int]:
        return queries.totals(session, advisor, queries.Filters(**filters))

    assert totals() == queries.Totals(4, 135)
    assert totals(kind="lecture") == queries.Totals(1, 60)
    assert totals(school_id=36) == queries.Totals(2, 40)
    assert totals(q="100%") == queries.Totals(1, 15)
    assert totals(q="100_的") == queries.Totals(0, 0)
    assert totals(date_from=TODAY - timedelta(days=1)) == queries.Totals(3, 75)
    assert totals(date_to=TODAY - timedelta(days=1)) == queries.Totals(3, 100)
    assert totals(date_from=TODAY, date_to=TODAY) == queries.Totals(1, 35)
    assert totals(advisor_id=2) == queries.Totals(0, 0)


def test_each_role_sees_its_part_of_the_ledger(session: orm.Session) -> None:
    bureau = bureau_user(session)
    own = add_ledger_entry(session, advisor_user(session, 1), school_id=1)
    other = add_ledger_entry(session, advisor_user(session, 2), school_id=2)
    for_school1 = add_ledger_entry(session, bureau, advisor_id=3, school_id=1)

    def seen(user: Any) -> set[int]:
        return {e.id for e in session.scalars(queries.filtered(user, queries.Filters()))}

    assert seen(advisor_user(session, 1)) == {own.id}
    assert seen(advisor_user(session, 2)) == {other.id}
    assert seen(school_user(session, 1)) == {own.id, for_school1.id}
    assert seen(school_user(session, 2)) == {other.id}
    assert seen(bureau) >= {own.id, other.id, for_school1.id}


# --- entries from reviews -------------------------------------------------------------


@pytest.mark.parametrize(("outcome", "text"), [("approve", "同意签订"), ("return", "退回补正")])
def test_issuing_a_review_appends_exactly_one_contract_review_entry(
    session: orm.Session, outcome: str, text: str
) -> None:
    before = head(session).seq
    contract = current_contract(session, 1)
    start_review(session, contract)
    review = issue_review(session, contract, outcome, minutes=75)
    assert head(session).seq == before + 1
    entries = session.scalars(
        sa.select(LedgerEntry).where(LedgerEntry.seq > before).order_by(LedgerEntry.seq)
    ).all()
    assert len(entries) == 1
    entry = entries[0]
    assert entry.review_id == review.id and entry.contract_id == contract.id
    assert (entry.kind, entry.advisor_id, entry.school_id) == ("contract_review", 1, 1)
    assert (entry.minutes, entry.outcome, entry.service_mode) == (75, text, "written")
    assert entry.created_by_id == advisor_user(session, 1).id
    assert entry.on_behalf is False
    assert entry.entry_on == today_local(review.issued_at)
    assert "食堂食材采购合同" in entry.description
    session.expire_all()
    assert services.verify_chain(session).ok


def test_an_entry_recorded_by_the_system_hashes_what_is_stored(session: orm.Session) -> None:
    entry = services.record_work(
        session,
        entry_on=TODAY,
        advisor_id=1,
        school_id=1,
        kind="consultation",
        description="系统登记的工作",
        minutes=20,
    )
    stored = reload(session, entry)
    assert entry_hash(stored, stored.prev_hash) == stored.hash
    assert services.verify_chain(session).ok
