"""The subject, quantity and quality of a contract (Civil Code art. 470), found per clause
by heading and content (see ``elements``): present, present but vague, or missing."""

from __future__ import annotations

import itertools
import re
from functools import lru_cache

from advisor.precheck import structure
from advisor.precheck.base import Context, segment_around
from advisor.precheck.rules.elements import (
    DELEGATED,
    NOT_QUALITY_HEADING,
    QUALITY_CRITERION,
    QUALITY_HEADING,
    SUBJECT_HEADING,
    UNNAMED_STANDARD,
    VAGUE_QUALITY,
    VAGUE_QUALITY_WORDS,
    VAGUE_QUANTITY,
    VAGUE_SUBJECT,
    Finding,
    Unit,
    attached,
    before_signature,
    body,
    han,
    headed,
    searched,
    stated,
)
from advisor.precheck.structure import PARTY
from advisor.regex import quick

# --- subject ---------------------------------------------------------------------------------

_GENERIC_TITLE = re.compile(
    r"政府|采购|买卖|购销|供货|订购|服务|技术|劳务|劳动|聘用|合作|框架|补充|委托|合同书?|协议书?|货物类"
    r"|工程类|服务类"
    # 战略合作协议, 校企共建协议: how the parties relate, not what they do
    r"|战略|全面|长期|友好|校企|共建"
    r"|项目|爱心|捐赠|意向|租赁|编号|[的与和及]|[（()）\s\u3000]"
)
_SUBJECT_LABEL = re.compile(
    r"^[ \t\u3000]*(?:[一二三四五六七八九十]+、|第[一二三四五六七八九十\d]+条|\d+(?:\.\d+)*\.?"
    r"|[（(][一二三四五六七八九十\d]+[）)])?[ \t\u3000]*"
    r"(?P<label>[^\s\u3000：:。，,；]{0,8}?(?:内容|标的物?|范围|对象|货物|物品|财产|设备|产品|品名"
    r"|名称|清单|租赁物|租赁房屋|租赁土地|租赁场地|(?:服务|采购|工程)项目))[ \t\u3000]*"
    r"(?:[:：](?P<rest>[^\n]*))?$",
    re.MULTILINE,
)
_GENERIC_CONTENT = re.compile(
    r"相关|有关|服务|事宜|事项|合作|项目|货物|物品|产品|本合同|本协议|甲方|乙方|双方|提供|负责|按照"
    r"|约定|要求|需要|需求|所需|如下|具体|地点|校内|采购|购买|购置|供应|供货|[的和及等向为在]"
    # verbs of taking part say nothing of what in: 邀请乙方参与, 共同开展
    r"|邀请|参与|参加|开展|进行|实施|组织|共同|内容|工作|活动|业务|[就与]"
)


_SEGMENTS = re.compile(r"[^。；;，,\n]+")


# The domain a vague subject is "related to" names no thing: 教学相关设备, 日常相关服务.
_VAGUE_WITH_DOMAIN = re.compile(
    # 校园后勤相关服务: domains may stack, and still name no thing.
    r"(?:教学|办公|日常|学校|校园|教育|后勤|管理|运营|工作|业务|信息化|技术)*"
    r"(?:" + VAGUE_SUBJECT.pattern + ")"
    r"|(?:相关|有关|配套)(?:技术|专业|配套)?(?:服务|设施|设备|工作)"
)
# A segment that lists what a vague word stands for: 提供相关服务，包括门卫值守、巡逻.
_ENUMERATES = re.compile(r"包括|包含|含|即|具体为|主要为|如下|分别为")
# Where the object of a subject sentence begins: 乙方负责|合作项目的策划, 为甲方提供|相关服务.
_OBJECT_AFTER = re.compile(r".*(?:提供|负责|开展|进行|承担|实施|从事|承接|供应|采购|购买|捐赠|就)")
# Words that point at a thing without naming it: 每期合作项目, 上述相关服务.
_POINTING = re.compile(r"每[期次项批个]|上述|前述|以下|该|各|此|其")


# Whom or where a service reaches, not what it is: 服务覆盖甲方所属那堪小学、…共6所学校.
# Left out before a sentence is judged: 面向全体学生开展课后托管 still names its service.
_REACH = re.compile(
    r"(?:覆盖|面向|惠及)(?:[^。；;，,\n]{0,40}?(?:小学|中学|学校|幼儿园|校区|师生|学生)"
    r"(?:[（(][^）)\n]{1,8}[）)])?"
    r"(?![\u4e00-\u9fff]{0,2}(?:保洁|绿化|安保|保安|食堂|餐饮|维修|物业)))+"
    # and how many they are: 在校师生约5,200人
    r"(?:[，,]?(?:在校|在园|全体)?(?:师生|学生|幼儿|教职工)(?:共|约|合计)?[\d,，]+余?(?:人|名))?"
)


def _vague_is_named(segment: str, vague: re.Match[str], least: int) -> bool:
    """Whether the words before a vague phrase, within its object, name the thing:
    提供校园保洁及相关服务 names 校园保洁; 为甲方提供相关服务 names nothing."""
    before = segment[: vague.start()]
    cut = _OBJECT_AFTER.match(before)
    qualifier = before[cut.end() :] if cut else before
    qualifier = _POINTING.sub("", _VAGUE_WITH_DOMAIN.sub("", qualifier))
    return han(_GENERIC_CONTENT.sub("", qualifier)) >= least


def _is_concrete(content: str, least: int = 4) -> bool:
    """Whether ``content`` names what the contract is about. Where it uses a vague phrase
    (相关服务, 合作项目), only the words that qualify that phrase, or a list of what it
    stands for, can name it: 派驻服务人员二名, 按甲方需要配置 or 负责合作项目的策划 say how
    much or how, not what."""
    segments = _SEGMENTS.findall(content)
    if any(_VAGUE_WITH_DOMAIN.search(segment) for segment in segments):
        for segment in segments:
            vague = list(_VAGUE_WITH_DOMAIN.finditer(segment))
            if vague and any(_vague_is_named(segment, v, least) for v in vague):
                return True
            enumerates = not vague and _ENUMERATES.search(segment)
            if enumerates and han(_GENERIC_CONTENT.sub("", segment)) >= least:
                return True
        return False
    return han(_GENERIC_CONTENT.sub("", content)) >= least


_NAME_COLUMNS = ("品名", "名称", "品目", "书名")
_TOTAL_ROW = re.compile(r"合\s*计|小\s*计|总\s*计")


def _goods_listed(ctx: Context) -> bool:
    """A table in the text whose name column names things (单面书架, 阅览桌): the list of
    goods is the subject even under a generic title and a bare 品名、数量及价格如下."""
    read = structure.read(ctx.text)
    for table in read.tables:
        if read.signature is not None and table.start >= read.signature:
            continue
        for word in _NAME_COLUMNS:
            cells = [cell for cell in table.column(word) if not _TOTAL_ROW.search(cell)]
            if any(_is_concrete(cell, 2) for cell in cells):
                return True
    return False


def _undelegated(whole: str, sentence: str) -> str:
    """The part of a subject sentence before its content is delegated: what follows
    "合作项目以《项目清单》（附件一）为准" (乙方按照清单组织实施) is how, not what."""
    kept = []
    for segment in _SEGMENTS.findall(sentence):
        if DELEGATED.search(segment):
            break
        kept.append(segment)
    return "，".join(kept)


def _within(unit: Unit, outer: Unit) -> bool:
    """Whether ``unit`` is ``outer`` or one of its sub-clauses (第二条2.3 under 第二条, whose
    own words may end where its sub-clauses begin)."""
    if not outer.start <= unit.start:
        return False
    if unit.end <= outer.end:
        return True
    number = outer.name.split(" ")[0]
    return unit.heading == outer.heading and unit.name.split(" ")[0].startswith(number)


def find_subject(ctx: Context) -> Finding:
    """What the contract is about: a specific title, or a subject clause with content."""
    if any(han(_GENERIC_TITLE.sub("", title)) >= 2 for title in structure.titles(ctx.text)):
        return Finding(True)
    whole = before_signature(ctx)
    text = stated(whole)
    candidates = headed(ctx, SUBJECT_HEADING, nearest=True)
    vague_units: list[Unit] = []  # a clause comes before its sub-clauses
    for unit in candidates:
        start = (
            unit.start
            + len(whole[unit.start : unit.end])
            - len(whole[unit.start : unit.end].lstrip())
        )
        first = _undelegated(whole, re.split(r"[。；;\n]", whole[start : unit.end], maxsplit=1)[0])
        # Under a subject clause that opens vaguely (1. 乙方为甲方提供相关服务), what its
        # other sub-clauses say is how much and how (工作量不少于120人·日), unless it lists.
        inside_vague = any(_within(unit, v) for v in vague_units)
        if inside_vague and not _ENUMERATES.search(first):
            continue
        if _is_concrete(_REACH.sub("", first), 2):
            return Finding(True)
        if _VAGUE_WITH_DOMAIN.search(first):
            vague_units.append(unit)
    for match in _SUBJECT_LABEL.finditer(text):
        content = whole[match.start("rest") : match.end("rest")] if match["rest"] else ""
        if not content.strip():
            content = whole[match.end() :].lstrip().split("\n", 1)[0]
        first = _REACH.sub("", re.split(r"[。；;]", content, maxsplit=1)[0])
        if _is_concrete(_undelegated(whole, first)):
            return Finding(True)
    if _goods_listed(ctx):
        return Finding(True)
    if not candidates and _first_clause_names_it(ctx, whole):
        return Finding(True)
    vague = VAGUE_SUBJECT.search(before_signature(ctx))
    if vague:
        return Finding(False, vague.span())
    return Finding(False, searched=searched(ctx, candidates))


def _first_clause_names_it(ctx: Context, whole: str) -> bool:
    """A contract without headings (1、乙方给甲方全校学生每人捐一件棉衣，共120件): what its
    first clause's first sentence names is its subject."""
    for clause in structure.read(ctx.text).clauses:
        if clause.parent is not None:
            continue
        first = re.split(r"[。；;\n]", whole[clause.body : clause.end], maxsplit=1)[0]
        return (
            bool(first.strip())
            and not _VAGUE_WITH_DOMAIN.search(first)
            and not VAGUE_SUBJECT.search(first)
            and _is_concrete(_undelegated(whole, first))
        )
    return False


# --- quantity --------------------------------------------------------------------------------

_GOODS_UNITS = (
    "平方米|立方米|延长米|千克|公斤|㎡|m²|台|套|件|印张|张|把|个|盏|辆|册|本|支|箱|盒|面|只|条|块|组|副"
    "|双|顶|部|樘|座|间|栋|幢|亩|米|吨|斤|份|袋|桶|片|眼"
    # produce and plants: 土鸡蛋6000枚, 树苗50株 (not 棵: 四棵树镇 is a place)
    "|枚|颗|株|卷|捆|瓶|罐"
)
# 第六条, 条款六: a numeral that numbers a clause counts nothing.
_COUNT = re.compile(
    r"(?<![第\d.A-Za-z一二两三四五六七八九十百千万零])(?<!条款)(?<!款项)"
    r"(?P<number>\d[\d,，]*(?:\.\d+)?(?:万|千)?|[一二两三四五六七八九十百千万]+)"
    r"[ \t\u3000]*"
    rf"(?:余|多)?(?P<unit>课时|学时|{_GOODS_UNITS}|人|名|位|次|场|节|项|处|期)"
)
_COUNT_NOT_QUANTITY = {
    "个": re.compile(r"^(?:月|工作日|日|小时|季度|学期|星期|周|百分点|批次|自然日)"),
    "次": re.compile(r"^(?:性|付清|结清|缴清|交清|支付|付款|结算)"),  # 分两次支付: instalments
    # 科创园8幢5楼, 3栋2单元: an address, not buildings bought
    "幢": re.compile(r"^\s*\d+\s*(?:楼|层|单元|号|室)"),
    "栋": re.compile(r"^\s*\d+\s*(?:楼|层|单元|号|室)"),
    "座": re.compile(r"^\s*\d+\s*(?:楼|层|单元|号|室)"),
    "期": re.compile(
        r"^(?:限|间|满|末|中|初|内|货|款|工程|付款|支付|租金|费用|服务费)"
    ),  # 3期 sessions, not 期限
    "米": re.compile(r"^\s*/"),
    "节": re.compile(r"^(?:假|日)"),
    "支": re.compile(r"^付"),
    "株": re.compile(r"^洲"),  # 株洲, a city
    "名": re.compile(r"^(?:称|单|义)"),
    "双": re.compile(r"^方"),  # 双方: both parties, not pairs
    "位": re.compile(r"^\s*[A-Za-z]"),  # 32位ARM主控: bits, not persons
}
# A model number (DS-120) or a list of clauses referred to (第一、二条) counts nothing; nor
# does the year of a standard (GB/T 19851.3-2005) a PDF's column gap set before a unit.
_NOT_A_COUNT_BEFORE = re.compile(
    r"[A-Za-z][A-Za-z\d]*[-－]$|第[一二三四五六七八九十\d]+(?:[、,，和及至][一二三四五六七八九十\d]+)*[、,，和及至]$"
)
# A dimension is a parameter, not a count (拾音半径不少于8米, 线缆长度10米).
_DIMENSION_BEFORE = re.compile(
    r"(?:半径|直径|长度|宽度|高度|深度|厚度|距离|间距|射程|尺寸)[^，,。；;\d]{0,4}$"
)
_YEAR = re.compile(r"(?:19|20)\d\d")
_NUMBERED = re.compile(r"[ \t\u3000]*(?:\d|[一二三四五六七八九十]+、|第|[（(@|｜])")


def _sentence_around(text: str, start: int, end: int) -> str:
    """The sentence holding ``start:end`` within its line: a Word paragraph written as one
    long line holds many sentences, and a penalty in one says nothing of a count in another."""
    begin = max(text.rfind(mark, 0, start) for mark in "\n。；;") + 1
    ends = [i for i in (text.find(mark, end) for mark in "\n。；;") if i >= 0]
    return text[begin : min(ends, default=len(text))]


def _clause_start(text: str, pos: int) -> int:
    """Where the clause holding ``pos`` begins (the index of the mark before it). A PDF
    wraps lines inside a clause: a line break ends one only after a stop or a colon, or
    before a numbered line; a soft wrap is looked through (three lines at most)."""
    start = max(text.rfind(mark, 0, pos) for mark in "，,。；;")
    line = text.rfind("\n", 0, pos)
    for _ in range(3):
        if line <= start:
            break
        before = text[max(0, line - 1) : line].strip(" \t\u3000")
        if not before or before in "。；;：:" or _NUMBERED.match(text, line + 1):
            return line
        line = text.rfind("\n", 0, line)
    return start


# A bound on the count (配备保安不少于4人, 至少2辆) states the extent (README, definition 10);
# only 以上 before a figure refers back to something else.
_MINIMUM = re.compile(r"以上\s*$")
# A bound on hours (不少于4学时的培训) times an ancillary service; it counts nothing supplied.
_BOUND = re.compile(r"(?:不少于|不低于|不超过|不多于|至少|最多)\s*$")
_HOURS = ("课时", "学时")
# 每月上门服务不少于4次, 每日工作8小时: a frequency over the term is the extent of a service.
_FREQUENCY = re.compile(
    r"每(?:日|天|周|月|学期|学年|年|星期|工作日|个工作日)[^，,。；;]{0,14}?"
    r"(?:不少于|不低于|至少)?\s*(?:\d+|[一二两三四五六七八九十]+)\s*(?:次|小时|课时|学时|节|天|场)"
)
_ADDRESS_BEFORE = re.compile(r"[村路街乡镇巷区楼]$")
# 九间楼乡, 三道河子镇: a numeral that begins a place's or a firm's name.
_NAME_AFTER = re.compile(r"^[楼乡村镇路街巷屯号区社队团连湖河沟山庄场中小]")
# The parties block and addresses name places and firms, never the quantity.
_NAME_LINE = re.compile(
    rf"^[ \t\u3000]*(?:{PARTY}|地[ \u3000]?址|住[ \u3000]?所|住[ \u3000]?址|名称|开户行|账号)"
    r"(?:[（(][^）)\n]{0,12}[）)])?[ \t\u3000]*[:：]"
)
# 红外距离50米, 克重180g: a parameter of the goods measured in a unit, not their count.
_PARAMETER_BEFORE = re.compile(
    r"(?:距离|长度|宽度|高度|深度|直径|半径|厚度|重量|克重|载重|跨度|净高|视距|射程|口径|尺寸|内径"
    r"|外径|线径|截面|长|宽|高|深|厚|重)[ \t\u3000]*(?:为|约|达|:|：)?[ \t\u3000]*$"
)
# 适用面积60—90平方米: what a machine is rated for, not how much is bought.
_RATED_FOR = re.compile(r"(?:适用|覆盖|作用|有效|辐射)面积[^，,。；;\d]{0,3}[\d.]*[—–~～至-]?$")
_MEASURES = ("平方米", "立方米", "延长米", "千克", "公斤", "㎡", "m²", "亩", "米", "吨", "斤")
_COPIES = re.compile(r"一式|执|[甲乙双]方|各$|备案|存档|报送|留存")
_BREACH_CONTEXT = re.compile(r"违约|逾期|扣减|解除|赔偿|不合格|罚")
# A goods row whose unit, count and unit price stand side by side, as a PDF lays out the
# columns 单位 | 数量 | 单价 (its header split over two lines): 格力 KFR-35GW台 48 3,150.00.
_UNIT_COUNT_PRICE = re.compile(
    rf"(?P<unit>{_GOODS_UNITS})[ \t\u3000]*(?P<number>\d{{1,6}})[ \t\u3000]+\d[\d,]*\.\d{{2}}"
)
# 每月结算一次: how often the buyer pays is no extent of what is supplied.
_PAYMENT = re.compile(r"结算|支付|付款|对账|开票|缴纳")
_TABLE_SPLIT = re.compile(r"\s*[|｜\t]\s*|[ \u3000]{2,}")
# 预计年采购量, 供应量: a framework's estimated volume per item is its quantity (amendment 3).
_QUANTITY_COLUMN = re.compile(
    r"数量|用量|工程量|人数|台数|件数|册数|课时数|节数|份数|车辆数|座位数|面积"
    # a course's extent: 班级数 | 每周课时 | 周数
    r"|班级数|班数|课时|学时|周数|场次|人次"
    r"|(?:采购|供应|供货|订购|订货|需求|配送|印刷)量"
    # 年估算量, 预计量: the estimate of a framework
    r"|(?:估算|预估|预计|估计|计划)量"
)
# A unit cell beside a whole number (单位 | 数量): how goods tables are drawn.
_UNIT_AND_NUMBER = re.compile(
    rf"(?:^|[|｜\t]|[ \u3000]{{2,}})[ \u3000]*"
    rf"(?:{_GOODS_UNITS}|人|名|次|节|课时|升|m|kg|KG|Kg|L|mL|ml|t)[ \u3000]*"
    r"(?:[|｜\t]|[ \u3000]{2,})[ \u3000]*\d[\d,]*(?=[ \u3000]*(?:[|｜\t]|[ \u3000]{2,}|$))",
    re.MULTILINE,
)


def _a_count(text: str, match: re.Match[str], before: str, after: str) -> bool:
    """Whether a number with a unit counts something rather than numbering a clause
    (3.1 本批校服), measuring a parameter (红外距离50米) or beginning a name (九间楼乡)."""
    number, unit = match["number"], match["unit"]
    line_start = text.rfind("\n", 0, match.start()) + 1
    if not text[line_start : match.start()].strip() and match.group()[len(number) :][:1].isspace():
        return False  # an outline number at the start of a line: 3.1 本批…, 2 台账…
    if "." in number and unit not in _MEASURES and not number.endswith(("万", "千")):
        return False  # pieces, sets and persons are whole (4.5万张 is whole)
    if unit in _MEASURES and _PARAMETER_BEFORE.search(before):
        return False
    if unit in _MEASURES and _RATED_FOR.search(text, max(0, match.start() - 16), match.start()):
        return False
    if not number[0].isdigit() and _NAME_AFTER.search(after):
        return False
    return not _NAME_LINE.match(text, line_start)


# 12只装, 10支/盒: the size of a pack, not how many are bought.
_PACK_AFTER = re.compile(r"^[ \t\u3000]*(?:装|[/／]|每)")
# Columns that describe each item (规格及技术参数, 型号, 配置): their numbers are parameters.
_SPEC_COLUMN = re.compile(r"规格|型号|参数|配置|描述|说明|材质|技术|品牌|要求")
_CELL_SEPARATOR = re.compile(r"[ \t\u3000]*[|｜\t][ \t\u3000]*|[ \u3000]{3,}")


@lru_cache(maxsize=8)
def _spec_cells(text: str) -> tuple[tuple[int, int], ...]:
    """The spans of the cells under a specification column of every table."""
    spans = []
    for table in structure.read(text).tables:
        columns = {
            i
            for i, cell in enumerate(table.rows[0])
            if _SPEC_COLUMN.search(cell) and not _QUANTITY_COLUMN.search(cell)
        }
        if not columns:
            continue
        at = table.start
        for line in text[table.start : table.end].split("\n"):
            lead = len(line) - len(line.lstrip(" |｜\u3000"))
            cell, start = 0, at + lead
            for separator in _CELL_SEPARATOR.finditer(line, lead):
                if separator.start() == lead:
                    continue
                if cell in columns:
                    spans.append((start, at + separator.start()))
                cell, start = cell + 1, at + separator.end()
            if cell in columns:
                spans.append((start, at + len(line)))
            at += len(line) + 1
    return tuple(spans)


def _counts(text: str, spec: tuple[tuple[int, int], ...] = ()) -> list[re.Match[str]]:
    found = []
    for match in _COUNT.finditer(text):
        # (a PDF may wrap the line inside the word after the unit: 3个工作⏎日内)
        unit, after = match["unit"], text[match.end() : match.end() + 8].replace("\n", "")[:4]
        not_quantity = _COUNT_NOT_QUANTITY.get(unit)
        if (not_quantity and not_quantity.search(after)) or _PACK_AFTER.search(after):
            continue
        if any(start <= match.start() < end for start, end in spec):
            continue
        before = text[max(0, match.start() - 6) : match.start()]
        if (
            _NOT_A_COUNT_BEFORE.search(before)
            or _DIMENSION_BEFORE.search(before)
            or (before.endswith(("-", "－")) and _YEAR.fullmatch(match["number"]))
        ):
            continue  # DS-120双面, GB/T 19851.3-2005 | … 套, 第一、二条
        if _MINIMUM.search(before) or (
            _ADDRESS_BEFORE.search(before) and not (unit == "间" and before.endswith("楼"))
        ):
            continue  # 新华路26号, not 一号教学楼12间教室 (the rooms of a building)
        if unit in _HOURS and _BOUND.search(before):
            continue
        if not _a_count(text, match, before, after):
            continue
        # A PDF breaks lines inside a clause: a line break ends it only after punctuation.
        clause_start = _clause_start(text, match.start())
        if "每" in text[clause_start + 1 : match.start()]:
            continue  # 每车配备驾驶人一名: a ratio, not the quantity
        if unit == "份" and (
            _COPIES.search(before) or "一式" in _sentence_around(text, match.start(), match.end())
        ):
            continue
        if unit == "期" and before.endswith("分"):
            continue  # 分两期支付: instalments of the price
        if unit == "次" and _PAYMENT.search(_sentence_around(text, match.start(), match.end())):
            continue  # 每月支付一次……共五次: the payments, not the service
        if _BREACH_CONTEXT.search(_sentence_around(text, match.start(), match.end())):
            continue
        found.append(match)
    found += _UNIT_COUNT_PRICE.finditer(text)
    for match in _FREQUENCY.finditer(text):
        line_start = text.rfind("\n", 0, match.start()) + 1
        line_end = text.find("\n", match.end())
        line = text[line_start : line_end if line_end >= 0 else None]
        if not _BREACH_CONTEXT.search(line) and not _PAYMENT.search(match.group()):
            found.append(match)
    return found


def _quantity_header(cell: str) -> bool:
    """A column's name for a quantity (数量, 预计用量（kg）), not a cell of a row that
    mentions one (适用面积60—90平方米)."""
    return (
        bool(_QUANTITY_COLUMN.search(cell))
        and len(cell) <= 12
        and not re.search(r"\d|价|费|金额|元", cell)  # 课时单价（元） is a price
    )


def _table_quantities(ctx: Context, text: str) -> bool:
    """A table with a quantity column (数量, 工程量, 预计用量, 人数 …) holding figures, or
    rows with a unit cell beside a whole number."""
    for table in structure.read(ctx.text).tables:
        for cell in table.rows[0]:
            if _quantity_header(cell) and any(
                re.search(r"\d", value) for value in table.column(cell)
            ):
                return True
    lines = text.split("\n")
    for index, line in enumerate(lines):
        if not _QUANTITY_COLUMN.search(line):
            continue
        header = _TABLE_SPLIT.split(line.strip(" |｜"))
        columns = [i for i, cell in enumerate(header) if _quantity_header(cell)]
        if len(header) < 3 or not columns:
            continue
        for row in lines[index + 1 : index + 30]:
            if not row.strip():
                break
            cells = _TABLE_SPLIT.split(row.strip(" |｜"))
            if any(i < len(cells) and re.search(r"\d", cells[i]) for i in columns):
                return True
    if _UNIT_AND_NUMBER.search(text):
        return True
    # the pages as drawn: the context's text has joined the wrapped lines again
    return any(
        _unit_wrapped_below(page.split("\n")) or _counted_under_header(page.split("\n"))
        for page in ctx.pages
    )


_DRAWN_CELL = re.compile(r"(?:(?<=^)|(?<=[ \u3000]{2}))[^ \u3000]+(?:[ \u3000][^ \u3000]+)*")
_WHOLE_NUMBER = re.compile(r"(?<![\d,.，])\d[\d,]*(?![\d,]*\.\d)(?![\d,])")


def _counted_under_header(lines: list[str]) -> bool:
    """A quantity column as a PDF draws it, its cells not split by wide gaps (150—XXL 1,100
    120.00): a whole number straight below the 数量 header, in the rows that follow."""
    for index, line in enumerate(lines):
        cells = list(_DRAWN_CELL.finditer(line))
        if len(cells) < 3:
            continue  # a header row has columns; 二、数量 is a heading
        for cell in cells:
            if not _quantity_header(cell.group()):
                continue
            column = cell.start()
            for row in lines[index + 1 : index + 20]:
                if len(_DRAWN_CELL.findall(row)) >= 3 and any(
                    abs(number.start() - column) <= 2
                    for number in _WHOLE_NUMBER.finditer(row, max(0, column - 2), column + 10)
                ):
                    return True
    return False


# A whole number ending a cell (R32冷18   7,260.00): a PDF draws a narrow 数量 column's unit
# on the line below, in the same column (台).
_CELL_NUMBER = re.compile(r"(?<![\d.,，A-Za-z/-])\d{1,6}(?=[ \u3000]{2,}|$)")
_UNIT_CELL = re.compile(rf"(?:{_GOODS_UNITS})(?=[ \u3000]{{2,}}|$)")


def _unit_wrapped_below(lines: list[str]) -> bool:
    """Two rows of a table whose quantity cells a PDF wrapped: each number with its goods
    unit straight below it, alone in its cell."""
    wrapped = 0
    for line, below in itertools.pairwise(lines):
        for number in _CELL_NUMBER.finditer(line):
            at = number.start()
            if below[at - 1 : at].strip() or not _UNIT_CELL.match(below, at):
                continue
            wrapped += 1
            break
    return wrapped >= 2


# 账号不限数量 in a subscription for a stated period: the extent is stated (README, amendment 3).
# 不限账号⏎数量: a PDF may wrap the line inside the phrase.
# 米饭不限量 in a menu is how much a diner may eat, not the extent of the supply.
_UNLIMITED = re.compile(
    r"不限[^。；;，,]{0,6}?\s*数\s*量|数\s*量\s*不\s*限|(?<![饭食汤粥菜])(?:不限量|无限量)"
)


# The extent of a labour contract is its work period: 共三十七天, 为期五个月 (one worker).
_WORK_PERIOD = re.compile(
    r"(?:共|共计|合计|为期|(?:协议|合同|聘用|劳务)期(?:限)?为?)[ \t\u3000]*"
    r"(?:\d+|[一二两三四五六七八九十百]+)[ \t\u3000]*"
    r"(?:个)?(?:天|日|月|小时|工作日|周|学期)"
    # or as dates: 劳务期限：2025年10月15日至2026年4月15日
    r"|(?:协议|合同|聘用|劳务|用工)期(?:限|间)?[:：为]?[ \t\u3000]*\d{4}[ \t\u3000]*年"
    r"[^。；;\n]{0,16}(?:至|到|—|~|～)"
)


_CAPPED_TOTAL = re.compile(
    r"(?:费用|金额|总价|总额|采购额|合同价)[^。；;\n]{0,8}(?:暂定|预计|预估|估算)?(?:上限|最高限额|封顶)"
    # 预计采购总额, 预计本学年采购金额
    r"|(?:暂定|预计|预估|估算)[^。；;，,\n\d]{0,6}?(?:费用|金额|总价|总额|采购额)"
    r"|(?:费用|金额|总价|总额)[^。；;\n]{0,10}(?:不超过|不得超过|最高不超过)[^。；;\n]{0,4}(?:人民币|¥|￥|\d)"
)
_UNIT_PRICED = re.compile(r"单价|单位价格|价格表|收费标准|按实(?:际)?结算")
# A 劳务 agreement with one person is an employment contract whatever its type says.
_LABOUR_TITLE = re.compile(r"劳务|聘用|劳动合同")
_OF_PERSONS = re.compile(r"人数|人员|保安员|保洁员|教练员|教师数")


def _unit_of(count: re.Match[str]) -> str:
    """The unit a count is in, or "" for a frequency (每周检查一次)."""
    return (count.groupdict().get("unit") or "") if "unit" in count.re.groupindex else ""


def _employment(ctx: Context) -> bool:
    """An employment contract, or a 劳务 agreement with a person (a party named with an
    identity card number), whatever type the school gave it."""
    if ctx.contract_type == "employment":
        return True
    if not any(_LABOUR_TITLE.search(title) for title in structure.titles(ctx.text)):
        return False
    return any(
        "身份证" in ctx.text[party.end : party.end + 60]
        for party in structure.read(ctx.text).parties
    )


def find_quantity(ctx: Context) -> Finding:
    whole = before_signature(ctx)
    text = stated(whole)
    # 工程量详见附件1《工程量清单》 with the annex printed after the signatures: its table
    # counts (a Word table is read whole; a PDF's rows are lines of the annex).
    stop = structure.read(ctx.text).signature
    annexes = ctx.text[stop:] if stop is not None and attached(ctx.text) else ""
    if _table_quantities(ctx, text + "\n\n" + annexes) or _UNLIMITED.search(text):
        return Finding(True)
    counts = _counts(text, _spec_cells(ctx.text))
    vague = list(VAGUE_QUANTITY.finditer(whole))
    if not vague:
        if counts or (_employment(ctx) and _WORK_PERIOD.search(text)):
            return Finding(True)
        return Finding(False, searched=searched(ctx, headed(ctx, SUBJECT_HEADING, nearest=True)))
    # A framework left to the orders, priced per unit with a cap or estimate on the total
    # (年度维修费用暂定上限为¥300,000, 按综合单价表结算): its extent is stated (amendment 3).
    if _CAPPED_TOTAL.search(text) and _UNIT_PRICED.search(text):
        return Finding(True)
    # Vague somewhere: present only if the vague thing is counted elsewhere (若干节 beside
    # 共30节; 一批 beside 24台).
    for match in vague:
        unit = (match["unit"] or "")[:1]
        if unit:
            if any(c.group().find(unit) >= 0 for c in counts):
                return Finding(True)
        elif match["persons"] or _OF_PERSONS.search(
            whole, max(0, match.start() - 12), match.start() + 2
        ):
            # 人数以甲方需求为准: only a count of persons counts them
            if any(_unit_of(c) in ("人", "名", "位") for c in counts):
                return Finding(True)
        elif any(re.fullmatch(_GOODS_UNITS, _unit_of(c)) for c in counts):
            # 一批 beside 24台, not beside 每月组织一次 or 两个工作日
            return Finding(True)
    return Finding(False, vague[0].span())


# --- quality ---------------------------------------------------------------------------------

_QUALITY = re.compile(
    r"(?<![A-Za-z])(?:GB|JY|CJJ|JGJ|QB|FZ|HJ|DB\d*|ISO)\s*(?:/\s*T)?\s*\d(?!\d{6})"
    r"|《[^》]{2,40}(?:标准|规范|规程|技术条件|要求)(?:[（(][^）)》]{1,6}[）)])?》"
    r"|(?:质量|品质|服务|验收|技术|劳务|经营|保洁|安全|工作|教学|培训)(?:要求|标准|参数)"
    r"|理赔服务"
    r"|符合[^。；，,\n]{0,40}(?:标准|规范|要求|规定|条件)|达到[^。；，,\n]{0,30}(?:标准|要求|级)"
    r"|合格产品|全新|正品|原厂|满意率|合格率|(?:不低于|不少于)[^。；\n]{0,10}(?:%|％|℃|级|百分之)"
    r"|保证[^。；\n]{0,60}(?:结构安全|安全可用|完好|具备|能够满足|正常使用)"
    r"|满足[^。；，,\n]{0,30}要求"
    # the qualification of the staff a service provides: 本科以上学历, 三年以上…经验, 持证上岗
    r"|(?:本科|大专|专科|中专|研究生|硕士)(?:及)?以上学历"
    r"|(?:\d+|[一二两三四五六七八九十]+)年以上(?:[^。；;\n]{0,16}经验|教龄|驾龄)|持证上岗"
    r"|(?:初级|中级|高级|副高级?)(?:及)?以上(?:专业技术)?职称"
    r"|持有?(?:有效的?)?[^。；;\n，,]{0,6}(?:上岗证|资格证|保安员证|驾驶证|等级证书?)"
    # the stated condition of leased premises, land or vehicles
    r"|(?:场地|土地|房屋|铺面|农田|地块|车辆|设施|设备)?(?:现状|状况)(?:为|如下)?[:：]|车况良好|年检合格"
    # 门面交付时现状为地面铺地砖…: the condition as handed over
    r"|(?:交付|交接|移交)时(?:的)?(?:现状|状况)"
    r"|技术等级|完好无损|可正常使用|运行正常"
    # a measured parameter of premises or equipment: 场内照明不低于300勒克斯, 教室温度不低于16度
    r"|(?:不低于|不少于|不高于|不超过|≥|≤)\s*\d+(?:\.\d+)?\s*(?:勒克斯|lx|lux|分贝|dB|毫米|mm|Mbps|兆"
    r"|度(?![数量]))"
    # the state of land or premises, the materials and workmanship, in plain words:
    # 土地情况：地是平的…, 用料和要求：玻璃用5毫米厚的平板玻璃…
    r"|(?:地|土地|地块|场地|房屋|房子|门面|车辆)的?情况[:：]"
    r"|(?:用料|材料|做法|工艺)(?:和|及|与)?(?:要求|标准)[:：]"
    # the rounds a guard or cleaner must make: 晚上巡查校园不少于3次
    r"|(?:巡查|巡逻|巡视|清扫|保洁|消毒)[^。；;\n]{0,8}(?:不少于|至少)\s*(?:\d+|[一二两三四五六七八九十]+)\s*(?:次|遍)"
    # a licence the worker must hold: 乙方要有锅炉司炉操作证
    r"|(?:具有|具备|要有|须有|应有|必须有)[^。；;\n，,]{0,8}(?:操作证|上岗证|资格证|作业证|驾驶证)"
    # the work done to a plan someone approved, and judged on it: 按照甲方体育组审定的训练计划授课,
    # 测评结果作为评价乙方劳务质量的依据
    r"|按照?[^。；，,\n]{0,12}(?:审定|制定|批准|确定|提供)的[^。；，,\n]{0,8}(?:计划|方案|大纲|课程标准|教案)"
    # the venue as let, with what it is equipped with: 设固定座椅300座，配备音响、投影
    r"|(?:配备|配有|设有)[^。；;\n]{0,20}(?:座椅|音响|投影|空调|照明|桌椅|更衣室|淋浴)"
    r"|(?:评价|考核|衡量)[^。；\n]{0,10}(?:质量|服务)的?(?:依据|标准)"
    # the condition of the premises as handed over: 交付时墙面、地面、门窗完好
    # (a PDF may wrap the line between the thing and its state)
    r"|(?:墙面|地面|地胶|门窗|卷帘门|屋面|水电|设施|结构|房屋|场地|土地|地块|草场|围栏|灯具|设备"
    r"|地势|旱地|菜地|耕地|水田|菜园)"
    r"[^。；;]{0,12}?(?:完好|良好|齐全|检验合格|验收合格|平整|平坦|无开裂|无破损|无渗漏)|无漏雨|不漏雨"
    # land as it is let: 无青苗、无附着物, 草场无退化沙化
    r"|无(?:青苗|附着物|退化|沙化)"
    # meat as the law requires it: 定点屠宰场屠宰、检疫合格的鲜猪肉
    r"|检疫合格|检验检疫|定点屠宰"
    # land as it is let: 为平整旱地，地上无房屋、坟地及其他附着物
    r"|为平整的?(?:旱地|水田|耕地|土地|场地|地块|空地)|地上无[^。；;\n]{0,16}(?:附着物|建筑)"
)
_QUALITY = quick(_QUALITY)  # read over the whole text
# An acceptance criterion in plain words, a list of qualities: 画面清晰、音画同步、无丢帧为合格
# (not a condition: 数量无误、外包装完好的，即视为验收合格; a PDF may wrap the line inside
# the list). Found from its end, 为合格, which _QUALITY's quick first characters cannot start.
_PASSES_AS = re.compile(r"为(?:验收)?合格")
_QUALITIES_LISTED = re.compile(r"(?:[^。；;，,、]{2,12}、){2,}[^。；;，,、的]{2,12}?(?:即|则)?$")


def _qualities_listed(text: str) -> bool:
    return any(
        _QUALITIES_LISTED.search(text, max(0, end.start() - 80), end.start())
        for end in _PASSES_AS.finditer(text)
    )


# For insurance the quality of the performance is the cover and the claims service: limits
# of indemnity, deductibles and the times for settling claims (README, the quality row).
_COVER_TERMS = re.compile(
    r"理赔时效|(?:\d+|[一二三四五六七八九十]+)\s*(?:个工作日|工作日|日|天|小时)内[^。；;\n]{0,6}"
    r"(?:赔付|支付保险金|结案|核定|回复|赔款|给付)"
    r"|(?:收到|接到|接获|接)[^。；;\n]{0,16}(?:索赔|报案|报告)[^。；;\n]{0,16}?"
    r"(?:\d+|[一二三四五六七八九十]+)\s*(?:个工作日|工作日|日|天|小时)内"
)


# 质量要求：, a heading 第三条 质量要求: the element's name as a label states nothing.
# A label states what follows it: the lines up to the next heading-like line.
_LABEL = re.compile(r"[ \t\u3000]*(?:[:：]|\n|$)")
_HEADING_LINE = re.compile(r"^[^。；;，,：:]{1,24}$")
# A table's row (区域⇥频次⇥标准) is short and unpunctuated too, but it is no heading.
_TABLE_ROW = re.compile(r"\t|[ \u3000]{2,}|[|｜]")


# The numbering a line starts with, by kind: 三、, 第三条, （三）, 3. / 3、, 3.1.
_LINE_NUMBER = re.compile(
    r"^[ \t\u3000]*(?:(?P<cn>[一二三四五六七八九十]+、)"
    r"|(?P<article>第[一二三四五六七八九十百\d]+条)|(?P<paren>[（(][一二三四五六七八九十]+[）)])"
    r"|(?P<decimal>\d+\.\d+)|(?P<arabic>\d+[.、．]))",
    re.MULTILINE,
)


def _labelled(text: str, end: int) -> str:
    """What a label (质量要求：) states: the rest of its line and the lines after it, up to
    a heading-like line or the next clause numbered as the label's own (三、… then 四、…)."""
    line_start = text.rfind("\n", 0, end) + 1
    own = _LINE_NUMBER.match(text, line_start)
    kind = own.lastgroup if own and own.end() <= end else None
    line_end = text.find("\n", end)
    rest = text[end : line_end if line_end >= 0 else len(text)].lstrip(" \t\u3000:：")
    lines = [rest] if rest.strip() else []
    for line in text[line_end + 1 :].split("\n")[:8] if line_end >= 0 else []:
        if not line.strip():
            continue
        number = _LINE_NUMBER.match(line)
        if (_HEADING_LINE.match(line.strip()) and not _TABLE_ROW.search(line.strip())) or (
            kind and number and number.lastgroup == kind
        ):
            break
        lines.append(line)
    return "\n".join(lines)


# When the buyer checks, not what it checks: 甲方在十个工作日内组织验收 times the
# acceptance; it is no criterion of the quality accepted.
_PROCEDURE = re.compile(
    r"[^。；;，,\n]*(?:组织|进行|完成|办理|安排)[^。；;，,\n]{0,4}验收[^。；;，,\n]*"
    r"|[^。；;，,\n]*验收(?:合格)?后[^。；;，,\n]*(?:签署|签字|出具|办理)[^。；;，,\n]*"
    r"|[^。；;\n]*(?:验收申请|申请验收)[^。；;\n]*"
    # what follows a failed acceptance: 验收不合格的，乙方应在15日内整改
    r"|[^。；;\n]*不合格的?[，,][^。；;\n]*(?:整改|返工|重做|更换|重新)[^。；;\n]*"
    # an inspection with no criterion: 甲方进行日常检查，发现问题的，乙方应立即整改
    r"|[^。；;\n]*(?:检查|抽查|巡查)[^。；;\n]*(?:发现问题|不符合)[^。；;\n]*(?:整改|返工|更换)[^。；;\n]*"
    # a remedy for a problem found: 甲方发现餐食质量问题的，有权要求乙方当餐补送或退换
    r"|[^。；;\n]*发现[^。；;\n]*(?:问题|不合格|不符合)[^。；;\n]*(?:补送|退换|更换|调换|整改|返工|重做)[^。；;\n]*"
)


def _has_criterion(vague_words: str) -> bool:
    """Whether words that state the quality vaguely also give a criterion (每日清扫2次,
    GB/T …), leaving aside the vague words and the timing of the acceptance."""
    return (
        QUALITY_CRITERION.search(_PROCEDURE.sub("", VAGUE_QUALITY_WORDS.sub("", vague_words)))
        is not None
    )


def _states_quality(words: str) -> bool:
    """Words under a quality label or heading: a criterion when they state the quality
    only vaguely (以甲方满意为准), else any sentence of substance."""
    if VAGUE_QUALITY_WORDS.search(words):
        return _has_criterion(words)
    return han(words) >= 12 or QUALITY_CRITERION.search(words) is not None


# 施工质量达不到验收要求的，应返工: a remedy for falling short of a standard stated
# elsewhere (or nowhere), not the standard.
_FALLING_SHORT = re.compile(
    r"(?:达不到|未达到|没有达到|不符合|未符合|不满足|未满足|低于)[^，,。；;\n]*$|[不未]$"
)


def _falls_short(text: str, match: re.Match[str]) -> bool:
    segment_start, segment_end = segment_around(text, match.start(), match.end())
    return bool(
        _FALLING_SHORT.search(text, segment_start, match.start())
        and not QUALITY_CRITERION.search(text, segment_start, segment_end)
    )


def _clause_states_quality(words: str) -> bool:
    """The words of a clause headed with the element (二、技术要求与验收标准): a criterion, or
    a sentence of substance beside the vague ones and the steps of the acceptance."""
    if _states_quality(words):
        return True
    return any(
        han(sentence) >= 20
        and not VAGUE_QUALITY_WORDS.search(sentence)
        and "合格" not in sentence  # 合格产品, 产品合格证: "passing", by no stated test
        and not _PROCEDURE.search(sentence)
        for sentence in re.split(r"[。；;\n]", words)
    )


def find_quality(ctx: Context) -> Finding:
    whole = before_signature(ctx)
    text = stated(whole, attached(ctx.text))
    if ctx.contract_type == "insurance" and _COVER_TERMS.search(text):
        return Finding(True)
    if _qualities_listed(text):
        return Finding(True)
    for match in _QUALITY.finditer(text):
        if VAGUE_QUALITY.match(match.group()):
            continue
        if UNNAMED_STANDARD.search(match.group()) and not _has_criterion(match.group()):
            continue  # 符合国家有关……质量标准: which standard, it does not say
        if _falls_short(text, match):
            continue
        line_start = text.rfind("\n", 0, match.start()) + 1
        line_end = text.find("\n", match.end())
        line_end = len(text) if line_end < 0 else line_end
        if _HEADING_LINE.match(text[line_start:line_end].strip()):
            # 第二条 技术要求与验收: a heading, whose clause must state the quality
            if _clause_states_quality(_labelled(text, line_end)):
                return Finding(True)
            continue
        if not _LABEL.match(text, match.end()) or _states_quality(_labelled(text, match.end())):
            return Finding(True)
    candidates = headed(ctx, QUALITY_HEADING, NOT_QUALITY_HEADING)
    # A clause that states its quality only as 符合甲方要求 / 以甲方满意为准: the rest of it and
    # of its sub-clauses is no standard unless it gives a criterion.
    vague_units: list[Unit] = []  # a clause comes before its sub-clauses
    for unit in candidates:
        if VAGUE_QUALITY_WORDS.search(text, unit.start, unit.end):
            vague_units.append(unit)
        words = text[unit.start : unit.end]
        if any(v.start <= unit.start and unit.end <= v.end for v in vague_units):
            if _has_criterion(words):
                return Finding(True)
            continue
        if han(words) >= 12:
            return Finding(True)
    vague = VAGUE_QUALITY_WORDS.search(whole)
    if vague:
        return Finding(False, vague.span())
    return Finding(False, searched=searched(ctx, [u for u in candidates if body(ctx, u)]))
