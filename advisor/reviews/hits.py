"""Pre-check hits as the review page shows them: each excerpt in the text around it, and
the finding a hit becomes when the advisor takes it into the review."""

from __future__ import annotations

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy import orm

from advisor.contracts.models import PageText
from advisor.precheck import services as precheck
from advisor.precheck.models import PrecheckHit

CONTEXT = 40  # characters shown before and after an excerpt


def in_context(
    session: orm.Session, hits: list[PrecheckHit]
) -> list[tuple[PrecheckHit, str, str, str]]:
    """Each hit with the text just before and after its excerpt on its page."""
    wanted = {(h.version_id, h.page) for h in hits if h.page is not None}
    pages: dict[tuple[int, int | None], str] = {}
    for version_id in {key[0] for key in wanted}:
        for t in session.scalars(sa.select(PageText).where(PageText.version_id == version_id)):
            if (t.version_id, t.page) in wanted:
                pages[(t.version_id, t.page)] = t.text
    shown = []
    for hit in hits:
        text = pages.get((hit.version_id, hit.page), "")
        if hit.start is None or hit.end is None or not text:
            shown.append((hit, "", hit.excerpt, ""))
            continue
        before = text[max(0, hit.start - CONTEXT) : hit.start]
        after = text[hit.end : hit.end + CONTEXT]
        shown.append((hit, before, text[hit.start : hit.end], after))
    return shown


def finding_from_hit(hit: PrecheckHit) -> dict[str, str]:
    """A finding pre-filled from a pre-check hit: the rule's dimension, the hit's severity,
    the excerpt as the clause, the message as the problem, the rule's suggestion and basis."""
    from advisor.precheck import engine  # on first use: the rules take 0.5 s to import

    rule = engine.RULES.get(hit.rule)
    return {
        "dimension": rule.dimension if rule else "legality",
        "severity": hit.severity if hit.severity in ("low", "medium", "high") else "medium",
        "clause": hit.excerpt[:200],
        "problem": engine.message(precheck.as_engine_hit(hit)),
        "suggestion": _(rule.suggestion) if rule and rule.suggestion else "",
        "legal_basis": rule.basis if rule else "",
    }
