"""Files for upload tests: the shared PDF corpus, and hostile files made here (hand-made
PDFs, decompression and zip bombs, Word files declaring entities, zips that are not Word)."""

from __future__ import annotations

import io
import re
import struct
import zipfile
import zlib
from functools import cache

import pytest

from config import PROJECT_ROOT
from tests.documents import make_docx, make_pdf

CORPUS = PROJECT_ROOT.parent / "shared" / "corpus"


def corpus(name: str) -> bytes:
    """A file of ../shared/corpus; the test is skipped, visibly, when the folder is absent."""
    path = CORPUS / name
    if not path.is_file():
        pytest.skip(f"SKIPPED: the PDF corpus is missing ({path}); see ../shared/corpus")
    return path.read_bytes()


def hand_made_pdf(content: bytes) -> bytes:
    """A one-page PDF with a correct cross-reference table around a Flate ``content`` stream."""
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842]"
        b" /Resources << /Font << /F1 5 0 R >> >> /Contents 4 0 R >>",
        b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(content)
        + content
        + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    return pdf_of(objects)


def pdf_of(objects: list[bytes]) -> bytes:
    """A PDF of ``objects`` (numbered from 1, the first the catalogue) with a correct
    cross-reference table."""
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n%s\nendobj\n" % (number, body))
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    for offset in offsets:
        out.write(b"%010d 00000 n \n" % offset)
    out.write(
        b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    )
    return out.getvalue()


def deflated(unit: bytes, total: int) -> bytes:
    """``unit`` repeated to ``total`` bytes, compressed chunk by chunk (never inflated in memory)."""
    compressor = zlib.compressobj(6)
    chunk = unit * ((1 << 20) // len(unit))
    parts = [compressor.compress(chunk) for _ in range(total // len(chunk))]
    return b"".join([*parts, compressor.flush()])


def png() -> bytes:
    """A valid 1×1 PNG image."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\x00\xff\x00\x00"))
        + chunk(b"IEND", b"")
    )


def plain_zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("合同/说明.txt", "请见附件。")
        archive.writestr("readme.txt", "not a Word document")
    return buffer.getvalue()


def billion_laughs_docx() -> bytes:
    """A real Word file whose document.xml declares nested entities (billion laughs)."""
    entities = '<!ENTITY lol0 "lol">' + "".join(
        f'<!ENTITY lol{i} "{f"&lol{i - 1};" * 10}">' for i in range(1, 10)
    )
    doctype = f"<!DOCTYPE w:document [{entities}]>".encode()
    source = zipfile.ZipFile(io.BytesIO(make_docx()))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for info in source.infolist():
            data = source.read(info)
            if info.filename == "word/document.xml":
                data = data.replace(b"?>", b"?>" + doctype, 1).replace(
                    b"</w:body>", b"<w:p><w:r><w:t>&lol9;</w:t></w:r></w:p></w:body>", 1
                )
                assert b"<!ENTITY" in data
            archive.writestr(info, data)
    return buffer.getvalue()


def _with_part(name: str, data: bytes, extra: dict[str, bytes] | None = None) -> bytes:
    """A real Word file whose part ``name`` is ``data`` (and with the ``extra`` parts)."""
    source = zipfile.ZipFile(io.BytesIO(make_docx()))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for info in source.infolist():
            archive.writestr(info, data if info.filename == name else source.read(info))
        for extra_name, extra_data in (extra or {}).items():
            archive.writestr(extra_name, extra_data)
    return buffer.getvalue()


def _external_entity(document: bytes, encoding: str) -> bytes:
    """``document`` (UTF-8 XML) declaring an external entity that its text uses, in
    ``encoding``: the bytes hold no ASCII "<!DOCTYPE" unless the encoding is UTF-8."""
    text = document.decode()
    declaration, rest = text.split("?>", 1)
    doctype = '<!DOCTYPE w:document [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
    rest = rest.replace("</w:body>", "<w:p><w:r><w:t>&xxe;</w:t></w:r></w:p></w:body>", 1)
    declaration = re.sub(r"encoding=[\"'][^\"']*[\"']", f'encoding="{encoding}"', declaration)
    assert encoding in declaration
    data = (declaration + "?>" + doctype + rest).encode(encoding)
    assert (b"<!DOCTYPE" in data) == (encoding == "UTF-8")
    return data


def external_entity_docx(encoding: str = "UTF-8") -> bytes:
    """A real Word file whose document.xml, in ``encoding``, declares and uses an
    external entity (file:///etc/passwd)."""
    document = zipfile.ZipFile(io.BytesIO(make_docx())).read("word/document.xml")
    return _with_part("word/document.xml", _external_entity(document, encoding))


def external_entity_in_settings_docx() -> bytes:
    """A real Word file whose settings part (not the document) declares an entity in
    UTF-16: every XML part is checked, not only document.xml."""
    settings = zipfile.ZipFile(io.BytesIO(make_docx())).read("word/settings.xml")
    return _with_part("word/settings.xml", _external_entity(settings, "UTF-16"))


@cache
def docx_with_zeros(megabytes: int) -> bytes:
    """A real Word file plus a member of ``megabytes`` MB of zeros (about 1 KB per MB)."""
    buffer = io.BytesIO()
    buffer.write(make_docx())
    with zipfile.ZipFile(buffer, "a", zipfile.ZIP_DEFLATED) as archive:
        zeros = bytes(1 << 20)
        with archive.open("word/media/image1.png", "w", force_zip64=True) as member:
            for _ in range(megabytes):
                member.write(zeros)
    return buffer.getvalue()


def zip_bomb_docx() -> bytes:
    """200 MB once unpacked: over the 100 MB limit."""
    return docx_with_zeros(200)


@cache
def text_bomb_pdf() -> bytes:
    """A content stream of text operators that inflates to 300 MB."""
    return hand_made_pdf(deflated(b"BT /F1 12 Tf 72 720 Td (Hello world) Tj ET\n", 300 << 20))


@cache
def blank_bomb_pdf() -> bytes:
    """A content stream of spaces that inflates to 300 MB."""
    return hand_made_pdf(deflated(b" ", 300 << 20))


@cache
def six_hundred_pages() -> bytes:
    return make_pdf([[f"第{n}页"] for n in range(1, 601)])


def half_a_pdf() -> bytes:
    good = make_pdf()
    return good[: len(good) // 2]
