"""The case-audit and serious-incident pages never show a restricted child (ADR 0012) to an
account the restriction does not name: not their case's number, nor their incident's; the
accounts it names see them as before."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import Engine, select
from tests.factories.relationships import restrict
from tests.functional.web.test_case_audits_pages import cases, draw
from tests.functional.web.test_incidents_pages import record_incident
from tests.functional.web.test_web_pages import signed_in
from tests.unit.quality.support import person

from joinedup.access.models import User
from joinedup.access.roles import Actor, Role
from joinedup.db.session import unit_of_work
from joinedup.quality.models import CaseAudit, SeriousIncident


def _restrict_naming(engine: Engine, person_id: int, username: str) -> None:
    with unit_of_work(engine) as session:
        user_id = session.scalar(select(User.id).where(User.username == username))
        restrict(session, person_id=person_id, named=[Actor(Role.REVIEWING_OFFICER, username,
                                                            user_id)])  # fmt: skip


def test_a_round_and_its_audit_hide_a_restricted_childs_case(
    client: TestClient, clean_engine: Engine
) -> None:
    cases(clean_engine)
    where = draw(client, size="6")
    with unit_of_work(clean_engine, write=False) as session:
        target = session.scalars(select(CaseAudit).order_by(CaseAudit.id)).first()
        assert target is not None
        audit_id, case_id, person_id = target.id, target.case_id, target.person_id
    _restrict_naming(clean_engine, person_id, "iro")
    shown = f">Case {case_id}</a>"

    page = client.get(where).text  # head.of.service: not named
    assert shown not in page and f'/case-audits/cases/{audit_id}"' not in page
    assert page.count("/case-audits/cases/") == 5
    assert client.get(f"/case-audits/cases/{audit_id}").status_code == 404

    signed_in(client, "iro")
    page = client.get(where).text
    assert shown in page and page.count("/case-audits/cases/") == 6
    assert client.get(f"/case-audits/cases/{audit_id}").status_code == 200


def test_the_incidents_list_hides_a_restricted_childs_incident(
    client: TestClient, clean_engine: Engine
) -> None:
    with unit_of_work(clean_engine) as session:
        hidden, other = person(session), person(session)
    signed_in(client, "head.of.service")
    for child in (hidden, other):
        assert record_incident(client, child).status_code == 303
    with unit_of_work(clean_engine, write=False) as session:
        ids = dict(session.execute(select(SeriousIncident.person_id, SeriousIncident.id)).all())
    _restrict_naming(clean_engine, hidden, "iro")
    link = f'href="/incidents/{ids[hidden]}"'

    page = client.get("/incidents").text
    assert link not in page and f'href="/incidents/{ids[other]}"' in page
    assert client.get(f"/incidents/{ids[hidden]}").status_code == 404

    signed_in(client, "iro")
    assert link in client.get("/incidents").text
    page = client.get(f"/incidents/{ids[hidden]}")
    assert page.status_code == 200 and f"/children/{hidden}" in page.text
