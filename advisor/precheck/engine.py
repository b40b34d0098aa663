"""The pre-check's rules registered in their order, running them over a contract's pages,
and the message of a hit in the current language."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from decimal import Decimal

from flask_babel import gettext

from advisor.precheck.base import N_, Context, Hit, Rule, forget_texts, hit_nowhere, make_context
from advisor.precheck.rules import (
    amounts,
    checklists,
    clauses,
    disputes,
    drafting,
    liability,
    sums,
    template,
    term,
)

# A page with fewer visible characters than this carries no text layer (a scanned page
# yields nothing, or a few stray marks such as a page number).
MIN_PAGE_CHARACTERS = 20


def is_without_text(pages: Sequence[str]) -> bool:
    """Whether every page is empty or nearly so: a scanned document to be read by eye."""
    return all(len("".join(page.split())) < MIN_PAGE_CHARACTERS for page in pages)


def _check_no_text_layer(ctx: Context) -> list[Hit]:
    return [hit_nowhere(NO_TEXT_LAYER)] if is_without_text(ctx.pages) else []


NO_TEXT_LAYER = Rule(
    id="no_text_layer",
    severity="high",
    dimension="operability",
    message=N_("The document has no text layer (a scan): the pre-check could not read it."),
    suggestion=N_("Review the scanned pages by eye, or ask the school for a text version."),
    basis="扫描件无文字层，须人工逐页审阅",
    check=_check_no_text_layer,
)

RULES: dict[str, Rule] = {
    rule.id: rule
    for rule in (
        NO_TEXT_LAYER,
        clauses.PARTIES,
        clauses.SUBJECT,
        clauses.QUANTITY,
        clauses.QUALITY,
        clauses.PRICE,
        clauses.PERFORMANCE,
        clauses.BREACH_LIABILITY,
        clauses.DISPUTE_RESOLUTION,
        amounts.AMOUNT_MISMATCH,
        amounts.AMOUNT_DIFFERS_FROM_SUBMISSION,
        drafting.BLANK_FIELD,
        disputes.ARBITRATION_AND_LITIGATION,
        disputes.ARBITRATION_NO_COMMISSION,
        sums.PENALTY_OVER_30_PERCENT,
        sums.DEPOSIT_OVER_20_PERCENT,
        sums.PROCUREMENT_BOND_OVER_10_PERCENT,
        term.LEASE_OVER_20_YEARS,
        term.AUTO_RENEWAL,
        liability.INJURY_EXEMPTION,
        drafting.VAGUE_PERFORMANCE_TIME,
        drafting.NO_SIGNATURE_BLOCK,
        checklists.UNIFORM_MISSING_STANDARD,
        checklists.SCHOOL_BUS_NO_SAFETY_LETTER,
        checklists.CATERING_OUTSOURCED,
        template.TEMPLATE_FIXED_CLAUSE_CHANGED,
    )
}


# A hit that only follows from another rule's finding is folded into that finding (one
# cause, one hit): a contract that states no price cannot state the submitted amount either.
FOLDED_INTO = {"amount_differs_from_submission": "missing_clause:price"}


def run(
    pages: Sequence[str],
    *,
    contract_type: str,
    amount: Decimal | None,
    disabled: Collection[str] = (),
) -> list[Hit]:
    """Every hit of every enabled rule that concerns ``contract_type``, rule by rule in the
    order of ``RULES``. A document without a text layer gets that one hit and nothing else
    (or nothing at all when ``no_text_layer`` is disabled). A hit that follows from another
    rule's hit (FOLDED_INTO) is left out."""
    forget_texts()
    ctx = make_context(tuple(pages), contract_type, amount)
    if is_without_text(ctx.pages):
        return [] if NO_TEXT_LAYER.id in disabled else NO_TEXT_LAYER.check(ctx)
    hits: list[Hit] = []
    for rule in RULES.values():
        if rule is NO_TEXT_LAYER or rule.id in disabled:
            continue
        if rule.contract_types and contract_type not in rule.contract_types:
            continue
        hits += rule.check(ctx)
    fired = {hit.rule for hit in hits}
    return [hit for hit in hits if FOLDED_INTO.get(hit.rule) not in fired]


def message(hit: Hit) -> str:
    """The rule's message with the hit's values, in the current language."""
    rule = RULES[hit.rule]
    text = rule.variants.get(hit.params.get("variant", ""), rule.message)
    return str(gettext(text, **hit.params))


def explanation(hit: Hit) -> str:
    """What the hit rests on, in the current language: the clause it looked at, or the
    clauses it searched for a missing element, and the words or numbers that decided it."""
    said = []
    if hit.params.get("clause"):
        said.append(gettext("Looked at %(clause)s.", clause=hit.params["clause"]))
    if hit.params.get("searched"):
        said.append(gettext("Searched %(searched)s.", searched=hit.params["searched"]))
    if hit.params.get("decided_by"):
        said.append(gettext("Decided by: %(words)s.", words=hit.params["decided_by"]))
    return " ".join(said)
