"""Contracts through the API (API.md "Contracts"): same services and scopes as the pages."""

from __future__ import annotations

from typing import Any

from flask import request
from flask_babel import lazy_gettext as _l

from advisor.api import responses
from advisor.api.auth import api_user
from advisor.api.blueprint import bp, json_body, page_params
from advisor.api.fields import read
from advisor.api.requests import (
    ContractUpload,
    ReassignBody,
    StartBody,
    VersionUpload,
    WithdrawBody,
)
from advisor.api.schemas import contract_json, diff_json, page_json
from advisor.contracts import permissions, queries, services
from advisor.contracts.amounts import parse_amount
from advisor.contracts.diff import compare
from advisor.contracts.views import (
    file_in_use,
    file_response,
    file_store,
    read_upload,
    submit_and_commit,
)
from advisor.contracts.workflow import Action
from advisor.db import paginate, utcnow
from advisor.directory.models import Advisor
from advisor.errors import AppError, Forbidden, NotFound, ValidationError
from advisor.extensions import db
from advisor.forms import id_arg
from advisor.security_log.edge import note
from advisor.security_log.models import EventKind
from advisor.workdays import today_local


def _contract_data() -> services.ContractData:
    """The submission's fields, read with the contract form's validators (before the file
    is read); submit_contract checks them again, as it does for the page."""
    fields = read(ContractUpload, request.form.to_dict())
    return services.ContractData(
        title=fields.title,
        counterparty=fields.counterparty,
        contract_type=fields.contract_type,
        amount=parse_amount(fields.amount),
        start_on=fields.start_date,
        end_on=fields.end_date,
        is_urgent=fields.urgent,
        note=fields.note,
    )


def _file() -> services.Upload:
    storage = request.files.get("file")
    if storage is None:
        raise ValidationError(_l("Attach the contract file."), fields={"file": _l("Required.")})
    return read_upload(storage, api_user())


@bp.post("/contracts")
def create_contract() -> Any:
    """A school submits a contract with its file (multipart)."""
    actor = api_user()
    if not permissions.can_submit_contract(actor):
        raise Forbidden(_l("Only a school's staff can submit contracts."))
    data = _contract_data()
    upload = _file()
    contract = submit_and_commit(actor, data, upload)
    return contract_json(db.session, contract), 201


@bp.get("/contracts")
def list_contracts() -> Any:
    """Contracts the caller may see, filtered."""
    args = request.args
    filters = queries.Filters(
        status=args.get("status", ""),
        contract_type=args.get("contract_type", ""),
        school_id=id_arg("school_id"),
        advisor_id=id_arg("advisor_id"),
        overdue=args.get("overdue") == "true",
        q=args.get("q", ""),
    )
    stmt = queries.search_contracts(
        api_user(), filters, today_local(), dialect=db.engine.dialect.name
    )
    page = paginate(db.session, stmt, **page_params())
    items = [contract_json(db.session, c, brief=True) for c in page.items]
    return page_json(responses.ContractPage, page, items)


@bp.get("/contracts/<int:contract_id>")
def get_contract(contract_id: int) -> Any:
    """One contract with its versions and history."""
    return contract_json(db.session, queries.get_contract(db.session, api_user(), contract_id))


@bp.post("/contracts/<int:contract_id>/versions")
def add_version(contract_id: int) -> Any:
    """The school uploads a revised version (contract returned or reviewed)."""
    actor = api_user()
    contract = queries.get_contract(db.session, actor, contract_id)
    services.check_transition(actor, contract, Action.REVISE)
    fields = read(VersionUpload, request.form.to_dict())
    upload = _file()
    store = file_store()
    with store.pending(referenced=file_in_use):
        services.submit_revision(
            db.session,
            actor=actor,
            contract=contract,
            upload=upload,
            note=fields.note,
            store=store,
            today=today_local(),
            now=utcnow(),
            lock_version=fields.lock_version,
        )
        db.session.commit()
    return contract_json(db.session, contract), 201


@bp.get("/contracts/<int:contract_id>/versions/<int:number>/file")
def version_file(contract_id: int, number: int) -> Any:
    """A version's file under its original name; the download is recorded."""
    actor = api_user()
    contract = queries.get_contract(db.session, actor, contract_id)
    version = queries.get_version(db.session, contract, number)
    store = file_store()
    if not store.exists(version.sha256):
        raise NotFound(_l("The stored file is missing."))
    services.record_download(
        db.session, actor=actor, contract=contract, version=version, now=utcnow()
    )
    db.session.commit()
    note(
        EventKind.CONTRACT_DOWNLOAD,
        subject=f"contract:{contract.id}/v{version.number}",
        detail={"file": version.file_name},
    )
    return file_response(store.read(version.sha256), version.file_name, version.media_type)


@bp.get("/contracts/<int:contract_id>/diff")
def contract_diff(contract_id: int) -> Any:
    """The changed lines between two versions."""
    contract = queries.get_contract(db.session, api_user(), contract_id)
    try:
        old_n, new_n = int(request.args["from"]), int(request.args["to"])
    except (KeyError, ValueError) as error:
        raise AppError(
            _l("Give the versions to compare."),
            fields={"from": _l("A version number."), "to": _l("A version number.")},
        ) from error
    old = queries.get_version(db.session, contract, old_n)
    new = queries.get_version(db.session, contract, new_n)
    changes = compare(queries.version_text(db.session, old), queries.version_text(db.session, new))
    return diff_json(old_n, new_n, changes)


@bp.post("/contracts/<int:contract_id>/start")
def start_review(contract_id: int) -> Any:
    """The assigned advisor starts the review."""
    actor = api_user()
    contract = queries.get_contract(db.session, actor, contract_id)
    body = read(StartBody, json_body())
    services.start_review(
        db.session, actor=actor, contract=contract, now=utcnow(), lock_version=body.lock_version
    )
    db.session.commit()
    return contract_json(db.session, contract)


@bp.post("/contracts/<int:contract_id>/withdraw")
def withdraw_contract(contract_id: int) -> Any:
    """The school withdraws the contract before an opinion; ``reason`` is required."""
    actor = api_user()
    contract = queries.get_contract(db.session, actor, contract_id)
    body = read(WithdrawBody, json_body())
    services.withdraw(
        db.session,
        actor=actor,
        contract=contract,
        reason=body.reason,
        now=utcnow(),
        lock_version=body.lock_version,
    )
    db.session.commit()
    return contract_json(db.session, contract)


@bp.post("/contracts/<int:contract_id>/reassign")
def reassign_contract(contract_id: int) -> Any:
    """The bureau reassigns an open contract to another advisor."""
    actor = api_user()
    contract = queries.get_contract(db.session, actor, contract_id)
    body = read(ReassignBody, json_body())
    advisor = db.session.get(Advisor, body.advisor_id) if body.advisor_id is not None else None
    if advisor is None and permissions.can_reassign_contract(actor, contract):
        raise ValidationError(
            _l("Choose an advisor."), fields={"advisor_id": _l("No such advisor.")}
        )
    services.reassign(
        db.session,
        actor=actor,
        contract=contract,
        advisor=advisor,  # type: ignore[arg-type]
        reason=body.reason,
        now=utcnow(),
    )
    db.session.commit()
    return contract_json(db.session, contract)
