"""Review pages: the review form, the opinion letter, the school's feedback and closing."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from flask import Blueprint, Response, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from advisor.accounts.models import Role, User
from advisor.auth import protect, require, user
from advisor.contracts import queries as contract_queries
from advisor.contracts.models import Contract, ContractVersion, PageText
from advisor.contracts.views import (
    DETAIL_PANELS,
    file_in_use,
    file_response,
    file_store,
    read_upload,
)
from advisor.db import utcnow
from advisor.directory.models import Advisor, School
from advisor.errors import AppError, Conflict, NotFound
from advisor.extensions import db
from advisor.forms import act, error_text, form_error_text, id_arg, posted, small_int
from advisor.precheck import engine
from advisor.precheck import services as precheck
from advisor.precheck.models import PrecheckHit
from advisor.reviews import services
from advisor.reviews.forms import CloseForm, FeedbackForm, ReviewForm
from advisor.reviews.labels import (
    ADOPTION_LABELS,
    DIMENSION_LABELS,
    OUTCOME_LABELS,
    SEVERITY_LABELS,
)
from advisor.reviews.models import Review
from advisor.reviews.opinion import DECLARATIONS, LetterFacts, build_letter
from advisor.security_log.edge import note
from advisor.security_log.models import EventKind
from advisor.workdays import today_local

bp = Blueprint("reviews", __name__)
protect(bp)

DOCX = "docx"


def review_panel(contract: Contract, viewer: User) -> dict[str, Any]:
    """The reviews part of the contract page: opinions, returns, feedback, closing."""
    anonymous = services.ratings_are_anonymous(db.session)
    feedback = services.contract_feedback(db.session, contract)
    if viewer.is_advisor and anonymous:
        feedback = []
    opinion = services.latest_opinion(db.session, contract)
    rated = opinion is not None and any(f.review_id == opinion.id for f in feedback)
    if viewer.is_school:
        rated = opinion is not None and services.is_rated(db.session, opinion)
    return {
        "reviews": services.issued_reviews(db.session, contract),
        "draft": services.get_draft(db.session, contract) if viewer.is_advisor else None,
        "feedback": feedback,
        "closing": services.get_closing(db.session, contract),
        "can_rate": viewer.is_school and opinion is not None and not rated,
        "feedback_form": FeedbackForm(),
        "close_form": CloseForm(lock_version=contract.lock_version),
        "outcomes": OUTCOME_LABELS,
        "dimensions": DIMENSION_LABELS,
        "severities": SEVERITY_LABELS,
        "adoptions": ADOPTION_LABELS,
    }


DETAIL_PANELS.append(review_panel)


def _kept_rows(form: ReviewForm) -> list[int]:
    """Form rows that hold a finding; blank rows are left out of the review."""
    return [
        i
        for i, entry in enumerate(form.findings)
        if any((entry.problem.data or "", entry.clause.data or "", entry.suggestion.data or ""))
    ]


def review_data(form: ReviewForm) -> services.ReviewData:
    findings = [
        services.FindingData(
            dimension=entry.dimension.data or "",
            severity=entry.severity.data or "",
            problem=entry.problem.data or "",
            clause=entry.clause.data or "",
            suggestion=entry.suggestion.data or "",
            legal_basis=entry.legal_basis.data or "",
            id=small_int(entry.form.id.data) or None,
        )
        for entry in (form.findings[i] for i in _kept_rows(form))
    ]
    resolved = {
        int(key.removeprefix("resolved-")): value == "1"
        for key, value in request.form.items()
        if key.startswith("resolved-")
        and key.removeprefix("resolved-").isdigit()
        and value in "01"
        and value
    }
    return services.ReviewData(
        outcome=form.outcome.data or None,
        summary=form.summary.data or "",
        minutes_spent=form.minutes_spent.data or 0,
        findings=findings,
        resolved=resolved,
    )


def _place_errors(form: ReviewForm, error: AppError) -> None:
    """Put a service's refusal next to the field it names, findings included."""
    rows = _kept_rows(form)  # the service counts kept findings; the form counts rows
    for name, message in error.fields.items():
        parts = name.split("-")
        if parts[0] == "findings" and len(parts) == 3 and parts[1].isdigit():
            kept = int(parts[1])
            index = rows[kept] if kept < len(rows) else kept
            if index < len(form.findings):
                getattr(form.findings[index], parts[2]).errors = [str(message)]
                continue
        field = getattr(form, name, None)
        if field is not None:
            field.errors = [*field.errors, str(message)]
        else:
            form.form_errors.append(str(message))
    if not error.fields:
        form.form_errors.append(str(error.message))


def _form_from_draft(contract: Contract) -> ReviewForm:
    draft = services.get_draft(db.session, contract)
    form = ReviewForm(obj=draft)  # fills outcome, summary, minutes and the findings
    form.lock_version.data = str(contract.lock_version)
    if draft is None:
        form.findings.append_entry()
    return form


def highlighted(hits: list[PrecheckHit]) -> list[tuple[PrecheckHit, str, str, str]]:
    """Each hit with the text just before and after its excerpt on its page."""
    wanted = {(h.version_id, h.page) for h in hits if h.page is not None}
    pages: dict[tuple[int, int | None], str] = {}
    for version_id in {key[0] for key in wanted}:
        for t in db.session.scalars(sa.select(PageText).where(PageText.version_id == version_id)):
            if (t.version_id, t.page) in wanted:
                pages[(t.version_id, t.page)] = t.text
    shown = []
    for hit in hits:
        text = pages.get((hit.version_id, hit.page), "")
        if hit.start is None or hit.end is None or not text:
            shown.append((hit, "", hit.excerpt, ""))
            continue
        before = text[max(0, hit.start - CONTEXT) : hit.start]
        after = text[hit.end : hit.end + CONTEXT]
        shown.append((hit, before, text[hit.start : hit.end], after))
    return shown


CONTEXT = 40


def _render(contract: Contract, form: ReviewForm, status: int = 200) -> Any:
    earlier = services.last_return(db.session, contract)
    latest = contract.versions[-1]
    hits = precheck.hits_for(db.session, contract)
    return render_template(
        "reviews/form.html",
        contract=contract,
        form=form,
        earlier=earlier,
        latest=latest,
        earlier_version=db.session.get(ContractVersion, earlier.version_id) if earlier else None,
        dimensions=DIMENSION_LABELS,
        severities=SEVERITY_LABELS,
        hits=highlighted(hits),
        hit_message=lambda hit: engine.message(precheck.as_engine_hit(hit)),
    ), status


@bp.route("/contracts/<int:contract_id>/review", methods=["GET", "POST"])
@require(Role.ADVISOR)
def review(contract_id: int) -> Any:
    """Write the review: findings can be added and removed without JavaScript."""
    contract = contract_queries.get_contract(db.session, user(), contract_id)
    try:
        services.check_reviewer(user(), contract)
    except Conflict as error:
        flash(error_text(error), "warning")
        return redirect(url_for("contracts.detail", contract_id=contract.id))
    if request.method == "GET":
        return _render(contract, _form_from_draft(contract))
    form = ReviewForm()
    action = request.form.get("action", "save")
    if action == "add":
        form.findings.append_entry()
        return _render(contract, form)
    if action.startswith("remove-") and action.removeprefix("remove-").isdigit():
        index = int(action.removeprefix("remove-"))
        kept = [e.data for i, e in enumerate(form.findings) if i != index]
        form.findings.entries.clear()
        form.findings.last_index = -1
        for data in kept:
            form.findings.append_entry(data)
        return _render(contract, form)
    if action.startswith("dismiss-") and action.removeprefix("dismiss-").isdigit():
        return _dismiss(contract, form, int(action.removeprefix("dismiss-")))
    taken = None
    if action.startswith("take-") and action.removeprefix("take-").isdigit():
        taken = precheck.get_hit(db.session, contract, int(action.removeprefix("take-")))
        form.findings.append_entry(finding_from_hit(taken))
        action = "save"
    if not form.validate_on_submit():
        return _render(contract, form, 422)
    data = review_data(form)
    lock = int(form.lock_version.data) if (form.lock_version.data or "").isdigit() else None
    try:
        if action == "issue":
            issued = services.issue_review(
                db.session,
                actor=user(),
                contract=contract,
                data=data,
                today=today_local(),
                now=utcnow(),
                lock_version=lock,
            )
        else:
            draft = services.save_draft(
                db.session, actor=user(), contract=contract, data=data, now=utcnow()
            )
            if taken is not None:
                precheck.mark_taken(
                    db.session,
                    actor=user(),
                    contract=contract,
                    hit=taken,
                    finding_id=draft.findings[-1].id if draft.findings else None,
                    now=utcnow(),
                )
        db.session.commit()
    except AppError as error:
        db.session.rollback()
        if isinstance(error, Conflict):
            # Someone else changed the contract: keep what was typed, show the news, and
            # carry the current lock so a deliberate second click can go through.
            db.session.refresh(contract)
            form.lock_version.data = str(contract.lock_version)
            flash(error_text(error), "danger")
        _place_errors(form, error)
        return _render(contract, form, error.status)
    if action == "issue":
        message = (
            _("Returned to the school.") if issued.outcome == "return" else _("Opinion issued.")
        )
        flash(message, "success")
        return redirect(url_for("contracts.detail", contract_id=contract.id))
    flash(
        _("Taken into the review as a finding; draft saved.") if taken else _("Draft saved."),
        "success",
    )
    return redirect(url_for("reviews.review", contract_id=contract.id))


def finding_from_hit(hit: PrecheckHit) -> dict[str, str]:
    """A finding pre-filled from a pre-check hit: the rule's dimension, the hit's severity,
    the excerpt as the clause, the message as the problem, the rule's suggestion and basis."""
    rule = engine.RULES.get(hit.rule)
    return {
        "dimension": rule.dimension if rule else "legality",
        "severity": hit.severity if hit.severity in ("low", "medium", "high") else "medium",
        "clause": hit.excerpt[:200],
        "problem": engine.message(precheck.as_engine_hit(hit)),
        "suggestion": _(rule.suggestion) if rule and rule.suggestion else "",
        "legal_basis": rule.basis if rule else "",
    }


def _dismiss(contract: Contract, form: ReviewForm, hit_id: int) -> Any:
    """Dismiss a hit with its reason; the review form comes back as it was typed."""
    hit = precheck.get_hit(db.session, contract, hit_id)
    try:
        precheck.dismiss(
            db.session,
            actor=user(),
            contract=contract,
            hit=hit,
            reason=posted().get(f"dismiss-reason-{hit_id}", ""),
            now=utcnow(),
        )
        db.session.commit()
    except AppError as error:
        db.session.rollback()
        flash(error_text(error), "danger")
        return _render(contract, form, error.status)
    flash(_("Dismissed; the reason is kept."), "success")
    return _render(contract, form)


def _letter_review(contract: Contract) -> Review:
    wanted = id_arg("review")
    found = (
        services.get_review(db.session, contract, wanted)
        if wanted
        else services.latest_opinion(db.session, contract)
    )
    if found is None or found.status != "issued" or found.outcome == "return":
        raise NotFound(_("No opinion has been issued for this contract yet."))
    return found


def letter_facts(contract: Contract, found: Review) -> LetterFacts:
    version = db.session.get_one(ContractVersion, found.version_id)
    school = db.session.get_one(School, contract.school_id)
    advisor = db.session.get_one(Advisor, found.advisor_id)
    return LetterFacts(
        review=found, contract=contract, version=version, school=school, advisor=advisor
    )


@bp.get("/contracts/<int:contract_id>/opinion")
def opinion(contract_id: int) -> Any:
    """The opinion letter as a printable page."""
    contract = contract_queries.get_contract(db.session, user(), contract_id)
    facts = letter_facts(contract, _letter_review(contract))
    return render_template(
        "reviews/opinion.html",
        facts=facts,
        outcomes=OUTCOME_LABELS,
        declarations=DECLARATIONS,
        dimensions=DIMENSION_LABELS,
        severities=SEVERITY_LABELS,
    )


def note_opinion_download(contract_id: int, number: str | None) -> None:
    """Record an opinion letter's download in the security log, as a contract file's is."""
    note(EventKind.OPINION_DOWNLOAD, subject=f"contract:{contract_id}", detail={"letter": number})


@bp.get("/contracts/<int:contract_id>/opinion.docx")
def opinion_docx(contract_id: int) -> Response:
    """The opinion letter as a Word document."""
    contract = contract_queries.get_contract(db.session, user(), contract_id)
    found = _letter_review(contract)
    name = f"法律意见书-{contract.title}-{found.number}.docx"
    data = build_letter(letter_facts(contract, found))
    note_opinion_download(contract.id, found.number)
    return file_response(data, name, DOCX)


@bp.post("/contracts/<int:contract_id>/feedback")
@require(Role.SCHOOL)
def feedback(contract_id: int) -> Any:
    """The school rates the opinion, once."""
    contract = contract_queries.get_contract(db.session, user(), contract_id)
    form = FeedbackForm()

    def work() -> None:
        if not form.validate_on_submit():
            raise Conflict(form_error_text(form))
        services.give_feedback(
            db.session,
            actor=user(),
            contract=contract,
            rating=form.rating.data or 0,
            comment=form.comment.data or "",
            now=utcnow(),
        )

    act(work, _("Thank you for rating the opinion."))
    return redirect(url_for("contracts.detail", contract_id=contract.id))


@bp.post("/contracts/<int:contract_id>/close")
@require(Role.SCHOOL)
def close(contract_id: int) -> Any:
    """The school records the result, the adoption of the advice and the signed copy."""
    contract = contract_queries.get_contract(db.session, user(), contract_id)
    form = CloseForm()
    store = file_store()
    try:
        if not form.validate_on_submit():
            raise Conflict(form_error_text(form))
        signed = (
            read_upload(form.file.data, user())
            if form.file.data and form.file.data.filename
            else None
        )
        lock = int(form.lock_version.data) if (form.lock_version.data or "").isdigit() else None
        with store.pending(referenced=file_in_use):
            services.close_contract(
                db.session,
                actor=user(),
                contract=contract,
                result=form.result.data or "",
                adoption=form.adoption.data or None,
                note=form.note.data or "",
                now=utcnow(),
                signed=signed,
                store=store,
                lock_version=lock,
            )
            db.session.commit()
    except AppError as error:
        db.session.rollback()
        if error.retry_after is not None:  # the parser pool is full: 503 page, Retry-After
            raise
        flash(error_text(error), "danger")
    else:
        flash(_("The contract is closed."), "success")
    return redirect(url_for("contracts.detail", contract_id=contract.id))


@bp.post("/contracts/<int:contract_id>/reviews/<int:review_id>/redo")
@require(Role.BUREAU)
def redo(contract_id: int, review_id: int) -> Any:
    """The bureau marks an issued opinion as one to be redone, with the reason."""
    contract = contract_queries.get_contract(db.session, user(), contract_id)
    found = db.session.get(Review, review_id)
    if found is None or found.contract_id != contract.id:
        raise NotFound(_("No such review."))
    act(
        lambda: services.mark_for_redo(
            db.session,
            actor=user(),
            review=found,
            reason=posted().get("reason", ""),
            now=utcnow(),
        ),
        _("The opinion is marked to be redone; the advisor was told."),
    )
    return redirect(url_for("contracts.detail", contract_id=contract.id))
