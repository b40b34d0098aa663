"""The pre-check in use: run on every uploaded version (through contracts' ``version_added``
signal, in the upload's transaction), the hits of a contract, the advisor's dismissals,
and the bureau's switches and per-rule counts. The rules themselves are in engine.py.

The engine runs in the web process right after the extraction worker returned the text:
the text is already bounded by the worker's limits (pages, characters), and the engine is
linear in it (benchmarks/precheck.py). Services add and flush; the caller commits.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy import orm

from advisor.accounts.models import User
from advisor.contracts.models import Contract, ContractEvent, ContractVersion
from advisor.contracts.signals import version_added
from advisor.errors import Conflict, Forbidden, NotFound, ValidationError
from advisor.precheck.models import PrecheckHit, PrecheckRuleSwitch
from advisor.precheck.permissions import can_decide_hit, can_switch_rules
from advisor.text import NOTE, too_long

if TYPE_CHECKING:
    from advisor.precheck.base import Hit


def disabled_rules(session: orm.Session) -> frozenset[str]:
    return frozenset(
        session.scalars(
            sa.select(PrecheckRuleSwitch.rule).where(PrecheckRuleSwitch.enabled.is_(False))
        )
    )


def run_on_version(
    session: orm.Session, contract: Contract, version: ContractVersion, pages: Sequence[str]
) -> list[PrecheckHit]:
    """Pre-check one version's text and store its hits."""
    from advisor.precheck import engine  # on first use: the rules take 0.5 s to import

    hits = engine.run(
        pages,
        contract_type=contract.contract_type,
        amount=contract.amount,
        disabled=disabled_rules(session),
    )
    rows = [
        PrecheckHit(
            contract_id=contract.id,
            version_id=version.id,
            rule=hit.rule,
            severity=hit.severity,
            page=hit.page,
            start=hit.start,
            end=hit.end,
            excerpt=hit.excerpt,
            params=dict(hit.params),
        )
        for hit in hits
    ]
    session.add_all(rows)
    session.flush()
    carry_dismissals(session, contract, version, rows)
    return rows


CARRIED = "precheck_carried"  # the audit event's action


def carry_dismissals(
    session: orm.Session, contract: Contract, version: ContractVersion, rows: list[PrecheckHit]
) -> list[PrecheckHit]:
    """A hit the advisor dismissed on the version before stays dismissed on ``version``
    when the same rule hits the same excerpt text again: the text the advisor judged is
    unchanged. Each earlier dismissal carries to at most one new hit. The carried hit keeps
    the reason, the advisor and the time of the dismissal it repeats, and one audit event
    on the contract (at the upload's time, no actor: nobody decided anything now) names
    each pair, so the history says the dismissal was carried, not made again. Flushes;
    returns the hits dismissed."""
    earlier_id = session.scalar(
        sa.select(sa.func.max(ContractVersion.id)).where(
            ContractVersion.contract_id == contract.id,
            ContractVersion.id < version.id,
            ContractVersion.is_signed.is_(False),
        )
    )
    if earlier_id is None or not rows:
        return []
    dismissed: dict[tuple[str, str], list[PrecheckHit]] = {}
    for hit in session.scalars(
        sa.select(PrecheckHit)
        .where(PrecheckHit.version_id == earlier_id, PrecheckHit.status == "dismissed")
        .order_by(PrecheckHit.id)
    ):
        dismissed.setdefault((hit.rule, hit.excerpt), []).append(hit)
    pairs = []
    for row in rows:
        waiting = dismissed.get((row.rule, row.excerpt))
        if not waiting:
            continue
        earlier = waiting.pop(0)
        row.status, row.reason = "dismissed", earlier.reason
        row.decided_by_id, row.decided_at = earlier.decided_by_id, earlier.decided_at
        pairs.append((earlier, row))
    if pairs:
        session.flush()
        session.add(
            ContractEvent(
                contract_id=contract.id,
                actor_id=None,
                at=version.uploaded_at,
                action=CARRIED,
                detail={
                    "version": version.number,
                    "hits": [
                        {"rule": new.rule, "from_hit": old.id, "to_hit": new.id}
                        for old, new in pairs
                    ],
                },
            )
        )
        session.flush()
    return [new for _old, new in pairs]


@version_added.connect
def _on_version_added(
    sender: Any,
    *,
    session: orm.Session,
    contract: Contract,
    version: ContractVersion,
    pages: Sequence[str],
) -> None:
    run_on_version(session, contract, version, pages)


def hits_for(session: orm.Session, contract: Contract) -> list[PrecheckHit]:
    """The hits on the contract's latest version, in the order the rules report them."""
    latest = session.scalar(
        sa.select(sa.func.max(ContractVersion.id)).where(
            ContractVersion.contract_id == contract.id, ContractVersion.is_signed.is_(False)
        )
    )
    return list(
        session.scalars(
            sa.select(PrecheckHit).where(PrecheckHit.version_id == latest).order_by(PrecheckHit.id)
        )
    )


def hits_by_version(session: orm.Session, contract: Contract) -> dict[int, list[PrecheckHit]]:
    found: dict[int, list[PrecheckHit]] = {}
    for hit in session.scalars(
        sa.select(PrecheckHit)
        .where(PrecheckHit.contract_id == contract.id)
        .order_by(PrecheckHit.id)
    ):
        found.setdefault(hit.version_id, []).append(hit)
    return found


def get_hit(session: orm.Session, contract: Contract, hit_id: int) -> PrecheckHit:
    hit = session.get(PrecheckHit, hit_id)
    if hit is None or hit.contract_id != contract.id:
        raise NotFound(_l("No such pre-check hit."))
    return hit


def _decide(hit: PrecheckHit, actor: User, contract: Contract, now: datetime) -> None:
    if not can_decide_hit(actor, contract):
        raise Forbidden(_l("Only the advisor reviewing the contract decides on its pre-check."))
    if hit.status != "open":
        raise Conflict(_l("This pre-check hit was already taken into the review or dismissed."))
    hit.decided_by_id = actor.id
    hit.decided_at = now


def dismiss(
    session: orm.Session,
    *,
    actor: User,
    contract: Contract,
    hit: PrecheckHit,
    reason: str,
    now: datetime,
) -> PrecheckHit:
    """The advisor dismisses a hit, saying why; dismissals are counted per rule."""
    reason = reason.strip()
    if not reason:
        raise ValidationError(
            _l("Say why this hit does not apply."),
            fields={f"dismiss-reason-{hit.id}": _l("Required.")},
        )
    if too_long({"reason": reason}, {"reason": NOTE}):
        raise ValidationError(
            _l("Some values are not valid."),
            fields={f"dismiss-reason-{hit.id}": _l("At most %(n)d characters.", n=NOTE)},
        )
    _decide(hit, actor, contract, now)
    hit.status = "dismissed"
    hit.reason = reason
    session.flush()
    return hit


def mark_taken(
    session: orm.Session,
    *,
    actor: User,
    contract: Contract,
    hit: PrecheckHit,
    finding_id: int | None,
    now: datetime,
) -> PrecheckHit:
    """The hit became a finding of the advisor's review."""
    _decide(hit, actor, contract, now)
    hit.status = "taken"
    hit.finding_id = finding_id
    session.flush()
    return hit


def reopen_hits(session: orm.Session, finding_ids: Sequence[int]) -> list[PrecheckHit]:
    """Hits taken into findings the advisor has since removed from the review are
    undecided again (open, no finding, no decision), so the advisor can take or dismiss
    them anew. Called before the findings are deleted: a hit must never point at a
    finding that is gone. Flushes; returns the hits reopened."""
    if not finding_ids:
        return []
    hits = list(
        session.scalars(sa.select(PrecheckHit).where(PrecheckHit.finding_id.in_(finding_ids)))
    )
    for hit in hits:
        hit.status = "open"
        hit.finding_id = None
        hit.decided_by_id = None
        hit.decided_at = None
    session.flush()
    return hits


def set_enabled(
    session: orm.Session, *, actor: User, rule: str, enabled: bool, now: datetime
) -> None:
    """The bureau switches a rule off (or on again); versions uploaded later follow it."""
    if not can_switch_rules(actor):
        raise Forbidden(_l("Only the bureau switches pre-check rules."))
    from advisor.precheck import engine  # on first use: the rules take 0.5 s to import

    if rule not in engine.RULES:
        raise NotFound(_l("No such pre-check rule."))
    row = session.get(PrecheckRuleSwitch, rule)
    if row is None:
        row = PrecheckRuleSwitch(rule=rule, enabled=enabled, changed_at=now)
        session.add(row)
    row.enabled, row.changed_at, row.changed_by_id = enabled, now, actor.id
    session.flush()


def rule_counts(session: orm.Session) -> dict[str, dict[str, int]]:
    """Per rule: hits by status, so the bureau sees which rules are noisy."""
    counts: dict[str, dict[str, int]] = {}
    for rule, status, n in session.execute(
        sa.select(PrecheckHit.rule, PrecheckHit.status, sa.func.count(PrecheckHit.id)).group_by(
            PrecheckHit.rule, PrecheckHit.status
        )
    ):
        counts.setdefault(rule, {})[status] = n
    return counts


def marked_pages(texts: list[str], hits: list[PrecheckHit]) -> list[list[tuple[str, list[int]]]]:
    """Each page's text cut into (piece, ids of the hits marked on it) around the hits'
    excerpts; overlapping excerpts make one mark carrying every hit's id, and a piece
    outside every excerpt carries none."""
    spans: dict[int, list[tuple[int, int, int]]] = {}
    for hit in hits:
        if hit.page is not None and hit.start is not None and hit.end is not None:
            spans.setdefault(hit.page, []).append((hit.start, hit.end, hit.id))
    pages = []
    for number, text in enumerate(texts, start=1):
        pieces: list[tuple[str, list[int]]] = []
        at = 0
        for start, end, hit_id in sorted(spans.get(number, [])):
            end = min(end, len(text))
            if pieces and pieces[-1][1] and start < at:  # overlaps the mark just made
                if end > at:
                    pieces[-1] = (pieces[-1][0] + text[at:end], pieces[-1][1])
                    at = end
                pieces[-1][1].append(hit_id)
                continue
            start = max(start, at)
            if start >= end:
                continue
            pieces += [(text[at:start], []), (text[start:end], [hit_id])]
            at = end
        pieces.append((text[at:], []))
        pages.append(pieces)
    return pages


def mark_count(pages: list[list[tuple[str, list[int]]]]) -> int:
    """How many marks ``marked_pages`` shows: the "N 处" said above the text."""
    return sum(1 for pieces in pages for _piece, ids in pieces if ids)


def hit_json(hit: PrecheckHit, version_number: int) -> dict[str, Any]:
    """API.md's ``precheck[]`` item, with the position and the advisor's decision."""
    from advisor.precheck import engine  # on first use: the rules take 0.5 s to import

    return {
        "rule": hit.rule,
        "severity": hit.severity,
        "message": engine.message(as_engine_hit(hit)),
        "explanation": engine.explanation(as_engine_hit(hit)),
        "excerpt": hit.excerpt,
        "version": version_number,
        "page": hit.page,
        "start": hit.start,
        "end": hit.end,
        "status": hit.status,
    }


def as_engine_hit(hit: PrecheckHit) -> Hit:
    from advisor.precheck.base import Hit  # on first use: with the rules' patterns

    return Hit(
        rule=hit.rule,
        severity=hit.severity,
        page=hit.page,
        start=hit.start,
        end=hit.end,
        excerpt=hit.excerpt,
        params={k: str(v) for k, v in hit.params.items()},
    )
