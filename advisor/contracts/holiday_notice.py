"""Reading a holiday notice (放假调休通知) pasted as text: its rest days and adjusted
working days (调休上班), with the holiday's name, and every sentence it could not read.

Pure: no database, no clock. The text is normalised (NFKC: full-width digits,
brackets, colons and commas become half-width; spaces are dropped), split into
lines, sentences (。 ;) and clauses (commas outside brackets). A clause is read when
it is one of

    DATES 放假[调休][N天] | DATES [正常]休息        rest days
    DATES [调休|正常]上班                          working days
    DATE 是…                                    the festival's own date (nothing to add)
    共N天 | 不调休 | 与…连休                      a remark on the clause before it

where DATES is ``D`` or ``D至D`` ranges joined by 、, and a date is ``[YYYY年][M月]D日``
optionally followed by a bracketed note such as （农历腊月二十八、周日）. A name before
a colon at the start of a line (``一、元旦：``, ``（三）肉孜节：``) names the days after it.

Nothing is dropped: a sentence with a date that no clause explains is returned in
``problems`` as unread; a sentence with no date at all (title, preamble, closing,
signature) in ``skipped``. A stated weekday that is not the date's weekday, a
"共N天" that is not the number of days listed, an impossible date or a day listed
both as rest and work are problems too.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date, timedelta

REST, WORK = "rest", "work"
MAX_TEXT = 20_000  # characters; a notice is about 1,000
MAX_RANGE_DAYS = 31

WEEKDAYS = "一二三四五六日"  # Monday … Sunday, as 周一 … 周日

_DATE = re.compile(r"(?:(\d{4})年)?(?:(\d{1,2})月)?(\d{1,2})日(?:\(([^()]*)\))?")
_RANGE = re.compile(r"至|到|~|-|–|—")
_LIST = re.compile(r"、|和|及")
_REST_TAIL = re.compile(r"(?:正常)?(?:放假|休息)(?:调休)?(?:共?(\d+)天)?")
_WORK_TAIL = re.compile(r"(?:正常|调休)?上班")
_ABOUT_TAIL = re.compile(r"是.*")
_COUNT = re.compile(r"共计?(\d+)天")
_STATED_WEEKDAY = re.compile(r"(?:周|星期|礼拜)([一二三四五六日天])")
_ENUMERATOR = re.compile(
    r"^(?:[一二三四五六七八九十]+[、.]|\([一二三四五六七八九十\d]+\)|\d{1,2}[.、)])"
)
_NAME = re.compile(r"^([^\d:()]{1,20}):")
_YEAR = re.compile(r"(\d{4})年(?!\d)")
_ANY_DATE = re.compile(r"\d{1,2}日")
_FULL_DATE_ONLY = re.compile(r"^\d{4}年\d{1,2}月\d{1,2}日$")


@dataclass(frozen=True, slots=True)
class NoticeDay:
    day: date
    kind: str  # REST or WORK
    holiday: str  # the name the notice gives ("春节"), "" where it gives none
    text: str  # the clause it was read from


@dataclass(frozen=True, slots=True)
class Problem:
    """Something the bureau must look at. ``code``: unread (a sentence with a date no
    rule explains), weekday (stated ≠ actual), count (共N天 ≠ days listed), bad_date,
    range (end before start, or longer than a month), conflict (rest and work),
    year (the notice is for another year)."""

    code: str
    text: str
    day: date | None = None
    stated: str = ""  # the weekday or count the notice states
    actual: str = ""  # what the dates give


@dataclass(frozen=True, slots=True)
class Notice:
    year: int  # the year being entered
    stated_year: int | None  # the year the text says it is for, if it says
    days: tuple[NoticeDay, ...]
    problems: tuple[Problem, ...]
    skipped: tuple[str, ...]  # sentences without a date: title, preamble, closing

    @property
    def rest_days(self) -> list[NoticeDay]:
        return [d for d in self.days if d.kind == REST]

    @property
    def work_days(self) -> list[NoticeDay]:
        return [d for d in self.days if d.kind == WORK]


def normalise(text: str) -> str:
    """Half-width digits and punctuation, one kind of line break, no tabs."""
    text = unicodedata.normalize("NFKC", text).replace("\r\n", "\n").replace("\r", "\n")
    return text.replace("\t", " ").replace("〔", "[").replace("〕", "]")


def stated_year(text: str) -> int | None:
    """The year a notice is for: the first "20XX年" that is not the start of a full date
    (the title, or "现将2026年元旦…"); None when it names none."""
    compact = re.sub(r"\s+", "", normalise(text))
    found = _YEAR.search(compact)
    return int(found.group(1)) if found else None


def weekday_name(day: date) -> str:
    return "周" + WEEKDAYS[day.weekday()]


@dataclass
class _Reading:
    year: int
    days: dict[date, NoticeDay] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)

    def add(self, day: NoticeDay) -> None:
        seen = self.days.get(day.day)
        if seen is None:
            self.days[day.day] = day
        elif seen.kind != day.kind:
            self.problems.append(Problem("conflict", day.text, day.day))


def parse_notice(text: str, year: int) -> Notice:
    """Every rest day and adjusted working day of the notice for ``year``, with what it
    could not read. Dates without a year are in ``year``; a range that runs from
    December into January without years starts in the year before."""
    reading = _Reading(year)
    text = normalise(text[:MAX_TEXT])
    declared = stated_year(text)
    if declared is not None and declared != year:
        reading.problems.append(Problem("year", "", stated=str(declared), actual=str(year)))
    for line in text.split("\n"):
        holiday = ""
        for sentence in re.split(r"[。;]", line):
            shown = sentence.strip()
            compact = re.sub(r"\s+", "", sentence)
            if not compact:
                continue
            compact = _ENUMERATOR.sub("", compact)
            named = _NAME.match(compact)
            if named:
                holiday = named.group(1).strip("、")
                compact = compact[named.end() :]
            if not _ANY_DATE.search(compact) or _FULL_DATE_ONLY.match(compact):
                reading.skipped.append(shown)
                continue
            _read_sentence(reading, compact, shown, holiday)
    days = tuple(sorted(reading.days.values(), key=lambda d: d.day))
    problems = tuple(dict.fromkeys(reading.problems))  # one clause can fail twice
    return Notice(year, declared, days, problems, tuple(reading.skipped))


def _clauses(sentence: str) -> list[str]:
    """The sentence split at commas that are not inside brackets."""
    parts: list[str] = []
    current: list[str] = []
    depth = 0
    for ch in sentence:
        if ch == "(":
            depth += 1
        elif ch == ")":
            depth = max(0, depth - 1)
        if ch == "," and depth == 0:
            parts.append("".join(current))
            current = []
        else:
            current.append(ch)
    parts.append("".join(current))
    return [p for p in parts if p]


def _read_sentence(reading: _Reading, sentence: str, shown: str, holiday: str) -> None:
    last_rest: list[NoticeDay] | None = None
    last_clause = ""
    for clause in _clauses(sentence):
        clause = clause.removeprefix("其中")
        if not _ANY_DATE.search(clause):
            # 共N天 checks the clause before; any other remark (不调休, 鼓励…) changes no day.
            count = _COUNT.fullmatch(clause)
            if count and last_rest is not None:
                _check_count(reading, last_clause, last_rest, int(count.group(1)))
            continue
        found = _read_clause(reading, clause, holiday)
        if found is None:
            reading.problems.append(Problem("unread", shown if shown else clause))
            last_rest = None
            continue
        kind, days, count_in_tail = found
        for day in days:
            reading.add(day)
        last_rest, last_clause = (days, clause) if kind == REST else (None, "")
        if count_in_tail is not None:
            _check_count(reading, clause, days, count_in_tail)


def _check_count(reading: _Reading, clause: str, days: list[NoticeDay], stated: int) -> None:
    if stated != len(days):
        reading.problems.append(Problem("count", clause, stated=str(stated), actual=str(len(days))))


def _read_clause(
    reading: _Reading, clause: str, holiday: str
) -> tuple[str, list[NoticeDay], int | None] | None:
    """(kind, days, the count in "放假N天") for a clause that reads, else None."""
    pos, ranges = 0, []
    while True:
        first = _DATE.match(clause, pos)
        if first is None:
            return None
        pos = first.end()
        last = first
        dash = _RANGE.match(clause, pos)
        if dash:
            closing = _DATE.match(clause, dash.end())
            if closing is None:
                return None
            last, pos = closing, closing.end()
        ranges.append((first, last))
        joiner = _LIST.match(clause, pos)
        if joiner is None or _DATE.match(clause, joiner.end()) is None:
            break
        pos = joiner.end()
    tail = clause[pos:]
    rest, work = _REST_TAIL.fullmatch(tail), _WORK_TAIL.fullmatch(tail)
    about = _ABOUT_TAIL.fullmatch(tail)
    if not (rest or work or about):
        return None
    kind = REST if rest else WORK
    days: list[NoticeDay] = []
    month: int | None = None
    for first, last in ranges:
        span = _resolve_range(reading, clause, first, last, month)
        if span is None:
            continue
        start, end = span
        month = end.month
        _check_weekday(reading, clause, first, start)
        if last is not first:
            _check_weekday(reading, clause, last, end)
        if about:
            continue
        day = start
        while day <= end:
            days.append(NoticeDay(day, kind, holiday, clause))
            day += timedelta(days=1)
    if about:
        return kind, [], None
    return kind, days, int(rest.group(1)) if rest and rest.group(1) else None


def _resolve_range(
    reading: _Reading,
    clause: str,
    first: re.Match[str],
    last: re.Match[str],
    month: int | None,
) -> tuple[date, date] | None:
    y1, m1, d1 = first.group(1), first.group(2), first.group(3)
    y2, m2, d2 = last.group(1), last.group(2), last.group(3)
    start_month = int(m1) if m1 else month
    if start_month is None:
        reading.problems.append(Problem("unread", clause))
        return None
    start_year = int(y1) if y1 else reading.year
    end_month = int(m2) if m2 else start_month
    end_year = int(y2) if y2 else start_year
    if not y1 and not y2 and end_month < start_month:
        start_year, end_year = reading.year - 1, reading.year  # 12月31日至1月2日
    try:
        start = date(start_year, start_month, int(d1))
        end = date(end_year, end_month, int(d2))
    except ValueError:
        reading.problems.append(Problem("bad_date", clause))
        return None
    if not (end >= start and (end - start).days < MAX_RANGE_DAYS):
        reading.problems.append(Problem("range", clause, start))
        return None
    if abs(start.year - reading.year) > 1 or abs(end.year - reading.year) > 1:
        reading.problems.append(Problem("range", clause, start))
        return None
    return start, end


def _check_weekday(reading: _Reading, clause: str, match: re.Match[str], day: date) -> None:
    stated = _STATED_WEEKDAY.search(match.group(4) or "")
    if stated is None:
        return
    index = WEEKDAYS.index("日" if stated.group(1) == "天" else stated.group(1))
    if index != day.weekday():
        reading.problems.append(
            Problem(
                "weekday",
                clause,
                day,
                stated="周" + WEEKDAYS[index],
                actual=weekday_name(day),
            )
        )
