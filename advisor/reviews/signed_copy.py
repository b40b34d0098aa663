"""The signed copy of the close form: chosen now, or kept from a sending that was refused.

A school that chose its signed copy and then was asked for the seal use or for why the
copy differs from the reviewed version should not have to choose the file again: the
file is kept as the submission form keeps its file (advisor.contracts.kept), its id in
the form's hidden ``kept_file``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flask import current_app
from flask_babel import gettext as _

from advisor.accounts.models import User
from advisor.contracts import kept
from advisor.contracts.models import KeptUpload
from advisor.contracts.uploads import display_name, quick_check
from advisor.contracts.views import kept_files
from advisor.errors import AppError, InsufficientStorage
from advisor.extensions import db
from advisor.reviews.forms import CloseForm


@dataclass(frozen=True)
class SignedFile:
    """The signed copy of one sending of the close form: chosen now, or kept from before."""

    file_name: str
    data: bytes
    kept: KeptUpload | None = None


def signed_file(form: CloseForm, me: User, now: datetime) -> SignedFile | None:
    """The signed copy this sending carries: a file chosen now (quick checks only), else
    the one kept from a refused sending. A problem with it goes on the file field."""
    storage = form.file.data
    if storage is not None and getattr(storage, "filename", None):
        data = storage.read()
        try:
            quick_check(data, max_bytes=current_app.config["ADVISOR"].max_upload_bytes)
        except AppError as error:
            form.file.errors = [str(error.fields.get("file", error.message))]
            form.kept_file.data = ""
            return None
        return SignedFile(display_name(storage.filename), data)
    if not form.kept_file.data:
        return None
    found = kept.get_kept_upload(db.session, me, form.kept_file.data, now)
    data = kept.read_kept(kept_files(), found) if found is not None else None
    if found is None or data is None:
        form.kept_file.data = ""
        form.file.errors = [_("The file chosen earlier is no longer kept. Choose it again.")]
        return None
    return SignedFile(found.file_name, data, found)


def keep_signed(form: CloseForm, chosen: SignedFile, me: User, now: datetime) -> KeptUpload | None:
    """Keep the signed copy for the form's next sending (advisor.contracts.kept); its id
    goes in the form. None when it could not be kept (the file field says so)."""
    row = chosen.kept
    if row is None:
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
            form.file.errors = [_("The file could not be kept: choose it again.")]
            return None
        kept.drop_unkept_files(db.session, store, forgotten)
    form.kept_file.data = row.id
    return row


def forget_kept(row: KeptUpload) -> None:
    """Forget a kept signed copy (used, or refused) and commit."""
    digest = kept.forget_kept_upload(db.session, row)
    db.session.commit()
    kept.drop_unkept_files(db.session, kept_files(), [digest])
