"""The export page: a GOV.UK form, errors named per field, a recorded download, and refusals."""

from __future__ import annotations

import csv
import hashlib
import io
import re
from typing import Any

import pytest
from fastapi.testclient import TestClient
from pypdf import PdfReader
from sqlalchemy import Engine, select
from tests.factories.people import child, concern, ingest
from tests.functional.web.test_people_review import audit, csrf_of, text_of
from tests.functional.web.test_web_pages import signed_in

from joinedup.config import Settings
from joinedup.db.session import unit_of_work
from joinedup.intake.models import Mention
from joinedup.people.models import MentionLink
from joinedup.sharing.models import Disclosure
from joinedup.testing import FrozenClock

SCHOOL = {"agency": "education", "organisation": "Sample Primary School"}


@pytest.fixture
def person(client: TestClient, clean_engine: Engine, settings: Settings, clock: FrozenClock) -> int:
    """Zofia, known to the police (a high-risk incident) and to her school (a hostile summary)."""
    zofia = child("Zofia", family_name="Wiśniewska", nhs_number="9990000018")
    ingest(
        clean_engine, settings, clock,
        concern(zofia, type="domestic_abuse_incident", summary="Officers attended.",
                attributes={"children_present": True, "risk_level": "high"}),
        concern(zofia, source=SCHOOL, summary="=1+2 looked hungry",
                occurred_at="2024-06", date_precision="month"),
    )  # fmt: skip
    with unit_of_work(clean_engine, write=False) as session:
        found = session.scalar(
            select(MentionLink.person_id)
            .join(Mention, Mention.id == MentionLink.mention_id)
            .where(Mention.given_names == "Zofia")
        )
    assert found is not None
    return found


def form(client: TestClient, person: int, query: str = "") -> Any:
    return client.get(f"/children/{person}/chronology/export{query}")


def send(client: TestClient, person: int, query: str = "", **fields: str) -> Any:
    page = form(client, person, query).text
    filters = re.search(r'name="filters" value="([^"]*)"', page)
    assert filters
    data = {"csrf_token": csrf_of(page), "filters": filters.group(1).replace("&amp;", "&")}
    data.update(fields)
    return client.post(f"/children/{person}/chronology/export", data=data, follow_redirects=False)


GOOD = {
    "format": "csv",
    "recipient": "Sample Academy, designated safeguarding lead",
    "purpose": "Initial child protection conference",
    "lawful_basis": "safeguarding",
}


def registered(engine: Engine) -> list[Disclosure]:
    with unit_of_work(engine, write=False) as session:
        return list(session.scalars(select(Disclosure).order_by(Disclosure.id)))


def test_the_form_says_what_will_go_and_that_it_is_recorded(
    client: TestClient, person: int
) -> None:
    page = form(signed_in(client, "social.worker"), person, "?agency=police")
    assert page.status_code == 200
    words = text_of(page.text)
    assert "Export this chronology" in words and "Zofia Wiśniewska" in words
    assert "1 of 2 entries" in words and "Agencies: Police" in words
    assert "recorded in the information-sharing register" in words
    assert 'name="filters" value="agency=police"' in page.text
    bases = re.findall(r'name="lawful_basis" type="radio" value="([a-z_]+)"', page.text)
    assert bases == ["safeguarding", "legal_obligation", "court_order", "consent"]
    assert re.findall(r'name="format" type="radio" value="([a-z]+)"', page.text) == ["pdf", "csv"]


def test_a_csv_download_is_neutralised_and_registered(
    client: TestClient, person: int, clean_engine: Engine
) -> None:
    answer = send(signed_in(client, "social.worker"), person, **GOOD)
    assert answer.status_code == 200
    assert answer.headers["content-type"] == "text/csv; charset=utf-8"
    assert answer.headers["cache-control"] == "no-store"
    disposition = answer.headers["content-disposition"]
    assert re.fullmatch(rf'attachment; filename="chronology-{person}-\d{{8}}-\d{{4}}\.csv"',
                        disposition)  # fmt: skip
    rows = list(csv.DictReader(io.StringIO(answer.content.decode("utf-8-sig"))))
    assert [r["Date"] for r in rows][-1] == "June 2024"
    assert rows[-1]["Summary"] == "'=1+2 looked hungry"
    (row,) = registered(clean_engine)
    assert row.sha256 == hashlib.sha256(answer.content).hexdigest()
    assert (row.by_label, row.recipient, row.lawful_basis) == (
        "social.worker", GOOD["recipient"], "safeguarding")  # fmt: skip
    (entry,) = [e for e in audit(clean_engine, "chronology:export") if "disclosure" in e.detail]
    assert entry.detail["disclosure"] == row.id and entry.detail["format"] == "csv"


def test_a_pdf_download_keeps_the_filters(
    client: TestClient, person: int, clean_engine: Engine
) -> None:
    fields = {**GOOD, "format": "pdf", "lawful_basis": "court_order"}
    answer = send(signed_in(client, "team.manager"), person, "?agency=police", **fields)
    assert answer.status_code == 200 and answer.headers["content-type"] == "application/pdf"
    assert answer.headers["content-disposition"].endswith('.pdf"')
    reader = PdfReader(io.BytesIO(answer.content))
    text = " ".join(" ".join(p.extract_text().split()) for p in reader.pages)
    assert "OFFICIAL-SENSITIVE" in text and "Zofia Wiśniewska" in text
    assert "Officers attended." in text and "looked hungry" not in text
    (row,) = registered(clean_engine)
    assert row.details["filters"] == {"agencies": ["police"]} and row.entry_count == 1


def test_missing_answers_are_named_in_the_error_summary(
    client: TestClient, person: int, clean_engine: Engine
) -> None:
    answer = send(signed_in(client, "social.worker"), person, "?severity=high",
                  recipient="  ", purpose="", format="", lawful_basis="made_up")  # fmt: skip
    assert answer.status_code == 422
    summary = answer.text.split('class="govuk-error-summary"', 1)[1].split("</ul>", 1)[0]
    for field in ("format", "recipient", "purpose", "lawful_basis"):
        assert f'href="#{field}"' in summary and f'id="{field}"' in answer.text
    words = text_of(answer.text)
    assert "Enter who the information is going to" in words
    assert "Select the lawful basis for sharing" in words
    assert 'name="filters" value="severity=high"' in answer.text  # the filters are kept
    assert registered(clean_engine) == []


def test_filters_that_cannot_be_read_stop_the_export(
    client: TestClient, person: int, clean_engine: Engine
) -> None:
    page = form(signed_in(client, "social.worker"), person, "?since=2024-02-31")
    assert page.status_code == 422
    assert "Date from must be a real date" in text_of(page.text)
    assert 'name="recipient"' not in page.text  # no form to send
    token = csrf_of(form(client, person).text)
    data = {"csrf_token": token, "filters": "since=2024-02-31", **GOOD}
    answer = client.post(f"/children/{person}/chronology/export", data=data)
    assert answer.status_code == 422 and "Date from must be a real date" in text_of(answer.text)
    assert registered(clean_engine) == []


def test_a_role_without_the_export_permission_is_refused_and_audited(
    client: TestClient, person: int, clean_engine: Engine
) -> None:
    page = form(signed_in(client, "mash"), person)
    assert page.status_code == 403
    token = csrf_of(client.get("/account").text)
    data = {"csrf_token": token, **GOOD, "recipient": ""}  # refused before any answer is read
    assert client.post(f"/children/{person}/chronology/export", data=data).status_code == 403
    refused = [e for e in audit(clean_engine, "chronology:export") if e.outcome == "refused"]
    assert [e.actor_label for e in refused] == ["mash", "mash"]
    assert registered(clean_engine) == []


def test_a_form_without_its_token_is_refused(client: TestClient, person: int) -> None:
    signed_in(client, "social.worker")
    answer = client.post(f"/children/{person}/chronology/export", data=GOOD)
    assert answer.status_code == 403


def test_an_unknown_child_is_not_found(client: TestClient) -> None:
    assert form(signed_in(client, "social.worker"), 999999).status_code == 404
    assert client.get("/children/abc/chronology/export").status_code == 404
