"""A fixed clause (固定条款) of the model contract a contract was started from, changed or
deleted by the version uploaded. The engine knows no templates: these hits are made by
model_contracts from its comparison of the version with the filled template and added to
the engine's when the hits are stored (precheck.services.EXTRA_HITS); the rule's own check
finds nothing. It is registered like every rule so that its hits read like the others, the
bureau's rules page counts them and the bureau can switch it off."""

from __future__ import annotations

from advisor.precheck.base import N_, Rule

TEMPLATE_FIXED_CLAUSE_CHANGED = Rule(
    id="template_fixed_clause_changed",
    severity="high",
    dimension="legality",
    message=N_("A fixed clause of the model contract was changed: %(clause)s (%(change)s)."),
    variants={"deleted": N_("A fixed clause of the model contract was deleted: %(clause)s.")},
    suggestion=N_(
        "Compare the clause with the model text; a school may change only the negotiable"
        " clauses, so accept the change only for a reason the school can give."
    ),
    basis="教育局合同范本的固定条款，学校不得擅自变更",
    check=lambda ctx: [],
)
