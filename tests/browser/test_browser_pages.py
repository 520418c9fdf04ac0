"""People using the pages in a real browser: signing in, navigating, reading records."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, Page, expect

pytestmark = pytest.mark.browser

SCREENSHOT = "/tmp/joinedup-records.png"  # noqa: S108 - a picture for a person to look at
GOVUK_BRAND_BLUE = "rgb(29, 112, 184)"
SignIn = Callable[..., None]


def nav_texts(page: Page) -> list[str]:
    items = page.locator(".govuk-service-navigation__list .govuk-service-navigation__link")
    return [text.strip() for text in items.all_inner_texts()]


@pytest.mark.parametrize(
    ("username", "shown", "hidden"),
    [
        ("social.worker", "Records received", "Audit log"),
        ("ig.officer", "Audit log", "Records received"),
    ],
)
def test_a_person_signs_in_sees_their_navigation_and_signs_out(
    page: Page, sign_in: SignIn, username: str, shown: str, hidden: str
) -> None:
    problems: list[str] = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda exc: problems.append(str(exc)))
    page.goto("/")
    assert "/sign-in" in page.url  # sent to sign in first
    sign_in(page, username)
    expect(page.get_by_role("heading", name="Home", level=1)).to_be_visible()
    assert shown in nav_texts(page) and hidden not in nav_texts(page)
    expect(page.locator("body")).to_have_class(
        "govuk-template__body js-enabled govuk-frontend-supported"
    )
    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_text("You have signed out.")).to_be_visible()
    page.goto("/account")
    assert "/sign-in" in page.url
    assert problems == []  # no script errors and no content-security-policy refusals


def test_a_wrong_password_shows_the_error_summary_and_moves_focus_to_it(
    page: Page, sign_in: SignIn
) -> None:
    sign_in(page, "social.worker", "wrong-password")
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_be_visible()
    expect(summary).to_be_focused()
    expect(summary).to_contain_text("Enter a correct username and password")
    assert page.title() == "Error: Sign in – Joined Up"


def test_records_and_a_record_render_with_gov_uk_styles(page: Page, sign_in: SignIn) -> None:
    page.set_viewport_size({"width": 1280, "height": 900})
    sign_in(page, "social.worker")
    page.get_by_role("link", name="Records received").first.click()
    expect(page.get_by_role("heading", name="Records received")).to_be_visible()
    header = page.locator(".govuk-header")
    assert header.evaluate("e => getComputedStyle(e).backgroundColor") == GOVUK_BRAND_BLUE
    font = page.locator("h1").evaluate("e => getComputedStyle(e).fontFamily")
    assert "GDS Transport" in font
    expect(page.get_by_role("cell", name="March 2011", exact=True)).to_be_visible()
    expect(page.get_by_role("cell", name="14 March 2011 23:10")).to_be_visible()
    page.screenshot(path=SCREENSHOT, full_page=True)
    page.get_by_role("link", name="SCH-2011-0003").click()
    expect(page.get_by_role("heading", name="Record SCH-2011-0003")).to_be_visible()
    expect(page.get_by_text("Pupil arrived hungry again <script>alert(1)</script>")).to_be_visible()
    expect(page.locator(".govuk-summary-card").first).to_be_visible()


def _serious(page: Page) -> list[str]:
    results = Axe().run(page)
    return [
        f"{v['id']} ({v['impact']}): {v['help']}"
        for v in results.response["violations"]
        if v["impact"] in ("serious", "critical")
    ]


def test_no_serious_accessibility_problems(page: Page, sign_in: SignIn) -> None:
    found: dict[str, list[str]] = {}
    for path in ("/sign-in", "/no-such-page"):
        page.goto(path)
        found[path] = _serious(page)
    sign_in(page, "social.worker", "wrong-password")
    found["sign-in with errors"] = _serious(page)
    sign_in(page, "social.worker")
    for path in ("/", "/records", "/account", "/audit"):
        page.goto(path)
        found[path] = _serious(page)
    page.goto("/records")
    page.get_by_role("link", name="POL-2011-0001").click()
    found["record"] = _serious(page)
    page.get_by_role("button", name="Sign out").click()
    sign_in(page, "ig.officer")
    page.goto("/audit")
    found["/audit (information governance)"] = _serious(page)
    assert {path: v for path, v in found.items() if v} == {}


def test_everything_works_with_javascript_off(
    browser: Browser, live_server: str, seeded: dict[str, Any], sign_in: SignIn
) -> None:
    context = browser.new_context(base_url=live_server, java_script_enabled=False)
    page = context.new_page()
    try:
        sign_in(page, "mash")
        expect(page.get_by_role("heading", name="Home", level=1)).to_be_visible()
        assert "js-enabled" not in (page.locator("body").get_attribute("class") or "")
        page.get_by_role("link", name="Records received").first.click()
        page.get_by_label("Agency").select_option("education")
        page.get_by_role("button", name="Filter records").click()
        assert "agency=education" in page.url
        expect(page.get_by_role("link", name="SCH-2011-0003")).to_be_visible()
        expect(page.get_by_role("link", name="POL-2011-0001")).to_have_count(0)
        page.get_by_role("link", name="SCH-2011-0003").click()
        expect(page.get_by_role("heading", name="Version history")).to_be_visible()
        page.get_by_role("button", name="Sign out").click()
        expect(page.get_by_text("You have signed out.")).to_be_visible()
    finally:
        context.close()
