"""The whole journey of a complaint in Debian's Chromium against a live server: a citizen files it on
the public form and keeps the code and key; the inspector routes it to the head's department; the
head assigns it to a cadre; the cadre answers it; the citizen reads the answer on the tracking page.
Each person uses his own browser context (his own cookies), staff log in through the login page."""

from __future__ import annotations

from typing import Any

from playwright.sync_api import Browser, Page, expect

from complaints.models import Complaint
from tests.browser.helpers import log_in

REPLY = "经核查，窗口工作人员确有推诿行为，已批评教育并调整岗位，您的证件已于今日办结。"


def new_page(browser: Browser, browser_context_args: dict[str, Any]) -> Page:
    return browser.new_context(**browser_context_args).new_page()


def open_from_queue(page: Page, base: str, code: str) -> None:
    page.locator("header nav a[href='/workbench/complaints/']").click()
    expect(page).to_have_url(f"{base}/workbench/complaints/")
    page.locator(f"tr[data-code='{code}'] a").click()
    expect(page.locator("code.tracking-code")).to_have_text(code)


def test_citizen_files_staff_route_assign_answer_citizen_reads(
    live_server: Any,
    page: Page,
    browser: Browser,
    browser_context_args: dict[str, Any],
    settings: Any,
    org: Any,
    discipline_user: Any,
) -> None:
    settings.CAPTCHA_TEST_MODE = True
    base = live_server.url

    # The citizen files the complaint and keeps the code and key.
    page.goto(f"{base}/complaints/new/")
    form = page.locator("form[enctype='multipart/form-data']")
    form.locator("select[name=category]").select_option("inaction")
    form.locator("input[name=title]").fill("住建局办公室窗口推诿扯皮")
    form.locator("textarea[name=description]").fill("办理证件跑了四趟，每次都说材料不全，要求补的材料都不一样。")
    form.locator("select[name=unit]").select_option(label=org.bureau.name)
    form.locator("input[name=complainant_name]").fill("赵市民")
    form.locator("input[name=complainant_phone]").fill("13900001111")
    form.locator("input[name=captcha_1]").fill("PASSED")
    form.locator("button[type=submit]").click()
    expect(page).to_have_url(f"{base}/complaints/submitted/")
    code = page.locator("#tracking-code").inner_text().strip()
    key = page.locator("#access-key").inner_text().strip()
    complaint = Complaint.objects.get(tracking_code=code)
    assert complaint.status == Complaint.Status.SUBMITTED

    # The inspector routes it to the head's department.
    inspector = new_page(browser, browser_context_args)
    log_in(inspector, base, discipline_user.username)
    open_from_queue(inspector, base, code)
    expect(inspector.locator("#identity")).not_to_contain_text("赵市民")
    accept = inspector.locator("#action-accept")
    accept.locator("select[name=accept-department]").select_option(str(org.office.pk))
    accept.locator("button[type=submit]").click()
    expect(inspector.locator(".msg.success")).to_contain_text(code)
    expect(inspector.locator("[data-status]").first).to_have_attribute("data-status", "accepted")
    expect(inspector.locator("#action-accept")).to_have_count(0)

    # The head assigns it to the cadre.
    head = new_page(browser, browser_context_args)
    log_in(head, base, org.head.user.username)
    open_from_queue(head, base, code)
    expect(head.locator("#action-accept")).to_have_count(0)
    expect(head.locator("body")).not_to_contain_text("赵市民")
    assign = head.locator("#action-assign")
    assign.locator("select[name=assign-handler]").select_option(str(org.cadre.pk))
    assign.locator("button[type=submit]").click()
    expect(head.locator(".msg.success")).to_contain_text(code)
    expect(head.locator("[data-status]").first).to_have_attribute("data-status", "assigned")

    # The cadre answers it.
    cadre = new_page(browser, browser_context_args)
    log_in(cadre, base, org.cadre.user.username)
    open_from_queue(cadre, base, code)
    expect(cadre.locator("body")).not_to_contain_text("13900001111")
    reply = cadre.locator("#action-reply")
    reply.locator("textarea[name=reply-text]").fill(REPLY)
    reply.locator("button[type=submit]").click()
    expect(cadre.locator(".msg.success")).to_contain_text(code)
    expect(cadre.locator("[data-status]").first).to_have_attribute("data-status", "replied")
    expect(cadre.locator("#answer")).to_contain_text(REPLY)
    expect(cadre.locator("#timeline li[data-verb=reply]")).to_have_count(1)

    # The citizen comes back with the code and key and reads the answer.
    page.goto(f"{base}/complaints/track/")
    page.locator("input[name=tracking_code]").fill(code)
    page.locator("input[name=access_key]").fill(key)
    page.locator("form:has(input[name=action][value=lookup]) button[type=submit]").click()
    expect(page).to_have_url(f"{base}/complaints/track/")
    expect(page.locator("#reply")).to_contain_text(REPLY)
    expect(page.locator("body")).not_to_contain_text(org.cadre.name)
    complaint.refresh_from_db()
    assert complaint.status == Complaint.Status.REPLIED
    assert complaint.handler == org.cadre
    assert list(complaint.events.values_list("verb", flat=True)) == ["submit", "accept", "assign", "reply"]
