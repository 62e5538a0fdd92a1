"""Uploads: pictures are stored without their metadata, and decompression bombs — pictures and Word
documents that unpack to something enormous — are refused with a field error, storing nothing."""

from __future__ import annotations

import io
import struct
import zipfile
import zlib
from collections.abc import Iterator
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.urls import reverse
from PIL import Image, ImageCms
from rest_framework.test import APIClient

from complaints.attachments import (
    DOCX,
    DOCX_MAX_PARTS,
    DOCX_MAX_UNPACKED,
    JPEG,
    PDF,
    PNG,
    strip_metadata,
    validate_attachment,
)
from complaints.models import Complaint
from tests.complaints.public_helpers import (
    DOCX_CONTENT_TYPES,
    DOCX_DOCUMENT,
    DOCX_RELS,
    docx_bytes,
    pdf_bytes,
    reply,
    submit,
    upload,
)

User = get_user_model()
SUBMIT = "/api/v1/public/complaints/"
SERIAL = "CAM-SERIAL-0042917"
OWNER = "Zhang Whistleblower"
GPS_IFD = 0x8825
EXIF_IFD = 0x8769


# --- pictures made here, with what a phone writes into them ---------------------------------------


def _exif(orientation: int = 1) -> Image.Exif:
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    exif[0x0110] = "Phone 15 Pro"  # Model
    exif[0x0112] = orientation
    exif[0x013B] = OWNER  # Artist
    exif.get_ifd(EXIF_IFD)[0xA431] = SERIAL  # BodySerialNumber
    gps = exif.get_ifd(GPS_IFD)
    gps[1] = "N"
    gps[2] = (31.0, 13.0, 58.8)
    gps[3] = "E"
    gps[4] = (121.0, 28.0, 12.6)
    return exif


def _photo(size: tuple[int, int] = (64, 48)) -> Image.Image:
    """A picture whose pixels are not all alike: a left half and a right half."""
    image = Image.new("RGB", size, (200, 40, 40))
    image.paste((40, 40, 200), (size[0] // 2, 0, size[0], size[1]))
    return image


def jpeg_with_exif(*, orientation: int = 1) -> bytes:
    buffer = io.BytesIO()
    _photo().save(
        buffer,
        format="JPEG",
        quality=95,
        exif=_exif(orientation).tobytes(),
        comment=b"taken by " + OWNER.encode(),
        icc_profile=ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes(),
    )
    return buffer.getvalue()


def png_with_metadata() -> bytes:
    from PIL.PngImagePlugin import PngInfo

    info = PngInfo()
    info.add_text("Author", OWNER)
    info.add_itxt("Comment", "拍摄地点：东湖镇 " + SERIAL)
    image = Image.new("RGBA", (30, 20), (10, 200, 10, 128))
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", pnginfo=info, exif=_exif().tobytes())
    return buffer.getvalue()


def _no_metadata(content: bytes) -> Image.Image:
    for secret in (SERIAL.encode(), OWNER.encode(), b"PhoneMaker", b"Exif\x00\x00"):
        assert secret not in content
    image = Image.open(io.BytesIO(content))
    assert not image.getexif()
    assert not {"exif", "xmp", "comment", "icc_profile", "Author", "Comment"} & set(image.info)
    return image


def test_the_pictures_made_here_do_carry_the_metadata() -> None:
    """The fixtures are what they claim: otherwise the tests below would prove nothing."""
    for content in (jpeg_with_exif(), png_with_metadata()):
        image = Image.open(io.BytesIO(content))
        assert image.getexif().get_ifd(GPS_IFD)[1] == "N"
        assert image.getexif().get_ifd(EXIF_IFD)[0xA431] == SERIAL
    assert OWNER.encode() in jpeg_with_exif()


# --- through the whole filing and the staff download ------------------------------------------------


def _download(client: Any, complaint: Any) -> bytes:
    attachment = complaint.attachments.get()
    response = client.get(reverse("complaints:attachment", args=[complaint.pk, attachment.pk]))
    assert response.status_code == 200
    content = b"".join(response.streaming_content)
    assert attachment.size == len(content)
    return content


def test_a_jpeg_comes_back_to_staff_without_exif_and_with_the_same_pixels(
    client: Any, org: Any, discipline_user: Any, private_media: Any
) -> None:
    original = jpeg_with_exif()
    response = APIClient().post(
        SUBMIT,
        {
            "category": "gambling",
            "title": "打麻将",
            "description": "见照片。",
            "attachments": [upload("现场.jpg", original)],
        },
        format="multipart",
    )
    assert response.status_code == 201, response.content
    complaint = Complaint.objects.get(tracking_code=response.json()["tracking_code"])
    reply(complaint, org, discipline_user)

    client.force_login(User.objects.get(username="head-t"))
    stored = _download(client, complaint)
    cleaned = _no_metadata(stored)
    assert cleaned.format == "JPEG"
    assert cleaned.size == (64, 48)
    # The same picture, at the quality it came with: encoding a JPEG again moves a pixel by a few
    # steps at most, at sharp edges.
    before = Image.open(io.BytesIO(original)).convert("RGB").tobytes()
    after = cleaned.convert("RGB").tobytes()
    assert sum(abs(a - b) for a, b in zip(before, after, strict=True)) / len(before) < 1.5
    # Nothing of it stays on disk either.
    for path in private_media.rglob("*.*"):
        assert SERIAL.encode() not in path.read_bytes()


def test_a_photo_taken_sideways_is_stored_upright(db: Any, private_media: Any) -> None:
    # Orientation 6: the camera was turned, the picture must be shown turned 90° clockwise.
    complaint, _key = submit(attachments=[upload("sideways.jpg", jpeg_with_exif(orientation=6))])
    stored = complaint.attachments.get().file.read()
    upright = _no_metadata(stored)
    assert upright.size == (48, 64)
    # The left half (red) of the picture as taken is now on top, the right half (blue) below.
    red, _green, _blue = upright.convert("RGB").split()
    assert red.getpixel((24, 5)) > 150  # type: ignore[operator]
    assert red.getpixel((24, 58)) < 100  # type: ignore[operator]


def test_a_png_keeps_its_pixels_and_transparency_and_loses_its_text_and_exif(db: Any, private_media: Any) -> None:
    original = png_with_metadata()
    complaint, _key = submit(attachments=[upload("截图.png", original)])
    attachment = complaint.attachments.get()
    assert attachment.content_type == PNG
    cleaned = _no_metadata(attachment.file.read())
    assert cleaned.format == "PNG"
    assert cleaned.mode == "RGBA"
    assert cleaned.tobytes() == Image.open(io.BytesIO(original)).tobytes()


def test_other_files_are_stored_as_they_came() -> None:
    for content, content_type in ((pdf_bytes(), PDF), (docx_bytes(), DOCX)):
        file = upload("doc", content)
        assert strip_metadata(file, content_type) is file


def test_a_display_p3_photo_is_converted_to_srgb_before_its_profile_goes() -> None:
    p3 = ImageCms.ImageCmsProfile(ImageCms.createProfile("LAB"))  # any profile other than sRGB
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), (120, 130, 140)).save(buffer, format="JPEG", icc_profile=p3.tobytes())
    cleaned = strip_metadata(upload("p3.jpg", buffer.getvalue()), JPEG)
    image = Image.open(cleaned)
    assert "icc_profile" not in image.info
    assert image.size == (8, 8)


# --- decompression bombs: pictures -------------------------------------------------------------------


def _png_header_only(width: int, height: int) -> bytes:
    """A PNG that declares its size and holds almost nothing: what a bomb looks like to the
    server before it decodes."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)  # 8-bit greyscale
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\x00" * 64))
        + chunk(b"IEND", b"")
    )


@pytest.mark.parametrize(
    ("width", "height"),
    [
        (8000, 8000),  # 64 million pixels: above the portal's limit, below Pillow's
        (100_000, 100_000),  # beyond Pillow's own limit (it raises before we look)
    ],
)
def test_a_picture_with_too_many_pixels_is_refused(width: int, height: int) -> None:
    with pytest.raises(ValidationError) as info:
        validate_attachment(upload("bomb.png", _png_header_only(width, height)))
    assert info.value.code == "too_many_pixels"
    assert "bomb.png" in info.value.messages[0]


def test_a_damaged_picture_is_refused() -> None:
    with pytest.raises(ValidationError) as info:
        validate_attachment(upload("broken.jpg", jpeg_with_exif()[:400]))
    assert info.value.code == "bad_image"


def test_a_picture_bomb_through_the_api_is_a_field_error_in_both_languages(db: Any, private_media: Any) -> None:
    data = {"category": "gambling", "title": "t", "description": "d"}
    for language, words in (("en", "million pixels"), ("zh-hans", "万像素")):
        files = [upload("bomb.png", _png_header_only(8000, 8000))]
        response = APIClient().post(
            SUBMIT, {**data, "attachments": files}, format="multipart", HTTP_ACCEPT_LANGUAGE=language
        )
        assert response.status_code == 400
        assert words in response.json()["errors"]["attachments"][0]
    assert not Complaint.objects.exists()
    assert not any(private_media.rglob("*.*"))


# --- decompression bombs: Word documents ---------------------------------------------------------------


def _zeros(total: int, chunk: int = 1024 * 1024) -> Iterator[bytes]:
    while total > 0:
        yield b"\x00" * min(chunk, total)
        total -= chunk


def docx_bomb(*, part_size: int, parts: int = 1) -> bytes:
    """A valid Word document plus ``parts`` parts of ``part_size`` zero bytes each, written a
    megabyte at a time: the archive stays a few kilobytes per 10 MB of zeros."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("[Content_Types].xml", DOCX_CONTENT_TYPES)
        archive.writestr("_rels/.rels", DOCX_RELS)
        archive.writestr("word/document.xml", DOCX_DOCUMENT)
        for index in range(parts):
            with archive.open(f"word/media/image{index}.bin", "w", force_zip64=True) as part:
                for chunk in _zeros(part_size):
                    part.write(chunk)
    return buffer.getvalue()


def test_a_docx_that_unpacks_beyond_the_limit_is_refused_and_nothing_is_stored(db: Any, private_media: Any) -> None:
    bomb = docx_bomb(part_size=DOCX_MAX_UNPACKED + 1024 * 1024)
    assert len(bomb) < 200 * 1024
    data = {"category": "gambling", "title": "t", "description": "d"}
    for language, words in (
        ("en", f"unpacks to more than {DOCX_MAX_UNPACKED // 1024 // 1024} MB"),
        ("zh-hans", "解压"),
    ):
        response = APIClient().post(
            SUBMIT,
            {**data, "attachments": [upload("说明.docx", bomb)]},
            format="multipart",
            HTTP_ACCEPT_LANGUAGE=language,
        )
        assert response.status_code == 400
        [message] = response.json()["errors"]["attachments"]
        assert "说明.docx" in message
        assert words in message
    assert not Complaint.objects.exists()
    assert not any(private_media.rglob("*.*"))


def test_a_docx_bomb_within_the_total_is_refused_by_its_compression_ratio() -> None:
    with pytest.raises(ValidationError) as info:
        validate_attachment(upload("说明.docx", docx_bomb(part_size=4 * 1024 * 1024)))
    assert info.value.code == "docx_ratio"


def test_a_docx_of_too_many_parts_is_refused() -> None:
    with pytest.raises(ValidationError) as info:
        validate_attachment(upload("说明.docx", docx_bomb(part_size=1, parts=DOCX_MAX_PARTS)))
    assert info.value.code == "docx_parts"


def test_a_docx_whose_part_unpacks_to_more_than_it_declares_is_refused() -> None:
    content = bytearray(docx_bomb(part_size=200_000))
    # Declare 1,000 bytes for the zeros in the central directory (where readers look).
    entry = content.rfind(b"PK\x01\x02")
    assert content[entry + 46 : entry + 46 + 21] == b"word/media/image0.bin"
    struct.pack_into("<I", content, entry + 24, 1000)
    with pytest.raises(ValidationError) as info:
        validate_attachment(upload("说明.docx", bytes(content)))
    assert info.value.code == "docx_damaged"


def test_an_honest_docx_with_pictures_passes() -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", DOCX_CONTENT_TYPES)
        archive.writestr("_rels/.rels", DOCX_RELS)
        archive.writestr("word/document.xml", DOCX_DOCUMENT * 200)
        for index in range(20):
            archive.writestr(f"word/media/image{index}.jpeg", jpeg_with_exif())
    assert validate_attachment(upload("说明.docx", buffer.getvalue())).endswith("document")
