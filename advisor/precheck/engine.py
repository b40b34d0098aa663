"""TEMPORARY stand-in for the rule engine (being written on branch precheck-engine)."""

from __future__ import annotations

from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from flask_babel import gettext


@dataclass(frozen=True, slots=True)
class Hit:
    rule: str
    severity: str
    page: int | None
    start: int | None
    end: int | None
    excerpt: str
    params: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Context:
    pages: tuple[str, ...]
    text: str
    contract_type: str
    amount: Decimal | None


@dataclass(frozen=True, slots=True)
class Rule:
    id: str
    severity: str
    dimension: str
    message: str
    suggestion: str
    basis: str
    check: Callable[[Context], list[Hit]]
    contract_types: tuple[str, ...] = ()


def _blank(ctx: Context) -> list[Hit]:
    hits = []
    for number, page in enumerate(ctx.pages, start=1):
        at = page.find("____")
        if at >= 0:
            hits.append(Hit("blank_field", "medium", number, at, at + 4, page[at : at + 4]))
    return hits


RULES = {
    "blank_field": Rule(
        "blank_field",
        "medium",
        "clarity",
        "A blank is left to fill: %(excerpt)s",
        "Fill in every blank before signing.",
        "",
        _blank,
    ),
}


def run(
    pages: Sequence[str],
    *,
    contract_type: str,
    amount: Decimal | None,
    disabled: Collection[str] = (),
) -> list[Hit]:
    if not "".join(pages).strip():
        return [Hit("no_text_layer", "high", None, None, None, "")]
    ctx = Context(tuple(pages), "\n\f\n".join(pages), contract_type, amount)
    return [h for r in RULES.values() if r.id not in disabled for h in r.check(ctx)]


def message(hit: Hit) -> str:
    rule = RULES.get(hit.rule)
    return gettext(rule.message, excerpt=hit.excerpt) if rule else hit.rule
