"""What the pre-check is made of: rules, the context they read, the hits they report, and
the text helpers they share (page offsets, sentences, clause segments, amounts, percents)."""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from functools import lru_cache
from typing import overload

from advisor.amounts import Found, find_capitals, find_figures
from advisor.precheck import structure

PAGE_BREAK = "\n\f\n"


def N_(message: str) -> str:
    """Mark a message for extraction; it is translated when shown (see ``engine.message``)."""
    return message


@dataclass(frozen=True, slots=True)
class Hit:
    rule: str
    severity: str
    page: int | None
    start: int | None
    end: int | None
    excerpt: str
    params: dict[str, str]


@dataclass(frozen=True, slots=True)
class Context:
    pages: tuple[str, ...]
    text: str  # the pages joined, with the line breaks of wrapped lines taken out
    contract_type: str
    amount: Decimal | None
    # For each character of ``text``: its page (0-based) and its offset on that page.
    origin: Sequence[tuple[int, int]] = ()


class Origin(Sequence[tuple[int, int]]):
    """Where each character of a Context's text comes from, as (page, offset on the
    page), kept as stretches rather than a pair per character: a stretch of ``text``
    from ``starts[i]`` on maps to page ``pages[i]`` from offset ``offsets[i]`` on, one
    character to one (``steps[i]`` 1), or every character to that one place (0: the
    page break between two pages). make_context built 40,000 pairs for a 50-page
    contract, of which a run reads a few dozen."""

    __slots__ = ("_length", "_offsets", "_pages", "_starts", "_steps")

    def __init__(
        self, starts: list[int], pages: list[int], offsets: list[int], steps: list[int], length: int
    ) -> None:
        self._starts, self._pages, self._offsets, self._steps = starts, pages, offsets, steps
        self._length = length

    def __len__(self) -> int:
        return self._length

    @overload
    def __getitem__(self, index: int) -> tuple[int, int]: ...

    @overload
    def __getitem__(self, index: slice) -> Sequence[tuple[int, int]]: ...

    def __getitem__(self, index: int | slice) -> tuple[int, int] | Sequence[tuple[int, int]]:
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(self._length))]
        if index < 0:
            index += self._length
        if not 0 <= index < self._length:
            raise IndexError("origin index out of range")
        stretch = bisect_right(self._starts, index) - 1
        step = (index - self._starts[stretch]) * self._steps[stretch]
        return self._pages[stretch], self._offsets[stretch] + step

    def _key(self) -> tuple[object, ...]:
        return self._length, tuple(self._starts), tuple(self._pages), tuple(self._offsets)

    def __eq__(self, other: object) -> bool:
        """Equal to the Origin of the same text (a Context compares its fields)."""
        if not isinstance(other, Origin):
            return NotImplemented
        return self._key() == other._key() and self._steps == other._steps

    def __hash__(self) -> int:
        return hash(self._key())


@dataclass(frozen=True, slots=True)
class Rule:
    id: str
    severity: str
    dimension: str
    message: str
    suggestion: str
    basis: str
    contract_types: tuple[str, ...] = ()
    check: Callable[[Context], list[Hit]] = field(kw_only=True)
    # Other messages of the same rule, chosen by a hit's "variant" param: an element that
    # is there but vague ("货物一批") is told apart from one that is missing.
    variants: dict[str, str] = field(default_factory=dict, kw_only=True)


_KEEP_BREAK_AFTER = set("。；;：:！？!?）)」』】|｜\t ")
FULL_LINE = 0.8  # a line at least this share of the page's longest line was wrapped
# A line that starts like this starts something new: a clause, an item, a "label：" or a
# 【label】.
# A label is one phrase (地址：, 小写：): "万捌仟元整；小写：" continues a sentence cut short.
_STARTS_ANEW = re.compile(
    r"(第[一二三四五六七八九十百零〇\d]+[条章节款]|[一二三四五六七八九十]+、|\d{1,2}(\.\d{1,2})*(、|[\.．](?!\d)|\s)"
    r"|[（(][一二三四五六七八九十\d]+[）)]|[^\s：:，,。；;]{1,10}[：:]"
    # a label spaced out (甲　　方：, 联 系 人：) and a bracketed one (【保险人】, 【一】)
    r"|[^\s：:，,。；;]{1,4}(?:[ \u3000]{1,4}[^\s：:，,。；;]{1,4}){1,3}[：:]|【[^】\n]{1,16}】)"
)


# Cells a PDF lays out in columns: two gaps of three spaces or more between words.
_COLUMNS = re.compile(r"\S[ \u3000]{3,}\S.*?\S[ \u3000]{3,}\S")


def _width(line: str) -> int:
    """How wide ``line`` is drawn, in half-width characters: a Chinese character takes
    two, a digit, a Latin letter or a space one. A right-aligned 合同编号：LWZX-SC-2025-009
    is more characters than a full line of Chinese but narrower."""
    return sum(2 if unicodedata.east_asian_width(char) in "WF" else 1 for char in line)


def _unwrapped(page: str) -> list[tuple[str, int, bool]]:
    """The page's lines, each with its offset on the page and whether the line break
    after it is kept: a PDF puts a break where a line of running text was wrapped, after
    a line that fills the width (at least FULL_LINE of the page's widest line) and does
    not end a sentence or a table row; those breaks are left out."""
    lines = page.split("\n")
    widths = [_width(line.rstrip()) for line in lines]
    widest = max(widths, default=0)
    kept: list[tuple[str, int, bool]] = []
    at = 0
    last = len(lines) - 1
    for number, line in enumerate(lines):
        if number == last:
            kept.append((line, at, False))
            break
        stripped = line.rstrip()
        following = lines[number + 1].strip()
        wrapped = (
            widest >= 40
            and widths[number] >= FULL_LINE * widest
            and stripped[-1:] not in _KEEP_BREAK_AFTER
            and following != ""
            and not any(mark in line for mark in "|｜\t")  # a table row
            and not _COLUMNS.search(line)  # a table row a PDF drew with spaces
            and not _STARTS_ANEW.match(following)
        )
        kept.append((line, at, not wrapped))
        at += len(line) + 1
    return kept


def make_context(pages: tuple[str, ...], contract_type: str, amount: Decimal | None) -> Context:
    chars: list[str] = []
    starts: list[int] = []
    on_page: list[int] = []
    offsets: list[int] = []
    steps: list[int] = []
    length = 0
    for index, page in enumerate(pages):
        if index:
            chars.append(PAGE_BREAK)
            starts.append(length)
            on_page.append(index - 1)
            offsets.append(len(pages[index - 1]))
            steps.append(0)
            length += len(PAGE_BREAK)
        for line, at, breaks in _unwrapped(page):
            # the line and the break kept after it are one stretch of the page
            size = len(line) + breaks
            if not size:
                continue
            chars.append(line)
            if breaks:
                chars.append("\n")
            starts.append(length)
            on_page.append(index)
            offsets.append(at)
            steps.append(1)
            length += size
    origin = Origin(starts, on_page, offsets, steps, length)
    return Context(pages, "".join(chars), contract_type, amount, origin)


def hit_at(ctx: Context, rule: Rule, start: int, end: int, **params: str) -> Hit:
    """A hit on ``ctx.text[start:end]``, told as its page and the offsets within that page.

    An excerpt that runs over a page break is cut at the end of its first page.
    """
    if not ctx.origin:
        return hit_nowhere(rule, **params)
    start = min(max(start, 0), len(ctx.origin) - 1)
    end = min(max(end, start + 1), len(ctx.origin))
    page, local_start = ctx.origin[start]
    last_page, last = ctx.origin[end - 1]
    page_text = ctx.pages[page]
    local_end = last + 1 if last_page == page else len(page_text)
    local_end = min(max(local_end, local_start), len(page_text))
    excerpt = page_text[local_start:local_end]
    clause = clause_name(ctx, start)
    if clause and "clause" not in params:
        params = {**params, "clause": clause}
    return Hit(rule.id, rule.severity, page + 1, local_start, local_end, excerpt, dict(params))


def clause_name(ctx: Context, offset: int) -> str:
    """The clause holding ``offset`` as a lawyer cites it: its numbers from the outermost
    and the nearest heading (第五条（二） 违约责任); "" in the preamble."""
    found = structure.read(ctx.text)
    clause = found.clause_at(offset)
    if clause is None:
        return ""
    heading, outer = clause.heading, clause
    while not heading and outer.parent is not None:
        outer = found.clauses[outer.parent]
        heading = outer.heading
    return f"{found.outline(clause)} {heading}".strip()


def hit_nowhere(rule: Rule, **params: str) -> Hit:
    """A hit about something absent: there is no excerpt to point at."""
    return Hit(rule.id, rule.severity, None, None, None, "", dict(params))


# --- running text -----------------------------------------------------------------------------

# A line ending like this ends its sentence or its row; the next line is something new.
_ENDS_LINE = set("。；;！？!?：:）)」』】|｜")
_TABLE_LINE = re.compile(r"[|｜\t]|[ \u3000]{3,}\S")
_SHORT_LINE = 12  # shorter lines are headings, titles or labels, not wrapped running text
_HEADING_LINE = 24  # a numbered line this short is a clause heading (第十条 争议解决及法律适用)


@dataclass(frozen=True, slots=True)
class Prose:
    """A context's text with the line breaks inside sentences taken out, wherever the
    extraction left them (a PDF line wrapped short of the page width, a capital amount or
    a court's name cut in two). ``at[i]`` is the offset in ``Context.text`` of ``text[i]``."""

    text: str
    at: tuple[int, ...]

    def hit(self, ctx: Context, rule: Rule, start: int, end: int, **params: str) -> Hit:
        """A hit on ``text[start:end]``, placed on the context's text."""
        if not self.at:
            return hit_nowhere(rule, **params)
        end = min(max(end, start + 1), len(self.at))
        start = min(start, end - 1)
        return hit_at(ctx, rule, self.at[start], self.at[end - 1] + 1, **params)


def _joins(line: str, following: str) -> bool:
    stripped = line.rstrip(" \t\u3000")
    return (
        len(stripped.strip()) >= _SHORT_LINE
        and stripped[-1:] not in _ENDS_LINE
        and following.strip() != ""
        and "\f" not in following
        and not _TABLE_LINE.search(stripped.strip())
        and not _TABLE_LINE.search(following.strip())
        and not _STARTS_ANEW.match(following.lstrip(" \t\u3000"))
        and not (len(stripped.strip()) <= _HEADING_LINE and _STARTS_ANEW.match(stripped.strip()))
    )


@lru_cache(maxsize=8)
def _prose(text: str) -> Prose:
    lines = text.split("\n")
    chars: list[str] = []
    at: list[int] = []
    offset = 0
    for number, line in enumerate(lines):
        following = lines[number + 1] if number + 1 < len(lines) else ""
        joined = number + 1 < len(lines) and _joins(line, following)
        kept = line.rstrip(" \t\u3000") if joined else line
        chars.append(kept)
        at += range(offset, offset + len(kept))
        offset += len(line) + 1
        if number + 1 < len(lines):
            if joined:
                # the next line's indentation goes with the break
                lines[number + 1] = following.lstrip(" \t\u3000")
                offset += len(following) - len(lines[number + 1])
            else:
                chars.append("\n")
                at.append(offset - 1)
    return Prose("".join(chars), tuple(at))


def prose(ctx: Context) -> Prose:
    """``ctx.text`` as running text: sentences wrapped over lines are joined again."""
    return _prose(ctx.text)


# --- splitting text ---------------------------------------------------------------------------

SENTENCE_END = re.compile(r"[。；;！？!?\n\f]")
_SEGMENT_END = re.compile(r"[，、：:]|,(?!(?<=\d,)\d{3})")  # not the comma of ¥12,000.00
_TRIM = " \t\u3000\n\f|｜"


def spans(
    text: str, pattern: re.Pattern[str], start: int = 0, end: int | None = None
) -> Iterator[tuple[int, int]]:
    """The stretches of ``text[start:end]`` between matches of ``pattern``, trimmed of
    spaces and table bars; empty stretches are skipped."""
    stop = len(text) if end is None else end
    position = start
    for match in pattern.finditer(text, start, stop):
        yield from _trimmed(text, position, match.start())
        position = match.end()
    yield from _trimmed(text, position, stop)


def _trimmed(text: str, start: int, end: int) -> Iterator[tuple[int, int]]:
    while start < end and text[start] in _TRIM:
        start += 1
    while end > start and text[end - 1] in _TRIM:
        end -= 1
    if start < end:
        yield start, end


@lru_cache(maxsize=8)
def sentences(text: str) -> tuple[tuple[int, int], ...]:
    """Sentences: up to 。；！？ or a line end. Found once per text: most rules read them."""
    return tuple(spans(text, SENTENCE_END))


_PARAGRAPH_END = re.compile(r"\n|\f")


@lru_cache(maxsize=8)
def paragraphs(text: str) -> tuple[tuple[int, int], ...]:
    return tuple(spans(text, _PARAGRAPH_END))


def segments(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """The comma-separated parts of one sentence."""
    return list(spans(text, _SEGMENT_END, start, end))


_SEGMENT_MARKS = "，,。；;\n"


def segment_around(text: str, start: int, end: int) -> tuple[int, int]:
    """The span of the comma-separated part of its sentence that holds ``text[start:end]``."""
    segment_start = max(text.rfind(mark, 0, start) for mark in _SEGMENT_MARKS) + 1
    ends = [i for i in (text.find(mark, end) for mark in _SEGMENT_MARKS) if i >= 0]
    return segment_start, min(ends, default=len(text))


# --- amounts and percentages ------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Money:
    start: int
    end: int
    amount: Decimal


@lru_cache(maxsize=8)
def scan_amounts(text: str) -> tuple[tuple[Found, ...], tuple[Found, ...]]:
    """The capital amounts and the figures of ``text``, found once per text: several
    rules read them and the scan is the slowest step of a run."""
    return tuple(find_capitals(text)), tuple(find_figures(text))


@lru_cache(maxsize=8)
def _money(text: str) -> tuple[tuple[int, ...], tuple[Money, ...]]:
    capitals, figures = scan_amounts(text)
    found = sorted((Money(*f) for f in (*capitals, *figures)), key=lambda money: money.start)
    return tuple(money.start for money in found), tuple(found)


def forget_texts() -> None:
    """Drop the amounts kept from earlier texts (``run`` starts with this, so a text's
    scan is shared by the rules of one run and no longer)."""
    scan_amounts.cache_clear()
    _money.cache_clear()
    _prose.cache_clear()
    sentences.cache_clear()
    paragraphs.cache_clear()


def money_in(text: str, start: int = 0, end: int | None = None) -> list[Money]:
    """Every sum of money lying within ``text[start:end]``, in capitals or in figures, in
    order. A capital amount and its figure in brackets are two sums of the same value."""
    stop = len(text) if end is None else end
    starts, found = _money(text)
    first = bisect_left(starts, start)
    return [money for money in found[first:] if money.start < stop and money.end <= stop]


_CN_DIGITS = {
    **dict.fromkeys("零〇○", 0),
    **dict.fromkeys("一壹", 1),
    **dict.fromkeys("二两贰", 2),
    **dict.fromkeys("三叁", 3),
    **dict.fromkeys("四肆", 4),
    **dict.fromkeys("五伍", 5),
    **dict.fromkeys("六陆", 6),
    **dict.fromkeys("七柒", 7),
    **dict.fromkeys("八捌", 8),
    **dict.fromkeys("九玖", 9),
}
_CN_PLACES = {"十": 10, "拾": 10, "百": 100, "佰": 100, "千": 1000, "仟": 1000}
_CN_MYRIAD = {"万": 10_000, "萬": 10_000, "亿": 100_000_000}
CN_NUMBER = "[零〇○一二两三四五六七八九十百千万壹贰叁肆伍陆柒捌玖拾佰仟萬]+"


def cn_number(text: str) -> int | None:
    """A whole number in figures (30, 8,000), ordinary or capital numerals (三十, 贰拾伍,
    八千, 一万二千), or figures with 万 (3万); None if not a number."""
    text = text.replace(",", "").replace("，", "")
    if text.isdigit():
        return int(text)
    figures = re.fullmatch(r"(\d+(?:\.\d+)?)([万萬亿])", text)
    if figures:
        value = Decimal(figures[1]) * _CN_MYRIAD[figures[2]]
        return int(value) if value == int(value) else None
    if not text:
        return None
    total, section, digit = 0, 0, None
    for char in text:
        if char in _CN_DIGITS:
            digit = _CN_DIGITS[char]
        elif char in _CN_PLACES:
            section += (1 if digit is None else digit) * _CN_PLACES[char]
            digit = None
        elif char in _CN_MYRIAD:
            total += (section + (digit or 0) or 1) * _CN_MYRIAD[char]
            section, digit = 0, None
        else:
            return None
    return total + section + (digit or 0)


_PERCENT = re.compile(
    rf"(?P<figure>\d+(?:\.\d+)?)\s*[%％]|百分之(?P<words>{CN_NUMBER}(?:点{CN_NUMBER})?)"
)
_PER_MILLE = re.compile(r"\d+(?:\.\d+)?\s*‰|[千万]分之")


@dataclass(frozen=True, slots=True)
class Percent:
    start: int
    end: int
    value: Decimal


def percents_in(text: str, start: int, end: int) -> list[Percent]:
    """Percentages in ``text[start:end]``: 12%, 12％, 百分之十二 (per mille are left out)."""
    found = []
    for match in _PERCENT.finditer(text, start, end):
        if match["figure"]:
            value = Decimal(match["figure"])
        else:
            whole, _, fraction = match["words"].partition("点")
            number = cn_number(whole)
            if number is None:
                continue
            value = Decimal(number)
            if fraction:
                value += Decimal("0." + "".join(str(_CN_DIGITS.get(c, 0)) for c in fraction))
        found.append(Percent(match.start(), match.end(), value))
    return found


def has_rate(text: str, start: int, end: int) -> bool:
    """Whether ``text[start:end]`` states a per-mille rate (千分之一, 0.5‰, 万分之五)."""
    return _PER_MILLE.search(text, start, end) is not None


_TOTAL_WORDS = re.compile(r"合同(?:总价|总金额|金额|价款|总价款|总额)|总价款|总价|总金额")


def contract_amount(ctx: Context) -> Decimal | None:
    """The contract's price: the amount entered on submission when the text states it,
    else the sum named as the contract total, else None."""
    sums = money_in(ctx.text)
    if ctx.amount and any(money.amount == ctx.amount for money in sums):
        return ctx.amount
    for money in sums:
        if _TOTAL_WORDS.search(ctx.text, max(0, money.start - 24), money.start):
            return money.amount
    return ctx.amount or None
