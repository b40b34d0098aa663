"""Checklist items of particular contract types: uniform standards, the school-bus safety
responsibility letter, canteens handed to an enterprise."""

from __future__ import annotations

import re
import unicodedata

from advisor.precheck.base import N_, Context, Hit, Rule, hit_nowhere, prose
from advisor.regex import quick

UNIFORM_STANDARDS = {"GB/T 31888": "GB/T31888", "GB 18401": "GB18401", "GB 31701": "GB31701"}


def check_uniform_missing_standard(ctx: Context) -> list[Hit]:
    """A uniform contract must name GB/T 31888, GB 18401 and GB 31701 (any spacing, any year)."""
    compact = re.sub(r"\s", "", unicodedata.normalize("NFKC", ctx.text)).upper()
    missing = [name for name, code in UNIFORM_STANDARDS.items() if code not in compact]
    if not missing:
        return []
    return [hit_nowhere(UNIFORM_MISSING_STANDARD, missing="、".join(missing))]


_SAFETY_LETTER = re.compile(r"安全(?:管理)?责任书")
_FILING = re.compile(r"备案")


def check_school_bus_no_safety_letter(ctx: Context) -> list[Hit]:
    """A school-bus contract must provide for the safety responsibility letter and its filing."""
    if _SAFETY_LETTER.search(ctx.text) and _FILING.search(ctx.text):
        return []
    return [hit_nowhere(SCHOOL_BUS_NO_SAFETY_LETTER)]


# 委托 as the act of handing over, not inside a party's name (委托方/委托人/受托方 run a
# meal-delivery service; 由委托方自主经营 keeps the canteen).
_ENTRUST = r"委托(?![方人])"
_OUTSOURCED = re.compile(
    rf"承包经营|托管|{_ENTRUST}[^。；，,]{{0,6}}(?:管理|经营)|(?:交由?|承包给|{_ENTRUST}给?)"
    r"[^。；，,]{0,6}[经运]营|档口承包|食堂[^。；，,]{0,8}承包|承包[^。；，,]{0,8}食堂"
    # 乙方自主经营、独立核算、自负盈亏: the enterprise bears the canteen's profit and loss
    r"|(?:乙方|承包方|经营方|运营方)[^。；]{0,24}自负盈亏"
)
_OUTSOURCED = quick(_OUTSOURCED)  # read over the whole text
# The school keeps running it: not a hand-over.
_SELF_RUN = re.compile(r"自主经营|自行经营|自营")
# A negation earlier in the same part of the sentence: 不实行承包经营或委托管理,
# 甲方不将任何食堂场所交由乙方经营, 严禁转包或托管.
_NEGATED = re.compile(
    r"(?:不得|禁止|严禁|不准|不允许|不予|不实行|不采用|不采取|不进行|不参与|不将|不会|不属于"
    r"|并非|不是|不)[^，,。；;\n]{0,14}$"
)


# 受乡中心校委托统一管理本乡教学点营养餐: the party itself was entrusted (by its own
# authority), it hands nothing to an enterprise.
_ENTRUSTED_TO_US = re.compile(r"受[^。；，,（(]{1,12}委托$")


_LIST_JOINER = re.compile(r"[、，,]?(?:或者?|和|及|以及|与)?")


def check_catering_outsourced(ctx: Context) -> list[Hit]:
    """The school canteen's operation handed to an enterprise (承包经营, 托管, 委托管理)."""
    running = prose(ctx)
    text = running.text
    negated_until = -1
    for match in _OUTSOURCED.finditer(text):
        # 不涉及食堂的承包经营、托管或委托管理: the negation covers the whole list.
        listed = negated_until >= 0 and _LIST_JOINER.fullmatch(text[negated_until : match.start()])
        if listed or _NEGATED.search(text, max(0, match.start() - 16), match.start()):
            negated_until = match.end()
            continue
        if _SELF_RUN.search(match.group()):
            continue
        if _ENTRUSTED_TO_US.search(text, max(0, match.start() - 16), match.start() + 2):
            continue  # 受乡中心校委托统一管理…营养餐: the school is the one entrusted
        line_start = text.rfind("\n", 0, match.start()) + 1
        line_end = text.find("\n", match.end())
        line_end = len(text) if line_end < 0 else line_end
        sentence_start = max(line_start, text.rfind("。", 0, match.start()) + 1)
        sentence_end = text.find("。", match.end(), line_end)
        sentence_end = line_end if sentence_end < 0 else sentence_end + 1
        return [
            running.hit(ctx, CATERING_OUTSOURCED, sentence_start, sentence_end, term=match.group())
        ]
    return []


UNIFORM_MISSING_STANDARD = Rule(
    id="uniform_missing_standard",
    severity="high",
    dimension="legality",
    message=N_("The uniform contract does not name the standards %(missing)s."),
    suggestion=N_(
        "Require the uniforms to meet GB/T 31888, GB 18401 and GB 31701 and name them "
        "in the quality clause."
    ),
    basis="《中小学生校服》（GB/T 31888）、《国家纺织产品基本安全技术规范》（GB 18401）、"
    "《婴幼儿及儿童纺织产品安全技术规范》（GB 31701）；"
    "教育部等四部门《关于进一步加强中小学生校服管理工作的意见》",
    contract_types=("uniform",),
    check=check_uniform_missing_standard,
)
SCHOOL_BUS_NO_SAFETY_LETTER = Rule(
    id="school_bus_no_safety_letter",
    severity="high",
    dimension="legality",
    message=N_("The school-bus contract does not provide for a safety responsibility letter."),
    suggestion=N_(
        "Sign a school-bus safety responsibility letter (校车安全管理责任书) with the operator "
        "and file it with the education authority."
    ),
    basis="《校车安全管理条例》第二十条",
    contract_types=("school_bus",),
    check=check_school_bus_no_safety_letter,
)
CATERING_OUTSOURCED = Rule(
    id="catering_outsourced",
    severity="high",
    dimension="legality",
    message=N_("The school canteen is handed to an enterprise to run (%(term)s)."),
    suggestion=N_(
        "Canteens of primary and secondary schools should in principle be run by the school "
        "itself; buy ingredients or services instead of contracting the canteen out."
    ),
    basis="《学校食品安全与营养健康管理规定》",
    contract_types=("catering",),
    check=check_catering_outsourced,
)
