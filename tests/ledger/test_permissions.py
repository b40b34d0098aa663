"""Ledger rules for every role, on an entry of the own advisor's work at the own school."""

from __future__ import annotations

import pytest

from advisor.ledger import permissions
from advisor.ledger.models import ExportJob, LedgerEntry
from tests.roles import OWN_ADVISOR_ID, OWN_SCHOOL_ID, WHO, person, rules_of, table

EXPECTED = {
    "can_see_all_entries": ("bureau",),
    "can_see_entry": ("bureau", "advisor", "school"),
    "can_record_work": ("bureau", "advisor", "other_advisor"),
    "can_record_on_behalf": ("bureau",),
    "can_record_work_for": ("bureau", "advisor"),
    "is_bound_to_served_schools": ("advisor", "other_advisor"),
    "can_filter_by_advisor": ("bureau",),
    "can_filter_by_school": ("bureau", "advisor", "other_advisor"),
    "can_verify_ledger": ("bureau",),
    # A job started by the own advisor: theirs alone, not even the bureau's.
    "can_see_export_job": ("advisor",),
}


def ask(rule: str, who: str) -> bool:
    check = getattr(permissions, rule)
    if rule == "can_see_entry":
        entry = LedgerEntry(advisor_id=OWN_ADVISOR_ID, school_id=OWN_SCHOOL_ID)
        return bool(check(person(who), entry))
    if rule == "can_see_export_job":
        user = person(who)
        user.id = WHO.index(who) + 1
        return bool(check(user, ExportJob(user_id=WHO.index("advisor") + 1)))
    if rule == "can_record_work_for":
        return bool(check(person(who), OWN_ADVISOR_ID))
    return bool(check(person(who)))


@pytest.mark.parametrize(("rule", "who", "allowed"), table(EXPECTED))
def test_rule(rule: str, who: str, allowed: bool) -> None:
    assert ask(rule, who) is allowed


def test_work_done_at_no_school_is_not_a_school_s() -> None:
    entry = LedgerEntry(advisor_id=OWN_ADVISOR_ID, school_id=None)
    assert not permissions.can_see_entry(person("school"), entry)


@pytest.mark.parametrize("who", WHO)
def test_own_advisor_id(who: str) -> None:
    user = person(who)
    expected = user.advisor_id if who in ("advisor", "other_advisor") else None
    assert permissions.own_advisor_id(user) == expected


def test_every_rule_is_checked() -> None:
    assert rules_of(permissions) == {*EXPECTED, "own_advisor_id"}
