"""The essential clauses of Civil Code art. 470, each found by its content in whatever words
and under whatever heading it is drafted; a clause fires when its content is absent.

Content only delegated to an attachment or to later negotiation (以附件为准, 另行协商) is
not in the text: such clauses are set aside before looking (see ``_stated``)."""

from __future__ import annotations

import re
from collections.abc import Callable

from advisor.precheck.base import N_, Context, Hit, Rule, hit_at, hit_nowhere, money_in
from advisor.precheck.rules.drafting import signature_block_start
from advisor.precheck.structure import PARTY

BASIS = "《中华人民共和国民法典》第四百七十条"

_CLAUSE = re.compile(r"[^。；;，,\n]+")
_DELEGATED = re.compile(r"附件|另行(?:协商|商定|约定)|另议|双方协商确定")


def _stated(text: str) -> str:
    """The text with every clause that delegates its content blanked out (offsets kept)."""
    return _CLAUSE.sub(
        lambda m: " " * len(m.group()) if _DELEGATED.search(m.group()) else m.group(), text
    )


def _han(text: str) -> int:
    return len(re.findall(r"[\u4e00-\u9fff]", text))


# --- parties ---------------------------------------------------------------------------------

_PARTY_LINE = re.compile(
    rf"^[ \t\u3000]*{PARTY}(?:[（(][^）)\n]{{0,12}}[）)])?[ \t\u3000]*[:：][ \t\u3000]*"
    r"(?P<name>[^\n]*)",
    re.MULTILINE,
)
_NAME_END = re.compile(r"[，,；;（(\t\u3000]|\s{2,}|地址|住所")
_ANONYMOUS = re.compile(r"匿名|不公开|不愿透露|爱心人士|某某|_|＿|×")
_ADDRESS = re.compile(
    r"(?:^|(?<=[\s\u3000，,；;（(|｜]))(?P<prefix>[^\s\u3000，,；;：:（(|｜]{0,4}?)"
    r"(?:地[ \u3000]?址|住[ \u3000]?所地?|住[ \u3000]?址)[ \t\u3000]*[:：]",
    re.MULTILINE,
)
_NOT_A_DOMICILE = re.compile(r"交货|送货|收货|服务|工程|项目|安装|施工|培训")


def check_parties(ctx: Context) -> list[Hit]:
    """Every party named, and a domicile or address for each."""
    text = ctx.text
    block = signature_block_start(text)
    header = text if block is None else text[:block]
    declared = list(_PARTY_LINE.finditer(header))
    for line in declared:
        name = _NAME_END.split(line["name"].strip(), maxsplit=1)[0]
        if _han(name) < 2 or _ANONYMOUS.search(line["name"]):
            return [hit_at(ctx, PARTIES, line.start("name"), line.end("name"))]
    addresses = [m for m in _ADDRESS.finditer(text) if not _NOT_A_DOMICILE.search(m["prefix"])]
    if len(declared) < 2 or len(addresses) < len(declared):
        return [hit_nowhere(PARTIES)]
    return []


# --- subject ---------------------------------------------------------------------------------

_GENERIC_TITLE = re.compile(
    r"政府|采购|买卖|购销|供货|订购|服务|合作|框架|补充|委托|合同书?|协议书?|货物类|工程类|服务类"
    r"|项目|爱心|捐赠|意向|[的与和及]|[（()）\s\u3000]"
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
    r"相关|有关|服务|事宜|合作|项目|货物|物品|产品|本合同|本协议|甲方|乙方|双方|提供|负责|按照|约定"
    r"|所需|如下|具体|[的和及等向为]"
)


def _title(text: str) -> str:
    lines = [line.strip() for line in text.strip().splitlines() if line.strip()]
    title = lines[0] if lines else ""
    if len(lines) > 1 and lines[1].startswith(("（", "(")):
        title += lines[1]
    return title


def _is_concrete(content: str) -> bool:
    return _han(_GENERIC_CONTENT.sub("", content)) >= 4


def check_subject(ctx: Context) -> list[Hit]:
    """What the contract is about: a specific title, or a subject clause with content."""
    if _han(_GENERIC_TITLE.sub("", _title(ctx.text))) >= 2:
        return []
    stated = _stated(ctx.text)
    for match in _SUBJECT_LABEL.finditer(stated):
        content = match["rest"] or ""
        if not content.strip():
            following = stated[match.end() :].lstrip()
            content = following.split("\n", 1)[0]
        if _is_concrete(content):
            return []
    return [hit_nowhere(SUBJECT)]


# --- quantity --------------------------------------------------------------------------------

_COUNT = re.compile(
    r"(?<![第\d.A-Za-z])(?P<number>\d[\d,，]*(?:\.\d+)?|[一二两三四五六七八九十百千万]+)"
    r"[ \t\u3000]*"
    r"(?:余|多)?(?P<unit>平方米|立方米|延长米|千克|公斤|课时|学时|㎡|m²|台|套|件|张|把|个|盏|辆|册"
    r"|本|支|箱|盒|面|只|条|块|组|副|双|顶|部|樘|座|间|栋|幢|亩|米|吨|斤|人|名|位|次|场|节|份|袋|桶"
    r"|项|片|批|处|眼)"
)
_COUNT_NOT_QUANTITY = {
    "个": re.compile(r"^(?:月|工作日|日|小时|季度|学期|星期|周|百分点|批次|自然日)"),
    "次": re.compile(r"^性"),
    "米": re.compile(r"^\s*/"),
    "节": re.compile(r"^(?:假|日)"),
    "支": re.compile(r"^付"),
}
_MINIMUM = re.compile(r"(?:不少于|不低于|不超过|不多于|至少|最多|以上)\s*$")
_COPIES = re.compile(r"一式|执|[甲乙双]方|各$")
_BREACH_CONTEXT = re.compile(r"违约|逾期|扣减|解除|赔偿|不合格|罚")
_TABLE_SPLIT = re.compile(r"\s*[|｜\t]\s*|[ \u3000]{2,}")


def _counts(text: str) -> bool:
    for match in _COUNT.finditer(text):
        unit, after = match["unit"], text[match.end() : match.end() + 4]
        not_quantity = _COUNT_NOT_QUANTITY.get(unit)
        if not_quantity and not_quantity.search(after):
            continue
        before = text[max(0, match.start() - 6) : match.start()]
        if _MINIMUM.search(before):
            continue
        clause_start = max(text.rfind(mark, 0, match.start()) for mark in "，,。；;\n")
        if "每" in text[clause_start + 1 : match.start()]:
            continue  # 每车配备驾驶人一名: a ratio, not the quantity
        if unit == "份" and _COPIES.search(before):
            continue
        line_start = text.rfind("\n", 0, match.start()) + 1
        line_end = text.find("\n", match.end())
        sentence = text[line_start : line_end if line_end >= 0 else len(text)]
        if _BREACH_CONTEXT.search(sentence):
            continue
        return True
    return False


def _table_quantities(text: str) -> bool:
    """A table whose header has a 数量 column and whose rows have figures in it."""
    lines = text.split("\n")
    for index, line in enumerate(lines):
        if "数量" not in line:
            continue
        header = _TABLE_SPLIT.split(line.strip(" |｜"))
        columns = [i for i, cell in enumerate(header) if "数量" in cell]
        if len(header) < 3 or not columns:
            continue
        for row in lines[index + 1 : index + 30]:
            if not row.strip():
                break
            cells = _TABLE_SPLIT.split(row.strip(" |｜"))
            if any(i < len(cells) and re.search(r"\d", cells[i]) for i in columns):
                return True
    return False


def check_quantity(ctx: Context) -> list[Hit]:
    stated = _stated(ctx.text)
    if _counts(stated) or _table_quantities(stated):
        return []
    return [hit_nowhere(QUANTITY)]


# --- quality ---------------------------------------------------------------------------------

_QUALITY = re.compile(
    r"\b(?:GB|JY|CJJ|JGJ|QB|FZ|HJ|DB\d*|ISO)\s*(?:/\s*T)?\s*\d"
    r"|《[^》]{2,40}(?:标准|规范|规程|技术条件|要求)》"
    r"|(?:质量|品质|服务|验收|技术|劳务|经营|保洁|安全)(?:要求|标准|参数)|服务质量|理赔服务"
    r"|符合[^。；\n]{0,40}(?:标准|规范|要求|规定|条件)|达到[^。；\n]{0,30}(?:标准|要求|级)"
    r"|合格产品|全新|正品|原厂|满意率|不低于[^。；\n]{0,10}(?:%|％|℃|级)"
    r"|保证[^。；\n]{0,60}(?:结构安全|安全可用|完好|具备|能够满足|正常使用)"
    r"|满足[^。；\n]{0,30}要求"
)


def check_quality(ctx: Context) -> list[Hit]:
    if _QUALITY.search(_stated(ctx.text)):
        return []
    return [hit_nowhere(QUALITY)]


# --- price -----------------------------------------------------------------------------------

_NOT_PRICE = re.compile(
    r"押金|保证金|定金|违约金|赔偿|罚款|保险金额|保额|限额|免赔|医疗费|赔付|注册资本|损失"
)


def check_price(ctx: Context) -> list[Hit]:
    """A price, a unit price, a fee, or for a gift the value of what is given."""
    stated = _stated(ctx.text)
    for money in money_in(stated):
        clause = _CLAUSE.search(
            stated, max(stated.rfind(m, 0, money.start) for m in "，,。；;\n") + 1
        )
        if clause is None or not _NOT_PRICE.search(clause.group()):
            return []
    return [hit_nowhere(PRICE)]


# --- performance -----------------------------------------------------------------------------

# Sentences about something else than the characteristic performance.
_OTHER_DUTY = re.compile(
    r"付款|支付|付清|货款|发票|结算|保修|质保|违约|逾期|赔偿|生效|备案|退还|公示|告知|测评报告"
)
_PERFORMANCE = re.compile(
    r"交货|交付|供货|送货|送达|送至|运抵|配送|安装|完成|竣工|开工|工期|服务期|服务时间|期限|期间"
    r"|租赁期|租期|承包期|保险期|活动时间|训练时间|接送|发车|驻场|移交|到场|出发|集合|上门|作业"
    r"|日期|时间|服务|进行"
)
_DATE = r"\d{4}\s*年\s*\d{1,2}\s*月(?:\s*\d{1,2}\s*日)?"
_TIME = re.compile(
    rf"{_DATE}|\d+\s*(?:个)?(?:日|天|小时|工作日|日历天)内"
    r"|\d{1,2}[:：]\d{2}|每(?:周|月|日|天|学期|个工作日)|上学日|尽快|另行通知|视[^。；]{0,10}而定"
)
_PERIOD = re.compile(rf"{_DATE}[^。；\n]{{0,20}}(?:至|到|—|-)\s*\d{{4}}\s*年")
_PLACE = re.compile(
    r"地点|送至|送到|送达|运抵|运至|位于|校内|现场|上门|驻场|移交|方式|在甲方|到甲方|至甲方"
    r"|甲方指定|交付[甲乙]方|向[甲乙]方(?:交付|移交)|理赔|给付保险金|负责赔偿|线路"
    r"|派驻|进场|驻校|负责|提供"
)


def _performance_sentences(text: str) -> list[str]:
    return [s for s in re.split(r"[。；;\n]", text) if not _OTHER_DUTY.search(s)]


def check_performance(ctx: Context) -> list[Hit]:
    """The time or period of the characteristic performance, and its place or manner."""
    chosen = _performance_sentences(ctx.text)
    timed = any(_PERIOD.search(s) or (_PERFORMANCE.search(s) and _TIME.search(s)) for s in chosen)
    placed = any(_PLACE.search(s) for s in chosen)
    if timed and placed:
        return []
    return [hit_nowhere(PERFORMANCE)]


# --- breach and disputes ---------------------------------------------------------------------

_LIABILITY = re.compile(
    r"违约金|违约责任|赔偿|双倍返还|无权(?:要求|请求)返还定金|定金罚则|有权解除|扣减|扣除|罚款"
    r"|(?:不符合|不合格|质量问题|损坏)[^。；]{0,30}(?:更换|调换|退换|退货|重作|返工|返修|修复|修理|重印|重洗)"
)
_DISPUTE = re.compile(r"仲裁|诉讼(?!费)|起诉|法院|管辖|争议[^。；]{0,20}(?:协商|调解)")


def check_breach_liability(ctx: Context) -> list[Hit]:
    if _LIABILITY.search(ctx.text):
        return []
    return [hit_nowhere(BREACH_LIABILITY)]


def check_dispute_resolution(ctx: Context) -> list[Hit]:
    if _DISPUTE.search(ctx.text):
        return []
    return [hit_nowhere(DISPUTE_RESOLUTION)]


def _clause_rule(
    item: str,
    message: str,
    suggestion: str,
    check: Callable[[Context], list[Hit]],
    dimension: str = "clarity",
) -> Rule:
    return Rule(
        id=f"missing_clause:{item}",
        severity="medium",
        dimension=dimension,
        message=message,
        suggestion=suggestion,
        basis=BASIS,
        check=check,
    )


PARTIES = _clause_rule(
    "parties",
    N_("The parties are not all identified by name and domicile."),
    N_("Give each party's full name and its domicile or address."),
    check_parties,
)
SUBJECT = _clause_rule(
    "subject",
    N_("The contract does not say what it is about (its subject matter)."),
    N_("Describe the goods, works, service or property the contract is about."),
    check_subject,
)
QUANTITY = _clause_rule(
    "quantity",
    N_("The contract states no quantity."),
    N_("State the quantity with its unit, or an estimate or cap with unit prices."),
    check_quantity,
)
QUALITY = _clause_rule(
    "quality",
    N_("The contract states no quality standard or requirement."),
    N_("Name the applicable standard or state the technical or service requirements."),
    check_quality,
)
PRICE = _clause_rule(
    "price",
    N_("The contract states no price or remuneration."),
    N_("State the price, the unit prices or the fee, and how it is paid."),
    check_price,
)
PERFORMANCE = _clause_rule(
    "performance",
    N_("The contract does not state the time, place and manner of performance."),
    N_("State when, where and how the goods are delivered or the service is performed."),
    check_performance,
    "operability",
)
BREACH_LIABILITY = _clause_rule(
    "breach_liability",
    N_("The contract states no liability for breach."),
    N_("Add the consequences of breach: liquidated damages, damages, termination."),
    check_breach_liability,
    "operability",
)
DISPUTE_RESOLUTION = _clause_rule(
    "dispute_resolution",
    N_("The contract does not say how disputes are resolved."),
    N_("Agree on a named people's court, or on a named arbitration commission."),
    check_dispute_resolution,
    "operability",
)
