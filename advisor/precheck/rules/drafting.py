"""Drafting flaws: blanks left to fill, no place to sign or seal, a vague time of performance."""

from __future__ import annotations

import re

from advisor.precheck import structure
from advisor.precheck.base import (
    N_,
    Context,
    Hit,
    Rule,
    hit_at,
    hit_nowhere,
    prose,
    segments,
    sentences,
)
from advisor.regex import quick

# Lines of the signature block where a blank is normal for an unsigned contract.
_SIGNING_WORDS = re.compile(
    r"签字|签章|签名|盖章|公章|捺印|法定代表人|负责人|委托代理人|代理人|授权代表|经办人|日期|时间"
)
_GAP = r"[ \t\u3000]"
_BLANK = re.compile(rf"_{{2,}}|＿+|[（(]{_GAP}*[）)]|××|(?<![A-Za-z])[Xx]{{2,}}(?![A-Za-z])")
# quick (advisor.regex): these two read each line of a long signature block one by one
_BLANK = quick(_BLANK)
_NUMERAL = r"(?:\d{1,2}|[一二三四五六七八九十]{1,3})"
_DATE = re.compile(
    rf"(?P<year>\d{{4}}|[〇○零一二三四五六七八九]{{4}})?{_GAP}*年{_GAP}*(?P<month>{_NUMERAL})?"
    rf"{_GAP}*月{_GAP}*(?P<day>{_NUMERAL})?{_GAP}*日"
)
_DATE = quick(_DATE)


def signature_block_start(text: str) -> int | None:
    """Where the signature block begins: the first line that opens with a party followed
    by （盖章）, （签字）, （签章）, （公章） or （签名）."""
    return structure.read(text).signature


def _date_blanks(text: str, start: int, end: int) -> list[tuple[int, int]]:
    found = []
    for match in _DATE.finditer(text, start, end):
        if match["year"] and match["month"] and match["day"]:
            continue
        if not match["year"]:
            before = text[match.start() - 1] if match.start() else "\n"
            if not (before.isspace() or before in "：:|｜（("):
                continue  # 每年, 学年: not a date with its year left out
            if before == "\n" and re.search(r"\d{4}[ \t\u3000]*$", text[: match.start() - 1]):
                continue  # …确保2025⏎年9月1日: the year ended the line before
        found.append((match.start(), match.end()))
    return found


# An identifier: letters and digits joined by dashes, slashes or dots (XX-2025-BJ-031).
_ID_CHAR = re.compile(r"[A-Za-z0-9\-－‐–—/.]")
_DATE_SHAPED = re.compile(r"^\d{4}[-/.](?:\d{1,2}|[Xx]{2})[-/.](?:\d{1,2}|[Xx]{2})$")


def _in_identifier(text: str, start: int, end: int) -> bool:
    """XX that is part of a number (合同编号 XX-2025-BJ-031, 型号 XX2000) is no blank: the
    token it sits in also holds digits. A date left as 2025-XX-XX is still a blank."""
    if not re.fullmatch(r"[Xx]+", text[start:end]):
        return False  # ____ is a blank wherever it stands (编号：FT-2026-____)
    left, right = start, end
    while left > 0 and _ID_CHAR.match(text[left - 1]):
        left -= 1
    while right < len(text) and _ID_CHAR.match(text[right]):
        right += 1
    token = text[left:right].strip("-－‐–—/.")
    if len(token) <= end - start or _DATE_SHAPED.match(token):
        return False
    return any(char.isdigit() for char in token)


# A size label cut by a narrow table cell: 150（XX⏎L） as a PDF lays it out.
_CUT_LABEL = re.compile(r"[ \t\u3000]*(?:\n|[ \t\u3000]{2,}|$)")


def _cut_size(text: str, start: int, end: int) -> bool:
    """XX after a size number and an opening bracket that does not close: the rest of the
    label (L）) went to the next line of its cell."""
    return (
        text[start - 1 : start] in ("（", "(")
        and re.search(r"\d$", text[max(0, start - 4) : start - 1]) is not None
        and _CUT_LABEL.match(text, end) is not None
    )


def _blanks(text: str, start: int, end: int) -> list[tuple[int, int]]:
    found = [
        (m.start(), m.end())
        for m in _BLANK.finditer(text, start, end)
        if not _in_identifier(text, m.start(), m.end()) and not _cut_size(text, m.start(), m.end())
    ]
    return sorted(found + _date_blanks(text, start, end))


# A page's number drawn on the signature block's last line (2025年9月  日 … 第 2 页共 2 页).
_PAGE_NUMBER = re.compile(
    r"第[ \t\u3000]*\d+[ \t\u3000]*页[ \t\u3000，,]*共[ \t\u3000]*\d+[ \t\u3000]*页"
)


def _is_signing_line(line: str) -> bool:
    if _SIGNING_WORDS.search(line):
        return True
    only_dates = _DATE.sub("", _PAGE_NUMBER.sub("", line))
    return not only_dates.strip(" \t\u3000_＿|｜:：")  # only a date


def check_blank_field(ctx: Context) -> list[Hit]:
    text = ctx.text
    block = signature_block_start(text)
    body_end = len(text) if block is None else block
    found = _blanks(text, 0, body_end)
    if block is not None:
        line_start = block
        for line in text[block:].split("\n"):
            line_end = line_start + len(line)
            if not _is_signing_line(line):
                found += _blanks(text, line_start, line_end)
            line_start = line_end + 1
    return [hit_at(ctx, BLANK_FIELD, start, end, blank=text[start:end]) for start, end in found]


def check_no_signature_block(ctx: Context) -> list[Hit]:
    if signature_block_start(ctx.text) is not None:
        return []
    return [hit_nowhere(NO_SIGNATURE_BLOCK)]


# Words that leave the time open whatever they are said of.
_VAGUE = re.compile(
    r"尽快|另行通知|视[^。；，,\n]{1,12}而定|视情况|时间待定|另行确定|另行约定(?:具体)?(?:时间|日期)"
    r"|择期|择日"
)
_VAGUE = quick(_VAGUE)  # read over every sentence
# Words that leave the time open only when they are said of the performance itself
# (及时供货, 根据需要送货); 及时通知, 及时处理 are diligence, not a time of performance.
_PERFORMANCE = (
    r"(?:交货|送货|供货|交付|发货|配送|送达|送至|运至|到货|开工|施工|竣工|完工|安装|调试|到场|上门"
    r"|提供(?:服务|货物)|组织(?:活动|培训)|开展|实施)"
)
_VAGUE_OF_PERFORMANCE = re.compile(rf"(?:及时|适时|根据需要|按需)[^。；，,\n]{{0,6}}{_PERFORMANCE}")
_TIME_TOPIC = re.compile(
    r"时间|日期|时限|期限|工期|交货|送货|供货|交付|发货|开工|竣工|完工|到场|出发|安装"
    r"|配送|送达|送至|运至|送到|到货|上门|活动|培训|施工"
)
_DEADLINE = re.compile(
    r"\d+(?:\.\d+)?\s*(?:个)?(?:小时|分钟|日|天|工作日|日历天|周|个月)"
    r"|最迟|不得(?:晚于|迟于|超过)|不晚于|\d{4}\s*年\s*\d{1,2}\s*月|\d{1,2}[:：]\d{2}"
    r"|[一二三四五六七八九十两]+(?:个)?(?:小时|日|天|工作日|周|个月)内"
)
# The same performance, however it is worded: delivery, works, a visit.
_SAME_PERFORMANCE = (
    re.compile(r"交货|送货|供货|交付|发货|配送|送达|送至|运至|送到|到货"),
    re.compile(r"开工|施工|竣工|完工|工期"),
    re.compile(r"安装|调试"),
    re.compile(r"到场|上门|出发"),
)


_CLOCK = re.compile(r"\d{1,2}[:：]\d{2}")
_DATE_LEFT_OPEN = re.compile(
    r"(?:具体)?日期[^。；;，,\n]{0,16}(?:另行通知|视[^。；;，,\n]{1,12}而定|待定|另行确定)"
)
# A time already set that may move: the vague words decide the change, not the time.
_CHANGE = re.compile(r"是否|延期|改期|顺延|推迟|提前|调整|变更|恢复|暂停|停运|停课")
# The vague words said of something other than a time (开班仪式的具体议程由甲方另行通知).
_NOT_TIME = re.compile(
    r"(?:议程|内容|名单|地点|流程|要求|事项|主题|安排表|课表|书目)(?:由[^，,。；;]{0,6})?"
    r"另行(?:通知|确定)"
)


def _timed_elsewhere(text: str, topic: str, skip: tuple[int, int]) -> str:
    """A sentence other than ``skip`` that gives a deadline for the same performance as
    ``topic`` (每日7:30前送达 for 及时送货), or ""."""
    same = next((words for words in _SAME_PERFORMANCE if words.search(topic)), None)
    if same is None:
        return ""
    for start, end in sentences(text):
        if (start, end) == skip:
            continue
        if same.search(text, start, end) and _DEADLINE.search(text, start, end):
            return text[start:end]
    return ""


def check_vague_performance_time(ctx: Context) -> list[Hit]:
    """The time of performance given only as 尽快, 视…而定, 另行通知, 择期 (or 及时, 根据需要
    said of the performance itself), with no date, period or deadline for it: none in the
    same sentence, and for 及时/适时/根据需要 none anywhere for the same performance."""
    running = prose(ctx)
    text = running.text
    hits = []
    for start, end in sentences(text):
        vague = _VAGUE.search(text, start, end)
        weak = vague is None
        if weak:
            vague = _VAGUE_OF_PERFORMANCE.search(text, start, end)
        if not vague:
            continue
        if not _TIME_TOPIC.search(text, start, end):
            continue
        deadlines = [m.group() for m in _DEADLINE.finditer(text, start, end)]
        if deadlines and not (
            _DATE_LEFT_OPEN.search(text, start, end) and all(_CLOCK.fullmatch(d) for d in deadlines)
        ):
            continue  # 具体日期另行通知，当日7:50出发: the hour is set, the day is not
        if weak and _timed_elsewhere(text, vague.group(), (start, end)):
            continue
        segment = next(
            (s for s in segments(text, start, end) if s[0] <= vague.start() < s[1]),
            (start, end),
        )
        if _CHANGE.search(text, *segment) and _DEADLINE.search(text):
            continue  # 是否延期视天气而定: whether a time the contract sets will move
        if _NOT_TIME.search(text, *segment) and not _TIME_TOPIC.search(text, *segment):
            # 议程由甲方另行通知: the vague words are said of something other than a time
            continue
        clause_start = start if _TIME_TOPIC.search(text, start, segment[0]) else segment[0]
        hits.append(
            running.hit(ctx, VAGUE_PERFORMANCE_TIME, clause_start, segment[1], term=vague.group())
        )
    return hits


BLANK_FIELD = Rule(
    id="blank_field",
    severity="medium",
    dimension="clarity",
    message=N_("A blank is left to fill in: %(blank)s"),
    suggestion=N_("Fill in the blank before signing, or strike it through if it does not apply."),
    basis="《中华人民共和国民法典》第四百七十条；合同签署实务：空白处应填写或划去",
    check=check_blank_field,
)
NO_SIGNATURE_BLOCK = Rule(
    id="no_signature_block",
    severity="high",
    dimension="legality",
    message=N_("There is no place for the parties to sign or seal the contract."),
    suggestion=N_(
        "Add a signature block with each party's name, seal, the signature of its "
        "representative and the date."
    ),
    basis="《中华人民共和国民法典》第四百九十条",
    check=check_no_signature_block,
)
VAGUE_PERFORMANCE_TIME = Rule(
    id="vague_performance_time",
    severity="medium",
    dimension="operability",
    message=N_("The time of performance is vague (%(term)s): no date, period or deadline."),
    suggestion=N_("State a date or a period (for example, within 30 days of signing)."),
    basis="《中华人民共和国民法典》第五百一十条、第五百一十一条",
    check=check_vague_performance_time,
)
