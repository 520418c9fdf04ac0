"""A MASH practitioner finds a child in a real browser, by keyboard alone."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, expect
from sqlalchemy import Engine
from tests.factories.people import child, concern, ingest

from joinedup.config import Settings
from joinedup.testing import FrozenClock

pytestmark = pytest.mark.browser

SCREENSHOT = "/tmp/joinedup-find-a-child.png"  # noqa: S108 - a picture for a person to look at
SignIn = Callable[..., None]


def serious(page: Page) -> list[str]:
    results = Axe().run(page)
    return [
        f"{v['id']} ({v['impact']}): {v['help']}"
        for v in results.response["violations"]
        if v["impact"] in ("serious", "critical")
    ]


def test_a_practitioner_finds_a_child_by_keyboard_alone(
    page: Page, sign_in: SignIn, clean_engine: Engine, settings: Settings, clock: FrozenClock
) -> None:
    ingest(clean_engine, settings, clock, concern(child("William")))
    problems: list[str] = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda exc: problems.append(str(exc)))
    page.set_viewport_size({"width": 1280, "height": 900})
    found: dict[str, list[str]] = {}

    sign_in(page, "mash")
    menu_link = page.get_by_role("navigation", name="Menu").get_by_role("link", name="Find a child")
    menu_link.focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Find a child", level=1)).to_be_visible()
    found["form"] = serious(page)

    # An empty search, sent with Enter: the error summary takes the focus and names the field.
    page.get_by_label("Given names").focus()
    page.keyboard.press("Enter")
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_be_focused()
    expect(summary).to_contain_text("Enter a name, date of birth, postcode, NHS number or UPN")
    found["form with an error"] = serious(page)

    # Tab from the summary's link to its field, then type and tab through the form.
    summary.get_by_role("link").first.focus()
    page.keyboard.press("Enter")
    expect(page.get_by_label("Given names")).to_be_focused()
    page.keyboard.type("Bill")
    page.keyboard.press("Tab")
    expect(page.get_by_label("Family name")).to_be_focused()
    page.keyboard.type("Testperson")
    page.keyboard.press("Tab")
    page.keyboard.type("7/4/2016")
    page.keyboard.press("Enter")

    expect(page.get_by_role("heading", name="1 child found")).to_be_visible()
    row = page.get_by_role("row", name="William Testperson")
    expect(row).to_contain_text("7 April 2016")
    expect(row).to_contain_text("ZZ1")
    link = row.get_by_role("link", name="William Testperson")
    expect(link).to_have_attribute("href", re.compile(r"^/children/\d+$"))
    found["results"] = serious(page)
    page.screenshot(path=SCREENSHOT, full_page=True)

    # The result's link is reachable by Tab from the form's button.
    page.get_by_role("button", name="Search").focus()
    for _ in range(5):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.textContent.trim()") == "William Testperson":
            break
    expect(link).to_be_focused()

    assert {name: v for name, v in found.items() if v} == {}
    # The empty search was answered 422, which Chromium logs; nothing else.
    assert [p for p in problems if "status of 422" not in p] == []
