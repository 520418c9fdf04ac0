"""The escalation pages: a partner challenges a contact closed with no further action, errors
named by their field, the managers' list with due dates, and the upheld challenge reopening the
contact as a referral; a partner may not resolve, and a CSRF-less post is refused."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient
from sqlalchemy import Engine
from tests.functional.web.test_casework_pages import (
    audit,
    only,
    post_form,
    raise_concern,
    version_of,
)
from tests.functional.web.test_people_review import text_of
from tests.functional.web.test_web_pages import signed_in

from joinedup.casework.models import Case, Contact
from joinedup.practice.models import Escalation

CHALLENGE = {
    "subject": "contact_decision",
    "raiser_name": "Dana Testdsl",
    "raiser_organisation": "Sample Primary School",
    "raiser_agency": "education",
    "reasons": "Hunger over weeks, and the child said there is no food at home.",
}


def closed_with_no_further_action(client: TestClient, engine: Engine) -> int:
    assert raise_concern(client).status_code == 303
    contact = only(engine, Contact).id
    path = f"/contacts/{contact}"
    signed_in(client, "mash")
    page = client.get(path).text
    post_form(
        client, path, f"{path}/triage", urgency="green", version=version_of(page, f"{path}/triage")
    )
    page = client.get(path).text
    version = version_of(page, f"{path}/decision")
    done = post_form(
        client,
        path,
        f"{path}/decision",
        decision="no_further_action",
        rationale="Universal services.",
        version=version,
    )
    assert done.status_code == 303
    signed_in(client, "team.manager")
    page = client.get(path).text
    post_form(
        client,
        path,
        f"{path}/sign-off",
        approve="yes",
        version=version_of(page, f"{path}/sign-off"),
    )
    assert only(engine, Contact).status == "decided"
    return int(contact)


def test_a_partner_escalates_and_a_manager_upholds_it(
    client: TestClient, clean_engine: Engine
) -> None:
    contact = closed_with_no_further_action(client, clean_engine)
    signed_in(client, "dsl.school")
    reference = f"FD-{contact:06d}"
    refused = post_form(
        client,
        "/escalations/new",
        "/escalations",
        **{**CHALLENGE, "reference": reference, "reasons": " "},
    )
    assert refused.status_code == 422
    assert 'href="#reasons"' in refused.text and "There is a problem" in refused.text
    wrong = post_form(
        client, "/escalations/new", "/escalations", **{**CHALLENGE, "reference": "FD-999999"}
    )
    assert wrong.status_code == 422 and 'href="#reference"' in wrong.text
    sent = post_form(
        client,
        "/escalations/new",
        "/escalations",
        **{**CHALLENGE, "reference": f"FD-{contact:06d}"},
    )
    assert sent.status_code == 303
    page = client.get(sent.headers["location"]).text
    assert "Practitioner to practitioner" in text_of(page)
    assert "Record the outcome" not in page  # the raiser does not resolve
    assert client.get("/escalations").status_code == 200
    escalation = only(clean_engine, Escalation)
    path = f"/escalations/{escalation.id}"
    forged = client.post(
        f"{path}/resolve", data={"outcome": "upheld", "reasons": "x", "version": "1"}
    )
    assert forged.status_code in (400, 403)
    assert (
        post_form(
            client,
            path,
            f"{path}/resolve",
            outcome="upheld",
            reasons="Mine.",
            version=str(escalation.version),
        ).status_code
        == 403
    )

    signed_in(client, "team.manager")
    listed = text_of(client.get("/escalations").text)
    assert "Open escalations" in listed and escalation_ref(escalation.id) in listed
    assert "25 November 2026" in listed  # 2 working days from Monday 23 November
    missing = post_form(
        client, path, f"{path}/resolve", outcome="", reasons="", version=str(escalation.version)
    )
    assert missing.status_code == 422 and 'href="#resolve-outcome"' in missing.text
    done = post_form(
        client,
        path,
        f"{path}/resolve",
        outcome="upheld",
        reasons="Repeated hunger needs an assessment.",
        version=str(escalation.version),
    )
    assert done.status_code == 303
    page = text_of(client.get(done.headers["location"]).text)
    assert "Upheld: Repeated hunger needs an assessment." in page
    case = only(clean_engine, Case)
    assert case.contact_id == contact and only(clean_engine, Contact).decision == "referral"
    assert ("team.manager", "permitted") in audit(clean_engine, "escalations:resolve")
    assert ("dsl.school", "refused") in audit(clean_engine, "escalations:resolve")


def test_pages_refuse_the_roles_they_are_not_for(client: TestClient, clean_engine: Engine) -> None:
    signed_in(client, "performance")
    assert client.get("/escalations/new").status_code == 403
    assert client.get("/escalations/12").status_code == 403  # the policy before existence
    assert client.get("/escalations/nothing").status_code == 404


def escalation_ref(number: int) -> str:
    return f"ES-{number:06d}"


def test_a_consultation_records_the_concern_and_its_advice_can_be_challenged(
    client: TestClient, clean_engine: Engine
) -> None:
    assert raise_concern(client).status_code == 303
    child = str(only(clean_engine, Contact).person_id)
    assert client.get(f"/consultations/new?child={child}").status_code == 403  # a partner
    signed_in(client, "mash")
    call = {"person_id": child, "caller_name": "Dana Testdsl",
            "caller_organisation": "Sample Primary School", "service": "school",
            "caller_contact": "dsl@school.test", "concern": "", "advice": "no_referral",
            "advice_reasons": "Universal services; school to monitor."}  # fmt: skip
    page = f"/consultations/new?child={child}"
    missing = post_form(client, page, "/consultations", **call)
    assert missing.status_code == 422 and 'href="#concern"' in missing.text
    done = post_form(client, page, "/consultations", **{**call, "concern": "Thin and tired."})
    assert done.status_code == 200
    reference = re.search(r"CN-\d{6}", done.text)
    assert reference and "on the child's chronology" in text_of(done.text)
    signed_in(client, "dsl.school")
    challenged = post_form(client, "/escalations/new", "/escalations",
                           **{**CHALLENGE, "subject": "not_to_refer",
                              "reference": reference.group(0)})  # fmt: skip
    assert challenged.status_code == 303
    assert only(clean_engine, Escalation).subject == "not_to_refer"
