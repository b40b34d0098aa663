"""The contract's term: a lease over twenty years, and a term that renews by itself."""

from __future__ import annotations

import re
from datetime import date, timedelta

from advisor.precheck.base import CN_NUMBER, N_, Context, Hit, Rule, cn_number, prose, sentences

_LEASE_TERM = re.compile(r"租赁期(?:限)?|租期|租用期(?:限)?|承租期(?:限)?|出租期(?:限)?")
# The term in years or months: 租期为25年, 租期三十年, 租赁期限：贰拾伍年, 租期300个月.
_YEARS = re.compile(
    rf"\s*(?:为|是|共|：|:|暂定为?|定为|计)?\s*(?:期限)?\s*(?P<years>\d+|{CN_NUMBER})\s*"
    r"(?P<unit>个月|(?:个)?(?:周年|年))"
    # 2026年5月12日, 2026年5月: a year followed by a month is a date, never a duration.
    r"(?![ \t\u3000]*(?:\d{1,2}|[一二三四五六七八九十]{1,2})[ \t\u3000]*月)"
)
_DATE = r"(\d{4})\s*[年\-./]\s*(\d{1,2})\s*[月\-./]\s*(\d{1,2})\s*日?"
_RANGE = re.compile(rf"{_DATE}[^。；\n\d]{{0,8}}?(?:至|到|—|－|-|~|～)\s*{_DATE}")
_LIMIT = 20


def _years_between(first: date, last: date) -> float:
    return ((last + timedelta(days=1)) - first).days / 365.2425


def _over_twenty_years(first: date, last: date) -> bool:
    try:
        limit = first.replace(year=first.year + _LIMIT)
    except ValueError:  # 29 February
        limit = first.replace(year=first.year + _LIMIT, day=28) + timedelta(days=1)
    return last + timedelta(days=1) > limit


def _a_calendar_year(years: re.Match[str]) -> bool:
    """2026年 written alone where a date belongs (租赁期限：2026年度) is a year of the
    calendar, not a count of years: no lease runs for a four-figure number of years."""
    return years["unit"] == "年" and bool(re.fullmatch(r"(?:19|20|21)\d\d", years["years"]))


def check_lease_over_20_years(ctx: Context) -> list[Hit]:
    """A lease term over twenty years, stated in years (25年, 二十五年, 叁拾年) or only by its
    first and last day."""
    running = prose(ctx)
    text = running.text
    hits = []
    for start, end in sentences(text):
        term = _LEASE_TERM.search(text, start, end)
        if not term:
            continue
        years = _YEARS.match(text, term.end(), end)
        if years and _a_calendar_year(years):
            years = None
        if years:
            count = cn_number(years["years"])
            if count is not None and years["unit"] == "个月":
                whole, months = divmod(count, 12)
                over = count > _LIMIT * 12
                told = f"{whole}" if not months else f"{count / 12:.1f}"
            else:
                over = count is not None and count > _LIMIT
                told = str(count)
            if over:
                hits.append(
                    running.hit(
                        ctx,
                        LEASE_OVER_20_YEARS,
                        start,
                        end,
                        years=told,
                    )
                )
            continue
        span = _RANGE.search(text, term.end(), end)
        if not span:
            continue
        try:
            first = date(int(span[1]), int(span[2]), int(span[3]))
            last = date(int(span[4]), int(span[5]), int(span[6]))
        except ValueError:
            continue
        if _over_twenty_years(first, last):
            years_text = f"{_years_between(first, last):.0f}"
            hits.append(
                running.hit(
                    ctx,
                    LEASE_OVER_20_YEARS,
                    start,
                    end,
                    years=years_text,
                )
            )
    return hits


_AUTOMATIC = re.compile(
    r"自动(?:续期|续约|续签|续租|续保|续订|续费|续展|续延|延续|展期|延期|延长|顺延)"
)
_NEGATED = re.compile(
    r"(?:不|不得|不会|不予|并不|均不|不再|非)[^，,。；]{0,2}$"
    # 不因期满自动延续, 不因任何一方未作表示而自动续期: a cause that is refused to renew the term
    r"|不(?:会|得|再)?(?:因|随|以)[^，,。；]{0,14}$"
    # a renewal refused at a distance: 乙方不得以任何理由要求自动延续, 不适用任何形式的自动续租
    r"|(?:不得|不适用|不予|不能|无权|不再|均不)(?P<gap>[^，,。；]{3,12})$"
)
# 不提出异议即自动续约 is renewal by silence, not a refusal of it.
_CONDITION = re.compile(r"异议|提出|通知|终止|解除|反对|[即则]")


def _negated(before: str) -> bool:
    found = _NEGATED.search(before)
    return found is not None and not (found["gap"] and _CONDITION.search(found["gap"]))


# 顺延 and 延期 are renewal only when the term of the contract is what moves.
_LOOSE = ("顺延", "延期", "延长")
_CONTRACT_TERM = re.compile(r"合同|协议|期满|期限|服务期|租赁期|保险期|聘期")
_NOT_THE_TERM = re.compile(r"付款|支付|节假日|工作日|工期|交货期|交付期")
_BY_SILENCE = re.compile(
    r"(?:未|没有|均未|不)(?:以书面形式|书面)?(?:提出|通知)[^。；]{0,12}(?:异议|终止|解除|不续)"
    r"[^。；]{0,30}(?:继续有效|顺延|续期|延长|延续|续约|续订|续签)"
)


def check_auto_renewal(ctx: Context) -> list[Hit]:
    running = prose(ctx)
    text = running.text
    hits = []
    for start, end in sentences(text):
        match = _AUTOMATIC.search(text, start, end)
        if match and _negated(text[start : match.start()]):
            match = None
        loose = match is not None and match.group().endswith(_LOOSE)
        if loose and (
            not _CONTRACT_TERM.search(text, start, end) or _NOT_THE_TERM.search(text, start, end)
        ):
            match = None
        if match is None:
            silence = _BY_SILENCE.search(text, start, end)
            # 本合同不因期满未提出异议而延续: renewal by silence, refused
            if silence and not _negated(text[start : silence.start()]):
                match = silence
        if match:
            hits.append(running.hit(ctx, AUTO_RENEWAL, start, end, term=match.group()))
    return hits


LEASE_OVER_20_YEARS = Rule(
    id="lease_over_20_years",
    severity="high",
    dimension="legality",
    message=N_("The lease term is %(years)s years; the part over 20 years is void."),
    suggestion=N_("Limit the lease term to 20 years; a renewal may again not exceed 20 years."),
    basis="《中华人民共和国民法典》第七百零五条",
    contract_types=("lease",),
    check=check_lease_over_20_years,
)
AUTO_RENEWAL = Rule(
    id="auto_renewal",
    severity="medium",
    dimension="operability",
    message=N_("The contract renews by itself (%(term)s)."),
    suggestion=N_(
        "Let the contract end at expiry; a renewal should need both parties' written "
        "agreement and, where required, a new procurement."
    ),
    basis="《中华人民共和国民法典》第七百三十四条",
    check=check_auto_renewal,
)
