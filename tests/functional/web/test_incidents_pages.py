"""Serious incident pages: recording one, its clocks, the rapid review, replay and learning."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import Engine, select
from tests.functional.web.test_casework_pages import audit, post_form
from tests.functional.web.test_web_pages import signed_in
from tests.unit.people.support import adult, child, nhs, rec

from joinedup.access.roles import Actor
from joinedup.config import Settings
from joinedup.db.session import unit_of_work
from joinedup.flows.intake import submit_and_resolve
from joinedup.intake.models import Event, Mention
from joinedup.intake.validation import parse_object
from joinedup.people.models import MentionLink
from joinedup.quality.models import QualityAction, SeriousIncident
from joinedup.testing import FrozenClock

POLICE = {"agency": "police", "organisation": "Testshire Police"}
HEALTH = {"agency": "health", "organisation": "Testshire NHS Trust"}


def history(engine: Engine, clock: FrozenClock, settings: Settings) -> int:
    """Two domestic abuse incidents at the child's home and a health visit: the child's id."""
    subject = child(nhs_number=nhs(8100))
    records: list[dict[str, Any]] = [
        rec(
            subject,
            adult(),
            type="domestic_abuse_incident",
            source=POLICE,
            attributes={"children_present": True},
            occurred_at=f"{day}T22:00:00+00:00",
            date_precision="minute",
            record_id=f"t:da-{day}",
        )
        for day in ("2026-04-02", "2026-07-15")
    ]
    records.append(
        rec(
            subject,
            type="concern",
            source=HEALTH,
            attributes={"category": "neglect"},
            record_id="t:hv-1",
            occurred_at="2026-09-01T10:00:00+00:00",
            date_precision="minute",
        )
    )
    with unit_of_work(engine) as session:
        submit_and_resolve(
            session=session,
            actor=Actor.system("test"),
            parsed_records=[parse_object(r) for r in records],
            now=clock.now(),
            settings=settings,
            model=None,
        )
        person = session.scalars(
            select(MentionLink.person_id)
            .join(Mention, Mention.id == MentionLink.mention_id)
            .join(Event, Event.id == Mention.event_id)
            .where(Mention.ref == "c1")
            .limit(1)
        ).one()
    return int(person)


def dates(prefix: str, day: str, month: str, year: str) -> dict[str, str]:
    return {f"{prefix}-day": day, f"{prefix}-month": month, f"{prefix}-year": year}


def record_incident(client: TestClient, person: int, **changes: str) -> Any:
    data = {
        "person_id": str(person),
        "kind": "serious_harm",
        "summary": "Admitted to hospital.",
        **dates("incident_on", "16", "11", "2026"),
        **dates("aware_on", "17", "11", "2026"),
        **changes,
    }
    return post_form(client, "/incidents/new", "/incidents", **data)


def only_incident(engine: Engine) -> SeriousIncident:
    with unit_of_work(engine, write=False) as session:
        row = session.scalars(select(SeriousIncident)).one()
        session.expunge(row)
        return row


def test_an_incident_is_recorded_with_its_clocks_and_notified(
    client: TestClient, clean_engine: Engine, clock: FrozenClock, settings: Settings
) -> None:
    person = history(clean_engine, clock, settings)
    signed_in(client, "head.of.service")
    done = record_incident(client, person)
    assert done.status_code == 303
    path = done.headers["location"]
    page = client.get(path).text
    clocks = page.split('id="clocks"', 1)[1].split("</table>", 1)[0]
    # Aware on Tuesday 17 November 2026: notify by Tuesday 24th; review 15 WD later.
    assert "24 November 2026" in clocks and "8 December 2026" in clocks
    assert "Overdue" not in clocks
    clock.advance(timedelta(days=2))  # Wednesday 25th: the notification is overdue
    signed_in(client, "head.of.service")  # the session ended while idle
    assert "Overdue" in client.get(path).text.split('id="clocks"', 1)[1].split("</table>")[0]
    incident = only_incident(clean_engine)
    sent = post_form(
        client,
        path,
        f"{path}/notification",
        version=str(incident.version),
        reference="CSPRP-1",
        **dates("notified_on", "25", "11", "2026"),
    )
    assert sent.status_code == 303
    page = client.get(path).text
    assert "25 November 2026 (reference CSPRP-1)" in page and "Late" in page
    listed = client.get("/incidents").text
    assert f'href="{path}"' in listed
    assert ("head.of.service", "permitted") in audit(clean_engine, "incidents:manage")


def test_a_bad_incident_form_names_its_fields(
    client: TestClient, clean_engine: Engine, clock: FrozenClock, settings: Settings
) -> None:
    signed_in(client, "head.of.service")
    sent = record_incident(client, 999999, kind="", **dates("aware_on", "31", "2", "2026"))
    assert sent.status_code == 400
    summary = sent.text.split("govuk-error-summary", 1)[1].split("</ul>", 1)[0]
    assert 'href="#aware_on-day"' in summary
    person = history(clean_engine, clock, settings)
    sent = record_incident(client, person, kind="", summary="")
    assert sent.status_code == 400
    summary = sent.text.split("govuk-error-summary", 1)[1].split("</ul>", 1)[0]
    assert 'href="#kind"' in summary and 'href="#summary"' in summary
    assert "Record the incident" in sent.text


def test_the_rapid_review_assembles_each_agencys_involvement(
    client: TestClient, clean_engine: Engine, clock: FrozenClock, settings: Settings
) -> None:
    person = history(clean_engine, clock, settings)
    signed_in(client, "team.manager")
    path = record_incident(client, person).headers["location"]
    incident = only_incident(clean_engine)
    post_form(
        client,
        path,
        f"{path}/notification",
        version=str(incident.version),
        reference="",
        **dates("notified_on", "20", "11", "2026"),
    )
    review = client.get(f"{path}/rapid-review")
    assert review.status_code == 200, review.text
    table = review.text.split('id="involvement"', 1)[1].split("</table>", 1)[0]
    assert re.search(r"Police</th>\s*<td[^>]*>2</td>", table)
    assert re.search(r"Health</th>\s*<td[^>]*>1</td>", table)
    # Completing without analysis is refused, naming the field.
    incident = only_incident(clean_engine)
    form = {
        "version": str(incident.version),
        "complete": "yes",
        "analysis": "",
        **dates("review_from", "1", "1", "2026"),
        **dates("review_to", "16", "11", "2026"),
    }
    sent = post_form(client, f"{path}/rapid-review", f"{path}/rapid-review", **form)
    assert sent.status_code == 400 and 'href="#analysis"' in sent.text
    form["analysis"] = "Police and health each held part of the picture; nobody joined it."
    sent = post_form(client, f"{path}/rapid-review", f"{path}/rapid-review", **form)
    assert sent.status_code == 303
    assert "nobody joined it" in client.get(f"{path}/rapid-review").text
    pdf = client.get(f"{path}/rapid-review.pdf")
    assert pdf.headers["content-type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    # The decision on a local review, then its publication clock.
    page = client.get(path).text
    incident = only_incident(clean_engine)
    sent = post_form(
        client, path, f"{path}/decision", decision="commission", version=str(incident.version)
    )
    assert sent.status_code == 303
    assert "Publish the local practice review" in client.get(path).text
    assert "decision" in page


def test_the_replay_shows_a_prompt_before_the_incident(
    client: TestClient, clean_engine: Engine, clock: FrozenClock, settings: Settings
) -> None:
    person = history(clean_engine, clock, settings)
    signed_in(client, "head.of.service")
    path = record_incident(client, person).headers["location"]
    page = client.get(f"{path}/replay").text
    table = page.split('id="replay"', 1)[1].split("</table>", 1)[0]
    # The health visitor's concern (1 September), with the police's two incidents, would have
    # prompted 76 days before.
    assert "1 September 2026" in table and "domestic-abuse-repeat" in table
    assert "76 days before" in table


def test_learning_actions_are_tracked(
    client: TestClient, clean_engine: Engine, clock: FrozenClock, settings: Settings
) -> None:
    person = history(clean_engine, clock, settings)
    signed_in(client, "head.of.service")
    path = record_incident(client, person).headers["location"]
    done = post_form(
        client,
        path,
        f"{path}/actions",
        description="Brief every GP practice.",
        owner="Designated doctor",
        **dates("due_on", "1", "3", "2027"),
    )
    assert done.status_code == 303
    with unit_of_work(clean_engine, write=False) as session:
        action = session.scalars(select(QualityAction)).one()
    done = post_form(
        client,
        path,
        f"{path}/actions/{action.id}/complete",
        note="Briefed.",
        version=str(action.version),
    )
    assert done.status_code == 303
    assert "Done: Briefed." in client.get(path).text


def test_a_social_worker_may_not_see_serious_incidents(
    client: TestClient, clean_engine: Engine
) -> None:
    assert signed_in(client, "social.worker").get("/incidents").status_code == 403
