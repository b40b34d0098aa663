"""The pre-check measured on the labelled corpus: precision and recall of at least 0.9 for
every rule that has positives, and overall (micro-averaged over (file, rule) pairs)."""

from __future__ import annotations

from advisor.precheck.report import corpus_files, evaluate, table

THRESHOLD = 0.9


def test_precision_and_recall_on_the_corpus() -> None:
    quality = evaluate(corpus_files())
    assert quality.files >= 48
    low = [
        rule
        for rule, tally in quality.rules.items()
        if tally.positives and min(tally.precision, tally.recall) < THRESHOLD
    ]
    # A rule without positives must still not fire.
    noisy = [
        rule
        for rule, tally in quality.rules.items()
        if not tally.positives and tally.false_positives
    ]
    overall = min(quality.overall.precision, quality.overall.recall)
    assert not low and not noisy and overall >= THRESHOLD, (
        f"below {THRESHOLD}: {low + noisy or 'overall'}\n{table(quality)}\nmisclassified:\n  "
        + "\n  ".join(quality.overall.wrong)
    )
