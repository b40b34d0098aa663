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
from advisor.contracts.models import Contract, ContractVersion
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
    return rows


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
