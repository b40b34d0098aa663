"""Which parts of an Office package are parsed as XML, and what refuses one: a DTD in
any encoding, in any part a reader would parse; unreadable XML; not binary parts."""

from __future__ import annotations

import io
import zipfile

import pytest

from advisor.office_xml import UnsafeXml, check_parts, xml_parts

TYPES = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="jpeg" ContentType="image/jpeg"/>'
    '<Default Extension="dat" ContentType="application/xml"/>'
    '<Override PartName="/word/main.bin" ContentType="application/vnd.openxmlformats-officedocument'
    '.wordprocessingml.document.main+xml"/>'
    "</Types>"
)
GOOD = '<?xml version="1.0"?><w:document xmlns:w="urn:w"><w:body/></w:document>'
DTD = '<?xml version="1.0" encoding="{}"?><!DOCTYPE d [<!ENTITY e SYSTEM "file:///etc/passwd">]><d>&e;</d>'


def package(parts: dict[str, bytes]) -> zipfile.ZipFile:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("[Content_Types].xml", TYPES)
        for name, data in parts.items():
            archive.writestr(name, data)
    return zipfile.ZipFile(io.BytesIO(out.getvalue()))


def test_parts_are_xml_by_name_or_by_content_type() -> None:
    archive = package(
        {
            "_rels/.rels": GOOD.encode(),
            "word/main.bin": GOOD.encode(),
            "custom/item.DAT": GOOD.encode(),
            "media/image1.jpeg": b"\xff\xd8\xff\xe0 not xml",
            "other.bin": b"\x00\x01",
        }
    )
    assert sorted(xml_parts(archive)) == [
        "[Content_Types].xml",
        "_rels/.rels",
        "custom/item.DAT",
        "word/main.bin",
    ]
    check_parts(archive)  # the binary parts are not parsed


@pytest.mark.parametrize("encoding", ["UTF-8", "UTF-16", "UTF-16LE", "UTF-16BE"])
@pytest.mark.parametrize("name", ["word/document.xml", "word/main.bin", "custom/item.dat"])
def test_a_dtd_is_refused_in_any_encoding_and_any_xml_part(name: str, encoding: str) -> None:
    data = DTD.format(encoding).encode("utf-16" if encoding == "UTF-16" else encoding)
    with pytest.raises(UnsafeXml) as refused:
        check_parts(package({name: data}))
    assert (refused.value.code, refused.value.part) == ("xml_entities", name)


@pytest.mark.parametrize(
    "data",
    [
        b"",
        b"not xml at all",
        GOOD.replace("UTF-8", "x").encode("utf-32"),
        b"<!-- a comment, no element -->",
    ],
)
def test_an_unreadable_xml_part_is_refused_as_damaged(data: bytes) -> None:
    with pytest.raises(UnsafeXml) as refused:
        check_parts(package({"word/document.xml": data}))
    assert refused.value.code == "corrupt"


def test_a_dtd_in_the_content_types_is_refused() -> None:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("[Content_Types].xml", DTD.format("UTF-16").encode("utf-16"))
    with pytest.raises(UnsafeXml) as refused:
        check_parts(zipfile.ZipFile(io.BytesIO(out.getvalue())))
    assert refused.value.code == "xml_entities"
