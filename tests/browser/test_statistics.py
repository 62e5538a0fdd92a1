"""The statistics page in Chromium, under the portal's CSP: its charts are drawn (SVG), no console
error, and a figure leads to the queue."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from django.utils import timezone
from playwright.sync_api import ConsoleMessage, Page, expect

from complaints.models import Complaint
from tests.browser.helpers import log_in
from tests.factories.complaints import ComplaintFactory
from tests.factories.org import UserFactory


def test_the_statistics_page_draws_its_charts(live_server: Any, page: Page, org: Any) -> None:
    now = timezone.now()
    for days in (5, 40, 80):
        ComplaintFactory(submitted_at=now - dt.timedelta(days=days), channel=Complaint.Channel.PHONE)
    ComplaintFactory(
        department=org.office,
        status=Complaint.Status.REPLIED,
        submitted_at=now - dt.timedelta(days=60),
        accepted_at=now - dt.timedelta(days=58),
        reply_due_at=now - dt.timedelta(days=10),
        replied_at=now - dt.timedelta(days=20),
        reply_text="已答复",
        rating=Complaint.Rating.SATISFIED,
    )
    UserFactory(username="stats-t", groups=["discipline"])
    errors: list[str] = []

    def on_console(message: ConsoleMessage) -> None:
        if message.type == "error":
            errors.append(message.text)

    log_in(page, live_server.url, "stats-t")
    # Watched from the workbench on (the login page's favicon request is no business of this page).
    page.on("console", on_console)
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.get_by_role("link", name="统计").first.click()
    expect(page.locator("main h1")).to_have_text("统计")
    for chart in ("rates", "trend", "department", "category", "channel", "unit"):
        expect(page.locator(f"#chart-{chart} svg").first).to_be_attached(timeout=15000)
    assert page.locator("#chart-trend svg path").count() > 3
    page.wait_for_load_state("networkidle")
    assert errors == []
    page.locator("section[aria-labelledby=totals-title] a.panel").first.click()
    expect(page).to_have_url(re.compile(r"/workbench/complaints/\?submitted_after=\d{4}-\d\d-\d\d&"))
    expect(page.locator("main h1")).to_be_visible()
