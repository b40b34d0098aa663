"""Precision and recall of the pre-check on the second corpus, read from real files.

    python -m tools.precheck_report [--split dev|heldout|both] [--list-dev]

Every contract of tests/fixtures/contract_corpus/<split>/ is rendered to PDF and Word
(tools/contract_render.py), read back through the application's own extraction with the
upload limits of the default configuration, and pre-checked with its label's type and
submitted amount. For each split and format: per-rule TP/FP/FN, precision and recall,
the overall micro figures, and how many clean contracts had any false alarm.

The held-out split is reported as figures only: no file name, no per-file result.
``--list-dev`` adds the misclassified dev files, with the hits' messages for a false
alarm and the label's note for a miss. Rendered files are cached under
.cache/contract_corpus/, keyed by the SHA-256 of the source (and of the renderer).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from advisor.contracts.extraction import Limits, inspect
from advisor.precheck import engine
from advisor.precheck.base import Hit
from advisor.precheck.report import Tally
from config import Config
from tools import contract_render

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "tests" / "fixtures" / "contract_corpus"
CACHE = ROOT / ".cache" / "contract_corpus"
SPLITS = ("dev", "heldout")
FORMATS: dict[str, Callable[[str], bytes]] = {
    "pdf": contract_render.render_pdf,
    "docx": contract_render.render_docx,
}


def default_limits() -> Limits:
    """The upload limits of the default configuration, as contracts.views.parse_limits
    builds them from the app's Config (parse_max_pages, parse_seconds, parse_memory_mb)."""
    config = Config(secret_key="", database_url="")  # only its defaults are read
    return Limits(
        max_pages=config.parse_max_pages,
        wall_seconds=config.parse_seconds,
        memory_mb=config.parse_memory_mb,
    )


def contracts(split: str, corpus: Path = CORPUS) -> tuple[list[Path], int]:
    """The sources that have their label, and how many have none (yet: authors write
    the source first)."""
    sources = sorted((corpus / split).glob("*.txt"))
    paired = [path for path in sources if path.with_suffix(".json").exists()]
    return paired, len(sources) - len(paired)


def _renderer_digest() -> str:
    return hashlib.sha256(Path(contract_render.__file__).read_bytes()).hexdigest()[:12]


def rendered(source: str, fmt: str, cache: Path | None = CACHE) -> tuple[bytes, bool]:
    """The file in ``fmt`` and whether it came from the cache."""
    if cache is None:
        return FORMATS[fmt](source), False
    key = hashlib.sha256(source.encode("utf-8")).hexdigest()
    path = cache / f"{key}.{_renderer_digest()}.{fmt}"
    if path.exists():
        return path.read_bytes(), True
    data = FORMATS[fmt](source)
    cache.mkdir(parents=True, exist_ok=True)
    partial = path.with_suffix(f".{fmt}.part")
    partial.write_bytes(data)
    partial.replace(path)
    return data, False


@dataclass(slots=True)
class Wrong:
    """One misclassified (contract, rule) pair, for the dev list only."""

    name: str
    rule: str
    kind: str  # "FP" or "FN"
    details: list[str]


@dataclass(slots=True)
class Result:
    rules: dict[str, Tally]
    overall: Tally = field(default_factory=Tally)
    contracts: int = 0
    types: set[str] = field(default_factory=set)
    clean: int = 0
    clean_with_false_alarm: int = 0
    failed: list[tuple[str, str]] = field(default_factory=list)  # name, error
    wrong: list[Wrong] = field(default_factory=list)
    cached: int = 0


def hits_of(data: bytes, label: dict[str, object], limits: Limits) -> list[Hit]:
    extracted = inspect(data, limits)
    return engine.run(
        extracted.pages,
        contract_type=str(label["contract_type"]),
        amount=Decimal(str(label["submitted_amount"])),
    )


def evaluate(files: list[Path], fmt: str, limits: Limits, cache: Path | None = CACHE) -> Result:
    """Counted per (contract, rule) pair: a rule fires when it has at least one hit."""
    result = Result(rules={rule_id: Tally() for rule_id in engine.RULES})
    for path in files:
        try:
            label = json.loads(path.with_suffix(".json").read_text(encoding="utf-8"))
            data, from_cache = rendered(path.read_text(encoding="utf-8"), fmt, cache)
            hits = hits_of(data, label, limits)
        except Exception as error:  # a file that cannot be rendered or read is reported
            result.failed.append((path.stem, f"{type(error).__name__}: {error}"))
            continue
        result.cached += from_cache
        result.contracts += 1
        result.types.add(str(label["contract_type"]))
        fired = {hit.rule for hit in hits}
        expected = set(label["expect"])
        if not expected:
            result.clean += 1
            result.clean_with_false_alarm += bool(fired)
        for rule_id, tally in result.rules.items():
            if rule_id in fired and rule_id in expected:
                kind = "TP"
            elif rule_id in fired:
                kind = "FP"
            elif rule_id in expected:
                kind = "FN"
            else:
                continue
            for target in (tally, result.overall):
                if kind == "TP":
                    target.true_positives += 1
                elif kind == "FP":
                    target.false_positives += 1
                else:
                    target.false_negatives += 1
            if kind == "FP":
                details = [
                    f"{engine.message(hit)} «{' '.join(hit.excerpt.splitlines())}»"
                    for hit in hits
                    if hit.rule == rule_id
                ]
                result.wrong.append(Wrong(path.stem, rule_id, kind, details))
            elif kind == "FN":
                note = label.get("notes", {}).get(rule_id, "")
                result.wrong.append(Wrong(path.stem, rule_id, kind, [f"note: {note}"]))
    return result


def figures(result: Result) -> str:
    """The per-rule table and the totals: nothing that names or describes a file."""
    lines = [f"{'rule':<36} {'TP':>4} {'FP':>4} {'FN':>4} {'precision':>9} {'recall':>7}"]
    rows = [*result.rules.items(), ("overall (micro)", result.overall)]
    for name, tally in rows:
        lines.append(
            f"{name:<36} {tally.true_positives:>4} {tally.false_positives:>4} "
            f"{tally.false_negatives:>4} {tally.precision:>9.2f} {tally.recall:>7.2f}"
        )
    share = result.clean_with_false_alarm / result.clean if result.clean else 0.0
    lines.append(
        f"clean contracts: {result.clean}, with any false alarm: "
        f"{result.clean_with_false_alarm} ({share:.0%})"
    )
    lines.append(f"contracts: {result.contracts}, contract types: {len(result.types)}")
    if result.failed:
        lines.append(f"contracts that could not be rendered or read: {len(result.failed)}")
    return "\n".join(lines)


def misclassified(result: Result) -> str:
    lines = ["misclassified:"]
    for wrong in result.wrong:
        lines.append(f"  {wrong.name} ({wrong.kind} {wrong.rule})")
        lines += [f"      {detail}" for detail in wrong.details]
    for name, error in result.failed:
        lines.append(f"  {name}: not rendered or read: {error}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--split", choices=(*SPLITS, "both"), default="both")
    parser.add_argument("--list-dev", action="store_true", help="list misclassified dev files")
    parser.add_argument("--corpus", type=Path, default=CORPUS, help=argparse.SUPPRESS)
    parser.add_argument("--no-cache", action="store_true", help="render every file anew")
    args = parser.parse_args(argv)
    limits = default_limits()
    cache = None if args.no_cache else CACHE
    failures = 0
    for split in SPLITS if args.split == "both" else (args.split,):
        files, unlabelled = contracts(split, args.corpus)
        for fmt in FORMATS:
            started = time.perf_counter()
            result = evaluate(files, fmt, limits, cache)
            took = time.perf_counter() - started
            print(f"== {split} / {fmt} ==")
            print(figures(result))
            print(
                f"time: {took:.1f} s for {len(files)} contracts "
                f"({result.cached} rendered files from the cache)"
            )
            if unlabelled:
                print(f"sources without a label (not counted): {unlabelled}")
            if split == "dev" and args.list_dev:
                print(misclassified(result))
            elif split == "dev" and result.failed:
                print("not rendered or read:")
                print("\n".join(f"  {name}: {error}" for name, error in result.failed))
            failures += len(result.failed)
            print()
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
