"""Who may do what with a contract's reviews: pure predicates on the user and the object.

No database, no request: views, services and the API ask the same questions here. A
predicate answers yes or no; the service that refuses says why (Forbidden or Conflict).
The contract a view asks about was loaded through the user's scope already, so these
say who among those who can see it may act. Hiding a button on a page is never the
check: the service asks again.
"""

from __future__ import annotations

from advisor.accounts.models import Role, User
from advisor.contracts.models import Contract
from advisor.contracts.workflow import Action, next_status
from advisor.directory.models import Advisor
from advisor.reviews.models import Review


def is_contract_advisor(user: User, contract: Contract) -> bool:
    """The advisor the contract is assigned to (a backup who can see it is not)."""
    return user.role == Role.ADVISOR and user.advisor_id == contract.advisor_id


def is_contract_school(user: User, contract: Contract) -> bool:
    """A user of the school that submitted the contract."""
    return user.role == Role.SCHOOL and user.school_id == contract.school_id


def can_review(user: User, contract: Contract) -> bool:
    """Write, save and issue the contract's review: its advisor, while it is under review
    (the workflow lets them issue or return it from there)."""
    return (
        is_contract_advisor(user, contract)
        and next_status(contract.status, Action.ISSUE, user.role) is not None
    )


def can_see_draft(user: User, contract: Contract) -> bool:
    """A review in progress is the advisors' work: an advisor who can see the contract sees
    its draft; the school and the bureau see only what was issued."""
    return user.role == Role.ADVISOR


def can_see_contract_ratings(user: User, contract: Contract, *, anonymous: bool) -> bool:
    """The school's ratings on the contract page. While ratings are anonymous, advisors do
    not see them there: next to one contract, a rating names the school that gave it."""
    return not (anonymous and user.role == Role.ADVISOR)


def can_rate_opinion(user: User, contract: Contract) -> bool:
    """Rate the contract's opinion (once; the service refuses a second rating): its school."""
    return is_contract_school(user, contract)


def can_close(user: User, contract: Contract) -> bool:
    """Record the result of the contract: its school, once the opinion is issued."""
    return (
        is_contract_school(user, contract)
        and next_status(contract.status, Action.CLOSE, user.role) is not None
    )


def can_mark_redo(user: User, review: Review) -> bool:
    """Mark an issued opinion as one to be redone: the bureau (the service refuses a return,
    a draft and an opinion already marked)."""
    return user.role == Role.BUREAU


def can_see_advisor_rating(user: User, advisor: Advisor) -> bool:
    """An advisor's average rating: the bureau and the advisor themself."""
    return user.role == Role.BUREAU or (user.role == Role.ADVISOR and user.advisor_id == advisor.id)


def can_see_seal_register(user: User) -> bool:
    """The seal-use register: the bureau (every school's) and school users (their own
    school's, the query's scope). Advisors do not: the seal is the school's act, after
    their review."""
    return user.role in (Role.BUREAU, Role.SCHOOL)
