"""The front-door and casework pages: who may open them, errors named by field, no faults.

A partner raises a concern through the form; the front door triages, decides and signs it off;
the case page takes a step, refuses a stale save with who saved, and every refusal is audited.
"""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, func, select
from tests.factories.relationships import join_team
from tests.functional.web.test_people_review import csrf_of, text_of
from tests.functional.web.test_web_pages import signed_in
from tests.unit.casework.leaving_care_support import build

from joinedup.access.models import AuditEntry
from joinedup.access.roles import Actor, Role
from joinedup.casework.models import Case, Contact
from joinedup.config import Settings
from joinedup.db.session import unit_of_work
from joinedup.flows.concerns import CATEGORIES, WHAT_SEEN_LIMIT
from joinedup.testing import FrozenClock

CONCERN = {
    "given_names": "Casey",
    "family_name": "Testchild",
    "date_of_birth-day": "7",
    "date_of_birth-month": "4",
    "date_of_birth-year": "2016",
    "nhs_number": "",
    "address": "1 Sample Road\nTesttown",
    "postcode": "ZZ1 1ZZ",
    "category": "hunger",
    "what_seen": "Arrived hungry three days running; took food from the bins.",
    "service": "school",
    "organisation": "Sample Primary School",
    "referrer_name": "Dana Testdsl",
    "referrer_role": "designated safeguarding lead",
    "referrer_contact": "dsl@school.test",
}
ATTENDEES = {
    "strategy_discussion-attendees-0-agency": "childrens_social_care",
    "strategy_discussion-attendees-0-name": "W One",
    "strategy_discussion-attendees-0-role": "social worker",
    "strategy_discussion-attendees-1-agency": "police",
    "strategy_discussion-attendees-1-name": "P One",
    "strategy_discussion-attendees-1-role": "detective constable",
    "strategy_discussion-attendees-2-agency": "health",
    "strategy_discussion-attendees-2-name": "H One",
    "strategy_discussion-attendees-2-role": "named nurse",
}
TODAY = {"day": "23", "month": "11", "year": "2026"}


def post_form(client: TestClient, page: str, action: str, **data: str) -> Any:
    token = csrf_of(client.get(page).text)
    return client.post(action, data={"csrf_token": token, **data}, follow_redirects=False)


def version_of(page: str, action: str) -> str:
    form = page.split(f'action="{action}"', 1)[1]
    found = re.search(r'name="version" value="(\d+)"', form)
    assert found, action
    return found.group(1)


def raise_concern(client: TestClient, **changes: str) -> Any:
    signed_in(client, "dsl.school")
    return post_form(client, "/concerns/new", "/concerns", **{**CONCERN, **changes})


def audit(engine: Engine, action: str) -> list[tuple[str, str]]:
    with unit_of_work(engine, write=False) as session:
        rows = session.execute(
            select(AuditEntry.actor_label, AuditEntry.outcome).where(AuditEntry.action == action)
        )
        return [(label, outcome) for label, outcome in rows]


def only(engine: Engine, model: Any) -> Any:
    with unit_of_work(engine, write=False) as session:
        (row,) = session.scalars(select(model)).all()
        session.expunge(row)
        return row


def on(prefix: str) -> dict[str, str]:
    return {f"{prefix}on-{k}": v for k, v in TODAY.items()}


def referred(client: TestClient, engine: Engine) -> int:
    """A concern raised, triaged red, decided as a strategy discussion and signed off."""
    assert raise_concern(client).status_code == 303
    contact = only(engine, Contact).id
    path = f"/contacts/{contact}"
    signed_in(client, "mash")
    page = client.get(path).text
    done = post_form(client, path, f"{path}/triage", urgency="red",
                     version=version_of(page, f"{path}/triage"))  # fmt: skip
    assert done.status_code == 303
    page = client.get(path).text
    version = version_of(page, f"{path}/decision")
    done = post_form(client, path, f"{path}/decision", decision="strategy_discussion",
                     rationale="Repeated hunger.", version=version)  # fmt: skip
    assert done.status_code == 303
    signed_in(client, "team.manager")
    page = client.get(path).text
    done = post_form(client, path, f"{path}/sign-off", approve="yes",
                     version=version_of(page, f"{path}/sign-off"))  # fmt: skip
    assert done.status_code == 303
    return int(only(engine, Case).id)


def test_a_partner_raises_a_concern_and_sees_a_reference_and_no_case(
    client: TestClient, clean_engine: Engine
) -> None:
    sent = raise_concern(client)
    assert sent.status_code == 303
    assert sent.headers["location"].startswith("/concerns/sent?reference=FD-")
    page = client.get(sent.headers["location"])
    assert "Concern sent" in page.text and "FD-" in page.text
    contact = only(clean_engine, Contact)
    assert (contact.referral_source, contact.referrer_agency) == ("2A", "education")
    assert contact.referrer_organisation == "Sample Primary School"
    assert client.get("/front-door").status_code == 403
    assert client.get(f"/contacts/{contact.id}").status_code == 403
    assert client.get("/deadlines").status_code == 403
    assert ("dsl.school", "refused") in audit(clean_engine, "contacts:read")
    assert ("dsl.school", "refused") in audit(clean_engine, "cases:read")


def test_a_partner_cannot_open_a_case(client: TestClient, clean_engine: Engine) -> None:
    case = referred(client, clean_engine)
    signed_in(client, "dsl.school")
    refused = client.get(f"/cases/{case}")
    assert refused.status_code == 403
    assert "Testchild" not in refused.text
    assert ("dsl.school", "refused") in audit(clean_engine, "cases:read")


def test_a_concern_with_missing_fields_names_each(client: TestClient) -> None:
    page = raise_concern(client, given_names="", what_seen="", service="", **{
        "date_of_birth-day": "31", "date_of_birth-month": "2"})  # fmt: skip
    assert page.status_code == 422
    assert 'href="#date_of_birth-day"' in page.text
    page = raise_concern(client, given_names="", what_seen="", service="")
    assert page.status_code == 422
    words = text_of(page.text)
    assert "Enter the child's given names" in words and "Choose where you work" in words
    assert 'href="#given_names"' in page.text and 'href="#what_seen"' in page.text
    assert 'value="Testchild"' in page.text  # the rest kept


def test_a_concern_too_long_for_the_record_is_refused_on_its_own_field(
    client: TestClient, clean_engine: Engine
) -> None:
    page = raise_concern(client, what_seen="x" * (WHAT_SEEN_LIMIT + 1))
    assert page.status_code == 422 and 'href="#what_seen"' in page.text
    assert f"{WHAT_SEEN_LIMIT:,} characters or fewer" in text_of(page.text)
    with unit_of_work(clean_engine, write=False) as session:
        assert session.scalar(select(func.count()).select_from(Contact)) == 0
    longest = max(CATEGORIES, key=len)  # the longest summary the contact must hold
    assert raise_concern(client, what_seen="y" * WHAT_SEEN_LIMIT,
                         category=longest).status_code == 303  # fmt: skip


def test_the_front_door_to_a_case_and_a_stale_save_names_who_saved(
    client: TestClient, clean_engine: Engine
) -> None:
    case = referred(client, clean_engine)
    signed_in(client, "mash")
    queue = client.get("/front-door")
    assert queue.status_code == 200 and "No contacts are waiting" in queue.text
    signed_in(client, "social.worker")
    path = f"/cases/{case}"
    page = client.get(path)
    assert page.status_code == 200
    words = text_of(page.text)
    assert "Referral: child and family assessment" in words
    assert "Strategy discussion 24 November 2026" in words
    action = f"{path}/actions/strategy_discussion"
    old = version_of(page.text, action)
    fields = {**ATTENDEES, **on("strategy_discussion-"), "version": old,
              "strategy_discussion-outcome": "section47",
              "strategy_discussion-reasons": "Hunger and bruising."}  # fmt: skip
    assert post_form(client, path, action, **fields).status_code == 303
    assert "Section 47 enquiry" in text_of(client.get(path).text)
    stale = post_form(client, path, action, **fields)  # the same version again
    assert stale.status_code == 409
    assert "changed by" in stale.text and "Hunger and bruising.</textarea>" in stale.text
    assert 'href="#strategy_discussion-details"' in stale.text


def test_case_forms_name_bad_fields_and_refuse_what_the_stage_does_not_allow(
    client: TestClient, clean_engine: Engine
) -> None:
    case = referred(client, clean_engine)
    signed_in(client, "social.worker")
    path = f"/cases/{case}"
    version = version_of(client.get(path).text, f"{path}/actions/strategy_discussion")
    missing = post_form(client, path, f"{path}/actions/strategy_discussion", version=version,
                        **on("strategy_discussion-"))  # fmt: skip
    assert missing.status_code == 422
    assert 'href="#strategy_discussion-outcome"' in missing.text
    bad = post_form(client, path, f"{path}/actions/strategy_discussion", version=version,
                    **{"strategy_discussion-outcome": "section47", **on("strategy_discussion-"),
                       "strategy_discussion-attendees-0-agency": "police"})  # fmt: skip
    assert bad.status_code == 422
    words = text_of(bad.text)
    assert "Reasons for the discussion" in words and "Who attended" in words
    fields = {"complete_section47-outcome": "conference", "complete_section47-findings": "x",
              **on("complete_section47-")}  # fmt: skip
    not_now = post_form(client, path, f"{path}/actions/complete_section47", version=version,
                        **fields)  # fmt: skip
    assert not_now.status_code == 409 and "not allowed at the stage" in not_now.text


@pytest.mark.parametrize(
    "path", ["/cases/abc", "/contacts/abc", "/cases/99999999", "/contacts/1e3", "/cases/-1"]
)
def test_bad_ids_are_not_found(client: TestClient, path: str) -> None:
    signed_in(client, "social.worker")
    assert client.get(path).status_code == 404


def test_bad_posts_do_not_fail(client: TestClient, clean_engine: Engine) -> None:
    case = referred(client, clean_engine)
    contact = only(clean_engine, Contact).id
    signed_in(client, "social.worker")
    path = f"/cases/{case}"
    assert post_form(client, path, f"{path}/actions/unknown").status_code == 404
    assert post_form(client, path, f"{path}/actions/visit", version="x").status_code in (409, 422)
    assert post_form(client, path, f"{path}/assessment", intent="save",
                     step_id="abc").status_code == 404  # fmt: skip
    assert post_form(client, path, f"{path}/assessment").status_code == 422
    signed_in(client, "mash")
    cpath = f"/contacts/{contact}"
    assert post_form(client, cpath, f"{cpath}/triage", urgency="purple").status_code == 409
    assert post_form(client, cpath, f"{cpath}/requests/abc/reply").status_code == 404
    assert post_form(client, cpath, f"{cpath}/requests").status_code == 409
    assert client.post(f"{cpath}/triage", data={"urgency": "red"}).status_code == 403  # no token


def test_the_assessment_saves_a_draft_and_a_stale_draft_shows_theirs(
    client: TestClient, clean_engine: Engine
) -> None:
    case = referred(client, clean_engine)
    signed_in(client, "social.worker")
    path = f"/cases/{case}"
    page = client.get(path).text
    step = re.search(r'name="step_id" value="(\d+)"', page)
    step_version = re.search(r'name="step_version" value="(\d+)"', page)
    assert step and step_version
    draft = {"intent": "save", "step_id": step.group(1), "step_version": step_version.group(1),
             "assessment-analysis": "First thoughts."}  # fmt: skip
    assert post_form(client, path, f"{path}/assessment", **draft).status_code == 303
    assert "First thoughts." in client.get(path).text
    again = post_form(client, path, f"{path}/assessment",
                      **{**draft, "assessment-analysis": "Other thoughts."})  # fmt: skip
    assert again.status_code == 409
    words = text_of(again.text)
    assert "What they saved" in words and "First thoughts." in words
    assert "Other thoughts.</textarea>" in again.text


def test_the_deadline_lists_open_for_practice_roles(
    client: TestClient, clean_engine: Engine
) -> None:
    case = referred(client, clean_engine)
    signed_in(client, "team.manager")
    everyone = client.get("/deadlines")
    assert everyone.status_code == 200 and f'href="/cases/{case}"' in everyone.text
    assert client.get("/deadlines?team=Assessment").status_code == 200
    assert client.get("/deadlines/partners").status_code == 200
    assert client.get("/deadlines/oversight").status_code == 200
    signed_in(client, "social.worker")
    assert "Your deadlines" in client.get("/deadlines").text
    child = client.get(f"/children/{only(clean_engine, Case).person_id}")
    assert "Cases and deadlines" in child.text and f'href="/cases/{case}"' in child.text


def test_a_partner_cannot_act_on_a_contact_or_a_case(
    client: TestClient, clean_engine: Engine
) -> None:
    case = referred(client, clean_engine)
    contact = only(clean_engine, Contact).id
    signed_in(client, "dsl.school")
    token = csrf_of(client.get("/concerns/new").text)
    data = {"csrf_token": token, "urgency": "green", "version": "1"}
    triage = client.post(f"/contacts/{contact}/triage", data=data)
    assert triage.status_code == 403
    acted = client.post(f"/cases/{case}/actions/visit", data={"csrf_token": token})
    assert acted.status_code in (403, 422)  # an incomplete form is named before the gate
    acted = client.post(f"/cases/{case}/actions/visit",
                        data={"csrf_token": token, "version": "1", "visit-notes": "x",
                              "visit-child_seen": "yes", "visit-seen_alone": "no",
                              **on("visit-")})  # fmt: skip
    assert acted.status_code == 403 and "Testchild" not in acted.text
    assert ("dsl.school", "refused") in audit(clean_engine, "contacts:triage")
    assert ("dsl.school", "refused") in audit(clean_engine, "cases:write")


# RETURNS.md: 6 is police, 7 another legal agency (courts, probation, prisons).
@pytest.mark.parametrize(
    ("service", "code", "agency"),
    [("gp", "3A", "health"), ("community_health", "3D", "health"), ("police", "6", "police"),
     ("probation", "7", "probation"), ("school", "2A", "education")],
)  # fmt: skip
def test_the_referral_source_follows_where_the_professional_works(
    client: TestClient, clean_engine: Engine, service: str, code: str, agency: str
) -> None:
    assert raise_concern(client, service=service).status_code == 303
    contact = only(clean_engine, Contact)
    assert (contact.referral_source, contact.referrer_agency) == (code, agency)


def test_the_queue_flags_an_overdue_decision_and_a_late_one_needs_its_reason(
    client: TestClient, clean_engine: Engine, clock: FrozenClock
) -> None:
    assert raise_concern(client).status_code == 303
    contact = only(clean_engine, Contact).id
    signed_in(client, "mash")
    words = text_of(client.get("/front-door").text)
    assert "Not triaged Casey Testchild" in words and "Overdue" not in words
    clock.advance(timedelta(days=2))
    words = text_of(signed_in(client, "mash").get("/front-door").text)  # the session timed out
    assert "24 November 2026 23:59 Overdue Awaiting a decision" in words
    path = f"/contacts/{contact}"
    page = client.get(path).text
    assert "Why is the decision late?" in page
    version = version_of(page, f"{path}/triage")
    assert post_form(client, path, f"{path}/triage", urgency="amber",
                     version=version).status_code == 303  # fmt: skip
    page = client.get(path).text
    version = version_of(page, f"{path}/decision")
    late = post_form(client, path, f"{path}/decision", decision="early_help",
                     rationale="Below threshold.", version=version)  # fmt: skip
    assert late.status_code == 422 and 'href="#decide-late_reason"' in late.text
    assert "Below threshold.</textarea>" in late.text


def test_a_returned_decision_needs_a_note_and_the_referrer_is_told_the_outcome(
    client: TestClient, clean_engine: Engine
) -> None:
    assert raise_concern(client).status_code == 303
    path = f"/contacts/{only(clean_engine, Contact).id}"
    signed_in(client, "mash")
    page = client.get(path).text
    post_form(client, path, f"{path}/triage", urgency="green",
              version=version_of(page, f"{path}/triage"))  # fmt: skip
    page = client.get(path).text
    post_form(client, path, f"{path}/decision", decision="early_help", rationale="Below.",
              version=version_of(page, f"{path}/decision"))  # fmt: skip
    signed_in(client, "team.manager")
    page = client.get(path).text
    version = version_of(page, f"{path}/sign-off")
    returned = post_form(client, path, f"{path}/sign-off", approve="no", version=version)
    assert returned.status_code == 422 and 'href="#signoff-note"' in returned.text
    approved = post_form(client, path, f"{path}/sign-off", approve="yes", version=version)
    assert approved.status_code == 303
    signed_in(client, "mash")
    page = client.get(path).text
    told = post_form(client, path, f"{path}/outcome", message="Early help offered.",
                     version=version_of(page, f"{path}/outcome"))  # fmt: skip
    assert told.status_code == 303
    words = text_of(client.get(path).text)
    assert "Referrer told" in words and "Early help offered." in words
    assert "Tell the referrer the outcome" not in words


def test_the_assessment_is_completed_from_its_form(
    client: TestClient, clean_engine: Engine
) -> None:
    case = referred(client, clean_engine)
    signed_in(client, "social.worker")
    path = f"/cases/{case}"
    page = client.get(path).text
    fields = {"intent": "complete", "version": version_of(page, f"{path}/assessment"),
              "assessment-child_seen": "yes", "assessment-seen_alone": "no",
              "assessment-child_views": "Likes school.", "assessment-analysis": "Neglect.",
              "assessment-factors": "16a, 2A", "assessment-primary_need": "N1",
              **on("assessment-")}  # fmt: skip
    missing = post_form(client, path, f"{path}/assessment", **fields)
    assert missing.status_code == 422 and 'href="#assessment-outcome"' in missing.text
    done = post_form(client, path, f"{path}/assessment", **fields,
                     **{"assessment-outcome": "child_in_need"})  # fmt: skip
    assert done.status_code == 303
    words = text_of(client.get(path).text)
    assert "Child and family assessment: Child in need" in words
    assert "Assessment factors (DfE codes, separated by commas) 16A, 2A" in words


def test_a_decided_contact_and_a_closed_case_lead_to_challenge_and_early_help(
    client: TestClient, clean_engine: Engine
) -> None:
    assert raise_concern(client).status_code == 303
    contact = only(clean_engine, Contact).id
    path = f"/contacts/{contact}"
    signed_in(client, "mash")
    page = client.get(path).text
    post_form(client, path, f"{path}/triage", urgency="green",
              version=version_of(page, f"{path}/triage"))  # fmt: skip
    page = client.get(path).text
    assert "Challenge this decision" not in page  # nothing decided yet
    post_form(client, path, f"{path}/decision", decision="early_help",
              rationale="Family support fits.", version=version_of(client.get(path).text,
                                                                   f"{path}/decision"))  # fmt: skip
    signed_in(client, "team.manager")
    post_form(client, path, f"{path}/sign-off", approve="yes",
              version=version_of(client.get(path).text, f"{path}/sign-off"))  # fmt: skip
    page = client.get(path).text
    challenge = f"/escalations/new?reference=FD-{contact:06d}&amp;subject=contact_decision"
    assert challenge in page and f"/early-help/new?contact={contact}" in page
    form = client.get(challenge.replace("&amp;", "&")).text
    assert f'value="FD-{contact:06d}"' in form
    signed_in(client, "performance")  # may neither challenge nor start early help
    assert client.get(path).status_code == 403


def test_the_front_door_protects_a_referrers_identity_with_a_reason(
    client: TestClient, clean_engine: Engine
) -> None:
    assert raise_concern(client).status_code == 303
    contact = only(clean_engine, Contact).id
    path = f"/contacts/{contact}"
    signed_in(client, "mash")
    assert "Identity protected" not in client.get(path).text
    blank = post_form(client, path, f"{path}/protect-referrer", reason="  ")
    assert blank.status_code == 422 and 'href="#protect-reason"' in blank.text
    done = post_form(client, path, f"{path}/protect-referrer", reason="Neighbour fears reprisal.")
    assert done.status_code == 303
    page = client.get(path).text
    assert "Identity protected" in page and "Protect their identity" not in page
    assert ("mash", "permitted") in audit(clean_engine, "identities:protect")
    with unit_of_work(clean_engine, write=False) as session:
        marked = AuditEntry.action == "identities:protect", AuditEntry.outcome == "permitted"
        (entry,) = session.scalars(select(AuditEntry).where(*marked))
        assert "reprisal" not in str(entry.detail)  # the reason stays out of the audit log


def test_leaving_care_page_records_a_contact_and_refuses_a_bad_one(
    client: TestClient, clean_engine: Engine, feed_actor: Actor, settings: Settings
) -> None:
    """A young person's leaving care support: refused to a worker of another team (the adviser
    holds the young person), open to one in the adviser's team; a contact refused naming its
    field, then saved; a partner refused (records made through the services, no demo build)."""
    with unit_of_work(clean_engine) as session:
        leavers = build(session, feed_actor, settings)
        person, record = leavers.relevant, leavers.records[leavers.relevant]
    signed_in(client, "social.worker")
    page = f"/children/{person}/leaving-care"
    assert client.get(page).status_code == 403
    with unit_of_work(clean_engine) as session:
        join_team(session, actor=Actor(role=Role.SOCIAL_WORKER, label="social.worker"),
                  team="Leaving care team")  # fmt: skip
    shown = client.get(page)
    assert shown.status_code == 200
    assert "Former relevant" in shown.text and "pa.two" in shown.text
    action = f"{page}/keeping_in_touch"
    day = {"keeping_in_touch-on-day": "1", "keeping_in_touch-on-month": "11",
           "keeping_in_touch-on-year": "2026"}  # fmt: skip
    base = {"record_id": str(record.id), "version": str(record.version), **day}
    bad = post_form(client, page, action, **base, **{"keeping_in_touch-in_touch": "YES"})
    assert bad.status_code == 422
    assert 'href="#keeping_in_touch-activity"' in bad.text and "required when in touch" in bad.text
    good = post_form(client, page, action, **base, **{
        "keeping_in_touch-in_touch": "YES", "keeping_in_touch-activity": "F2",
        "keeping_in_touch-accommodation": "U", "keeping_in_touch-suitable": "yes"})  # fmt: skip
    assert good.status_code == 303
    assert "U: Independent living" in client.get(good.headers["location"]).text
    signed_in(client, "dsl.school")
    assert client.get(page).status_code == 403
