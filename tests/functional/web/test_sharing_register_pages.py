"""The information-sharing register's pages: a decision not to share is recorded with its ground
and reasons, information governance reads it (whole or about one child), nobody else does."""

from __future__ import annotations

import re
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import Engine, func, select
from tests.functional.web.test_casework_pages import audit, only, referred
from tests.functional.web.test_web_pages import signed_in

from joinedup.casework.models import Case
from joinedup.db.session import unit_of_work
from joinedup.sharing.models import NonDisclosure

REASON = "The stepfather is under police investigation; telling the school now would alert him."


def _send(client: TestClient, data: dict[str, Any]) -> Any:
    token = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/").text)
    assert token
    return client.post("/sharing-register/decisions", data={"csrf_token": token.group(1), **data},
                       follow_redirects=False)  # fmt: skip


def _decisions(engine: Engine) -> int:
    with unit_of_work(engine, write=False) as session:
        return int(session.scalar(select(func.count()).select_from(NonDisclosure)) or 0)


def test_a_worker_records_a_decision_and_information_governance_reads_it(
    client: TestClient, clean_engine: Engine
) -> None:
    referred(client, clean_engine)
    child = only(clean_engine, Case).person_id
    signed_in(client, "social.worker")
    form = client.get(f"/sharing-register/decisions/new?person={child}")
    assert form.status_code == 200 and "Record a decision not to share" in form.text
    bad = _send(client, {"person": str(child), "requester": "", "reason": " "})
    assert bad.status_code == 422
    for field in ("#what", "#requester", "#ground", "#reason"):
        assert f'href="{field}"' in bad.text
    assert _decisions(clean_engine) == 0
    good = _send(client, {"person": str(child), "what": "whereabouts", "ground": "crime",
                          "requester": "Sample Academy, DSL", "reason": REASON})  # fmt: skip
    assert good.status_code == 200 and "Decision recorded" in good.text
    assert _decisions(clean_engine) == 1
    assert ("social.worker", "permitted") in audit(clean_engine, "sharing:withhold")
    assert client.get("/sharing-register").status_code == 403

    client.cookies.clear()
    signed_in(client, "ig.officer")
    page = client.get(f"/sharing-register?view=decisions&person={child}")
    assert page.status_code == 200
    assert "Sample Academy, DSL" in page.text and "under police investigation" in page.text
    assert "prejudice the prevention or detection of crime" in page.text
    assert "Showing 1 to 1 of 1" in page.text
    other = client.get(f"/sharing-register?view=decisions&person={child + 1000}")
    assert "Nothing recorded about this child" in other.text
    assert client.get("/sharing-register?person=12x").status_code == 400
    assert ("ig.officer", "permitted") in audit(clean_engine, "sharing:read")


def test_a_decision_about_no_child_or_by_a_partner_is_refused_and_writes_nothing(
    client: TestClient, clean_engine: Engine
) -> None:
    referred(client, clean_engine)
    child = only(clean_engine, Case).person_id
    signed_in(client, "social.worker")
    fields = {"what": "case_records", "ground": "more_detrimental", "requester": "A school",
              "reason": REASON}  # fmt: skip
    assert _send(client, {**fields, "person": str(child + 1000)}).status_code == 404
    assert _send(client, {**fields, "person": "1 OR 1=1"}).status_code == 404
    client.cookies.clear()
    signed_in(client, "dsl.school")
    assert client.get(f"/sharing-register/decisions/new?person={child}").status_code == 403
    assert _send(client, {**fields, "person": str(child)}).status_code == 403
    assert _decisions(clean_engine) == 0
    assert ("dsl.school", "refused") in audit(clean_engine, "sharing:withhold")
