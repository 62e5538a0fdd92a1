"""Complaint attachments: what the public may upload, and how staff download it.

The type is decided by the file's content (its magic bytes), never by its name or by the content
type the browser claims: a renamed executable must not pass as a PDF, and a picture sent with a
wrong extension is stored, and served back, under the extension of what it really is.
"""

from __future__ import annotations

import secrets
import zipfile
from collections.abc import Sequence
from pathlib import PurePath
from typing import IO, Any

import filetype
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpRequest
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from complaints.models import Attachment

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
    return content_type


def validate_attachment_count(files: Sequence[Any]) -> None:
    if len(files) > MAX_FILES:
        raise ValidationError(_("Attach at most %(max)s files."), code="too_many_files", params={"max": MAX_FILES})


def storage_name(content_type: str) -> str:
    """A random name under which to store a file: nothing of the complainant's own name survives
    on disk, and the extension is the one of the detected type."""
    return f"{secrets.token_hex(16)}.{EXTENSIONS.get(content_type, 'bin')}"


def download_name(original_name: str, content_type: str) -> str:
    """The name a download is offered under: the uploader's name with the real type's extension."""
    extension = EXTENSIONS.get(content_type, "bin")
    path = PurePath(PurePath(original_name).name or "attachment")
    suffix = path.suffix.lower().lstrip(".")
    if suffix == extension or (extension == "jpg" and suffix == "jpeg"):
        return path.name
    return f"{path.stem or 'attachment'}.{extension}"


@login_required
@require_GET
def attachment_download(request: HttpRequest, pk: int, attachment_id: int) -> FileResponse:
    """Staff who may see the complaint get the file as a download; anyone else a 404."""
    attachment = get_object_or_404(Attachment.objects.visible_to(request.user), complaint_id=pk, pk=attachment_id)
    try:
        handle = attachment.file.open("rb")
    except (FileNotFoundError, ValueError) as exc:
        raise Http404(str(_("The file is no longer available."))) from exc
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=download_name(attachment.original_name, attachment.content_type),
        content_type=attachment.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response
