"""The partner look-up page: the flag and a contact for a partner who gives a reason; the
refusal page, audited, for one who does not; no page at all for the roles it is not for."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient
from sqlalchemy import Engine, select, update
from tests.functional.web.test_web_pages import signed_in
from tests.unit.people.support import nhs
from tests.unit.sharing.test_notify_flow import at_school, open_case, submit
from tests.unit.sharing.test_outbox import FEED

from joinedup.access.models import AuditEntry, User
from joinedup.config import Settings
from joinedup.db.session import unit_of_work
from joinedup.flows import notify as flow
from joinedup.sharing.models import Notification
from joinedup.testing import FrozenClock


def a_child_on_a_plan(engine: Engine, clock: FrozenClock, settings: Settings) -> int:
    with unit_of_work(engine) as session:
        submit(session, FEED, clock, settings, at_school("2026-09-10"))
        facts = flow.child_facts(session, nhs(41))
        assert facts is not None
        open_case(session, facts.person_ids[0], "child_protection")
        return facts.person_ids[0]


def token_of(client: TestClient) -> str:
    form = client.get("/partners/lookup")
    assert form.status_code == 200 and "Look up a child" in form.text
    token = re.search(r'name="csrf_token" value="([^"]+)"', form.text)
    assert token
    return token.group(1)


def test_a_partner_with_a_declared_reason_sees_the_flag_and_the_lead_worker_is_told(
    client: TestClient, clean_engine: Engine, clock: FrozenClock, settings: Settings
) -> None:
    a_child_on_a_plan(clean_engine, clock, settings)
    signed_in(client, "dsl.school")
    token = token_of(client)
    page = client.post("/partners/lookup", data={"csrf_token": token, "identifier": nhs(41),
                                                 "reason": "Pupil joining us today"})  # fmt: skip
    assert page.status_code == 200, page.text
    assert "Child protection plan" in page.text and "worker.one" in page.text
    assert "Testa" not in page.text and "Fixture" not in page.text  # no name, no record
    with unit_of_work(clean_engine, write=False) as session:
        told = session.scalars(select(Notification.recipient)).all()
    assert told == ["user:13"]


def test_without_a_relationship_the_partner_is_refused_and_it_is_recorded(
    client: TestClient, clean_engine: Engine, clock: FrozenClock, settings: Settings
) -> None:
    a_child_on_a_plan(clean_engine, clock, settings)
    signed_in(client, "dsl.school")
    token = token_of(client)
    page = client.post("/partners/lookup", data={"csrf_token": token, "identifier": nhs(41)})
    assert page.status_code == 403 and "Child protection plan" not in page.text
    with unit_of_work(clean_engine, write=False) as session:
        refused = session.scalars(
            select(AuditEntry.outcome).where(AuditEntry.action == "children:lookup")
        ).all()
    assert refused == ["refused"]


def test_a_bad_nhs_number_is_named_on_the_form(client: TestClient) -> None:
    signed_in(client, "dsl.school")
    token = token_of(client)
    page = client.post("/partners/lookup", data={"csrf_token": token, "identifier": "12"})
    assert (
        page.status_code == 422
        and "Enter a 10-digit NHS number or a 13-character unique pupil number" in page.text
    )


def test_the_page_is_not_for_social_workers(client: TestClient) -> None:
    assert signed_in(client, "social.worker").get("/partners/lookup").status_code == 403


def test_the_lead_worker_reads_the_notification_in_their_inbox(
    client: TestClient, clean_engine: Engine, clock: FrozenClock, settings: Settings
) -> None:
    a_child_on_a_plan(clean_engine, clock, settings)
    signed_in(client, "dsl.school")
    client.post("/partners/lookup", data={"csrf_token": token_of(client), "identifier": nhs(41),
                                          "reason": "Pupil joining us today"})  # fmt: skip
    client.cookies.clear()
    signed_in(client, "social.worker")
    with unit_of_work(clean_engine) as session:  # the demo worker holds the case
        worker = session.scalar(select(User.id).where(User.username == "social.worker"))
        session.execute(update(Notification).values(recipient=f"user:{worker}"))
    page = client.get("/inbox")
    assert page.status_code == 200 and "A partner looked up a child on your caseload" in page.text
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
    assert token
    (row,) = re.findall(r'action="/inbox/(\d+)/read"', page.text)
    done = client.post(f"/inbox/{row}/read", data={"csrf_token": token.group(1)},
                       follow_redirects=False)  # fmt: skip
    assert done.status_code == 303
    assert 'action="/inbox/' not in client.get("/inbox").text
    assert client.post(f"/inbox/{int(row) + 99}/read",
                       data={"csrf_token": token.group(1)}).status_code == 404  # fmt: skip
