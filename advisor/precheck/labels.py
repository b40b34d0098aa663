"""Short names of the pre-check rules, for lists and charts (the messages say the detail)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

RULE_TITLES = {
    "no_text_layer": _l("No text layer (scan)"),
    "missing_clause:parties": _l("Missing clause: parties"),
    "missing_clause:subject": _l("Missing clause: subject"),
    "missing_clause:quantity": _l("Missing clause: quantity"),
    "missing_clause:quality": _l("Missing clause: quality"),
    "missing_clause:price": _l("Missing clause: price or fee"),
    "missing_clause:performance": _l("Missing clause: time, place and manner"),
    "missing_clause:breach_liability": _l("Missing clause: liability for breach"),
    "missing_clause:dispute_resolution": _l("Missing clause: dispute resolution"),
    "amount_mismatch": _l("Amount in figures and capitals differ"),
    "amount_differs_from_submission": _l("Amount differs from the submission"),
    "blank_field": _l("Blank left to fill in"),
    "arbitration_and_litigation": _l("Both arbitration and litigation"),
    "arbitration_no_commission": _l("Arbitration without a commission"),
    "penalty_over_30_percent": _l("Liquidated damages over 30%"),
    "deposit_over_20_percent": _l("Deposit over 20%"),
    "procurement_bond_over_10_percent": _l("Performance bond over 10%"),
    "lease_over_20_years": _l("Lease over 20 years"),
    "auto_renewal": _l("Automatic renewal"),
    "injury_exemption": _l("Exclusion of liability for injury"),
    "vague_performance_time": _l("Vague time of performance"),
    "no_signature_block": _l("No signature block"),
    "uniform_missing_standard": _l("Uniforms: national standards not named"),
    "school_bus_no_safety_letter": _l("School bus: no safety responsibility letter"),
    "catering_outsourced": _l("Canteen run by an outside company"),
    "template_fixed_clause_changed": _l("Fixed clause of the model contract changed"),
}


def rule_title(rule: str) -> str:
    """The rule's short name, or its id for a rule that no longer exists."""
    title = RULE_TITLES.get(rule)
    return str(title) if title is not None else rule
