"""The early help pages: the front door's offer taken up, the family plan (an incomplete action
named by its field), a review on the clock, and the step-up raising a contact with the history;
a partner without an episode of their own sees none."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import Engine, select
from tests.functional.web.test_casework_pages import only, post_form, raise_concern, version_of
from tests.functional.web.test_people_review import text_of
from tests.functional.web.test_web_pages import signed_in

from joinedup.casework.models import Contact
from joinedup.db.session import unit_of_work
from joinedup.practice.models import EarlyHelpEpisode


def early_help_decided(client: TestClient, engine: Engine) -> int:
    assert raise_concern(client).status_code == 303
    contact = only(engine, Contact).id
    path = f"/contacts/{contact}"
    signed_in(client, "mash")
    page = client.get(path).text
    post_form(
        client, path, f"{path}/triage", urgency="green", version=version_of(page, f"{path}/triage")
    )
    page = client.get(path).text
    post_form(
        client,
        path,
        f"{path}/decision",
        decision="early_help",
        rationale="Family help.",
        version=version_of(page, f"{path}/decision"),
    )
    signed_in(client, "team.manager")
    page = client.get(path).text
    post_form(
        client,
        path,
        f"{path}/sign-off",
        approve="yes",
        version=version_of(page, f"{path}/sign-off"),
    )
    return int(contact)


def test_an_offer_is_taken_up_planned_reviewed_and_stepped_up(
    client: TestClient, clean_engine: Engine
) -> None:
    contact = early_help_decided(client, clean_engine)
    signed_in(client, "mash")
    listed = client.get("/early-help").text
    assert f"/early-help/new?contact={contact}" in listed
    started = post_form(
        client,
        f"/early-help/new?contact={contact}",
        "/early-help",
        contact_id=str(contact),
        lead_name="Hana Testvisitor",
        lead_organisation="Testshire Health Visiting",
        lead_agency="health",
    )
    assert started.status_code == 303
    episode = only(clean_engine, EarlyHelpEpisode)
    path = f"/early-help/{episode.id}"
    page = text_of(client.get(path).text)
    assert "Hana Testvisitor" in page and "4 January 2027" in page  # first review: 6 weeks
    plan = {
        "outcomes": "Regular meals.",
        "actions-0-what": "Breakfast club",
        "actions-0-owner": "Sam Testteacher",
        "actions-0-agency": "education",
        "version": str(episode.version),
    }
    missing = post_form(client, path, f"{path}/plan", **plan)
    assert missing.status_code == 422 and 'href="#actions-0-due_on"' in missing.text
    plan |= {
        "actions-0-due_on-day": "4",
        "actions-0-due_on-month": "12",
        "actions-0-due_on-year": "2026",
    }
    assert post_form(client, path, f"{path}/plan", **plan).status_code == 303
    version = version_of(client.get(path).text, f"{path}/review")
    empty = post_form(client, path, f"{path}/review", summary=" ", version=version)
    assert empty.status_code == 422 and 'href="#summary"' in empty.text
    assert (
        post_form(
            client, path, f"{path}/review", summary="Going well.", version=version
        ).status_code
        == 303
    )
    version = version_of(client.get(path).text, f"{path}/step-up")
    up = post_form(
        client,
        path,
        f"{path}/step-up",
        reasons="New injury.",
        contact_route="hv@nhs.test",
        version=version,
    )
    assert up.status_code == 303
    assert "Stepped up to social care" in text_of(client.get(path).text)
    with unit_of_work(clean_engine, write=False) as session:
        stepped = session.scalars(select(Contact).where(Contact.referral_source == "5D")).one()
        assert "Breakfast club" in stepped.summary and "Going well." in stepped.summary


def test_a_partner_sees_only_early_help_they_lead(client: TestClient, clean_engine: Engine) -> None:
    contact = early_help_decided(client, clean_engine)
    signed_in(client, "mash")
    post_form(
        client,
        f"/early-help/new?contact={contact}",
        "/early-help",
        contact_id=str(contact),
        lead_name="Hana Testvisitor",
        lead_organisation="Testshire Health Visiting",
        lead_agency="health",
    )
    episode = only(clean_engine, EarlyHelpEpisode)
    signed_in(client, "dsl.school")
    assert "No early help is open" in client.get("/early-help").text
    assert client.get(f"/early-help/{episode.id}").status_code == 404
    signed_in(client, "performance")
    assert client.get("/early-help").status_code == 403
