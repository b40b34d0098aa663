"""A year's calendar as a file: written and read back unchanged; every bad file refused
whole with each problem named. And the second source: the package's disagreements."""

from __future__ import annotations

import csv
import io
import json
from datetime import date

import pytest

from advisor.contracts import calendar_sources
from advisor.contracts.calendar_files import (
    MAX_BYTES,
    CalendarFileError,
    FileDay,
    read,
    to_csv,
    to_json,
)
from advisor.contracts.holiday_notice import parse_notice
from tests.contracts import notices

DAYS = (
    FileDay(date(2027, 1, 1), "rest", "national", "元旦"),
    FileDay(date(2027, 2, 20), "work", "national", "春节"),
    FileDay(date(2027, 3, 10), "rest", "regional", "肉孜节"),
    FileDay(date(2027, 3, 10), "rest", "national", ""),
    FileDay(date(2027, 6, 1), "rest", "bureau", '=HYPERLINK("http://x")'),
)


def codes(error: pytest.ExceptionInfo[CalendarFileError]) -> list[str]:
    return [p.code for p in error.value.problems]


@pytest.mark.parametrize("kind", ["json", "csv"])
def test_a_year_goes_out_and_comes_back_unchanged(kind: str) -> None:
    data = to_json(2027, True, DAYS) if kind == "json" else to_csv(DAYS)
    found = read(data, f"calendar-2027.{kind}", 2027)
    assert found.year == 2027 and found.entered
    assert set(found.days) == set(DAYS)


def test_a_note_never_becomes_a_formula_in_the_csv() -> None:
    text = to_csv(DAYS).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0] == ["day", "kind", "scope", "note"]
    [formula] = [r for r in rows if r[2] == "bureau"]
    assert formula[3] == '\'=HYPERLINK("http://x")'
    assert to_csv(DAYS).startswith("\ufeff".encode())  # Excel reads the Chinese


def test_the_kind_of_file_is_known_without_its_name() -> None:
    assert read(to_json(2027, False, DAYS), "download", 2027).days
    assert read(to_csv(DAYS), "download", 2027).days


def test_a_csv_as_excel_saves_it_back() -> None:
    data = "day,kind,scope,note\r\n2027/1/1,REST,national,元旦\r\n2027年2月20日,work,national,\r\n"
    found = read(data.encode("utf-8"), "c.csv", 2027)
    assert [(d.day, d.kind) for d in found.days] == [
        (date(2027, 1, 1), "rest"),
        (date(2027, 2, 20), "work"),
    ]
    assert found.entered  # a file with national days completes the year


def test_only_national_days_make_a_year_entered() -> None:
    regional = [FileDay(date(2027, 3, 10), "rest", "regional", "肉孜节")]
    assert not read(to_json(2027, True, regional), "c.json", 2027).entered
    assert not read(to_json(2027, False, DAYS), "c.json", 2027).entered


def test_every_problem_of_a_csv_is_named_with_its_row() -> None:
    data = (
        "day,kind,scope,note\n"
        "2027-02-30,rest,national,\n"
        "2026-12-31,rest,national,\n"
        "2027-01-04,holiday,national,\n"
        "2027-01-05,rest,province,\n"
        "2027-01-06,rest,national," + "长" * 101 + "\n"
        "2027-01-07,rest,national,\n"
        "2027-01-07,work,national,\n"
    )
    with pytest.raises(CalendarFileError) as error:
        read(data.encode(), "c.csv", 2027)
    assert [(p.code, p.row) for p in error.value.problems] == [
        ("date", 1),
        ("other_year", 2),
        ("kind", 3),
        ("scope", 4),
        ("note", 5),
        ("duplicate", 7),
    ]


@pytest.mark.parametrize(
    ("data", "name", "code"),
    [
        ("day,kind\n".encode("gbk") + "2027-01-01,休".encode("gbk"), "c.csv", "not_utf8"),
        (b"\xff\xfe\x00\x00", "c.csv", "not_utf8"),
        (b"a\x00b", "c.csv", "not_utf8"),
        (b"{not json", "c.json", "not_json"),
        (b"[" * 100_000 + b"]" * 100_000, "c.json", "not_json"),
        (b'{"format": "something else", "days": []}', "c.json", "layout"),
        (b'{"format": "advisor-calendar", "year": 2027, "days": [1, 2]}', "c.json", "layout"),
        (b'{"format": "advisor-calendar", "year": 2026, "days": []}', "c.json", "year"),
        (b'{"format": "advisor-calendar", "year": "2027", "days": []}', "c.json", "year"),
        (b'{"format": "advisor-calendar", "year": 2027, "days": []}', "c.json", "empty"),
        (
            b'{"format": "advisor-calendar", "year": 2027, "days": [{"day": 20270101}]}',
            "c.json",
            "layout",
        ),
        (b"date,type\n2027-01-01,rest\n", "c.csv", "layout"),
        (b"day,kind,scope,note\n", "c.csv", "empty"),
        (b"x" * (MAX_BYTES + 1), "c.csv", "too_large"),
        (b"day,kind,scope\n" + b"2027-01-01,rest,national\n" * 1200, "c.csv", "too_many"),
    ],
)
def test_a_bad_file_is_refused_with_its_reason(data: bytes, name: str, code: str) -> None:
    with pytest.raises(CalendarFileError) as error:
        read(data, name, 2027)
    assert code in codes(error)


def test_json_written_is_readable_text() -> None:
    body = json.loads(to_json(2027, True, DAYS))
    assert body["format"] == "advisor-calendar" and body["version"] == 1
    assert body["days"][0] == {
        "day": "2027-01-01",
        "kind": "rest",
        "scope": "national",
        "note": "元旦",
    }


# --- the second source ----------------------------------------------------------------


def test_the_package_agrees_with_the_real_2026_notice() -> None:
    notice = parse_notice(notices.STATE_COUNCIL_2026, 2026)
    assert calendar_sources.disagreements(2026, ((d.day, d.kind) for d in notice.days)) == []


def test_a_typo_in_a_pasted_notice_is_shown_against_the_package() -> None:
    # 5月16日 for 5月9日: one Saturday wrongly working, the other wrongly free.
    text = notices.STATE_COUNCIL_2026.replace("5月9日（周六）上班", "5月16日（周六）上班")
    notice = parse_notice(text, 2026)
    found = calendar_sources.disagreements(2026, ((d.day, d.kind) for d in notice.days))
    assert [(d.day, d.entered, d.package, d.holiday) for d in found] == [
        (date(2026, 5, 9), "rest", "work", "劳动节"),
        (date(2026, 5, 16), "work", "rest", ""),
    ]


def test_nothing_to_compare_for_a_year_the_package_does_not_know() -> None:
    assert not calendar_sources.package_knows(2027)
    notice = parse_notice(notices.STATE_COUNCIL_2027_SAMPLE, 2027)
    assert calendar_sources.disagreements(2027, ((d.day, d.kind) for d in notice.days)) == []
    assert calendar_sources.package_version()  # shown on the page
