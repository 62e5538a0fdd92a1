"""Every demo role logs in through the login page, sees its workbench (the administrator also the
admin), and logs out; the language buttons in the header switch the page between zh-hans and en."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.core.management import call_command
from playwright.sync_api import Page, expect

PASSWORD = "browser-demo-1"

# username → a role label the "my page" shows for him (zh-hans), or None
ROLES: dict[str, str | None] = {
    "admin": "系统管理员",
    "inspector": "纪委办公室",
    "orgdept": "组织部",
    "head": "部门负责人",
    "cadre": "干部",
}


@pytest.fixture
def demo(transactional_db: Any) -> None:
    call_command("seed_demo", password=PASSWORD, stdout=io.StringIO())


def _log_in(page: Page, base: str, username: str) -> None:
    page.goto(f"{base}/accounts/login/")
    expect(page.locator("html")).to_have_attribute("lang", "zh-hans")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(PASSWORD)
    page.locator("main form button[type=submit]").click()
    expect(page).to_have_url(f"{base}/workbench/")
    expect(page.locator("main h1")).to_have_text("工作台")


def _log_out(page: Page, base: str) -> None:
    page.locator("header form[action='/accounts/logout/'] button").click()
    expect(page).to_have_url(f"{base}/")
    expect(page.locator("header").get_by_role("link", name="工作人员登录")).to_be_visible()
    page.goto(f"{base}/workbench/")
    expect(page).to_have_url(f"{base}/accounts/login/?next=/workbench/")


@pytest.mark.parametrize("username", list(ROLES))
def test_demo_role_logs_in_sees_the_workbench_and_logs_out(demo: None, live_server: Any, page: Page, username: str):
    base = live_server.url
    _log_in(page, base, username)
    header = page.locator("header")
    expect(header.get_by_role("link", name="工作台")).to_be_visible()

    page.goto(f"{base}/me/")
    expect(page.locator("main")).to_contain_text(ROLES[username])

    admin_link = header.locator("a[href='/admin/']")
    if username == "admin":
        admin_link.click()
        expect(page).to_have_url(f"{base}/admin/")
        expect(page.locator("#site-name")).to_contain_text("作风建设监督平台")
        page.goto(f"{base}/workbench/")
    else:
        expect(admin_link).to_have_count(0)
        # No one but the administrator gets into the admin.
        page.goto(f"{base}/admin/")
        expect(page).to_have_url(f"{base}/admin/login/?next=/admin/")
        page.goto(f"{base}/workbench/")
    _log_out(page, base)


def test_language_buttons_switch_the_page(demo: None, live_server: Any, page: Page):
    base = live_server.url
    _log_in(page, base, "inspector")
    nav = page.locator("nav.main-nav")
    expect(nav.get_by_role("link", name="工作台")).to_be_visible()
    # Each language is offered in its own name, whatever the page's language.
    expect(page.locator("form.lang-switch button[value='en']")).to_have_text("English")
    expect(page.locator("form.lang-switch button[value='zh-hans']")).to_have_text("简体中文")

    page.locator("form.lang-switch button[value='en']").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page).to_have_url(f"{base}/workbench/")  # the same page, in the other language
    expect(nav.get_by_role("link", name="Workbench")).to_be_visible()
    expect(page.locator("main h1")).to_have_text("Workbench")
    expect(page.locator("form.lang-switch button[value='en']")).to_have_attribute("aria-current", "true")

    # The choice sticks from page to page.
    page.goto(f"{base}/workbench/notifications/")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.locator("main h1")).to_have_text("Notifications")

    page.locator("form.lang-switch button[value='zh-hans']").click()
    expect(page.locator("html")).to_have_attribute("lang", "zh-hans")
    expect(page.locator("main h1")).to_have_text("消息通知")
    expect(nav.get_by_role("link", name="工作台")).to_be_visible()
