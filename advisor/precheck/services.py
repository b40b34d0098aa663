"""The pre-check in use: run on every uploaded version (through contracts' ``version_added``
signal), the hits of a contract, the advisor's dismissals, and the bureau's switches and
per-rule counts. The rules themselves are in engine.py.

The engine reads the text the extraction worker returned, already bounded by the worker's
limits (pages, characters); it is linear in it (benchmarks/precheck.py). It runs in the
upload's transaction, or, where the session defers it (DEFERRED, set by runner.py in the
web server), after the upload's answer: the version is then marked pending
(PrecheckPending) in the upload's transaction and its hits are stored by
``store_pending_hits`` in a later one. Services add and flush; the caller commits.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy import orm

from advisor.accounts.models import User
from advisor.contracts.models import Contract, ContractEvent, ContractVersion, PageText
from advisor.contracts.signals import version_added
from advisor.errors import Conflict, Forbidden, NotFound, ValidationError
from advisor.precheck.models import (
    MAX_ATTEMPTS,
    PrecheckHit,
    PrecheckPending,
    PrecheckRuleSwitch,
)
from advisor.precheck.permissions import can_decide_hit, can_switch_rules
from advisor.text import NOTE, too_long

if TYPE_CHECKING:
    from advisor.precheck.base import Hit


# Hits other domains add to the engine's when a version's hits are stored: each takes the
# session, the contract, the version and its pages (model_contracts: a fixed clause of the
# model contract changed). A rule the bureau switched off is left out as the engine's are.
EXTRA_HITS: list[Callable[[orm.Session, Contract, ContractVersion, Sequence[str]], list[Hit]]] = []


def _extra_hits(
    session: orm.Session,
    contract: Contract,
    version: ContractVersion,
    pages: Sequence[str],
    disabled: Collection[str],
) -> list[Hit]:
    found = [hit for make in EXTRA_HITS for hit in make(session, contract, version, pages)]
    return [hit for hit in found if hit.rule not in disabled]


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

    disabled = disabled_rules(session)
    hits = engine.run(
        pages, contract_type=contract.contract_type, amount=contract.amount, disabled=disabled
    )
    extra = _extra_hits(session, contract, version, pages, disabled)
    return _store_hits(session, contract, version, [*hits, *extra])


def _store_hits(
    session: orm.Session, contract: Contract, version: ContractVersion, hits: Sequence[Hit]
) -> list[PrecheckHit]:
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


# session.info keys: DEFERRED (set for every session of a web process that pre-checks after
# the answer) marks new versions pending instead of pre-checking them; QUEUED lists the
# versions this session marked, for runner.py to hand over once they are committed.
DEFERRED = "advisor.precheck.deferred"
QUEUED = "advisor.precheck.queued"


@version_added.connect
def _on_version_added(
    sender: Any,
    *,
    session: orm.Session,
    contract: Contract,
    version: ContractVersion,
    pages: Sequence[str],
) -> None:
    if session.info.get(DEFERRED):
        mark_pending(session, contract, version)
    else:
        run_on_version(session, contract, version, pages)


def mark_pending(session: orm.Session, contract: Contract, version: ContractVersion) -> None:
    """The version's pre-check is to run later: pending from now, in this transaction, so
    the version is never without either its hits or the sign that they are coming. The
    version's id is queued in ``session.info`` for the runner to take once committed."""
    session.add(
        PrecheckPending(
            version_id=version.id,
            contract_id=contract.id,
            queued_at=version.uploaded_at,
            attempts=0,
        )
    )
    session.flush()
    session.info.setdefault(QUEUED, []).append(version.id)


@dataclass(frozen=True, slots=True)
class PendingCheck:
    """What a pending pre-check reads, loaded before the engine runs, so the engine runs
    with no transaction open (on SQLite a writing one would hold the write lock)."""

    version_id: int
    contract_type: str
    amount: Decimal
    pages: tuple[str, ...]
    disabled: frozenset[str]


def pending_check(session: orm.Session, version_id: int) -> PendingCheck | None:
    """The inputs of the version's pre-check if it is pending and not given up; else None
    (already run, by this process or another, or failed MAX_ATTEMPTS times)."""
    row = session.execute(
        sa.select(Contract.contract_type, Contract.amount)
        .join(PrecheckPending, PrecheckPending.contract_id == Contract.id)
        .where(PrecheckPending.version_id == version_id, PrecheckPending.attempts < MAX_ATTEMPTS)
    ).first()
    if row is None:
        return None
    pages = session.scalars(
        sa.select(PageText.text).where(PageText.version_id == version_id).order_by(PageText.page)
    )
    return PendingCheck(
        version_id=version_id,
        contract_type=row.contract_type,
        amount=row.amount,
        pages=tuple(pages),
        disabled=disabled_rules(session),
    )


def store_pending_hits(
    session: orm.Session, check: PendingCheck, hits: Sequence[Hit]
) -> list[PrecheckHit] | None:
    """Store the hits of a pending pre-check and end its pending state, as one change:
    the pending row is deleted first, and only the run that deleted it stores hits, so
    two processes that ran the same version (the runner and the scheduler's job) store
    them once. Returns the rows stored (dismissals carried as ``run_on_version`` does),
    or None when another run stored them first; flushes."""
    claimed = session.execute(
        sa.delete(PrecheckPending).where(PrecheckPending.version_id == check.version_id)
    )
    if claimed.rowcount != 1:  # type: ignore[attr-defined]
        return None
    version = session.get_one(ContractVersion, check.version_id)
    extra = _extra_hits(session, version.contract, version, check.pages, check.disabled)
    return _store_hits(session, version.contract, version, [*hits, *extra])


def record_failed_run(session: orm.Session, version_id: int) -> int:
    """A run of the version's pending pre-check failed: count it (at MAX_ATTEMPTS it is
    given up). Returns the attempts so far, 0 if it is no longer pending; flushes."""
    pending = session.get(PrecheckPending, version_id)
    if pending is None:
        return 0
    pending.attempts += 1
    session.flush()
    return pending.attempts


def stale_pending(session: orm.Session, *, queued_before: datetime) -> list[int]:
    """Versions still pending that were queued before ``queued_before`` and not given up,
    oldest first: what a web process that stopped, or a run that failed, left behind."""
    return list(
        session.scalars(
            sa.select(PrecheckPending.version_id)
            .where(
                PrecheckPending.queued_at < queued_before,
                PrecheckPending.attempts < MAX_ATTEMPTS,
            )
            .order_by(PrecheckPending.queued_at, PrecheckPending.version_id)
        )
    )


# The scheduler's job leaves a version this long to the web process that queued it, so the
# two seldom both run it (when they do, store_pending_hits keeps one run's hits).
STALE_AFTER = timedelta(minutes=1)


def pending_states(session: orm.Session, version_ids: Sequence[int]) -> dict[int, str]:
    """Of ``version_ids``, those whose pre-check has not stored its hits: "running" while
    it is pending, "failed" once given up. A version not in the answer is pre-checked (or,
    a signed copy, never is)."""
    if not version_ids:
        return {}
    return {
        pending.version_id: "failed" if pending.has_failed else "running"
        for pending in session.scalars(
            sa.select(PrecheckPending).where(PrecheckPending.version_id.in_(version_ids))
        )
    }


def latest_state(session: orm.Session, contract: Contract) -> str | None:
    """``pending_states`` of the contract's latest version (signed copies aside): "running",
    "failed", or None when its hits are stored."""
    unsigned = [v.id for v in contract.versions if not v.is_signed]
    return pending_states(session, unsigned[-1:]).get(unsigned[-1]) if unsigned else None


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
