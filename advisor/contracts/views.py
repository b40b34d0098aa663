"""Contract pages: the list and queue, submission, detail, files, comparison, withdraw, reassign."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from urllib.parse import quote

from flask import (
    Blueprint,
    Response,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _

from advisor.accounts.models import Role, User
from advisor.auth import protect, require, user
from advisor.contracts import calendar as bureau_calendar
from advisor.contracts import kept, queries, routing, services
from advisor.contracts.amounts import parse_amount
from advisor.contracts.diff import compare
from advisor.contracts.extraction import Limits
from advisor.contracts.files import FileStore
from advisor.contracts.forms import (
    ContractForm,
    ReassignForm,
    RevisionForm,
    WithdrawForm,
    chose_file,
)
from advisor.contracts.kept import kept_store
from advisor.contracts.labels import ACTION_LABELS, STATUS_LABELS, TYPE_LABELS
from advisor.contracts.models import Contract, ContractType, KeptUpload, Status
from advisor.contracts.parse_pool import ParsePool
from advisor.contracts.permissions import (
    can_filter_by_advisor,
    can_filter_by_district,
    can_filter_by_school,
    can_manage_calendar,
    can_reassign_contract,
)
from advisor.contracts.uploads import check_upload, display_name, megabytes, quick_check
from advisor.contracts.workflow import Action, actions_for
from advisor.db import paginate, utcnow
from advisor.directory.labels import LEVEL_LABELS
from advisor.directory.models import Advisor, LawFirm
from advisor.directory.queries import advisor_choices, visible_school_choices
from advisor.errors import AppError, InsufficientStorage, NotFound, ValidationError
from advisor.extensions import db
from advisor.forms import (
    act,
    apply_errors,
    error_text,
    form_error_text,
    id_arg,
    page_args,
    small_int,
)
from advisor.i18n import fmt_date, translated
from advisor.list_filters import ActiveFilters, active_filters, list_url, worded
from advisor.security_log.edge import note
from advisor.security_log.models import EventKind
from advisor.workdays import today_local

bp = Blueprint("contracts", __name__)
protect(bp)

# Later domains (reviews) add their part of the contract page here: each function
# takes the contract and the viewer and returns template context for its panel.
DETAIL_PANELS: list[Callable[[Contract, User], dict[str, Any]]] = []
# Panels of the submission form, as DETAIL_PANELS: each takes the form and the school user
# and returns template context (a later domain may set the form's origin and pre-fill it).
SUBMISSION_PANELS: list[Callable[[ContractForm, User], dict[str, Any]]] = []


def file_store() -> FileStore:
    return FileStore(current_app.config["ADVISOR"].files_dir)


def file_in_use(sha256: str) -> bool:
    """Whether a committed version refers to this file (asked after a failed upload)."""
    db.session.rollback()
    return services.is_file_referenced(db.session, sha256)


def parse_limits() -> Limits:
    config = current_app.config["ADVISOR"]
    return Limits(
        max_pages=config.parse_max_pages,
        wall_seconds=config.parse_seconds,
        memory_mb=config.parse_memory_mb,
    )


def read_upload(storage: Any, actor: User) -> services.Upload:
    """Check an uploaded file (size, type by content, readable) in the parser process,
    in one of this process's parsing places (ParserBusy, TooManyUploads when none)."""
    return read_upload_data(storage.filename or "", storage.read(), actor)


def read_upload_data(file_name: str, data: bytes, actor: User) -> services.Upload:
    """``read_upload`` of bytes already read."""
    owner = actor.id
    pool = ParsePool.for_app(current_app._get_current_object())  # type: ignore[attr-defined]
    end_reading_transaction()
    return check_upload(
        file_name,
        data,
        max_bytes=current_app.config["ADVISOR"].max_upload_bytes,
        limits=parse_limits(),
        parse=lambda content, limits: pool.inspect(owner, content, limits),
    )


def end_reading_transaction() -> None:
    """Close the request's transaction before a file is read, as long as it has written
    nothing: reading may take PARSE_SECONDS, and an open transaction would hold a
    connection that long, and on SQLite (BEGIN IMMEDIATE) the write lock, so that one
    slow file made every other upload and sign-in wait and then fail. What the request
    loaded is read again when next used."""
    session = db.session
    if not (session.new or session.dirty or session.deleted):
        session.rollback()


def busy_answer(error: AppError) -> dict[str, str]:
    """Retry-After for a refusal that may pass later (a full parser pool), else nothing."""
    return {"Retry-After": str(error.retry_after)} if error.retry_after is not None else {}


@bp.get("/contracts")
def index() -> Any:
    """Contracts the user may see: the school's list, the advisor's queue, the bureau's all."""
    today = today_local()
    args = request.args
    me = user()
    narrows = can_filter_by_district(me)
    status = args.get("status", "")
    filters = queries.Filters(
        status=status,
        contract_type=args.get("contract_type", ""),
        school_id=id_arg("school_id"),
        advisor_id=id_arg("advisor_id"),
        overdue=args.get("overdue") == "1",
        submitted_from=args.get("from", type=date.fromisoformat),
        submitted_to=args.get("to", type=date.fromisoformat),
        q=args.get("q", ""),
        # The dashboard's narrowing is the bureau's: others see only their own anyway.
        district=args.get("district", "")[:50] if narrows else "",
        level=args.get("level", "") if narrows else "",
        law_firm_id=id_arg("law_firm_id") if narrows else None,
        reviewed_in=_year_arg("reviewed_in"),
        # open=1 narrows to open work and open=0 does not; with neither, an advisor's
        # queue does unless a status is asked for.
        open_only=args["open"] == "1"
        if args.get("open") in ("0", "1")
        else not status and queries.opens_by_default(me),
    )
    page = paginate(
        db.session,
        queries.search_contracts(me, filters, today, dialect=db.engine.dialect.name),
        key=Contract.id,
        cap=current_app.config["ADVISOR"].list_count_cap,
        **page_args(),
    )
    statuses, types = translated(STATUS_LABELS), translated(TYPE_LABELS)
    schools = visible_school_choices(db.session, me) if can_filter_by_school(me) else []
    advisors = advisor_choices(db.session) if can_filter_by_advisor(me) else []
    return render_template(
        "contracts/index.html",
        page=page,
        filters=filters,
        today=today,
        statuses=statuses,
        types=types,
        schools=schools,
        advisors=advisors,
        # Who sees many schools sees each contract's school; who sees many advisors, its advisor.
        parties=queries.parties(db.session, page.items) if schools or advisors else {},
        missing_years=(
            bureau_calendar.missing_years(db.session, today) if can_manage_calendar(me) else []
        ),
        active=_active_filters(me, filters, statuses, types, dict(schools), dict(advisors)),
        queue_tabs=_queue_tabs(filters, statuses) if queries.opens_by_default(me) else [],
    )


def _active_filters(
    me: User,
    filters: queries.Filters,
    statuses: Mapping[Status, str],
    types: Mapping[ContractType, str],
    schools: dict[int, str],
    advisors: dict[int, str],
) -> ActiveFilters:
    """Every filter of the list in words, those the form lacks (the dashboard's) too."""

    def named(names: dict[int, str], key: int | None) -> str:
        return names.get(key, f"#{key}") if key else ""

    def day(value: date | None) -> str:
        return fmt_date(value) if value else ""

    year = filters.reviewed_in
    return active_filters(
        "contracts.index",
        [
            ("q", _("Search"), filters.q.strip()),
            ("open", _("Status"), _("still open") if filters.open_only else ""),
            ("status", _("Status"), worded(statuses, filters.status)),
            ("contract_type", _("Type"), worded(types, filters.contract_type)),
            ("school_id", _("School"), named(schools, filters.school_id)),
            ("advisor_id", _("Advisor"), named(advisors, filters.advisor_id)),
            ("district", _("District"), filters.district),
            ("level", _("School level"), worded(LEVEL_LABELS, filters.level)),
            ("law_firm_id", _("Law firm"), _firm_name(filters.law_firm_id) or ""),
            ("overdue", "", _("Overdue only") if filters.overdue else ""),
            ("from", _("Submitted from"), day(filters.submitted_from)),
            ("to", _("Submitted until"), day(filters.submitted_to)),
            ("reviewed_in", "", _("opinion issued in %(year)s", year=year) if year else ""),
        ],
        off={"open": "0"} if queries.opens_by_default(me) else None,
    )


def _queue_tabs(
    filters: queries.Filters, statuses: Mapping[Status, str]
) -> list[tuple[str, str, str, bool]]:
    """(key, label, address, chosen) of the queue's tabs: the open work, each way work leaves
    the queue, everything; the other filters are kept."""
    args = request.args
    chosen = "open" if filters.open_only and not filters.status else filters.status
    tabs = [("open", _("Still open"), list_url("contracts.index", args, drop=["status", "open"]))]
    for status in (Status.REVIEWED, Status.CLOSED, Status.WITHDRAWN):
        address = list_url("contracts.index", args, drop=["open"], put={"status": status})
        tabs.append((status, statuses[status], address))
    everything = list_url("contracts.index", args, drop=["status"], put={"open": "0"})
    tabs.append(("all", _("All"), everything))
    if not filters.open_only and not filters.status:
        chosen = "all"
    return [(str(key), label, address, key == chosen) for key, label, address in tabs]


def _year_arg(name: str) -> int | None:
    year = small_int(request.args.get(name), upper=9998)
    return year if year is not None and year >= 2000 else None


def _firm_name(law_firm_id: int | None) -> str | None:
    firm = db.session.get(LawFirm, law_firm_id) if law_firm_id else None
    return firm.name if firm else None


@bp.route("/contracts/new", methods=["GET", "POST"])
@require(Role.SCHOOL)
def new() -> Any:
    """Submit a contract with its file; the answer says who reviews it and by when.

    The fields are checked before the file is read, so a mistyped date comes back at once
    however long the file; the file chosen is kept meanwhile (advisor.contracts.kept) and
    need not be chosen again. A refused file is never kept."""
    form = ContractForm()
    me, now = user(), utcnow()
    refusal: AppError | None = None
    kept_now: KeptUpload | None = None
    if form.is_submitted():
        valid = form.validate()
        chosen = _chosen_file(form, me, now)
        if valid and chosen is not None:
            try:
                contract = _submit(form, chosen, parse_amount(form.amount.data or ""))
            except AppError as error:
                db.session.rollback()
                apply_errors(form, error)
                refusal = error
                if "file" in error.fields:  # a refused file is not kept
                    if chosen.kept is not None:
                        _forget(chosen.kept)
                    form.kept_file.data = ""
                    chosen = None
            else:
                advisor = db.session.get(Advisor, contract.advisor_id)
                flash(
                    _(
                        "Submitted. %(advisor)s will review it by %(due)s.",
                        advisor=advisor.name if advisor else "",
                        due=fmt_date(contract.due_on),
                    ),
                    "success",
                )
                return redirect(url_for("contracts.detail", contract_id=contract.id))
        if chosen is not None:
            kept_now = _keep(form, chosen, me, now)
    elif form.kept_file.data:  # a draft put back (advisor.auth) names the file kept before
        kept_now = kept.get_kept_upload(db.session, me, form.kept_file.data, now)
    panels: dict[str, Any] = {}
    for panel in SUBMISSION_PANELS:
        panels.update(panel(form, me))
    # A full parser pool (503) or too many uploads in flight (429) says so, with
    # Retry-After, on the form as typed; any other refusal is the form's 422.
    if refusal is not None and refusal.retry_after is not None:
        status = refusal.status
    else:
        status = 422 if form.is_submitted() and form.errors else 200
    return (
        render_template(
            "contracts/new.html",
            **panels,
            form=form,
            kept=kept_now,
            max_bytes=current_app.config["ADVISOR"].max_upload_bytes,
            max_mb=megabytes(current_app.config["ADVISOR"].max_upload_bytes),
        ),
        status,
        busy_answer(refusal) if refusal is not None else {},
    )


@dataclass(frozen=True)
class Chosen:
    """The file of one sending of the submission form: chosen now, or kept from before."""

    file_name: str
    data: bytes
    kept: KeptUpload | None = None


def kept_files() -> FileStore:
    return kept_store(current_app.config["ADVISOR"].files_dir)


def _chosen_file(form: ContractForm, me: User, now: datetime) -> Chosen | None:
    """The file this sending carries: a file chosen now (quick checks only, so that a form
    sent back for another field answers at once), else the one kept from the last
    sending. A problem with it goes on the file field; then None."""
    if chose_file(form.file):
        data = form.file.data.read()
        try:
            quick_check(data, max_bytes=current_app.config["ADVISOR"].max_upload_bytes)
        except AppError as error:
            form.file.errors = [str(error.fields.get("file", error.message))]
            form.kept_file.data = ""
            return None
        return Chosen(display_name(form.file.data.filename or ""), data)
    if not form.kept_file.data:
        return None
    found = kept.get_kept_upload(db.session, me, form.kept_file.data, now)
    data = kept.read_kept(kept_files(), found) if found is not None else None
    if found is None or data is None:
        form.kept_file.data = ""
        form.file.errors = [_("The file chosen earlier is no longer kept. Choose it again.")]
        return None
    return Chosen(found.file_name, data, found)


def _keep(form: ContractForm, chosen: Chosen, me: User, now: datetime) -> KeptUpload | None:
    """Keep the chosen file for the form's next sending; its id goes in the form."""
    if chosen.kept is not None:
        return chosen.kept
    store = kept_files()
    try:
        with store.pending():
            row, forgotten = kept.keep_upload(
                db.session,
                store,
                owner=me,
                file_name=chosen.file_name,
                data=chosen.data,
                now=now,
                replaces=form.kept_file.data or None,
            )
            db.session.commit()
    except InsufficientStorage:
        db.session.rollback()
        form.kept_file.data = ""
        form.file.errors = [*form.file.errors, _("The file could not be kept: choose it again.")]
        return None
    kept.drop_unkept_files(db.session, store, forgotten)
    form.kept_file.data = row.id
    return row


def _forget(row: KeptUpload) -> None:
    digest = kept.forget_kept_upload(db.session, row)
    db.session.commit()
    kept.drop_unkept_files(db.session, kept_files(), [digest])


def _submit(form: ContractForm, chosen: Chosen, amount: Any) -> Contract:
    upload = read_upload_data(chosen.file_name, chosen.data, user())
    data = services.ContractData(
        title=form.title.data or "",
        counterparty=form.counterparty.data or "",
        contract_type=form.contract_type.data or "",
        amount=amount,
        start_on=form.start_date.data,
        end_on=form.end_date.data,
        is_urgent=bool(form.urgent.data),
        note=form.note.data or "",
        origin=form.origin.data or "",
    )
    used = kept.forget_kept_upload(db.session, chosen.kept) if chosen.kept else None
    contract = submit_and_commit(user(), data, upload)
    if used is not None:
        kept.drop_unkept_files(db.session, kept_files(), [used])
    return contract


def submit_and_commit(
    actor: User, data: services.ContractData, upload: services.Upload
) -> Contract:
    """Submit and commit; when no advisor is available the bureau is told all the same."""
    store = file_store()
    try:
        with store.pending(referenced=file_in_use):
            contract = services.submit_contract(
                db.session,
                actor=actor,
                data=data,
                upload=upload,
                store=store,
                today=today_local(),
                now=utcnow(),
            )
            db.session.commit()
    except routing.NoAdvisorAvailable as error:
        db.session.rollback()
        routing.report_no_advisor(db.session, error)
        db.session.commit()
        raise
    return contract


@bp.get("/contracts/<int:contract_id>")
def detail(contract_id: int) -> Any:
    """One contract: details, versions with downloads, text by page, history."""
    contract = queries.get_contract(db.session, user(), contract_id, with_versions=True)
    latest = contract.versions[-1] if contract.versions else None
    events = queries.events(db.session, contract)
    names = queries.advisor_names(db.session, events, known=contract.advisor)
    me = user()
    reassign_form = None
    if can_reassign_contract(me, contract):
        reassign_form = ReassignForm()
        reassign_form.advisor_id.choices = advisor_choices(db.session, active_only=True)
    panels: dict[str, Any] = {}
    for panel in DETAIL_PANELS:
        panels.update(panel(contract, me))
    actions = actions_for(contract.status, me.role or "")
    return render_template(
        "contracts/detail.html",
        **panels,
        contract=contract,
        latest=latest,
        texts=queries.version_text(db.session, latest) if latest else [],
        events=events,
        advisor_names=names,
        today=today_local(),
        actions=actions,
        statuses=STATUS_LABELS,
        types=TYPE_LABELS,
        action_labels=ACTION_LABELS,
        advisor=contract.advisor,
        # built only where the page shows them (detail.html's conditions)
        revision_form=(
            RevisionForm() if "revise" in actions and contract.status == Status.RETURNED else None
        ),
        withdraw_form=WithdrawForm() if "withdraw" in actions else None,
        reassign_form=reassign_form,
    )


@bp.get("/contracts/<int:contract_id>/versions/<int:number>/file")
def download(contract_id: int, number: int) -> Response:
    """The file of one version, under its original name; every download is recorded."""
    contract = queries.get_contract(db.session, user(), contract_id)
    version = queries.get_version(db.session, contract, number)
    store = file_store()
    if not store.exists(version.sha256):
        raise NotFound(
            _("The stored file is missing; the bureau has been told to run a file check.")
        )
    services.record_download(
        db.session, actor=user(), contract=contract, version=version, now=utcnow()
    )
    db.session.commit()
    note(
        EventKind.CONTRACT_DOWNLOAD,
        subject=f"contract:{contract.id}/v{version.number}",
        detail={"file": version.file_name},
    )
    return file_response(store.read(version.sha256), version.file_name, version.media_type)


MEDIA_TYPES = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "json": "application/json",
}


def file_response(data: bytes, name: str, media_type: str) -> Response:
    """An attachment whose name survives in every browser, Chinese characters included."""
    ascii_name = name.encode("ascii", "ignore").decode() or f"contract.{media_type}"
    ascii_name = ascii_name.replace('"', "").replace("\\", "")
    response = Response(data, mimetype=MEDIA_TYPES[media_type])
    response.headers["Content-Disposition"] = (
        f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(name, safe='')}"
    )
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.post("/contracts/<int:contract_id>/versions")
@require(Role.SCHOOL)
def revise(contract_id: int) -> Any:
    """Upload a revised version of a returned or reviewed contract."""
    contract = queries.get_contract(db.session, user(), contract_id)
    form = RevisionForm()
    if not form.validate_on_submit():
        flash(form_error_text(form), "danger")
        return redirect(url_for("contracts.detail", contract_id=contract.id))
    try:
        services.check_transition(user(), contract, Action.REVISE)
        upload = read_upload(form.file.data, user())
        store = file_store()
        with store.pending(referenced=file_in_use):
            version = services.submit_revision(
                db.session,
                actor=user(),
                contract=contract,
                upload=upload,
                note=form.note.data or "",
                store=store,
                today=today_local(),
                now=utcnow(),
                lock_version=request.form.get("lock_version", type=int),
            )
            number = version.number
            db.session.commit()
    except AppError as error:
        db.session.rollback()
        if error.retry_after is not None:  # the parser pool is full: 503 page, Retry-After
            raise
        flash(error_text(error), "danger")
    else:
        flash(_("Version %(n)d uploaded; the advisor has been told.", n=number), "success")
    return redirect(url_for("contracts.detail", contract_id=contract_id))


@bp.get("/contracts/<int:contract_id>/diff")
def diff(contract_id: int) -> Any:
    """Compare two versions' texts, changed lines highlighted."""
    contract = queries.get_contract(db.session, user(), contract_id)
    numbers = [v.number for v in contract.versions]
    newest = numbers[-1] if numbers else 1
    old_n = request.args.get("from", type=int) or max(1, newest - 1)
    new_n = request.args.get("to", type=int) or newest
    old, new = (
        queries.get_version(db.session, contract, old_n),
        queries.get_version(db.session, contract, new_n),
    )
    changes = compare(queries.version_text(db.session, old), queries.version_text(db.session, new))
    return render_template(
        "contracts/diff.html", contract=contract, old=old, new=new, changes=changes, numbers=numbers
    )


@bp.post("/contracts/<int:contract_id>/withdraw")
@require(Role.SCHOOL)
def withdraw(contract_id: int) -> Any:
    """The school withdraws the contract, with a reason."""
    contract = queries.get_contract(db.session, user(), contract_id)
    form = WithdrawForm()

    def work() -> None:
        if not form.validate_on_submit():
            raise ValidationError(form_error_text(form))
        services.withdraw(
            db.session,
            actor=user(),
            contract=contract,
            reason=form.reason.data or "",
            now=utcnow(),
            lock_version=request.form.get("lock_version", type=int),
        )

    act(work, _("The contract has been withdrawn."))
    return redirect(url_for("contracts.detail", contract_id=contract_id))


@bp.post("/contracts/<int:contract_id>/start")
@require(Role.ADVISOR)
def start(contract_id: int) -> Any:
    """The advisor starts reviewing the contract."""
    contract = queries.get_contract(db.session, user(), contract_id)
    act(
        lambda: services.start_review(
            db.session,
            actor=user(),
            contract=contract,
            now=utcnow(),
            lock_version=request.form.get("lock_version", type=int),
        ),
        _("Review started."),
    )
    return redirect(url_for("contracts.detail", contract_id=contract_id))


@bp.post("/contracts/<int:contract_id>/reassign")
@require(Role.BUREAU)
def reassign(contract_id: int) -> Any:
    """The bureau gives an open contract to another advisor, with a reason."""
    contract = queries.get_contract(db.session, user(), contract_id)
    form = ReassignForm()
    form.advisor_id.choices = advisor_choices(db.session, active_only=True)
    try:
        if not form.validate_on_submit():
            raise ValidationError(form_error_text(form))
        advisor = db.session.get(Advisor, form.advisor_id.data)
        if advisor is None:
            raise NotFound(_("No such advisor."))
        services.reassign(
            db.session,
            actor=user(),
            contract=contract,
            advisor=advisor,
            reason=form.reason.data or "",
            now=utcnow(),
        )
        db.session.commit()
    except AppError as error:
        db.session.rollback()
        flash(error_text(error), "danger")
    else:
        flash(_("Reassigned to %(name)s.", name=advisor.name), "success")
    return redirect(url_for("contracts.detail", contract_id=contract_id))
