"""The demo's evaluation tells advisors apart: the city generated for the demo bureau, run
through a draft evaluation of the year so far under the default rules, grades the way a
county's advisors are graded (a few excellent, most qualified, some basically qualified),
and the default targets are ones an ordinary advisor does not overshoot."""

from __future__ import annotations

import statistics
from collections import Counter
from datetime import UTC, datetime
from decimal import Decimal

from flask import Flask
from sqlalchemy import orm

from advisor.accounts import services as accounts
from advisor.contracts.files import FileStore
from advisor.demo import synthetic
from advisor.evaluation import services
from advisor.evaluation.rulefile import from_json
from advisor.workdays import today_local

NOW = datetime(2026, 11, 16, 1, 0, tzinfo=UTC)  # 09:00 in Beijing, six weeks before year end


def test_the_demo_year_grades_a_spread(session: orm.Session, app: Flask) -> None:
    store = FileStore(app.config["ADVISOR"].files_dir)
    counts = synthetic.generate(session, synthetic.SCALES["city"], seed=1, now=NOW, store=store)
    assert counts["contracts"] == 900 and counts["ledger entries"] == 4_000
    bureau = accounts.get_user_by_email(session, "bureau@demo.local")
    assert bureau is not None

    evaluation = services.run_evaluation(
        session, actor=bureau, period_text="2026", today=today_local(NOW), now=NOW
    )

    results = evaluation.results
    assert len(results) == 35
    grades = Counter(r.grade for r in results)
    assert 1 <= grades["优秀"] <= 8, grades
    assert grades["合格"] == max(grades.values()), grades
    assert grades["基本合格"] >= 1, grades
    assert grades["不合格"] <= 1, grades
    totals = [Decimal(r.total) for r in results]
    assert sum(t == 100 for t in totals) <= 3, totals
    assert max(totals) - min(totals) >= 15, totals  # the best and the worst are far apart

    # An ordinary advisor does not overshoot the target of matters handled.
    rules = from_json(evaluation.rule_set.data)
    matters = next(item for _, item in rules.items() if item.measure == "matters_handled")
    target = matters.params["target"]
    assert isinstance(target, dict)
    ratios = [Decimal(r.inputs["values"]["matters_handled"]) / target["year"] for r in results]
    assert statistics.median(ratios) < Decimal("1.5"), ratios
    # Nor do they all reach it: the year's work differs from advisor to advisor.
    assert sum(ratio >= 1 for ratio in ratios) <= len(ratios) // 2, ratios
