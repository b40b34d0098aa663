"""Pages of the model contracts (合同范本库): the library, the bureau's upload, mark-up and
publishing, a school filling a template and starting a contract from it; and the panels
this domain adds to the submission form and the review page."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from advisor.accounts.models import Role, User
from advisor.auth import protect, require, user
from advisor.contracts.forms import ContractForm
from advisor.contracts.labels import TYPE_LABELS
from advisor.contracts.models import Contract
from advisor.contracts.signals import contract_submitted
from advisor.contracts.views import (
    SUBMISSION_PANELS,
    file_in_use,
    file_response,
    file_store,
    read_upload,
)
from advisor.db import utcnow
from advisor.errors import AppError, NotFound, ValidationError
from advisor.extensions import db
from advisor.forms import act, apply_errors, error_text, form_error_text, small_int
from advisor.model_contracts import services
from advisor.model_contracts.forms import ActionForm, ModelContractForm, VersionForm
from advisor.model_contracts.labels import CHANGE_LABELS, KIND_LABELS, STATUS_LABELS
from advisor.model_contracts.models import FieldKind, ModelContract, TemplateFill
from advisor.reviews.views import REVIEW_PANELS

bp = Blueprint("model_contracts", __name__, url_prefix="/templates")
protect(bp)

ORIGIN = "template_fill:"
VERSION = "/<int:model_id>/versions/<int:number>"


def _field_name(index: int) -> str:
    return f"field-{index}"


@bp.get("")
def index() -> Any:
    """The library: every model contract with its published version (the bureau also sees
    drafts and withdrawn ones)."""
    me = user()
    return render_template(
        "model_contracts/index.html",
        models=services.models(db.session, me),
        types=TYPE_LABELS,
        can_manage=services.can_manage(me),
        can_fill=services.can_fill(me),
    )


@bp.route("/new", methods=["GET", "POST"])
@require(Role.BUREAU)
def new() -> Any:
    """Upload a new model contract (its first version, a draft)."""
    form = ModelContractForm()
    if form.validate_on_submit():
        try:
            template = services.read_template(read_upload(form.file.data, user()))
            store = file_store()
            with store.pending(referenced=file_in_use):
                version = services.create_model(
                    db.session,
                    actor=user(),
                    title=form.title.data or "",
                    contract_type=form.contract_type.data or "",
                    template=template,
                    note=form.note.data or "",
                    store=store,
                    now=utcnow(),
                )
                db.session.commit()
        except AppError as error:
            db.session.rollback()
            apply_errors(form, error)
            if error.retry_after is not None:
                raise
        else:
            flash(_("Uploaded as a draft. Mark the negotiable clauses, then publish."), "success")
            return redirect(url_for(".model", model_id=version.model_contract_id))
    status = 422 if form.is_submitted() and form.errors else 200
    return render_template("model_contracts/new.html", form=form), status


@bp.get("/<int:model_id>")
def model(model_id: int) -> Any:
    """One model contract: its versions, their fields and clauses; for the bureau the
    mark-up of a draft, publishing, withdrawing and a new version."""
    me = user()
    found = services.get_model(db.session, me, model_id)
    return render_template(
        "model_contracts/model.html",
        model=found,
        versions=[v for v in reversed(found.versions) if services.can_see_version(me, v)],
        types=TYPE_LABELS,
        kinds=KIND_LABELS,
        statuses=STATUS_LABELS,
        can_manage=services.can_manage(me),
        can_fill=services.can_fill(me) and found.published is not None,
        action_form=ActionForm(),
        version_form=VersionForm() if services.can_manage(me) else None,
    )


@bp.post("/<int:model_id>/versions")
@require(Role.BUREAU)
def add_version(model_id: int) -> Any:
    found = services.get_model(db.session, user(), model_id)
    form = VersionForm()
    try:
        if not form.validate_on_submit():
            raise ValidationError(form_error_text(form))
        template = services.read_template(read_upload(form.file.data, user()))
        store = file_store()
        with store.pending(referenced=file_in_use):
            services.add_version(
                db.session,
                actor=user(),
                model=found,
                template=template,
                note=form.note.data or "",
                store=store,
                now=utcnow(),
            )
            db.session.commit()
    except AppError as error:
        db.session.rollback()
        if error.retry_after is not None:
            raise
        flash(error_text(error), "danger")
    else:
        flash(_("Uploaded as a draft. Mark the negotiable clauses, then publish."), "success")
    return redirect(url_for(".model", model_id=model_id))


def _version_of_url(model_id: int, number: int) -> tuple[ModelContract, Any]:
    found = services.get_model(db.session, user(), model_id)
    return found, services.get_version(db.session, user(), found, number)


@bp.post(f"{VERSION}/clauses")
@require(Role.BUREAU)
def clauses(model_id: int, number: int) -> Any:
    """Which clauses of a draft a school may change (the boxes ticked)."""
    _found, version = _version_of_url(model_id, number)
    if ActionForm().validate_on_submit():
        chosen = request.form.getlist("negotiable")
        act(
            lambda: services.set_negotiable(
                db.session, actor=user(), version=version, outlines=chosen
            ),
            _("Saved."),
        )
    return redirect(url_for(".model", model_id=model_id))


@bp.post(f"{VERSION}/publish")
@require(Role.BUREAU)
def publish(model_id: int, number: int) -> Any:
    _found, version = _version_of_url(model_id, number)
    if ActionForm().validate_on_submit():
        act(
            lambda: services.publish(db.session, actor=user(), version=version, now=utcnow()),
            _("Published: schools now start from this version."),
        )
    return redirect(url_for(".model", model_id=model_id))


@bp.post(f"{VERSION}/withdraw")
@require(Role.BUREAU)
def withdraw(model_id: int, number: int) -> Any:
    _found, version = _version_of_url(model_id, number)
    if ActionForm().validate_on_submit():
        act(
            lambda: services.withdraw(db.session, actor=user(), version=version, now=utcnow()),
            _("Withdrawn: schools no longer start from it."),
        )
    return redirect(url_for(".model", model_id=model_id))


@bp.get(f"{VERSION}/file")
def download(model_id: int, number: int) -> Response:
    """The Word file of a version, as the bureau uploaded it."""
    _found, version = _version_of_url(model_id, number)
    return file_response(file_store().read(version.sha256), version.file_name, "docx")


@bp.route("/<int:model_id>/fill", methods=["GET", "POST"])
@require(Role.SCHOOL)
def fill(model_id: int) -> Any:
    """The published version's fields as a form; what is sent is kept (a TemplateFill)
    and the school goes on to download the filled document."""
    found = services.get_model(db.session, user(), model_id)
    version = found.published
    if version is None:
        raise NotFound(_("This model contract is not offered at the moment."))
    typed = {
        field["label"]: request.form.get(_field_name(index), "")
        for index, field in enumerate(version.fields)
    }
    problems: dict[str, Any] = {}
    if request.method == "POST":
        if not ActionForm().validate_on_submit():
            problems[""] = _("The form expired. Send it again.")
        else:
            try:
                made = services.record_fill(
                    db.session,
                    actor=user(),
                    version=version,
                    raw=typed,
                    store=file_store(),
                    now=utcnow(),
                )
                db.session.commit()
            except AppError as error:
                db.session.rollback()
                problems = {key: str(value) for key, value in error.fields.items()} or {
                    "": error_text(error)
                }
            else:
                flash(_("Saved. Download the filled contract to negotiate it."), "success")
                return redirect(url_for(".filled", fill_id=made.id))
    return render_template(
        "model_contracts/fill.html",
        model=found,
        version=version,
        fields=[
            (_field_name(index), field, typed.get(field["label"], ""), problems.get(field["label"]))
            for index, field in enumerate(version.fields)
        ],
        kinds=KIND_LABELS,
        problem=problems.get(""),
        any_problem=bool(problems),
        form=ActionForm(),
    ), (422 if problems else 200)


@bp.get("/fills/<int:fill_id>")
def filled(fill_id: int) -> Any:
    """What the school filled: the values, the download, and the way on to submitting."""
    found = services.get_fill(db.session, user(), fill_id)
    return render_template(
        "model_contracts/filled.html",
        fill=found,
        version=found.version,
        model=found.version.model,
        can_submit=services.can_fill(user()) and found.contract_id is None,
    )


@bp.get("/fills/<int:fill_id>/file")
def filled_file(fill_id: int) -> Response:
    """The template with the school's values, to negotiate with the counterparty."""
    found = services.get_fill(db.session, user(), fill_id)
    name = f"{found.version.model.title}（{found.id}）.docx"
    return file_response(services.filled_document(file_store(), found), name, "docx")


# --- panels in other domains' pages -------------------------------------------------------


def started_from_panel(form: ContractForm, viewer: User) -> dict[str, Any]:
    """On the submission form: the fill the contract starts from (``?fill=`` when the
    school comes from a filled template, else the origin the form carries), with the
    title and type taken from the template when the form is new."""
    raw = form.origin.data or ""
    fill_id = small_int(raw.removeprefix(ORIGIN)) if raw.startswith(ORIGIN) else None
    if fill_id is None and not form.is_submitted():
        fill_id = small_int(request.args.get("fill"))
    if fill_id is None:
        return _starting_points(viewer)
    try:
        found = services.get_fill(db.session, viewer, fill_id)
    except NotFound:
        form.origin.data = ""
        return {}
    if found.contract_id is not None:
        form.origin.data = ""
        return {}
    form.origin.data = f"{ORIGIN}{found.id}"
    if not form.is_submitted():
        model_contract = found.version.model
        form.title.data = form.title.data or model_contract.title
        form.contract_type.data = form.contract_type.data or model_contract.contract_type
        amount = next(
            (
                found.values.get(f["label"])
                for f in found.version.fields
                if f["kind"] == FieldKind.AMOUNT and found.values.get(f["label"])
            ),
            None,
        )
        form.amount.data = form.amount.data or amount
    return {"started_from": found}


def _starting_points(viewer: User) -> dict[str, Any]:
    """For a new submission: the model contracts to start from, and what the school has
    filled in and not yet submitted."""
    return {
        "model_choices": [
            m for m in services.models(db.session, viewer) if m.published is not None
        ],
        "open_fills": services.open_fills(db.session, viewer),
    }


SUBMISSION_PANELS.append(started_from_panel)


def _link_fill(_sender: Any, *, session: Any, actor: User, contract: Contract, origin: str) -> None:
    """The submission names a filled template: record it on the fill (refusing the
    submission if the fill is another school's or already used)."""
    fill_id = small_int(origin.removeprefix(ORIGIN)) if origin.startswith(ORIGIN) else None
    if fill_id is None:
        return
    found = session.get(TemplateFill, fill_id)
    if found is None:
        raise ValidationError(_("The filled model contract is no longer there; fill it again."))
    services.start_contract_from(session, actor=actor, fill=found, contract=contract)


contract_submitted.connect(_link_fill)


def comparison_panel(contract: Contract) -> dict[str, Any]:
    """On the review page: the latest version against the template the school filled,
    the changed fixed clauses first, the unchanged ones folded."""
    found = services.comparison(db.session, contract)
    if found is None:
        return {}
    return {"template_comparison": found, "change_labels": CHANGE_LABELS}


REVIEW_PANELS.append(comparison_panel)
