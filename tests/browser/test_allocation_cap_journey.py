"""A team manager allocates a child in Chromium: the suggestion shows the worker's load and cap,
the cap warning asks for an explicit confirmation, and axe finds nothing serious there or on the
pages that keep teams, posts and absences.
The server's clock stands at Monday 23 November 2026, 09:00."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect
from sqlalchemy import Engine, select
from tests.browser.test_casework_journey import serious, step
from tests.unit.casework.support import Desk
from tests.unit.people.support import Store, child, nhs, rec

from joinedup.access.models import User
from joinedup.access.roles import Actor, Role
from joinedup.config import Settings
from joinedup.db.session import unit_of_work
from joinedup.testing import FrozenClock
from joinedup.workforce import service as workforce

pytestmark = pytest.mark.browser


def open_case_and_a_part_time_post(engine: Engine, clock: FrozenClock, database_url: str) -> int:
    """A referred child, and social.worker in a post of 0.05 FTE (a cap of 0.9 children)."""
    settings = Settings(database_url=database_url, environment="test", demo_accounts=True)
    with unit_of_work(engine) as session:
        store = Store(session, Actor(role=Role.PARTNER_SYSTEM, label="feed"), clock, settings)
        store.submit(rec(child(nhs_number=nhs(4701)), record_id="school:47"))
        case_id = Desk(session, clock, store.person("school:47")).referred().id
        users = {name: i for name, i in session.execute(select(User.username, User.id))}
        system = Actor.system("test")
        team = workforce.create_team(session=session, actor=system, name="Assessment team",
                                     manager_user_id=users["team.manager"],
                                     manager_label="team.manager", now=clock.now())  # fmt: skip
        workforce.add_worker(session=session, actor=system, team_id=team, label="social.worker",
                             user_id=users["social.worker"], role="social_worker", fte=0.05,
                             contract="permanent", annual_cost=48_000, start_on=None,
                             now=clock.now())  # fmt: skip
    return case_id


def test_a_manager_allocates_over_the_cap_only_when_they_confirm(
    browser: Browser,
    live_server: str,
    seeded: dict[str, Any],
    sign_in: Callable[..., None],
    clean_engine: Engine,
    clock: FrozenClock,
    database_url: str,
) -> None:
    case_id = open_case_and_a_part_time_post(clean_engine, clock, database_url)
    context = browser.new_context(base_url=live_server)
    page: Page = context.new_page()
    page.set_viewport_size({"width": 1280, "height": 900})
    sign_in(page, "team.manager")
    page.goto(f"/cases/{case_id}")
    form = step(page, "Allocate the case")
    choice = form.get_by_label("social.worker, Assessment team")
    expect(form.get_by_text("0 children of a cap of 0.9 (0.05 FTE, permanent)")).to_be_visible()
    found = {"allocate form": serious(page)}
    choice.check()
    form.get_by_role("button", name="Save: allocate the case").click()
    warning = page.locator(".govuk-warning-text")
    expect(warning).to_contain_text("takes them over the cap")
    expect(page.get_by_text("Not allocated")).to_be_visible()
    found["cap warning"] = serious(page)
    form = page.locator("details#allocate")
    form.get_by_label("social.worker, Assessment team").check()
    form.get_by_label("I have considered this worker", exact=False).check()
    form.get_by_role("button", name="Save: allocate the case").click()
    expect(
        page.get_by_text("social.worker, Assessment team (manager team.manager)")
    ).to_be_visible()
    # The manager keeps the post itself on the teams pages: the same checks there.
    page.goto("/workforce/teams")
    expect(page.get_by_role("heading", name="Assessment team")).to_be_visible()
    found["teams and posts"] = serious(page)
    page.get_by_role("link", name="Change post social.worker").click()
    expect(page.get_by_role("heading", name="social.worker")).to_be_visible()
    found["a post and its absences"] = serious(page)
    context.close()
    assert found == {"allocate form": [], "cap warning": [], "teams and posts": [],
                     "a post and its absences": []}  # fmt: skip
