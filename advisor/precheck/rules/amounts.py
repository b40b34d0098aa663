"""Amounts: a capital amount that disagrees with the figure beside it, and a contract whose
text never states the amount entered on submission."""

from __future__ import annotations

import re

from advisor.amounts import CAPITAL_CHARS, Found, parse_capital
from advisor.precheck.base import (
    N_,
    Context,
    Hit,
    Prose,
    Rule,
    hit_nowhere,
    money_in,
    prose,
    scan_amounts,
)

# Between a capital amount and the figure after it: 壹万元整（¥10,000.00）,
# 壹万元整（小写：¥10,000.00）, 大写：人民币壹万元整；小写：¥10,000.00, … | 小写 | …
_CAPITAL_THEN_FIGURE = re.compile(
    r"\s*(?:[（(]\s*(?:小写(?:金额)?\s*[:：]?\s*)?"
    r"|[,，;；]?\s*(?:[|｜]\s*)?小写(?:金额)?\s*[:：]?\s*(?:[|｜]\s*)?)"
)
# Between a figure and the capital amount after it: ¥10,000.00（大写：人民币壹万元整）.
_FIGURE_THEN_CAPITAL = re.compile(
    r"\s*(?:[（(]\s*(?:大写(?:金额)?\s*[:：]?\s*)?"
    r"|[,，;；]?\s*(?:[|｜]\s*)?大写(?:金额)?\s*[:：]?\s*(?:[|｜]\s*)?)(?:人民币\s*)?"
)


def check_amount_mismatch(ctx: Context) -> list[Hit]:
    """Read on the running text, so that an amount wrapped over two lines is one amount."""
    running = prose(ctx)
    text = running.text
    capitals, found_figures = scan_amounts(text)
    figures = {found.start: found for found in found_figures}
    capital_starts = {found.start: found for found in capitals}
    hits = []
    for capital in capitals:
        after = _CAPITAL_THEN_FIGURE.match(text, capital.end)
        figure = figures.get(after.end()) if after and after.end() > capital.end else None
        if figure and figure.amount != capital.amount and not _wrapped_cell(text, capital, figure):
            hits.append(_mismatch(ctx, running, capital.start, figure.end, capital, figure))
    for figure in figures.values():
        between = _FIGURE_THEN_CAPITAL.match(text, figure.end)
        if not between or between.end() == figure.end:
            continue
        following = capital_starts.get(between.end())
        if following and following.amount != figure.amount:
            hits.append(_mismatch(ctx, running, figure.start, following.end, following, figure))
    return sorted(hits, key=lambda hit: (hit.page or 0, hit.start or 0))


# A run of capitals that ends a table cell's line: 人民币肆拾万陆仟贰佰 before wide spaces.
_CAPITAL_RUN = re.compile(
    "[" + "".join(sorted(CAPITAL_CHARS)) + r"]{2,}(?=[ \t\u3000]{2,}|[|｜\t]|\n|$)"
)


def _wrapped_cell(text: str, capital: Found, figure: Found) -> bool:
    """A capital amount that is the tail of a table cell a PDF wrapped: its head ends a
    line above, the other columns between (人民币肆拾万陆仟贰佰 ⏎ … 陆拾元整（¥406,260.00）).
    Head and tail together give the figure: no disagreement."""
    if capital.start and text[capital.start - 1] not in " \t\u3000|｜\n":
        return False  # not where a cell begins
    window = text[max(0, text.rfind("\n", 0, capital.start) - 400) : capital.start]
    lines = window.split("\n")[:-1][-3:]  # the lines above the capital's own line
    for line in lines:
        for run in _CAPITAL_RUN.findall(line):
            try:
                if parse_capital(run + text[capital.start : capital.end]) == figure.amount:
                    return True
            except ValueError:
                continue
    return False


def _mismatch(
    ctx: Context, running: Prose, start: int, end: int, capital: Found, figure: Found
) -> Hit:
    text = running.text
    if text[end : end + 1] in ("）", ")"):
        end += 1
    return running.hit(
        ctx,
        AMOUNT_MISMATCH,
        start,
        end,
        capital=text[capital.start : capital.end],
        figure=text[figure.start : figure.end],
    )


def check_amount_differs_from_submission(ctx: Context) -> list[Hit]:
    """No sum of money in the text equals the amount entered on submission, to the fen."""
    if not ctx.amount:
        return []
    if any(money.amount == ctx.amount for money in money_in(prose(ctx).text)):
        return []
    return [hit_nowhere(AMOUNT_DIFFERS_FROM_SUBMISSION, amount=f"{ctx.amount:,.2f}")]


AMOUNT_MISMATCH = Rule(
    id="amount_mismatch",
    severity="high",
    dimension="clarity",
    message=N_("The amount in capitals (%(capital)s) disagrees with the figure (%(figure)s)."),
    suggestion=N_("Correct the capitals or the figure so that both state the same amount."),
    basis="《中华人民共和国民法典》第四百六十六条；《中华人民共和国票据法》第八条",
    check=check_amount_mismatch,
)
AMOUNT_DIFFERS_FROM_SUBMISSION = Rule(
    id="amount_differs_from_submission",
    severity="medium",
    dimension="clarity",
    message=N_("The amount entered on submission (%(amount)s) appears nowhere in the text."),
    suggestion=N_(
        "Check the contract amount: correct the submission or state the amount in the contract."
    ),
    basis="《中华人民共和国民法典》第四百七十条",
    check=check_amount_differs_from_submission,
)
