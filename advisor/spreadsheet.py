"""User text in spreadsheet cells (CSV, XLSX): written as text, never as a formula."""

from __future__ import annotations

# A cell starting with one of these is a formula to Excel, LibreOffice and WPS.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def as_text(value: str) -> str:
    """``value`` for a cell: a leading quote keeps "=HYPERLINK(…)" from running."""
    return "'" + value if value.startswith(FORMULA_STARTS) else value


def from_text(value: str) -> str:
    """The inverse of ``as_text`` for a cell read back from a file we wrote."""
    if value.startswith("'") and value[1:].startswith(FORMULA_STARTS):
        return value[1:]
    return value
