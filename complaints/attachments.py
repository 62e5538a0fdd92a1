"""Complaint attachments: what the public may upload (the checks are the portal's shared ones,
``workstyle.uploads``) and how staff download it."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from complaints.models import Attachment
from workstyle.uploads import (
    ACCEPT,
    DOCX,
    DOCX_MAX_PARTS,
    DOCX_MAX_RATIO,
    DOCX_MAX_UNPACKED,
    EXTENSIONS,
    JPEG,
    MAX_FILES,
    MAX_IMAGE_PIXELS,
    MAX_SIZE,
    PDF,
    PNG,
    detect_content_type,
    download_name,
    file_response,
    storage_name,
    strip_metadata,
    validate_attachment,
    validate_attachment_count,
)

__all__ = [
    "ACCEPT",
    "DOCX",
    "DOCX_MAX_PARTS",
    "DOCX_MAX_RATIO",
    "DOCX_MAX_UNPACKED",
    "EXTENSIONS",
    "JPEG",
    "MAX_FILES",
    "MAX_IMAGE_PIXELS",
    "MAX_SIZE",
    "PDF",
    "PNG",
    "attachment_download",
    "detect_content_type",
    "download_name",
    "storage_name",
    "strip_metadata",
    "validate_attachment",
    "validate_attachment_count",
]


@login_required
@require_GET
def attachment_download(request: HttpRequest, pk: int, attachment_id: int) -> FileResponse:
    """Staff who may see the complaint get the file as a download; anyone else a 404."""
    attachment = get_object_or_404(Attachment.objects.visible_to(request.user), complaint_id=pk, pk=attachment_id)
    try:
        handle = attachment.file.open("rb")
    except (FileNotFoundError, ValueError) as exc:
        raise Http404(str(_("The file is no longer available."))) from exc
    return file_response(handle, original_name=attachment.original_name, content_type=attachment.content_type)
