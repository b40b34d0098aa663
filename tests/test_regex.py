"""advisor.regex: the first characters of a pattern read right, and a quick pattern finding
exactly what the pattern finds, for every pattern of the pre-check and the amounts."""

from __future__ import annotations

import importlib
import pkgutil
import random
import re
from pathlib import Path

import pytest

import advisor.amounts
import advisor.precheck
from advisor.regex import first_characters, quick

FIXTURES = Path(__file__).parent / "fixtures" / "precheck"


@pytest.mark.parametrize(
    ("pattern", "first"),
    [
        (r"违约金", "[违]"),
        (r"[（(]\s*[）)]|××", r"[（\(×]"),
        (r"(?<![A-Za-z])(?:GB|ISO)\s*\d", "[GI]"),
        (r"(?:甲|乙)?方", "[甲乙方]"),  # an optional start: what follows may start a match
        (r"(?P<year>\d{4})?[ \t]*年", r"[\d\x20\x09年]"),
        (r"(?:^|(?<=，))定金(?!额)", "[定]"),  # anchors and lookarounds take no character
        (r"a(?=b)|[x-z]+c", "[ax-z]"),
    ],
)
def test_first_characters(pattern: str, first: str) -> None:
    assert first_characters(re.compile(pattern)) == first


@pytest.mark.parametrize(
    "pattern",
    [
        r"a?",  # may match nothing, anywhere
        r"(?:x|)y?",
        r"[^。；]+",  # starts with almost any character
        r".定金",
        r"(a)?\1",  # a back-reference may come first
        r"(?i)gb\d",  # case-insensitive: the set would have to hold both cases
    ],
)
def test_first_characters_unknown(pattern: str) -> None:
    compiled = re.compile(pattern)
    assert first_characters(compiled) is None
    assert quick(compiled) is compiled


def _patterns() -> list[tuple[str, re.Pattern[str]]]:
    modules = [advisor.amounts] + [
        importlib.import_module(info.name)
        for info in pkgutil.walk_packages(advisor.precheck.__path__, "advisor.precheck.")
    ]
    found = {}
    for module in modules:
        for name, value in vars(module).items():
            if isinstance(value, re.Pattern) and isinstance(value.pattern, str):
                found[f"{module.__name__}.{name}"] = value
    return sorted(found.items())


PATTERNS = _patterns()


def _texts() -> list[str]:
    """Some pre-check fixtures, and noise made of the characters the patterns name."""
    texts = [path.read_text(encoding="utf-8") for path in sorted(FIXTURES.glob("*.txt"))[::6]]
    alphabet = sorted({c for _, p in PATTERNS for c in p.pattern if not c.isascii()})
    alphabet += list("0123456789 \t\n\f,.:;()|_Xx%¥GBT/-")
    rng = random.Random(19)
    texts += ["".join(rng.choices(alphabet, k=400)) for _ in range(20)]
    return texts


TEXTS = _texts()


def test_the_pre_check_has_patterns_to_check() -> None:
    assert len(PATTERNS) > 100
    assert sum(first_characters(p) is not None for _, p in PATTERNS) > 50
    quick_ones = [name for name, p in PATTERNS if _unguarded(p) is not p]
    assert "advisor.precheck.rules.essentials._QUALITY" in quick_ones
    assert "advisor.amounts._FIGURE" in quick_ones


def _unguarded(pattern: re.Pattern[str]) -> re.Pattern[str]:
    """The pattern a module passed to quick(), for those it keeps only as quick patterns."""
    guarded = re.fullmatch(r"\(\?=\[(?:[^\]\\]|\\.)*\]\)\(\?:(.*)\)", pattern.pattern, re.S)
    return re.compile(guarded[1], pattern.flags) if guarded else pattern


@pytest.mark.parametrize(("name", "pattern"), PATTERNS, ids=[name for name, _ in PATTERNS])
def test_quick_finds_what_the_pattern_finds(name: str, pattern: re.Pattern[str]) -> None:
    pattern = _unguarded(pattern)
    fast = quick(pattern)
    assert fast.groupindex == pattern.groupindex
    for text in TEXTS:
        assert [m.span() for m in fast.finditer(text)] == [m.span() for m in pattern.finditer(text)]
        assert [m.groups() for m in fast.finditer(text, 7, len(text) - 5)] == [
            m.groups() for m in pattern.finditer(text, 7, len(text) - 5)
        ]
        assert fast.sub("", text) == pattern.sub("", text)
