"""The pages behind sign-in: navigation by role, records, the audit log, error pages, headers."""

from __future__ import annotations

import re
from typing import Any

import httpx2 as httpx
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import Engine, select
from tests.factories.records import record

from joinedup.access.demo_accounts import DEMO_PASSWORD
from joinedup.access.models import AuditEntry
from joinedup.access.roles import Actor
from joinedup.db.session import unit_of_work
from joinedup.intake.service import submit_records
from joinedup.intake.validation import parse_object
from joinedup.testing import FrozenClock


def signed_in(client: TestClient, username: str) -> TestClient:
    form = client.get("/sign-in").text
    token = re.search(r'name="csrf_token" value="([^"]+)"', form)
    assert token
    data = {"username": username, "password": DEMO_PASSWORD, "csrf_token": token.group(1)}
    assert client.post("/sign-in", data=data, follow_redirects=False).status_code == 303
    return client


def submit(engine: Engine, clock: FrozenClock, *records: dict[str, Any]) -> None:
    with unit_of_work(engine) as session:
        submit_records(
            session=session,
            actor=Actor.system("test"),
            now=clock.now(),
            records=[parse_object(r) for r in records],
        )


def nav_links(response: httpx.Response) -> list[str]:
    nav = response.text.split('class="govuk-service-navigation__list"', 1)[1].split("</ul>", 1)[0]
    return re.findall(r'href="([^"]+)"', nav)


@pytest.mark.parametrize(
    ("username", "links"),
    [
        ("ig.officer", ["/", "/audit", "/governance", "/sharing-register", "/inbox", "/account"]),
        (
            "social.worker",
            [
                "/",
                "/children",
                "/concerns/new",
                "/front-door",
                "/prompts",
                "/deadlines",
                "/escalations",
                "/early-help",
                "/records",
                "/people/review",
                "/inbox",
                "/account",
            ],
        ),
        (
            "mash",
            [
                "/",
                "/children",
                "/concerns/new",
                "/front-door",
                "/prompts",
                "/deadlines",
                "/escalations",
                "/early-help",
                "/records",
                "/people/review",
                "/inbox",
                "/account",
            ],
        ),
        (
            "dsl.school",
            [
                "/",
                "/concerns/new",
                "/partners/lookup",
                "/escalations",
                "/early-help",
                "/inbox",
                "/account",
            ],
        ),
        (
            "head.of.service",
            [
                "/",
                "/escalations",
                "/workforce",
                "/dashboard",
                "/case-audits",
                "/incidents",
                "/inbox",
                "/account",
            ],
        ),
    ],
)
def test_navigation_offers_only_what_the_role_may_use(
    client: TestClient, username: str, links: list[str]
) -> None:
    home = signed_in(client, username).get("/")
    assert nav_links(home) == links
    assert 'action="/sign-out"' in home.text  # sign out is a form, not a link


def test_home_says_what_the_role_can_do_and_what_is_still_to_come(client: TestClient) -> None:
    home = signed_in(client, "dsl.school").get("/")
    assert "<title>Home – Joined Up</title>" in home.text
    assert "Ruth Adebayo-Kline" in home.text and "Partner practitioner" in home.text
    assert "/records" not in home.text and "/audit" not in home.text
    assert "Raise a concern" in home.text and "Look up a child" in home.text
    assert "not available yet" not in home.text  # everything a partner does is built
    leader = signed_in(client, "head.of.service").get("/")
    assert "Performance" in leader.text and "not available yet" not in leader.text
    assert "This is a synthetic demonstration service – no real people" in home.text


def test_the_audit_log_is_refused_to_a_social_worker_and_the_refusal_is_recorded(
    client: TestClient, clean_engine: Engine
) -> None:
    response = signed_in(client, "social.worker").get("/audit")
    assert response.status_code == 403
    assert "<title>You do not have access to this page – Joined Up</title>" in response.text
    assert "has been recorded" in response.text
    with unit_of_work(clean_engine, write=False) as session:
        refused = session.scalars(select(AuditEntry).where(AuditEntry.action == "audit:read")).all()
    assert [(e.actor_label, e.outcome) for e in refused] == [("social.worker", "refused")]


def test_records_are_refused_to_a_partner_practitioner(client: TestClient) -> None:
    response = signed_in(client, "pc.police").get("/records")
    assert response.status_code == 403 and "govuk-heading-l" in response.text


def test_the_audit_log_shows_entries_newest_first_with_filters(
    client: TestClient, clock: FrozenClock
) -> None:
    signed_in(client, "social.worker").get("/audit")  # refused, and so recorded
    client.cookies.clear()
    signed_in(client, "ig.officer")
    page = client.get("/audit")
    assert page.status_code == 200 and "<title>Audit log – Joined Up</title>" in page.text
    rows = re.findall(r"<tr class=\"govuk-table__row\">(.*?)</tr>", page.text, re.S)[1:]
    assert "Audit: read" in rows[0] and "ig.officer" in rows[0]  # its own read, newest
    refused = client.get("/audit", params={"outcome": "refused"}).text
    assert "social.worker" in refused and "Refused" in refused
    assert "ig.officer</td>" not in refused.split("Showing", 1)[1]
    by_account = client.get("/audit", params={"account": "social.worker"}).text
    assert by_account.count("social.worker</td>") == 2  # its sign-in and its refusal


def test_records_list_shows_dates_only_as_precisely_as_known(
    client: TestClient, clean_engine: Engine, clock: FrozenClock
) -> None:
    submit(
        clean_engine,
        clock,
        record(record_id="R-YEAR", occurred_at="2011", date_precision=None),
        record(record_id="R-MONTH", occurred_at="2011-03", date_precision=None),
        record(record_id="R-DAY", occurred_at="2011-03-14", date_precision=None),
        record(record_id="R-MINUTE", occurred_at="2011-03-14T23:10:00+00:00"),
        record(record_id="R-SUMMER", occurred_at="2011-06-14T23:10:00+00:00"),
    )
    page = signed_in(client, "social.worker").get("/records")
    assert "<title>Records received – Joined Up</title>" in page.text
    cells = dict(
        re.findall(
            r'>(R-[A-Z]+)</a></td>.*?<td class="govuk-table__cell">[^<]*</td>\s*'
            r"<td[^>]*>[^<]*</td>\s*<td[^>]*>[^<]*</td>\s*<td[^>]*>([^<]*)</td>",
            page.text,
            re.S,
        )
    )
    assert cells == {
        "R-YEAR": "2011",
        "R-MONTH": "March 2011",
        "R-DAY": "14 March 2011",
        "R-MINUTE": "14 March 2011 23:10",
        "R-SUMMER": "15 June 2011 00:10",  # shown in UK time (BST)
    }
    assert "Showing 1 to 5 of 5" in page.text
    assert page.headers["cache-control"] == "no-store"


def test_sensitive_records_are_marked_in_the_list(
    client: TestClient, clean_engine: Engine, clock: FrozenClock
) -> None:
    submit(
        clean_engine,
        clock,
        record(record_id="S-1", sensitivity="sensitive"),
        record(record_id="N-1"),
    )
    listing = signed_in(client, "mash").get("/records").text
    rows = {
        m.group(1): m.group(2) for m in re.finditer(r">([SN]-1)</a></td>(.*?)</tr>", listing, re.S)
    }
    assert "govuk-tag" in rows["S-1"] and "Sensitive" in rows["S-1"]
    assert "govuk-tag" not in rows["N-1"]


def test_records_can_be_filtered_by_agency_and_paged(
    client: TestClient, clean_engine: Engine, clock: FrozenClock
) -> None:
    health = {"agency": "health", "organisation": "Testshire Hospital"}
    submit(
        clean_engine,
        clock,
        *[record(record_id=f"P-{n:03d}") for n in range(51)],
        record(record_id="H-001", source=health),
    )
    signed_in(client, "mash")
    first = client.get("/records")
    assert "Showing 1 to 50 of 52" in first.text and 'href="/records?page=2"' in first.text
    assert "Showing 51 to 52 of 52" in client.get("/records", params={"page": "2"}).text
    assert "Showing 1 to 50" in client.get("/records", params={"page": "x"}).text
    only_health = client.get("/records", params={"agency": "health"}).text
    assert "H-001" in only_health and "P-001" not in only_health
    assert '<option value="health" selected>' in only_health


def test_a_record_page_escapes_what_partners_send(
    client: TestClient, clean_engine: Engine, clock: FrozenClock
) -> None:
    submit(
        clean_engine,
        clock,
        record(
            record_id="X-1",
            summary="<script>alert('x')</script>\nSecond line & more",
            occurred_at="2011-03-14T23:10:00",
        ),
    )
    signed_in(client, "social.worker")
    listing = client.get("/records").text
    href = re.search(r'href="(/records/\d+)">X-1<', listing)
    assert href
    page = client.get(href.group(1))
    assert page.status_code == 200
    assert "<title>Record X-1 – Joined Up</title>" in page.text
    assert "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;" in page.text
    assert "<script>alert" not in page.text
    assert "Testa Fixture" in page.text and "9990000018" in page.text  # a subject
    assert "15 July 2017" in page.text  # a whole date of birth, in words
    assert re.search(r">\s*1990\s*<", page.text)  # a year-only one, no more precise than sent
    assert "PC T Example" in page.text  # the author
    assert "Children present" in page.text  # an attribute
    assert "warning" in page.text.lower() and "occurred_at" in page.text  # no UTC offset given
    assert "Version history" in page.text


def test_a_missing_record_is_not_found_not_a_fault(client: TestClient) -> None:
    signed_in(client, "social.worker")
    for path in ("/records/987654", "/records/not-a-number"):
        response = client.get(path)
        assert response.status_code == 404 and "Page not found" in response.text


def test_an_unknown_page_is_a_gov_uk_404_and_an_unknown_api_path_is_json(
    client: TestClient,
) -> None:
    page = client.get("/no-such-page")
    assert page.status_code == 404
    assert "<title>Page not found – Joined Up</title>" in page.text
    assert '<link rel="stylesheet" href="/static/govuk/govuk-frontend.min.css">' in page.text
    api = client.get("/api/v1/nope")
    assert api.status_code == 404 and api.headers["content-type"] == "application/json"
    assert api.json()["errors"][0]["code"] == "not_found"


def test_an_unexpected_fault_is_a_500_page_and_its_message_is_not_logged(
    app: FastAPI, caplog: pytest.LogCaptureFixture
) -> None:
    personal = "Testa Fixture born 2017-07-15"

    def boom() -> None:
        raise RuntimeError(personal)

    app.add_api_route("/boom", boom)
    app.add_api_route("/api/v1/boom", boom)
    with TestClient(app, raise_server_exceptions=False) as client:
        page = client.get("/boom")
        api = client.get("/api/v1/boom")
    assert page.status_code == 500
    assert "Sorry, there is a problem with the service" in page.text
    assert page.headers["x-frame-options"] == "DENY"
    assert api.status_code == 500 and api.json()["errors"][0]["code"] == "internal_error"
    assert "RuntimeError" in caplog.text and "/boom" in caplog.text
    assert "Testa" not in caplog.text and "2017" not in caplog.text


def test_every_page_carries_the_security_headers(client: TestClient) -> None:
    page = client.get("/sign-in")
    csp = page.headers["content-security-policy"]
    assert "default-src 'self'" in csp and "frame-ancestors 'none'" in csp
    assert "script-src 'self';" in csp and "nonce" not in csp  # no inline script at all
    assert "<script>" not in page.text and "<script nonce" not in page.text
    assert page.headers["x-content-type-options"] == "nosniff"
    assert page.headers["referrer-policy"] == "same-origin"
    assert page.headers["x-frame-options"] == "DENY"
    assert page.headers["cache-control"] == "no-store"
    stylesheet = client.get("/static/app.css")
    assert stylesheet.status_code == 200 and "no-store" not in stylesheet.headers.get(
        "cache-control", ""
    )
    assert stylesheet.headers["x-content-type-options"] == "nosniff"
