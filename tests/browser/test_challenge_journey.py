"""Issue 11's acceptance journey, in Chromium: a midwife's concern is closed with no further
action; she escalates it with her reasons; a team manager reviews the escalation and upholds it;
the contact reopens as a referral; the child's chronology shows each step (the concern, the
decision, the escalation, its review and the referral). Every page is checked by axe-core.

The midwife is the demo account `midwife` (a partner practitioner from health); the server's
clock stands at Monday 23 November 2026, 09:00.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, Page, expect

pytestmark = pytest.mark.browser

MIDWIFE = "midwife"
REASONS = "At booking the mother disclosed her partner's violence; the baby is due in 4 weeks."


def serious(page: Page) -> list[str]:
    results = Axe().run(page)
    return [
        f"{v['id']} ({v['impact']}): {v['help']}"
        for v in results.response["violations"]
        if v["impact"] in ("serious", "critical")
    ]


@pytest.fixture
def people(
    browser: Browser, live_server: str, seeded: dict[str, Any], sign_in: Callable[..., None]
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


def test_a_midwifes_challenge_reopens_a_closed_contact_as_a_referral(
    people: Callable[[str], Page],
) -> None:
    found: dict[str, list[str]] = {}

    midwife = people(MIDWIFE)
    midwife.get_by_role("navigation", name="Menu").get_by_role(
        "link", name="Raise a concern"
    ).click()
    midwife.get_by_label("Given names").fill("Robin")
    midwife.get_by_label("Family name").fill("Testbaby")
    midwife.get_by_label("Day").fill("2")
    midwife.get_by_label("Month").fill("3")
    midwife.get_by_label("Year").fill("2026")
    midwife.get_by_label("What is the concern about?").select_option("emotional")
    midwife.get_by_label("What did you see or hear?").fill(
        "Mother withdrawn at the 32-week check; her partner answered every question."
    )
    midwife.get_by_label("Where do you work?").select_option("hospital")
    midwife.get_by_label("Name of your organisation").fill("Testshire Maternity Unit")
    midwife.get_by_label("How can the front door reach you?").fill("mw@maternity.test")
    found["concern form"] = serious(midwife)
    midwife.get_by_role("button", name="Send the concern").click()
    expect(midwife.get_by_role("heading", name="Concern sent")).to_be_visible()
    reference = re.search(r"FD-\d{6}", midwife.content())
    assert reference is not None

    mash = people("mash")
    mash.goto("/front-door")
    mash.get_by_role("link", name="Robin Testbaby").click()
    contact_url = mash.url
    mash.get_by_label("Green").check()
    mash.get_by_role("button", name="Save the urgency").click()
    mash.get_by_label("No further action").check()
    mash.get_by_label("Rationale").fill("Universal midwifery support is enough.")
    mash.get_by_role("button", name="Record the decision").click()
    expect(mash.get_by_text("It now needs a manager's sign-off.")).to_be_visible()
    found["contact"] = serious(mash)

    manager = people("team.manager")
    manager.goto(contact_url)
    manager.get_by_role("button", name="Approve the decision").click()
    expect(manager.get_by_text("You signed the decision off.")).to_be_visible()

    midwife.get_by_role("navigation", name="Menu").get_by_role("link", name="Escalations").click()
    found["my escalations"] = serious(midwife)
    midwife.get_by_role("button", name="Challenge a decision").click()
    expect(
        midwife.get_by_label("The front door's decision on a contact", exact=False)
    ).to_be_checked()
    midwife.get_by_label("Reference").fill(reference.group(0))
    midwife.get_by_label("Why do you disagree?").fill(REASONS)
    midwife.get_by_label("Your organisation").fill("Testshire Maternity Unit")
    midwife.get_by_label("Your agency").select_option("health")
    found["escalation form"] = serious(midwife)
    midwife.get_by_role("button", name="Raise the escalation").click()
    expect(midwife.get_by_text("You raised the escalation.")).to_be_visible()
    expect(midwife.locator("#stage")).to_have_text("Practitioner to practitioner")
    expect(midwife.get_by_role("definition").filter(has_text="25 November 2026")).to_be_visible()
    expect(midwife.get_by_role("button", name="Record the outcome")).to_have_count(0)
    found["escalation (raiser)"] = serious(midwife)

    manager.get_by_role("navigation", name="Menu").get_by_role("link", name="Escalations").click()
    expect(manager.get_by_role("heading", name="Open escalations")).to_be_visible()
    row = manager.get_by_role("row", name=re.compile("Robin Testbaby"))
    expect(row).to_contain_text("25 November 2026")
    found["open escalations"] = serious(manager)
    row.get_by_role("link").click()
    manager.get_by_label("Upheld: reverse the decision").check()
    manager.get_by_label("Reasons for the outcome").fill(
        "Disclosed domestic abuse before a birth needs an assessment."
    )
    found["escalation (manager)"] = serious(manager)
    manager.get_by_role("button", name="Record the outcome").click()
    expect(manager.get_by_text("You upheld the escalation.")).to_be_visible()
    expect(manager.locator("#status")).to_have_text("Upheld")
    case_link = manager.get_by_role("link", name=re.compile(r"Referral: case \d+"))
    case_url = case_link.get_attribute("href")
    assert case_url and case_url.startswith("/cases/")
    manager.goto(case_url)
    expect(manager.locator("#stage")).to_have_text("Referral: child and family assessment")

    manager.go_back()
    manager.get_by_role("link", name="Chronology").click()
    chronology = manager.locator("main")
    for step in (
        "Mother withdrawn at the 32-week check",  # the concern, as the maternity unit's record
        "Decision on the contact: No further action",
        "raised by Niamh Okafor-Bright",  # the escalation, with her reasons
        REASONS,
        "upheld at the stage 'practitioner to practitioner'",  # the review
        "reversed on professional challenge: Referral to children's social care",
    ):
        expect(chronology).to_contain_text(step)
    found["chronology"] = serious(manager)

    midwife.goto(midwife.url)
    expect(midwife.locator("#outcome")).to_contain_text("Upheld")
    expect(midwife.get_by_text("the child is referred to children's social care")).to_be_visible()
    expect(midwife.get_by_role("link", name=re.compile("Referral: case"))).to_have_count(0)
    assert {name: v for name, v in found.items() if v} == {}
