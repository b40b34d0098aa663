"""Review rules: drafts, issuing an opinion or a return, feedback, closing, the rating setting.

Services add and flush; the caller commits. Refusals raise AppError subclasses:
ValidationError (fields named), Forbidden, Conflict (wrong status, stale lock).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal
from functools import cache
from typing import Any

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy import orm

from advisor.accounts import services as accounts
from advisor.accounts.models import User
from advisor.contracts import calendar as bureau_calendar
from advisor.contracts import services as contracts
from advisor.contracts.diff import Change
from advisor.contracts.files import FileStore
from advisor.contracts.models import Contract, ContractVersion, Status
from advisor.contracts.queries import version_text
from advisor.contracts.workflow import Action
from advisor.errors import Conflict, Forbidden, NotFound, ValidationError
from advisor.precheck import services as precheck
from advisor.precheck.models import PrecheckHit
from advisor.reviews import permissions, signing
from advisor.reviews.models import (
    Adoption,
    Closing,
    Dimension,
    Feedback,
    Finding,
    Outcome,
    Review,
    SealUse,
    Setting,
    Severity,
)
from advisor.reviews.signals import review_issued
from advisor.text import LINE, NOTE, OPINION, TEXT, too_long
from advisor.workdays import today_local, working_days_between

MAX_FINDINGS = 100
MAX_MINUTES = 60 * 24 * 5
ANONYMOUS_RATINGS = "anonymous_ratings"
# Typed text, in characters (advisor.text); a finding's clause is a String(200) column.
SUMMARY_MAX = OPINION
FINDING_LIMITS = {"clause": LINE, "problem": TEXT, "suggestion": TEXT, "legal_basis": TEXT}
NOTE_MAX = NOTE  # a feedback comment, a closing note, the reason to redo an opinion


@dataclass(frozen=True, slots=True)
class FindingData:
    dimension: str
    severity: str
    problem: str
    clause: str = ""
    suggestion: str = ""
    legal_basis: str = ""
    # The draft's finding this one edits; None for a finding new to the draft.
    id: int | None = None


@dataclass(frozen=True, slots=True)
class ReviewData:
    outcome: str | None
    summary: str
    minutes_spent: int
    findings: list[FindingData] = field(default_factory=list)
    # Earlier returned findings checked on this revision: finding id -> fixed?
    resolved: dict[int, bool] = field(default_factory=dict)


def check_review(data: ReviewData, *, issuing: bool) -> dict[str, Any]:
    """Problems by field (``findings-N-problem`` for a finding's field); empty when valid.

    A draft may be incomplete; an issued review needs an outcome and a summary, and a
    return or an approval with changes needs at least one finding saying what to change.
    """
    problems: dict[str, Any] = {}
    if data.outcome not in (None, "") and data.outcome not in {o.value for o in Outcome}:
        problems["outcome"] = _l("Choose one of the outcomes.")
    if not 0 <= data.minutes_spent <= MAX_MINUTES:
        problems["minutes_spent"] = _l("Between 0 and %(n)d minutes.", n=MAX_MINUTES)
    if len(data.findings) > MAX_FINDINGS:
        problems["findings"] = _l("At most %(n)d findings.", n=MAX_FINDINGS)
    for i, finding in enumerate(data.findings):
        for name, message in _check_finding(finding).items():
            problems[f"findings-{i}-{name}"] = message
    problems.update(too_long({"summary": data.summary}, {"summary": SUMMARY_MAX}))
    if issuing:
        if not data.outcome:
            problems["outcome"] = _l("Choose the outcome.")
        if not data.summary.strip():
            problems["summary"] = _l("Write the summary opinion.")
        if data.outcome in (Outcome.RETURN, Outcome.APPROVE_WITH_CHANGES) and not data.findings:
            problems["findings"] = _l("Add at least one finding saying what must change.")
    return problems


def _check_finding(finding: FindingData) -> dict[str, Any]:
    """One finding's problems by its field name."""
    problems: dict[str, Any] = {}
    if finding.dimension not in {d.value for d in Dimension}:
        problems["dimension"] = _l("Choose legality, clarity or operability.")
    if finding.severity not in {s.value for s in Severity}:
        problems["severity"] = _l("Choose low, medium or high.")
    if not finding.problem.strip():
        problems["problem"] = _l("Describe the problem.")
    texts = {name: getattr(finding, name) for name in FINDING_LIMITS}
    problems.update(too_long(texts, FINDING_LIMITS))
    return problems


def check_reviewer(actor: User, contract: Contract) -> None:
    """Refuse whom permissions.can_review does not let review the contract, saying why:
    Forbidden for anyone but its advisor, Conflict (naming the status) while it is not
    under review."""
    if permissions.can_review(actor, contract):
        return
    contracts.check_transition(actor, contract, Action.ISSUE)  # raises with the reason
    raise Forbidden(_l("Your role cannot do this."))  # both follow the workflow table


# A contract's page runs these for every view: built once per process with the
# contract's id bound, since building a statement anew costs SQLAlchemy more than
# running it (issue 19, item 3).


@cache
def _reviews_of(status: str) -> sa.Select[Review]:
    """A contract's reviews in ``status``, oldest first, with their findings in the same
    statement (the contract page shows them all)."""
    return (
        sa.select(Review)
        .where(Review.contract_id == sa.bindparam("contract_id"), Review.status == status)
        .options(orm.joinedload(Review.findings))
        .order_by(Review.id)
    )


@cache
def _feedback_of() -> sa.Select[Feedback]:
    return (
        sa.select(Feedback)
        .where(Feedback.contract_id == sa.bindparam("contract_id"))
        .order_by(Feedback.id)
    )


def get_draft(session: orm.Session, contract: Contract) -> Review | None:
    return session.scalars(_reviews_of("draft"), {"contract_id": contract.id}).unique().first()


def issued_reviews(session: orm.Session, contract: Contract) -> list[Review]:
    return list(session.scalars(_reviews_of("issued"), {"contract_id": contract.id}).unique())


def latest_of(issued: list[Review]) -> Review | None:
    """``latest_opinion`` read from the contract's issued reviews, oldest first."""
    opinions = [r for r in issued if r.outcome is not None and r.outcome != Outcome.RETURN]
    return opinions[-1] if opinions else None


def last_return(session: orm.Session, contract: Contract) -> Review | None:
    """The most recent issued return: its findings are what the school had to change."""
    return session.scalar(
        sa.select(Review)
        .where(
            Review.contract_id == contract.id,
            Review.status == "issued",
            Review.outcome == Outcome.RETURN,
        )
        .order_by(Review.id.desc())
        .limit(1)
    )


def _latest_version(session: orm.Session, contract: Contract) -> ContractVersion:
    version = session.scalar(
        sa.select(ContractVersion)
        .where(ContractVersion.contract_id == contract.id)
        .order_by(ContractVersion.number.desc())
        .limit(1)
    )
    assert version is not None, "a contract always has a first version"  # nosec B101
    return version


def _fill(session: orm.Session, review: Review, data: ReviewData, now: datetime) -> None:
    """Bring the review to ``data``. Findings are updated in place, never rebuilt, because
    pre-check hits point at them: a finding whose id the data names keeps its row (and
    the hits taken into it) with the new text and position; one without an id, or with
    an id that is not one of this review's findings (another tab removed it meanwhile,
    or it belongs elsewhere), is added, so nothing typed is lost and no other review's
    finding is touched; a finding the data leaves out is deleted, its hits reopened."""
    review.outcome = data.outcome or None
    review.summary = data.summary.strip()
    review.minutes_spent = data.minutes_spent
    review.updated_at = now
    existing = {finding.id: finding for finding in review.findings}
    kept: list[Finding] = []
    for position, f in enumerate(data.findings, start=1):
        finding = (existing.pop(f.id, None) if f.id else None) or Finding()
        finding.position = position
        finding.dimension = f.dimension
        finding.severity = f.severity
        finding.clause = f.clause.strip()
        finding.problem = f.problem.strip()
        finding.suggestion = f.suggestion.strip()
        finding.legal_basis = f.legal_basis.strip()
        kept.append(finding)
    precheck.reopen_hits(session, list(existing))
    review.findings = kept  # the ones left out are orphans now, deleted on flush


def _record_resolutions(
    session: orm.Session, contract: Contract, resolved: dict[int, bool]
) -> None:
    earlier = last_return(session, contract)
    if earlier is None:
        return
    for finding in earlier.findings:
        if finding.id in resolved:
            finding.resolved = resolved[finding.id]


def save_draft(
    session: orm.Session, *, actor: User, contract: Contract, data: ReviewData, now: datetime
) -> Review:
    """Keep the advisor's work in progress; it can be resumed and issued later."""
    check_reviewer(actor, contract)
    problems = check_review(data, issuing=False)
    if problems:
        raise ValidationError(_l("Some values are not valid."), fields=problems)
    # Saves of one contract's review queue on its row (PostgreSQL; SQLite's write lock
    # queues them anyway), so two tabs saving a first draft at once make one draft, not
    # a clash on the one-draft-per-contract index.
    session.execute(sa.select(Contract.id).where(Contract.id == contract.id).with_for_update())
    review = get_draft(session, contract)
    if review is None:
        review = Review(
            contract_id=contract.id,
            version_id=_latest_version(session, contract).id,
            advisor_id=contract.advisor_id,
            author_id=actor.id,
            status="draft",
            created_at=now,
        )
        session.add(review)
        session.flush()
    _fill(session, review, data, now)
    _record_resolutions(session, contract, data.resolved)
    session.flush()
    return review


def take_hit(
    session: orm.Session,
    *,
    actor: User,
    contract: Contract,
    data: ReviewData,
    hit: PrecheckHit,
    now: datetime,
) -> Review:
    """Save the draft with ``data``, whose last finding is the one made from ``hit``, and
    mark the hit taken into that finding, so removing the finding later reopens it.
    Refuses as save_draft does, and with Conflict a hit already taken or dismissed."""
    review = save_draft(session, actor=actor, contract=contract, data=data, now=now)
    precheck.mark_taken(
        session,
        actor=actor,
        contract=contract,
        hit=hit,
        finding_id=review.findings[-1].id if review.findings else None,
        now=now,
    )
    return review


def issue_review(
    session: orm.Session,
    *,
    actor: User,
    contract: Contract,
    data: ReviewData,
    today: date,
    now: datetime,
    lock_version: int | None = None,
) -> Review:
    """Issue the review: ``return`` sends the contract back to the school with the
    findings as what to change (the review clock stops); any other outcome is the
    opinion and the contract becomes ``reviewed``. Records the ledger entry (through
    the review_issued signal) and notifies the school, all in this transaction."""
    check_reviewer(actor, contract)
    problems = check_review(data, issuing=True)
    if problems:
        raise ValidationError(_l("Some values are not valid."), fields=problems)
    contracts.check_lock(contract, lock_version)
    review = save_draft(session, actor=actor, contract=contract, data=data, now=now)
    review.due_on = contract.due_on
    action = Action.RETURN if data.outcome == Outcome.RETURN else Action.ISSUE
    if action == Action.RETURN:
        contracts.stop_clock(session, contract, today)
    else:
        contract.outcome = data.outcome
    contracts.transition(
        session,
        actor=actor,
        contract=contract,
        action=action,
        now=now,
        review_id=review.id,
        outcome=data.outcome,
    )
    review.status = "issued"
    review.issued_at = now
    received = session.get_one(ContractVersion, review.version_id).uploaded_at
    review.working_days = working_days_between(
        today_local(received), today, bureau_calendar.load(session)
    )
    review.number = f"{today.year}-{review.id:05d}"
    session.flush()
    review_issued.send(None, session=session, review=review, contract=contract)
    kind = "returned" if action == Action.RETURN else "opinion"
    accounts.notify(
        session,
        accounts.school_user_ids(session, contract.school_id),
        kind,
        link=f"/contracts/{contract.id}",
        title=contract.title,
    )
    return review


def mark_for_redo(
    session: orm.Session, *, actor: User, review: Review, reason: str, now: datetime
) -> Review:
    """The bureau records that an issued opinion has to be redone, with its reason; the
    advisor is notified and the evaluation counts it. Marking is done once."""
    if not permissions.can_mark_redo(actor, review):
        raise Forbidden(_l("Only the bureau marks opinions to be redone."))
    if review.status != "issued" or review.outcome == Outcome.RETURN.value:
        raise Conflict(_l("Only an issued opinion can be marked to be redone."))
    if review.redo_marked_at is not None:
        raise Conflict(_l("This opinion is already marked to be redone."))
    reason = reason.strip()
    if not reason:
        raise ValidationError(
            _l("Say why the opinion has to be redone."), fields={"reason": _l("Required.")}
        )
    if problems := too_long({"reason": reason}, {"reason": NOTE_MAX}):
        raise ValidationError(_l("Some values are not valid."), fields=problems)
    review.redo_reason = reason
    review.redo_marked_at = now
    review.redo_marked_by_id = actor.id
    session.flush()
    accounts.notify(
        session,
        accounts.advisor_user_ids(session, review.advisor_id),
        "redo",
        link=f"/contracts/{review.contract_id}",
        number=review.number or "",
    )
    return review


# --- the school's side --------------------------------------------------------------


def latest_opinion(session: orm.Session, contract: Contract) -> Review | None:
    """The most recent issued review that is an opinion (not a return)."""
    return session.scalar(
        sa.select(Review)
        .where(
            Review.contract_id == contract.id,
            Review.status == "issued",
            Review.outcome != Outcome.RETURN,
        )
        .order_by(Review.id.desc())
        .limit(1)
    )


def give_feedback(
    session: orm.Session,
    *,
    actor: User,
    contract: Contract,
    rating: int,
    comment: str,
    now: datetime,
) -> Feedback:
    """The school rates the latest opinion once (1 to 5, optional comment)."""
    if not permissions.can_rate_opinion(actor, contract):
        raise Forbidden(_l("Only the contract's school can do this."))
    opinion = latest_opinion(session, contract)
    if opinion is None:
        raise Conflict(_l("There is no opinion to rate yet."))
    if not isinstance(rating, int) or not 1 <= rating <= 5:
        raise ValidationError(_l("Rate from 1 to 5."), fields={"rating": _l("From 1 to 5.")})
    if problems := too_long({"comment": comment.strip()}, {"comment": NOTE_MAX}):
        raise ValidationError(_l("Some values are not valid."), fields=problems)
    if session.scalar(sa.select(Feedback.id).where(Feedback.review_id == opinion.id)):
        raise Conflict(_l("This opinion has already been rated."))
    feedback = Feedback(
        review_id=opinion.id,
        contract_id=contract.id,
        advisor_id=opinion.advisor_id,
        rating=rating,
        comment=comment.strip(),
        created_by_id=actor.id,
        created_at=now,
    )
    session.add(feedback)
    session.flush()
    accounts.notify(
        session,
        accounts.advisor_user_ids(session, opinion.advisor_id),
        "rated",
        link=f"/contracts/{contract.id}",
        title=contract.title,
    )
    return feedback


def close_contract(
    session: orm.Session,
    *,
    actor: User,
    contract: Contract,
    result: str,
    adoption: str | None,
    note: str,
    now: datetime,
    signed: contracts.Upload | None = None,
    store: FileStore | None = None,
    lock_version: int | None = None,
    seal: signing.SealData | None = None,
    difference_reason: str = "",
) -> Closing:
    """The school records the result (signed / abandoned), whether it took the advice,
    and optionally the signed copy, kept as a version marked signed.

    A signing also records the seal use (``check_seal``; ``today`` is ``now`` in Beijing).
    A signed copy whose text is not that of the version the latest opinion was issued on
    needs ``difference_reason``; without one the close is refused with
    signing.SignedCopyDiffers,
    which carries the changed lines. Nothing is recorded on any refusal. An abandoned
    contract records no seal use (``seal`` is not looked at) and no reason."""
    contracts.check_transition(actor, contract, Action.CLOSE)
    reason = difference_reason.strip()
    problems: dict[str, Any] = {}
    if result not in ("signed", "abandoned"):
        problems["result"] = _l("Choose signed or abandoned.")
    if adoption not in (None, "") and adoption not in {a.value for a in Adoption}:
        problems["adoption"] = _l("Choose fully, partly or not adopted.")
    problems.update(
        too_long(
            {"note": note.strip(), "difference_reason": reason},
            {"note": NOTE_MAX, "difference_reason": signing.DIFFERENCE_REASON_MAX},
        )
    )
    if signed is not None and result != "signed":
        problems["file"] = _l("A signed copy only goes with a signed contract.")
    if result == "signed":
        submitted_on = today_local(contract.submitted_at)
        today = today_local(now)
        problems.update(signing.check_seal(seal, today=today, submitted_on=submitted_on))
    changes = signed_copy_changes(session, contract, signed) if signed is not None else None
    refusal = signing.difference_refusal(changes, reason) if changes is not None else None
    if refusal is not None:
        refusal.fields.update(problems)
        raise refusal
    if problems:
        raise ValidationError(_l("Some values are not valid."), fields=problems)
    contracts.transition(
        session,
        actor=actor,
        contract=contract,
        action=Action.CLOSE,
        now=now,
        lock_version=lock_version,
        result=result,
    )
    contract.result = result
    version_id = None
    if signed is not None and store is not None:
        version = contracts.add_version(
            session, contract, signed, actor=actor, store=store, note="", now=now, is_signed=True
        )
        version_id = version.id
    closing = Closing(
        contract_id=contract.id,
        result=result,
        adoption=adoption or None,
        adoption_note=note.strip(),
        signed_version_id=version_id,
        difference_reason=reason if changes is not None else "",
        closed_at=now,
        closed_by_id=actor.id,
    )
    session.add(closing)
    if result == "signed" and seal is not None and seal.used_on is not None:
        session.add(
            SealUse(
                contract_id=contract.id,
                school_id=contract.school_id,
                seal=seal.seal,
                approved_by=seal.approved_by.strip(),
                used_on=seal.used_on,
                copies=seal.copies,
                recorded_at=now,
                recorded_by_id=actor.id,
            )
        )
    session.flush()
    return closing


def signed_copy_changes(
    session: orm.Session, contract: Contract, signed: contracts.Upload
) -> list[Change] | None:
    """signing.changes_from_reviewed for the version the latest opinion was issued on;
    None when there is no opinion to compare with."""
    opinion = latest_opinion(session, contract)
    if opinion is None:
        return None
    reviewed = version_text(session, session.get_one(ContractVersion, opinion.version_id))
    return signing.changes_from_reviewed(reviewed, list(signed.extracted.pages))


def get_seal_use(session: orm.Session, contract: Contract) -> SealUse | None:
    """The seal use recorded when the contract was signed, if it was."""
    if contract.status != Status.CLOSED or contract.result != "signed":
        return None
    return session.get(SealUse, contract.id)


# --- ratings ------------------------------------------------------------------------


def ratings_are_anonymous(session: orm.Session) -> bool:
    row = session.get(Setting, ANONYMOUS_RATINGS)
    return row is None or row.value == "1"


def set_anonymous_ratings(session: orm.Session, anonymous: bool) -> None:
    row = session.get(Setting, ANONYMOUS_RATINGS) or Setting(key=ANONYMOUS_RATINGS)
    row.value = "1" if anonymous else "0"
    session.add(row)
    session.flush()


def average_rating(
    session: orm.Session, *where: sa.ColumnElement[bool]
) -> tuple[Decimal | None, int]:
    """(average to two places, half up; number) of the school ratings matching ``where``."""
    rated, total = session.execute(
        sa.select(sa.func.count(Feedback.id), sa.func.sum(Feedback.rating)).where(*where)
    ).one()
    return rating_average(rated, total)


def rating_average(rated: int | None, total: int | None) -> tuple[Decimal | None, int]:
    """(average to two places, half up; number) of ``rated`` ratings adding up to ``total``."""
    if not rated or total is None:
        return None, 0
    average = (Decimal(total) / Decimal(rated)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    return average, int(rated)


def advisor_rating(session: orm.Session, advisor_id: int) -> tuple[float | None, int]:
    """(average rating, number of ratings) of an advisor's opinions."""
    average, count = session.execute(
        sa.select(sa.func.avg(Feedback.rating), sa.func.count(Feedback.id)).where(
            Feedback.advisor_id == advisor_id
        )
    ).one()
    return (float(average) if average is not None else None), int(count)


def contract_feedback(session: orm.Session, contract: Contract) -> list[Feedback]:
    return list(session.scalars(_feedback_of(), {"contract_id": contract.id}))


def is_rated(session: orm.Session, review: Review) -> bool:
    return session.scalar(sa.select(Feedback.id).where(Feedback.review_id == review.id)) is not None


def get_closing(session: orm.Session, contract: Contract) -> Closing | None:
    """How the school closed the contract; only a closed one has this (nothing reopens a
    closed contract), so no other asks the database."""
    if contract.status != Status.CLOSED:
        return None
    return session.get(Closing, contract.id)


def get_review(session: orm.Session, contract: Contract, review_id: int) -> Review:
    review = session.get(Review, review_id)
    if review is None or review.contract_id != contract.id:
        raise NotFound(_l("No such review."))
    return review
