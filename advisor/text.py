"""Text hygiene: what typed text may hold, and how long each kind of text may be.

Every text that enters the application (a form field, a JSON body, a multipart field, an
uploaded file's name, a spreadsheet cell, a search term) goes through ``clean_text`` once,
where it enters. It removes what no person types and what can make stored text lie:

- C0 and C1 control characters (U+0000–U+001F, U+007F–U+009F) except newline and tab;
  ``\\r\\n`` and a lone ``\\r`` become ``\\n``;
- the bidirectional embeddings, overrides and isolates U+202A–U+202E and U+2066–U+2069,
  which reorder what is shown (a file name "invoice<U+202E>fdp.exe" reads as "invoiceexe.pdf");
- lone surrogates (U+D800–U+DFFF), which are not Unicode at all. The API refuses them
  with a 422 before cleaning; a form never delivers them (Werkzeug decodes with
  replacement).

Kept on purpose: the marks U+200E/U+200F (LRM, RLM) and U+061C (ALM) only set the
direction of the neutral characters next to them and cannot reorder a run of text, and
Arabic or Hebrew text mixed with numbers needs them; the zero-width joiner and
non-joiner (U+200C, U+200D), needed by several scripts and by emoji sequences.

Passwords are never cleaned: a password is compared, not shown, and removing a character
would silently change it. A new password holding a control character is refused instead
(``has_controls``).

The limits, in characters (Python's ``len``, what PostgreSQL's ``varchar(n)`` counts):

- ``LINE`` (200): one line — a title, a name, an address, a clause reference, a search
  term. The widest ``String(n)`` column that holds typed text is 200; narrower columns
  have their own limit next to the field, equal to the column's size.
- ``TEXT`` (4,000): a few paragraphs — a ledger entry's description, a finding's problem,
  suggestion or legal basis, an objection. About two printed pages of Chinese.
- ``NOTE`` (2,000): a note or reason beside a record (a contract's note, why it was
  withdrawn, a feedback comment).
- ``OPINION`` (30,000): a review's summary opinion, the longest text a lawyer writes
  here (some fifteen printed pages); it stays below an .xlsx cell's 32,767 characters.
  It is also the most any JSON string may hold: the API refuses a longer one whatever
  the field, before any service reads it.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from flask_babel import lazy_gettext as _l

LINE = 200
NOTE = 2_000
TEXT = 4_000
OPINION = 30_000
LONGEST = OPINION

_NEWLINES = re.compile(r"\r\n?")
_UNWANTED = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ud800-\udfff]")
_CONTROLS = re.compile("[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
_LINE_BREAKS = re.compile(r"[\n\t]+")


def clean_text(value: str) -> str:
    """``value`` without control characters (newline and tab kept, every line break
    written as ``\\n``), bidirectional overrides and isolates, or lone surrogates."""
    return _UNWANTED.sub("", _NEWLINES.sub("\n", value))


def clean_line(value: str) -> str:
    """``clean_text`` for one line: a newline or tab (each run of them) becomes a space,
    as a browser would send for a single-line field."""
    return _LINE_BREAKS.sub(" ", clean_text(value))


def search_term(value: str | None) -> str:
    """What a search box's text is searched for: one clean line, trimmed, at most LINE
    characters (nothing a name or a title could hold is longer; a 100 KB query string
    does not reach the database)."""
    return clean_line(value or "").strip()[:LINE]


def has_controls(value: str) -> bool:
    """Whether ``value`` holds a control character (tab and newline too) or a
    bidirectional override: for text that is refused rather than cleaned (passwords)."""
    return _CONTROLS.search(value) is not None


def too_long(values: Mapping[str, str], limits: Mapping[str, int]) -> dict[str, Any]:
    """The message "at most N characters" for each of ``values`` longer than its limit
    in ``limits``, by name: for services, which keep the same limits as the forms."""
    return {
        name: _l("At most %(n)d characters.", n=limits[name])
        for name, value in values.items()
        if len(value) > limits[name]
    }
