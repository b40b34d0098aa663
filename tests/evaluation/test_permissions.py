"""Evaluation rules for every role, on a draft and a published evaluation."""

from __future__ import annotations

import pytest

from advisor.evaluation import permissions
from advisor.evaluation.models import Evaluation
from tests.roles import OWN_ADVISOR_ID, person, rules_of, table

BUREAU_ONLY = ("bureau",)
ADVISORS = ("advisor", "other_advisor")

# On a published evaluation; the result asked about is the own advisor's.
EXPECTED = {
    "can_manage_evaluations": BUREAU_ONLY,
    "can_edit_rule_sets": BUREAU_ONLY,
    "can_answer_objections": BUREAU_ONLY,
    "is_evaluated": ADVISORS,
    "can_self_evaluate": ADVISORS,
    "can_object": ADVISORS,
    "can_see_evaluation": ("bureau", *ADVISORS),
    "can_see_ranking": BUREAU_ONLY,
    "can_see_result": ("bureau", "advisor"),
}
# On a draft, only the bureau sees anything.
DRAFT = {
    "can_see_evaluation": BUREAU_ONLY,
    "can_see_ranking": BUREAU_ONLY,
    "can_see_result": BUREAU_ONLY,
}


def ask(rule: str, who: str, status: str) -> bool:
    check = getattr(permissions, rule)
    evaluation = Evaluation(period="2025", status=status)
    if rule == "can_see_result":
        return bool(check(person(who), evaluation, OWN_ADVISOR_ID))
    if rule in ("can_see_evaluation", "can_see_ranking"):
        return bool(check(person(who), evaluation))
    return bool(check(person(who)))


@pytest.mark.parametrize(("rule", "who", "allowed"), table(EXPECTED))
def test_published(rule: str, who: str, allowed: bool) -> None:
    assert ask(rule, who, "published") is allowed


@pytest.mark.parametrize(("rule", "who", "allowed"), table(DRAFT))
def test_draft(rule: str, who: str, allowed: bool) -> None:
    assert ask(rule, who, "draft") is allowed


def test_an_advisor_account_without_its_advisor_is_not_evaluated() -> None:
    unlinked = person("advisor")
    unlinked.advisor_id = None
    assert not permissions.is_evaluated(unlinked)


def test_every_rule_is_checked() -> None:
    assert rules_of(permissions) == set(EXPECTED)
