"""The XML inside an uploaded Office file (.docx, .xlsx), checked before any library reads it.

Every part that is XML, by its name (.xml, .rels) or by its content type in
``[Content_Types].xml``, is parsed with defusedxml, which refuses a document type
declaration and with it every entity (billion laughs, external files). Parsing rather
than searching the bytes makes the encoding irrelevant: a UTF-16 part declaring an
entity is refused like a UTF-8 one, and a part in an encoding the parser cannot read
is refused as unreadable. A DTD can only stand before the root element, so each part
is parsed up to its root element and no further.
"""

from __future__ import annotations

import zipfile
from typing import Any
from xml.etree.ElementTree import ParseError  # the error class only; defusedxml parses  # nosec B405

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring, iterparse

CONTENT_TYPES = "[Content_Types].xml"
XML_SUFFIXES = (".xml", ".rels")
MAX_CONTENT_TYPES_BYTES = 1024 * 1024


class UnsafeXml(Exception):
    """``code`` is "xml_entities" (a DTD or an entity) or "corrupt" (not readable XML)."""

    def __init__(self, code: str, part: str) -> None:
        super().__init__(f"{code}: {part}")
        self.code = code
        self.part = part


def check_parts(archive: zipfile.ZipFile) -> None:
    """Parse every XML part of ``archive`` with DTDs forbidden; raise UnsafeXml for the
    first part that declares a DTD or an entity, or that is not readable XML."""
    for name in xml_parts(archive):
        _parse_head(archive, name)


def xml_parts(archive: zipfile.ZipFile) -> list[str]:
    """The names of the parts that a reader will parse as XML."""
    names = [n for n in archive.namelist() if not n.endswith("/")]
    extensions: set[str] = set()
    overrides: set[str] = set()
    if CONTENT_TYPES in names:
        for node in _parse_whole(archive, CONTENT_TYPES):
            if "xml" not in node.get("ContentType", "").lower():
                continue
            tag = node.tag.rsplit("}", 1)[-1]
            if tag == "Default":
                extensions.add(node.get("Extension", "").lower())
            elif tag == "Override":
                overrides.add(node.get("PartName", "").lstrip("/").lower())
    return [
        n
        for n in names
        if n.lower().endswith(XML_SUFFIXES)
        or n.rsplit(".", 1)[-1].lower() in extensions
        or n.lower() in overrides
    ]


# What reading a damaged part raises. RuntimeError: an encrypted member;
# NotImplementedError (a RuntimeError): an unknown compression method.
DAMAGED = (
    ParseError,
    ValueError,
    LookupError,
    zipfile.BadZipFile,
    OSError,
    EOFError,
    RuntimeError,
)


def _parse_whole(archive: zipfile.ZipFile, name: str) -> Any:
    try:
        with archive.open(name) as handle:
            data = handle.read(MAX_CONTENT_TYPES_BYTES + 1)
        if len(data) > MAX_CONTENT_TYPES_BYTES:
            raise UnsafeXml("corrupt", name)
        return fromstring(data, forbid_dtd=True)
    except DefusedXmlException as error:
        raise UnsafeXml("xml_entities", name) from error
    except DAMAGED as error:
        raise UnsafeXml("corrupt", name) from error


def _parse_head(archive: zipfile.ZipFile, name: str) -> None:
    try:
        with archive.open(name) as handle:
            for _event, _element in iterparse(handle, events=("start",), forbid_dtd=True):
                return  # the root element: no DTD can follow
        raise UnsafeXml("corrupt", name)  # no element at all
    except DefusedXmlException as error:
        raise UnsafeXml("xml_entities", name) from error
    except DAMAGED as error:
        raise UnsafeXml("corrupt", name) from error
