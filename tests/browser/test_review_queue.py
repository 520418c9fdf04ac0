"""A MASH practitioner works the identity review queue in a real browser."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, expect
from sqlalchemy import Engine
from tests.factories.people import unsure_pair

from joinedup.config import Settings
from joinedup.testing import FrozenClock

pytestmark = pytest.mark.browser

SCREENSHOT = "/tmp/joinedup-review-task.png"  # noqa: S108 - a picture for a person to look at
PERSON_SCREENSHOT = "/tmp/joinedup-person.png"  # noqa: S108
SignIn = Callable[..., None]


def serious(page: Page) -> list[str]:
    results = Axe().run(page)
    return [
        f"{v['id']} ({v['impact']}): {v['help']}"
        for v in results.response["violations"]
        if v["impact"] in ("serious", "critical")
    ]


def test_a_practitioner_confirms_a_match_with_a_rationale_and_reopens_it(
    page: Page, sign_in: SignIn, clean_engine: Engine, settings: Settings, clock: FrozenClock
) -> None:
    task_id = unsure_pair(clean_engine, settings, clock)
    problems: list[str] = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda exc: problems.append(str(exc)))
    page.set_viewport_size({"width": 1280, "height": 900})
    found: dict[str, list[str]] = {}

    sign_in(page, "mash")
    page.get_by_role("link", name="Identity review").first.click()
    expect(page.get_by_role("heading", name="Identity review", level=1)).to_be_visible()
    expect(page.get_by_text("Showing 1 to 1 of 1")).to_be_visible()
    found["queue"] = serious(page)

    page.get_by_role("link", name=f"Task {task_id}").click()
    expect(page.get_by_role("heading", name=f"Review task {task_id}")).to_be_visible()
    expect(page.get_by_role("heading", name="What the matching found")).to_be_visible()
    dob = page.get_by_role("row", name="Date of birth Dates of birth with one of day")
    expect(dob).to_contain_text("one part different")
    expect(page.get_by_role("row", name="Date of birth 7 May 2016 7 April 2016")).to_be_visible()
    found["task"] = serious(page)
    page.screenshot(path=SCREENSHOT, full_page=True)

    page.get_by_role("button", name="Confirm: same person").click()  # no rationale yet
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_be_focused()
    expect(summary).to_contain_text("Enter why you decided this")
    found["task with an error"] = serious(page)

    page.get_by_label("Why have you decided this?").fill("The school confirms the date of birth")
    page.get_by_role("button", name="Confirm: same person").click()
    expect(
        page.get_by_text("You confirmed that these records are the same person.")
    ).to_be_visible()
    decision = page.locator(".govuk-summary-list").last
    expect(decision).to_contain_text("Same person")
    expect(decision).to_contain_text("mash")
    expect(decision).to_contain_text("The school confirms the date of birth")
    found["decided task"] = serious(page)

    page.get_by_role("link", name="person").first.click()
    expect(page.get_by_role("heading", name="Alexander Testperson")).to_be_visible()
    expect(page.get_by_text("Confirmed by a practitioner")).to_be_visible()
    page.get_by_text("Undo this merge").first.click()  # the details open
    expect(page.get_by_role("button", name="Undo this merge")).to_be_visible()
    found["person"] = serious(page)
    page.screenshot(path=PERSON_SCREENSHOT, full_page=True)
    page.go_back()

    page.get_by_label("Why should this decision be reopened?").fill("Wrong school record")
    page.get_by_role("button", name="Reopen").click()
    expect(page.get_by_text("You reopened this task.")).to_be_visible()
    expect(page.get_by_role("heading", name="Your decision")).to_be_visible()
    expect(page.get_by_text("Reason given: Wrong school record")).to_be_visible()

    assert {name: v for name, v in found.items() if v} == {}
    # The form sent without a rationale was answered 422, which Chromium logs; nothing else.
    assert [p for p in problems if "status of 422" not in p] == []
