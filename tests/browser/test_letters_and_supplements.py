"""The office records a letter and prints its receipt; the citizen tracks it with the code and key
from the receipt and adds material — in Debian's Chromium, with the portal's CSP and no console
error."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.utils import timezone
from playwright.sync_api import ConsoleMessage, Page, expect

from complaints.models import Complaint
from tests.browser.helpers import log_in


def test_a_letter_recorded_printed_tracked_and_supplemented(
    live_server: Any, page: Page, org: Any, discipline_user: Any
) -> None:
    base = live_server.url
    problems: list[str] = []

    def on_console(message: ConsoleMessage) -> None:
        # The browser's own request for /favicon.ico is none of the pages' doing.
        if message.type == "error" and "favicon.ico" not in str(message.location.get("url")):
            problems.append(f"{message.location.get('url')}: {message.text[:60]}")

    page.on("console", on_console)
    page.on("pageerror", lambda error: problems.append(str(error)))

    log_in(page, base, discipline_user.username)
    page.goto(f"{base}/workbench/complaints/")
    page.locator("#intake-link").click()
    form = page.locator("form#intake")
    form.locator("select[name=channel]").select_option("letter")
    received = timezone.localtime() - timedelta(days=2)
    form.locator("input[name=received_at]").fill(received.strftime("%Y-%m-%dT%H:%M"))
    form.locator("select[name=category]").select_option("inaction")
    form.locator("input[name=title]").fill("来信反映窗口推诿")
    form.locator("textarea[name=description]").fill("来信称办事窗口多次推诿。")
    form.locator("input[name=complainant_name]").fill("王来信")
    form.locator("button[type=submit]").click()

    receipt = page.locator("#receipt")
    expect(receipt.locator(".qr svg")).to_be_visible()
    code = receipt.locator("#tracking-code").inner_text().strip()
    key = receipt.locator("#access-key").inner_text().strip()
    complaint = Complaint.objects.get(tracking_code=code)
    assert complaint.channel == Complaint.Channel.LETTER
    assert len(code) <= 14
    # The script of the portal's own shows the copy and print buttons (none without it).
    copy = receipt.locator("button[data-copy='#access-key']")
    expect(copy).to_be_visible()
    expect(receipt.locator("button[data-print]")).to_be_visible()
    # The key lands on the clipboard. What the page says for 1.5 s after the click is not asserted:
    # on a loaded machine the first look may come after it.
    page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=base)
    page.bring_to_front()
    copy.click()
    clipboard = ""
    for _ in range(50):
        clipboard = page.evaluate("navigator.clipboard.readText()")
        if clipboard == key:
            break
        page.wait_for_timeout(100)
    assert clipboard == key
    assert Complaint.objects.filter(title="来信反映窗口推诿").count() == 1

    # The citizen, in a browser of his own.
    citizen = page.context.browser.new_context(locale="zh-CN").new_page()
    citizen.on("console", on_console)
    citizen.on("pageerror", lambda error: problems.append(str(error)))
    citizen.goto(f"{base}/complaints/track/?code={code}")
    citizen.locator("input[name=tracking_code]").fill(code)
    citizen.locator("input[name=access_key]").fill(key)
    citizen.locator("input[name=access_key]").press("Enter")
    expect(citizen.locator("#complaint-status")).to_be_visible()
    expect(citizen.locator("button[data-copy='#tracking-code']")).to_be_visible()
    add = citizen.locator("#add-material form")
    add.locator("textarea[name=text]").fill("补充：信中提到的窗口为三号窗口。")
    add.locator("button[type=submit]").click()
    expect(citizen.locator("#supplements")).to_contain_text("三号窗口")
    assert complaint.supplements.get().text == "补充：信中提到的窗口为三号窗口。"
    assert problems == [], "\n".join(problems)
