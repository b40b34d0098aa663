"""Review pages: the review form, the opinion letter, the school's feedback and closing."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from functools import wraps
from typing import Any
from urllib.parse import quote
from zoneinfo import ZoneInfo

from flask import (
    Blueprint,
    Response,
    current_app,
    flash,
    g,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _

from advisor.accounts.models import Role, User
from advisor.auth import protect, require, user
from advisor.contracts import queries as contract_queries
from advisor.contracts import services as contract_services
from advisor.contracts.models import Contract, ContractVersion
from advisor.contracts.permissions import can_filter_by_school
from advisor.contracts.queries import version_text
from advisor.contracts.views import (
    DETAIL_PANELS,
    detail,
    file_in_use,
    file_response,
    file_store,
    read_upload_data,
)
from advisor.contracts.workflow import Action
from advisor.db import paginate_rows, utcnow
from advisor.directory.models import Advisor, School
from advisor.directory.queries import visible_school_choices
from advisor.errors import AppError, Conflict, Forbidden, NotFound
from advisor.extensions import db
from advisor.forms import (
    act,
    apply_errors,
    error_text,
    form_error_text,
    id_arg,
    page_args,
    posted,
)
from advisor.i18n import fmt_date
from advisor.list_filters import active_filters
from advisor.precheck import services as precheck
from advisor.reviews import permissions, seal_uses, services, signed_copy
from advisor.reviews.forms import CloseForm, FeedbackForm, ReviewForm
from advisor.reviews.hits import finding_from_hit, in_context
from advisor.reviews.labels import (
    ADOPTION_LABELS,
    DIMENSION_LABELS,
    OUTCOME_LABELS,
    RATING_LABELS,
    SEVERITY_LABELS,
)
from advisor.reviews.letter import Letter, LetterFacts, compose_letter
from advisor.reviews.models import Outcome, Review
from advisor.reviews.signing import SignedCopyDiffers
from advisor.security_log.edge import note
from advisor.security_log.models import EventKind
from advisor.spreadsheet import XLSX_CONTENT_TYPE
from advisor.spreadsheet import title as sheet_title
from advisor.workdays import today_local

bp = Blueprint("reviews", __name__)
protect(bp)

DOCX = "docx"
PDF = "pdf"


# What ``close`` leaves on ``g`` for the contract page it shows again after a refusal.
CLOSE_FORM = "close_form"
SIGNED_CHANGES = "signed_changes"
KEPT_SIGNED = "kept_signed"


def review_panel(contract: Contract, viewer: User) -> dict[str, Any]:
    """The reviews part of the contract page: opinions, returns, feedback, closing."""
    reviews = services.issued_reviews(db.session, contract)
    # a school rates an opinion issued: before any, there is nothing to ask for, and
    # without a rating, nothing whose showing the bureau's setting decides
    feedback = services.contract_feedback(db.session, contract) if reviews else []
    opinion = services.latest_of(reviews)
    rated = opinion is not None and any(f.review_id == opinion.id for f in feedback)
    shown = bool(feedback) and permissions.can_see_contract_ratings(
        viewer, contract, anonymous=services.ratings_are_anonymous(db.session)
    )
    can_rate = permissions.can_rate_opinion(viewer, contract) and opinion is not None and not rated
    closing = services.get_closing(db.session, contract)
    can_close = permissions.can_close(viewer, contract)
    close_form = None
    if can_close and not closing:
        # the form as refused by ``close`` (g), else a new one
        close_form = g.get(CLOSE_FORM) or CloseForm(
            lock_version=contract.lock_version, used_on=today_local()
        )
    return {
        "reviews": reviews,
        "draft": (
            services.get_draft(db.session, contract)
            if permissions.can_see_draft(viewer, contract)
            else None
        ),
        "feedback": feedback if shown else [],
        "closing": closing,
        "can_rate": can_rate,
        "can_close": can_close,
        "can_mark_redo": permissions.can_mark_redo,
        # a form is built only for a page that shows it: each costs as much as a query
        "feedback_form": FeedbackForm() if can_rate else None,
        "close_form": close_form,
        "signed_changes": g.get(SIGNED_CHANGES),
        "kept_signed": g.get(KEPT_SIGNED),
        "seal_use": (
            services.get_seal_use(db.session, contract)
            if closing is not None and closing.result == "signed"
            else None
        ),
        "seals": seal_uses.SEAL_LABELS,
        "outcomes": OUTCOME_LABELS,
        "dimensions": DIMENSION_LABELS,
        "severities": SEVERITY_LABELS,
        "adoptions": ADOPTION_LABELS,
        "ratings": RATING_LABELS,
    }


DETAIL_PANELS.append(review_panel)


def _form_from_draft(contract: Contract) -> ReviewForm:
    draft = services.get_draft(db.session, contract)
    form = ReviewForm(obj=draft)  # fills outcome, summary, minutes and the findings
    form.lock_version.data = str(contract.lock_version)
    if draft is None:
        form.findings.append_entry()
    return form


def _answers(earlier: Review | None) -> dict[int, str]:
    """The 是否已修改 answer shown on each of the earlier return's findings ("1", "0" or
    ""): the one just posted, so re-showing the form never resets a choice, else the saved
    one."""
    if earlier is None:
        return {}
    saved = {
        f.id: "" if f.resolved is None else "1" if f.resolved else "0" for f in earlier.findings
    }
    if request.method != "POST":
        return saved
    return {key: request.form.get(f"resolved-{key}", value) for key, value in saved.items()}


# Panels of the review page, as contracts' DETAIL_PANELS: each takes the contract under
# review and returns template context (model_contracts: the comparison with the template).
REVIEW_PANELS: list[Callable[[Contract], dict[str, Any]]] = []


def _render(contract: Contract, form: ReviewForm, status: int = 200) -> Any:
    from advisor.precheck import engine  # on first use: the rules take 0.5 s to import

    earlier = services.last_return(db.session, contract)
    latest = contract.versions[-1]
    hits = precheck.hits_for(db.session, contract)
    marked = precheck.marked_pages(version_text(db.session, latest), hits)
    panels: dict[str, Any] = {}
    for panel in REVIEW_PANELS:
        panels.update(panel(contract))
    return render_template(
        "reviews/form.html",
        **panels,
        contract=contract,
        precheck_state=precheck.latest_state(db.session, contract),
        form=form,
        earlier=earlier,
        answers=_answers(earlier),
        latest=latest,
        earlier_version=db.session.get(ContractVersion, earlier.version_id) if earlier else None,
        dimensions=DIMENSION_LABELS,
        severities=SEVERITY_LABELS,
        hits=in_context(db.session, hits),
        marked_texts=marked,
        marks=precheck.mark_count(marked),
        reasons={key: value for key, value in posted().items() if key.startswith("dismiss-")},
        hit_message=lambda hit: engine.message(precheck.as_engine_hit(hit)),
        hit_explanation=lambda hit: engine.explanation(precheck.as_engine_hit(hit)),
    ), status


def _lock(form: ReviewForm | CloseForm) -> int | None:
    """The lock version the form was rendered with; None when it carries none."""
    return int(form.lock_version.data) if (form.lock_version.data or "").isdigit() else None


def _refused(contract: Contract, form: ReviewForm, error: AppError) -> Any:
    """The form again as it was typed, the service's refusal next to the fields it names."""
    db.session.rollback()
    if isinstance(error, Conflict):
        # Someone else changed the contract: keep what was typed, show the news, and
        # carry the current lock so a deliberate second click can go through.
        db.session.refresh(contract)
        form.lock_version.data = str(contract.lock_version)
        flash(error_text(error), "danger")
    form.place_errors(error)
    return _render(contract, form, error.status)


def reviewing(handler: Callable[..., Any]) -> Callable[..., Any]:
    """Run ``handler`` on the contract of the URL, loaded through the advisor's scope (404
    outside it), only if they may review it now (permissions.can_review, through
    services.check_reviewer): another advisor gets 403, and a contract not under review
    sends them back to its page with the reason."""

    @wraps(handler)
    def load_and_check(contract_id: int, **kwargs: Any) -> Any:
        contract = contract_queries.get_contract(db.session, user(), contract_id)
        try:
            services.check_reviewer(user(), contract)
        except Conflict as error:
            flash(error_text(error), "warning")
            return redirect(url_for("contracts.detail", contract_id=contract.id))
        return handler(contract, **kwargs)

    return load_and_check


# The review form is one HTML form; each of its buttons posts it to its own handler below
# (formaction), so it works without JavaScript and nothing is lost between the steps.
REVIEW = "/contracts/<int:contract_id>/review"


@bp.get(REVIEW, endpoint="review")
@require(Role.ADVISOR)
@reviewing
def review_page(contract: Contract) -> Any:
    """The review form, with the saved draft if there is one."""
    return _render(contract, _form_from_draft(contract))


@bp.post(REVIEW)
@require(Role.ADVISOR)
@reviewing
def save_draft(contract: Contract) -> Any:
    """Save what was typed as the draft, to resume later."""
    form = ReviewForm()
    if not form.validate_on_submit():
        return _render(contract, form, 422)
    try:
        services.save_draft(
            db.session,
            actor=user(),
            contract=contract,
            data=form.review_data(request.form),
            now=utcnow(),
        )
        db.session.commit()
    except AppError as error:
        return _refused(contract, form, error)
    flash(_("Draft saved."), "success")
    return redirect(url_for("reviews.review", contract_id=contract.id))


def _issue(contract: Contract, *, returning: bool) -> Any:
    """Issue the review as the opinion (the outcome chosen in the form, never a return),
    or as a return to the school, whatever the form's outcome says."""
    form = ReviewForm()
    if not form.validate_on_submit():
        return _render(contract, form, 422)
    try:
        services.issue_review(
            db.session,
            actor=user(),
            contract=contract,
            data=form.review_data(request.form, outcome=Outcome.RETURN if returning else None),
            today=today_local(),
            now=utcnow(),
            lock_version=_lock(form),
        )
        db.session.commit()
    except AppError as error:
        return _refused(contract, form, error)
    flash(_("Returned to the school.") if returning else _("Opinion issued."), "success")
    return redirect(url_for("contracts.detail", contract_id=contract.id))


@bp.post(f"{REVIEW}/issue")
@require(Role.ADVISOR)
@reviewing
def issue(contract: Contract) -> Any:
    """Issue the opinion with the outcome chosen in the form (出具意见)."""
    return _issue(contract, returning=False)


@bp.post(f"{REVIEW}/return")
@require(Role.ADVISOR)
@reviewing
def return_to_school(contract: Contract) -> Any:
    """Return the contract to the school with the findings as what to change (退回补正)."""
    return _issue(contract, returning=True)


@bp.post(f"{REVIEW}/findings/new")
@require(Role.ADVISOR)
@reviewing
def add_finding(contract: Contract) -> Any:
    """The form again with an empty finding added; nothing is saved."""
    form = ReviewForm()
    form.findings.append_entry()
    return _render(contract, form)


@bp.post(f"{REVIEW}/findings/<int:row>/remove")
@require(Role.ADVISOR)
@reviewing
def remove_finding(contract: Contract, row: int) -> Any:
    """The form again without the finding in row ``row``; the draft loses it when saved."""
    form = ReviewForm()
    form.remove_finding(row)
    return _render(contract, form)


@bp.post(f"{REVIEW}/hits/<int:hit_id>/take")
@require(Role.ADVISOR)
@reviewing
def take_hit(contract: Contract, hit_id: int) -> Any:
    """Take a pre-check hit into the review as a finding and save the draft with it."""
    hit = precheck.get_hit(db.session, contract, hit_id)
    form = ReviewForm()
    form.findings.append_entry(finding_from_hit(hit))
    if not form.validate_on_submit():
        return _render(contract, form, 422)
    try:
        services.take_hit(
            db.session,
            actor=user(),
            contract=contract,
            data=form.review_data(request.form),
            hit=hit,
            now=utcnow(),
        )
        db.session.commit()
    except AppError as error:
        return _refused(contract, form, error)
    flash(_("Taken into the review as a finding; draft saved."), "success")
    return redirect(url_for("reviews.review", contract_id=contract.id, _anchor=f"hit-{hit.id}"))


@bp.post(f"{REVIEW}/hits/<int:hit_id>/dismiss")
@require(Role.ADVISOR)
@reviewing
def dismiss_hit(contract: Contract, hit_id: int) -> Any:
    """Dismiss a hit with its reason; the review form comes back as it was typed."""
    hit = precheck.get_hit(db.session, contract, hit_id)
    form = ReviewForm()
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
    """The opinion letter as a printable page (A4 in print, as the .docx and the PDF)."""
    contract = contract_queries.get_contract(db.session, user(), contract_id)
    facts = letter_facts(contract, _letter_review(contract))
    return render_template("reviews/opinion.html", facts=facts, letter=compose_letter(facts))


def note_opinion_download(contract_id: int, number: str | None) -> None:
    """Record an opinion letter's download in the security log, as a contract file's is."""
    note(EventKind.OPINION_DOWNLOAD, subject=f"contract:{contract_id}", detail={"letter": number})


def letter_file_name(contract: Contract, letter: Letter, extension: str) -> str:
    """法律意见书-<contract title>-<letter number>.<extension>"""
    return f"法律意见书-{contract.title}-{letter.number}.{extension}"


@bp.get("/contracts/<int:contract_id>/opinion.docx")
def opinion_docx(contract_id: int) -> Response:
    """The opinion letter as a Word document."""
    from advisor.reviews.opinion import build_letter  # on demand: python-docx takes 0.3 s

    contract = contract_queries.get_contract(db.session, user(), contract_id)
    letter = compose_letter(letter_facts(contract, _letter_review(contract)))
    data = build_letter(letter)
    note_opinion_download(contract.id, letter.number)
    return file_response(data, letter_file_name(contract, letter, DOCX), DOCX)


@bp.get("/contracts/<int:contract_id>/opinion.pdf")
def opinion_pdf(contract_id: int) -> Response:
    """The opinion letter as a PDF with its Chinese font embedded, to send as it is."""
    from advisor.reviews.letter_pdf import build_letter_pdf  # on demand: fpdf2 takes 0.5 s

    contract = contract_queries.get_contract(db.session, user(), contract_id)
    letter = compose_letter(letter_facts(contract, _letter_review(contract)))
    data = build_letter_pdf(letter)
    note_opinion_download(contract.id, letter.number)
    return file_response(data, letter_file_name(contract, letter, PDF), PDF)


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


def _close_refused(
    contract: Contract, form: CloseForm, chosen: signed_copy.SignedFile | None, status: int = 422
) -> Any:
    """The contract page again with the close form as typed, its problems by the fields
    (and the signed copy kept, unless it is what was refused)."""
    db.session.rollback()
    if chosen is not None and not form.file.errors:
        row = signed_copy.keep_signed(form, chosen, user(), utcnow())
        if row is not None:
            g.setdefault(KEPT_SIGNED, row)
    g.setdefault(CLOSE_FORM, form)
    return detail(contract.id), status


@bp.post("/contracts/<int:contract_id>/close")
@require(Role.SCHOOL)
def close(contract_id: int) -> Any:
    """The school records the result, the adoption of the advice, the signed copy and, for a
    signing, the seal use. A refusal of what was typed shows the form again (422) with
    each problem by its field and, for a signed copy that differs from the reviewed
    version, the changed lines; the chosen file is kept meanwhile."""
    contract = contract_queries.get_contract(db.session, user(), contract_id)
    me, now = user(), utcnow()
    try:
        contract_services.check_transition(me, contract, Action.CLOSE)
    except (Conflict, Forbidden) as error:
        flash(error_text(error), "danger")
        return redirect(url_for("contracts.detail", contract_id=contract.id))
    form = CloseForm()
    valid = form.validate_on_submit()
    if "csrf_token" in form.errors:
        flash(form_error_text(form), "danger")  # an expired page: nothing typed is wrong
        return redirect(url_for("contracts.detail", contract_id=contract.id))
    chosen = signed_copy.signed_file(form, me, now)
    if not valid or form.file.errors:
        return _close_refused(contract, form, chosen)
    store = file_store()
    try:
        signed = read_upload_data(chosen.file_name, chosen.data, me) if chosen is not None else None
        with store.pending(referenced=file_in_use):
            services.close_contract(
                db.session,
                actor=me,
                contract=contract,
                result=form.result.data or "",
                adoption=form.adoption.data or None,
                note=form.note.data or "",
                now=now,
                signed=signed,
                store=store,
                lock_version=_lock(form),
                seal=form.seal_data(),
                difference_reason=form.difference_reason.data or "",
            )
            db.session.commit()
    except AppError as error:
        db.session.rollback()
        if error.retry_after is not None:  # the parser pool is full: 503 page, Retry-After
            raise
        if not error.fields or isinstance(error, Conflict):  # a stale lock, a state change
            flash(error_text(error), "danger")
            return redirect(url_for("contracts.detail", contract_id=contract.id))
        apply_errors(form, error)
        if isinstance(error, SignedCopyDiffers):
            form.form_errors.append(str(error.message))
            g.setdefault(SIGNED_CHANGES, error.changes)
        if "file" in error.fields and chosen is not None and chosen.kept is not None:
            signed_copy.forget_kept(chosen.kept)  # a refused file is not kept
            form.kept_file.data = ""
        return _close_refused(contract, form, chosen, error.status)
    if chosen is not None and chosen.kept is not None:
        signed_copy.forget_kept(chosen.kept)
    flash(_("The contract is closed."), "success")
    return redirect(url_for("contracts.detail", contract_id=contract.id))


# --- the seal-use register (用印登记) ---------------------------------------------------


def _day_arg(name: str) -> date | None:
    try:
        return date.fromisoformat(request.args.get(name, "")[:10])
    except ValueError:
        return None


def _register_filters(me: User) -> seal_uses.Filters:
    if not permissions.can_see_seal_register(me):
        raise Forbidden(_("Only the bureau and schools see the seal-use register."))
    return seal_uses.Filters(
        school_id=id_arg("school_id") if can_filter_by_school(me) else None,
        used_from=_day_arg("from"),
        used_to=_day_arg("to"),
    )


@bp.get("/seal-uses")
def seal_register() -> Any:
    """The seal uses recorded at signing: the bureau's of every school, a school's own."""
    me = user()
    filters = _register_filters(me)
    page = paginate_rows(db.session, seal_uses.visible_seal_uses(me, filters), **page_args())
    schools = visible_school_choices(db.session, me) if can_filter_by_school(me) else []
    names = dict(schools)

    def day(value: date | None) -> str:
        return fmt_date(value) if value else ""

    shown = [
        ("school_id", _("School"), names.get(filters.school_id or 0, "")),
        ("from", _("Used from"), day(filters.used_from)),
        ("to", _("Used until"), day(filters.used_to)),
    ]
    return render_template(
        "reviews/seal_register.html",
        page=page,
        filters=filters,
        schools=schools,
        seals=seal_uses.SEAL_LABELS,
        active=active_filters("reviews.seal_register", shown),
        query=request.query_string.decode(),
    )


@bp.get("/seal-uses.xlsx")
def seal_register_xlsx() -> Response:
    """The seal-use register with the page's filters, as a workbook."""
    me = user()
    filters = _register_filters(me)
    rows = db.session.execute(seal_uses.visible_seal_uses(me, filters)).all()
    config = current_app.config["ADVISOR"]
    made_at = utcnow().astimezone(ZoneInfo(config.timezone))
    data = seal_uses.register_workbook(
        rows, title=sheet_title(config.bureau_name, "用印登记", made_at)
    )
    note(
        EventKind.SEAL_USE_EXPORT,
        subject="seal_uses",
        detail={"format": "xlsx", "filters": request.query_string.decode()[:300]},
    )
    response = Response(data, content_type=XLSX_CONTENT_TYPE)
    response.headers["Content-Disposition"] = (
        f"attachment; filename=seal-uses.xlsx; filename*=UTF-8''{quote('用印登记.xlsx')}"
    )
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.post("/contracts/<int:contract_id>/reviews/<int:review_id>/redo")
@require(Role.BUREAU)
def redo(contract_id: int, review_id: int) -> Any:
    """The bureau marks an issued opinion as one to be redone, with the reason."""
    contract = contract_queries.get_contract(db.session, user(), contract_id)
    found = services.get_review(db.session, contract, review_id)
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
