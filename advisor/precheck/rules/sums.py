"""Sums agreed as a share of the price: liquidated damages over 30 %, a deposit (定金) over
20 %, a performance bond (履约保证金) over 10 %."""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from advisor.precheck.base import (
    N_,
    Context,
    Hit,
    Rule,
    contract_amount,
    has_rate,
    money_in,
    percents_in,
    prose,
    segments,
    sentences,
)

# A periodic rate: its total is only known from a stated cap.
# A periodic or per-unit rate (每逾期一日, 每发现一次, 每份, 每人次): its total is only known
# from a stated cap.
_PERIODIC = re.compile(
    r"每[^，,。；;]{0,6}?(?:日|天|周|月|次|起|例|件|批|项|人|辆|台|套|份|箱|餐)|每逾期|按日"
)


# Another sum named after ours ends the stretch of the sentence that describes ours, unless
# it is only the base of ours (合同价款的15%, 月租金的5%).
_OTHER_SUMS = re.compile(
    r"违约金|定金|押金|保证金|预付款|租金|服务费|价款|货款|利息|赔偿(?!金额的)"
)
_BASE_AFTER = re.compile(r"\s*(?:总额|总价)?的")
# The sums the three rules are about, as words: not inside a longer word (定金 in 约定金额,
# 规定金额), and not a bond of another kind (质量保证金, 投标保证金).
_PENALTY = re.compile(r"违约金")
_DEPOSIT = re.compile(r"(?<![约规确核固限特设商议指决拟暂选判审鉴认既额])定金(?!额)")
_BOND = re.compile(r"履约保证金|履约担保金")
# A cap on a periodic rate: 违约金总额以合同总价的50%为限, 累计不超过10%.
_CAP = re.compile(r"为限|上限|最高|不超过|不得超过|累计|总额|封顶")


# A sum named only as the condition of something else (提交履约保证金后支付30%作为预付款,
# 收到定金之后): the figures that follow are not that sum's.
_CONDITION = re.compile(r"(?:到账|到位|缴纳|交纳|提交|收到)?(?:之后|以后|后|之前|以前|前)")


# A sum mentioned as already paid or set off (支付至合同总价的95%（含已付定金）, 扣除已付定金
# 后): the percentage is another payment's, the sum itself was stated elsewhere.
_PAID_BEFORE = re.compile(r"(?:含|包括|扣除|扣减|抵扣|冲抵|已付|已支付的?|已交的?|已收的?)$")


def _names(text: str, keyword: re.Pattern[str], start: int, end: int) -> bool:
    """Whether the stretch names the sum itself, not only as a condition of another step
    or as a payment already made, or as the base of another share (没收履约保证金的50%)."""
    return any(
        not _CONDITION.match(text, match.end())
        and not _PAID_BEFORE.search(text, max(start, match.start() - 6), match.start())
        and not _BASE_AFTER.match(text, match.end())
        for match in keyword.finditer(text, start, end)
    )


@dataclass(frozen=True, slots=True)
class Share:
    start: int
    end: int
    stated: str
    percent: Decimal
    decided_by: str = ""


def _names_other_sum(text: str, keyword: re.Pattern[str], start: int, end: int) -> bool:
    if _names(text, keyword, start, end):
        return False
    for match in _OTHER_SUMS.finditer(text, start, end):
        if not _BASE_AFTER.match(text, match.end()):
            return True
    return False


_CELL_END = re.compile(r"\t|[|｜]|[ \u3000]{3,}")


def _own_cell(text: str, keyword: re.Pattern[str], start: int, end: int) -> tuple[int, int] | None:
    """In a table row, the cell that names the sum when it says more than the sum's name
    (合同签订并收到履约保证金后 | 30% in a payment schedule): the figures in the other cells
    belong to their columns. A cell holding only the name (履约保证金 | 15%) is a row label."""
    match = keyword.search(text, start, end)
    if match is None or not _CELL_END.search(text, start, end):
        return None
    cell_start = max(
        (m.end() for m in _CELL_END.finditer(text, start, match.start())), default=start
    )
    after = _CELL_END.search(text, match.end(), end)
    cell_end = after.start() if after else end
    rest = text[cell_start : match.start()] + text[match.end() : cell_end]
    if len(re.findall(r"[\u4e00-\u9fff]", rest)) <= 4:
        return None
    return cell_start, cell_end


def _stretch(text: str, keyword: re.Pattern[str], start: int, end: int) -> list[tuple[int, int]]:
    """The segments of a sentence that describe the sum named by ``keyword``: from the
    segment naming it up to the next segment naming another sum."""
    parts = segments(text, start, end)
    first = next((i for i, (s, e) in enumerate(parts) if _names(text, keyword, s, e)), None)
    if first is None:
        return []
    cell = _own_cell(text, keyword, *parts[first])
    if cell:
        return [cell]
    stretch = [parts[first]]
    for seg_start, seg_end in parts[first + 1 :]:
        if _names_other_sum(text, keyword, seg_start, seg_end):
            break
        stretch.append((seg_start, seg_end))
    return stretch


def _figure(value: Decimal) -> str:
    return f"{value.normalize():f}"


def shares(ctx: Context, keyword: re.Pattern[str], name: str, *, capped_rates: bool) -> list[Share]:
    """Each sum named by ``keyword`` as a percentage of its base, with the numbers that
    decided it.

    Stated percentages are taken as they are; a sum of money is divided by the contract
    amount. With ``capped_rates`` a sentence setting a daily or other periodic rate counts
    only by its cap (累计不超过…10%); an uncapped rate states no total and is skipped.
    Offsets are in ``prose(ctx).text``.
    """
    text = prose(ctx).text
    base = contract_amount(ctx)
    found = []
    for start, end in sentences(text):
        if not _names(text, keyword, start, end):
            continue
        stretch = _stretch(text, keyword, start, end)
        percents = []
        # 每发现一次……，乙方支付违约金8,000元: a rate set earlier in the sentence.
        periodic = bool(stretch and capped_rates and _PERIODIC.search(text, start, stretch[0][0]))
        for seg_start, seg_end in stretch:
            rate = has_rate(text, seg_start, seg_end) or bool(
                capped_rates and _PERIODIC.search(text, seg_start, seg_end)
            )
            periodic = periodic or rate
            if not (rate and capped_rates):
                percents += percents_in(text, seg_start, seg_end)
        if percents:
            top = max(percents, key=lambda p: p.value)
            stated = text[top.start : top.end]
            cap = "总额上限" if periodic and _CAP.search(text, start, end) else ""
            found.append(Share(start, end, stated, top.value, f"{name}{cap}{stated}"))
            continue
        if periodic or not base:
            continue
        sums = [
            money
            for s, e in stretch
            for money in money_in(text, s, e)
            if money.amount != base and money.amount > 0
        ]
        if sums:
            money = sums[0]
            share = (money.amount / base * 100).quantize(Decimal("0.1"))
            decided_by = f"{name}¥{money.amount:,.2f} ÷ 合同总价¥{base:,.2f} = {_figure(share)}%"
            found.append(Share(start, end, text[money.start : money.end], share, decided_by))
    return found


def _over(
    ctx: Context,
    rule: Rule,
    keyword: re.Pattern[str],
    name: str,
    limit: int,
    *,
    capped_rates: bool,
) -> list[Hit]:
    running = prose(ctx)
    hits = []
    for share in shares(ctx, keyword, name, capped_rates=capped_rates):
        if share.percent <= limit:
            continue
        decided_by = share.decided_by
        if "÷" not in decided_by:
            decided_by += f" > {limit}%"
        hits.append(
            running.hit(
                ctx,
                rule,
                share.start,
                share.end,
                stated=share.stated,
                percent=_percent(share),
                decided_by=decided_by,
            )
        )
    return hits


def _percent(share: Share) -> str:
    return f"{share.percent.normalize():f}"


def check_penalty_over_30_percent(ctx: Context) -> list[Hit]:
    return _over(ctx, PENALTY_OVER_30_PERCENT, _PENALTY, "违约金", 30, capped_rates=True)


def check_deposit_over_20_percent(ctx: Context) -> list[Hit]:
    return _over(ctx, DEPOSIT_OVER_20_PERCENT, _DEPOSIT, "定金", 20, capped_rates=False)


def check_procurement_bond_over_10_percent(ctx: Context) -> list[Hit]:
    return _over(ctx, PROCUREMENT_BOND_OVER_10_PERCENT, _BOND, "履约保证金", 10, capped_rates=False)


PENALTY_OVER_30_PERCENT = Rule(
    id="penalty_over_30_percent",
    severity="medium",
    dimension="legality",
    message=N_(
        "Liquidated damages are set at %(percent)s%% of their base (%(stated)s), above 30%%; "
        "a court may reduce them."
    ),
    suggestion=N_("Set the liquidated damages at no more than 30 percent of the loss or price."),
    basis="《中华人民共和国民法典》第五百八十五条；"
    "《最高人民法院关于适用〈中华人民共和国民法典〉合同编通则若干问题的解释》第六十五条",
    check=check_penalty_over_30_percent,
)
DEPOSIT_OVER_20_PERCENT = Rule(
    id="deposit_over_20_percent",
    severity="medium",
    dimension="legality",
    message=N_(
        "The deposit (定金) is %(percent)s%% of the price (%(stated)s); the part over 20%% "
        "has no effect as a deposit."
    ),
    suggestion=N_("Reduce the deposit (定金) to at most 20 percent of the contract price."),
    basis="《中华人民共和国民法典》第五百八十六条",
    check=check_deposit_over_20_percent,
)
PROCUREMENT_BOND_OVER_10_PERCENT = Rule(
    id="procurement_bond_over_10_percent",
    severity="medium",
    dimension="legality",
    message=N_(
        "The performance bond is %(percent)s%% of the contract amount (%(stated)s), above "
        "the 10%% allowed."
    ),
    suggestion=N_("Reduce the performance bond to at most 10 percent of the contract amount."),
    basis="《中华人民共和国政府采购法实施条例》第四十八条",
    check=check_procurement_bond_over_10_percent,
)
