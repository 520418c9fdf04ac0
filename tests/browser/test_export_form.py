"""A social worker exports a chronology in a real browser, by keyboard alone; axe finds nothing
serious on the form or on its errors."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, expect
from sqlalchemy import Engine, select
from tests.factories.people import child, concern, ingest

from joinedup.config import Settings
from joinedup.db.session import unit_of_work
from joinedup.intake.models import Mention
from joinedup.people.models import MentionLink
from joinedup.testing import FrozenClock

pytestmark = pytest.mark.browser

SCREENSHOT = "/tmp/joinedup-export.png"  # noqa: S108 - a picture for a person to look at
SignIn = Callable[..., None]


def serious(page: Page) -> list[str]:
    results = Axe().run(page)
    return [
        f"{v['id']} ({v['impact']}): {v['help']}"
        for v in results.response["violations"]
        if v["impact"] in ("serious", "critical")
    ]


def test_a_social_worker_exports_a_filtered_chronology_by_keyboard(
    page: Page, sign_in: SignIn, clean_engine: Engine, settings: Settings, clock: FrozenClock
) -> None:
    ingest(clean_engine, settings, clock, concern(child("Łucja"), summary="Seen at school."))
    with unit_of_work(clean_engine, write=False) as session:
        person = session.scalar(
            select(MentionLink.person_id)
            .join(Mention, Mention.id == MentionLink.mention_id)
            .where(Mention.given_names == "Łucja")
        )
    found: dict[str, list[str]] = {}
    page.set_viewport_size({"width": 1280, "height": 900})
    sign_in(page, "social.worker")
    page.goto(f"/children/{person}/chronology/export?agency=police")
    expect(page.get_by_role("heading", name="Export this chronology", level=1)).to_be_visible()
    found["form"] = serious(page)

    button = page.get_by_role("button", name="Export and download")
    button.focus()
    page.keyboard.press("Enter")
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_be_focused()
    expect(summary).to_contain_text("Enter who the information is going to")
    expect(summary).to_contain_text("Select the lawful basis for sharing")
    found["form with errors"] = serious(page)
    page.screenshot(path=SCREENSHOT, full_page=True)

    page.get_by_label("CSV spreadsheet").focus()
    page.keyboard.press("Space")
    page.get_by_label("Who is it for?").focus()
    page.keyboard.type("Sample Academy, designated safeguarding lead")
    page.keyboard.press("Tab")
    page.keyboard.type("Child protection conference")
    page.get_by_label("Safeguarding:").focus()
    page.keyboard.press("Space")
    with page.expect_download() as waiting:
        button.focus()
        page.keyboard.press("Enter")
    download = waiting.value
    assert download.suggested_filename.startswith(f"chronology-{person}-")
    assert download.suggested_filename.endswith(".csv")
    assert found == {"form": [], "form with errors": []}
