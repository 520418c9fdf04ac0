"""Prompts as pages: the front door's queue, a prompt with its evidence, and its answer."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, select
from tests.functional.web.test_people_review import csrf_of, text_of
from tests.functional.web.test_web_pages import signed_in
from tests.unit.people.support import Store
from tests.unit.rules.test_prompts import incident, submit_and_evaluate, two_families, worry

from joinedup.access.models import AuditEntry
from joinedup.access.roles import Actor, Role
from joinedup.casework.models import Contact
from joinedup.config import Settings
from joinedup.db.session import unit_of_work
from joinedup.rules.models import Prompt
from joinedup.testing import FrozenClock


@pytest.fixture
def prompt_id(
    client: TestClient, clean_engine: Engine, settings: Settings, clock: FrozenClock
) -> int:
    with unit_of_work(clean_engine) as session:
        people = Store(session, Actor(role=Role.PARTNER_SYSTEM, label="feed"), clock, settings)
        submit_and_evaluate(people, worry(), incident("2026-03-01"))
        (prompt,) = submit_and_evaluate(people, incident("2026-04-01"))
        return prompt.id


def test_the_front_door_sees_the_prompt_and_its_evidence_but_not_the_records_words(
    client: TestClient, prompt_id: int
) -> None:
    signed_in(client, "mash")
    queue = text_of(client.get("/prompts").text)
    assert (
        "Prompt Child Urgency Answer by Domestic abuse in the child's household, and a concern "
        "from another agency" in queue
    )
    page = client.get(f"/prompts/{prompt_id}")
    assert page.status_code == 200
    words = text_of(page.text)
    assert words.count("Domestic abuse incident") == 2 and "Testshire Police" in words
    assert "Sample School" in words  # the other agency's concern
    assert "Sent to the front door" in words


def test_an_answer_needs_a_reason_and_a_contact_answer_opens_the_contact(
    client: TestClient, prompt_id: int, clean_engine: Engine
) -> None:
    signed_in(client, "mash")
    page = client.get(f"/prompts/{prompt_id}").text
    token = csrf_of(page)
    bad = client.post(
        f"/prompts/{prompt_id}/decision",
        data={"csrf_token": token, "outcome": "contact_created", "rationale": " "},
    )
    assert bad.status_code == 422 and "Write why" in text_of(bad.text)
    good = client.post(
        f"/prompts/{prompt_id}/decision",
        data={"csrf_token": token, "outcome": "contact_created", "rationale": "Two in a month."},
        follow_redirects=False,
    )
    assert good.status_code == 303 and good.headers["location"].startswith("/contacts/")
    with unit_of_work(clean_engine) as session:
        prompt = session.get(Prompt, prompt_id)
        assert prompt is not None and prompt.status == "decided"
        contact = session.scalars(select(Contact)).one()
        assert contact.prompt_id == prompt_id and prompt.contact_id == contact.id


def test_a_partner_cannot_open_prompts_and_the_refusal_is_audited(
    client: TestClient, prompt_id: int, clean_engine: Engine
) -> None:
    signed_in(client, "dsl.school")
    assert client.get(f"/prompts/{prompt_id}").status_code == 403
    assert client.get("/prompts/not-a-number").status_code in (403, 404)
    with unit_of_work(clean_engine) as session:
        refused = session.scalars(
            select(AuditEntry).where(
                AuditEntry.outcome == "refused", AuditEntry.action == "prompts:read"
            )
        ).all()
    assert refused


def test_a_prompt_page_names_the_same_question_about_the_childs_brothers_and_sisters(
    client: TestClient, clean_engine: Engine, settings: Settings, clock: FrozenClock
) -> None:
    with unit_of_work(clean_engine) as session:
        people = Store(session, Actor(role=Role.PARTNER_SYSTEM, label="feed"), clock, settings)
        first, second, theirs = two_families(people)
        child_of_second = second.person_id
        first, second, theirs = first.id, second.id, theirs.id
    signed_in(client, "mash")
    words = text_of(client.get(f"/prompts/{first}").text)
    sibling = words[words.find("The same question about other children") :]
    assert sibling.startswith("The same question about other children")
    row = f"Prompt Child Status Prompt {second} Child {child_of_second} Waiting for an answer"
    assert row in sibling
    alone = text_of(client.get(f"/prompts/{theirs}").text)
    assert "The same question about other children" not in alone
