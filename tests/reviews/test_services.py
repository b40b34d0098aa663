"""Review services on the demo bureau: drafts, issuing each outcome, validation by field,
who may review and when, the lock, the ledger entry and the notices issuing writes,
resolving returned findings, the school's feedback and closing, the rating setting."""

from __future__ import annotations

from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask
from sqlalchemy import orm

from advisor.accounts import services as accounts
from advisor.accounts.models import User
from advisor.contracts import services as contracts
from advisor.contracts.models import Contract, ContractVersion, Status
from advisor.contracts.workflow import Action
from advisor.errors import Conflict, Forbidden, ValidationError
from advisor.ledger.models import LedgerEntry
from advisor.reviews import services
from advisor.reviews.labels import OUTCOME_CHINESE
from advisor.reviews.models import Closing, Feedback, Finding, Review
from advisor.reviews.services import MAX_MINUTES, FindingData
from advisor.reviews.signing import SealData
from tests.factories import NOW, TODAY
from tests.factories.contracts import file_store, submit_contract, submit_revision, upload
from tests.factories.people import advisor_user, holder, owner, school_user
from tests.factories.reviews import (
    FINDINGS,
    SUMMARY,
    issue_review,
    last_notice_id,
    notices_after,
    review_data,
    reviews_of,
    start_review,
)


def sample(session: orm.Session, contract_id: int = 1) -> Contract:
    """Contract 1 (school01 → advisor01) or 2 (school02 → advisor02), both submitted."""
    found = session.get(Contract, contract_id)
    assert found is not None and found.status == Status.SUBMITTED
    return found


def current(session: orm.Session, contract_id: int = 1) -> Contract:
    found = session.get(Contract, contract_id)
    assert found is not None
    return found


def in_review(session: orm.Session, contract_id: int = 1) -> Contract:
    found = sample(session, contract_id)
    start_review(session, found)
    return found


def ledger_entries(session: orm.Session, contract: Contract) -> list[LedgerEntry]:
    return list(
        session.scalars(
            sa.select(LedgerEntry)
            .where(LedgerEntry.contract_id == contract.id)
            .order_by(LedgerEntry.id)
        )
    )


def save(session: orm.Session, contract: Contract, data: services.ReviewData) -> Review:
    return services.save_draft(
        session, actor=holder(session, contract), contract=contract, data=data, now=NOW
    )


def rate(
    session: orm.Session, contract: Contract, rating: int = 4, actor: User | None = None
) -> Feedback:
    return services.give_feedback(
        session,
        actor=actor or owner(session, contract),
        contract=contract,
        rating=rating,
        comment="  意见具体，修改建议可以直接采用。  ",
        now=NOW,
    )


def close(session: orm.Session, contract: Contract, **changes: Any) -> Closing:
    values: dict[str, Any] = {
        "actor": owner(session, contract),
        "contract": contract,
        "result": "signed",
        "adoption": "fully",
        "note": "",
        "now": NOW,
        # a signing records the seal use (tests/reviews/test_seal_use.py)
        "seal": SealData("contract", "李校长", TODAY, 2),
    }
    values.update(changes)
    return services.close_contract(session, **values)


def texts(findings: list[Finding]) -> list[tuple[int, str, str, str]]:
    return [(f.position, f.dimension, f.clause, f.problem) for f in findings]


def user_ids(session: orm.Session, role: str, record_id: int) -> set[int]:
    if role == "school":
        return set(accounts.school_user_ids(session, record_id))
    return set(accounts.advisor_user_ids(session, record_id))


# --- drafts -----------------------------------------------------------------------------


def test_a_draft_is_saved_and_resumed_with_its_findings_in_order(session: orm.Session) -> None:
    contract = in_review(session)
    first = save(session, contract, review_data(None, findings=FINDINGS[:2], summary=""))
    assert first.status == "draft" and first.outcome is None and first.number is None
    assert texts(first.findings) == [
        (1, "clarity", "第一条", FINDINGS[0].problem),
        (2, "legality", "第三条", FINDINGS[1].problem),
    ]

    # Resumed later: the same draft, now with three findings in a new order.
    reordered = [FINDINGS[2], FINDINGS[0], FINDINGS[1]]
    again = save(session, contract, review_data("reject", findings=reordered, minutes=45))
    session.expire_all()
    draft = services.get_draft(session, contract)
    assert draft is not None and draft.id == first.id
    assert texts(draft.findings) == [
        (1, "operability", "第四条", FINDINGS[2].problem),
        (2, "clarity", "第一条", FINDINGS[0].problem),
        (3, "legality", "第三条", FINDINGS[1].problem),
    ]
    assert draft.findings[0].suggestion == FINDINGS[2].suggestion
    assert draft.findings[0].legal_basis == FINDINGS[2].legal_basis
    assert (draft.outcome, draft.summary, draft.minutes_spent) == ("reject", SUMMARY, 45)
    assert again.id == first.id
    assert (
        session.scalar(sa.select(sa.func.count(Finding.id)).where(Finding.review_id == first.id))
        == 3
    )
    # A draft changes nothing else: still under review, nothing issued, no ledger entry.
    contract = current(session)
    assert contract.status == Status.IN_REVIEW
    assert services.issued_reviews(session, contract) == []
    assert ledger_entries(session, contract) == []


def test_issuing_turns_the_saved_draft_into_the_review(session: orm.Session) -> None:
    contract = in_review(session)
    draft = save(session, contract, review_data(None, findings=FINDINGS[:1]))
    issued = issue_review(session, contract, "approve")
    assert issued.id == draft.id
    assert issued.status == "issued"
    assert services.get_draft(session, contract) is None
    assert [r.id for r in reviews_of(session, contract)] == [draft.id]


# --- issuing ----------------------------------------------------------------------------


@pytest.mark.parametrize("outcome", ["approve", "approve_with_changes", "reject"])
def test_an_opinion_makes_the_contract_reviewed(session: orm.Session, outcome: str) -> None:
    contract = in_review(session)
    lock = contract.lock_version
    review = issue_review(session, contract, outcome)
    session.expire_all()
    contract = current(session)
    assert contract.status == Status.REVIEWED
    assert contract.outcome == outcome
    assert contract.days_left is None
    assert contract.lock_version > lock
    assert review.status == "issued" and review.outcome == outcome
    assert review.issued_at is not None
    assert review.number == f"{TODAY.year}-{review.id:05d}"
    assert review.summary == SUMMARY and review.minutes_spent == 90
    assert review.advisor_id == 1 and review.author_id == advisor_user(session, 1).id
    [version] = contract.versions
    assert review.version_id == version.id
    assert services.latest_opinion(session, contract) == review
    assert services.latest_of(services.issued_reviews(session, contract)) == review


def test_the_latest_opinion_read_from_the_issued_reviews() -> None:
    def issued(id: int, outcome: str | None) -> Review:
        return Review(id=id, status="issued", outcome=outcome)

    first, back, second = issued(1, "approve"), issued(2, "return"), issued(3, "reject")
    assert services.latest_of([first, back, second]) is second
    assert services.latest_of([first, back]) is first  # a later return is no opinion
    assert services.latest_of([back]) is None and services.latest_of([]) is None
    assert services.latest_of([issued(4, None)]) is None  # as the query: no outcome, none


def test_a_return_sends_the_contract_back_and_stops_the_clock(session: orm.Session) -> None:
    contract = in_review(session)
    assert contract.due_on is not None and contract.due_on.isoformat() == "2026-03-09"
    review = issue_review(session, contract, "return", findings=FINDINGS[:2])
    session.expire_all()
    contract = current(session)
    assert contract.status == Status.RETURNED
    # Wednesday 4 March to Monday 9 March: Thursday, Friday and Monday are left.
    assert contract.days_left == 3
    assert contract.outcome is None
    assert review.outcome == "return" and review.status == "issued"
    assert services.last_return(session, contract) == review
    assert services.latest_opinion(session, contract) is None
    assert services.latest_of(services.issued_reviews(session, contract)) is None


def test_a_return_after_an_opinion_keeps_the_opinion_outcome(
    app: Flask, session: orm.Session
) -> None:
    contract = in_review(session)
    issue_review(session, contract, "approve_with_changes")
    submit_revision(app, session, contract)
    start_review(session, contract)
    issue_review(session, contract, "return", findings=FINDINGS[:1])
    session.expire_all()
    contract = current(session)
    assert contract.status == Status.RETURNED
    assert contract.outcome == "approve_with_changes"
    assert contract.days_left is not None


# --- validation -------------------------------------------------------------------------


def test_issuing_needs_an_outcome_and_a_summary(session: orm.Session) -> None:
    contract = in_review(session)
    with pytest.raises(ValidationError) as refused:
        issue_review(session, contract, None, summary="   ")  # type: ignore[arg-type]
    assert set(refused.value.fields) == {"outcome", "summary"}
    assert contract.status == Status.IN_REVIEW
    assert reviews_of(session, contract) == []


@pytest.mark.parametrize("outcome", ["return", "approve_with_changes"])
def test_return_and_changes_need_a_finding(session: orm.Session, outcome: str) -> None:
    contract = in_review(session)
    with pytest.raises(ValidationError) as refused:
        issue_review(session, contract, outcome, findings=[])
    assert set(refused.value.fields) == {"findings"}
    assert contract.status == Status.IN_REVIEW


@pytest.mark.parametrize("outcome", ["approve", "reject"])
def test_approve_and_reject_may_have_no_findings(session: orm.Session, outcome: str) -> None:
    contract = in_review(session)
    review = issue_review(session, contract, outcome, findings=[])
    assert review.findings == []
    assert contract.status == Status.REVIEWED


def finding(**changes: str) -> FindingData:
    values = {
        "dimension": "legality",
        "severity": "high",
        "clause": "第八条",
        "problem": "争议解决条款约定由乙方所在地法院管辖。",
    }
    values.update(changes)
    return FindingData(**values)


@pytest.mark.parametrize(
    ("findings", "field"),
    [
        ([finding(), finding(problem="  ")], "findings-1-problem"),
        ([finding(dimension="ethics")], "findings-0-dimension"),
        ([finding(dimension="")], "findings-0-dimension"),
        ([finding(severity="critical")], "findings-0-severity"),
        ([finding(clause="条" * 201)], "findings-0-clause"),
    ],
    ids=["problem", "dimension", "no-dimension", "severity", "clause-length"],
)
def test_a_bad_finding_is_named_by_its_field(
    session: orm.Session, findings: list[FindingData], field: str
) -> None:
    contract = in_review(session)
    for action in ("save", "issue"):
        with pytest.raises(ValidationError) as refused:
            if action == "save":
                save(session, contract, review_data(findings=findings))
            else:
                issue_review(session, contract, findings=findings)
        assert set(refused.value.fields) == {field}, action
    assert reviews_of(session, contract) == []


@pytest.mark.parametrize(
    ("minutes", "valid"), [(-1, False), (0, True), (MAX_MINUTES, True), (MAX_MINUTES + 1, False)]
)
def test_minutes_spent_range(session: orm.Session, minutes: int, valid: bool) -> None:
    contract = in_review(session)
    if valid:
        assert issue_review(session, contract, "approve", minutes=minutes).minutes_spent == minutes
        return
    with pytest.raises(ValidationError) as refused:
        issue_review(session, contract, "approve", minutes=minutes)
    assert set(refused.value.fields) == {"minutes_spent"}


def test_an_unknown_outcome_is_refused(session: orm.Session) -> None:
    contract = in_review(session)
    with pytest.raises(ValidationError) as refused:
        issue_review(session, contract, "maybe")
    assert set(refused.value.fields) == {"outcome"}


# --- who and when -----------------------------------------------------------------------


@pytest.mark.parametrize(
    "email", ["advisor02@demo.local", "school01@demo.local", "bureau@demo.local"]
)
def test_only_the_holding_advisor_reviews(session: orm.Session, email: str) -> None:
    contract = in_review(session)
    actor = accounts.get_user_by_email(session, email)
    assert actor is not None
    with pytest.raises(Forbidden):
        services.save_draft(session, actor=actor, contract=contract, data=review_data(), now=NOW)
    with pytest.raises(Forbidden):
        services.issue_review(
            session, actor=actor, contract=contract, data=review_data(), today=TODAY, now=NOW
        )
    assert reviews_of(session, contract) == []
    assert contract.status == Status.IN_REVIEW


PATH_TO = {
    Status.SUBMITTED: (),
    Status.RETURNED: (Action.START, Action.RETURN),
    Status.REVIEWED: (Action.START, Action.ISSUE),
    Status.CLOSED: (Action.START, Action.ISSUE, Action.CLOSE),
    Status.WITHDRAWN: (Action.WITHDRAW,),
}


def drive(session: orm.Session, contract: Contract, status: Status) -> None:
    for action in PATH_TO[status]:
        actor = (
            holder(session, contract)
            if action in (Action.START, Action.RETURN, Action.ISSUE)
            else owner(session, contract)
        )
        contracts.transition(session, actor=actor, contract=contract, action=action, now=NOW)
    assert contract.status == status


@pytest.mark.parametrize("status", list(PATH_TO))
def test_reviews_only_while_in_review(session: orm.Session, status: Status) -> None:
    contract = sample(session)
    drive(session, contract, status)
    with pytest.raises(Conflict) as refused:
        save(session, contract, review_data())
    assert refused.value.fields == {"status": status}
    with pytest.raises(Conflict) as refused:
        issue_review(session, contract)
    assert refused.value.fields == {"status": status}
    assert contract.status == status
    assert reviews_of(session, contract) == []


def test_a_stale_lock_version_is_a_conflict_and_changes_nothing(session: orm.Session) -> None:
    contract = in_review(session)
    stale = contract.lock_version - 1
    with pytest.raises(Conflict):
        services.issue_review(
            session,
            actor=holder(session, contract),
            contract=contract,
            data=review_data(),
            today=TODAY,
            now=NOW,
            lock_version=stale,
        )
    assert contract.status == Status.IN_REVIEW
    assert reviews_of(session, contract) == []
    assert ledger_entries(session, contract) == []

    current = services.issue_review(
        session,
        actor=holder(session, contract),
        contract=contract,
        data=review_data(),
        today=TODAY,
        now=NOW,
        lock_version=contract.lock_version,
    )
    assert current.status == "issued" and contract.status == Status.REVIEWED


# --- the ledger entry -------------------------------------------------------------------


@pytest.mark.parametrize("outcome", ["approve", "approve_with_changes", "reject", "return"])
def test_issuing_records_one_ledger_entry(session: orm.Session, outcome: str) -> None:
    contract = in_review(session)
    save(session, contract, review_data(None))
    assert ledger_entries(session, contract) == []  # a draft is not work done yet
    review = issue_review(session, contract, outcome, minutes=75)
    [entry] = ledger_entries(session, contract)
    assert entry.kind == "contract_review"
    assert entry.review_id == review.id
    assert entry.minutes == 75
    assert entry.outcome == OUTCOME_CHINESE[outcome]
    assert (entry.advisor_id, entry.school_id, entry.contract_id) == (1, 1, 1)
    assert entry.entry_on == TODAY
    assert entry.created_by_id == advisor_user(session, 1).id
    assert "食堂食材采购合同" in entry.description


@pytest.mark.parametrize(
    "changes",
    [{"summary": ""}, {"outcome": "return", "findings": []}, {"lock_version": 0}],
    ids=["invalid", "no-findings", "stale"],
)
def test_a_refused_issue_records_no_ledger_entry(
    session: orm.Session, changes: dict[str, Any]
) -> None:
    contract = in_review(session)
    entries = session.scalar(sa.select(sa.func.count(LedgerEntry.id)))
    lock = changes.pop("lock_version", None)
    with pytest.raises((ValidationError, Conflict)):
        services.issue_review(
            session,
            actor=holder(session, contract),
            contract=contract,
            data=review_data(**changes),
            today=TODAY,
            now=NOW,
            lock_version=lock,
        )
    assert ledger_entries(session, contract) == []
    assert session.scalar(sa.select(sa.func.count(LedgerEntry.id))) == entries


def test_the_ledger_entry_is_in_the_issuing_transaction(
    session: orm.Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    contract = in_review(session)
    session.commit()

    def broken(*args: Any, **kwargs: Any) -> None:
        raise RuntimeError("the notice could not be written")

    # Issuing fails after the ledger entry was written: the rollback takes it away too.
    monkeypatch.setattr(services.accounts, "notify", broken)
    with pytest.raises(RuntimeError):
        issue_review(session, contract, "approve")
    session.rollback()
    contract = current(session)
    assert contract.status == Status.IN_REVIEW
    assert ledger_entries(session, contract) == []
    assert services.issued_reviews(session, contract) == []


# --- notices ----------------------------------------------------------------------------


@pytest.mark.parametrize(("outcome", "kind"), [("return", "returned"), ("reject", "opinion")])
def test_issuing_notifies_the_school_and_nobody_else(
    session: orm.Session, outcome: str, kind: str
) -> None:
    contract = in_review(session)
    before = last_notice_id(session)
    issue_review(session, contract, outcome)
    notices = notices_after(session, before)
    school = user_ids(session, "school", 1)
    assert school and school_user(session, 1).id in school
    assert sorted(notices) == sorted((uid, kind, "/contracts/1") for uid in school)


# --- return, revision, resolution -------------------------------------------------------


def test_the_advisor_marks_returned_findings_resolved(app: Flask, session: orm.Session) -> None:
    contract = in_review(session)
    returned = issue_review(session, contract, "return", findings=FINDINGS[:2])
    first, second = returned.findings
    assert (first.resolved, second.resolved) == (None, None)
    submit_revision(app, session, contract)
    start_review(session, contract)

    # The draft records the advisor's check; unknown ids are ignored.
    draft = save(session, contract, review_data(None, resolved={first.id: True, 999_999: False}))
    session.expire_all()
    first, second = services.last_return(session, contract).findings  # type: ignore[union-attr]
    assert (first.resolved, second.resolved) == (True, None)

    review = issue_review(
        session, contract, findings=FINDINGS[2:], resolved={first.id: True, second.id: False}
    )
    assert review.id == draft.id
    session.expire_all()
    earlier = services.get_review(session, contract, returned.id)
    assert [f.resolved for f in earlier.findings] == [True, False]
    # The new opinion is about version 2, and its own findings are not marked.
    opinion = services.get_review(session, contract, review.id)
    version = session.get(ContractVersion, opinion.version_id)
    assert version is not None and version.number == 2
    assert [f.resolved for f in opinion.findings] == [None]
    assert current(session).status == Status.REVIEWED


# --- feedback ---------------------------------------------------------------------------


def reviewed(session: orm.Session, contract_id: int = 1) -> Contract:
    contract = in_review(session, contract_id)
    issue_review(session, contract)
    return contract


@pytest.mark.parametrize(
    "email", ["school02@demo.local", "advisor01@demo.local", "bureau@demo.local"]
)
def test_only_the_contracts_school_gives_feedback(session: orm.Session, email: str) -> None:
    contract = reviewed(session)
    actor = accounts.get_user_by_email(session, email)
    with pytest.raises(Forbidden):
        rate(session, contract, actor=actor)
    assert services.contract_feedback(session, contract) == []


def test_feedback_needs_an_opinion(session: orm.Session) -> None:
    contract = sample(session)
    with pytest.raises(Conflict):
        rate(session, contract)
    start_review(session, contract)
    issue_review(session, contract, "return")
    with pytest.raises(Conflict):  # a return is not an opinion
        rate(session, contract)
    assert services.contract_feedback(session, contract) == []


@pytest.mark.parametrize("rating", [0, 6, -1])
def test_a_rating_is_from_one_to_five(session: orm.Session, rating: int) -> None:
    contract = reviewed(session)
    with pytest.raises(ValidationError) as refused:
        rate(session, contract, rating)
    assert set(refused.value.fields) == {"rating"}
    assert services.contract_feedback(session, contract) == []


@pytest.mark.parametrize("rating", [1, 5])
def test_feedback_is_given_once_and_the_advisor_is_told(session: orm.Session, rating: int) -> None:
    contract = reviewed(session)
    opinion = services.latest_opinion(session, contract)
    assert opinion is not None
    before = last_notice_id(session)
    feedback = rate(session, contract, rating)
    assert (feedback.rating, feedback.review_id, feedback.advisor_id) == (rating, opinion.id, 1)
    assert feedback.comment == "意见具体，修改建议可以直接采用。"
    assert feedback.created_by_id == school_user(session, 1).id
    assert services.is_rated(session, opinion)
    advisor = user_ids(session, "advisor", 1)
    assert advisor == {advisor_user(session, 1).id}
    assert notices_after(session, before) == [(uid, "rated", "/contracts/1") for uid in advisor]

    with pytest.raises(Conflict):
        rate(session, contract, 3)
    assert [f.rating for f in services.contract_feedback(session, contract)] == [rating]
    assert len(notices_after(session, before)) == 1


def test_a_new_opinion_can_be_rated_again(app: Flask, session: orm.Session) -> None:
    contract = reviewed(session)
    rate(session, contract, 3)
    submit_revision(app, session, contract)
    start_review(session, contract)
    second = issue_review(session, contract, "approve", findings=[])
    feedback = rate(session, contract, 5)
    assert feedback.review_id == second.id
    assert [f.rating for f in services.contract_feedback(session, contract)] == [3, 5]


# --- closing ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "status",
    [Status.SUBMITTED, Status.RETURNED, Status.CLOSED, Status.WITHDRAWN],
)
def test_closing_only_from_reviewed(session: orm.Session, status: Status) -> None:
    contract = sample(session)
    drive(session, contract, status)
    with pytest.raises(Conflict) as refused:
        close(session, contract)
    assert refused.value.fields == {"status": status}
    assert contract.status == status


def test_closing_not_while_in_review(session: orm.Session) -> None:
    contract = in_review(session)
    with pytest.raises(Conflict):
        close(session, contract)
    assert services.get_closing(session, contract) is None


@pytest.mark.parametrize("email", ["school02@demo.local", "advisor01@demo.local"])
def test_only_the_contracts_school_closes(session: orm.Session, email: str) -> None:
    contract = reviewed(session)
    with pytest.raises(Forbidden):
        close(session, contract, actor=accounts.get_user_by_email(session, email))
    assert contract.status == Status.REVIEWED
    assert services.get_closing(session, contract) is None


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"result": "cancelled"}, "result"),
        ({"result": ""}, "result"),
        ({"adoption": "mostly"}, "adoption"),
        ({"result": "abandoned", "signed": "pdf"}, "file"),
    ],
)
def test_closing_values_are_checked(
    app: Flask, session: orm.Session, changes: dict[str, Any], field: str
) -> None:
    contract = reviewed(session)
    if changes.get("signed") == "pdf":
        changes.update(signed=upload(), store=file_store(app))
    with pytest.raises(ValidationError) as refused:
        close(session, contract, **changes)
    assert set(refused.value.fields) == {field}
    assert contract.status == Status.REVIEWED
    assert len(contract.versions) == 1


@pytest.mark.parametrize(
    ("result", "adoption"),
    [("signed", "fully"), ("signed", "partly"), ("abandoned", "not"), ("abandoned", None)],
)
def test_closing_records_result_and_adoption(
    session: orm.Session, result: str, adoption: str | None
) -> None:
    contract = reviewed(session)
    closing = close(session, contract, result=result, adoption=adoption, note=" 第三条未改 ")
    session.expire_all()
    contract = current(session)
    assert contract.status == Status.CLOSED
    assert contract.result == result
    assert contract.outcome == "approve_with_changes"
    stored = services.get_closing(session, contract)
    assert stored is not None and stored.contract_id == closing.contract_id
    assert (stored.result, stored.adoption, stored.adoption_note) == (
        result,
        adoption,
        "第三条未改",
    )
    assert stored.closed_by_id == school_user(session, 1).id
    assert stored.signed_version_id is None


def test_the_signed_copy_is_kept_as_a_signed_version(app: Flask, session: orm.Session) -> None:
    contract = reviewed(session)
    signed = upload(
        ["食堂食材采购合同（双方已盖章）", "甲方（盖章）：乌苏市第一中学"], "合同（已签订）.pdf"
    )
    # not the reviewed text: the reason is required (tests/reviews/test_seal_use.py)
    closing = close(
        session, contract, signed=signed, store=file_store(app), difference_reason="盖章页"
    )
    session.expire_all()
    contract = current(session)
    first, second = contract.versions
    assert not first.is_signed
    assert second.is_signed and second.number == 2
    assert second.file_name == "合同（已签订）.pdf"
    assert closing.signed_version_id == second.id
    assert contract.result == "signed" and contract.status == Status.CLOSED


# --- ratings ----------------------------------------------------------------------------


def test_an_advisors_rating_is_the_average_of_their_opinions(
    app: Flask, session: orm.Session
) -> None:
    assert services.advisor_rating(session, 1) == (None, 0)
    first = reviewed(session)
    second = submit_contract(app, session, 1)
    start_review(session, second)
    issue_review(session, second, "approve", findings=[])
    other = reviewed(session, 2)
    rate(session, first, 4)
    rate(session, second, 5)
    rate(session, other, 1)
    assert services.advisor_rating(session, 1) == (4.5, 2)
    assert services.advisor_rating(session, 2) == (1.0, 1)


def test_ratings_are_anonymous_unless_the_bureau_turns_it_off(session: orm.Session) -> None:
    assert services.ratings_are_anonymous(session) is True
    services.set_anonymous_ratings(session, False)
    session.expire_all()
    assert services.ratings_are_anonymous(session) is False
    services.set_anonymous_ratings(session, True)
    session.expire_all()
    assert services.ratings_are_anonymous(session) is True
