"""Rules evaluated live inside intake: a record sent through the API opens its prompt in the same
transaction, for every child it touches, with the partnership's rules from the settings."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, select

from joinedup.access import accounts
from joinedup.access.models import AuditEntry
from joinedup.access.roles import Actor, Role
from joinedup.app import create_app
from joinedup.config import Settings
from joinedup.db.session import unit_of_work
from joinedup.rules.models import Prompt
from joinedup.testing import FrozenClock
from tests.unit.people.support import Store, adult, child, nhs, people, rec

__all__ = ["people"]  # the fixture

POLICE = {"agency": "police", "organisation": "Testshire Police"}
HEALTH = {"agency": "health", "organisation": "Testshire NHS Trust"}


def incident(day: str, *subjects: dict[str, Any], **attributes: Any) -> dict[str, Any]:
    attributes.setdefault("children_present", False)
    return rec(*(subjects or (child(nhs_number=nhs(5100)), adult())),
               type="domestic_abuse_incident", source=POLICE, attributes=attributes,
               occurred_at=f"{day}T22:00:00+00:00", date_precision="minute")  # fmt: skip


def worry(day: str = "2026-02-01") -> dict[str, Any]:
    """The school's concern about the boy: the incidents' joined-up other half."""
    return rec(child(nhs_number=nhs(5100)), adult(), attributes={"category": "emotional"},
               source={"agency": "education", "organisation": "Sample School"},
               occurred_at=f"{day}T10:00:00+00:00", date_precision="minute")  # fmt: skip


def token(engine: Engine, clock: FrozenClock) -> str:
    system = Actor.system("test")
    with unit_of_work(engine) as session:
        user = accounts.create_user(session=session, actor=system, username="police.feed",
                                    display_name="police.feed", role=Role.PARTNER_SYSTEM,
                                    password="x" * 16, now=clock.now())  # fmt: skip
        return accounts.issue_api_token(session=session, actor=system, user=user, label="test",
                                        now=clock.now())  # fmt: skip


def api(settings: Settings, engine: Engine, clock: FrozenClock) -> Iterator[TestClient]:
    secret = token(engine, clock)
    with TestClient(create_app(settings, clock=clock)) as client:
        client.headers["Authorization"] = f"Bearer {secret}"
        yield client


@pytest.fixture
def client(settings: Settings, clean_engine: Engine, clock: FrozenClock) -> Iterator[TestClient]:
    yield from api(settings, clean_engine, clock)


def prompts(engine: Engine) -> list[Prompt]:
    with unit_of_work(engine, write=False) as session:
        return list(session.scalars(select(Prompt).order_by(Prompt.id)))


def test_a_record_sent_through_the_api_opens_a_prompt_in_the_same_transaction(
    client: TestClient, clean_engine: Engine
) -> None:
    sent = [worry(), incident("2026-03-01")]
    assert client.post("/api/v1/records", json=sent).status_code == 200
    assert prompts(clean_engine) == []
    assert client.post("/api/v1/records", json=[incident("2026-05-01")]).status_code == 200
    (prompt,) = prompts(clean_engine)
    assert (prompt.rule_id, prompt.route, prompt.status) == ("domestic-abuse-repeat",
                                                             "front_door", "open")  # fmt: skip
    assert prompt.as_of.isoformat() == "2026-05-01" and len(prompt.evidence) == 3
    with unit_of_work(clean_engine, write=False) as session:
        audited = session.scalars(select(AuditEntry).where(
            AuditEntry.action == "prompts:evaluate")).all()  # fmt: skip
    kinds = sorted(a.resource_type for a in audited)
    assert kinds == ["person", "person", "prompt"]  # the persons read twice; one prompt opened
    assert all(a.actor_label == "police.feed" for a in audited)
    # the same record sent again is unchanged: nothing is evaluated, nothing re-fires
    again = client.post("/api/v1/records", json=[incident("2026-05-01")])
    assert again.status_code == 200 and len(prompts(clean_engine)) == 1


def test_a_partnerships_rules_file_from_the_settings_decides_what_fires(
    settings: Settings, clean_engine: Engine, clock: FrozenClock, tmp_path: Path
) -> None:
    rules = tmp_path / "rules.yaml"
    rules.write_text("rules:\n  domestic-abuse-repeat: {count: 3}\n", encoding="utf-8")
    chosen = settings.model_copy(update={"rules_path": rules})
    for client in api(chosen, clean_engine, clock):
        assert client.post("/api/v1/records", json=[worry()]).status_code == 200
        for day in ("2026-03-01", "2026-05-01"):
            assert client.post("/api/v1/records", json=[incident(day)]).status_code == 200
        assert prompts(clean_engine) == []  # two incidents: below this partnership's count
        assert client.post("/api/v1/records", json=[incident("2026-06-01")]).status_code == 200
        assert [p.rule_id for p in prompts(clean_engine)] == ["domestic-abuse-repeat"]


def test_a_record_about_an_adult_touches_the_children_they_live_with(people: Store) -> None:
    boy = child(nhs_number=nhs(5200))
    girl = child(ref="c2", given_names="Bella", date_of_birth="2014-09-01", sex="F",
                 nhs_number=nhs(5300))  # fmt: skip
    school = {"agency": "education", "organisation": "Sample School"}  # another agency's concern
    people.submit(rec(boy, girl, adult(), source=school, attributes={"category": "hunger"},
                      occurred_at="2026-02-01T10:00:00+00:00"))  # fmt: skip
    people.submit(rec(adult(), type="adult_risk", source=HEALTH,
                      attributes={"category": "substance_misuse"},
                      occurred_at="2026-03-01T10:00:00+00:00"))  # fmt: skip
    found = list(people.session.scalars(select(Prompt).where(Prompt.rule_id == "adult-risk")))
    assert len({p.person_id for p in found}) == 2  # both children, from the mother's record
    assert all(p.as_of.isoformat() == "2026-03-01" for p in found)
