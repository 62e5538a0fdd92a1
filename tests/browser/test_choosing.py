"""Choosing without codes, in Debian's Chromium: the queue's department list follows the unit
chosen, the case form offers cadres by name as one types — htmx under the strict CSP, no console
error."""

from __future__ import annotations

from typing import Any

from playwright.sync_api import Page, expect

from tests.browser.helpers import log_in


def test_departments_follow_the_unit_and_cadres_are_found_by_name(
    live_server: Any, page: Page, org: Any, discipline_user: Any
) -> None:
    errors: list[str] = []
    # (A missing favicon is another matter than the choosing.)
    page.on(
        "console",
        lambda message: (
            errors.append(message.text)
            if message.type == "error" and "favicon" not in str(message.location.get("url", ""))
            else None
        ),
    )
    base = live_server.url
    log_in(page, base, discipline_user.username)

    page.goto(f"{base}/workbench/complaints/")
    departments = page.locator("#filter-department option")
    expect(departments.filter(has_text="党政办")).not_to_have_count(0)
    page.locator("select[name=unit]").select_option(str(org.bureau.pk))
    expect(departments).to_have_count(1 + org.bureau.departments.count())  # "any" and the bureau's
    expect(departments.filter(has_text="党政办")).to_have_count(0)
    expect(departments.filter(has_text="档案科")).to_have_count(1)

    page.goto(f"{base}/workbench/cases/new/")
    field = page.locator("input[name=subject_cadre]")
    field.fill("钱")
    options = page.locator("#id_subject_cadre_options option")
    expect(options).to_have_count(1)
    expect(options.first).to_have_attribute("value", org.town_cadre.staff_number)
    assert errors == []
