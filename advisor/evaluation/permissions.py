"""Who may see, run, adjust and answer evaluations, and who is evaluated: pure rules.

Views, the API and the services ask these instead of comparing roles.
"""

from __future__ import annotations

from advisor.accounts.models import Role, User
from advisor.evaluation.models import Evaluation


def can_manage_evaluations(user: User) -> bool:
    """The bureau runs, adjusts, publishes and exports evaluations and sees every one."""
    return user.role == Role.BUREAU


def can_edit_rule_sets(user: User) -> bool:
    """The bureau edits, imports and chooses the evaluation rules."""
    return user.role == Role.BUREAU


def can_answer_objections(user: User) -> bool:
    """The bureau answers advisors' objections."""
    return user.role == Role.BUREAU


def is_evaluated(user: User) -> bool:
    """An advisor's account is evaluated: it has results, self-evaluates and objects."""
    return user.role == Role.ADVISOR and user.advisor_id is not None


def can_self_evaluate(user: User) -> bool:
    """Only an evaluated advisor writes a self-evaluation, their own."""
    return is_evaluated(user)


def can_object(user: User) -> bool:
    """Only the advisor evaluated objects, to their own published result."""
    return is_evaluated(user)


def can_see_evaluation(user: User, evaluation: Evaluation) -> bool:
    """The bureau sees every evaluation; advisors the published ones; schools none."""
    if can_manage_evaluations(user):
        return True
    return user.role == Role.ADVISOR and evaluation.status == "published"


def can_see_ranking(user: User, evaluation: Evaluation) -> bool:
    """The whole ranking is the bureau's; an advisor sees only their own result."""
    return can_manage_evaluations(user)


def can_see_result(user: User, evaluation: Evaluation, advisor_id: int) -> bool:
    """The bureau any result; an advisor their own in a published evaluation."""
    if not can_see_evaluation(user, evaluation):
        return False
    return can_see_ranking(user, evaluation) or user.advisor_id == advisor_id
