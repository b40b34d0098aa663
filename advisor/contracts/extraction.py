"""Checking and reading uploaded contracts: PDF or Word decided by content, text page by page.

Parsing runs in a separate process with limits on pages, text size, wall time and
memory, so a hostile file can neither hang nor crash a web worker. The child only
returns plain data or an error code; the parent turns codes into user messages.
"""

from __future__ import annotations

import io
import logging
import multiprocessing
import os
import re
import resource
import textwrap
import warnings
import zipfile
from dataclasses import dataclass, field
from multiprocessing import context, forkserver, popen_forkserver, reduction, spawn, util
from multiprocessing.connection import Connection
from typing import Any

from advisor.office_xml import UnsafeXml, check_parts

PDF_MAGIC = b"%PDF-"
ZIP_MAGIC = b"PK\x03\x04"
# Photos and pictures a phone or scanner makes (JPEG, PNG, GIF, BMP, TIFF, WebP, HEIC):
# schools photograph a paper contract where a scan to PDF is wanted.
_IMAGE = re.compile(
    rb"\xff\xd8\xff|\x89PNG\r\n\x1a\n|GIF8[79]a|BM....\x00\x00\x00\x00|II\*\x00|MM\x00\*"
    rb"|RIFF....WEBP|....ftyp(?:heic|heix|hevc|heim|heis|mif1|msf1|avif)",
    re.DOTALL,
)


@dataclass(frozen=True, slots=True)
class Limits:
    """Bounds on one upload's parsing; see README for why these values."""

    max_pages: int = 500
    max_text_chars: int = 2_000_000
    wall_seconds: float = 20.0
    memory_mb: int = 1024
    max_unzipped_mb: int = 100
    max_zip_ratio: int = 200


@dataclass(frozen=True, slots=True)
class Extracted:
    media_type: str  # "pdf" or "docx"
    pages: list[str] = field(default_factory=list)
    extractor: str = ""

    @property
    def page_count(self) -> int:
        return len(self.pages)

    @property
    def has_text(self) -> bool:
        return any(p.strip() for p in self.pages)


class Refused(Exception):
    """The file is not accepted; ``code`` names why (see contracts.uploads for messages)."""

    def __init__(self, code: str, **params: Any) -> None:
        super().__init__(code)
        self.code = code
        self.params = params


# --- what runs in the child -------------------------------------------------------


def sniff(data: bytes) -> str:
    """'pdf' or 'docx' from the bytes themselves; never the name or the browser's word."""
    if not data:
        raise Refused("empty")
    if PDF_MAGIC in data[:1024]:
        return "pdf"
    if data.startswith(ZIP_MAGIC):
        return "docx"
    if _IMAGE.match(data[:16]):
        raise Refused("image")
    raise Refused("not_supported")


# What real contract text almost never contains: Latin-1 symbols and accented capitals
# (what a font without a Unicode map turns Chinese into), CJK Extension A, private-use
# and replacement characters, controls (Unicode categories Cc, Co and Cs).
_ODD = re.compile(
    r"[\x00-\x1f\x7f-\xff\u3400-\u4dbf\ud800-\udfff\ue000-\uf8ff\ufffd"
    r"\U000f0000-\U000ffffd\U00100000-\U0010fffd]"
)
_SPACE = re.compile(r"\s")  # what str.isspace() calls space


def suspicious_ratio(text: str) -> float:
    """Share of the visible characters that are odd (_ODD). Regular expressions, not a
    loop over characters: the parser runs this on every PDF, 25 ms for 50 pages that way."""
    visible = _SPACE.sub("", text)
    if not visible:
        return 0.0
    return len(_ODD.findall(visible)) / len(visible)


GARBLED = 0.2


def _check_size(pages: list[str], limits: Limits) -> None:
    if len(pages) > limits.max_pages:
        raise Refused("too_many_pages", limit=limits.max_pages)
    if sum(len(p) for p in pages) > limits.max_text_chars:
        raise Refused("text_too_large", limit=limits.max_text_chars)


def _pdfium_pages(data: bytes, limits: Limits) -> list[str]:
    import pypdfium2 as pdfium

    try:
        document = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as error:
        if "password" in str(error).lower():
            raise Refused("encrypted") from error
        raise Refused("corrupt") from error
    try:
        if len(document) > limits.max_pages:
            raise Refused("too_many_pages", limit=limits.max_pages)
        pages: list[str] = []
        total = 0
        for index in range(len(document)):
            try:
                text = document[index].get_textpage().get_text_range()
            except pdfium.PdfiumError as error:
                raise Refused("corrupt") from error
            text = text.replace("\r\n", "\n")
            total += len(text)
            if total > limits.max_text_chars:
                raise Refused("text_too_large", limit=limits.max_text_chars)
            pages.append(text)
        return pages
    finally:
        document.close()


def _laid_out(page: Any) -> str:
    """The page's text as printed: pypdf's layout mode keeps the cells of a table row on
    one line, each under its column's heading, where plain mode gives one cell per line
    (a 数量 column then no longer reads as a column). Blank lines, trailing spaces and the
    page's common indentation are taken out."""
    try:
        text = page.extract_text(extraction_mode="layout")
    except Exception:  # a font that layout mode cannot place: read the page plainly
        text = page.extract_text()
    lines = [line.rstrip() for line in (text or "").splitlines()]
    return textwrap.dedent("\n".join(line for line in lines if line))


def _pypdf_pages(data: bytes, limits: Limits) -> list[str]:
    import pypdf
    from pypdf.errors import PdfReadError, PyPdfError

    try:
        reader = pypdf.PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted and not reader.decrypt(""):
            raise Refused("encrypted")
        count = len(reader.pages)
        if count > limits.max_pages:
            raise Refused("too_many_pages", limit=limits.max_pages)
        pages: list[str] = []
        total = 0
        for page in reader.pages:
            text = _laid_out(page)
            total += len(text)
            if total > limits.max_text_chars:
                raise Refused("text_too_large", limit=limits.max_text_chars)
            pages.append(text)
        return pages
    except (PdfReadError, PyPdfError, ValueError, KeyError, TypeError, AttributeError) as error:
        raise Refused("corrupt") from error


def read_pdf(data: bytes, limits: Limits) -> Extracted:
    """Text by page with pypdf; pdfium where pypdf cannot open the file or garbles it."""
    if b"%%EOF" not in data:  # a PDF cut off in copying lacks its end marker
        raise Refused("truncated")
    try:
        pages = _pypdf_pages(data, limits)
    except Refused as refusal:
        if refusal.code in ("encrypted", "too_many_pages", "text_too_large"):
            raise
        return Extracted("pdf", _pdfium_pages(data, limits), "pdfium")
    text = "".join(pages)
    if suspicious_ratio(text) > GARBLED:
        try:
            other = _pdfium_pages(data, limits)
        except Refused:
            other = []
        if other and suspicious_ratio("".join(other)) < suspicious_ratio(text):
            return Extracted("pdf", other, "pdfium")
    return Extracted("pdf", pages, "pypdf")


def check_word_package(data: bytes, limits: Limits) -> None:
    """Refuse what is no Word package (``not_word``, ``corrupt``), a zip bomb
    (``zip_bomb``) and XML entities in any part (``xml_entities``) before python-docx
    reads the file: the uploads' reader and the model contracts' (docx_template)."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        names = set(archive.namelist())
    except zipfile.BadZipFile as error:
        raise Refused("corrupt") from error
    if "word/document.xml" not in names or "[Content_Types].xml" not in names:
        raise Refused("not_word")
    total = 0
    for info in archive.infolist():
        total += info.file_size
        ratio = info.file_size / max(info.compress_size, 1)
        if total > limits.max_unzipped_mb * 1024 * 1024 or (
            info.file_size > 1024 * 1024 and ratio > limits.max_zip_ratio
        ):
            raise Refused("zip_bomb", limit=limits.max_unzipped_mb)
    try:
        check_parts(archive)
    except UnsafeXml as error:
        raise Refused(error.code) from error


def read_docx(data: bytes, limits: Limits) -> Extracted:
    """Paragraphs and tables in document order, after refusing zip bombs and XML entities."""
    check_word_package(data, limits)
    import docx
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    try:
        document = docx.Document(io.BytesIO(data))
    except Exception as error:  # python-docx raises many kinds on a damaged package
        raise Refused("corrupt") from error
    lines: list[str] = []
    for block in document.iter_inner_content():
        if isinstance(block, Paragraph):
            lines.append(block.text)
        elif isinstance(block, Table):
            for row in block.rows:
                lines.append("\t".join(cell.text for cell in row.cells))
    pages = ["\n".join(lines)]
    _check_size(pages, limits)
    return Extracted("docx", pages, "python-docx")


def inspect(data: bytes, limits: Limits) -> Extracted:
    """Decide the type and read the text, in this process (the child calls this)."""
    kind = sniff(data)
    found = read_pdf(data, limits) if kind == "pdf" else read_docx(data, limits)
    return Extracted(found.media_type, [normalise(p) for p in found.pages], found.extractor)


_CJK = r"[\u3000-\u303f\u3400-\u9fff\uff00-\uffef]"
_SPACED = re.compile(rf"(?<={_CJK}) (?={_CJK})")


def normalise(text: str) -> str:
    """Drop the single spaces some extractors put between Chinese characters, so
    that searching 合同 finds "合 同"; line breaks and other spacing stay."""
    return _SPACED.sub("", text.replace("\r\n", "\n"))


# How much lower than the web threads the parser runs: a busy CPU serves pages first.
PARSER_NICENESS = 10


def _child(conn: Connection, data: bytes, limits: Limits) -> None:
    logging.getLogger("pypdf").setLevel(logging.CRITICAL)
    warnings.simplefilter("ignore")
    os.nice(PARSER_NICENESS)
    memory = limits.memory_mb * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    cpu = int(limits.wall_seconds) + 1
    resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu + 1))
    try:
        result: Any = inspect(data, limits)
    except Refused as refusal:
        result = ("refused", refusal.code, refusal.params)
    except MemoryError:
        result = ("refused", "memory", {"limit": limits.memory_mb})
    except RecursionError:
        result = ("refused", "corrupt", {})
    except Exception:  # any other parser failure means the file cannot be read
        result = ("refused", "corrupt", {})
    conn.send(result)
    conn.close()


# Every parse is a child forked from one reader process (multiprocessing's fork server)
# that has the parsers loaded; it starts on the first parse or with start_reader().
_context = multiprocessing.get_context("forkserver")
_context.set_forkserver_preload(["advisor.contracts.extraction", "pypdf", "docx", "pypdfium2"])


def start_reader() -> None:
    """Start this process's reader process now rather than on its first upload, which
    would otherwise wait the 1.4 s the reader takes to load the parsers (create_app calls
    this when PARSE_WARM_START is set). It runs until this process ends: it stops by
    itself when the last process holding its end of a pipe (this one) is gone."""
    forkserver.ensure_running()


class _ParsePopen(popen_forkserver.Popen):
    """Starts a parse from the reader without running the web process's main script
    again in the child. multiprocessing does that so that a child may unpickle functions
    defined in ``__main__``; the parse is ``_child`` of this module, and running
    gunicorn's script (or a benchmark's) again cost every upload 35 to 70 ms. The rest is
    ``popen_forkserver.Popen._launch`` as it is."""

    def _launch(self, process_obj: Any) -> None:
        prep_data = spawn.get_preparation_data(process_obj._name)
        prep_data.pop("init_main_from_name", None)
        prep_data.pop("init_main_from_path", None)
        buf = io.BytesIO()
        context.set_spawning_popen(self)
        try:
            reduction.dump(prep_data, buf)
            reduction.dump(process_obj, buf)
        finally:
            context.set_spawning_popen(None)
        self.sentinel, w = forkserver.connect_to_new_process(self._fds)  # type: ignore[attr-defined]
        _parent_w = os.dup(w)
        self.finalizer = util.Finalize(self, util.close_fds, (_parent_w, self.sentinel))  # type: ignore[attr-defined]
        with open(w, "wb", closefd=True) as f:
            f.write(buf.getbuffer())
        self.pid = forkserver.read_signed(self.sentinel)


class _ParseProcess(context.ForkServerProcess):
    @staticmethod
    def _Popen(process_obj: Any) -> _ParsePopen:
        return _ParsePopen(process_obj)


def inspect_isolated(data: bytes, limits: Limits) -> Extracted:
    """Run ``inspect`` in a child process under the limits; raise Refused on any refusal."""
    sniff(data)  # cheap refusals need no process
    parent, child = _context.Pipe(duplex=False)
    process = _ParseProcess(target=_child, args=(child, data, limits), daemon=True)
    process.start()
    child.close()
    try:
        if not parent.poll(limits.wall_seconds):
            raise Refused("timeout", limit=limits.wall_seconds)
        try:
            result = parent.recv()
        except EOFError as error:  # the child died: killed by a limit or crashed
            raise Refused("memory", limit=limits.memory_mb) from error
    finally:
        if process.is_alive():
            process.kill()
        process.join(5)
        parent.close()
    if isinstance(result, tuple):
        _, code, params = result
        raise Refused(code, **params)
    assert isinstance(result, Extracted)  # the worker returns nothing else; for mypy  # nosec B101
    return result
