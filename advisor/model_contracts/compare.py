"""What a returned contract changed in a model contract, clause by clause.

A school starts from a bureau template; the counterparty returns its version as a PDF or a
Word file. Both are read with the pre-check's parser (``precheck.structure``) into their
top-level clauses, each with its sub-clauses, plus the part before the first clause (title,
parties) and the signature block. Template clauses are matched to uploaded clauses by
heading, then by identical text, then by number when the texts are similar, then by
similar text alone, so that a clause the school inserted (and the renumbering it causes)
does not make every later clause look changed. Each matched pair is compared on its text
normalised for comparison only:

- whitespace is dropped except a single space between two Latin letters or digits (a PDF
  breaks lines and spaces characters where a Word file does not);
- full-width and half-width forms compare alike (NFKC), and so do curly and straight
  quotes; control and zero-width characters are left out;
- page-number lines (第 1 页 共 3 页, - 2 -, 2/3, a bare number ending a page) are dropped;
- a clause's own number is left out, so 第五条 renumbered 第六条 is not a change.

Texts shown keep the characters as read, with whitespace collapsed (a run holding a line
break becomes one line break, any other run one space). A changed clause carries a
character-level diff in runs (equal / delete / insert), found sentence by sentence first,
so that no comparison runs over a whole document.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from difflib import SequenceMatcher
from functools import lru_cache

from advisor.precheck import structure
from advisor.precheck.base import make_context

SIMILAR = 0.6  # difflib ratio from which two clauses are taken to be the same clause
WINDOW = 12  # uploaded clauses tried for one template clause when matching by similarity
CHAR_DIFF_BUDGET = 4_000_000  # a longer pair of sentence blocks is shown as replaced whole
REWRITTEN = 0.5  # sentence blocks less alike than this are shown as replaced whole
SIGNATURE_HEADING = "签署"


@dataclass(frozen=True, slots=True)
class Piece:
    op: str  # "equal", "insert" (only in the upload) or "delete" (only in the template)
    text: str


@dataclass(frozen=True, slots=True)
class TemplateClause:
    outline: str  # "" for the head part (title, parties) and the signature block
    heading: str  # 违约责任; "" if none; 签署 for the signature block
    text: str  # the whole clause with its sub-clauses, whitespace collapsed


@dataclass(frozen=True, slots=True)
class ClauseChange:
    kind: str  # "unchanged", "changed", "deleted", "added"
    outline: str  # the template clause's; an added clause's own outline in the upload
    heading: str
    fixed: bool  # a fixed clause of the template; False for added clauses and unnumbered parts
    template_text: str  # "" for added
    uploaded_text: str  # "" for deleted
    pieces: tuple[Piece, ...]  # the diff of a "changed" clause, its number left out


# --- reading the parts of a contract ----------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Part:
    role: str  # "head", "clause" or "signature"
    outline: str
    heading: str
    text: str  # shown: the whole part
    body: str  # shown: the part without its own number, which is what is compared
    key: str  # ``body`` normalised for comparison
    where: tuple[int, ...]  # for each character of ``key``, its offset in ``body``
    heading_key: str


_LINE_SPACE = "[ \t\u3000]*"
_PAGE_NUMBER = re.compile(
    rf"{_LINE_SPACE}(?:"
    r"第\s*[\d一二三四五六七八九十百零〇]+\s*页(?:\s*[,，/／、]?\s*共\s*[\d一二三四五六七八九十百零〇]+\s*页)?"
    r"|共\s*\d+\s*页\s*[,，、]?\s*第\s*\d+\s*页"
    r"|[-－—–]\s*\d{1,4}\s*[-－—–]"
    r"|\d{1,4}\s*[/／]\s*\d{1,4}"
    r"|[Pp]age\s*\d+(?:\s*(?:of|/)\s*\d+)?"
    rf"){_LINE_SPACE}"
)
_BARE_NUMBER = re.compile(rf"{_LINE_SPACE}\d{{1,4}}{_LINE_SPACE}")


def _without_page_numbers(page: str) -> str:
    """The page without its page-number lines: any line that is only a page number in a
    usual form, and a bare number as the first or last line with text. They go before the
    pages are joined, so that a sentence wrapped over a page break joins up again."""
    lines = page.split("\n")
    dropped = {at for at, line in enumerate(lines) if _PAGE_NUMBER.fullmatch(line)}
    filled = [at for at, line in enumerate(lines) if line.strip() and at not in dropped]
    for at in {filled[0], filled[-1]} if filled else set():
        if _BARE_NUMBER.fullmatch(lines[at]):
            dropped.add(at)
    return "\n".join(line for at, line in enumerate(lines) if at not in dropped)


# Characters never shown: C0/C1 controls other than whitespace, bidirectional overrides.
_HIDDEN = re.compile("[\x00-\x08\x0e-\x1f\x7f-\x84\x86-\x9f\u202a-\u202e\u2066-\u2069]")
_SURROGATE = re.compile("[\ud800-\udfff]")
_SPACES = re.compile(r"\s+")


def _shown(raw: str) -> str:
    """``raw`` as displayed: lone surrogates replaced (they cannot be encoded), controls
    dropped, each run of whitespace made one line break if it holds one, else one space."""
    text = _HIDDEN.sub("", _SURROGATE.sub("\ufffd", raw))
    return _SPACES.sub(lambda m: "\n" if "\n" in m[0] or "\f" in m[0] else " ", text).strip()


_ALIKE = str.maketrans({"“": '"', "”": '"', "„": '"', "‘": "'", "’": "'", "\ufffd": ""})


@lru_cache(maxsize=65536)
def _comparable(char: str) -> str:
    """One shown character as compared: NFKC, quotes made straight, invisible ones dropped."""
    folded = unicodedata.normalize("NFKC", char).translate(_ALIKE)
    return "".join(c for c in folded if unicodedata.category(c) not in {"Cc", "Cf", "Cs", "Zs"})


def _is_latin(char: str) -> bool:
    return char.isascii() and char.isalnum()


def _key(shown: str) -> tuple[str, tuple[int, ...]]:
    """``shown`` normalised for comparison, with the offset in ``shown`` of each character.
    Whitespace is kept, as one space, only between two Latin letters or digits."""
    chars: list[str] = []
    where: list[int] = []
    space = -1  # where the whitespace before the current character is, if there is any
    for at, char in enumerate(shown):
        if char.isspace():
            space = at
            continue
        for folded in _comparable(char):
            if space >= 0 and chars and _is_latin(chars[-1]) and _is_latin(folded):
                chars.append(" ")
                where.append(space)
            space = -1
            chars.append(folded)
            where.append(at)
    return "".join(chars), tuple(where)


def _heading_key(heading: str) -> str:
    folded = unicodedata.normalize("NFKC", _SURROGATE.sub("", heading))
    return "".join(c for c in folded if unicodedata.category(c)[0] not in "PZC")


def _part(role: str, raw: str, outline: str = "", heading: str = "", number: str = "") -> _Part:
    body_raw = raw
    if number and raw.startswith(number):
        body_raw = raw[len(number) :].lstrip(" \t\u3000.．、\n")
    body = _shown(body_raw)
    key, where = _key(body)
    return _Part(role, outline, heading, _shown(raw), body, key, where, _heading_key(heading))


def _parts(pages: Sequence[str]) -> list[_Part]:
    """The head part (if it has text to compare), the top-level clauses, the signature
    block (if the parser finds one and it has text), in the order of the document."""
    cleaned = tuple(_without_page_numbers(page) for page in pages)
    text = make_context(cleaned, "", None).text
    found = structure.read(text)
    stop = len(text) if found.signature is None else found.signature
    tops = [clause for clause in found.clauses if clause.level == 1]
    parts: list[_Part] = []
    head = _part("head", text[: tops[0].start if tops else stop])
    if head.key:
        parts.append(head)
    for clause in tops:
        raw = text[clause.start : clause.end]
        outline = found.outline(clause)
        parts.append(_part("clause", raw, outline, clause.heading, clause.number))
    if found.signature is not None:
        signature = _part("signature", text[stop:], heading=SIGNATURE_HEADING)
        if signature.key:
            parts.append(signature)
    return parts


def clauses_of(pages: Sequence[str]) -> list[TemplateClause]:
    """A contract's parts as a template lists them: the head part (title, parties) first
    when it has text, each top-level clause with its sub-clauses, and the signature block
    (outline "", heading 签署) when the parser finds one."""
    return [TemplateClause(part.outline, part.heading, part.text) for part in _parts(pages)]


# --- matching template clauses to uploaded ones -----------------------------------------------


class _Likeness:
    """difflib's ratio of one key to others, its cheap upper bounds tried first (difflib
    keeps what it learnt of the second sequence between comparisons)."""

    def __init__(self, key: str) -> None:
        self._matcher = SequenceMatcher(None, "", key, autojunk=False)
        self._empty = not key

    def to(self, other: str) -> float:
        if self._empty or not other:
            return 0.0
        self._matcher.set_seq1(other)
        matcher = self._matcher
        if matcher.real_quick_ratio() < SIMILAR or matcher.quick_ratio() < SIMILAR:
            return 0.0
        return matcher.ratio()


def _align(template: list[_Part], uploaded: list[_Part]) -> dict[int, int]:
    """Template part index → uploaded part index, for the parts that are the same part."""
    pairs: dict[int, int] = {}
    taken: set[int] = set()

    def pair(at: int, to: int) -> None:
        pairs[at] = to
        taken.add(to)

    for role in ("head", "signature"):
        mine = next((i for i, p in enumerate(template) if p.role == role), None)
        theirs = next((j for j, p in enumerate(uploaded) if p.role == role), None)
        if mine is not None and theirs is not None:
            pair(mine, theirs)
    clauses = [j for j, part in enumerate(uploaded) if part.role == "clause"]

    def is_open(at: int) -> bool:
        return at not in pairs and template[at].role == "clause"

    # 1. the same heading; of several, the one with the same number, else the first
    by_heading: dict[str, list[int]] = {}
    for j in clauses:
        if uploaded[j].heading_key:
            by_heading.setdefault(uploaded[j].heading_key, []).append(j)
    for at, part in enumerate(template):
        if not is_open(at) or not part.heading_key:
            continue
        candidates = [j for j in by_heading.get(part.heading_key, ()) if j not in taken]
        same = [j for j in candidates if uploaded[j].outline == part.outline]
        if candidates:
            pair(at, (same or candidates)[0])
    # 2. the same text
    by_text: dict[str, list[int]] = {}
    for j in clauses:
        if j not in taken and uploaded[j].key:
            by_text.setdefault(uploaded[j].key, []).append(j)
    for at, part in enumerate(template):
        if is_open(at) and part.key:
            candidates = [j for j in by_text.get(part.key, ()) if j not in taken]
            if candidates:
                pair(at, candidates[0])
    # 3. the same number, when the texts are similar
    by_outline: dict[str, int] = {}
    for j in clauses:
        by_outline.setdefault(uploaded[j].outline, j)
    for at, part in enumerate(template):
        j = by_outline.get(part.outline, -1)
        open_pair = is_open(at) and j >= 0 and j not in taken
        if open_pair and _Likeness(part.key).to(uploaded[j].key) >= SIMILAR:
            pair(at, j)
    # 4. similar text, looked for between the matches before and after, nearest first
    for at, part in enumerate(template):
        if not is_open(at):
            continue
        before = max(((i, pairs[i]) for i in pairs if i < at), default=(-1, -1))
        after = min((pairs[i] for i in pairs if i > at), default=len(uploaded))
        between = [j for j in clauses if j not in taken and before[1] < j < after]
        if before[1] >= after or not between:
            between = [j for j in clauses if j not in taken]
        expected = before[1] + at - before[0]
        nearest = sorted(between, key=lambda j: abs(j - expected))[:WINDOW]
        likeness = _Likeness(part.key)
        scored = [(likeness.to(uploaded[j].key), -j) for j in nearest]
        best = max(scored, default=(0.0, 0))
        if best[0] >= SIMILAR:
            pair(at, -best[1])
    return pairs


# --- the diff within a clause -----------------------------------------------------------------

_SENTENCE = re.compile(r"[^。；;！!？?]*[。；;！!？?]+|[^。；;！!？?]+")
_Op = tuple[str, int, int, int, int]


def _sentences(key: str) -> list[tuple[int, int]]:
    return [match.span() for match in _SENTENCE.finditer(key)]


def _char_ops(a: str, b: str, a0: int, b0: int) -> list[_Op]:
    """Opcodes over the characters of two differing stretches (at ``a0`` and ``b0`` in
    their keys). What they share at both ends is equal; a middle rewritten rather than
    edited (less than REWRITTEN alike) is one replacement, not scattered characters."""
    same = 0
    while same < min(len(a), len(b)) and a[same] == b[same]:
        same += 1
    tail = 0
    while tail < min(len(a), len(b)) - same and a[-1 - tail] == b[-1 - tail]:
        tail += 1
    middle_a, middle_b = a[same : len(a) - tail], b[same : len(b) - tail]
    ops: list[_Op] = [("equal", a0, a0 + same, b0, b0 + same)]
    a1, b1 = a0 + same, b0 + same
    a2, b2 = a1 + len(middle_a), b1 + len(middle_b)
    matcher = SequenceMatcher(None, middle_a, middle_b, autojunk=False)
    if (
        not middle_a
        or not middle_b
        or len(middle_a) * len(middle_b) > CHAR_DIFF_BUDGET
        or matcher.ratio() < REWRITTEN
    ):
        ops.append(("replace", a1, a2, b1, b2))
    else:
        ops.extend(
            (tag, a1 + i1, a1 + i2, b1 + j1, b1 + j2)
            for tag, i1, i2, j1, j2 in matcher.get_opcodes()
        )
    ops.append(("equal", a2, a2 + tail, b2, b2 + tail))
    return ops


def _ops(a: str, b: str) -> list[_Op]:
    """Opcodes over the characters of two keys: sentences are matched first, and the
    characters of the sentences that differ are compared among themselves."""
    sa, sb = _sentences(a), _sentences(b)

    def a_at(i: int) -> int:
        return sa[i][0] if i < len(sa) else len(a)

    def b_at(j: int) -> int:
        return sb[j][0] if j < len(sb) else len(b)

    matcher = SequenceMatcher(
        None, [a[s:e] for s, e in sa], [b[s:e] for s, e in sb], autojunk=False
    )
    ops: list[_Op] = []
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        a1, a2, b1, b2 = a_at(i1), a_at(i2), b_at(j1), b_at(j2)
        if tag == "replace":
            ops.extend(_char_ops(a[a1:a2], b[b1:b2], a1, b1))
        else:
            ops.append((tag, a1, a2, b1, b2))
    return [op for op in ops if op[1] < op[2] or op[3] < op[4]]


def _runs(ops: list[_Op]) -> list[_Op]:
    """Equal runs and changed runs, alternating: each changed run is one stretch of the
    template replaced by one stretch of the upload (either may be empty). A single equal
    character between two changes is taken into the change, which reads better."""
    runs: list[_Op] = []
    for index, (tag, i1, i2, j1, j2) in enumerate(ops):
        if i1 == i2 and j1 == j2:
            continue
        lone = (
            tag == "equal"
            and i2 - i1 <= 1
            and 0 < index < len(ops) - 1
            and ops[index - 1][0] != "equal"
            and ops[index + 1][0] != "equal"
        )
        kind = "equal" if tag == "equal" and not lone else "change"
        if runs and runs[-1][0] == kind:
            runs[-1] = (kind, runs[-1][1], i2, runs[-1][3], j2)
        else:
            runs.append((kind, i1, i2, j1, j2))
    return runs


def _tiled(part: _Part, ranges: list[tuple[bool, int, int]]) -> list[str]:
    """The shown text of each of ``ranges`` (equal or not, start, end in ``part.key``),
    which follow each other over the whole key: each range's own characters, and the
    spacing between two ranges given to the equal one (to the earlier if both are), so that
    a change is shown without the line breaks around it and the texts still add up to
    ``part.body``."""
    where = part.where
    spans = [[where[start], where[end - 1] + 1] for _, start, end in ranges]
    for index in range(1, len(spans)):
        if ranges[index - 1][0]:
            spans[index - 1][1] = spans[index][0]
        else:
            spans[index][0] = spans[index - 1][1]
        # one shown character compared as several (㈠ as (一)) may be cut by a change
        spans[index][0] = max(spans[index][0], spans[index - 1][1])
        spans[index][1] = max(spans[index][1], spans[index][0])
    if spans:
        spans[0][0], spans[-1][1] = 0, len(part.body)
    return [part.body[start:end] for start, end in spans]


def _pieces(mine: _Part, theirs: _Part) -> tuple[Piece, ...]:
    """The character diff of two parts' bodies: equal runs as the upload shows them,
    deleted runs as the template does, inserted runs as the upload does."""
    runs = _runs(_ops(mine.key, theirs.key))
    old = [(tag == "equal", i1, i2) for tag, i1, i2, _, _ in runs if i1 < i2]
    new = [(tag == "equal", j1, j2) for tag, _, _, j1, j2 in runs if j1 < j2]
    old_texts, new_texts = iter(_tiled(mine, old)), iter(_tiled(theirs, new))
    pieces: list[Piece] = []
    for tag, i1, i2, j1, j2 in runs:
        deleted = next(old_texts) if i1 < i2 else ""
        inserted = next(new_texts) if j1 < j2 else ""
        found = (
            [Piece("equal", inserted)]
            if tag == "equal"
            else [Piece("delete", deleted), Piece("insert", inserted)]
        )
        for piece in found:
            if not piece.text:
                continue
            if pieces and pieces[-1].op == piece.op:
                pieces[-1] = Piece(piece.op, pieces[-1].text + piece.text)
            else:
                pieces.append(piece)
    return tuple(pieces)


# --- the comparison ---------------------------------------------------------------------------


def _outline_key(outline: str) -> str:
    return _SPACES.sub("", outline)


def compare(
    template_pages: Sequence[str], uploaded_pages: Sequence[str], negotiable: Collection[str]
) -> list[ClauseChange]:
    """Every part of the template with what became of it in the upload, in the template's
    order; a clause only in the upload is "added" and placed after the template clause it
    follows in the upload (and after the template clauses deleted right after that one).
    ``negotiable``: the outlines of the clauses the school may change (第五条); every other
    numbered clause is fixed, the head part and the signature block are not."""
    template, uploaded = _parts(template_pages), _parts(uploaded_pages)
    pairs = _align(template, uploaded)
    free = {_outline_key(outline) for outline in negotiable}
    matched = {j: at for at, j in pairs.items()}
    # Each added part goes after the template part matched by the nearest part before it.
    added: dict[int, list[int]] = {}
    follows = -1
    for j in range(len(uploaded)):
        if j in matched:
            follows = matched[j]
        else:
            added.setdefault(follows, []).append(j)

    def additions(after: int) -> list[ClauseChange]:
        return [
            ClauseChange("added", part.outline, part.heading, False, "", part.text, ())
            for part in (uploaded[j] for j in added.get(after, ()))
        ]

    # Added parts wait for the template parts deleted after their place, as in a
    # replacement the old text comes before the new.
    changes: list[ClauseChange] = []
    waiting = additions(-1)
    for at, part in enumerate(template):
        fixed = part.role == "clause" and _outline_key(part.outline) not in free
        if at not in pairs:
            changes.append(
                ClauseChange("deleted", part.outline, part.heading, fixed, part.text, "", ())
            )
            continue
        changes.extend(waiting)
        theirs = uploaded[pairs[at]]
        same = part.key == theirs.key
        changes.append(
            ClauseChange(
                "unchanged" if same else "changed",
                part.outline,
                part.heading,
                fixed,
                part.text,
                theirs.text,
                () if same else _pieces(part, theirs),
            )
        )
        waiting = additions(at)
    changes.extend(waiting)
    return changes


def _review_group(change: ClauseChange) -> int:
    if change.fixed and change.kind in {"changed", "deleted"}:
        return 0
    if change.kind == "added":
        return 1
    if change.kind in {"changed", "deleted"}:
        return 2
    return 3


def ordered_for_review(changes: list[ClauseChange]) -> list[ClauseChange]:
    """What the advisor reads first: fixed clauses changed or deleted, then clauses the
    upload added, then the other changed or deleted parts (negotiable clauses, the head
    part, the signature block), then the unchanged; each group in its given order."""
    return sorted(changes, key=_review_group)
