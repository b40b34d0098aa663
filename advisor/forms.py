"""Helpers shared by every domain's forms and list views."""

from __future__ import annotations

from collections.abc import Callable

from flask import flash, request
from flask_wtf import FlaskForm

from advisor.errors import AppError
from advisor.extensions import db


def apply_errors(form: FlaskForm, error: AppError) -> None:
    """Show a service's refusal on the form: per field where it names one, else on top."""
    placed = False
    for name, message in error.fields.items():
        field = getattr(form, name, None)
        if field is not None:
            field.errors = [*field.errors, str(message)]
            placed = True
    if not placed:
        form.form_errors.append(str(error.message))


def error_text(error: AppError) -> str:
    """A refusal as one sentence for a flash message: the message, then the field hints."""
    # "status" carries the machine-readable state for API clients, not a hint for people.
    hints = [
        str(m) for k, m in error.fields.items() if k != "status" and str(m) != str(error.message)
    ]
    return " ".join([str(error.message), *hints])


def form_error_text(form: FlaskForm) -> str:
    """A form's field errors as one flash message, each prefixed by its field label."""
    return " ".join(
        f"{getattr(form, name).label.text}: {message}"
        for name, messages in form.errors.items()
        for message in messages
    )


def act(work: Callable[[], object], done: str) -> bool:
    """Run one unit of work and commit it; on a refusal roll back and flash why,
    otherwise flash ``done``. For the POST-then-redirect buttons of the pages."""
    try:
        work()
        db.session.commit()
    except AppError as error:
        db.session.rollback()
        flash(error_text(error), "danger")
        return False
    flash(done, "success")
    return True


MAX_PAGE = 1_000_000
MAX_ID = 2**31 - 1  # what every database here stores in an id column


def small_int(raw: str | None, *, upper: int = MAX_ID) -> int | None:
    """A whole number from 0 to ``upper`` written in ASCII digits, else None: "²", "-1",
    "1e3" and a number too large for an id column are all junk, never an error."""
    text = (raw or "").strip()
    if not (text.isascii() and text.isdigit() and len(text) <= len(str(upper))):
        return None
    value = int(text)
    return value if value <= upper else None


def id_arg(name: str) -> int | None:
    """An id from the query string (1 and above), or None for junk."""
    value = small_int(request.args.get(name))
    return value if value else None


def page_args(default_per_page: int = 50) -> dict[str, int]:
    """``page`` and ``per_page`` from the query string; junk falls back to the defaults."""
    page = small_int(request.args.get("page"), upper=MAX_PAGE) or 1
    per_page = small_int(request.args.get("per_page"), upper=200) or default_per_page
    return {"page": max(1, page), "per_page": max(1, min(per_page, 200))}
