"""Location, device and author metadata are stripped before encryption (api.services.metadata),
unless the member keeps them: photos through exiv2, PDFs through pypdf, office packages."""

from __future__ import annotations

import io
import zipfile

import pyexiv2
import pytest
from fastapi.testclient import TestClient
from PIL import Image
from pypdf import PdfReader, PdfWriter

from api.context import Context
from api.services import delivery
from api.services.contributions import vault_of
from api.services.metadata import Category, Kind, MetadataError, categorise, sniff, strip
from tests.api.harness import PRODUCER
from tests.api.identity_helpers import login

NAME, PHONE = "Siti Aminah", "Pixel 7"
GPS = {1: "S", 2: (6.0, 54.0, 0.0), 3: "E", 4: (107.0, 36.0, 0.0)}  # Bandung


def photo(fmt: str = "JPEG") -> bytes:
    """A small photo whose EXIF names its author, phone and place (GPS), as a phone's does."""
    image = Image.new("RGB", (32, 24), (120, 160, 40))
    for x in range(32):
        image.putpixel((x, x % 24), (x * 7, 30, 200))
    exif = Image.Exif()
    exif[0x013B] = NAME  # Artist
    exif[0x0110] = PHONE  # Model
    exif[0x010F] = "Google"  # Make
    exif[0x0132] = "2026:11:30 07:15:00"  # DateTime
    exif[0x8825] = GPS  # the GPS IFD
    out = io.BytesIO()
    image.save(out, fmt, exif=exif.tobytes())
    return out.getvalue()


def pixels(data: bytes) -> bytes:
    return Image.open(io.BytesIO(data)).convert("RGB").tobytes()


def read_image_metadata(data: bytes) -> dict[str, object]:
    """The photo's metadata, without the tags a TIFF needs to describe its own pixels."""
    with pyexiv2.ImageData(data) as image:
        found = {**image.read_exif(), **image.read_xmp(), **image.read_iptc()}
    return {k: v for k, v in found.items() if categorise(k) is not Category.OTHER}


@pytest.mark.parametrize("fmt", ["JPEG", "PNG", "WEBP", "TIFF"])
def test_a_photos_place_phone_and_author_are_removed_and_its_pixels_kept(fmt: str) -> None:
    original = photo(fmt)
    assert "Exif.GPSInfo.GPSLatitude" in read_image_metadata(original)
    stripped = strip(io.BytesIO(original))
    cleaned = stripped.data.read()
    assert stripped.kind is Kind.IMAGE
    assert read_image_metadata(cleaned) == {}
    assert NAME.encode() not in cleaned and PHONE.encode() not in cleaned
    assert {Category.LOCATION, Category.AUTHOR, Category.DEVICE, Category.TIME} <= set(
        stripped.removed
    )
    # The image itself is untouched: the same pixels (JPEG is not decoded and encoded again).
    assert pixels(cleaned) == pixels(original)


def test_a_jpegs_compressed_image_data_is_byte_for_byte_the_same() -> None:
    original = photo("JPEG")
    cleaned = strip(io.BytesIO(original)).data.read()
    start_of_scan = b"\xff\xda"
    assert original[original.index(start_of_scan) :] == cleaned[cleaned.index(start_of_scan) :]


def test_keeping_metadata_or_a_file_without_any_passes_the_bytes_unchanged() -> None:
    original = photo()
    kept = strip(io.BytesIO(original), keep=True)
    assert kept.data.read() == original and kept.kept and kept.removed == {}
    plain = Image.new("RGB", (4, 4))
    out = io.BytesIO()
    plain.save(out, "PNG")
    untouched = strip(io.BytesIO(out.getvalue()))
    assert untouched.data.read() == out.getvalue() and untouched.removed == {}
    csv = b"plot,variety,yield_kg\nC1,IR64,5120\n"
    as_text = strip(io.BytesIO(csv))
    assert as_text.kind is Kind.OTHER and as_text.data.read() == csv and not as_text.kept


def test_a_pdfs_author_and_software_are_removed_and_its_pages_kept() -> None:
    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    writer.add_metadata({"/Author": NAME, "/Creator": "Word", "/Producer": "macOS Quartz"})
    original = io.BytesIO()
    writer.write(original)
    stripped = strip(io.BytesIO(original.getvalue()))
    cleaned = stripped.data.read()
    assert stripped.kind is Kind.PDF
    assert stripped.removed[Category.AUTHOR] == 1 and stripped.removed[Category.SOFTWARE] == 2
    reader = PdfReader(io.BytesIO(cleaned))
    assert not reader.metadata or "/Author" not in reader.metadata
    assert NAME.encode() not in cleaned and len(reader.pages) == 1


def docx(core: str) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as package:
        package.writestr("[Content_Types].xml", "<Types/>")
        package.writestr("word/document.xml", "<w:document>Panen padi 2026</w:document>")
        package.writestr("docProps/core.xml", core)
        package.writestr(
            "docProps/app.xml",
            "<Properties><Application>Microsoft Office Word</Application>"
            "<Company>Koperasi Tani Makmur</Company></Properties>",
        )
    return out.getvalue()


def test_an_office_documents_author_company_and_software_are_blanked_and_its_title_kept() -> None:
    core = (
        '<cp:coreProperties xmlns:cp="c" xmlns:dc="d"><dc:title>Panen 2026</dc:title>'
        f"<dc:creator>{NAME}</dc:creator><cp:lastModifiedBy>{NAME}</cp:lastModifiedBy>"
        "<dcterms:created>2026-11-30T07:15:00Z</dcterms:created></cp:coreProperties>"
    )
    stripped = strip(io.BytesIO(docx(core)))
    cleaned = zipfile.ZipFile(stripped.data)
    assert stripped.kind is Kind.OFFICE
    core_after = cleaned.read("docProps/core.xml").decode()
    assert NAME not in core_after and "<dc:title>Panen 2026</dc:title>" in core_after
    assert "Koperasi Tani Makmur" not in cleaned.read("docProps/app.xml").decode()
    assert cleaned.read("word/document.xml") == b"<w:document>Panen padi 2026</w:document>"
    assert stripped.removed == {
        Category.AUTHOR: 3,  # creator, lastModifiedBy, Company
        Category.TIME: 1,
        Category.SOFTWARE: 1,
    }


def test_the_kind_is_read_from_the_bytes_and_a_damaged_file_is_refused() -> None:
    assert sniff(b"plot,variety\n") is Kind.OTHER
    assert sniff(photo("JPEG")[:64]) is Kind.IMAGE
    zipped = io.BytesIO()
    with zipfile.ZipFile(zipped, "w") as archive:
        archive.writestr("notes.txt", NAME)
    plain_zip = strip(io.BytesIO(zipped.getvalue()))  # a zip that is no document passes
    assert plain_zip.data.read() == zipped.getvalue() and plain_zip.removed == {}
    with pytest.raises(MetadataError):
        strip(io.BytesIO(b"\xff\xd8\xff\xe1" + b"\x00" * 40 + b"not a jpeg"))


def upload_photo(client: TestClient, headers: dict[str, str], data: bytes, **fields: str):
    return client.post(
        "/v1/contributions",
        headers=headers,
        files={"file": ("IMG_20261130_071500.jpg", data, "image/jpeg")},
        data={"pool_id": "1", **fields},
    )


def stored_plaintext(context: Context, contribution_id: str) -> bytes:
    with context.sessions() as session:
        keys = vault_of(context.settings)
        return b"".join(delivery.open_plaintext(session, context.ipfs, keys, contribution_id))


def test_an_upload_is_stored_without_its_metadata_unless_the_member_keeps_it(
    client: TestClient, context: Context
) -> None:
    headers = login(client, PRODUCER)
    original = photo()
    response = upload_photo(client, headers, original)
    assert response.status_code == 201, response.text
    body = response.json()
    assert body["file_kind"] == "image" and body["metadata_kept"] is False
    assert {"location", "author", "device", "time"} <= set(body["metadata_removed"])
    stored = stored_plaintext(context, body["contribution_id"])
    assert read_image_metadata(stored) == {} and pixels(stored) == pixels(original)
    assert body["size"] == len(stored) < len(original)

    kept = upload_photo(client, headers, photo("PNG"), keep_metadata="true")
    assert kept.status_code == 201, kept.text
    assert kept.json()["metadata_kept"] is True and kept.json()["metadata_removed"] == {}
    stored = stored_plaintext(context, kept.json()["contribution_id"])
    assert "Exif.GPSInfo.GPSLatitude" in read_image_metadata(stored)

    bad = upload_photo(client, headers, original, keep_metadata="perhaps")
    assert bad.status_code == 422 and "keep_metadata" in bad.json()["detail"]
    damaged = upload_photo(client, headers, b"\xff\xd8\xff\xe1" + b"\x00" * 40 + b"not a jpeg")
    assert damaged.status_code == 422 and "keep its metadata" in damaged.json()["detail"]
