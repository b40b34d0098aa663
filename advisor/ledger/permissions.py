"""Who may see and record ledger entries: pure rules, asked by views, API and services."""

from __future__ import annotations

from advisor.accounts.models import Role, User
from advisor.ledger.models import ExportJob, LedgerEntry


def can_see_all_entries(user: User) -> bool:
    """The bureau sees every entry; an advisor its own; a school the work done for it."""
    return user.role == Role.BUREAU


def can_see_entry(user: User, entry: LedgerEntry) -> bool:
    """The bureau any entry; an advisor its own; a school the work done for it."""
    if can_see_all_entries(user):
        return True
    if user.role == Role.ADVISOR:
        return user.advisor_id is not None and entry.advisor_id == user.advisor_id
    return (
        user.role == Role.SCHOOL
        and user.school_id is not None
        and entry.school_id == user.school_id
    )


def can_record_work(user: User) -> bool:
    """Advisors and the bureau record work; schools do not."""
    return user.role in (Role.ADVISOR, Role.BUREAU)


def can_record_on_behalf(user: User) -> bool:
    """The bureau records work for any advisor (marked as on their behalf)."""
    return user.role == Role.BUREAU


def can_record_work_for(user: User, advisor_id: int) -> bool:
    """The bureau records for any advisor; an advisor only their own work."""
    if can_record_on_behalf(user):
        return True
    return user.role == Role.ADVISOR and user.advisor_id == advisor_id


def is_bound_to_served_schools(user: User) -> bool:
    """An advisor records work only at schools they served on that day; the bureau anywhere."""
    return user.role == Role.ADVISOR


def own_advisor_id(user: User) -> int | None:
    """The one advisor whose work the user is limited to (an advisor: itself), else None."""
    return user.advisor_id if user.role == Role.ADVISOR else None


def can_filter_by_advisor(user: User) -> bool:
    """The bureau narrows the ledger by advisor; an advisor sees only its own work."""
    return user.role == Role.BUREAU


def can_filter_by_school(user: User) -> bool:
    """Advisors and the bureau narrow the ledger by school; a school sees only its own."""
    return user.role != Role.SCHOOL


def can_verify_ledger(user: User) -> bool:
    """The bureau recomputes the hash chain of the whole ledger."""
    return user.role == Role.BUREAU


def can_see_export_job(user: User, job: ExportJob) -> bool:
    """An export job and its file are its author's alone, the bureau's included: the file
    holds the ledger as that user sees it, with the filters they chose, and another user
    asks for their own (the bureau sees the whole ledger through its own exports)."""
    return job.user_id == user.id
