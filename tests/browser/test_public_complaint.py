"""A citizen files a complaint through the public form, keeps the code and key, tracks it, reads
the reply and rates it, in Debian's Chromium against a live server."""

from __future__ import annotations

from typing import Any

import pytest
from django.utils import translation
from playwright.sync_api import Page, expect

from complaints.models import Complaint
from complaints.public.serializers import citizen_status_label
from tests.complaints.public_helpers import REPLY_TEXT, png_bytes, reply


@pytest.fixture
def private_media(settings: Any, tmp_path: Any) -> Any:
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": tmp_path}},
    }
    return tmp_path


def label(status: str) -> str:
    # The browser asks for Chinese (zh-CN), the site's default language; the page names the state
    # in the complainant's words.
    with translation.override("zh-hans"):
        return citizen_status_label(status)


def test_a_citizen_files_tracks_and_rates_a_complaint(
    live_server: Any, page: Page, settings: Any, private_media: Any, org: Any, discipline_user: Any
) -> None:
    settings.CAPTCHA_TEST_MODE = True
    page.goto(live_server.url + "/")
    page.locator(".hero a.button.primary").click()
    expect(page).to_have_url(live_server.url + "/complaints/new/")
    # The verification picture is served by the site itself.
    expect(page.locator("img.captcha")).to_be_visible()
    expect(page.locator("input[name=website]")).not_to_be_in_viewport()

    form = page.locator("form[enctype='multipart/form-data']")
    form.locator("select[name=category]").select_option("arbitrary_charges")
    form.locator("input[name=title]").fill("镇政府违规收取办证费")
    form.locator("textarea[name=description]").fill("办理营业执照被要求另交五百元，没有收据。")
    form.locator("select[name=unit]").select_option(label=org.township.name)
    form.locator("input[name=accused_name]").fill("钱某")
    form.locator("input[name=attachments]").set_input_files(
        [{"name": "收据.png", "mimeType": "image/png", "buffer": png_bytes()}]
    )
    form.locator("input[name=captcha_1]").fill("PASSED")
    form.locator("button[type=submit]").click()

    expect(page).to_have_url(live_server.url + "/complaints/submitted/")
    code = page.locator("#tracking-code").inner_text().strip()
    key = page.locator("#access-key").inner_text().strip()
    complaint = Complaint.objects.get(tracking_code=code)
    assert complaint.channel == Complaint.Channel.WEB
    assert complaint.unit == org.township
    assert complaint.attachments.get().content_type == "image/png"

    # Shown once: a reload no longer shows the key.
    page.reload()
    expect(page.locator("#access-key")).to_have_count(0)
    assert key not in page.content()

    page.locator("header nav a[href='/complaints/track/']").click()
    page.locator("input[name=tracking_code]").fill(code.replace("-", " ").lower())
    page.locator("input[name=access_key]").fill(key)
    page.locator("form:has(input[name=action][value=lookup]) button[type=submit]").click()
    expect(page).to_have_url(live_server.url + "/complaints/track/")
    expect(page.locator("#complaint-status")).to_have_text(label("submitted"))
    expect(page.locator("#reply")).to_have_count(0)
    assert key not in page.url

    # The office answers; the citizen comes back to the page and reads it.
    reply(complaint, org, discipline_user)
    page.reload()
    expect(page.locator("#complaint-status")).to_have_text(label("replied"))
    expect(page.locator("#reply")).to_contain_text(REPLY_TEXT)
    expect(page.locator("body")).not_to_contain_text(org.cadre.name)

    rate = page.locator("#rate form")
    rate.locator("input[name=rating][value=satisfied]").check()
    rate.locator("textarea[name=comment]").fill("处理及时，已退款。")
    rate.locator("button[type=submit]").click()
    expect(page.locator("#reply .msg.success")).to_be_visible()
    expect(page.locator("#rate")).to_have_count(0)
    complaint.refresh_from_db()
    assert complaint.rating == "satisfied"
    assert complaint.feedback_comment == "处理及时，已退款。"
    assert key not in page.url
