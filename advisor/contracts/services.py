"""Contract rules: submission with its file (routed and given its due date by routing.py),
versions, withdrawal, reassignment, downloads, and the one ``transition`` every status
change goes through.

Every function adds and flushes; the caller commits (and wraps the call in
``FileStore.pending()`` so a failed commit leaves no file behind).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy import orm

from advisor.accounts import services as accounts
from advisor.accounts.models import Role, User
from advisor.contracts import calendar as bureau_calendar
from advisor.contracts import permissions, routing
from advisor.contracts.extraction import Extracted
from advisor.contracts.files import FileStore
from advisor.contracts.labels import STATUS_LABELS
from advisor.contracts.models import (
    Contract,
    ContractEvent,
    ContractType,
    ContractVersion,
    PageText,
    Status,
)
from advisor.contracts.signals import contract_submitted, version_added
from advisor.contracts.workflow import OPEN, Action, next_status, roles_for
from advisor.directory.models import Advisor, School
from advisor.errors import Conflict, Forbidden, ValidationError
from advisor.text import LINE, NOTE, too_long
from advisor.workdays import working_days_between


@dataclass(frozen=True, slots=True)
class ContractData:
    title: str
    counterparty: str
    contract_type: str
    amount: Decimal
    start_on: date
    end_on: date
    is_urgent: bool = False
    note: str = ""
    origin: str = ""  # what it was started from (contract_submitted's receivers read it)


@dataclass(frozen=True, slots=True)
class Upload:
    """A checked file: its bytes, the name the user gave it, what extraction found."""

    file_name: str
    data: bytes
    extracted: Extracted


# Typed text, in characters (advisor.text): title and counterparty are String(200) columns;
# a withdrawal's or reassignment's reason is kept in the contract's history.
TEXT_LIMITS = {"title": LINE, "counterparty": LINE, "note": NOTE}
REASON_MAX = 500


def _check_reason(reason: str) -> None:
    if problems := too_long({"reason": reason.strip()}, {"reason": REASON_MAX}):
        raise ValidationError(_l("Some values are not valid."), fields=problems)


def check_contract_data(data: ContractData) -> dict[str, Any]:
    """Problems with the submitted values, by field (empty when valid)."""
    problems: dict[str, Any] = {}
    if not data.title.strip():
        problems["title"] = _l("Enter the contract's title.")
    if not data.counterparty.strip():
        problems["counterparty"] = _l("Enter the other party of the contract.")
    if data.contract_type not in {t.value for t in ContractType}:
        problems["contract_type"] = _l("Choose a contract type from the list.")
    if data.amount < 0:
        problems["amount"] = _l("The amount cannot be negative.")
    if data.end_on < data.start_on:
        problems["end_date"] = _l("The end date is before the start date.")
    texts = {"title": data.title, "counterparty": data.counterparty, "note": data.note}
    return too_long(texts, TEXT_LIMITS) | problems


# --- audit and transitions -----------------------------------------------------------


def record_event(
    session: orm.Session,
    contract: Contract,
    actor: User | None,
    action: str,
    *,
    now: datetime,
    from_status: str | None = None,
    to_status: str | None = None,
    **detail: Any,
) -> ContractEvent:
    event = ContractEvent(
        contract=contract,
        actor_id=actor.id if actor else None,
        at=now,
        action=action,
        from_status=from_status,
        to_status=to_status,
        detail=detail,
    )
    session.add(event)
    return event


def check_lock(contract: Contract, lock_version: int | None) -> None:
    """Refuse work based on an older state of the contract than the current one."""
    if lock_version is not None and lock_version != contract.lock_version:
        raise Conflict(
            _l(
                "This contract was changed by someone else in the meantime (it is now:"
                " %(status)s). Reload it and try again.",
                status=str(_status_label(contract.status)),
            )
        )


def check_transition(actor: User, contract: Contract, action: Action) -> Status:
    """The status ``action`` would lead to, or why not: Forbidden when the actor's role
    never takes this action or the contract is not theirs, Conflict (naming the current
    status) when the workflow does not allow it from here."""
    if actor.role not in roles_for(action):
        raise Forbidden(_l("Your role cannot do this."))
    if not permissions.can_see_contract(actor, contract):
        if actor.role == Role.SCHOOL:
            raise Forbidden(_l("This contract belongs to another school."))
        raise Forbidden(_l("This contract is assigned to another advisor."))
    target = next_status(contract.status, action, actor.role)
    if target is None:
        raise Conflict(
            _l(
                "This cannot be done while the contract is %(status)s.",
                status=str(_status_label(contract.status)),
            ),
            fields={"status": contract.status},
        )
    return target


def transition(
    session: orm.Session,
    *,
    actor: User,
    contract: Contract,
    action: Action,
    now: datetime,
    lock_version: int | None = None,
    **detail: Any,
) -> Status:
    """Move ``contract`` along the workflow table (see check_transition for refusals).

    A stale ``lock_version`` is a Conflict. Writes the audit event; the update bumps
    the lock version, so a concurrent transition from the same state fails at flush
    with StaleDataError, which the web layer answers with 409.
    """
    target = check_transition(actor, contract, action)
    check_lock(contract, lock_version)
    before = contract.status
    contract.status = target
    record_event(
        session, contract, actor, action, now=now, from_status=before, to_status=target, **detail
    )
    session.flush()
    return target


def _status_label(status: str) -> Any:
    return STATUS_LABELS.get(status, status)  # type: ignore[call-overload]


# --- submission and versions ---------------------------------------------------------


def add_version(
    session: orm.Session,
    contract: Contract,
    upload: Upload,
    *,
    actor: User,
    store: FileStore,
    note: str,
    now: datetime,
    is_signed: bool = False,
) -> ContractVersion:
    """Store the file and add it as the next version (text by page, search text)."""
    number = (
        session.scalar(
            sa.select(sa.func.max(ContractVersion.number)).where(
                ContractVersion.contract_id == contract.id
            )
        )
        or 0
    ) + 1
    digest = store.put(upload.data)
    found = upload.extracted
    version = ContractVersion(
        contract_id=contract.id,
        number=number,
        sha256=digest,
        size=len(upload.data),
        file_name=upload.file_name[:255] or f"contract.{found.media_type}",
        media_type=found.media_type,
        pages=found.page_count,
        has_text=found.has_text,
        extractor=found.extractor,
        note=note,
        uploaded_at=now,
        uploaded_by_id=actor.id,
        is_signed=is_signed,
    )
    session.add(version)
    session.flush()
    session.add_all(
        PageText(version_id=version.id, page=i, text=text)
        for i, text in enumerate(found.pages, start=1)
    )
    contract.search_text = "\n".join([contract.title, contract.counterparty, *found.pages]).lower()
    session.flush()
    if not is_signed:
        version_added.send(
            None, session=session, contract=contract, version=version, pages=list(found.pages)
        )
    return version


def submit_contract(
    session: orm.Session,
    *,
    actor: User,
    data: ContractData,
    upload: Upload,
    store: FileStore,
    today: date,
    now: datetime,
) -> Contract:
    """A school submits a contract with its file: routed, due in N working days, version 1.

    Raises Forbidden for a non-school actor, ValidationError for bad values, and
    Conflict when no advisor can take it (the bureau is notified).
    """
    if not permissions.can_submit_contract(actor):
        raise Forbidden(_l("Only a school's staff can submit contracts."))
    problems = check_contract_data(data)
    if problems:
        raise ValidationError(_l("Some values are not valid."), fields=problems)
    school = session.get_one(School, actor.school_id)
    routed = routing.route(session, school, data.counterparty, today)
    days = bureau_calendar.working_days_for(session, data.contract_type, data.is_urgent)
    contract = Contract(
        title=data.title.strip(),
        counterparty=data.counterparty.strip(),
        contract_type=data.contract_type,
        amount=data.amount,
        start_on=data.start_on,
        end_on=data.end_on,
        is_urgent=data.is_urgent,
        note=data.note.strip(),
        school_id=school.id,
        advisor_id=routed.advisor.id,
        submitted_by_id=actor.id,
        status=Status.SUBMITTED,
        due_on=routing.due_date(session, today, days),
        submitted_at=now,
    )
    session.add(contract)
    session.flush()
    if data.origin:  # before the version, whose pre-check may read what it started from
        contract_submitted.send(
            None, session=session, actor=actor, contract=contract, origin=data.origin
        )
    add_version(session, contract, upload, actor=actor, store=store, note="", now=now)
    record_event(
        session,
        contract,
        actor,
        "submit",
        now=now,
        to_status=Status.SUBMITTED,
        advisor_id=routed.advisor.id,
        days=days,
        due_on=contract.due_on.isoformat() if contract.due_on else None,
    )
    link = f"/contracts/{contract.id}"
    if routed.reason is not None:
        record_event(
            session,
            contract,
            None,
            "route_backup",
            now=now,
            reason=routed.reason,
            advisor_id=routed.advisor.id,
        )
        accounts.notify(
            session,
            accounts.bureau_user_ids(session),
            f"routed_{routed.reason}",
            link=link,
            title=contract.title,
            school=school.name,
            advisor=routed.advisor.name,
        )
    accounts.notify(
        session,
        accounts.advisor_user_ids(session, routed.advisor.id),
        "new_contract",
        link=link,
        title=contract.title,
        school=school.name,
    )
    return contract


def submit_revision(
    session: orm.Session,
    *,
    actor: User,
    contract: Contract,
    upload: Upload,
    note: str,
    store: FileStore,
    today: date,
    now: datetime,
    lock_version: int | None = None,
) -> ContractVersion:
    """The school uploads a revised version of a returned or reviewed contract.

    After a return the working days the advisor had left continue; after an opinion
    a fresh period starts. The contract goes back to ``submitted``. A note longer than
    a contract's note may be is a ValidationError.
    """
    if problems := too_long({"note": note}, {"note": TEXT_LIMITS["note"]}):
        raise ValidationError(_l("Some values are not valid."), fields=problems)
    was = contract.status
    transition(
        session,
        actor=actor,
        contract=contract,
        action=Action.REVISE,
        now=now,
        lock_version=lock_version,
    )
    if was == Status.RETURNED and contract.days_left is not None:
        days = max(1, contract.days_left)
    else:
        days = bureau_calendar.working_days_for(session, contract.contract_type, contract.is_urgent)
    contract.due_on = routing.due_date(session, today, days)
    contract.days_left = None
    version = add_version(session, contract, upload, actor=actor, store=store, note=note, now=now)
    accounts.notify(
        session,
        accounts.advisor_user_ids(session, contract.advisor_id),
        "revision",
        link=f"/contracts/{contract.id}",
        title=contract.title,
        number=version.number,
    )
    session.flush()
    return version


def stop_clock(session: orm.Session, contract: Contract, today: date) -> None:
    """On return: keep the working days left so the clock resumes on resubmission."""
    if contract.due_on is not None:
        calendar = bureau_calendar.load(session)
        contract.days_left = working_days_between(today, contract.due_on, calendar)


def start_review(
    session: orm.Session,
    *,
    actor: User,
    contract: Contract,
    now: datetime,
    lock_version: int | None = None,
) -> None:
    """The assigned advisor opens the review; the school is told it has started."""
    transition(
        session,
        actor=actor,
        contract=contract,
        action=Action.START,
        now=now,
        lock_version=lock_version,
    )
    accounts.notify(
        session,
        accounts.school_user_ids(session, contract.school_id),
        "review_started",
        link=f"/contracts/{contract.id}",
        title=contract.title,
    )


def withdraw(
    session: orm.Session,
    *,
    actor: User,
    contract: Contract,
    reason: str,
    now: datetime,
    lock_version: int | None = None,
) -> None:
    """The school withdraws a contract before an opinion is issued; a reason is required."""
    check_transition(actor, contract, Action.WITHDRAW)
    if not reason.strip():
        raise ValidationError(
            _l("Say why the contract is withdrawn."), fields={"reason": _l("Required.")}
        )
    _check_reason(reason)
    transition(
        session,
        actor=actor,
        contract=contract,
        action=Action.WITHDRAW,
        now=now,
        lock_version=lock_version,
        reason=reason.strip(),
    )
    accounts.notify(
        session,
        accounts.advisor_user_ids(session, contract.advisor_id),
        "withdrawn",
        link=f"/contracts/{contract.id}",
        title=contract.title,
    )


def reassign(
    session: orm.Session,
    *,
    actor: User,
    contract: Contract,
    advisor: Advisor,
    reason: str,
    now: datetime,
) -> None:
    """The bureau hands an open contract to another active advisor, with a reason."""
    if not permissions.can_reassign_contracts(actor):
        raise Forbidden(_l("Only the bureau can reassign contracts."))
    if contract.status not in OPEN:
        raise Conflict(_l("Only a contract that is still open can be reassigned."))
    if not reason.strip():
        raise ValidationError(
            _l("Say why the contract is reassigned."), fields={"reason": _l("Required.")}
        )
    _check_reason(reason)
    if not advisor.is_active:
        raise ValidationError(
            _l("This advisor is inactive."), fields={"advisor_id": _l("Choose an active advisor.")}
        )
    if advisor.id == contract.advisor_id:
        raise ValidationError(
            _l("The contract is already with this advisor."),
            fields={"advisor_id": _l("Choose a different advisor.")},
        )
    previous = contract.advisor_id
    contract.advisor_id = advisor.id
    record_event(
        session,
        contract,
        actor,
        "reassign",
        now=now,
        from_advisor_id=previous,
        to_advisor_id=advisor.id,
        reason=reason.strip(),
    )
    link = f"/contracts/{contract.id}"
    accounts.notify(
        session,
        accounts.advisor_user_ids(session, advisor.id),
        "new_contract",
        link=link,
        title=contract.title,
        school="",
    )
    accounts.notify(
        session,
        accounts.advisor_user_ids(session, previous),
        "reassigned_away",
        link="",
        title=contract.title,
    )
    session.flush()


# The columns that name a file of the store by its SHA-256: the contracts' versions, and
# those other domains add (model_contracts: the bureau's templates), so that no file
# check, prune or backup takes a file still in use for an orphan.
FILE_COLUMNS: list[orm.InstrumentedAttribute[str]] = [ContractVersion.sha256]


def referenced_files() -> sa.CompoundSelect[str]:
    """Every file digest a row refers to, once each, in order."""
    union = sa.union(*(sa.select(column) for column in FILE_COLUMNS))
    return union.order_by(sa.literal_column("1"))


def is_file_referenced(session: orm.Session, sha256: str) -> bool:
    return any(
        session.scalar(sa.select(sa.literal(1)).where(column == sha256).limit(1)) is not None
        for column in FILE_COLUMNS
    )


def record_download(
    session: orm.Session,
    *,
    actor: User,
    contract: Contract,
    version: ContractVersion,
    now: datetime,
) -> None:
    record_event(
        session, contract, actor, "download", now=now, version=version.number, sha256=version.sha256
    )
    session.flush()
