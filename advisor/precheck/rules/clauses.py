"""The essential clauses of Civil Code art. 470, each found by its content in whatever words
and under whatever heading it is drafted; a clause fires when its content is absent.

Content only delegated to an attachment or to later negotiation (以附件为准, 另行协商) is
not in the text: such clauses are set aside before looking (see ``_stated``)."""

from __future__ import annotations

import re
from collections.abc import Callable

from advisor.precheck import structure
from advisor.precheck.base import (
    N_,
    Context,
    Hit,
    Rule,
    hit_at,
    hit_nowhere,
    money_in,
    segment_around,
)
from advisor.precheck.rules.drafting import check_vague_performance_time
from advisor.precheck.rules.elements import (
    PLACE_HEADING,
    TIME_HEADING,
    Finding,
    before_signature,
    headed,
    searched,
    stated,
)
from advisor.precheck.rules.essentials import find_quality, find_quantity, find_subject
from advisor.precheck.rules.parties import find_missing_party

BASIS = "《中华人民共和国民法典》第四百七十条"

_CLAUSE = re.compile(r"[^。；;，,\n]+")
_DELEGATED = re.compile(r"附件|另行(?:协商|商定|约定)|另议|双方协商确定")


def _stated(text: str) -> str:
    """The text with every clause that delegates its content blanked out (offsets kept)."""
    return _CLAUSE.sub(
        lambda m: " " * len(m.group()) if _DELEGATED.search(m.group()) else m.group(), text
    )


# --- parties (see ``parties``) --------------------------------------------------------------


def check_parties(ctx: Context) -> list[Hit]:
    """Every party named, and a domicile or address for each."""
    missing = find_missing_party(ctx)
    if missing is None:
        return []
    if missing.span is not None:
        return [hit_at(ctx, PARTIES, *missing.span)]
    return [hit_nowhere(PARTIES)]


# --- subject, quantity, quality (see ``essentials``) ---------------------------------------------


def _hits(ctx: Context, rule: Rule, found: Finding) -> list[Hit]:
    """No hit for a present element; for a vague one, a hit on its vague words; for a
    missing one, a hit naming the clauses searched."""
    if found.present:
        return []
    if found.vague is not None:
        start, end = found.vague
        return [hit_at(ctx, rule, start, end, variant="vague", decided_by=ctx.text[start:end])]
    return [hit_nowhere(rule, searched=found.searched)]


def check_subject(ctx: Context) -> list[Hit]:
    return _hits(ctx, SUBJECT, find_subject(ctx))


def check_quantity(ctx: Context) -> list[Hit]:
    return _hits(ctx, QUANTITY, find_quantity(ctx))


def check_quality(ctx: Context) -> list[Hit]:
    return _hits(ctx, QUALITY, find_quality(ctx))


# --- price -----------------------------------------------------------------------------------

_NOT_PRICE = re.compile(
    r"押金|保证金|定金|违约金|赔偿|罚款|保险金额|保额|限额|免赔|医疗费|赔付|注册资本|损失"
)


# A price table: 单价（元） over bare figures states the unit prices (a framework's price list).
_PRICE_COLUMN = re.compile(r"单价|价格|报价|金额|总价|合价|小计|费用|租金|收费")
_FIGURE = re.compile(r"^\s*[¥￥]?\s*\d[\d,]*(?:\.\d+)?\s*(?:元|万元)?\s*$")


def _price_table(ctx: Context) -> bool:
    for table in structure.read(ctx.text).tables:
        for cell in table.rows[0]:
            if (
                _PRICE_COLUMN.search(cell)
                and not _NOT_PRICE.search(cell)
                and any(_priced(cell, value) for value in table.column(cell))
            ):
                return True
    return False


_NARROW_GAP = re.compile(r"[ \u3000]{2,}")


def _priced(header: str, value: str) -> bool:
    """A figure under the price header; where a PDF left only a narrow gap between two
    columns (单位  单价（元） over 千克  1.60), the figure in the price's part of the cell."""
    if _FIGURE.match(value):
        return True
    heads, values = _NARROW_GAP.split(header.strip()), _NARROW_GAP.split(value.strip())
    return len(heads) == len(values) > 1 and any(
        _PRICE_COLUMN.search(head) and _FIGURE.match(part)
        for head, part in zip(heads, values, strict=True)
    )


def check_price(ctx: Context) -> list[Hit]:
    """A price, a unit price, a fee, or for a gift the value of what is given."""
    if _price_table(ctx):
        return []
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
# A duty to tell (告知家长, 具体日期由甲方提前告知乙方, 每批数量由甲方提前三天书面通知, 变更后3日内
# 书面通知对方): the part of the sentence that says it.
_TOLD = re.compile(r"告知|书面通知|通知对方")
_OTHER_DUTY = re.compile(
    r"付款|支付|付清|货款|发票|结算|保修|质保|违约|逾期|赔偿|生效|备案|退还|公示|测评报告"
    r"|保证金|缴纳"
    # the times of other events: signing, a book's publication, a notice of a change, a
    # replacement or a deduction as a remedy (签订时间：…, 出版时间在2023年以后, 变更后3日内
    # 书面通知对方, 应在3日内撤换, 每缺1人每日扣减)
    r"|签(?:订|署)(?:时间|日期)|出版|出厂|生产日期|变更后|撤换|扣减"
    # the pay for the work (劳务报酬为每月…，学校放假期间不提供劳务的月份不计发)
    r"|报酬|酬金|工资|薪酬|薪金"
)
_PERFORMANCE = re.compile(
    r"交货|交付|供货|送货|送达|送至|送到|运到|运抵|到达|配送|安装|完成|竣工|开工|工期|服务期|服务时间|期限|期间"
    r"|租赁期|租期|承包期|保险期|活动时间|训练时间|接送|发车|驻场|移交|到场|出发|集合|上门|作业"
    r"|日期|时间|服务|进行|授课|上课|开课|课程|培训|教学|用工|聘用|工作期"
    r"|运至|运往|运送|发货|发运|送交|交至|交到|完工|施工|举办|汇入|拨付|划拨|捐付"
)
# Periods in figures or Chinese numerals (二十日内 like 20日内, README amendment 6).
_DATE = r"\d{4}\s*年\s*\d{1,2}\s*月(?:\s*\d{1,2}\s*日)?"
_TIME = re.compile(
    rf"{_DATE}|(?:\d+|[一二两三四五六七八九十百]+)\s*(?:个)?(?:日|天|小时|工作日|日历天)内"
    # 每日 is a schedule; 每日施工结束后清理现场 is what follows each day's work.
    r"|(?:每年)?\d{1,2}\s*月\s*\d{1,2}\s*日(?:前|之前|以前|起|至)"
    r"|\d{1,2}[:：]\d{2}|每(?:周|月|日|天|学期|个工作日)(?![^，,。；;]{0,6}(?:结束|完成|收工)后)"
    r"|上学日|尽快|另行通知|视[^。；]{0,16}而定"
)
# A from–to range; the second date may leave out the year (2026年8月17日至8月28日).
_PERIOD = re.compile(
    rf"{_DATE}[^。；\n]{{0,20}}(?:至|到|—|-|~|～)\s*(?:\d{{4}}\s*年|\d{{1,2}}\s*月\s*\d{{1,2}}\s*日)"
)
# What a clause headed with a time (培训时间和地点, 服务期限) says when it states one.
_ANY_TIME = re.compile(
    rf"{_DATE}|\d{{1,2}}\s*月\s*\d{{1,2}}\s*日|\d{{1,2}}[:：]\d{{2}}"
    r"|(?:\d+|[一二两三四五六七八九十]+)\s*(?:个月|年|天|日|周|学期|学年|课时|小时|个工作日|日历天)"
    r"|每(?:周|月|日|天|学期)"
    # a vague time is a time stated (vague_performance_time judges it): 竣工日期：视天气而定
    r"|尽快|另行通知|视[^。；\n]{0,16}而定"
)
# For insurance the characteristic performance is the cover: its period must be stated.
_COVER = re.compile(r"保险期间|保险期限|保险责任期间|承保期间|保障期间")
_PLACE = re.compile(
    r"地点|送至|送到|送达|运抵|运至|位于|校内|现场|上门|驻场|移交|方式|在甲方|到甲方|至甲方"
    r"|甲方指定|交付[甲乙]方|向[甲乙]方(?:交付|移交)|理赔|给付保险金|负责赔偿|线路"
    r"|派驻|进场|驻校|负责|提供|接送|运送"
    # the school's own buildings where the work is done: 北排平房教室6间的屋面, 给教学楼供暖
    r"|交给[甲乙]方|教室|宿舍|食堂|操场|屋面|校舍|教学楼|院内|院里|门卫室|锅炉房"
    r"|厨房|屋顶|教学点|围墙|厕所|办公室|礼堂|图书室|实验室|机房"
    # the premises let: 场地：某体育公园3号足球场, 坐落于…
    r"|场地[:：]|坐落|座落"
)


# Times that are not the time of the performance: a ratio (师生比1:15) and a deadline
# counted from an event during it (发现病虫害后3日内, 接到报修后2小时内) — a response or
# repair standard, not when the goods are delivered or the service is rendered.
_RATIO_BEFORE = re.compile(r"比[^，,。；;\d]{0,6}$|比例")
_RESPONSE_BEFORE = re.compile(
    r"(?:发现|接到|收到|报修|出现|发生|故障|投诉|通知|提出|反映)[^，,。；;]{0,14}后\s*$"
)


def _times_performance(sentence: str) -> bool:
    if not _PERFORMANCE.search(sentence):
        return False
    for time in _TIME.finditer(sentence):
        segment = re.split(r"[，,]", sentence[: time.start()])[-1]
        clock = ":" in time.group() or "：" in time.group()
        if clock and _RATIO_BEFORE.search(sentence[max(0, time.start() - 8) : time.start()]):
            continue
        # 收到尺码表后尽快组织生产: a vague time is the performance's own time, however it
        # is counted (vague_performance_time judges it).
        # (乙方在接到通知后3个工作日内送达: goods ordered by notice, delivered by a deadline)
        after = re.split(r"[，,]", sentence[time.end() :])[0]
        if _FORBIDDEN.search(segment + time.group() + after):
            continue  # 22:00至次日6:00不得进行噪声作业: when the work may not be done
        if (
            _RESPONSE_BEFORE.search(segment)
            and not _VAGUE_TIME.match(time.group())
            and not _DELIVERED.search(after)
        ):
            continue
        return True
    return False


_VAGUE_TIME = re.compile(r"尽快|另行通知|视")
_FORBIDDEN = re.compile(r"不得|禁止|严禁|不准")
_DELIVERED = re.compile(r"送达|送货|交货|供货|配送|送至|运至|送到|到货|交付")


# A gift of money is performed by paying it: 甲方于每年9月30日前将捐赠款项汇入乙方账户.
_GIFT_PAID = re.compile(r"捐赠|捐助|资助|助学金|奖学金")


# A line a PDF wrapped in mid-sentence: long, and not ended by punctuation
# (…乙方在接到通知后3个工作⏎日内送达。).
_WRAPPED_LINE = re.compile(r"(?<=[^\n]{34}[^。；;：:！？!?）)\s])\n(?=[^\n\s])")


def _performance_sentences(text: str, contract_type: str = "") -> list[str]:
    """The sentences about the performance: those about another duty are left out, and the
    part of a sentence that only says how a date is told (每学期清洗2次，分别在期中考试后一周
    进行，具体日期由甲方提前5天告知乙方 still times the washing)."""
    sentences = []
    for sentence in re.split(r"[。；;\n]", _WRAPPED_LINE.sub("", text)):
        sentence = "，".join(p for p in re.split(r"[，,]", sentence) if not _TOLD.search(p))
        if not _OTHER_DUTY.search(sentence) or (
            contract_type == "donation" and _GIFT_PAID.search(sentence)
        ):
            sentences.append(sentence)
    return sentences


def _timed_by_heading(ctx: Context, text: str) -> bool:
    return any(_ANY_TIME.search(text, unit.start, unit.end) for unit in headed(ctx, TIME_HEADING))


_TIME_COLUMN = re.compile(r"日期|时间|时段|期限|工期")


def _timed_by_table(ctx: Context) -> bool:
    """A schedule as a table: a date or time column holding dates (批次 | 用餐日期 | 班级),
    not a payment's (付款时间)."""
    for table in structure.read(ctx.text).tables:
        for cell in table.rows[0]:
            if (
                _TIME_COLUMN.search(cell)
                and not _OTHER_DUTY.search(cell)
                and any(_ANY_TIME.search(value) for value in table.column(cell))
            ):
                return True
    return False


def _covered(ctx: Context, text: str) -> bool:
    """An insurance contract states its period of cover: a date range, or a period beside
    保险期间 (not one left to the policy)."""
    if _PERIOD.search(text):
        return True
    for match in _COVER.finditer(text):
        sentence = re.split(r"[。；;\n]", text[match.start() : match.start() + 80])[0]
        if _ANY_TIME.search(sentence):
            return True
    return _timed_by_heading(ctx, text) and any(
        _COVER.search(u.headings) for u in headed(ctx, TIME_HEADING)
    )


def check_performance(ctx: Context) -> list[Hit]:
    """The time or period of the characteristic performance, and its place or manner."""
    # An annex named beside a stated date (将附件所列货物于9月5日前送至…) leaves the date stated.
    text = before_signature(ctx)
    chosen = _performance_sentences(text, ctx.contract_type)
    if ctx.contract_type == "insurance":
        timed = _covered(ctx, stated(text))
    else:
        timed = (
            _timed_by_heading(ctx, text)
            or _timed_by_table(ctx)
            or any(_PERIOD.search(s) or _times_performance(s) for s in chosen)
        )
    if not timed:
        # 接到订货通知后应及时送货: a vague time is a time stated (vague_performance_time
        # judges it).
        timed = bool(check_vague_performance_time(ctx))
    placed = any(_PLACE.search(s) for s in chosen) or bool(headed(ctx, PLACE_HEADING))
    if timed and placed:
        return []
    candidates = headed(ctx, TIME_HEADING) + headed(ctx, PLACE_HEADING)
    return [hit_nowhere(PERFORMANCE, searched=searched(ctx, candidates))]


# --- breach and disputes ---------------------------------------------------------------------

_LIABILITY = re.compile(
    r"违约金|赔偿|双倍返还|无权(?:要求|请求)返还定金|定金罚则|有权解除|扣减|扣除|罚款"
    r"|(?:不符合|不合格|质量问题|损坏)[^。；]{0,30}(?:更换|调换|退换|退货|重作|返工|返修|修复|修理|重印|重洗)"
    # 无故不出车的，每次扣车费200元; 超员或酒后驾车的，甲方可以马上解除本协议
    r"|(?<![回折])扣[^。；，,\n]{0,4}(?:费|款|元)"
    r"|的[，,][^。；\n]{0,12}(?:可以|可|有权|得)(?:立即|马上|随时|单方|书面通知)?解除"
    # 乙方拖欠租金超过三个月的，甲方可以收回土地
    r"|的[，,][^。；\n]{0,12}(?:可以|可|有权)(?:立即|马上|随时|提前)?收回"
    r"(?:土地|房屋|场地|门面|铺面|店面|租赁物|菜地|场所)"
    # 违反的，乙方可以要回没发的棉衣; 有破的、开线的，乙方在5天内调换
    r"|违反[^。；，,\n]{0,8}[，,][^。；\n]{0,12}(?:可以|可|有权)(?:要回|收回|追回)"
    r"|(?:破损?|损坏|开线|尺码不对|不符)的?[^。；\n]{0,16}(?:调换|更换|退换|重做)"
)
# Under a 违约责任 heading, any remedy for the breach the clause names is a liability:
# 返还被挪用的款项, 停止后续捐赠, 予以更换, 取消资格.
_REMEDY = re.compile(
    r"返还|退还|退回|更换|调换|重作|返工|修复|停止|取消|终止|撤销|追回|收回"
    r"|承担[^。；\n]{0,8}(?:责任|费用|损失)"
)
# 管辖 of a court, not the law that governs the contract (受中华人民共和国法律管辖).
_DISPUTE = re.compile(r"仲裁|诉讼(?!费)|起诉|法院|(?<!法律)管辖|争议[^。；]{0,20}(?:协商|调解)")


# An ending no breach brings about: by agreement, or when the term is over.
_NO_BREACH = re.compile(r"协商一致|双方同意|双方商定|经双方协商|届满|期满|到期")
# Something left undone in a condition: 到期未交付的, 期满不搬离的 (不可抗力 is no fault).
_NOT_DONE = re.compile(r"未(?!经)|不(?!可抗力)")


# Damages are a liability for breach when a breach or a fault gives rise to them; an
# insurer's 赔偿 within its cover (保险人…负责赔偿, 在责任限额内赔偿) is the performance itself.
_FAULT = re.compile(
    r"违约|违反|逾期|迟延|延迟|未按|未能|未在|未及时|不及时|不按|因此|不履行|擅自|无故|损坏|毁损|过错|过失|原因|造成|导致"
    # 甲方中途收回土地的，…赔偿乙方修建围栏的费用
    r"|中途|提前收回|拖欠"
    r"|不符合|不合格|质量问题|丢失|遗失"
)


# (a PDF may wrap the line inside 保险人 or between it and 赔偿)
_COVER_PAID = re.compile(r"保险\n?人[^。；;]{0,12}赔偿|责任限额|赔偿限额|保险责任|保险金额")
# An insurance contract's cover: the liability of the insured it pays for (保险人…负责赔偿
# …依法应由投保人承担的经济赔偿责任), not a liability of the parties for breach.
_INSURED_LIABILITY = re.compile(
    r"依法应由[^。；;\n]{0,8}承担的[^。；;\n]{0,6}赔偿责任|保险期间内|保险事故"
)
_DAMAGES = re.compile(r"赔偿[^。；;，,\n]{0,12}(?:因此|由此)[^。；;，,\n]{0,8}损失")


def _line_start(text: str, at: int) -> int:
    """Where the line holding ``at`` begins, going back over the line breaks a PDF made in
    mid-sentence (see _WRAPPED_LINE)."""
    start = text.rfind("\n", 0, at) + 1
    while start > 0 and _WRAPPED_LINE.match(text, start - 1):
        previous = text.rfind("\n", 0, start - 1) + 1
        if _TABLE_GAP.search(text, previous, start - 1):
            break  # a table's row, not prose wrapped
        start = previous
    return start


_TABLE_GAP = re.compile(r"[ \u3000]{3,}|\t")


def check_breach_liability(ctx: Context) -> list[Hit]:
    text = before_signature(ctx)
    for unit in headed(ctx, re.compile("违约")):
        if _LIABILITY.search(text, unit.start, unit.end) or _REMEDY.search(
            text, unit.start, unit.end
        ):
            return []  # 违约责任: 保险人未按时赔付的，应当赔偿…; 乙方挪用的，应返还…
    for match in _LIABILITY.finditer(text):
        if match.group() != "赔偿":
            sentence = max(text.rfind(mark, 0, match.start()) for mark in "。；;\n") + 1
            condition = text[sentence : match.start()]
            at_fault = _FAULT.search(condition) or _NOT_DONE.search(condition)
            if not at_fault and ("收回" in match.group() or _NO_BREACH.search(condition)):
                # 双方协商一致的，可以解除本合同, 因政策调整的，甲方可以提前收回场地: no one
                # is in breach (乙方到期未交付的，…支付违约金 still is)
                continue
            return []
        # the sentence, over the lines a PDF wrapped it on (…因乙方投药不当造成幼儿或教⏎
        # 职工…受伤的，乙方承担全部赔偿责任)
        start = max(text.rfind(mark, 0, match.start()) for mark in "。；;") + 1
        start = max(start, _line_start(text, match.start()))
        end = min(
            (i for i in (text.find(m, match.end()) for m in "。；;\n") if i >= 0), default=len(text)
        )
        if not _FAULT.search(text, start, match.start()):
            continue
        # 保险人未按期履行赔偿义务的，……应当赔偿被保险人因此受到的损失: damages for a loss
        # the delay caused are liability, even in a sentence about the cover.
        segment = text[slice(*segment_around(text, match.start(), match.end()))]
        cover = _COVER_PAID.search(text, start, end) or (
            ctx.contract_type == "insurance" and _INSURED_LIABILITY.search(text, start, end)
        )
        if _DAMAGES.search(segment) or not cover:
            return []
    candidates = [u for u in headed(ctx, re.compile("违约|责任"))]
    return [hit_nowhere(BREACH_LIABILITY, searched=searched(ctx, candidates))]


def check_dispute_resolution(ctx: Context) -> list[Hit]:
    if _DISPUTE.search(ctx.text):
        return []
    candidates = headed(ctx, re.compile("争议|纠纷|管辖|其他|附则"))
    return [hit_nowhere(DISPUTE_RESOLUTION, searched=searched(ctx, candidates))]


def _clause_rule(
    item: str,
    message: str,
    suggestion: str,
    check: Callable[[Context], list[Hit]],
    dimension: str = "clarity",
    vague: str = "",
) -> Rule:
    return Rule(
        id=f"missing_clause:{item}",
        severity="medium",
        dimension=dimension,
        message=message,
        suggestion=suggestion,
        basis=BASIS,
        check=check,
        variants={"vague": vague} if vague else {},
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
    vague=N_(
        "The subject matter is named only vaguely: it cannot be told what the contract is about."
    ),
)
QUANTITY = _clause_rule(
    "quantity",
    N_("The contract states no quantity."),
    N_("State the quantity with its unit, or an estimate or cap with unit prices."),
    check_quantity,
    vague=N_("The quantity is stated only vaguely, with no number, estimate or cap."),
)
QUALITY = _clause_rule(
    "quality",
    N_("The contract states no quality standard or requirement."),
    N_("Name the applicable standard or state the technical or service requirements."),
    check_quality,
    vague=N_(
        "The quality is stated only vaguely, with no standard, parameter or acceptance criterion."
    ),
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
