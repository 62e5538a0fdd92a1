"""A township head files his democratic life meeting in Debian's Chromium (in Chinese): records the
meeting, a problem with its ethos, a rectification item, is told which observer is missing before
and when he submits, and the organization department finds the report in its queue once it goes."""

from __future__ import annotations

import importlib
import os
from typing import Any

from django.apps import apps
from playwright.sync_api import Page, expect

from cadres.models import Ethos
from meetings.models import Meeting, MeetingReport
from tests.browser.helpers import log_in
from tests.factories.meetings import leading_group

SCREENSHOTS = os.environ.get("WORKSTYLE_SCREENSHOTS", "")


def shot(page: Page, name: str) -> None:
    if SCREENSHOTS:
        page.screenshot(path=os.path.join(SCREENSHOTS, f"meeting-{name}.png"), full_page=True)


def test_a_township_head_files_his_meeting(
    live_server: Any, page: Page, org: Any, discipline_user: Any, orgdept_user: Any
) -> None:
    if Ethos.objects.count() < 8:  # a transactional test's flush empties the data migration's rows
        importlib.import_module("cadres.migrations.0003_the_eight_ethos").add_the_eight(apps, None)
    base = live_server.url
    town = leading_group(org.township, prefix="bt")
    log_in(page, base, town.head.user.username)
    page.locator("header nav a[href='/workbench/meetings/']").click()
    page.get_by_role("link", name="登记会议").click()
    page.locator("input[name=held_on]").fill("2026-01-05")
    page.locator(f"input[name=attendees][value='{town.head.pk}']").check()
    page.locator(f"input[name=attendees][value='{town.deputy.pk}']").check()
    page.locator(f"input[name=observers][value='{discipline_user.pk}']").check()
    shot(page, "new")
    page.locator("main form button[type=submit]").click()
    meeting = Meeting.objects.get()
    expect(page).to_have_url(f"{base}/workbench/meetings/{meeting.pk}/")
    # Told before he tries: the organization department has sent nobody yet.
    expect(page.locator("main")).to_contain_text("市委组织部派出的列席指导人员")

    page.locator("#meeting-problem textarea").fill("服务群众不够主动，部分事项群众多次跑腿。")
    page.locator("#meeting-problem select[name=problem-ethos]").select_option("people")
    page.locator("#meeting-problem button[type=submit]").click()
    expect(page.locator("main")).to_contain_text("心系群众、服务人民")
    page.locator("#meeting-item textarea").fill("推行便民服务“一窗受理”。")
    page.locator("#meeting-item select[name=item-responsible]").select_option(str(town.deputy.pk))
    page.locator("#meeting-item input[name=item-deadline]").fill("2026-03-31")
    page.locator("#meeting-item button[type=submit]").click()
    expect(page.locator("table.data")).to_contain_text("推行便民服务")

    page.locator("#meeting-submit button[type=submit]").click()
    expect(page.locator(".msg.error")).to_contain_text("尚缺：市委组织部派出的列席指导人员")
    assert MeetingReport.objects.get().status == "draft"
    shot(page, "refused")

    page.locator(f"#meeting-edit input[name=edit-observers][value='{orgdept_user.pk}']").check()
    page.locator("#meeting-edit button[type=submit]").click()
    page.locator("#meeting-submit button[type=submit]").click()
    expect(page.locator(".msg.success")).to_contain_text("报告已报送")
    assert MeetingReport.objects.get().status == "submitted"

    page.context.clear_cookies()
    log_in(page, base, orgdept_user.username)
    page.goto(f"{base}/workbench/meetings/")
    expect(page.locator("main table")).to_contain_text(org.township.name)
    shot(page, "queue")
