"""Other captcha characters without leaving the form, in Chromium: what the citizen typed stays."""

from __future__ import annotations

from typing import Any

from playwright.sync_api import ConsoleMessage, Page, expect


def test_other_characters_keep_what_was_typed(live_server: Any, page: Page) -> None:
    errors: list[str] = []

    def on_console(message: ConsoleMessage) -> None:
        if message.type == "error":
            errors.append(message.text)

    page.on("console", on_console)
    page.goto(live_server.url + "/complaints/new/")
    page.locator("input[name=title]").fill("镇政府违规收取办证费")
    image = page.locator("img.captcha")
    key = page.locator("input[name=captcha_0]")
    old_src, old_key = image.get_attribute("src"), key.input_value()
    page.locator("input[name=captcha_1]").fill("WRONG")

    page.get_by_role("button", name="换一张验证码").click()

    expect(image).not_to_have_attribute("src", old_src or "")
    assert key.input_value() != old_key
    assert image.get_attribute("src") == f"/captcha/image/{key.input_value()}/"
    expect(page.locator("input[name=captcha_1]")).to_have_value("")
    expect(page.locator("input[name=captcha_1]")).to_be_focused()
    expect(page.locator("input[name=title]")).to_have_value("镇政府违规收取办证费")
    assert page.url == live_server.url + "/complaints/new/"
    assert errors == []


def test_a_wrong_answer_brings_the_form_back_with_its_errors_in_focus(live_server: Any, page: Page) -> None:
    errors: list[str] = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.goto(live_server.url + "/complaints/new/")
    page.locator("select[name=category]").select_option("inaction")
    page.locator("input[name=title]").fill("镇政府违规收取办证费")
    page.locator("textarea[name=description]").fill("每本证多收五十元。")
    page.locator("input[name=captcha_1]").fill("WRONG")
    page.get_by_role("button", name="提交投诉").click()

    summary = page.locator(".error-summary")
    expect(summary).to_be_focused()
    expect(summary).to_have_attribute("role", "alert")
    link = summary.get_by_role("link", name="验证码不正确，请重新输入。", exact=False)
    expect(link).to_have_attribute("href", "#id_captcha_1")
    link.click()
    expect(page.locator("input[name=captcha_1]")).to_be_focused()
    expect(page.locator("input[name=title]")).to_have_value("镇政府违规收取办证费")
    expect(page.locator("textarea[name=description]")).to_have_value("每本证多收五十元。")
    assert errors == []
