"""Running one rule over a text in the tests, with every hit checked to quote its page at
its offsets (shared by the rule tests)."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from advisor.precheck import RULES, Hit
from advisor.precheck.base import make_context


def check_pages(
    rule: str, pages: Sequence[str], *, contract_type: str, amount: str | None
) -> list[Hit]:
    """The rule's hits on ``pages``, each checked to quote its page at its offsets."""
    ctx = make_context(tuple(pages), contract_type, Decimal(amount) if amount else None)
    hits = RULES[rule].check(ctx)
    for hit in hits:
        assert hit.rule == rule
        assert hit.severity == RULES[rule].severity
        if hit.page is None:
            assert (hit.start, hit.end, hit.excerpt) == (None, None, "")
        else:
            assert hit.start is not None and hit.end is not None
            assert pages[hit.page - 1][hit.start : hit.end] == hit.excerpt
    return hits


def check(
    rule: str, text: str, contract_type: str = "procurement", amount: str | None = "1000"
) -> list[Hit]:
    """The rule's hits on a one-page ``text`` (a contract of ¥1,000 unless told)."""
    return check_pages(rule, (text,), contract_type=contract_type, amount=amount)
