"""Precision and recall of the pre-check on the labelled corpus, rule by rule.

    python -m advisor.precheck.report [--first N] [--last N] [CORPUS]

CORPUS defaults to tests/fixtures/precheck; --first and --last choose files by number.
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from advisor.precheck.engine import RULES, run

CORPUS = Path(__file__).resolve().parents[2] / "tests" / "fixtures" / "precheck"


@dataclass(slots=True)
class Tally:
    true_positives: int = 0
    false_positives: int = 0
    false_negatives: int = 0
    wrong: list[str] = field(default_factory=list)

    @property
    def precision(self) -> float:
        fired = self.true_positives + self.false_positives
        return self.true_positives / fired if fired else 1.0

    @property
    def recall(self) -> float:
        expected = self.true_positives + self.false_negatives
        return self.true_positives / expected if expected else 1.0

    @property
    def positives(self) -> int:
        return self.true_positives + self.false_negatives


@dataclass(slots=True)
class Quality:
    rules: dict[str, Tally]
    overall: Tally
    files: int


def corpus_files(corpus: Path = CORPUS, first: int = 1, last: int = 99) -> list[Path]:
    return [p for p in sorted(corpus.glob("*.txt")) if first <= int(p.name[:2]) <= last]


def evaluate(files: Iterable[Path]) -> Quality:
    """Run the engine on each file with its label's type and amount; a rule fires on a file
    when it reports at least one hit. Counted per (file, rule) pair."""
    rules = {rule_id: Tally() for rule_id in RULES}
    overall = Tally()
    count = 0
    for path in files:
        count += 1
        label = json.loads(path.with_suffix(".json").read_text(encoding="utf-8"))
        hits = run(
            [path.read_text(encoding="utf-8")],
            contract_type=label["contract_type"],
            amount=Decimal(label["submitted_amount"]),
        )
        fired = {hit.rule for hit in hits}
        expected = set(label["expect"])
        for rule_id, tally in rules.items():
            for target in (tally, overall):
                if rule_id in fired and rule_id in expected:
                    target.true_positives += 1
                elif rule_id in fired:
                    target.false_positives += 1
                    target.wrong.append(f"{path.stem} (FP {rule_id})")
                elif rule_id in expected:
                    target.false_negatives += 1
                    target.wrong.append(f"{path.stem} (FN {rule_id})")
    return Quality(rules, overall, count)


def table(quality: Quality) -> str:
    lines = [f"{'rule':<36} {'TP':>4} {'FP':>4} {'FN':>4} {'precision':>9} {'recall':>7}"]
    rows = [*quality.rules.items(), ("overall (micro)", quality.overall)]
    for name, tally in rows:
        lines.append(
            f"{name:<36} {tally.true_positives:>4} {tally.false_positives:>4} "
            f"{tally.false_negatives:>4} {tally.precision:>9.2f} {tally.recall:>7.2f}"
        )
    lines.append(f"files: {quality.files}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus", nargs="?", type=Path, default=CORPUS)
    parser.add_argument("--first", type=int, default=1)
    parser.add_argument("--last", type=int, default=99)
    args = parser.parse_args(argv)
    quality = evaluate(corpus_files(args.corpus, args.first, args.last))
    print(table(quality))
    if quality.overall.wrong:
        print("misclassified:")
        for entry in quality.overall.wrong:
            print(f"  {entry}")


if __name__ == "__main__":
    main()
