"""The pages of ADR 0012: the refusal that offers break-glass, its form, and restricting a child."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, select

from joinedup.access.demo_accounts import DEMO_PASSWORD, ensure_demo_accounts
from joinedup.access.models import AuditEntry
from joinedup.access.roles import Actor, Role
from joinedup.app import create_app
from joinedup.config import Settings
from joinedup.db.session import unit_of_work
from joinedup.flows.intake import submit_and_resolve
from joinedup.intake.validation import parse_object
from joinedup.people.models import Person
from joinedup.testing import FrozenClock
from tests.factories.relationships import allocate
from tests.unit.people.support import child, nhs, rec

ORIGIN = "http://testserver"
REASON = "Police called the duty line about this child tonight."


@pytest.fixture
def held_elsewhere(clean_engine: Engine, clock: FrozenClock, settings: Settings) -> int:
    """The demo accounts, and a child whose case another team holds."""
    system = Actor.system("test")
    with unit_of_work(clean_engine) as session:
        ensure_demo_accounts(session=session, actor=system, now=clock.now(), demo=True)
        submit_and_resolve(
            session=session, actor=system, now=clock.now(), settings=settings, model=None,
            parsed_records=[parse_object(rec(child(nhs_number=nhs(8900)), record_id="p:1"))],
        )  # fmt: skip
        person = session.scalars(select(Person.id).where(Person.kind == "child")).one()
        allocate(session, person_id=person, worker=Actor(Role.SOCIAL_WORKER, "sw.other"),
                 team="Other team", manager=Actor(Role.TEAM_MANAGER, "tm.other"))  # fmt: skip
    return person


@pytest.fixture
def app_client(settings: Settings, clock: FrozenClock, held_elsewhere: int) -> Iterator[TestClient]:
    app = create_app(settings, clock=clock)
    with TestClient(app, headers={"Origin": ORIGIN}) as client:
        yield client
    app.state.engine.dispose()


def token(html: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]*)"', html)
    assert found, "no CSRF token on the page"
    return found.group(1)


def sign_in(client: TestClient, username: str) -> str:
    client.cookies.clear()
    data = {"username": username, "password": DEMO_PASSWORD,
            "csrf_token": token(client.get("/sign-in").text)}  # fmt: skip
    assert client.post("/sign-in", data=data, follow_redirects=False).status_code == 303
    return token(client.get("/").text)


def test_the_refusal_offers_break_glass_which_opens_the_record_and_alerts_ig(
    app_client: TestClient, held_elsewhere: int, clean_engine: Engine
) -> None:
    child_page = f"/children/{held_elsewhere}"
    csrf = sign_in(app_client, "social.worker")
    refused = app_client.get(child_page)
    assert refused.status_code == 403
    assert "You have no relationship with this child" in refused.text
    assert f'action="/children/{held_elsewhere}/break-glass"' in refused.text
    assert token(refused.text) == csrf
    short = app_client.post(f"{child_page}/break-glass", data={"csrf_token": csrf, "reason": "x"})
    assert short.status_code == 400
    assert 'href="#reason"' in short.text and "govuk-error-summary" in short.text
    forged = app_client.post(f"{child_page}/break-glass", data={"reason": REASON})
    assert forged.status_code == 403  # no CSRF token: refused, nothing granted
    assert app_client.get(child_page).status_code == 403
    opened = app_client.post(f"{child_page}/break-glass", data={"csrf_token": csrf,
                             "reason": REASON}, follow_redirects=False)  # fmt: skip
    assert opened.status_code == 303 and opened.headers["location"] == child_page
    assert app_client.get(child_page).status_code == 200
    with unit_of_work(clean_engine, write=False) as session:
        outcomes = session.scalars(
            select(AuditEntry.outcome).where(AuditEntry.actor_label == "social.worker",
                                             AuditEntry.action == "children:break_glass")
        ).all()  # fmt: skip
    assert outcomes == ["break_glass"]
    sign_in(app_client, "ig.officer")
    inbox = app_client.get("/inbox")
    assert "Break-glass access to a child" in inbox.text and REASON in inbox.text


def test_a_restricted_child_is_not_found_by_others_and_listed_for_the_marker(
    app_client: TestClient, held_elsewhere: int
) -> None:
    child_page = f"/children/{held_elsewhere}"
    csrf = sign_in(app_client, "team.manager")
    form = app_client.get(f"{child_page}/restrict")
    assert form.status_code == 200 and token(form.text) == csrf
    bad = app_client.post(f"{child_page}/restrict", data={"csrf_token": csrf, "reason": ""})
    assert bad.status_code == 400 and 'href="#category"' in bad.text
    done = app_client.post(f"{child_page}/restrict", data={
        "csrf_token": csrf, "category": "adoption", "reason": "Placed for adoption in May.",
        "named": ""}, follow_redirects=False)  # fmt: skip
    assert done.status_code == 303
    listed = app_client.get("/restricted")
    assert f'href="{child_page}"' in listed.text and "team.manager" in listed.text
    assert app_client.get(child_page).status_code == 200  # the marker is named
    sign_in(app_client, "social.worker")
    assert app_client.get(child_page).status_code == 404
    assert app_client.get("/children/9999999").status_code == 404  # the same answer
    assert app_client.get(f"{child_page}/chronology").status_code == 404
    found = app_client.get("/children", params={"nhs_number": nhs(8900)})
    assert f'href="{child_page}"' not in found.text
    csrf = sign_in(app_client, "team.manager")
    lifted = app_client.post(f"{child_page}/restrict/lift", data={"csrf_token": csrf},
                             follow_redirects=False)  # fmt: skip
    assert lifted.status_code == 303
    sign_in(app_client, "social.worker")
    assert app_client.get(child_page).status_code == 403  # back to needing a relationship
