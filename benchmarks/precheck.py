"""Time the pre-check on a contract of about fifty pages.

    .venv/bin/python -m benchmarks.precheck [--pages 50] [--repeat 5]

Builds the pages by repeating the corpus contracts (tests/fixtures/precheck) cut into
pages of about 1,500 characters, then times ``advisor.precheck.run`` and prints the
minimum and the median of the runs. The target is under 0.2 s.
"""

from __future__ import annotations

import argparse
import statistics
import time
from decimal import Decimal

from advisor.precheck import run
from advisor.precheck.report import corpus_files

PAGE_CHARACTERS = 1500


def build_pages(count: int) -> list[str]:
    text = "\n".join(path.read_text(encoding="utf-8") for path in corpus_files())
    while len(text) < count * PAGE_CHARACTERS:
        text += "\n" + text
    return [text[i * PAGE_CHARACTERS : (i + 1) * PAGE_CHARACTERS] for i in range(count)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=50)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    pages = build_pages(args.pages)
    times = []
    hits = 0
    for _ in range(args.repeat):
        started = time.perf_counter()
        hits = len(run(pages, contract_type="lease", amount=Decimal("180000.00")))
        times.append(time.perf_counter() - started)
    characters = sum(len(page) for page in pages)
    print(f"{len(pages)} pages, {characters} characters, {hits} hits")
    print(f"run: min {min(times):.3f} s, median {statistics.median(times):.3f} s")


if __name__ == "__main__":
    main()
