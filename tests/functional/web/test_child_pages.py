"""The child page and the chronology: who the child is, seen and heard, filters, marks."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, select
from tests.factories.children import HEALTH, at, boy, ingest_family
from tests.factories.people import ingest
from tests.functional.web.test_people_review import csrf_of, text_of
from tests.functional.web.test_web_pages import signed_in
from tests.unit.people.support import rec

from joinedup.access.models import AuditEntry
from joinedup.chronology.models import ChronologyMark
from joinedup.config import Settings
from joinedup.db.session import unit_of_work
from joinedup.testing import FrozenClock
from joinedup.web.routes import children


@pytest.fixture
def family(
    client: TestClient, clean_engine: Engine, settings: Settings, clock: FrozenClock
) -> dict[str, Any]:
    return ingest_family(clean_engine, settings, clock)


def entry_titles(page: str) -> list[str]:
    return [text_of(t) for t in re.findall(r'summary-card__title">(.*?)</h3>', page)]


def mark_form(client: TestClient, path: str, event: int, **data: str) -> Any:
    page = client.get(path).text
    back = re.search(r'name="back" value="([^"]*)"', page)
    fields = {"csrf_token": csrf_of(page), "event_id": str(event), "back": back.group(1) if back
              else "", **data}  # fmt: skip
    return client.post(path.split("?")[0] + "/marks", data=fields, follow_redirects=False)


def test_the_child_page_shows_who_the_child_is_status_and_who_sees_them(
    client: TestClient, family: dict[str, Any]
) -> None:
    boy_id = family["boy"]
    page = signed_in(client, "social.worker").get(f"/children/{boy_id}")
    assert page.status_code == 200
    assert f"<title>Child {boy_id} – Joined Up</title>" in page.text  # no name in the title
    words = text_of(page.text)
    assert "Alexander Testperson" in words
    assert "Other names and aliases Alex Oldname recorded 1 time, 2026" in words
    assert "Date of birth 7 April 2016 recorded 4 times, 2024 to 2026" in words
    assert "Sex Male" in words and "Unique pupil number Not recorded" in words
    assert "1 Sample Road, Testtown ZZ1 1ZZ 2024 to 2026" in words
    # status: the plan began in a month known only as May 2026, shown no more precisely
    assert "Child protection plan: neglect since May 2026" in words
    assert "Open case since May 2026" in words and "1 May 2026" not in words
    # seen and heard: the invisible child made visible
    assert ("Last seen by any professional 10 October 2026 11:00 (44 days ago) "
            "Education, Sample Primary School: concern") in words  # fmt: skip
    assert "Last seen alone Not recorded No one has recorded seeing this child alone." in words
    assert "Not recorded: no one has recorded seeing this child alone" in words  # the warning
    assert "Agencies involved in the last 90 days Education, Police" in words
    assert "Domestic abuse incident 1" in words and "Child protection plan started 1" in words
    # household: adults first, a child linked to their own page, an adult not
    household = words.split("Household and relationships", 1)[1]
    assert household.index("Mara Testperson") < household.index("Mark Newman")
    assert household.index("Mark Newman") < household.index("Bella Testperson")
    assert "Parent's partner Yes 1 September 2026 to 1 September 2026" in household
    assert f'href="/children/{family["ids"]["sister"]}"' in page.text
    assert f'href="/children/{family["ids"]["offence"]}"' not in page.text
    # practitioners by agency, with contact routes; precision kept
    assert "Ms J Teacher designated safeguarding lead Sample Primary School 01234 000111" in words
    assert "S Worker social worker Othershire Council 01234 000222 May 2026" in words
    assert "N Sample" not in words  # recorded more than two years ago
    assert f'href="/children/{boy_id}/chronology"' in page.text
    assert f'href="/people/{boy_id}"' in page.text
    main = text_of(page.text.split("<main", 1)[1])  # the menu links to the deadlines
    # the family's records opened prompts live, as they arrived; the boy has no case here
    assert "Open prompts" in main and "Cases and deadlines" not in main


def test_the_chronology_shows_provenance_with_honest_precision(
    client: TestClient, family: dict[str, Any]
) -> None:
    path = f"/children/{family['boy']}/chronology"
    page = signed_in(client, "social.worker").get(path)
    assert page.status_code == 200
    assert entry_titles(page.text) == [
        "June 2024: Was not brought",
        "May 2026: Child protection plan started",
        "2 August 2026 11:00: Adult offence",
        "1 September 2026 11:00: Domestic abuse incident",
        "10 October 2026 11:00: Concern",
    ]
    words = text_of(page.text)
    assert "1 June 2024" not in words and "Showing 5 of 5 entries" in words
    assert "Happened June 2024 Recorded 2 July 2024 10:00 Received 23 November 2026 09:00" in words
    assert "From Police, Testshire Police Recorded by PC T Example, response officer" in words
    assert ("Alexander Testperson (this child) Mara Testperson, mother, victim "
            "Mark Newman, parent's partner, perpetrator") in words  # fmt: skip
    assert "An adult’s record: this child is not named in it. Mark Newman, adult" in words
    assert "High severity" in words and "Statutory step" in words
    assert "Arrived hungry &lt;b&gt;again&lt;/b&gt;" in page.text  # escaped, never markup
    assert f'href="{path}/export"' in page.text
    assert 'action="' + path + '/marks"' in page.text
    assert "Bella" not in words  # the sister's own record is not on his chronology


def test_filters_narrow_the_chronology_and_links_keep_them(
    client: TestClient, family: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    path = f"/children/{family['boy']}/chronology"
    signed_in(client, "social.worker")
    police = client.get(path, params={"agency": "police"})
    assert entry_titles(police.text)[0] == "2 August 2026 11:00: Adult offence"
    assert "Showing 2 of 5 entries" in text_of(police.text)
    assert re.search(
        r'id="agency-\d" name="agency" type="checkbox" value="police" checked', police.text
    )
    assert f'href="{path}/export?agency=police"' in police.text
    high = client.get(f"{path}?severity=high&since-day=1&since-month=8&since-year=2026")
    assert "Showing 2 of 5 entries" in text_of(high.text)
    assert f'href="{path}/export?severity=high&amp;since=2026-08-01"' in high.text
    assert 'name="since-day" type="text" value="1"' in high.text
    until = client.get(path, params={"until": "2026-06-30", "type": "was_not_brought"})
    assert entry_titles(until.text) == ["June 2024: Was not brought"]
    monkeypatch.setattr(children, "PER_PAGE", 2)
    first = client.get(path, params={"agency": ["police", "health"]})
    assert "Showing 1 to 2 of 3 entries (5 in all)" in text_of(first.text)
    assert f'href="{path}?agency=health&amp;agency=police&amp;page=2"' in first.text
    second = client.get(f"{path}?agency=health&agency=police&page=2")
    assert entry_titles(second.text) == ["1 September 2026 11:00: Domestic abuse incident"]
    assert "Showing 3 to 3 of 3 entries (5 in all)" in text_of(second.text)
    assert f'href="{path}?agency=health&amp;agency=police&amp;page=1"' in second.text


def test_household_mode_adds_the_siblings_records_and_says_whose(
    client: TestClient, family: dict[str, Any]
) -> None:
    page = signed_in(client, "mash").get(f"/children/{family['boy']}/chronology?household=yes")
    words = text_of(page.text)
    assert "Showing 6 of 6 entries" in words
    assert "5 July 2026 11:00: Concern" in entry_titles(page.text)
    hers = words.split("5 July 2026 11:00: Concern", 1)[1].split("Summary", 1)[0]
    assert "A household member’s record: this child is not named in it." in hers
    assert "Bella Testperson, child" in hers and "Mara Testperson, mother" in hers
    assert 'id="household" name="household" type="checkbox" value="yes" checked' in page.text


def test_an_invalid_date_names_its_field(client: TestClient, family: dict[str, Any]) -> None:
    path = f"/children/{family['boy']}/chronology"
    page = signed_in(client, "social.worker").get(
        f"{path}?since-day=31&since-month=2&since-year=2026&until=soon"
    )
    assert page.status_code == 422
    assert "<title>Error: Chronology of child" in page.text
    assert 'href="#since-day"' in page.text and "Date from must be a real date" in page.text
    assert 'href="#until-day"' in page.text and "Date to must be a real date" in page.text
    assert 'name="since-day" type="text" value="31"' in page.text  # what was typed, shown back
    assert "Showing 5 of 5 entries" in text_of(page.text)  # the invalid filter is not applied


def test_a_social_worker_marks_and_unmarks_with_the_filters_kept(
    client: TestClient, family: dict[str, Any], clean_engine: Engine
) -> None:
    path = f"/children/{family['boy']}/chronology?agency=police"
    incident = family["events"]["incident"]
    signed_in(client, "social.worker")
    no_token = client.post(path.split("?")[0] + "/marks", data={"event_id": str(incident)})
    assert no_token.status_code == 403 and marks(clean_engine) == []
    answer = mark_form(client, path, incident, action="mark", note="Boy present <b>again</b>")
    assert answer.status_code == 303
    assert answer.headers["location"] == f"{path}&done=marked"
    page = client.get(answer.headers["location"])
    words = text_of(page.text)
    assert "You marked the entry as significant." in words
    assert "Marked significant By social.worker on 23 November 2026 09:00" in words
    assert "Boy present &lt;b&gt;again&lt;/b&gt;" in page.text
    only = client.get(f"{path.split('?')[0]}?significant=yes")
    assert entry_titles(only.text) == ["1 September 2026 11:00: Domestic abuse incident"]
    again = mark_form(client, path, incident, action="mark", note="twice")
    assert again.status_code == 409 and "already marked as significant" in again.text
    long = mark_form(client, path, family["events"]["offence"], action="mark", note="x" * 2001)
    assert long.status_code == 422 and 'href="#note-' in long.text
    undo = mark_form(client, path, incident, action="unmark", note="Added in error")
    assert undo.headers["location"] == f"{path}&done=unmarked"
    assert marks(clean_engine) == [
        ("mark", "Boy present <b>again</b>"),
        ("unmark", "Added in error"),
    ]
    assert "You removed the significant mark." in text_of(client.get(undo.headers["location"]).text)
    assert entry_titles(client.get(f"{path.split('?')[0]}?significant=yes").text) == []


def test_a_role_that_may_not_mark_gets_no_form_and_a_refusal(
    client: TestClient, family: dict[str, Any], clean_engine: Engine
) -> None:
    path = f"/children/{family['boy']}/chronology"
    page = signed_in(client, "mash").get(path)
    assert page.status_code == 200
    assert "/marks" not in page.text and "Mark as significant" not in page.text
    assert "/export" not in page.text  # MASH may not export
    token = csrf_of(page.text)
    data = {"csrf_token": token, "event_id": str(family["events"]["incident"]), "action": "mark"}
    refused = client.post(f"{path}/marks", data=data, follow_redirects=False)
    assert refused.status_code == 403 and marks(clean_engine) == []
    assert ("mash", "refused") in audit(clean_engine, "chronology:mark")


def test_a_sensitive_summary_is_withheld_from_the_front_door(
    client: TestClient, family: dict[str, Any], clean_engine: Engine, settings: Settings,
    clock: FrozenClock,
) -> None:  # fmt: skip
    ingest(clean_engine, settings, clock, rec(boy(), source=HEALTH, sensitivity="sensitive",
           summary="Sexual health clinic attendance.", **at("2026-11-01")))  # fmt: skip
    path = f"/children/{family['boy']}/chronology"
    front_door = text_of(signed_in(client, "mash").get(path).text)
    assert "Withheld Health or sexual-health detail: not shown to your role." in front_door
    assert "Sexual health clinic" not in front_door


def test_new_since_you_last_looked(
    client: TestClient, family: dict[str, Any], clean_engine: Engine, settings: Settings,
    clock: FrozenClock,
) -> None:  # fmt: skip
    path = f"/children/{family['boy']}/chronology"
    first = signed_in(client, "social.worker").get(path)
    assert "new since you last looked" not in first.text and ">New<" not in first.text
    clock.advance(timedelta(hours=2))
    ingest(clean_engine, settings, clock, rec(boy(), source=HEALTH, type="unscheduled_care",
           summary="Seen in A&E.", **at("2026-11-22")))  # fmt: skip
    clock.advance(timedelta(hours=1))
    page = signed_in(client, "social.worker").get(path)  # the earlier session has timed out
    words = text_of(page.text)
    assert "1 new since you last looked on 23 November 2026 09:00" in words
    assert page.text.count(">New</strong>") == 1
    assert entry_titles(page.text)[-1] == "22 November 2026 10:00: Unscheduled care"


def test_unknown_children_and_adults_are_not_found(
    client: TestClient, family: dict[str, Any]
) -> None:
    signed_in(client, "social.worker")
    for path in ("/children/999999", "/children/abc", "/children/999999/chronology",
                 f"/children/{family['ids']['offence']}"):  # fmt: skip
        answer = client.get(path)
        assert answer.status_code == 404, path
        assert "Page not found" in answer.text


def test_a_partner_is_refused_and_the_refusal_is_audited(
    client: TestClient, family: dict[str, Any], clean_engine: Engine
) -> None:
    signed_in(client, "dsl.school")
    for path in (f"/children/{family['boy']}", f"/children/{family['boy']}/chronology"):
        answer = client.get(path)
        assert answer.status_code == 403 and "Alexander" not in answer.text
    assert audit(clean_engine, "people:read") == [("dsl.school", "refused")] * 2


def marks(engine: Engine) -> list[tuple[str, str | None]]:
    with unit_of_work(engine, write=False) as session:
        rows = session.scalars(select(ChronologyMark).order_by(ChronologyMark.id))
        return [(m.action, m.note) for m in rows]


def audit(engine: Engine, action: str) -> list[tuple[str, str]]:
    with unit_of_work(engine, write=False) as session:
        rows = session.scalars(select(AuditEntry).where(AuditEntry.action == action))
        return [(e.actor_label, e.outcome) for e in rows]


def test_open_prompts_are_on_the_child_page_and_only_when_there_are_some(
    client: TestClient, family: dict[str, Any], clean_engine: Engine, clock: FrozenClock
) -> None:
    from joinedup.access.roles import Actor
    from joinedup.rules import service as rules

    viewer = signed_in(client, "social.worker")
    # the family's records opened their prompts live, inside intake, as they arrived
    words = text_of(viewer.get(f"/children/{family['boy']}").text)
    assert "Open prompts" in words
    assert "Domestic abuse in the child's household, and a concern from another agency" in words
    assert ("A high-risk domestic abuse incident with the children present, and 1 record from "
            "education (1) about the child (2 records)") in words  # fmt: skip
    assert "24 November 2026 09:00" in words  # one working day after 23 November 2026 09:00
    with unit_of_work(clean_engine) as session:
        for prompt in rules.list_prompts(session=session, actor=Actor.system("test"),
                                         person_id=family["boy"]):  # fmt: skip
            rules.decide_prompt(session=session, actor=Actor.system("test"), prompt_id=prompt.id,
                                outcome="no_further_action", rationale="Known and in hand.",
                                now=clock.now())  # fmt: skip
    assert "Open prompts" not in viewer.get(f"/children/{family['boy']}").text


def test_the_chronology_pages_by_a_hundred_and_a_page_beyond_reads_as_the_last(
    client: TestClient, family: dict[str, Any], clean_engine: Engine, settings: Settings,
    clock: FrozenClock,
) -> None:  # fmt: skip
    start = clock.now() - timedelta(days=400)
    days = [(start + timedelta(days=n)).date().isoformat() for n in range(200)]
    more = [rec(boy(), source=HEALTH, type="was_not_brought", attributes={"service": "dental"},
                **at(day)) for day in days]  # fmt: skip
    ingest(clean_engine, settings, clock, *more)
    path = f"/children/{family['boy']}/chronology"
    signed_in(client, "social.worker")
    first = client.get(path)
    assert "Showing 1 to 100 of 205 entries" in text_of(first.text)
    assert len(entry_titles(first.text)) == 100 and f'href="{path}?page=2"' in first.text
    second = client.get(f"{path}?page=2")
    assert "Showing 101 to 200 of 205 entries" in text_of(second.text)
    assert len(entry_titles(second.text)) == 100
    assert f'href="{path}?page=1"' in second.text and f'href="{path}?page=3"' in second.text
    beyond = client.get(f"{path}?page=99")
    assert beyond.status_code == 200
    assert "Showing 201 to 205 of 205 entries" in text_of(beyond.text)
    assert entry_titles(beyond.text) == entry_titles(client.get(f"{path}?page=3").text)
    health = client.get(f"{path}?agency=health&page=2")
    assert "Showing 101 to 200 of 201 entries (205 in all)" in text_of(health.text)
    assert f'href="{path}?agency=health&amp;page=3"' in health.text
