"""The rules of a signing: the seal use (用印登记) recorded with it, and the check of the
signed copy against the version the opinion was issued on.

Pure functions on plain values; services.close_contract applies them, with the contract's
dates and the reviewed version's text, before anything is recorded.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from flask_babel import lazy_gettext as _l

from advisor.contracts.diff import Change, compare
from advisor.errors import ValidationError
from advisor.reviews.models import Seal
from advisor.text import too_long

APPROVER_MAX = 50  # seal_use.approved_by is a String(50) column
MIN_COPIES, MAX_COPIES = 1, 99
DIFFERENCE_REASON_MAX = 500
DIFFERENCE_SHOWN = 5  # changed blocks a refused close shows
# Text that is not what was typed: U+FFFD is what a browser's broken encoding (a lone
# surrogate) arrives as; a lone surrogate itself is not Unicode.
_GARBLED = frozenset("\ufffd") | {chr(c) for c in range(0xD800, 0xE000)}


@dataclass(frozen=True, slots=True)
class SealData:
    """The seal use (用印登记) recorded with a signing, as typed."""

    seal: str
    approved_by: str
    used_on: date | None
    copies: int | None


class SignedCopyDiffers(ValidationError):
    """The signed copy's text is not the text the opinion was issued on and no reason was
    given: ``changes`` are the first changed blocks (old: the reviewed version)."""

    def __init__(self, message: Any, *, fields: dict[str, Any], changes: list[Change]) -> None:
        super().__init__(message, fields=fields)
        self.changes = changes


def check_seal(seal: SealData | None, *, today: date, submitted_on: date) -> dict[str, Any]:
    """Problems of a signing's seal use by field (empty when valid): one of the two seals;
    the approver's name, at most APPROVER_MAX characters of real text; the date of use,
    neither after ``today`` nor before the contract was submitted; 1 to 99 copies."""
    if seal is None:
        seal = SealData(seal="", approved_by="", used_on=None, copies=None)
    problems: dict[str, Any] = {}
    if seal.seal not in {s.value for s in Seal}:
        problems["seal"] = _l("Choose the official seal or the contract seal.")
    name = seal.approved_by.strip()
    if not name:
        problems["approved_by"] = _l("Enter who approved the use of the seal.")
    elif _GARBLED.intersection(name):
        problems["approved_by"] = _l("The name holds characters that are not text; type it again.")
    else:
        problems.update(too_long({"approved_by": name}, {"approved_by": APPROVER_MAX}))
    if seal.used_on is None:
        problems["used_on"] = _l("Enter the date the seal was used.")
    elif seal.used_on > today:
        problems["used_on"] = _l("The date cannot be after today.")
    elif seal.used_on < submitted_on:
        problems["used_on"] = _l(
            "The date cannot be before the contract was submitted (%(day)s).",
            day=submitted_on.isoformat(),
        )
    if (
        not isinstance(seal.copies, int)
        or isinstance(seal.copies, bool)
        or not MIN_COPIES <= seal.copies <= MAX_COPIES
    ):
        problems["copies"] = _l("From %(low)d to %(high)d copies.", low=MIN_COPIES, high=MAX_COPIES)
    return problems


def _bare(pages: list[str]) -> str:
    return "".join("".join(pages).split())


def changes_from_reviewed(reviewed: list[str], copy: list[str]) -> list[Change] | None:
    """How a signed copy's page texts ``copy`` differ from the ``reviewed`` version's:
    None when they are the same text, whitespace aside (line breaks and spacing differ
    between a Word file, its PDF and a scan's text layer); else the changed blocks
    (advisor.contracts.diff), empty when the copy has no text to compare (a scan), which
    differs all the same: nobody can tell it is the reviewed text."""
    if _bare(copy) == _bare(reviewed):
        return None
    return compare(reviewed, copy) if _bare(copy) else []


def difference_refusal(changes: list[Change], reason: str) -> SignedCopyDiffers | None:
    """The refusal of a signed copy that differs and says not why; None with a reason."""
    if reason:
        return None
    message = (
        _l(
            "The signed copy has no text to compare with the version the opinion was issued"
            " on; say why it may differ, or what it is."
        )
        if not changes
        else _l("The signed copy differs from the version the opinion was issued on; say why.")
    )
    return SignedCopyDiffers(
        message,
        fields={"difference_reason": _l("Required: say why the signed copy differs.")},
        changes=changes[:DIFFERENCE_SHOWN],
    )
