"""Complaint attachments: what the public may upload (the checks are the portal's shared ones,
``workstyle.uploads``) and how staff download it."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpRequest, JsonResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET
from rest_framework.exceptions import AuthenticationFailed
from rest_framework.request import Request

from complaints.models import Attachment
from workstyle.auth import ApiTokenAuthentication
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


def _caller(request: HttpRequest) -> Any:
    """Who asks for a file: the holder of the API token the request carries (the API's own
    ``Authorization: Token …``, so that an attachment's ``download_url`` works for API clients),
    else the user of the page's session. A token that is wrong is refused, never read as no token."""
    found = ApiTokenAuthentication().authenticate(Request(request))
    return found[0] if found is not None else request.user


@require_GET
def attachment_download(request: HttpRequest, pk: int, attachment_id: int) -> HttpResponseBase:
    """Staff who may see the complaint get the file as a download, from a page or with an API
    token alike; anyone else a 404, and a visitor with neither the login page."""
    try:
        user = _caller(request)
    except AuthenticationFailed as exc:
        # As the API answers a bad token: JSON, 401.
        return JsonResponse(
            {"message": str(exc.detail), "errors": {}}, status=401, headers={"WWW-Authenticate": "Token"}
        )
    if not user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    attachment = get_object_or_404(Attachment.objects.visible_to(user), complaint_id=pk, pk=attachment_id)
    try:
        handle = attachment.file.open("rb")
    except (FileNotFoundError, ValueError) as exc:
        raise Http404(str(_("The file is no longer available."))) from exc
    return file_response(handle, original_name=attachment.original_name, content_type=attachment.content_type)
