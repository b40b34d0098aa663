"""The workflow table as pure units: every (status, action, role) against DESIGN.md's drawing."""

from __future__ import annotations

import itertools

import pytest

from advisor.accounts.models import Role
from advisor.contracts.models import Status
from advisor.contracts.workflow import (
    OPEN,
    TRANSITIONS,
    Action,
    actions_for,
    next_status,
    roles_for,
)

S, A = Status, Action

# DESIGN.md "The contract workflow", written out independently of the code's table.
EXPECTED: dict[tuple[Status, Action], tuple[Status, str]] = {
    (S.SUBMITTED, A.START): (S.IN_REVIEW, Role.ADVISOR),
    (S.IN_REVIEW, A.RETURN): (S.RETURNED, Role.ADVISOR),
    (S.IN_REVIEW, A.ISSUE): (S.REVIEWED, Role.ADVISOR),
    (S.RETURNED, A.REVISE): (S.SUBMITTED, Role.SCHOOL),
    (S.REVIEWED, A.REVISE): (S.SUBMITTED, Role.SCHOOL),
    (S.REVIEWED, A.CLOSE): (S.CLOSED, Role.SCHOOL),
    (S.SUBMITTED, A.WITHDRAW): (S.WITHDRAWN, Role.SCHOOL),
    (S.IN_REVIEW, A.WITHDRAW): (S.WITHDRAWN, Role.SCHOOL),
    (S.RETURNED, A.WITHDRAW): (S.WITHDRAWN, Role.SCHOOL),
}

EVERY_CASE = list(itertools.product(Status, Action, Role))


def test_the_table_is_the_drawing() -> None:
    assert {key: (step.to, set(step.roles)) for key, step in TRANSITIONS.items()} == {
        key: (to, {role}) for key, (to, role) in EXPECTED.items()
    }


@pytest.mark.parametrize(
    ("status", "action", "role"), EVERY_CASE, ids=["-".join(case) for case in EVERY_CASE]
)
def test_next_status_for_every_status_action_and_role(
    status: Status, action: Action, role: Role
) -> None:
    expected = EXPECTED.get((status, action))
    allowed = expected is not None and expected[1] == role
    assert next_status(status, action, role) == (expected[0] if allowed else None)
    assert (action in actions_for(status, role)) is allowed


def test_next_status_accepts_plain_strings() -> None:
    assert next_status("submitted", "start", "advisor") == Status.IN_REVIEW
    assert next_status("reviewed", "close", "school") == Status.CLOSED


@pytest.mark.parametrize(
    ("status", "action", "role"),
    [
        ("archived", "start", "advisor"),  # unknown status
        ("submitted", "approve", "advisor"),  # unknown action
        ("submitted", "start", "janitor"),  # unknown role
        ("", "", ""),
    ],
)
def test_next_status_refuses_unknown_values(status: str, action: str, role: str) -> None:
    assert next_status(status, action, role) is None


@pytest.mark.parametrize(
    ("action", "roles"),
    [
        (A.START, {Role.ADVISOR}),
        (A.RETURN, {Role.ADVISOR}),
        (A.ISSUE, {Role.ADVISOR}),
        (A.REVISE, {Role.SCHOOL}),
        (A.CLOSE, {Role.SCHOOL}),
        (A.WITHDRAW, {Role.SCHOOL}),
        ("approve", set()),
    ],
)
def test_roles_for(action: str, roles: set[str]) -> None:
    assert roles_for(action) == roles


def test_the_bureau_takes_no_workflow_action() -> None:
    for action in Action:
        assert Role.BUREAU not in roles_for(action)
    for status in Status:
        assert actions_for(status, Role.BUREAU) == []


@pytest.mark.parametrize(
    ("status", "role", "actions"),
    [
        (S.SUBMITTED, Role.ADVISOR, [A.START]),
        (S.SUBMITTED, Role.SCHOOL, [A.WITHDRAW]),
        (S.IN_REVIEW, Role.ADVISOR, [A.RETURN, A.ISSUE]),
        (S.IN_REVIEW, Role.SCHOOL, [A.WITHDRAW]),
        (S.RETURNED, Role.ADVISOR, []),
        (S.RETURNED, Role.SCHOOL, [A.REVISE, A.WITHDRAW]),
        (S.REVIEWED, Role.ADVISOR, []),
        (S.REVIEWED, Role.SCHOOL, [A.REVISE, A.CLOSE]),
        (S.CLOSED, Role.SCHOOL, []),
        (S.CLOSED, Role.ADVISOR, []),
        (S.WITHDRAWN, Role.SCHOOL, []),
        (S.WITHDRAWN, Role.ADVISOR, []),
    ],
)
def test_actions_for(status: Status, role: Role, actions: list[Action]) -> None:
    assert sorted(actions_for(status, role)) == sorted(actions)


def test_no_withdrawal_after_an_opinion() -> None:
    for status in (S.REVIEWED, S.CLOSED, S.WITHDRAWN):
        assert next_status(status, A.WITHDRAW, Role.SCHOOL) is None


def test_closed_and_withdrawn_are_final() -> None:
    for status, action, role in itertools.product((S.CLOSED, S.WITHDRAWN), Action, Role):
        assert next_status(status, action, role) is None


def test_open_statuses_are_those_before_an_opinion() -> None:
    assert {S.SUBMITTED, S.IN_REVIEW, S.RETURNED} == OPEN
