"""Strips location, device and author metadata from a file before it is encrypted.

Photos carry EXIF, XMP and IPTC blocks with GPS positions, the camera or phone, the owner's name
and times; documents carry their author and the software that wrote them. A pool's buyers need
the data, not that. Unless the member chooses to keep them, they are removed before the vault
seals the file, so the stored ciphertext never held them:

- images (JPEG, PNG, WebP, TIFF, HEIF/AVIF) through exiv2 (``pyexiv2``), which rewrites the
  metadata blocks and leaves the compressed image data byte for byte as it was;
- PDF through ``pypdf``: the document information dictionary and the XMP stream;
- Office Open XML (docx, xlsx, pptx) and OpenDocument (odt, ods, odp) packages: their
  ``docProps/core.xml``, ``app.xml`` and ``custom.xml``, or ``meta.xml``, are rewritten without
  the people, organisation, software, template and times in them.

The kind of file is read from its first bytes, never from the name or the content type the
client sent. Anything else (text, CSV, audio, archives) passes unchanged, and the answer says
nothing was found. What was removed is reported by category, so the dApp can say so in words.
"""

from __future__ import annotations

import io
import logging
import re
import zipfile
from dataclasses import dataclass, field
from enum import StrEnum
from typing import BinaryIO

logger = logging.getLogger(__name__)


class Category(StrEnum):
    """What a removed field told about the member, in the words the dApp shows."""

    LOCATION = "location"
    DEVICE = "device"
    AUTHOR = "author"
    TIME = "time"
    SOFTWARE = "software"
    OTHER = "other"


class Kind(StrEnum):
    IMAGE = "image"
    PDF = "pdf"
    OFFICE = "office"
    OPEN_DOCUMENT = "opendocument"
    OTHER = "other"


@dataclass
class Stripped:
    """The file to seal and what was taken out of it."""

    data: BinaryIO
    kind: Kind
    removed: dict[Category, int] = field(default_factory=dict)
    kept: bool = False  # the member chose to keep the metadata

    @property
    def categories(self) -> list[str]:
        return sorted(str(c) for c in self.removed)


class MetadataError(ValueError):
    """The file claims a format its metadata reader cannot parse."""


_IMAGE_MAGIC = (
    b"\xff\xd8\xff",  # JPEG
    b"\x89PNG\r\n\x1a\n",
    b"II*\x00",  # TIFF, little-endian
    b"MM\x00*",  # TIFF, big-endian
)


def sniff(head: bytes) -> Kind:
    """The kind of file whose first bytes are ``head`` (at least 64 bytes when there are)."""
    if head.startswith(_IMAGE_MAGIC) or (head[:4] == b"RIFF" and head[8:12] == b"WEBP"):
        return Kind.IMAGE
    if head[4:8] == b"ftyp" and head[8:12] in (b"heic", b"heix", b"mif1", b"avif", b"heim"):
        return Kind.IMAGE
    if head.startswith(b"%PDF-"):
        return Kind.PDF
    if head.startswith(b"PK\x03\x04"):
        if b"mimetypeapplication/vnd.oasis.opendocument" in head:
            return Kind.OPEN_DOCUMENT
        return Kind.OFFICE  # decided on the package's parts (a zip that is neither passes)
    return Kind.OTHER


def categorise(name: str) -> Category:
    """The category of one metadata field (an exiv2 key, a PDF or package property name)."""
    lowered = name.lower()
    if lowered in ("pdf.creator", "pdf.producer") or any(
        w in lowered for w in ("software", "creatortool", "application", "generator", "template")
    ):
        return Category.SOFTWARE
    if "gps" in lowered or "location" in lowered or "city" in lowered or "country" in lowered:
        return Category.LOCATION
    if any(
        w in lowered
        for w in (
            "artist",
            "author",
            "creator",
            "copyright",
            "owner",
            "by-line",
            "lastmodifiedby",
            "company",
            "manager",
            "rights",
            "credit",
            "initial-creator",
            "person",
        )
    ):
        return Category.AUTHOR
    if any(w in lowered for w in ("make", "model", "serial", "lens", "bodyserial", "device")):
        return Category.DEVICE
    if any(w in lowered for w in ("date", "time", "created", "modified", "printed")):
        return Category.TIME
    return Category.OTHER


def _count(removed: dict[Category, int], names: list[str]) -> None:
    for name in names:
        category = categorise(name)
        removed[category] = removed.get(category, 0) + 1


def strip(plaintext: BinaryIO, *, keep: bool = False) -> Stripped:
    """The file without its metadata (or as it is, when ``keep``), positioned at its start."""
    head = plaintext.read(512)
    plaintext.seek(0)
    kind = sniff(head)
    if keep or kind is Kind.OTHER:
        return Stripped(plaintext, kind, kept=keep and kind is not Kind.OTHER)
    data = plaintext.read()
    try:
        if kind is Kind.IMAGE:
            cleaned, names = _strip_image(data)
        elif kind is Kind.PDF:
            cleaned, names = _strip_pdf(data)
        else:
            cleaned, names = _strip_package(data, kind)
    except MetadataError:
        raise
    except Exception as exc:  # a reader's own error on a damaged file
        raise MetadataError(f"the {kind} file's metadata cannot be read: {exc}") from exc
    removed: dict[Category, int] = {}
    _count(removed, names)
    if not names:
        cleaned = data  # nothing found: the file exactly as sent
    return Stripped(io.BytesIO(cleaned), kind, removed)


def _strip_image(data: bytes) -> tuple[bytes, list[str]]:
    import pyexiv2  # a compiled binding to exiv2, loaded when an image arrives

    with pyexiv2.ImageData(data) as image:
        names = [*image.read_exif(), *image.read_xmp(), *image.read_iptc()]
        if image.read_comment():
            names.append("Comment")
        if not names:
            return data, []
        image.clear_exif()
        image.clear_xmp()
        image.clear_iptc()
        image.clear_comment()
        cleaned = bytes(image.get_bytes())
    # A TIFF keeps the tags that describe its own pixels (width, compression, strips): what
    # is reported removed is what the cleaned file no longer has.
    with pyexiv2.ImageData(cleaned) as image:
        left = {*image.read_exif(), *image.read_xmp(), *image.read_iptc()}
    return cleaned, [name for name in names if name not in left]


def _strip_pdf(data: bytes) -> tuple[bytes, list[str]]:
    from pypdf import PdfReader, PdfWriter

    reader = PdfReader(io.BytesIO(data))
    names = ["pdf." + str(key).lstrip("/") for key in (reader.metadata or {})]
    if "/Metadata" in reader.root_object:
        names.append("XMP")
    if not names:
        return data, []
    writer = PdfWriter(clone_from=reader)
    writer.metadata = None
    if "/Metadata" in writer.root_object:
        del writer.root_object["/Metadata"]
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue(), names


# Office Open XML: the parts that describe the document's people and history.
_OFFICE_PARTS = ("docProps/core.xml", "docProps/app.xml", "docProps/custom.xml")
_ELEMENT = re.compile(rb"<(?P<tag>[\w:.-]+)(?P<attrs>[^>]*?)(?:/>|>(?P<text>[^<]*)</(?P=tag)>)")
_OFFICE_KEEP = {b"dc:title", b"dc:subject", b"dc:language", b"cp:keywords", b"dc:description"}


def _strip_package(data: bytes, kind: Kind) -> tuple[bytes, list[str]]:
    source = zipfile.ZipFile(io.BytesIO(data))
    names_in = set(source.namelist())
    if kind is Kind.OFFICE and "[Content_Types].xml" not in names_in:
        return data, []  # a plain zip archive: not a document format
    removed: list[str] = []
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for info in source.infolist():
            body = source.read(info)
            if kind is Kind.OFFICE and info.filename in _OFFICE_PARTS:
                body, names = _blank_properties(body, keep=_OFFICE_KEEP)
                removed += names
            elif kind is Kind.OPEN_DOCUMENT and info.filename == "meta.xml":
                body, names = _blank_properties(
                    body, keep={b"dc:title", b"dc:subject", b"dc:language"}
                )
                removed += names
            # The mimetype entry of an OpenDocument stays first and stored, as the format asks.
            target.writestr(info, body, compress_type=info.compress_type)
    return (out.getvalue(), removed) if removed else (data, [])


def _blank_properties(xml: bytes, keep: set[bytes]) -> tuple[bytes, list[str]]:
    """The XML with every leaf element's text emptied except ``keep``'s, and their names."""
    removed: list[str] = []

    def blank(match: re.Match[bytes]) -> bytes:
        tag, text = match["tag"], match["text"]
        if text is None or not text.strip() or tag in keep:
            return match[0]
        removed.append(tag.decode("ascii", "replace").split(":")[-1])
        return b"<" + tag + match["attrs"] + b"></" + tag + b">"

    return _ELEMENT.sub(blank, xml), removed
