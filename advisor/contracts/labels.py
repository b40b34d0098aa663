"""Display labels of contract types and statuses, in the user's language (DOMAIN.md's terms)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from advisor.contracts.models import ContractType, Status

TYPE_LABELS = {
    ContractType.PROCUREMENT: _l("Procurement"),
    ContractType.CONSTRUCTION: _l("Construction and repair"),
    ContractType.SERVICE: _l("Service outsourcing"),
    ContractType.LEASE: _l("Lease"),
    ContractType.CATERING: _l("Canteen and catering"),
    ContractType.UNIFORM: _l("School uniforms"),
    ContractType.SCHOOL_BUS: _l("School bus"),
    ContractType.COOPERATION: _l("Cooperation and study tours"),
    ContractType.EMPLOYMENT: _l("Labour and engagement"),
    ContractType.INSURANCE: _l("Insurance"),
    ContractType.DONATION: _l("Donation"),
    ContractType.OTHER: _l("Other"),
}

STATUS_LABELS = {
    Status.SUBMITTED: _l("Awaiting review"),
    Status.IN_REVIEW: _l("Under review"),
    Status.RETURNED: _l("Returned for changes"),
    Status.REVIEWED: _l("Opinion issued"),
    Status.CLOSED: _l("Closed"),
    Status.WITHDRAWN: _l("Withdrawn"),
}

ACTION_LABELS = {
    "submit": _l("Submitted"),
    "start": _l("Review started"),
    "return": _l("Returned for changes"),
    "issue": _l("Opinion issued"),
    "revise": _l("Revised version uploaded"),
    "close": _l("Closed"),
    "withdraw": _l("Withdrawn"),
    "reassign": _l("Reassigned"),
    "download": _l("File downloaded"),
    "route_backup": _l("Sent to the backup advisor"),
    "due_recomputed": _l("Due date recalculated (working-day calendar changed)"),
    "precheck_carried": _l("Dismissed pre-check hits carried over (their text is unchanged)"),
}
