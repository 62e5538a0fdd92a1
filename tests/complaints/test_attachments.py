from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.urls import reverse

from complaints.attachments import (
    DOCX,
    JPEG,
    MAX_SIZE,
    PDF,
    PNG,
    download_name,
    storage_name,
    validate_attachment,
    validate_attachment_count,
)
from complaints.public.forms import MultipleFileField
from tests.complaints.public_helpers import (
    docx_bytes,
    exe_bytes,
    jpeg_bytes,
    pdf_bytes,
    plain_zip_bytes,
    png_bytes,
    reply,
    submit,
    upload,
)
from tests.factories.org import UserFactory

User = get_user_model()

# --- type by content --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "content", "expected"),
    [
        ("scan.pdf", pdf_bytes(), PDF),
        ("photo.jpg", jpeg_bytes(), JPEG),
        ("photo.png", png_bytes(), PNG),
        ("letter.docx", docx_bytes(), DOCX),
    ],
)
def test_the_four_accepted_types_are_recognised(name: str, content: bytes, expected: str) -> None:
    assert validate_attachment(upload(name, content)) == expected


def test_type_comes_from_the_content_not_the_name_or_the_browser() -> None:
    # A PNG picture named .pdf and announced as a PDF is a PNG: accepted, and stored as one.
    file = upload("receipt.pdf", png_bytes(), content_type="application/pdf")
    content_type = validate_attachment(file)
    assert content_type == PNG
    assert storage_name(content_type).endswith(".png")
    assert download_name("receipt.pdf", content_type) == "receipt.png"


def test_validation_leaves_the_file_readable_from_the_start() -> None:
    content = docx_bytes()
    file = upload("letter.docx", content)
    validate_attachment(file)
    assert file.read() == content


def test_an_executable_renamed_pdf_is_refused() -> None:
    with pytest.raises(ValidationError) as info:
        validate_attachment(upload("evidence.pdf", exe_bytes(), content_type="application/pdf"))
    assert info.value.code == "file_type"
    assert "evidence.pdf" in info.value.messages[0]


def test_a_zip_that_is_not_a_word_document_is_refused() -> None:
    with pytest.raises(ValidationError) as info:
        validate_attachment(upload("letter.docx", plain_zip_bytes()))
    assert info.value.code == "file_type"


def test_a_macro_enabled_word_document_is_refused() -> None:
    with pytest.raises(ValidationError):
        validate_attachment(upload("letter.docx", docx_bytes(macro=True)))


def test_a_truncated_zip_is_refused_without_crashing() -> None:
    with pytest.raises(ValidationError):
        validate_attachment(upload("letter.docx", docx_bytes()[:200]))


def test_text_and_html_are_refused() -> None:
    for content in (b"just some text", b"<html><script>alert(1)</script></html>", b"GIF89a\x01\x00\x01\x00"):
        with pytest.raises(ValidationError):
            validate_attachment(upload("note.png", content))


def test_an_empty_file_is_refused() -> None:
    with pytest.raises(ValidationError) as info:
        validate_attachment(upload("empty.pdf", b""))
    assert info.value.code == "empty"


def test_ten_megabytes_pass_and_one_byte_more_is_refused() -> None:
    exactly = pdf_bytes() + b"0" * (MAX_SIZE - len(pdf_bytes()))
    assert validate_attachment(upload("big.pdf", exactly)) == PDF
    with pytest.raises(ValidationError) as info:
        validate_attachment(upload("bigger.pdf", exactly + b"0"))
    assert info.value.code == "too_large"
    assert "10 MB" in info.value.messages[0]


def test_at_most_five_files() -> None:
    validate_attachment_count([object()] * 5)
    with pytest.raises(ValidationError) as info:
        validate_attachment_count([object()] * 6)
    assert info.value.code == "too_many_files"


def test_the_form_field_refuses_six_files_and_reports_each_bad_file() -> None:
    field = MultipleFileField(required=False)
    six = [upload(f"p{i}.png", png_bytes()) for i in range(6)]
    with pytest.raises(ValidationError) as info:
        field.clean(six)
    assert [error.code for error in info.value.error_list] == ["too_many_files"]

    with pytest.raises(ValidationError) as info:
        field.clean([upload("ok.png", png_bytes()), upload("a.pdf", exe_bytes()), upload("b.docx", plain_zip_bytes())])
    assert [error.code for error in info.value.error_list] == ["file_type", "file_type"]

    assert len(field.clean([upload("ok.png", png_bytes()), upload("ok.docx", docx_bytes())])) == 2
    assert field.clean([]) == []


def test_download_name_keeps_a_right_name_and_fixes_a_wrong_one() -> None:
    assert download_name("photo.JPEG", JPEG) == "photo.JPEG"
    assert download_name("photo.jpg", JPEG) == "photo.jpg"
    assert download_name("scan", PDF) == "scan.pdf"
    assert download_name("../../etc/passwd", PDF) == "passwd.pdf"
    assert download_name("report.exe", DOCX) == "report.docx"


# --- staff download ---------------------------------------------------------------------------


@pytest.fixture
def private_media(settings: Any, tmp_path: Any) -> Any:
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": tmp_path}},
    }
    return tmp_path


@pytest.fixture
def routed(org: Any, discipline_user: Any, private_media: Any) -> Any:
    """A complaint with a PNG sent under a .pdf name, routed to the head's department."""
    complaint, _key = submit(attachments=[upload("证据.pdf", png_bytes(), content_type="application/pdf")])
    reply(complaint, org, discipline_user)
    return complaint


def _url(complaint: Any) -> str:
    attachment = complaint.attachments.get()
    return reverse("complaints:attachment", args=[complaint.pk, attachment.pk])


def test_the_stored_file_has_a_random_name_and_the_real_type(routed: Any) -> None:
    attachment = routed.attachments.get()
    assert attachment.content_type == PNG
    assert attachment.original_name == "证据.pdf"
    stored = attachment.file.name.rsplit("/", 1)[-1]
    assert "证据" not in stored
    assert stored.endswith(".png")


@pytest.mark.parametrize("username", ["inspector-t", "head-t", "cadre-t"])
def test_staff_who_see_the_complaint_download_it(client: Any, routed: Any, username: str) -> None:
    client.force_login(User.objects.get(username=username))
    response = client.get(_url(routed))
    assert response.status_code == 200
    assert response["Content-Type"] == PNG
    assert response["X-Content-Type-Options"] == "nosniff"
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert ".png" in disposition
    assert ".pdf" not in disposition
    assert b"".join(response.streaming_content) == png_bytes()


@pytest.mark.parametrize("username", ["other-t", "town-t", "citizen-t"])
def test_anyone_else_gets_a_404(client: Any, routed: Any, username: str) -> None:
    UserFactory(username="citizen-t")
    client.force_login(User.objects.get(username=username))
    assert client.get(_url(routed)).status_code == 404


def test_anonymous_visitors_are_sent_to_the_login(client: Any, routed: Any) -> None:
    response = client.get(_url(routed))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_an_attachment_is_only_reachable_through_its_own_complaint(
    client: Any, org: Any, discipline_user: Any, routed: Any
) -> None:
    other, _key = submit(title="另一件投诉")
    reply(other, org, discipline_user)
    attachment = routed.attachments.get()
    client.force_login(User.objects.get(username="head-t"))
    url = reverse("complaints:attachment", args=[other.pk, attachment.pk])
    assert client.get(url).status_code == 404


def test_the_accused_cadre_cannot_download(client: Any, org: Any, discipline_user: Any, private_media: Any) -> None:
    # Staff recording a letter link the cadre it names.
    complaint, _key = submit(
        actor=discipline_user, channel="letter", accused_cadre=org.cadre, attachments=[upload("a.png", png_bytes())]
    )
    client.force_login(User.objects.get(username="cadre-t"))
    assert client.get(_url(complaint)).status_code == 404
    client.force_login(User.objects.get(username="inspector-t"))
    assert client.get(_url(complaint)).status_code == 200
