"""Turning an uploaded file into a checked Upload, or a refusal the user can act on."""

from __future__ import annotations

import logging
import unicodedata
from collections.abc import Callable
from typing import Any

from flask_babel import lazy_gettext as _l

from advisor.contracts.extraction import Extracted, Limits, Refused, inspect_isolated, sniff
from advisor.contracts.services import Upload
from advisor.errors import AppError, PayloadTooLarge, Unsupported, ValidationError

MESSAGES: dict[str, Callable[..., Any]] = {
    "empty": lambda **p: _l("The file is empty. Choose the contract file again.", **p),
    "not_supported": lambda **p: _l(
        "Only PDF and Word (.docx) files are accepted, and this file is neither, whatever its"
        " name says. Save the contract as PDF or .docx and upload that.",
        **p,
    ),
    "image": lambda **p: _l(
        "This is a photo or picture, not a contract file. Scan the paper contract to PDF and"
        " upload that (on a phone, the “Scan document” function does it).",
        **p,
    ),
    "not_word": lambda **p: _l(
        "This is a zip archive, not a Word document. Upload the contract itself as PDF or .docx.",
        **p,
    ),
    "truncated": lambda **p: _l(
        "The PDF is incomplete (it was cut off during copying or downloading). Export it again.",
        **p,
    ),
    "corrupt": lambda **p: _l(
        "The file is damaged and cannot be read. Export or scan it again.", **p
    ),
    "encrypted": lambda **p: _l(
        "The PDF is protected by a password. Save a copy without the password and upload that.", **p
    ),
    "too_many_pages": lambda **p: _l(
        "The file has more than %(limit)s pages. Upload the contract without attachments.", **p
    ),
    "text_too_large": lambda **p: _l(
        "The file contains more than %(limit)s characters of text.", **p
    ),
    "timeout": lambda **p: _l(
        "Reading the file took longer than %(limit)s seconds; it may be damaged.", **p
    ),
    "memory": lambda **p: _l(
        "Reading the file needed more than %(limit)s MB of memory; it may be damaged.", **p
    ),
    "zip_bomb": lambda **p: _l(
        "The Word file unpacks to more than %(limit)s MB; it may be damaged.", **p
    ),
    "xml_entities": lambda **p: _l(
        "The Word file contains XML entity declarations, which are refused for safety."
        " Open it in Word or WPS and save it again.",
        **p,
    ),
}

UNSUPPORTED = {"not_supported", "not_word", "image"}
# Refusals that point at a hostile or broken file rather than a user's slip: WARNING.
SUSPICIOUS = {"timeout", "memory", "zip_bomb", "xml_entities"}

log = logging.getLogger(__name__)


def megabytes(size: int) -> str:
    """A byte count as MB for people: 20, 0.05, 1.5 (no rounding down to 0)."""
    return f"{size / (1024 * 1024):.2f}".rstrip("0").rstrip(".")


def display_name(name: str) -> str:
    """The name users see: the original (Chinese kept), without folders or control characters."""
    base = name.replace("\\", "/").rsplit("/", 1)[-1]
    cleaned = "".join(c for c in base if unicodedata.category(c)[0] != "C").strip()
    return cleaned[:255]


def log_refusal(reason: str, size: int | None) -> None:
    """One line per refused upload: the reason code and the size, never the content or name."""
    level = logging.WARNING if reason in SUSPICIOUS else logging.INFO
    fields = {"reason": reason, "size": size}
    log.log(level, "upload refused: %s (%s bytes)", reason, size, extra={"fields": fields})


def check_size(size: int, max_bytes: int) -> None:
    if size > max_bytes:
        log_refusal("too_large", size)
        raise PayloadTooLarge(
            _l("The file is larger than %(mb)s MB.", mb=megabytes(max_bytes)),
            fields={"file": _l("Larger than %(mb)s MB.", mb=megabytes(max_bytes))},
        )


def quick_check(data: bytes, *, max_bytes: int) -> None:
    """What can be told of a file without reading it, in a moment: its size, that it is
    not empty, and PDF or Word by its first bytes. Raise an AppError as ``check_upload``.

    The submission page asks only this while other fields are wrong, so that the form
    comes back at once however long the file (issue 20, item 3)."""
    check_size(len(data), max_bytes)
    try:
        sniff(data)
    except Refused as refusal:
        raise refused(refusal, len(data)) from refusal


def refused(refusal: Refused, size: int) -> AppError:
    """The error a refusal code is shown as (logged once here)."""
    log_refusal(refusal.code, size)
    message = MESSAGES[refusal.code](**refusal.params)
    error_class: type[AppError] = Unsupported if refusal.code in UNSUPPORTED else ValidationError
    return error_class(message, fields={"file": message})


def check_upload(
    file_name: str,
    data: bytes,
    *,
    max_bytes: int,
    limits: Limits,
    parse: Callable[[bytes, Limits], Extracted] = inspect_isolated,
) -> Upload:
    """Check size, type (by content) and readability; raise an AppError with a clear message.

    ``parse`` reads the file under the limits (the web views pass their ParsePool's)."""
    check_size(len(data), max_bytes)
    try:
        extracted = parse(data, limits)
    except Refused as refusal:
        raise refused(refusal, len(data)) from refusal
    return Upload(file_name=display_name(file_name), data=data, extracted=extracted)
