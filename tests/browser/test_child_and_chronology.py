"""A social worker reads a child's page and filters the chronology, by keyboard alone."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, expect
from sqlalchemy import Engine
from tests.factories.children import ingest_family

from joinedup.config import Settings
from joinedup.testing import FrozenClock

pytestmark = pytest.mark.browser

CHILD_SCREENSHOT = "/tmp/joinedup-child.png"  # noqa: S108 - a picture for a person to look at
CHRONOLOGY_SCREENSHOT = "/tmp/joinedup-chronology.png"  # noqa: S108
SignIn = Callable[..., None]


def serious(page: Page) -> list[str]:
    results = Axe().run(page)
    return [
        f"{v['id']} ({v['impact']}): {v['help']}"
        for v in results.response["violations"]
        if v["impact"] in ("serious", "critical")
    ]


def tab_to(page: Page, selector: str, limit: int = 60) -> None:
    """Press Tab until the element is focused, as a keyboard user would."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("(s) => document.activeElement.matches(s)", selector):
            return
    raise AssertionError(f"{selector} was not reached by Tab")


@pytest.fixture
def family(clean_engine: Engine, settings: Settings, clock: FrozenClock) -> dict[str, Any]:
    return ingest_family(clean_engine, settings, clock)


def test_the_child_page_and_a_filtered_chronology_by_keyboard(
    page: Page, sign_in: SignIn, family: dict[str, Any]
) -> None:
    problems: list[str] = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda exc: problems.append(str(exc)))
    page.set_viewport_size({"width": 1280, "height": 900})
    found: dict[str, list[str]] = {}

    sign_in(page, "social.worker")
    page.goto(f"/children/{family['boy']}")
    expect(page.get_by_role("heading", name="Alexander Testperson", level=1)).to_be_visible()
    expect(page.get_by_text("Child protection plan: neglect")).to_be_visible()
    seen = page.locator(".govuk-summary-list__row", has_text="Last seen alone")
    expect(seen).to_contain_text("Not recorded")
    found["child"] = serious(page)
    page.screenshot(path=CHILD_SCREENSHOT, full_page=True)

    tab_to(page, "a[href$='/chronology']")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Entries")).to_be_visible()
    expect(page.get_by_text("Showing 5 of 5 entries")).to_be_visible()
    expect(page.get_by_role("heading", name="June 2024: Was not brought")).to_be_visible()
    found["chronology"] = serious(page)

    police = "input[name='agency'][value='police']"
    tab_to(page, police)
    page.keyboard.press("Space")
    tab_to(page, "button.govuk-button")
    expect(page.locator(":focus")).to_have_text("Apply filters")
    page.keyboard.press("Enter")
    expect(page.get_by_text("Showing 2 of 5 entries")).to_be_visible()
    expect(page.locator(police)).to_be_checked()
    expect(page).to_have_url(re.compile(r"/chronology\?agency=police&"))
    titles = page.locator(".govuk-summary-card__title")
    expect(titles).to_have_text(["2 August 2026 11:00: Adult offence",
                                 "1 September 2026 11:00: Domestic abuse incident"])  # fmt: skip
    found["filtered"] = serious(page)

    # Mark the incident as significant, still by keyboard: open the details, write, send.
    tab_to(page, "#event-{} summary".format(family["events"]["incident"]))
    page.keyboard.press("Enter")
    page.keyboard.press("Tab")
    page.keyboard.type("The boy saw the assault")
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    expect(page.get_by_text("You marked the entry as significant.")).to_be_visible()
    expect(page.get_by_text("Showing 2 of 5 entries")).to_be_visible()  # the filter is kept
    expect(page.get_by_text("The boy saw the assault")).to_be_visible()
    found["marked"] = serious(page)
    page.screenshot(path=CHRONOLOGY_SCREENSHOT, full_page=True)

    page.goto(f"/children/{family['boy']}/chronology?since-day=31&since-month=2&since-year=2026")
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_be_focused()
    expect(summary).to_contain_text("Date from must be a real date")
    found["with an error"] = serious(page)

    assert {name: v for name, v in found.items() if v} == {}
    assert [p for p in problems if "status of 422" not in p] == []
