"""The injection corpus in every free-text field the battery reaches: a record's narrative and
author through the exchange-format API, a concern raised through the form, a review decision's
rationale through the API, a significance note through the chronology page, and the search box.

Each is stored verbatim (read back equal), shown escaped on the pages that show it (the raw
markup absent, the escaped text present), and neutralised in the chronology CSV export; a NUL is
refused with a 422 naming the field. The browser half is test_injection_browser.py, the
spreadsheet half test_injection_exports.py.
"""

from __future__ import annotations

import csv
import html
import io
import re

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from markupsafe import escape
from sqlalchemy import Engine, select

from joinedup.access.roles import Role
from joinedup.config import Settings
from joinedup.core.spreadsheet import is_formula_like
from joinedup.db.session import unit_of_work
from joinedup.intake.models import Event, Mention, SourceRecord
from joinedup.people.models import MentionLink
from joinedup.testing import FrozenClock
from tests.factories.people import child, concern, unsure_pair
from tests.functional.api.conftest import make_token
from tests.security.conftest import (
    ORIGIN,
    AuditWatch,
    assert_audited,
    figure,
    hidden,
    sign_in,
)
from tests.security.corpus import CORPUS, FORMULAS, NUL, RAW_MARKUP

EXPORT = {"format": "csv", "recipient": "Sample Academy", "purpose": "Conference",
          "lawful_basis": "safeguarding"}  # fmt: skip


def shown_escaped(page: str, text: str) -> bool:
    """The text is on the page as escaped text (as Jinja writes it), with no raw markup.
    Runs of white space (line breaks the page may lay out) count as one space."""
    return squeezed(str(escape(text))) in squeezed(page) and not any(
        raw in page for raw in RAW_MARKUP
    )


def squeezed(text: str) -> str:
    return " ".join(text.split())


def problems(page: str) -> list[str]:
    """The GOV.UK error summary's links: (field, message)."""
    return re.findall(r'<a href="#([^"]+)">([^<]*)</a>', page.split("govuk-error-summary", 1)[-1])


@pytest.fixture
def watched(app: FastAPI) -> tuple[TestClient, AuditWatch]:
    watch = AuditWatch(app)
    with TestClient(watch) as client:  # type: ignore[arg-type]
        yield client, watch


def submit_corpus(client: TestClient, token: str) -> dict[str, str]:
    """One record per corpus entry about one child, its narrative and author the hostile text."""
    sent = {}
    for index, (name, text) in enumerate(CORPUS):
        record = concern(child("Injecta", nhs_number="9990000018"), record_id=f"inj:{index}",
                         summary=text, author={"name": text[:200], "role": "teacher"})  # fmt: skip
        answer = client.post("/api/v1/records", json=record, headers=_bearer(token))
        assert answer.status_code == 200, (name, answer.text[:300])
        sent[f"inj:{index}"] = text
    return sent


def _bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def the_child(engine: Engine) -> int:
    with unit_of_work(engine, write=False) as session:
        found = session.scalar(
            select(MentionLink.person_id)
            .join(Mention, Mention.id == MentionLink.mention_id)
            .where(Mention.given_names == "Injecta")
        )
    assert found is not None
    return found


def stored(engine: Engine) -> dict[str, tuple[int, str]]:
    with unit_of_work(engine, write=False) as session:
        rows = session.execute(
            select(SourceRecord.record_id, SourceRecord.id, Event.summary)
            .join(Event, Event.source_record_id == SourceRecord.id)
            .where(SourceRecord.record_id.like("inj:%"))
        )
        return {record_id: (number, summary) for record_id, number, summary in rows}


def test_a_records_narrative_is_stored_verbatim_shown_escaped_and_exported_neutralised(
    watched: tuple[TestClient, AuditWatch], clean_engine: Engine, clock: FrozenClock
) -> None:
    client, watch = watched
    sent = submit_corpus(client, make_token(clean_engine, clock, "inj.feed", Role.PARTNER_SYSTEM))
    kept = stored(clean_engine)
    verbatim = sum(kept[key][1] == text for key, text in sent.items())
    figure(f"records' narratives stored verbatim: {verbatim}/{len(sent)} (target {len(sent)})")
    assert verbatim == len(sent)

    sign_in(client, "team.manager")
    pages = {key: client.get(f"/records/{kept[key][0]}").text for key in sent}
    person = the_child(clean_engine)
    chronology = client.get(f"/children/{person}/chronology?per_page=100").text
    escaped = sum(shown_escaped(pages[key], text) for key, text in sent.items())
    assert [k for k, t in sent.items() if not shown_escaped(pages[k], t)] == []
    short = [text for text in sent.values() if len(text) < 1000]
    on_chronology = sum(shown_escaped(chronology, text) for text in short)
    figure(f"record pages showing the text escaped: {escaped}/{len(sent)}; chronology "
           f"{on_chronology}/{len(short)} (targets all)")  # fmt: skip
    assert escaped == len(sent) and on_chronology == len(short)

    export = client.get(f"/children/{person}/chronology/export").text
    filters = re.search(r'name="filters" value="([^"]*)"', export)
    assert filters
    data = {"csrf_token": hidden(export), "filters": html.unescape(filters.group(1)), **EXPORT}
    answer = client.post(f"/children/{person}/chronology/export", data=data,
                         headers={"Origin": ORIGIN})  # fmt: skip
    assert answer.status_code == 200 and answer.headers["cache-control"] == "no-store"
    rows = list(csv.DictReader(io.StringIO(answer.content.decode("utf-8-sig"), newline="")))
    summaries = {row["Source record"]: row["Summary"] for row in rows}
    cells = [cell for row in rows for cell in row.values()]
    live = [cell for cell in cells if is_formula_like(cell)]
    figure(f"chronology CSV: {len(cells)} cells, formula-like cells {len(live)} (target 0)")
    assert live == []
    for key, text in sent.items():
        assert summaries[key] == ("'" + text if text in FORMULAS else text), key
    assert_audited(watch, "the records' injection traffic")


def test_a_concern_raised_through_the_form_is_kept_verbatim_and_shown_escaped(
    watched: tuple[TestClient, AuditWatch], clean_engine: Engine
) -> None:
    client, watch = watched
    token = sign_in(client, "dsl.school")
    kept = 0
    # The contact's summary is "Category: " and the words, so the form takes a little under
    # the record's 10,000 characters (the 10,000 itself is refused with a 422, not stored).
    for name, text in [(n, t[:9_000]) for n, t in CORPUS]:
        form = {"csrf_token": token, "given_names": "Formy", "family_name": "Testperson",
                "date_of_birth-day": "7", "date_of_birth-month": "4",
                "date_of_birth-year": "2016", "what_seen": text, "category": "neglect",
                "referrer_name": text[:200], "referrer_role": "Teacher",
                "referrer_contact": "0300 000 0000", "postcode": "ZZ1 1ZZ",
                "organisation": "Sample Primary School", "service": "school"}  # fmt: skip
        answer = client.post("/concerns", data=form, headers={"Origin": ORIGIN})
        assert answer.status_code in (200, 303), (name, answer.status_code, problems(answer.text))
        with unit_of_work(clean_engine, write=False) as session:
            summaries = list(session.scalars(select(Event.summary)))
        kept += text.strip() in summaries  # the concern's words, trimmed at the ends
    figure(f"concerns kept verbatim: {kept}/{len(CORPUS)} (target {len(CORPUS)})")
    assert kept == len(CORPUS)
    client.cookies.clear()
    sign_in(client, "mash")
    with unit_of_work(clean_engine, write=False) as session:
        records = list(session.execute(
            select(SourceRecord.id, Event.summary)
            .join(Event, Event.source_record_id == SourceRecord.id)
        ))  # fmt: skip
    shown = sum(shown_escaped(client.get(f"/records/{n}").text, s) for n, s in records)
    figure(f"concern records shown escaped: {shown}/{len(records)} (target {len(records)})")
    assert shown == len(records) >= len(CORPUS)  # the partner's record and the contact's
    found = client.get("/children", params={"given_names": "Formy", "family_name": "Testperson"})
    assert found.status_code == 200 and "Formy" in found.text  # a search that reads children
    assert_audited(watch, "the concern form, record pages and search traffic")


def test_a_review_rationale_is_kept_verbatim_through_the_api(
    app: FastAPI, clean_engine: Engine, settings: Settings, clock: FrozenClock
) -> None:
    token = make_token(clean_engine, clock, "inj.mash", Role.MASH_PRACTITIONER)
    task = unsure_pair(clean_engine, settings, clock)
    kept = 0
    with TestClient(app) as client:
        for _, text in CORPUS:
            body = {"decision": "reject", "rationale": text[:5000]}  # a reason's limit
            answer = client.post(f"/api/v1/review-tasks/{task}/decision", json=body,
                                 headers=_bearer(token))  # fmt: skip
            assert answer.status_code == 200, answer.text[:300]
            back = client.get(f"/api/v1/review-tasks/{task}", headers=_bearer(token)).json()
            kept += back["rationale"] == text[:5000].strip()  # the API trims a reason's ends
            again = client.post(f"/api/v1/review-tasks/{task}/reopen", json={"reason": "Again."},
                                headers=_bearer(token))  # fmt: skip
            assert again.status_code == 200, again.text[:300]
    figure(f"review rationales read back equal: {kept}/{len(CORPUS)} (target {len(CORPUS)})")
    assert kept == len(CORPUS)


def test_the_search_box_echoes_the_corpus_escaped(client: TestClient) -> None:
    sign_in(client, "mash")
    pages = {
        name: client.get("/children", params={"given_names": text, "family_name": text[:100]})
        for name, text in CORPUS
    }
    assert all(page.status_code in (200, 400, 422) for page in pages.values())
    raw = [name for name, page in pages.items() if any(r in page.text for r in RAW_MARKUP)]
    echoed = [name for name, text in CORPUS
              if squeezed(str(escape(text[:100]))) in squeezed(pages[name].text)]  # fmt: skip
    figure(f"search pages with raw markup: {len(raw)} (target 0); the words typed shown back "
           f"escaped: {len(echoed)}/{len(CORPUS)} (target {len(CORPUS)})")  # fmt: skip
    assert raw == [] and len(echoed) == len(CORPUS)


def test_a_nul_is_refused_with_a_422_naming_the_field(
    app: FastAPI, clean_engine: Engine, settings: Settings, clock: FrozenClock
) -> None:
    feed = make_token(clean_engine, clock, "nul.feed", Role.PARTNER_SYSTEM)
    mash = make_token(clean_engine, clock, "nul.mash", Role.MASH_PRACTITIONER)
    task = unsure_pair(clean_engine, settings, clock)
    with TestClient(app) as client:
        answers = {
            "body.summary": client.post("/api/v1/records", headers=_bearer(feed),
                                        json=concern(child(), summary=NUL)),
            "body.subjects.0.given_names": client.post(
                "/api/v1/records", headers=_bearer(feed), json=concern(child(NUL))),
            "body.rationale": client.post(
                f"/api/v1/review-tasks/{task}/decision", headers=_bearer(mash),
                json={"decision": "reject", "rationale": NUL}),
            "query.given_names": client.get(
                "/api/v1/persons", headers=_bearer(mash),
                params={"given_names": NUL, "family_name": "Testperson"}),
        }  # fmt: skip
    named = {
        field: answer.status_code == 422 and field in [e["field"] for e in answer.json()["errors"]]
        for field, answer in answers.items()
    }
    figure(f"NUL refused with 422 naming the field: {sum(named.values())}/{len(named)} "
           f"(target {len(named)}); server errors "
           f"{sum(a.status_code >= 500 for a in answers.values())} (target 0)")  # fmt: skip
    assert all(named.values()), {f: (a.status_code, a.text[:200]) for f, a in answers.items()}


def test_a_nul_typed_into_a_page_is_refused_not_a_server_error(client: TestClient) -> None:
    token = sign_in(client, "dsl.school")
    form = {"csrf_token": token, "given_names": "Nully", "family_name": "Testperson",
            "date_of_birth-day": "7", "date_of_birth-month": "4", "date_of_birth-year": "2016",
            "what_seen": NUL, "category": "neglect", "referrer_name": "R", "referrer_role": "T",
            "referrer_contact": "0300 000 0000", "postcode": "ZZ1 1ZZ",
            "organisation": "Sample Primary School", "service": "school"}  # fmt: skip
    concern_page = client.post("/concerns", data=form, headers={"Origin": ORIGIN})
    client.cookies.clear()
    sign_in(client, "mash")
    search_page = client.get("/children", params={"given_names": NUL, "family_name": "Nully"})
    answers = {"concern form": concern_page, "search box": search_page}
    figure("NUL typed into pages: " + ", ".join(f"{k} {a.status_code}" for k, a in answers.items())
           + " (target 4xx naming the field, never 500)")  # fmt: skip
    assert concern_page.status_code == 400 and "what_seen" in concern_page.text
    assert "NUL character" in concern_page.text and search_page.status_code < 500
