"""A year's calendar as a file, so one bureau can hand it to the next.

JSON::

    {"format": "advisor-calendar", "version": 1, "year": 2027, "entered": true,
     "days": [{"day": "2027-01-01", "kind": "rest", "scope": "national", "note": "元旦"}]}

CSV (UTF-8; a BOM is written for Excel and accepted on reading), one day a row::

    day,kind,scope,note
    2027-01-01,rest,national,元旦

``kind`` is rest or work, ``scope`` national, regional or bureau. Reading is pure
and strict: every problem of the file is collected and the file is refused whole
when there is any (too large, not UTF-8, not our layout, a day outside the year,
a bad date, kind or scope, a day twice in one scope, a note over 100 characters).
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from typing import Any

from advisor.contracts.models import CalendarScope
from advisor.spreadsheet import as_text, from_text

FORMAT, VERSION = "advisor-calendar", 1
MAX_BYTES = 256 * 1024
MAX_DAYS = 3 * 366  # every day of a year in each scope
MAX_NOTE = 100
MAX_PROBLEMS = 20  # listed; the rest are counted
KINDS = ("rest", "work")
SCOPES = tuple(s.value for s in CalendarScope)
CSV_HEADER = ("day", "kind", "scope", "note")
_DATE = re.compile(r"(\d{4})(?:-|/|\.|年)(\d{1,2})(?:-|/|\.|月)(\d{1,2})日?")


@dataclass(frozen=True, slots=True)
class FileDay:
    day: date
    kind: str
    scope: str
    note: str = ""


@dataclass(frozen=True, slots=True)
class CalendarFile:
    year: int
    entered: bool  # the year's national calendar is complete
    days: tuple[FileDay, ...]


@dataclass(frozen=True, slots=True)
class FileProblem:
    """``code``: too_large, not_utf8, not_json, layout, year, too_many, empty, date,
    other_year, kind, scope, duplicate, note; ``row`` counts from 1 (0: the file)."""

    code: str
    row: int = 0
    value: str = ""


class CalendarFileError(Exception):
    def __init__(self, problems: list[FileProblem]) -> None:
        super().__init__(", ".join(p.code for p in problems))
        self.problems = problems


# --- writing ----------------------------------------------------------------------------


def to_json(year: int, entered: bool, days: Iterable[FileDay]) -> bytes:
    body = {
        "format": FORMAT,
        "version": VERSION,
        "year": year,
        "entered": entered,
        "days": [
            {"day": d.day.isoformat(), "kind": d.kind, "scope": d.scope, "note": d.note}
            for d in days
        ],
    }
    return json.dumps(body, ensure_ascii=False, indent=1).encode()


def to_csv(days: Iterable[FileDay]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(CSV_HEADER)
    for d in days:
        writer.writerow((d.day.isoformat(), d.kind, d.scope, as_text(d.note)))
    return ("\ufeff" + buffer.getvalue()).encode()


# --- reading ----------------------------------------------------------------------------


def read(data: bytes, file_name: str, year: int) -> CalendarFile:
    """The calendar of ``year`` in ``data`` (.json or .csv by its name, else by its
    first character). Raises CalendarFileError listing every problem."""
    if len(data) > MAX_BYTES:
        raise CalendarFileError([FileProblem("too_large", value=str(MAX_BYTES // 1024))])
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise CalendarFileError([FileProblem("not_utf8")]) from None
    if "\x00" in text:
        raise CalendarFileError([FileProblem("not_utf8")])
    name = file_name.lower()
    is_json = name.endswith(".json") or (
        not name.endswith(".csv") and text.lstrip().startswith("{")
    )
    raw, entered, problems = _json_rows(text, year) if is_json else _csv_rows(text)
    if problems:
        raise CalendarFileError(problems)
    days = _check_rows(raw, year, problems)
    if problems:
        raise CalendarFileError(problems[:MAX_PROBLEMS])
    national = any(d.scope == CalendarScope.NATIONAL for d in days)
    return CalendarFile(year, national if entered is None else entered and national, days)


def _json_rows(text: str, year: int) -> tuple[list[dict[str, Any]], bool | None, list[FileProblem]]:
    try:
        body = json.loads(text)
    except (ValueError, RecursionError):
        return [], None, [FileProblem("not_json")]
    if not (isinstance(body, dict) and body.get("format") == FORMAT):
        return [], None, [FileProblem("layout")]
    days = body.get("days")
    if not isinstance(days, list) or not all(isinstance(d, dict) for d in days):
        return [], None, [FileProblem("layout")]
    stated = body.get("year")
    if stated != year:
        return [], None, [FileProblem("year", value=str(stated)[:10])]
    entered = body.get("entered")
    return days, entered if isinstance(entered, bool) else None, []


def _csv_rows(text: str) -> tuple[list[dict[str, Any]], bool | None, list[FileProblem]]:
    lines = text.splitlines()
    if len(lines) > MAX_DAYS + 1:
        return [], None, [FileProblem("too_many", value=str(MAX_DAYS))]
    try:
        reader: Iterator[list[str]] = csv.reader(lines)
        header = [h.strip().lower() for h in next(reader, [])]
        if tuple(header[:3]) != CSV_HEADER[:3]:
            return [], None, [FileProblem("layout")]
        rows = [
            dict(zip(header, (from_text(cell) for cell in row), strict=False))
            for row in reader
            if any(cell.strip() for cell in row)
        ]
    except csv.Error:
        return [], None, [FileProblem("layout")]
    return rows, None, []


def _day(text: str) -> date | None:
    """2027-01-01, or as Excel writes it back (2027/1/1) or in Chinese (2027年1月1日)."""
    found = _DATE.fullmatch(text)
    if found is None:
        return None
    try:
        return date(*(int(part) for part in found.groups()))
    except ValueError:
        return None


def _check_rows(
    raw: list[dict[str, Any]], year: int, problems: list[FileProblem]
) -> tuple[FileDay, ...]:
    if not raw:
        problems.append(FileProblem("empty"))
    if len(raw) > MAX_DAYS:
        problems.append(FileProblem("too_many", value=str(MAX_DAYS)))
        return ()
    days: list[FileDay] = []
    seen: set[tuple[date, str]] = set()
    for number, row in enumerate(raw, start=1):
        text = {k: row.get(k) for k in CSV_HEADER}
        if not all(isinstance(v, str) or v is None for v in text.values()):
            problems.append(FileProblem("layout", number))
            continue
        day_text = (text["day"] or "").strip()
        kind = (text["kind"] or "").strip().lower()
        scope = (text["scope"] or "").strip().lower()
        note = (text["note"] or "").strip()
        before = len(problems)
        day = _day(day_text)
        if day is None:
            problems.append(FileProblem("date", number, day_text[:20]))
        elif day.year != year:
            problems.append(FileProblem("other_year", number, day_text))
        if kind not in KINDS:
            problems.append(FileProblem("kind", number, kind[:20]))
        if scope not in SCOPES:
            problems.append(FileProblem("scope", number, scope[:20]))
        if len(note) > MAX_NOTE:
            problems.append(FileProblem("note", number, str(MAX_NOTE)))
        if day is not None and (day, scope) in seen:
            problems.append(FileProblem("duplicate", number, day_text))
        if len(problems) == before and day is not None:
            seen.add((day, scope))
            days.append(FileDay(day, kind, scope, note))
    return tuple(sorted(days, key=lambda d: (d.day, d.scope)))
