"""Uploaded files: what the portal accepts (a complainant's attachments, a rectification's evidence)
and how it stores them.

The type is decided by the file's content (its magic bytes), never by its name or by the content
type the browser claims: a renamed executable must not pass as a PDF, and a picture sent with a
wrong extension is stored, and served back, under the extension of what it really is.

A picture is stored as its pixels alone: a phone's photo carries where it was taken and the
camera's serial number, which could name the complainant or a witness. A picture or a Word document that would
unpack to something enormous (a decompression bomb) is refused before anything decodes it in full.
"""

from __future__ import annotations

import io
import secrets
import warnings
import zipfile
from collections.abc import Sequence
from pathlib import PurePath
from typing import IO, Any

import filetype
from django.core.exceptions import ValidationError
from django.core.files import File
from django.http import FileResponse
from django.utils.translation import gettext_lazy as _
from PIL import Image, ImageCms, ImageOps, JpegImagePlugin

MAX_SIZE = 10 * 1024 * 1024
MAX_FILES = 5

PDF = "application/pdf"
JPEG = "image/jpeg"
PNG = "image/png"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"

EXTENSIONS: dict[str, str] = {PDF: "pdf", JPEG: "jpg", PNG: "png", DOCX: "docx"}
ACCEPT = ",".join([*(f".{ext}" for ext in EXTENSIONS.values()), ".jpeg", *EXTENSIONS])

_ZIP_MAGIC = b"PK\x03\x04"
_HEADER_BYTES = 8192
# The main part of a Word document; the macro-enabled variant (.docm) has another type and is refused.
_DOCX_MAIN = b"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
_CONTENT_TYPES_LIMIT = 1024 * 1024

# A phone photo has 12 to 50 million pixels; far more, in a file of at most 10 MB, is a picture
# made to take the server's memory when decoded (50 million RGB pixels already take 150 MB).
MAX_IMAGE_PIXELS = 50_000_000
# A Word document has a few dozen parts and unpacks to a few times its size; these limits leave
# room for long documents full of pictures and refuse a ZIP bomb.
DOCX_MAX_PARTS = 1000
DOCX_MAX_UNPACKED = 50 * 1024 * 1024
# XML compresses up to some twenty times; a part that claims far more is a bomb. Small parts may
# compress as well as they like (a nearly empty part does), they cannot unpack to much.
DOCX_MAX_RATIO = 100
_RATIO_FROM_SIZE = 1024 * 1024
_CHUNK = 64 * 1024

_PILLOW_FORMATS = {JPEG: "JPEG", PNG: "PNG"}


def _name(file: Any) -> str:
    return PurePath(str(getattr(file, "name", "") or "")).name or str(_("(unnamed)"))


def _is_docx(file: IO[bytes]) -> bool:
    """A DOCX is a ZIP holding word/document.xml and a [Content_Types].xml that declares it.
    Only the central directory and that one small part are read, so a ZIP bomb costs nothing."""
    try:
        with zipfile.ZipFile(file) as archive:
            names = set(archive.namelist())
            if "word/document.xml" not in names or "[Content_Types].xml" not in names:
                return False
            if "word/vbaProject.bin" in names:
                return False
            info = archive.getinfo("[Content_Types].xml")
            if info.file_size > _CONTENT_TYPES_LIMIT or info.flag_bits & 0x1:  # encrypted
                return False
            return _DOCX_MAIN in archive.read(info)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, RuntimeError, NotImplementedError):
        return False


def detect_content_type(file: Any) -> str | None:
    """PDF, JPEG, PNG or DOCX by content; None for anything else. Leaves the file at its start."""
    file.seek(0)
    header = file.read(_HEADER_BYTES)
    file.seek(0)
    try:
        if header.startswith(_ZIP_MAGIC):
            return DOCX if _is_docx(file) else None
        kind = filetype.guess(bytes(header))
        if kind is not None and kind.mime in (PDF, JPEG, PNG):
            return str(kind.mime)
        return None
    finally:
        file.seek(0)


def _check_image(file: Any, name: str, content_type: str) -> None:
    """A picture of sane dimensions that decodes completely (so that storing it cannot fail)."""
    too_large = ValidationError(
        _("The picture “%(name)s” has more than %(max)s million pixels."),
        code="too_many_pixels",
        params={"name": name, "max": MAX_IMAGE_PIXELS // 1_000_000},
    )
    file.seek(0)
    try:
        with warnings.catch_warnings():
            # Pillow only warns between its own limit and twice that; here it is a refusal.
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(file, formats=[_PILLOW_FORMATS[content_type]]) as image:
                width, height = image.size
                if width * height > MAX_IMAGE_PIXELS:
                    raise too_large
                image.load()
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise too_large from None
    except (OSError, SyntaxError, ValueError, EOFError, zipfile.BadZipFile):
        raise ValidationError(
            _("The picture “%(name)s” is damaged and cannot be read."), code="bad_image", params={"name": name}
        ) from None
    finally:
        file.seek(0)


def _check_docx(file: Any, name: str) -> None:
    """A Word document of reasonable parts: their number, what they unpack to in all and each
    part's compression, as the archive declares them; then every part unpacked (a chunk at a
    time, nothing kept) to prove the declarations true — ``zipfile`` stops at a part's declared
    size and checks its checksum, so a part that would unpack to more is refused as damaged."""

    def refuse(message: Any, code: str, **params: Any) -> ValidationError:
        return ValidationError(message, code=code, params={"name": name, **params})

    file.seek(0)
    try:
        with zipfile.ZipFile(file) as archive:
            parts = archive.infolist()
            if len(parts) > DOCX_MAX_PARTS:
                raise refuse(
                    _("The Word document “%(name)s” has more than %(max)s parts."), "docx_parts", max=DOCX_MAX_PARTS
                )
            if sum(part.file_size for part in parts) > DOCX_MAX_UNPACKED:
                raise refuse(
                    _("The Word document “%(name)s” unpacks to more than %(max)s MB."),
                    "docx_unpacked",
                    max=DOCX_MAX_UNPACKED // (1024 * 1024),
                )
            for part in parts:
                if part.file_size > _RATIO_FROM_SIZE and part.file_size > DOCX_MAX_RATIO * max(part.compress_size, 1):
                    raise refuse(
                        _("The Word document “%(name)s” has a part that unpacks to more than %(max)s times its size."),
                        "docx_ratio",
                        max=DOCX_MAX_RATIO,
                    )
            for part in parts:
                with archive.open(part) as stream:
                    while stream.read(_CHUNK):
                        pass
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, RuntimeError, NotImplementedError, EOFError):
        raise refuse(_("The Word document “%(name)s” is damaged and cannot be read."), "docx_damaged") from None
    finally:
        file.seek(0)


def validate_attachment(file: Any) -> str:
    """Check one uploaded file and return its real content type; raise ValidationError otherwise."""
    name = _name(file)
    size = getattr(file, "size", None)
    if not size:
        raise ValidationError(_("The file “%(name)s” is empty."), code="empty", params={"name": name})
    if size > MAX_SIZE:
        raise ValidationError(
            _("The file “%(name)s” is larger than %(max)s MB."),
            code="too_large",
            params={"name": name, "max": MAX_SIZE // (1024 * 1024)},
        )
    content_type = detect_content_type(file)
    if content_type is None:
        raise ValidationError(
            _("The file “%(name)s” is not a PDF, JPEG, PNG or Word (DOCX) document."),
            code="file_type",
            params={"name": name},
        )
    if content_type in _PILLOW_FORMATS:
        _check_image(file, name, content_type)
    elif content_type == DOCX:
        _check_docx(file, name)
    return content_type


def _to_srgb(image: Image.Image, icc_profile: bytes | None) -> Image.Image:
    """The picture's colours in sRGB, so that its colour profile (metadata too) can go: a phone's
    photo in Display P3 shown without its profile would look washed out."""
    if not icc_profile or image.mode not in ("RGB", "RGBA"):
        return image
    try:
        source = ImageCms.ImageCmsProfile(io.BytesIO(icc_profile))
        converted = ImageCms.profileToProfile(image, source, ImageCms.createProfile("sRGB"), outputMode=image.mode)
    except (ImageCms.PyCMSError, OSError, ValueError):
        return image  # a profile that cannot be read: the pixels as they are
    return converted if converted is not None else image


def strip_metadata(file: Any, content_type: str) -> Any:
    """The file to store: a JPEG or PNG (checked by ``validate_attachment``) re-encoded from its
    pixels alone — no EXIF (place, time, camera serial), XMP, comments, text chunks or colour
    profile — turned upright as its EXIF orientation said, in its own format and, for a JPEG, at
    its own quality; any other file as it came."""
    if content_type not in _PILLOW_FORMATS:
        return file
    file.seek(0)
    with Image.open(file, formats=[_PILLOW_FORMATS[content_type]]) as original:
        options: dict[str, Any] = {}
        if isinstance(original, JpegImagePlugin.JpegImageFile) and original.quantization:
            # The photo's own quantization tables: its quality, neither better (a bigger file)
            # nor worse (a second loss) than it came.
            options["qtables"] = original.quantization
            sampling = JpegImagePlugin.get_sampling(original)
            if sampling >= 0:
                options["subsampling"] = sampling
        transparency = original.info.get("transparency")
        upright = ImageOps.exif_transpose(original) or original
        picture = _to_srgb(upright, original.info.get("icc_profile"))
        # Pillow writes some of what it read back out (comments, the colour profile) unless the
        # picture's info is empty; the transparency of a PNG is part of its pixels and stays.
        picture.info = {"transparency": transparency} if transparency is not None else {}
        buffer = io.BytesIO()
        picture.save(buffer, format=_PILLOW_FORMATS[content_type], **options)
    file.seek(0)
    return File(buffer, name=getattr(file, "name", None))


def validate_attachment_count(files: Sequence[Any]) -> None:
    if len(files) > MAX_FILES:
        raise ValidationError(_("Attach at most %(max)s files."), code="too_many_files", params={"max": MAX_FILES})


def storage_name(content_type: str) -> str:
    """A random name under which to store a file: nothing of the uploader's own name survives on
    disk, and the extension is the one of the detected type."""
    return f"{secrets.token_hex(16)}.{EXTENSIONS.get(content_type, 'bin')}"


def download_name(original_name: str, content_type: str) -> str:
    """The name a download is offered under: the uploader's name with the real type's extension."""
    extension = EXTENSIONS.get(content_type, "bin")
    path = PurePath(PurePath(original_name).name or "attachment")
    suffix = path.suffix.lower().lstrip(".")
    if suffix == extension or (extension == "jpg" and suffix == "jpeg"):
        return path.name
    return f"{path.stem or 'attachment'}.{extension}"


def file_response(handle: Any, *, original_name: str, content_type: str) -> FileResponse:
    """A stored file as a download that no browser renders or sniffs as anything else."""
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=download_name(original_name, content_type),
        content_type=content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response
