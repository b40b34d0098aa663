"""Where the essential elements of Civil Code art. 470 are stated: the contract's clauses
(``structure.read``) read by their heading and by their content, with the words each kind
of contract uses for each element, and the vague placeholders that state an element
without stating it ("货物一批", "若干", "以甲方需求为准", "相关服务", "质量合格").

A clause carries an element when its heading names the element and its body says
something concrete, or when its content states the element in any clause. The rules in
``clauses`` decide from these; a missing element names the clauses it searched."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache

from advisor.precheck import structure
from advisor.precheck.base import Context
from advisor.regex import quick

_HAN = re.compile(r"[\u4e00-\u9fff]")

# Headings that name an element, across contract types (租赁, 服务, 工程, 保险, 采购, 劳务).
# 劳务内容和地点, 服务范围及标准: a heading may name the subject with something else.
SUBJECT_HEADING = re.compile(
    r"(?:标的物?|内容|事项|范围|概况|名称|清单|货物|物品|设备|产品|租赁物|房屋|场地|铺面|土地|车辆"
    r"|工程|项目|任务|对象|岗位|财产)$"
    # 工作内容和工作地点: the second noun may repeat the first one's qualifier.
    r"|(?:内容|范围|标的物?|事项|任务|岗位)(?:[和及与、][\u4e00-\u9fff]{0,2}"
    r"(?:地点|期限|期间|标准|要求|方式|时间|数量|工作量|价款|价格|金额|费用)){1,2}$"
)
QUALITY_HEADING = re.compile(
    r"质量|品质|标准|要求|验收(?:标准|要求)|技术|参数|规格|现状|状况|车况|条件|考核|考评|评价|理赔|赔偿处理|规范"
    r"|检验|检测"
)
# Headings about something else, whose 标准/要求 are not the element's (付款要求, 收费标准).
NOT_QUALITY_HEADING = re.compile(
    r"付款|支付|费用|价款|价格|收费|租金|报酬|违约|争议|保证金|生效|解除"
    # a warranty alone (质量保修：保修三年) is no standard of quality
    r"|保修|售后"
)
TIME_HEADING = re.compile(r"时间|期限|期间|日期|工期|时段|租期|进度|排期|课程安排|作息|聘用期")
# Where and how: 服务地点, 交货方式, and the manner of the work (作业规范, 服务流程).
PLACE_HEADING = re.compile(
    r"地点|交付|交货|供货|送货|方式|场所|线路|路线|安排|岗位|规范|流程|程序|作业"
)

# An element stated only by a placeholder (README, amendment 2).
VAGUE_QUANTITY = re.compile(
    # 任一批次, 每一批, 同一批: a batch referred to, not a lot of goods.
    r"(?<![第\d任每同另单逐])(?:一批(?!次)|若干(?P<unit>[^\s，,。；;、的]{0,2}))"
    r"|(?<![不])适量|按需(?:供应|供货|配送|采购|提供|订购|购买|供给)"
    # (not after a number: 工作量不少于120人·日，由乙方根据甲方需要安排 states it)
    r"|(?:数量|课时量|工作量|用量|人数|节数|台数|面积|工程量|份数|件数|册数)[^。；;\n\d]{0,16}?"
    r"(?:以|按|根据|由)[^。；;\n]{0,14}?"
    r"(?:实际|需求|需要|情况|任务单|订单|订货单|通知单|下达|订菜单|报菜单|菜单)"
    # (车辆数量由乙方根据学生乘车需要合理安排: left to the supplier's arrangement)
    r"[^。；;\n]{0,8}?(?:为准|确定|安排|调配)"
    # 乙方按甲方需要派驻保安人员: how many persons is left to the school's wishes
    r"|按(?:甲方|采购人|学校|幼儿园|园方|校方|委托方|用人单位)的?(?:实际)?(?:需要|需求)"
    r"(?:派驻|派遣|委派|配备|选派|安排)(?P<persons>[^。；;，,\n\d]{0,6}?"
    r"(?:人员|保安员?|保洁员?|教练员?|教师|厨师|司机|工人))"
)
# 符合国家有关标准: a standard referred to and not named (which one, the text does not say).
UNNAMED_STANDARD = re.compile(r"符合国家(?:有关|相关|规定的?)")
# Whose wishes a vague quality is left to.
_BUYER = (
    r"(?:甲方|采购人|采购方|学校|需方|买方|委托方|委托人|发包人|发包方|用户|使用单位|招标人"
    # the school by what it is, and the using party of a three-party contract
    r"|幼儿园|园方|校方|我校|本校|丙方|用餐单位)"
)
VAGUE_QUALITY = re.compile(
    rf"^(?:质量合格|产品合格|合格产品|合格|符合(?:{_BUYER}|双方|合同|本合同|约定|使用)?的?"
    rf"(?:使用)?(?:要求|约定|需要)"
    # 符合学校食堂使用要求: the school's use, however described, is no standard
    rf"|符合{_BUYER}(?:(?!标准|规范|规程|规定)[\u4e00-\u9fff]){{0,6}}?(?:要求|需要)|达到{_BUYER}?的?(?:满意的?)?(?:要求|满意|标准)|满足{_BUYER}?的?"
    # 满足甲方体育教学使用要求: the buyer's use, however described, is no standard
    r"(?:(?!标准|规范|规程|规定)[\u4e00-\u9fff]){0,8}?(?:要求|需要))$"
)
# A quality left to a party's satisfaction or wishes, or praised without a criterion
# (README, amendment 2): 以甲方满意为准, 令甲方满意, 达到甲方要求, 按甲方要求做好, 保证质量,
# 质量良好.
VAGUE_QUALITY_WORDS = re.compile(
    rf"质量(?:达到)?合格(?![率标])|符合{_BUYER}的?要求|(?<![标准规范定])符合要求"
    rf"|符合{_BUYER}(?:(?!标准|规范|规程|规定)[\u4e00-\u9fff]){{1,6}}?(?:要求|需要)"
    rf"|(?:让|令|使|使得|确保|保证){_BUYER}满意|达到{_BUYER}的?(?:满意的?)?(?:要求|满意|标准)"
    rf"|(?:质量|品质|标准|要求|验收|效果|水平|成果|结果)[^。；;\n]{{0,12}}以{_BUYER}[^。；;\n]{{0,6}}"
    r"(?:需求|需要|要求|满意|认可|意见)为(?:准|标准|依据)"
    rf"|按(?:照)?{_BUYER}的?要求(?=[^。；;，,\n]{{0,4}}(?:执行|做好|完成|进行|提供|落实|实施|办理))"
    r"|(?<![确])保证(?:服务|产品|货物|商品|图书|工程|供货|教学|培训)?质量(?=[。；;，,\n]|$)"
    r"|质量(?:良好|优良|优质|可靠|过硬|上乘|上佳|好)"
    # 符合国家有关……质量标准 with no standard named; 满足甲方日常教学的使用需要
    rf"|{UNNAMED_STANDARD.pattern}[^。；;，,\n《]{{0,14}}?(?:标准|规定|要求)(?![^。；;，,\n]{{0,3}}[《A-Z])"
    rf"|满足{_BUYER}[^。；;，,\n]{{0,12}}?(?:需要|需求|要求)"
)
VAGUE_QUALITY_WORDS = quick(VAGUE_QUALITY_WORDS)  # read over the whole text
# A concrete criterion beside vague words: a measure (每日清扫2次, 不低于95%), a standard
# (GB/T…, 《…规范》) or a prohibition (不得有积水).
QUALITY_CRITERION = re.compile(
    r"\d+(?:\.\d+)?\s*(?:%|％|次|遍|小时|分钟|日|天|周|个|级|℃|米|mm|cm|kg|g|分)"
    r"|[一二两三四五六七八九十百]+(?:次|遍|小时|分钟|个工作日|级)|百分之"
    r"|(?<![A-Za-z])(?:GB|JY|CJJ|JGJ|QB|FZ|HJ|DB\d*|ISO)\s*(?:/\s*T)?\s*\d(?!\d{6})|《[^》]{2,40}》"
    r"|不得|无(?:[\u4e00-\u9fff]{0,3})(?:污|渍|垃圾|异味|积水|杂物|破损|死角|灰尘|尘土)"
)

# 相关设备, 有关货物: a kind of thing with no thing named is no subject either.
# 相关合作事宜, 有关合作项目: cooperation about unnamed matters is no subject either.
VAGUE_SUBJECT = re.compile(
    r"(?:相关|有关)(?:合作|技术|专业|劳务)?(?:服务|事宜|工作|事项|项目|活动|业务|设备|货物|物品|产品|物资|材料"
    r"|用品)|合作(?:事宜|项目|事项|内容)"
)

# Content delegated elsewhere or left to the buyer's wishes: not stated in the text.
DELEGATED = re.compile(
    r"附件|另行(?:协商|商定|约定)|另议|双方协商确定|保险单(?:载明|约定)|以保险单"
    r"|以(?:甲方|采购人|学校|需方|买方)[^。；;，,\n]{0,8}(?:需求|需要)为准"
    # a document still to be agreed: 以双方确认的合作方案为准, 按甲方审定的计划执行
    r"|(?:以|按|依)[^。；;，,\n]{0,10}(?:确认|认可|签订|签署|商定|制定|审定|批准|下达)的"
    r"[^。；;，,\n]{0,10}(?:方案|计划|清单|确认单|任务书|任务单|订单|订货单|通知单|协议|文件|通知)"
    r"(?:为准|执行|确定)"
)
DELEGATED = quick(DELEGATED)  # read in every segment of the text
_SEGMENT = re.compile(r"[^。；;，,\n]+")


_ANNEX_REFERENCE = re.compile(r"附件\s*(?P<number>[一二三四五六七八九十]+|\d+)")
# An annex that is in the submitted text begins a line after the signature block:
# 附件1：保洁作业标准.
_ANNEX_HEADING = re.compile(
    r"^[ \t\u3000]*附件\s*(?P<number>[一二三四五六七八九十]+|\d+)[ \t\u3000]*[:：．.、]", re.M
)


@lru_cache(maxsize=8)
def attached(text: str) -> frozenset[str]:
    """The numbers of the annexes ``text`` (a Context's text) carries after its signatures."""
    stop = structure.read(text).signature
    if stop is None:
        return frozenset()
    return frozenset(m["number"] for m in _ANNEX_HEADING.finditer(text, stop))


def _delegates(segment: str, annexes: frozenset[str]) -> bool:
    """Whether ``segment`` leaves its content to something not in the text: an annex
    that is attached (附件1《保洁作业标准》 printed after the signatures) is in the text."""
    found = DELEGATED.search(segment)
    if found is None:
        return False
    if not annexes or found.group() != "附件":
        return True
    if DELEGATED.search(_ANNEX_REFERENCE.sub(" ", segment)):
        return True  # something else is delegated too
    return any(m["number"] not in annexes for m in _ANNEX_REFERENCE.finditer(segment))


_ASIDE = re.compile(r"[（(][^（()）\n]*[）)]")


def _blank(words: str) -> str:
    return " " * len(words)


@lru_cache(maxsize=8)
def stated(text: str, annexes: frozenset[str] = frozenset()) -> str:
    """The text with every segment that delegates its content blanked out (offsets kept);
    a segment that only refers to one of the ``annexes`` attached to the text is kept.
    Where only an aside in brackets delegates (在园幼儿236人（名单见附件）), only the aside
    is blanked: what the segment states outside it is stated."""

    def kept(segment: str) -> str:
        if not _delegates(segment, annexes):
            return segment
        if _delegates(_ASIDE.sub(lambda m: _blank(m.group()), segment), annexes):
            return _blank(segment)
        return _ASIDE.sub(
            lambda m: _blank(m.group()) if _delegates(m.group(), annexes) else m.group(), segment
        )

    return _SEGMENT.sub(lambda m: kept(m.group()), text)


def han(text: str) -> int:
    return len(_HAN.findall(text))


@dataclass(frozen=True, slots=True)
class Unit:
    """One clause: its name as a lawyer cites it, its headings (its own and those of the
    clauses around it) and the span of its own words."""

    name: str
    heading: str  # its own heading, else the nearest enclosing clause's
    headings: str
    start: int
    end: int
    top: bool


def units(ctx: Context) -> tuple[Unit, ...]:
    return _units(ctx.text)


@lru_cache(maxsize=8)
def _units(text: str) -> tuple[Unit, ...]:
    """Read once per text: every element's rule asks."""
    found = structure.read(text)
    result = []
    for clause in found.clauses:
        headings, outer = [clause.heading], clause
        while outer.parent is not None:
            outer = found.clauses[outer.parent]
            headings.append(outer.heading)
        heading = next((h for h in headings if h), "")
        name = f"{found.outline(clause)} {heading}".strip()
        joined = " ".join(h for h in headings if h)
        result.append(Unit(name, heading, joined, clause.body, clause.end, clause.level == 1))
    return tuple(result)


def headed(
    ctx: Context,
    heading: re.Pattern[str],
    unless: re.Pattern[str] | None = None,
    *,
    nearest: bool = False,
) -> list[Unit]:
    """The clauses whose heading or an enclosing clause's (only the nearest heading, with
    ``nearest``) names the element."""
    found = []
    for unit in units(ctx):
        words = unit.heading if nearest else unit.headings
        if heading.search(words) and not (unless and unless.search(words)):
            found.append(unit)
    return found


def body(ctx: Context, unit: Unit) -> str:
    return ctx.text[unit.start : unit.end]


def searched(ctx: Context, candidates: list[Unit]) -> str:
    """What a missing element's search covered: the candidate clauses, else 全文 with the
    top-level clause headings."""
    names = list(dict.fromkeys(unit.name for unit in candidates))
    if names:
        return "、".join(names[:6]) + ("等" if len(names) > 6 else "")
    tops = [unit.name for unit in units(ctx) if unit.top]
    shown = "、".join(tops[:6]) + ("等" if len(tops) > 6 else "")
    return f"全文（{shown}）" if shown else "全文"


def before_signature(ctx: Context) -> str:
    """The text up to the signature block, the rest blanked (offsets kept)."""
    return _before_signature(ctx.text)


# A contract in parts (GF-2017-0201: 第一部分 合同协议书, signed; then 第二部分 通用合同条款,
# 第三部分 专用合同条款): the parts after the signatures are clauses of the contract, not annexes.
# (A PDF may draw the part's heading on the running header's line, after a wide gap.)
_LATER_PART = re.compile(
    r"(?:^|[ \t\u3000]{4})[ \t\u3000]*(?:第[二三四五]部分|(?:专用|通用)(?:合同)?条款[ \t\u3000]*$)",
    re.MULTILINE,
)


@lru_cache(maxsize=8)
def _before_signature(text: str) -> str:
    stop = structure.read(text).signature
    if stop is None or _LATER_PART.search(text, stop):
        return text
    return text[:stop] + re.sub(r"[^\n]", " ", text[stop:])


def vague_spans(pattern: re.Pattern[str], text: str) -> Iterator[re.Match[str]]:
    return pattern.finditer(text)


@dataclass(frozen=True, slots=True)
class Finding:
    """What the search for one element found: present, present only vaguely (the vague
    words' span), or missing (with the clauses searched)."""

    present: bool
    vague: tuple[int, int] | None = None
    searched: str = ""
