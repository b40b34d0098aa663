"""The dispute clause: arbitration or litigation at the parties' choice (或裁或诉), and an
arbitration clause that names no arbitration commission."""

from __future__ import annotations

import re

from advisor.precheck.base import N_, Context, Hit, Rule, hit_at, paragraphs, segments

# Arbitration chosen as a way of resolving disputes, not an award mentioned in passing.
_ARBITRATION = re.compile(
    r"(?:申请|提交|提请|提起|交由|交付|由|向|通过)[^。；\n]{0,30}仲裁(?!裁决|庭)|仲裁解决"
)
_LITIGATION = re.compile(r"起诉|诉讼(?!费)|人民法院|法院管辖|管辖法院")
# A court named only to enforce or set aside an award is not litigation.
_ABOUT_AWARD = re.compile(r"执行|撤销|裁决")
_COMMISSION = re.compile(r"([\u4e00-\u9fff]{0,12})仲裁委员会")
_VERB = re.compile(r"提交|提请|申请|交由|向|由|至|报|在")
# Words before 仲裁委员会 that describe a commission instead of naming it.
_NOT_A_NAME = re.compile(
    r"(?:当地|本地|有关|相关|有管辖权的?|所在地|签订地|履行地|选定的?|指定的?|载明的?|约定的?"
    r"|任何|一方|双方|任一|该|其|的)$"
)


def _dispute_paragraphs(text: str) -> list[tuple[int, int]]:
    return [(s, e) for s, e in paragraphs(text) if _ARBITRATION.search(text, s, e)]


def _litigation_outside_award(text: str, start: int, end: int) -> re.Match[str] | None:
    for seg_start, seg_end in segments(text, start, end):
        if _ABOUT_AWARD.search(text, seg_start, seg_end):
            continue
        match = _LITIGATION.search(text, seg_start, seg_end)
        if match:
            return match
    return None


def names_commission(text: str, start: int, end: int) -> bool:
    """Whether ``text[start:end]`` names an arbitration commission by its proper name."""
    for match in _COMMISSION.finditer(text, start, end):
        name = _VERB.split(match.group(1))[-1]
        if len(name) >= 2 and not _NOT_A_NAME.search(name):
            return True
    return False


def check_arbitration_and_litigation(ctx: Context) -> list[Hit]:
    text = ctx.text
    hits = []
    for start, end in _dispute_paragraphs(text):
        if _litigation_outside_award(text, start, end):
            hits.append(hit_at(ctx, ARBITRATION_AND_LITIGATION, start, end))
    return hits


def check_arbitration_no_commission(ctx: Context) -> list[Hit]:
    text = ctx.text
    chosen = _dispute_paragraphs(text)
    if not chosen or any(names_commission(text, start, end) for start, end in chosen):
        return []
    start, end = chosen[0]
    return [hit_at(ctx, ARBITRATION_NO_COMMISSION, start, end)]


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
