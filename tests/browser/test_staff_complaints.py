"""The complaint workbench in Debian's Chromium: bulk routing from the queue, revealing the
complainant's identity with a reason, and a refused answer that keeps what the user typed."""

from __future__ import annotations

import os
from typing import Any

from django.utils import timezone
from playwright.sync_api import Page, expect

from complaints import services
from complaints.models import Complaint
from tests.browser.helpers import log_in
from tests.factories.complaints import COMPLAINANT, complaint_in_state

# Set to a directory to keep screenshots of the pages (for a look at the layout).
SCREENSHOTS = os.environ.get("WORKSTYLE_SCREENSHOTS", "")


def shot(page: Page, name: str) -> None:
    if SCREENSHOTS:
        page.screenshot(path=os.path.join(SCREENSHOTS, f"{name}.png"), full_page=True)


def test_inspector_routes_in_bulk_and_reveals_with_a_reason(
    live_server: Any, page: Page, org: Any, discipline_user: Any
) -> None:
    base = live_server.url
    first = complaint_in_state("submitted", discipline=discipline_user, title="低保审核吃拿卡要")
    second = complaint_in_state("submitted", discipline=discipline_user, title="违规收取办证费")
    routed = complaint_in_state("assigned", discipline=discipline_user, department=org.office, handler=org.cadre)

    log_in(page, base, discipline_user.username)
    shot(page, "dashboard")
    page.locator("header nav a[href='/workbench/complaints/']").click()
    expect(page.locator(f"tr[data-code='{routed.tracking_code}']")).to_be_visible()
    page.locator("a[data-status-count=submitted]").click()
    expect(page.locator("tr[data-code]")).to_have_count(2)
    page.locator(f"#select-{first.pk}").check()
    page.locator(f"#select-{second.pk}").check()
    page.locator("#bulk-accept select[name=department]").select_option(str(org.office.pk))
    shot(page, "queue")
    page.locator("#bulk-accept button[type=submit]").click()
    expect(page.locator(".msg.success")).to_have_count(2)
    expect(page.locator(".messages")).to_contain_text(first.tracking_code)
    expect(page.locator(".messages")).to_contain_text(second.tracking_code)
    # Back on the queue filtered by "submitted": nothing is waiting any more.
    expect(page.locator("tr[data-code]")).to_have_count(0)
    for complaint in (first, second):
        complaint.refresh_from_db()
        assert complaint.status == Complaint.Status.ACCEPTED

    page.goto(f"{base}/workbench/complaints/{first.pk}/")
    identity = page.locator("#identity")
    expect(identity).not_to_contain_text(COMPLAINANT["complainant_name"])
    # No reveal without a reason: the browser asks for one before sending (the server checks too).
    expect(page.locator("#action-reveal_identity textarea")).to_have_attribute("required", "")
    page.locator("#action-reveal_identity button[type=submit]").click()
    expect(page.locator("#identity")).not_to_contain_text(COMPLAINANT["complainant_name"])
    page.locator("#action-reveal_identity textarea").fill("需要当面核实低保审核经过")
    page.locator("#action-reveal_identity button[type=submit]").click()
    expect(page.locator("#identity")).to_contain_text(COMPLAINANT["complainant_name"])
    expect(page.locator("#identity")).to_contain_text(COMPLAINANT["complainant_phone"])
    expect(page.locator("#timeline li[data-verb=reveal_identity]")).to_contain_text("需要当面核实低保审核经过")
    shot(page, "detail-revealed")


def test_a_refused_answer_keeps_the_text(live_server: Any, page: Page, org: Any, discipline_user: Any) -> None:
    base = live_server.url
    complaint = complaint_in_state("assigned", discipline=discipline_user, department=org.office, handler=org.cadre)
    log_in(page, base, org.cadre.user.username)
    page.goto(f"{base}/workbench/complaints/{complaint.pk}/")
    shot(page, "detail-handler")
    text = "经调查核实，窗口工作人员存在推诿现象，已批评教育。"
    page.locator("#action-reply textarea[name=reply-text]").fill(text)
    # Meanwhile the head answers himself.
    services.complaint_reply(actor=org.head.user, complaint=complaint, text="已答复。", now=timezone.now())
    page.locator("#action-reply button[type=submit]").click()
    expect(page.locator(".msg.error")).to_be_visible()
    expect(page.locator("#stale-input textarea")).to_have_value(text)
    expect(page.locator("#action-reply")).to_have_count(0)
    shot(page, "detail-refused")
