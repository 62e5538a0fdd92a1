"""Files and flows the public-side tests share."""

from __future__ import annotations

import io
import zipfile
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

DOCX_CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/word/document.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>'
    "</Types>"
)
DOCX_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" '
    'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" '
    'Target="word/document.xml"/></Relationships>'
)
DOCX_DOCUMENT = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
    "<w:body><w:p><w:r><w:t>村里乱收费的情况说明</w:t></w:r></w:p></w:body></w:document>"
)


def png_bytes() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), (200, 30, 30)).save(buffer, format="PNG")
    return buffer.getvalue()


def jpeg_bytes() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), (30, 30, 200)).save(buffer, format="JPEG")
    return buffer.getvalue()


def pdf_bytes() -> bytes:
    return (
        b"%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n"
        b"2 0 obj << /Type /Pages /Kids [] /Count 0 >> endobj\n"
        b"trailer << /Root 1 0 R >>\n%%EOF\n"
    )


def docx_bytes(*, macro: bool = False) -> bytes:
    """A minimal Word document as Word writes it: [Content_Types].xml first."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", DOCX_CONTENT_TYPES)
        archive.writestr("_rels/.rels", DOCX_RELS)
        archive.writestr("word/document.xml", DOCX_DOCUMENT)
        if macro:
            archive.writestr("word/vbaProject.bin", b"\x00" * 16)
    return buffer.getvalue()


def plain_zip_bytes() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("notes.txt", "not a Word document")
        archive.writestr("photo.png", png_bytes())
    return buffer.getvalue()


def exe_bytes() -> bytes:
    # The DOS header of a Windows executable, then padding.
    return b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 200 + b"PE\x00\x00"


def upload(name: str, content: bytes, content_type: str = "application/octet-stream") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type=content_type)


def submit(**overrides: Any) -> tuple[Any, str]:
    """File a complaint through the service, as the public side does."""
    from complaints import services
    from complaints.models import Complaint

    fields: dict[str, Any] = {
        "actor": None,
        "channel": Complaint.Channel.WEB,
        "category": "arbitrary_charges",
        "title": "村委会违规收取卫生费",
        "description": "每户每月多收二十元，没有收据。",
        "complainant_name": "张秘密",
        "complainant_phone": "13800000000",
        "complainant_email": "zhang.secret@example.com",
        "now": timezone.now(),
    }
    fields.update(overrides)
    return services.complaint_submit(**fields)


REPLY_TEXT = "经查属实，已责令退还。"


def reply(complaint: Any, org: Any, discipline_user: Any, *, text: str = REPLY_TEXT, now: Any = None) -> Any:
    """Route, assign and answer a complaint through the services, as the office would."""
    from complaints import services

    now = now or timezone.now()
    complaint = services.complaint_accept(actor=discipline_user, complaint=complaint, department=org.office, now=now)
    complaint = services.complaint_assign(actor=org.head.user, complaint=complaint, handler=org.cadre, now=now)
    return services.complaint_reply(actor=org.cadre.user, complaint=complaint, text=text, now=now)
