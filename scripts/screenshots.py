"""Captures the pages shown in the README (called by scripts/screenshots, after the demo is seeded).

Files a demo complaint that the office answers, through the services, so that the tracking page
shows a reply and the satisfaction form; serves the portal with ``manage.py runserver`` on a free
port; and saves each page at 1366 and 375 px wide, in zh-hans, as docs/screenshots/<name>-<width>.png.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import django

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "docs" / "screenshots"
WIDTHS = {1366: 768, 375: 812}
CHROMIUM = os.environ.get("WORKSTYLE_CHROMIUM", "/usr/bin/chromium")
PASSWORD = os.environ.get("DEMO_PASSWORD", "workstyle-demo")


def answered_complaint() -> tuple[str, str, int]:
    """A complaint filed, routed to the cadre's department, assigned and answered: its tracking code
    and key, and the primary key of the most escalated demo complaint (for its staff page)."""
    from django.utils import timezone

    from complaints.demo import demo_answered_complaint
    from complaints.models import Complaint

    complaint, key = demo_answered_complaint(
        title="小区物业代收停车费未开票",
        description="物业公司受委托代收停车费，每月一百五十元，一直不开票据，也不公示收费依据。",
        reply="经核查，物业公司代收停车费未按规定开具票据。已责令其补开票据并在小区公示收费依据。",
        now=timezone.now(),
    )
    staff_page = Complaint.objects.order_by("-escalation_level", "-submitted_at").values_list("pk", flat=True).first()
    return complaint.tracking_code, key, staff_page or complaint.pk


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_for(url: str, server: subprocess.Popen[bytes]) -> None:
    for _ in range(120):
        if server.poll() is not None:
            sys.exit("the server stopped before answering")
        try:
            with urllib.request.urlopen(url, timeout=2):  # noqa: S310 (our own local server)
                return
        except OSError:
            time.sleep(0.5)
    sys.exit("the server did not answer")


def capture(base: str, code: str, key: str, staff_page: int) -> list[Path]:
    from playwright.sync_api import Page, sync_playwright

    saved: list[Path] = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, args=["--headless", "--no-sandbox", "--disable-gpu"], headless=True
        )
        for width, height in WIDTHS.items():
            mobile = width < 600
            context = browser.new_context(
                viewport={"width": width, "height": height},
                locale="zh-CN",
                timezone_id="Asia/Shanghai",
                is_mobile=mobile,
                has_touch=mobile,
            )
            page = context.new_page()

            def shot(name: str, _width: int = width, _page: Page = page) -> None:
                path = OUT / f"{name}-{_width}.png"
                _page.screenshot(path=str(path), full_page=True)
                saved.append(path)

            page.goto(f"{base}/")
            shot("home")
            page.goto(f"{base}/complaints/new/")
            shot("complaint-form")
            page.goto(f"{base}/complaints/track/")
            page.locator("input[name=tracking_code]").fill(code)
            page.locator("input[name=access_key]").fill(key)
            page.locator("form:has(input[name=action][value=lookup]) button[type=submit]").click()
            page.locator("#reply").wait_for()
            shot("tracking")

            page.goto(f"{base}/accounts/login/")
            page.locator("input[name=username]").fill("inspector")
            page.locator("input[name=password]").fill(PASSWORD)
            page.locator("main form button[type=submit]").click()
            page.wait_for_url(f"{base}/workbench/")
            shot("workbench")
            page.goto(f"{base}/workbench/complaints/")
            shot("queue")
            page.goto(f"{base}/workbench/complaints/{staff_page}/")
            shot("complaint")
            context.close()
        browser.close()
    return saved


def main() -> None:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "workstyle.settings")
    django.setup()
    code, key, staff_page = answered_complaint()
    OUT.mkdir(parents=True, exist_ok=True)
    port = free_port()
    server = subprocess.Popen(  # noqa: S603
        [sys.executable, "manage.py", "runserver", f"127.0.0.1:{port}", "--noreload"],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        wait_for(f"{base}/healthz", server)
        for path in capture(base, code, key, staff_page):
            print(path.relative_to(ROOT))
    finally:
        server.terminate()
        server.wait(timeout=30)


if __name__ == "__main__":
    main()
