"""The dispute clause: arbitration or litigation at the parties' choice (或裁或诉), and an
arbitration clause that names no arbitration commission."""

from __future__ import annotations

import re

from advisor.precheck.base import (
    N_,
    SENTENCE_END,
    Context,
    Hit,
    Prose,
    Rule,
    paragraphs,
    prose,
    segment_around,
    segments,
    spans,
)

# Arbitration chosen as a way of resolving disputes, not an award mentioned in passing.
_ARBITRATION = re.compile(
    r"(?:申请|提交|提请|提起|交由|交付|由|向|通过)[^。；\n]{0,30}仲裁(?!裁决|庭)|仲裁解决"
)
_LITIGATION = re.compile(
    r"起诉|诉讼(?!费|期间|过程|程序|时效|中|或仲裁)|人民法院|法院管辖|管辖法院"
)
# A court named only to enforce or set aside an award, or for interim measures, is not
# litigation; nor is a court once the award is final.
_ABOUT_AWARD = re.compile(r"执行|撤销|裁决|终局|保全")
# A way the clause rules out: 不得再向人民法院起诉, 不得申请仲裁.
_RULED_OUT = re.compile(
    r"(?:不得|不能|不可|不应|不再|无权|禁止|放弃|不予|不向|不通过|不采用|不提交|不申请|不另行)"
    r"[^，,。；]{0,12}$"
)
# An arbitration institution by its proper name: most are 仲裁委员会; some are named 仲裁院
# or 仲裁中心 (深圳国际仲裁院, 上海国际仲裁中心, 海南国际仲裁院).
_COMMISSION = re.compile(r"([\u4e00-\u9fff]{0,12})(?:仲裁委员会|仲裁院|仲裁中心)")
_VERB = re.compile(r"提交|提请|申请|交由|向|由|至|报|在")
# Words before 仲裁委员会 that describe a commission instead of naming it.
_NOT_A_NAME = re.compile(
    r"(?:当地|本地|有关|相关|有管辖权的?|所在地|签订地|履行地|选定的?|指定的?|载明的?|约定的?"
    r"|任何|一方|双方|任一|该|其|的)$"
)


def _ruled_out(text: str, match: re.Match[str]) -> bool:
    """Whether the words just before ``match`` in its segment rule it out (不得…起诉)."""
    segment_start = max(text.rfind(mark, 0, match.start()) for mark in "，,。；;\n") + 1
    return _RULED_OUT.search(text, segment_start, match.start()) is not None


# Arbitration as an event the cover pays for, not a way the parties chose: 被保险人因保险
# 事故而被提起仲裁或诉讼的，……仲裁或诉讼费用……保险人负责赔偿.
_AS_AN_EVENT = re.compile(r"被提起|被申请|(?:仲裁|诉讼)[或和及、]?(?:仲裁|诉讼)?费")


def _arbitration(text: str, start: int, end: int) -> re.Match[str] | None:
    """The first arbitration the paragraph ``text[start:end]`` provides for."""
    for match in _ARBITRATION.finditer(text, start, end):
        around = text[max(start, match.start() - 4) : min(end, match.end() + 6)]
        if not _ruled_out(text, match) and not _AS_AN_EVENT.search(around):
            return match
    return None


# A labour dispute goes to the labour arbitration commission first and may then go to
# court: the statutory sequence (劳动争议调解仲裁法 art. 5, 47-50), neither 或裁或诉 nor a
# commission the parties had to choose (corpus README, definition 9).
_LABOUR = re.compile(r"劳动(?:人事)?争议|人事争议仲裁|劳动仲裁")


# 对仲裁裁决不服的，可以向人民法院提起诉讼: court after the award, not instead of it.
_AFTER_AWARD = re.compile(r"不服")


def _statutory_sequence(text: str, start: int, end: int, litigation: re.Match[str]) -> bool:
    """A labour dispute sent to arbitration and then, against the award, to court. 可以申请
    仲裁，也可以向人民法院起诉 in a labour contract is still a choice the law does not give."""
    if not _LABOUR.search(text, start, end):
        return False
    sentence_start = max(text.rfind(mark, 0, litigation.start()) for mark in "。；;\n") + 1
    return _AFTER_AWARD.search(text, sentence_start, litigation.start()) is not None


def _dispute_paragraphs(text: str, *, labour: bool = True) -> list[tuple[int, int, re.Match[str]]]:
    """The paragraphs that provide for arbitration, with where they do; with ``labour``
    false, not those of a labour dispute (its commission is fixed by statute)."""
    found = []
    every = paragraphs(text)
    for index, (start, end) in enumerate(every):
        match = _arbitration(text, start, end)
        if match:
            start, end = _with_options(text, every, index)
        if match and (labour or not _LABOUR.search(text, start, end)):
            found.append((start, end, match))
    return found


# An item of a list of ways: （1）, (一), ①, A.
_OPTION = re.compile(
    r"[ \t\u3000]*(?:[（(](?:\d{1,2}|[一二三四五六七八九十])[）)]|[①-⑩]|[A-D][.、．])"
)


def _with_options(text: str, every: tuple[tuple[int, int], ...], index: int) -> tuple[int, int]:
    """The paragraph at ``index``, or, when it is one item of a list of ways (按下列方式解决：
    （1）向…仲裁委员会申请仲裁；（2）向…人民法院起诉), the whole list with the line that
    introduces it: the items are one clause."""
    start, end = every[index]
    if not _OPTION.match(text, start):
        return start, end
    low = index
    while low > 0 and _OPTION.match(text, every[low - 1][0]):
        low -= 1
    if low > 0 and text[every[low - 1][0] : every[low - 1][1]].rstrip().endswith(("：", ":")):
        low -= 1
    high = index
    while high + 1 < len(every) and _OPTION.match(text, every[high + 1][0]):
        high += 1
    return every[low][0], every[high][1]


def _litigation_outside_award(text: str, start: int, end: int) -> re.Match[str] | None:
    """Litigation offered as a way of resolving the dispute in ``text[start:end]``: not a
    court for enforcing or setting aside the award, and not one the clause rules out."""
    # Sentences end at line ends: those of the paragraph start on its line.
    line_start = max(text.rfind("\n", 0, start), text.rfind("\f", 0, start)) + 1
    for sentence_start, sentence_end in spans(text, SENTENCE_END, line_start, end):
        if sentence_end <= start:
            continue
        sentence_start = max(sentence_start, start)
        if "终局" in text[sentence_start:sentence_end]:
            continue  # the award is final: a court there only enforces it or is ruled out
        for seg_start, seg_end in segments(text, sentence_start, sentence_end):
            if _ABOUT_AWARD.search(text, seg_start, seg_end):
                continue
            for match in _LITIGATION.finditer(text, seg_start, seg_end):
                if not _ruled_out(text, match):
                    return match
    return None


def names_commission(text: str, start: int, end: int) -> bool:
    """Whether ``text[start:end]`` names an arbitration commission by its proper name."""
    for match in _COMMISSION.finditer(text, start, end):
        name = _VERB.split(match.group(1))[-1]
        if len(name) >= 2 and not _NOT_A_NAME.search(name):
            return True
    return False


def _segment_of(text: str, match: re.Match[str]) -> str:
    """The comma-separated part of its sentence holding ``match``, as the reader sees it."""
    seg_start, seg_end = segment_around(text, match.start(), match.end())
    return text[seg_start:seg_end].strip()


def check_arbitration_and_litigation(ctx: Context) -> list[Hit]:
    running: Prose = prose(ctx)
    text = running.text
    hits = []
    for start, end, arbitration in _dispute_paragraphs(text):
        litigation = _litigation_outside_award(text, start, end)
        if litigation and not _statutory_sequence(text, start, end, litigation):
            decided_by = f"{_segment_of(text, arbitration)} / {_segment_of(text, litigation)}"
            hits.append(
                running.hit(ctx, ARBITRATION_AND_LITIGATION, start, end, decided_by=decided_by)
            )
    return hits


def check_arbitration_no_commission(ctx: Context) -> list[Hit]:
    running = prose(ctx)
    text = running.text
    chosen = _dispute_paragraphs(text, labour=False)
    if not chosen or any(names_commission(text, start, end) for start, end, _ in chosen):
        return []
    start, end, arbitration = chosen[0]
    return [
        running.hit(
            ctx,
            ARBITRATION_NO_COMMISSION,
            start,
            end,
            decided_by=_segment_of(text, arbitration),
        )
    ]


ARBITRATION_AND_LITIGATION = Rule(
    id="arbitration_and_litigation",
    severity="high",
    dimension="legality",
    message=N_(
        "The dispute clause allows either arbitration or litigation; such an arbitration "
        "agreement is invalid."
    ),
    suggestion=N_(
        "Choose one: arbitration by a named arbitration commission, or litigation before a "
        "named people's court."
    ),
    basis="《最高人民法院关于适用〈中华人民共和国仲裁法〉若干问题的解释》第七条",
    check=check_arbitration_and_litigation,
)
ARBITRATION_NO_COMMISSION = Rule(
    id="arbitration_no_commission",
    severity="high",
    dimension="legality",
    message=N_("The arbitration clause does not name an arbitration commission."),
    suggestion=N_(
        "Name the arbitration commission (for example, 克拉玛依仲裁委员会), or agree on a court."
    ),
    basis="《中华人民共和国仲裁法》第十六条、第十八条",
    check=check_arbitration_no_commission,
)
