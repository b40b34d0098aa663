"""Line comparison of two versions' texts, for the page and the API."""

from __future__ import annotations

import difflib
from dataclasses import asdict, dataclass
from typing import Any


@dataclass(frozen=True, slots=True)
class Change:
    op: str  # "equal", "insert", "delete" or "replace"
    from_line: int  # 1-based first line in the older text
    to_line: int  # 1-based first line in the newer text
    removed: list[str]
    added: list[str]

    def as_json(self) -> dict[str, Any]:
        return asdict(self)


def _lines(pages: list[str]) -> list[str]:
    """Non-blank lines with their spacing made single: versions read by different
    extractors (or by pypdf's plain and layout modes) differ in indentation and spaces."""
    return [" ".join(line.split()) for page in pages for line in page.splitlines() if line.strip()]


def compare(old_pages: list[str], new_pages: list[str], *, context: bool = False) -> list[Change]:
    """The changed blocks between two texts (with ``context``, the unchanged ones too)."""
    old, new = _lines(old_pages), _lines(new_pages)
    matcher = difflib.SequenceMatcher(a=old, b=new, autojunk=False)
    changes = []
    for op, a1, a2, b1, b2 in matcher.get_opcodes():
        if op == "equal" and not context:
            continue
        changes.append(Change(op, a1 + 1, b1 + 1, old[a1:a2], new[b1:b2]))
    return changes
