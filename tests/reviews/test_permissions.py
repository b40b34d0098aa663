"""The reviews' permission rules as pure units, for every role: the bureau, the contract's
advisor and another advisor, the contract's school and another school (no database)."""

from __future__ import annotations

import inspect

import pytest
from flask import Flask

from advisor.accounts.models import Role, User
from advisor.contracts.models import Contract, Status
from advisor.directory.models import Advisor
from advisor.errors import Conflict, Forbidden
from advisor.reviews import permissions, services
from advisor.reviews.models import Review

OWN_SCHOOL, OTHER_SCHOOL = 1, 2
OWN_ADVISOR, OTHER_ADVISOR = 11, 12
WHO = ("bureau", "advisor", "other_advisor", "school", "other_school")


def person(who: str) -> User:
    """A user of one of ``WHO``; "advisor" and "school" are the contract's own."""
    return {
        "bureau": lambda: User(role=Role.BUREAU),
        "advisor": lambda: User(role=Role.ADVISOR, advisor_id=OWN_ADVISOR),
        "other_advisor": lambda: User(role=Role.ADVISOR, advisor_id=OTHER_ADVISOR),
        "school": lambda: User(role=Role.SCHOOL, school_id=OWN_SCHOOL),
        "other_school": lambda: User(role=Role.SCHOOL, school_id=OTHER_SCHOOL),
    }[who]()


def contract(status: Status) -> Contract:
    return Contract(status=status, school_id=OWN_SCHOOL, advisor_id=OWN_ADVISOR)


def opinion() -> Review:
    return Review(contract_id=1, advisor_id=OWN_ADVISOR, status="issued", outcome="approve")


# Each rule, asked about the own school's contract in the status given, and who may.
EXPECTED: dict[str, tuple[Status, frozenset[str]]] = {
    "is_contract_advisor": (Status.IN_REVIEW, frozenset({"advisor"})),
    "is_contract_school": (Status.IN_REVIEW, frozenset({"school"})),
    "can_review": (Status.IN_REVIEW, frozenset({"advisor"})),
    "can_see_draft": (Status.IN_REVIEW, frozenset({"advisor", "other_advisor"})),
    "can_rate_opinion": (Status.REVIEWED, frozenset({"school"})),
    "can_close": (Status.REVIEWED, frozenset({"school"})),
}
# The rules that take something else than the contract, and who may.
ELSEWHERE = {
    "can_mark_redo": frozenset({"bureau"}),
    "can_see_advisor_rating": frozenset({"bureau", "advisor"}),
    "can_see_contract_ratings": frozenset(WHO),  # while ratings are not anonymous
    "can_see_seal_register": frozenset({"bureau", "school", "other_school"}),
}
CASES = [(rule, who) for rule in [*EXPECTED, *ELSEWHERE] for who in WHO]


def test_every_rule_is_in_the_table() -> None:
    defined = {
        name
        for name, value in vars(permissions).items()
        if inspect.isfunction(value) and value.__module__ == permissions.__name__
    }
    assert defined == set(EXPECTED) | set(ELSEWHERE)


def ask(rule: str, who: str, status: Status) -> bool:
    check = getattr(permissions, rule)
    user = person(who)
    if rule == "can_mark_redo":
        return bool(check(user, opinion()))
    if rule == "can_see_advisor_rating":
        return bool(check(user, Advisor(id=OWN_ADVISOR)))
    if rule == "can_see_contract_ratings":
        return bool(check(user, contract(status), anonymous=False))
    if rule == "can_see_seal_register":
        return bool(check(user))
    return bool(check(user, contract(status)))


@pytest.mark.parametrize(("rule", "who"), CASES, ids=["-".join(case) for case in CASES])
def test_each_rule_for_each_role(rule: str, who: str) -> None:
    status, allowed = EXPECTED.get(rule, (Status.REVIEWED, ELSEWHERE.get(rule, frozenset())))
    assert ask(rule, who, status) is (who in allowed)


@pytest.mark.parametrize("who", WHO)
def test_anonymous_ratings_are_hidden_from_advisors_only(who: str) -> None:
    shown = permissions.can_see_contract_ratings(
        person(who), contract(Status.REVIEWED), anonymous=True
    )
    assert shown is (who in ("bureau", "school", "other_school"))


@pytest.mark.parametrize("status", list(Status))
def test_the_review_is_written_only_while_the_contract_is_under_review(status: Status) -> None:
    writes = permissions.can_review(person("advisor"), contract(status))
    assert writes is (status == Status.IN_REVIEW)


@pytest.mark.parametrize("status", list(Status))
def test_the_school_closes_only_after_the_opinion(status: Status) -> None:
    closes = permissions.can_close(person("school"), contract(status))
    assert closes is (status == Status.REVIEWED)


@pytest.mark.parametrize("status", list(Status))
@pytest.mark.parametrize("who", WHO)
def test_the_service_refuses_exactly_whom_can_review_refuses(
    app: Flask, who: str, status: Status
) -> None:
    """check_reviewer says why: another user is Forbidden, the advisor early or late is a
    Conflict naming the status (the review page sends them back with it)."""
    actor, found = person(who), contract(status)
    with app.test_request_context():
        if permissions.can_review(actor, found):
            services.check_reviewer(actor, found)
            return
        expected = Conflict if who == "advisor" else Forbidden
        with pytest.raises(expected):
            services.check_reviewer(actor, found)
