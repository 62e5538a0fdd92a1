"""The API's documentation pages under the portal's own Content-Security-Policy, in Chromium: every
asset from the portal itself, Swagger UI showing its operations, no console error."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from playwright.sync_api import ConsoleMessage, Page, Request, expect


def watch(page: Page, live_server: Any) -> tuple[list[str], list[str], list[str]]:
    """The page's console errors, the requests it tried towards another host (``resource type
    url``), and those of them that got an answer."""
    errors: list[str] = []
    tried: list[str] = []
    loaded: list[str] = []
    host = urlsplit(live_server.url).netloc

    def foreign(request: Request) -> bool:
        parts = urlsplit(request.url)
        return parts.scheme in ("http", "https") and parts.netloc != host

    def on_console(message: ConsoleMessage) -> None:
        if message.type == "error":
            errors.append(message.text)

    def on_request(request: Request) -> None:
        if foreign(request):
            tried.append(f"{request.resource_type} {request.url}")

    def on_finished(request: Request) -> None:
        if foreign(request):
            loaded.append(request.url)

    def on_page_error(exc: Any) -> None:
        errors.append(str(exc))

    page.on("console", on_console)
    page.on("pageerror", on_page_error)
    page.on("request", on_request)
    page.on("requestfinished", on_finished)
    return errors, tried, loaded


def test_swagger_ui_shows_the_operations_without_a_console_error(live_server: Any, page: Page) -> None:
    errors, tried, _loaded = watch(page, live_server)
    response = page.goto(live_server.url + "/api/docs/")
    assert response is not None
    assert "script-src 'self'" in response.headers["content-security-policy"]
    expect(page.locator(".opblock").first).to_be_visible(timeout=15000)
    # Operations are grouped by resource, and Swagger UI draws a group as it scrolls into view:
    # scroll down the page, noting the groups drawn, until the public submission appears.
    target = page.locator(".opblock-summary-path", has_text="/api/v1/public/complaints/")
    groups: set[str] = set()
    for _ in range(80):
        groups.update(page.locator(".opblock-tag").all_inner_texts())
        if target.count():
            break
        page.mouse.wheel(0, 700)
        page.wait_for_timeout(50)
    expect(target.first).to_be_visible()
    assert {"complaints", "meetings", "cases"} <= {group.strip() for group in groups}
    page.wait_for_load_state("networkidle")
    assert errors == []
    assert tried == []


def test_redoc_loads_nothing_from_another_host(live_server: Any, page: Page) -> None:
    errors, tried, loaded = watch(page, live_server)
    page.goto(live_server.url + "/api/redoc/")
    expect(page.locator("h2", has_text="File a complaint").first).to_be_visible(timeout=15000)
    # Styled (its styles carry the page's nonce): the side menu is laid out beside the content.
    menu = page.locator(".menu-content").first
    expect(menu).to_be_visible()
    box = menu.bounding_box()
    assert box is not None
    assert box["width"] < 400
    page.wait_for_load_state("networkidle")
    # No web font is even asked for; ReDoc's own logo in its menu points to its maker's site, and
    # the portal's policy (img-src 'self') keeps it from loading.
    assert not [request for request in tried if request.startswith(("font", "stylesheet", "script"))]
    assert loaded == []
    assert errors == []
