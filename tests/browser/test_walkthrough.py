"""Issue 4's walk, in Chromium: find a child → the child's page → filter the chronology → export.

A social worker searches by nickname and family name, opens the right child (not her sister),
reads the page, filters the chronology to the police records and exports exactly those as a
CSV. Every page on the way is checked by axe-core; the export lands in the sharing register.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from typing import Any

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, expect
from sqlalchemy import Engine, select
from tests.factories.children import ingest_family

from joinedup.config import Settings
from joinedup.db.session import unit_of_work
from joinedup.sharing.models import Disclosure
from joinedup.testing import FrozenClock

pytestmark = pytest.mark.browser

SignIn = Callable[..., None]


def serious(page: Page) -> list[str]:
    results = Axe().run(page)
    return [
        f"{v['id']} ({v['impact']}): {v['help']}"
        for v in results.response["violations"]
        if v["impact"] in ("serious", "critical")
    ]


@pytest.fixture
def family(clean_engine: Engine, settings: Settings, clock: FrozenClock) -> dict[str, Any]:
    return ingest_family(clean_engine, settings, clock)


def test_search_child_chronology_filter_export(
    page: Page, sign_in: SignIn, family: dict[str, Any], clean_engine: Engine
) -> None:
    found: dict[str, list[str]] = {}
    page.set_viewport_size({"width": 1280, "height": 900})
    sign_in(page, "social.worker")

    page.get_by_role("navigation", name="Menu").get_by_role("link", name="Find a child").click()
    page.get_by_label("Given names").fill("Alex")  # a nickname of Alexander
    page.get_by_label("Family name").fill("Testperson")
    page.get_by_role("button", name="Search").click()
    results = page.locator("main a[href^='/children/']")
    expect(results.first).to_be_visible()
    found["search results"] = serious(page)
    assert results.filter(has_text="Bella").count() == 0  # the sister is not who we asked for
    page.get_by_role("link", name="Alexander Testperson").first.click()

    expect(page.get_by_role("heading", name="Alexander Testperson", level=1)).to_be_visible()
    assert page.url.endswith(f"/children/{family['boy']}")
    found["child"] = serious(page)

    page.get_by_role("link", name="See the chronology").click()
    expect(page.get_by_role("heading", name="Entries")).to_be_visible()
    page.locator("input[name='agency'][value='police']").check()
    page.get_by_role("button", name="Apply filters").click()
    expect(page.get_by_text("Showing 2 of 5 entries")).to_be_visible()
    found["filtered chronology"] = serious(page)

    page.get_by_role("link", name="Export this chronology").click()
    expect(page.get_by_role("heading", name="Export this chronology", level=1)).to_be_visible()
    page.get_by_label("CSV spreadsheet").check()
    page.get_by_label("Who is it for?").fill("Sample Primary School, designated safeguarding lead")
    page.get_by_label("Why are you sharing it?").fill("Child protection conference")
    page.get_by_label("Safeguarding:").check()
    found["export form"] = serious(page)
    with page.expect_download() as waiting:
        page.get_by_role("button", name="Export and download").click()
    download = waiting.value
    with open(download.path(), encoding="utf-8-sig") as file:
        rows = list(csv.DictReader(io.StringIO(file.read())))

    assert [r["Agency"] for r in rows] == ["Police", "Police"], rows
    with unit_of_work(clean_engine, write=False) as session:
        (disclosure,) = session.scalars(select(Disclosure)).all()
    assert family["boy"] in disclosure.person_ids
    assert disclosure.recipient.startswith("Sample Primary School")
    assert {name: v for name, v in found.items() if v} == {}
