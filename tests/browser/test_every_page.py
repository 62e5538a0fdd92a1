"""Every page a demo role (and a citizen, without an account) can reach from the navigation, in
zh-hans and in English, in Chromium: no serious or critical accessibility violation as axe-core
measures WCAG 2.1 AA, no console error (a blocked Content-Security-Policy included), no request to
another host, no answer of 400 or above.

The walk starts at the role's first page and follows the links of every page it opens (same host
only), one page per URL pattern (a view, whatever its arguments and query): one complaint's
page per role, not forty; axe-core checks each role's page of each pattern in each language (the
same template shows each role other rows, buttons and forms). One demo city, seeded once for the module
and served by the module's own live server, serves every role and language; pytest-xdist
spreads the role × language items over its workers. axe-core comes from the
``axe-playwright-python`` package (no script from another host), injected by Playwright outside the page's policy.
"""

from __future__ import annotations

import io
import re
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urldefrag, urlsplit

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.core.management import call_command
from django.urls import Resolver404, resolve
from playwright.sync_api import Browser, ConsoleMessage, Page, Request, Response, expect
from playwright.sync_api import Error as PlaywrightError

# The database mark makes pytest-django set up the test database (the test itself reads nothing:
# the module's live server serves what the module's fixture seeded and committed).
pytestmark = [pytest.mark.slow, pytest.mark.django_db]

PASSWORD = "browser-walk-1"
ROLES = ["admin", "inspector", "leader", "orgdept", "head", "director", "townhead", "envhead", "cadre"]
CITIZEN = "citizen"
LANGUAGES = ["zh-hans", "en"]
# WCAG 2.0 and 2.1, levels A and AA.
AXE_OPTIONS = {
    "runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]},
    "resultTypes": ["violations"],
    # axe would fetch the stylesheets again and parse them in <style> elements of its own, which the
    # page's policy rightly refuses.
    "preload": False,
}
FAILING_IMPACTS = {"serious", "critical"}
# Never followed: what only a form posts to, files rather than pages, the machine-readable API.
SKIPPED_PATHS = re.compile(
    r"^/(i18n/|accounts/logout/|admin/logout/|static/|media/|captcha/|api/v1/|api/schema/|open311/|healthz)"
)
# Pages that answer with a file (exports, printable documents as PDF or Word, attachments).
DOWNLOAD_VIEWS = re.compile(r"(export|download|attachment|pdf|docx|xlsx|csv|ics)", re.IGNORECASE)
# The admin: its index and every model's list, and one change and one add form of them all (they are
# one template each).
ADMIN_ONE_OF = re.compile(r"^admin:\w+_(change|add|history|delete)$")
MAX_PAGES = 120
# Pages that are the same for every staff role (Swagger UI renders the whole API, the walk's slowest
# page by far): walked by this one role only, in each language.
SAME_FOR_ALL_STAFF = {"api-docs"}
ONE_STAFF_ROLE = "inspector"

_axe = Axe()
# axe-core takes most of a page's time: it runs once per role, language and page pattern (a page
# the walk reaches again under another pattern's link is not checked twice).
_AXE_DONE: set[tuple[str, str, str]] = set()


@dataclass
class Walk:
    """What one role's walk saw."""

    host: str
    role: str
    language: str = ""
    pattern: str = ""
    pages: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    current: str = ""
    timings: list[tuple[str, float, float]] = field(default_factory=list)  # page, load, axe (s)

    def problem(self, text: str) -> None:
        self.problems.append(f"{self.current}: {text}")


@pytest.fixture(scope="module")
def demo_site(django_db_setup: Any, django_db_blocker: Any) -> Iterator[str]:
    """The demo city in the worker's test database, served by a live server of the module's own,
    kept for every test of the module (the ``live_server`` fixture would empty the database after
    each test); emptied again at the end for the tests that come after."""
    from django.db import connection
    from pytest_django.live_server_helper import LiveServer

    # The server's thread reaches the database while the tests run: open it for the whole module.
    with django_db_blocker.unblock():
        assert connection.settings_dict["NAME"].startswith("test_"), "not a test database"
        _restore_the_eight_ethos()
        call_command("seed_demo", password=PASSWORD, stdout=io.StringIO())
        server = LiveServer("localhost")
        server._live_server_modified_settings.enable()
        try:
            yield server.url
        finally:
            server._live_server_modified_settings.disable()
            server.stop()
            call_command("flush", interactive=False, verbosity=0)
            _restore_the_eight_ethos()


def _restore_the_eight_ethos() -> None:
    """The eight ethos are rows of a data migration, which a flush (another module's transactional
    test, or this module's end) takes away."""
    import importlib

    from django.apps import apps

    from cadres.models import Ethos

    if Ethos.objects.count() != 8:
        importlib.import_module("cadres.migrations.0003_the_eight_ethos").add_the_eight(apps, None)


def _tracked_complaint() -> tuple[str, str]:
    """A complaint filed, routed, assigned and answered through the services, with its key: what the
    citizen sees on the tracking page once the office has replied (the satisfaction form)."""
    from django.utils import timezone

    from complaints.demo import demo_answered_complaint

    complaint, key = demo_answered_complaint(
        title="村委会违规收取卫生费",
        description="每户每月多收二十元，没有收据。",
        reply="经查属实，已责令退还。",
        complainant_name="张某",
        complainant_phone="13800000000",
        now=timezone.now(),
    )
    return complaint.tracking_code, key


def _watch(page: Page, walk: Walk) -> None:
    def foreign(url: str) -> bool:
        parts = urlsplit(url)
        return parts.scheme in ("http", "https", "ws", "wss") and parts.netloc != walk.host

    def on_console(message: ConsoleMessage) -> None:
        if message.type == "error":
            walk.problem(f"console error: {message.text}")

    def on_page_error(error: Any) -> None:
        walk.problem(f"uncaught error: {error}")

    def on_request(request: Request) -> None:
        if foreign(request.url):
            walk.problem(f"request to another host: {request.resource_type} {request.url}")

    def on_response(response: Response) -> None:
        if response.status >= 400:
            walk.problem(f"HTTP {response.status}: {response.request.method} {response.url}")

    page.on("console", on_console)
    page.on("pageerror", on_page_error)
    page.on("request", on_request)
    page.on("response", on_response)


def _pattern(path: str) -> str | None:
    """The page's URL pattern (its view: a list's filters and pages are the same template), or None
    for what is not walked."""
    if SKIPPED_PATHS.match(path):
        return None
    try:
        match = resolve(path)
    except Resolver404:
        return f"404 {path}"
    view = match.view_name
    if DOWNLOAD_VIEWS.search(view):
        return None
    if ADMIN_ONE_OF.match(view):
        view = "admin:" + view.rsplit("_", 1)[1]
    return view


def _check_accessibility(page: Page, walk: Walk) -> None:
    results = _axe.run(page, options=AXE_OPTIONS).response
    for violation in results["violations"]:
        if violation["impact"] not in FAILING_IMPACTS:
            continue
        targets = "; ".join(" ".join(node["target"]) for node in violation["nodes"][:5])
        walk.problem(
            f"axe {violation['id']} ({violation['impact']}, {len(violation['nodes'])} nodes): "
            f"{violation['help']} — {targets}"
        )


def _links(page: Page, walk: Walk) -> list[str]:
    hrefs: list[str] = page.eval_on_selector_all("a[href]:not([download])", "links => links.map(link => link.href)")
    found = []
    for href in hrefs:
        url, _fragment = urldefrag(href)
        parts = urlsplit(url)
        if parts.scheme in ("http", "https") and parts.netloc == walk.host:
            found.append(url)
    return found


def _visit(page: Page, walk: Walk, url: str) -> bool:
    """Open the page and check it; False when it turned out to be a file rather than a page."""
    parts = urlsplit(url)
    walk.current = parts.path + (f"?{parts.query}" if parts.query else "")
    started = time.monotonic()
    try:
        response = page.goto(url, wait_until="load")
    except PlaywrightError as error:
        if "Download is starting" in str(error):
            return False
        raise
    if response is None or not response.headers.get("content-type", "").startswith("text/html"):
        return False
    walk.pages.append(walk.current)
    if parts.path.startswith("/api/"):
        # Swagger UI and ReDoc render once they have fetched the schema.
        page.wait_for_load_state("networkidle")
    loaded = time.monotonic()
    key = (walk.role, walk.language, walk.pattern or walk.current)
    if key not in _AXE_DONE:
        _AXE_DONE.add(key)
        _check_accessibility(page, walk)
    walk.timings.append((walk.current, loaded - started, time.monotonic() - loaded))
    return True


def _walk(page: Page, walk: Walk, start: list[str]) -> None:
    base = f"http://{walk.host}"
    queue = [base + path for path in start]
    seen: set[str] = set()
    while queue and len(walk.pages) < MAX_PAGES:
        url = queue.pop(0)
        parts = urlsplit(url)
        pattern = _pattern(parts.path)
        if pattern is None or pattern in seen or (pattern in SAME_FOR_ALL_STAFF and walk.role != ONE_STAFF_ROLE):
            continue
        seen.add(pattern)
        walk.pattern = pattern
        if _visit(page, walk, url):
            queue.extend(_links(page, walk))


def _log_in(page: Page, base: str, username: str) -> None:
    page.goto(f"{base}/accounts/login/")
    page.locator("input[name=username]").fill(username)
    page.locator("input[name=password]").fill(PASSWORD)
    page.locator("main form button[type=submit]").click()
    expect(page).to_have_url(f"{base}/workbench/")


def _citizen_forms(page: Page, walk: Walk, settings: Any, tracked: tuple[str, str]) -> None:
    """The pages behind the public forms: the receipt after filing, a tracked complaint with its
    reply and the satisfaction form."""
    base = f"http://{walk.host}"
    settings.CAPTCHA_TEST_MODE = True
    walk.current = "/complaints/new/ (filing)"
    page.goto(f"{base}/complaints/new/")
    form = page.locator("form[enctype='multipart/form-data']")
    form.locator("select[name=category]").select_option("arbitrary_charges")
    form.locator("input[name=title]").fill("镇政府违规收取办证费")
    form.locator("textarea[name=description]").fill("办理营业执照被要求另交五百元，没有收据。")
    form.locator("input[name=captcha_1]").fill("PASSED")
    form.locator("button[type=submit]").click()
    expect(page).to_have_url(f"{base}/complaints/submitted/")
    walk.current = "/complaints/submitted/"
    walk.pages.append(walk.current)
    _check_accessibility(page, walk)

    code, key = tracked
    page.goto(f"{base}/complaints/track/")
    page.locator("input[name=tracking_code]").fill(code)
    page.locator("input[name=access_key]").fill(key)
    page.locator("form:has(input[name=action][value=lookup]) button[type=submit]").click()
    expect(page.locator("#reply")).to_be_visible()
    walk.current = "/complaints/track/ (tracked, replied)"
    walk.pages.append(walk.current)
    expect(page.locator("#rate input[name=rating]").first).to_be_visible()
    _check_accessibility(page, walk)


@pytest.fixture(scope="module")
def tracked(demo_site: str) -> tuple[str, str]:
    return _tracked_complaint()


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("role", [CITIZEN, *ROLES])
def test_every_page_is_accessible_and_clean(
    demo_site: str,
    tracked: tuple[str, str],
    browser: Browser,
    browser_context_args: dict[str, Any],
    settings: Any,
    role: str,
    language: str,
) -> None:
    base = demo_site
    host = urlsplit(base).netloc
    context = browser.new_context(**browser_context_args)
    context.add_cookies([{"name": "django_language", "value": language, "url": base}])
    page = context.new_page()
    walk = Walk(host=host, role=role, language=language)
    started = time.monotonic()
    _watch(page, walk)
    try:
        if role == CITIZEN:
            _walk(page, walk, ["/", "/accounts/login/"])
            _citizen_forms(page, walk, settings, tracked)
        else:
            _log_in(page, base, role)
            _walk(page, walk, ["/workbench/", "/me/"])
    finally:
        context.close()
    seconds = time.monotonic() - started
    print(f"\n{role} ({language}): {len(walk.pages)} pages in {seconds:.1f} s: {' '.join(walk.pages)}")
    for path, load, check in sorted(walk.timings, key=lambda timing: -timing[1] - timing[2])[:8]:
        print(f"  {load + check:5.2f} s (load {load:.2f}, axe {check:.2f}) {path}")
    assert walk.pages, "no page walked"
    assert not walk.problems, f"{len(walk.problems)} problem(s):\n" + "\n".join(walk.problems)
