"""An export too large to download at once, in Debian's Chromium: the queue's export button leads to
the export's page, whose progress bar htmx keeps up to date (under the portal's CSP, with no console
error) until the download link appears, and the file downloads and opens."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import openpyxl
from playwright.sync_api import ConsoleMessage, Page, expect

from tests.browser.helpers import log_in
from tests.factories.complaints import complaint_in_state
from workstyle import export_services
from workstyle.models import Export


def test_the_progress_bar_follows_the_worker_and_offers_the_file(
    live_server: Any, page: Page, org: Any, discipline_user: Any, settings: Any, tmp_path: Path
) -> None:
    settings.WORKSTYLE_EXPORT_SYNC_ROWS = 1
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    codes = {complaint_in_state("submitted", discipline=discipline_user).tracking_code for _ in range(3)}
    errors: list[str] = []

    def on_console(message: ConsoleMessage) -> None:
        # The browser's own request for /favicon.ico is none of the pages' doing.
        if message.type == "error" and "favicon.ico" not in str(message.location.get("url")):
            errors.append(f"{message.location.get('url')}: {message.text[:80]}")

    page.on("console", on_console)
    page.on("pageerror", lambda error: errors.append(str(error)))

    base = live_server.url
    log_in(page, base, discipline_user.username)
    page.goto(f"{base}/workbench/complaints/?status=submitted")
    page.locator("button[data-export=xlsx]").click()
    export = Export.objects.get(user=discipline_user)
    expect(page).to_have_url(f"{base}/workbench/exports/{export.pk}/")
    expect(page.locator("#export-progress")).to_have_attribute("data-status", "queued")
    expect(page.locator("#export-download")).to_have_count(0)

    # The worker's part, while the page is open: the page follows without being reloaded.
    export_services.export_write(export_id=export.pk, now=export.created_at)
    expect(page.locator("#export-progress")).to_have_attribute("data-status", "done", timeout=10_000)
    expect(page.locator("#export-progress progress")).to_have_attribute("value", "100")
    with page.expect_download() as download:
        page.locator("#export-download").click()
    assert download.value.suggested_filename.endswith(".xlsx")
    with open(download.value.path(), "rb") as file:
        sheet = openpyxl.load_workbook(file, read_only=True).active
        rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "查询码"
    assert {row[0] for row in rows[1:]} == codes

    page.goto(f"{base}/workbench/exports/")
    expect(page.locator(f"tr[data-export='{export.pk}']")).to_contain_text("可下载")
    assert errors == []
