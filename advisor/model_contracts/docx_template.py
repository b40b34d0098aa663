"""Model contract templates in Word: the fill-in fields a bureau clerk marked, and filling them.

A field is marked in either of two ways a clerk can produce in Word:

- text in full-width brackets, 【学校名称】, labelled by the text inside. An empty bracket
  (only spaces or underscores) takes its label from the words just before it in the
  same paragraph (甲方：【   】 → 甲方), else 空白1, 空白2… in document order. A bracket
  with words at the start of a paragraph (after a clause number, if any) followed by
  more words is a clause heading (【付款方式】甲方应于…), not a field, unless its words
  are highlighted; words in parentheses do not count (【学校名称】（盖章） is a field).
- a highlighted or shaded run (w:highlight, or w:shd with a fill other than auto, none
  or white): the highlighted text is the label; adjacent runs highlighted in the same
  colour are one field. A highlight over a bracket only stresses the bracket's field.

Fields are looked for in the paragraphs of headers, then the body (tables and text boxes
included), then footers: the order a page is read. Text split over several runs, as Word
leaves it, is read as one text. A field may appear in several places; filling it fills
all of them. A newline in a value becomes a line break (w:br), a tab a tab.

A clause is marked negotiable by （可协商）, (可协商) or 【可协商】 in its heading line;
the marks are not fields.
"""

from __future__ import annotations

import bisect
import io
import itertools
import re
from collections.abc import Iterator, Mapping
from copy import deepcopy
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from advisor.contracts.extraction import ZIP_MAGIC, Limits, Refused, check_word_package

if TYPE_CHECKING:  # python-docx is imported on first use, not with the application
    from docx.document import Document

_NAMESPACES = {
    "w": "http://schemas.openxmlformats.org/wordprocessingml/2006/main",
    "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
    "xml": "http://www.w3.org/XML/1998/namespace",
}


def qn(tag: str) -> str:
    """python-docx's qn: w:p as {namespace}p."""
    prefix, name = tag.split(":")
    return f"{{{_NAMESPACES[prefix]}}}{name}"


MAX_FIELDS = 200
MAX_PLACES = 1000  # bounds the work on one upload; no real template comes near

_MESSAGES = {
    "not_word": "The file is not a Word document (.docx).",
    "corrupt": "The Word document is damaged and cannot be read.",
    "unsafe": "The Word document was refused as unsafe: it declares XML entities or unpacks "
    "to far more than its size.",
    "too_many_fields": f"The template has more than {MAX_FIELDS} different fields "
    f"or {MAX_PLACES} places to fill.",
}


class TemplateError(Exception):
    """The template cannot be used; ``code`` is "not_word", "corrupt", "unsafe" or
    "too_many_fields", and the message says so in plain English."""

    def __init__(self, code: str) -> None:
        super().__init__(_MESSAGES[code])
        self.code = code


@dataclass(frozen=True, slots=True)
class Field:
    """One fill-in field of a template."""

    label: str  # also the key of its value when filling
    kind: str  # "amount", "amount_words", "date", "number" or "text"
    count: int  # how many places in the document carry it


# --- opening the package --------------------------------------------------------------


# extraction's refusals of a package, as this module's codes
_REFUSALS = {"not_word": "not_word", "zip_bomb": "unsafe", "xml_entities": "unsafe"}


def _open(data: bytes) -> Document:
    """The document, after the checks ``extraction.read_docx`` makes on an upload: a zip
    with a Word body, no zip bomb by its default Limits, no XML entities in any part."""
    if not data.startswith(ZIP_MAGIC):
        raise TemplateError("not_word")
    try:
        check_word_package(data, Limits())
    except Refused as refusal:
        raise TemplateError(_REFUSALS.get(refusal.code, "corrupt")) from refusal
    try:
        import docx

        return docx.Document(io.BytesIO(data))
    except ValueError as error:  # python-docx: the main part is not a document (.dotx, .docm)
        raise TemplateError("not_word" if "not a Word file" in str(error) else "corrupt") from error
    except Exception as error:  # python-docx raises many kinds on a damaged package
        raise TemplateError("corrupt") from error


# --- the text of a paragraph, run by run ----------------------------------------------

W_P, W_R, W_T, W_RPR = qn("w:p"), qn("w:r"), qn("w:t"), qn("w:rPr")
W_TAB, W_BR, W_CR = qn("w:tab"), qn("w:br"), qn("w:cr")
W_HIGHLIGHT, W_SHD = qn("w:highlight"), qn("w:shd")
_SKIPPED_RUNS = {W_P, qn("w:del"), qn("w:moveFrom")}  # another paragraph's, or deleted text
_ZERO_WIDTH = {W_RPR, qn("w:lastRenderedPageBreak")}
FALLBACK = "{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback"
BLOCK = "\ufffc"  # stands for a picture, a field code or anything else that is not text


@dataclass(frozen=True, slots=True)
class _Atom:
    """One piece of a paragraph's text: a w:t, or one character for a tab, a break or a
    block, at ``start`` in the paragraph's text."""

    run: Any
    element: Any
    start: int
    text: str

    @property
    def end(self) -> int:
        return self.start + len(self.text)


def _runs(paragraph: Any) -> list[Any]:
    """The paragraph's own runs, inside hyperlinks, insertions and content controls too."""
    runs = []
    for run in paragraph.iter(W_R):
        node = run.getparent()
        while node is not paragraph and node.tag not in _SKIPPED_RUNS:
            node = node.getparent()
        if node is paragraph:
            runs.append(run)
    return runs


def _atoms(paragraph: Any) -> list[_Atom]:
    atoms: list[_Atom] = []
    start = 0
    for run in _runs(paragraph):
        for child in run:
            if child.tag in _ZERO_WIDTH:
                continue
            if child.tag == W_T:
                text = child.text or ""
            elif child.tag == W_TAB:
                text = "\t"
            elif child.tag in (W_BR, W_CR):
                text = "\n"
            else:
                text = BLOCK
            if text:
                atoms.append(_Atom(run, child, start, text))
                start += len(text)
    return atoms


def _highlight(run: Any) -> str:
    """The run's highlight colour or shading fill, "" if it has neither."""
    properties = run.find(W_RPR)
    if properties is None:
        return ""
    highlight = properties.find(W_HIGHLIGHT)
    if highlight is not None and highlight.get(qn("w:val"), "none") != "none":
        return str(highlight.get(qn("w:val")))
    shading = properties.find(W_SHD)
    # White shading comes with text pasted from web pages; it marks nothing.
    fill = "auto" if shading is None else str(shading.get(qn("w:fill"), "auto")).lower()
    return "" if fill in ("auto", "none", "", "ffffff") else f"shading {fill}"


def _highlights(atoms: list[_Atom]) -> list[tuple[int, int]]:
    """Stretches of highlighted text: adjacent runs highlighted alike make one stretch."""
    spans: list[tuple[int, int, str]] = []
    for atom in atoms:
        colour = "" if atom.text == BLOCK else _highlight(atom.run)
        if not colour:
            continue
        if spans and spans[-1][1:] == (atom.start, colour):
            spans[-1] = (spans[-1][0], atom.end, colour)
        else:
            spans.append((atom.start, atom.end, colour))
    return [(start, end) for start, end, _ in spans]


# --- where the fields are ---------------------------------------------------------------

CLAUSE_NUMBER = (
    r"第[一二三四五六七八九十百千零〇两\d]+[条章节款]"
    r"|[一二三四五六七八九十百零〇]+[、．.]"
    r"|\d+(?:[.．]\d+)*(?:[.．、]|\s)"
    r"|[（(][一二三四五六七八九十\d]+[）)]"
)
_CLAUSE_START = re.compile(rf"\s*({CLAUSE_NUMBER})")
_BRACKET = re.compile(rf"【([^【】\n{BLOCK}]*)】")
_HEADING = re.compile(rf"\s*(?:(?:{CLAUSE_NUMBER})\s*)?【")
_MARK = re.compile(r"[（(【]\s*可协商\s*[）)】]")
_BLANK = re.compile(r"[\s_]*")
_WORD = re.compile(r"[^\W_]")
_ASIDE = re.compile(r"[（(][^（）()]*[）)]")  # 【学校名称】（盖章） is a field, not a heading
_WORDS_BEFORE = re.compile(r"[^\W_]+(?:[（(][^\W_]+[）)])?$")
MAX_GUESSED_LABEL = 20


def _clean(text: str) -> str:
    """A label as shown: spacing collapsed; only spaces or underscores make it blank."""
    return "" if _BLANK.fullmatch(text) else " ".join(text.split())


def _is_mark(label: str) -> bool:
    return _MARK.fullmatch(label) is not None or label == "可协商"


def _words_before(text: str) -> str:
    """The words just before a blank: 甲方 in "甲方：", 乙方（盖章） in "乙方（盖章）："."""
    found = _WORDS_BEFORE.search(text[-2 * MAX_GUESSED_LABEL :].rstrip(" \t\u3000:："))
    return found.group()[-MAX_GUESSED_LABEL:] if found else ""


def _spans(text: str, highlights: list[tuple[int, int]]) -> list[tuple[int, int, str]]:
    """(start, end, label) of each field in a paragraph's text, in order; label "" for
    a blank with no words before it."""
    brackets = list(_BRACKET.finditer(text))
    heading = _HEADING.match(text)
    found: list[tuple[int, int, str]] = []
    for bracket in brackets:
        label = _clean(bracket.group(1))
        if _is_mark(label):
            continue
        is_heading = (
            bool(label)
            and heading is not None
            and heading.end() == bracket.start() + 1
            and _WORD.search(_ASIDE.sub("", text[bracket.end() :])) is not None
        )
        highlighted = any(a < bracket.end(1) and bracket.start(1) < b for a, b in highlights)
        if not is_heading or highlighted:
            found.append((bracket.start(), bracket.end(), label))
    for start, end in highlights:
        # A highlight over a bracket only stresses it; the bracket is the field.
        if not any(start < b.end() and b.start() < end for b in brackets):
            label = _clean(text[start:end])
            if not _is_mark(label):
                found.append((start, end, label))
    found.sort()
    ends = sorted({end for _, end, _ in found} | {b.end() for b in brackets})
    spans = []
    for start, end, label in found:
        if not label:
            before = bisect.bisect_right(ends, start)
            label = _words_before(text[ends[before - 1] if before else 0 : start])
        spans.append((start, end, label))
    return spans


def _paragraphs(document: Document) -> Iterator[Any]:
    """Every paragraph in headers, the body and footers, each part once. Fallback copies
    of text boxes (mc:Fallback, for old readers) are left alone: Word shows the other."""
    found: dict[str, list[Any]] = {qn("w:headerReference"): [], qn("w:footerReference"): []}
    parts = document.part.related_parts
    for section in document.element.body.iter(qn("w:sectPr")):
        for reference in section:
            root = getattr(parts.get(reference.get(qn("r:id"))), "element", None)
            seen = [*itertools.chain(*found.values())]
            if reference.tag in found and root is not None and all(root is not r for r in seen):
                found[reference.tag].append(root)
    headers, footers = found.values()
    for root in [*headers, document.element.body, *footers]:
        for paragraph in root.iter(W_P):
            if next(paragraph.iterancestors(FALLBACK), None) is None:
                yield paragraph


@dataclass(frozen=True, slots=True)
class _Place:
    paragraph: Any
    start: int
    end: int
    label: str


def _places(document: Document) -> list[_Place]:
    """Every place a field stands, in document order; TemplateError past MAX_FIELDS
    labels or MAX_PLACES places."""
    places: list[_Place] = []
    labels: set[str] = set()
    blanks = itertools.count(1)
    for paragraph in _paragraphs(document):
        atoms = _atoms(paragraph)
        text = "".join(atom.text for atom in atoms)
        for start, end, label in _spans(text, _highlights(atoms)):
            label = label or f"空白{next(blanks)}"
            labels.add(label)
            if len(labels) > MAX_FIELDS or len(places) >= MAX_PLACES:
                raise TemplateError("too_many_fields")
            places.append(_Place(paragraph, start, end, label))
    return places


_KINDS = (
    ("amount_words", ("大写",)),
    ("amount", ("金额", "价款", "价格", "总价", "费用", "单价")),
    ("date", ("日期", "时间", "签订日", "起始", "截止")),
    ("number", ("数量", "人数", "份数", "天数", "期限（月）", "期限(月)")),
)


def kind_of(label: str) -> str:
    """The kind of input a label asks for, by its words; the first kind listed wins."""
    for kind, words in _KINDS:
        if any(word in label for word in words):
            return kind
    return "text"


def read_fields(data: bytes) -> list[Field]:
    """The template's fields in document order, one per label; TemplateError if the file
    is refused or has more than MAX_FIELDS fields."""
    counts: dict[str, int] = {}
    for place in _places(_open(data)):
        counts[place.label] = counts.get(place.label, 0) + 1
    return [Field(label, kind_of(label), count) for label, count in counts.items()]


def negotiable_marks(data: bytes) -> set[str]:
    """The clause numbers, as written (第五条, 五、, 5.), of the heading lines that carry
    a negotiable mark. A mark in a paragraph that starts with no clause number is not
    reported."""
    numbers: set[str] = set()
    for paragraph in _paragraphs(_open(data)):
        line = "".join(atom.text for atom in _atoms(paragraph)).split("\n", 1)[0]
        if _MARK.search(line) and (number := _CLAUSE_START.match(line)):
            numbers.add(number.group(1).strip())
    return numbers


# --- filling ----------------------------------------------------------------------------

# What XML 1.0 cannot hold or Word refuses: controls but tab and newline, lone surrogates
# (a str can carry them), U+FFFE and U+FFFF.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")


def clean_value(value: str) -> str:
    """A value as written into the document: line ends as "\\n", characters XML cannot
    hold dropped, surrounding space stripped."""
    return _NOT_XML.sub("", value.replace("\r\n", "\n").replace("\r", "\n")).strip()


def fill(data: bytes, values: Mapping[str, str]) -> bytes:
    """The document with each field replaced by values[label] in the run formatting of the
    field's first run, brackets and highlight removed; fields without a value (missing or
    blank) stay as they were. TemplateError as read_fields."""
    document = _open(data)
    wanted = {label: clean_value(value) for label, value in values.items()}
    for paragraph, group in itertools.groupby(_places(document), lambda p: p.paragraph):
        _fill_paragraph(paragraph, list(group), wanted)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def _fill_paragraph(paragraph: Any, places: list[_Place], values: Mapping[str, str]) -> None:
    """Replace the places that have a value, from the last: the text before a place, and
    so the offsets of the places before it, stay as they were read."""
    atoms = _atoms(paragraph)
    for place in reversed(places):
        if not values.get(place.label):
            continue
        inside: list[_Atom] = []
        following = None
        while atoms and atoms[-1].end > place.start:
            atom = atoms.pop()
            if atom.start < place.end:
                inside.insert(0, atom)
            else:
                following = atom
        head = _replace(inside, following, place.start, place.end, values[place.label])
        if head is not None:
            atoms.append(head)


def _replace(
    inside: list[_Atom], following: _Atom | None, start: int, end: int, value: str
) -> _Atom | None:
    """Put a run with ``value`` where the text from ``start`` to ``end`` stands (``inside``
    the atoms that hold it), cutting the runs at both ends; the atom left before ``start``
    when a w:t is cut there."""
    first, last = inside[0], inside[-1]
    if last.end > end:
        tail = _text(last.run, last.text[end - last.start :])
        _set_text(last.element, last.text[: end - last.start])
        last.element.addnext(tail)
        _split_run_before(tail)
    elif following is not None and following.run is last.run:
        _split_run_before(following.element)
    head = None
    anchor = first.element
    if first.start < start:
        text, cut = first.element.text, start - first.start  # text as cut at the end
        anchor = _text(first.run, text[cut:])
        _set_text(first.element, text[:cut])
        first.element.addnext(anchor)
        head = _Atom(first.run, first.element, first.start, text[:cut])
    own = _split_run_before(anchor)
    runs = dict.fromkeys([own, *(atom.run for atom in inside if atom.run is not first.run)])
    own.addprevious(_new_run(first.run, value))
    for run in runs:
        run.getparent().remove(run)
    return head


def _split_run_before(child: Any) -> Any:
    """The run that holds ``child`` and what follows it in its run: a new one just after
    with the same formatting, unless ``child`` comes first in its run."""
    run = child.getparent()
    if all(sibling.tag in _ZERO_WIDTH for sibling in child.itersiblings(preceding=True)):
        return run
    twin = run.makeelement(run.tag, dict(run.attrib))
    properties = run.find(W_RPR)
    if properties is not None:
        twin.append(deepcopy(properties))
    for moved in [child, *child.itersiblings()]:
        twin.append(moved)
    run.addnext(twin)
    return twin


def _new_run(first: Any, value: str) -> Any:
    """A run holding ``value`` formatted as ``first`` without highlight or shading."""
    run = first.makeelement(W_R, {})
    properties = first.find(W_RPR)
    if properties is not None:
        properties = deepcopy(properties)
        for mark in [*properties.findall(W_HIGHLIGHT), *properties.findall(W_SHD)]:
            properties.remove(mark)
        run.append(properties)
    for number, line in enumerate(value.split("\n")):
        if number:
            run.append(run.makeelement(W_BR, {}))
        for index, piece in enumerate(line.split("\t")):
            if index:
                run.append(run.makeelement(W_TAB, {}))
            if piece:
                run.append(_text(run, piece))
    return run


def _text(near: Any, text: str) -> Any:
    element = near.makeelement(W_T, {})
    _set_text(element, text)
    return element


def _set_text(element: Any, text: str) -> None:
    element.text = text
    element.set(qn("xml:space"), "preserve")
