"""Find a child: the form, its errors, its results (enough to choose, no more) and the audit."""

from __future__ import annotations

import html
import re

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, select
from tests.factories.people import child, concern, ingest, person_of
from tests.functional.web.test_web_pages import signed_in

from joinedup.access.models import AuditEntry
from joinedup.config import Settings
from joinedup.db.session import unit_of_work
from joinedup.intake.models import Mention
from joinedup.testing import FrozenClock


def text_of(page: str) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", page)).split())


def searches(engine: Engine) -> list[AuditEntry]:
    with unit_of_work(engine, write=False) as session:
        query = select(AuditEntry).where(AuditEntry.action == "children:search")
        return list(session.scalars(query.order_by(AuditEntry.id)))


@pytest.fixture
def william(
    client: TestClient, clean_engine: Engine, settings: Settings, clock: FrozenClock
) -> int:
    """William Testperson (born 7 April 2016, ZZ1 1ZZ) known to the police, and a sister."""
    sister = child("Grace", ref="c2", sex="F", date_of_birth="2018-01-02")
    ingest(clean_engine, settings, clock, concern(child("William")), concern(sister))
    with clean_engine.connect() as connection:
        mention = connection.scalar(select(Mention.id).where(Mention.given_names == "William"))
    assert mention is not None
    return person_of(clean_engine, mention)


def test_the_form_is_shown_without_searching_until_it_is_sent(
    client: TestClient, clean_engine: Engine
) -> None:
    page = signed_in(client, "mash").get("/children")
    assert page.status_code == 200
    assert "<title>Find a child – Joined Up</title>" in page.text
    assert 'method="get" action="/children"' in page.text
    for name in ("given_names", "family_name", "date_of_birth", "postcode", "nhs_number", "upn"):
        assert f'name="{name}"' in page.text
    assert "children found" not in page.text and searches(clean_engine) == []


def test_a_nickname_search_shows_the_child_with_enough_to_choose_and_a_link(
    client: TestClient, clean_engine: Engine, william: int
) -> None:
    page = signed_in(client, "mash").get(
        "/children", params={"given_names": "Bill", "family_name": "testperson"}
    )
    assert page.status_code == 200
    words = text_of(page.text)
    assert "1 child found" in words
    assert f'href="/children/{william}"' in page.text
    assert "William Testperson 7 April 2016 Male ZZ1 1" in words  # name, born, sex, district
    assert "Grace" not in words  # the sister is not this search's answer
    # Enough to choose and no more: no full postcode, address, NHS number or case detail.
    assert "ZZ1 1ZZ" not in words and "Sample Road" not in words and "neglect" not in words
    assert 'value="Bill"' in page.text  # the form keeps what was typed


def test_a_search_that_finds_nobody_says_so_and_is_audited(
    client: TestClient, clean_engine: Engine, william: int
) -> None:
    page = signed_in(client, "social.worker").get(
        "/children", params={"family_name": "Nobody", "date_of_birth": "7/4/2016"}
    )
    assert page.status_code == 200 and "No children found" in text_of(page.text)
    (entry,) = searches(clean_engine)
    assert entry.outcome == "permitted" and entry.resource_ids == []
    assert entry.detail == {
        "fields": ["family_name", "date_of_birth"],
        "results": 0,
        "more": False,
    }


def test_every_search_is_audited_with_the_children_shown_and_never_what_was_typed(
    client: TestClient, clean_engine: Engine, william: int
) -> None:
    signed_in(client, "mash").get("/children", params={"postcode": "zz1 1zz"})
    (entry,) = searches(clean_engine)
    assert entry.actor_label == "mash" and entry.resource_type == "person"
    assert william in entry.resource_ids and len(entry.resource_ids) == 2  # William and Grace
    assert entry.detail == {"fields": ["postcode"], "results": 2, "more": False}
    assert "zz1" not in str(entry.detail).lower() and entry.reason is None


@pytest.mark.parametrize(
    ("params", "field", "message"),
    [
        ({"given_names": ""}, "given_names", "Enter a name, date of birth, postcode, NHS number"),
        ({"nhs_number": "999 000 0019"}, "nhs_number", "check digit is wrong"),
        ({"upn": "A123"}, "upn", "UPN must be a letter followed by 12 numbers"),
        ({"family_name": "Testperson", "date_of_birth": "31/2/2016"}, "date_of_birth", "real date"),
        ({"postcode": "ZZ1"}, "postcode", "Enter a full postcode"),
    ],
)
def test_a_search_that_cannot_run_shows_the_error_summary_naming_the_field(
    client: TestClient, clean_engine: Engine, params: dict[str, str], field: str, message: str
) -> None:
    page = signed_in(client, "mash").get("/children", params=params)
    assert page.status_code == 422
    assert page.text.count("govuk-error-summary") >= 1
    assert "<title>Error: Find a child – Joined Up</title>" in page.text
    summary = page.text.split("govuk-error-summary__list", 1)[1].split("</ul>", 1)[0]
    assert f'href="#{field}"' in summary and message in html.unescape(summary)
    assert f'id="{field}-error"' in page.text  # the message beside the field itself
    assert searches(clean_engine) == []  # nothing was searched, so nothing was read


def test_a_role_without_the_action_is_refused_and_the_refusal_audited(
    client: TestClient, clean_engine: Engine
) -> None:
    page = signed_in(client, "dsl.school").get("/children", params={"family_name": "Testperson"})
    assert page.status_code == 403
    (entry,) = searches(clean_engine)
    assert entry.outcome == "refused" and entry.actor_label == "dsl.school"
