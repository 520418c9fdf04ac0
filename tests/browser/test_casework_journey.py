"""Issue 6's acceptance journey, in Chromium: a school's concern to a child protection plan.

A school DSL raises a concern; the MASH practitioner triages it red, asks health and records
health's reply, and decides on a strategy discussion; the team manager signs it off; the social
worker records the strategy discussion (section 47), the enquiry's outcome (conference) and books
the conference within its 15 working days; the reviewing officer records the conference with a
plan; the case page shows the plan and the first review conference's due date. The contact and
case pages are checked by axe-core. The server's clock stands at Monday 23 November 2026, 09:00.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import date
from typing import Any

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, Page, expect

from joinedup.casework import clocks
from joinedup.core.dates import MONTHS

pytestmark = pytest.mark.browser

SignIn = Callable[..., None]
TODAY = date(2026, 11, 23)


def serious(page: Page) -> list[str]:
    results = Axe().run(page)
    return [
        f"{v['id']} ({v['impact']}): {v['help']}"
        for v in results.response["violations"]
        if v["impact"] in ("serious", "critical")
    ]


def words(day: date) -> str:
    return f"{day.day} {MONTHS[day.month - 1]} {day.year}"


@pytest.fixture
def people(
    browser: Browser, live_server: str, seeded: dict[str, Any], sign_in: SignIn
) -> Iterator[Callable[[str], Page]]:
    """A signed-in page per person, each in its own browser context (its own session)."""
    made = []

    def as_(username: str) -> Page:
        context = browser.new_context(base_url=live_server)
        made.append(context)
        page = context.new_page()
        page.set_viewport_size({"width": 1280, "height": 900})
        sign_in(page, username)
        return page

    yield as_
    for context in made:
        context.close()


def step(page: Page, title: str) -> Any:
    """Open the form of one action on the case page (a details element, no JavaScript needed)."""
    form = page.locator("details", has=page.get_by_text(title, exact=True))
    form.locator("summary").click()
    return form


def test_a_school_concern_to_a_child_protection_plan(people: Callable[[str], Page]) -> None:
    found: dict[str, list[str]] = {}

    school = people("dsl.school")
    school.get_by_role("navigation", name="Menu").get_by_role(
        "link", name="Raise a concern"
    ).click()
    school.get_by_label("Given names").fill("Casey")
    school.get_by_label("Family name").fill("Testchild")
    school.get_by_label("Day").fill("7")
    school.get_by_label("Month").fill("4")
    school.get_by_label("Year").fill("2016")
    school.get_by_label("Postcode (optional)").fill("ZZ9 9ZZ")
    school.get_by_label("What is the concern about?").select_option("hunger")
    school.get_by_label("What did you see or hear?").fill("Arrived hungry three days running.")
    school.get_by_label("Where do you work?").select_option("school")
    school.get_by_label("Name of your organisation").fill("Sample Primary School")
    school.get_by_label("How can the front door reach you?").fill("dsl@school.test")
    found["concern form"] = serious(school)
    school.get_by_role("button", name="Send the concern").click()
    expect(school.get_by_role("heading", name="Concern sent")).to_be_visible()
    expect(school.get_by_text("FD-", exact=False)).to_be_visible()

    mash = people("mash")
    mash.goto("/front-door")
    mash.get_by_role("link", name="Casey Testchild").click()
    contact_url = mash.url
    mash.get_by_label("Red").check()
    mash.get_by_role("button", name="Save the urgency").click()
    expect(mash.get_by_text("You recorded the urgency.")).to_be_visible()
    mash.get_by_label("Agency").select_option("health")
    mash.get_by_label("Organisation").fill("Testshire Community Health")
    mash.get_by_label("What do you need to know?").fill("Is the child known to health visiting?")
    mash.get_by_role("button", name="Send the request").click()
    mash.get_by_label("Their reply").fill("Missed two development checks.")
    mash.get_by_label("Who replied").fill("HV One, health visitor")
    mash.get_by_role("button", name="Record the reply").click()
    expect(mash.get_by_text("Missed two development checks.")).to_be_visible()
    found["contact"] = serious(mash)
    mash.get_by_label("Referral with a strategy discussion", exact=False).check()
    mash.get_by_label("Rationale").fill("Hunger over days and missed health checks.")
    mash.get_by_role("button", name="Record the decision").click()
    expect(mash.get_by_text("It now needs a manager's sign-off.")).to_be_visible()

    manager = people("team.manager")
    manager.goto(contact_url)
    manager.get_by_role("button", name="Approve the decision").click()
    expect(manager.get_by_text("You signed the decision off.")).to_be_visible()
    case_link = manager.locator('main a[href^="/cases/"]').first  # not the navigation's links
    case_url = case_link.get_attribute("href")
    assert case_url and case_url.startswith("/cases/")

    worker = people("social.worker")
    worker.goto(case_url)
    expect(worker.get_by_text("Referral: child and family assessment")).to_be_visible()
    form = step(worker, "Record a strategy discussion")
    for i, (agency, name, role) in enumerate(
        [("police", "P One", "detective constable"), ("health", "H One", "named nurse"),
         ("childrens_social_care", "W One", "social worker")]
    ):  # fmt: skip
        form.get_by_label(f"Attendee {i + 1}: agency").select_option(agency)
        form.get_by_label(f"Attendee {i + 1}: name").fill(name)
        form.get_by_label(f"Attendee {i + 1}: role").fill(role)
    form.get_by_label("Reasons for the discussion").fill("Neglect; possible significant harm.")
    form.get_by_label("Start a section 47 enquiry").check()
    form.get_by_role("button").click()
    expect(worker.locator("#stage")).to_have_text("Section 47 enquiry")

    form = step(worker, "Record the outcome of the section 47 enquiry")
    form.get_by_label("Findings of the enquiry").fill("Concerns substantiated.")
    form.get_by_label("Hold an initial child protection conference").check()
    form.get_by_role("button").click()
    expect(worker.locator("#stage")).to_have_text(
        "Awaiting the initial child protection conference"
    )
    icpc_due = clocks.icpc_due(TODAY)
    deadlines = worker.locator("#deadlines + table")
    expect(deadlines).to_contain_text(f"Initial child protection conference {words(icpc_due)}")

    booked = date(2026, 12, 10)
    assert booked <= icpc_due
    form = step(worker, "Book a conference")
    form.locator("#book_conference-booked_for-day").fill(str(booked.day))
    form.locator("#book_conference-booked_for-month").fill(str(booked.month))
    form.locator("#book_conference-booked_for-year").fill(str(booked.year))
    form.get_by_role("button").click()
    expect(deadlines).to_contain_text(words(booked))

    chair = people("iro")
    chair.goto(case_url)
    form = step(chair, "Record the initial child protection conference")
    form.get_by_label("Chair", exact=True).fill("I Chair")
    form.get_by_label("Neglect").check()
    form.get_by_label("Emotional abuse").check()
    form.get_by_label("Decision and plan").fill("Child protection plan; core group to meet.")
    form.get_by_label("Child protection plan").check()
    form.get_by_role("button").click()
    expect(chair.locator("#stage")).to_have_text("Child protection plan")
    review = clocks.review_conference_due(TODAY, None)
    expect(chair.locator("#deadlines + table")).to_contain_text(
        f"Review child protection conference {words(review)}"
    )
    found["case"] = serious(chair)
    assert {name: v for name, v in found.items() if v} == {}
