"""Signing in and out through the real pages: cookies, CSRF, redirects and session timeouts."""

from __future__ import annotations

import re
from datetime import timedelta

import httpx2 as httpx
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import Engine, select

from joinedup.access.demo_accounts import DEMO_PASSWORD
from joinedup.access.models import AuditEntry
from joinedup.app import create_app
from joinedup.config import Settings
from joinedup.db.session import unit_of_work
from joinedup.testing import FrozenClock

WRONG = "Enter a correct username and password"


def hidden(html: str, name: str) -> str:
    found = re.search(rf'name="{name}" value="([^"]*)"', html)
    assert found, f"no hidden field {name}"
    return found.group(1)


def sign_in(
    client: TestClient, username: str, password: str = DEMO_PASSWORD, next_path: str = ""
) -> httpx.Response:
    form = client.get("/sign-in")
    data = {
        "username": username,
        "password": password,
        "next": next_path,
        "csrf_token": hidden(form.text, "csrf_token"),
    }
    return client.post("/sign-in", data=data, follow_redirects=False)


def signed_in_home(client: TestClient, username: str) -> httpx.Response:
    assert sign_in(client, username).status_code == 303
    return client.get("/")


def set_cookies(response: httpx.Response) -> dict[str, str]:
    return {h.split("=", 1)[0]: h for h in response.headers.get_list("set-cookie")}


def audit_entries(engine: Engine, action: str) -> list[AuditEntry]:
    with unit_of_work(engine, write=False) as session:
        return list(session.scalars(select(AuditEntry).where(AuditEntry.action == action)))


def test_sign_in_page_is_a_gov_uk_form_with_a_pre_session_token(client: TestClient) -> None:
    page = client.get("/sign-in")
    assert page.status_code == 200
    assert "<title>Sign in – Joined Up</title>" in page.text
    assert 'class="govuk-input' in page.text and 'autocomplete="current-password"' in page.text
    cookie = set_cookies(page)["joinedup_sign_in"]
    assert "HttpOnly" in cookie and "Path=/sign-in" in cookie
    assert hidden(page.text, "csrf_token") in cookie


def test_signing_in_sets_a_hardened_session_cookie_and_shows_who_you_are(
    client: TestClient, clean_engine: Engine
) -> None:
    response = sign_in(client, "social.worker")
    assert response.status_code == 303 and response.headers["location"] == "/"
    cookie = set_cookies(response)["joinedup_session"]
    assert "HttpOnly" in cookie and "SameSite=lax" in cookie and "Path=/" in cookie
    assert "Secure" not in cookie and "Max-Age" not in cookie
    home = client.get("/")
    assert home.status_code == 200
    assert "Declan Marwood" in home.text and "Social worker" in home.text
    [entry] = audit_entries(clean_engine, "account:sign_in")
    assert (entry.actor_label, entry.outcome) == ("social.worker", "permitted")


def test_the_session_cookie_is_secure_when_configured(
    settings: Settings, clock: FrozenClock, app: FastAPI
) -> None:
    secure = create_app(settings.model_copy(update={"cookie_secure": True}), clock=clock)
    with TestClient(secure, base_url="https://testserver") as client:
        assert "Secure" in set_cookies(client.get("/sign-in"))["joinedup_sign_in"]
        assert "Secure" in set_cookies(sign_in(client, "mash"))["joinedup_session"]
    secure.state.engine.dispose()


def test_a_wrong_password_and_an_unknown_account_get_the_same_generic_answer(
    client: TestClient, clean_engine: Engine
) -> None:
    wrong_password = sign_in(client, "social.worker", "not-the-password")
    unknown = sign_in(client, "no.such.person", "not-the-password")
    for response in (wrong_password, unknown):
        assert response.status_code == 200
        assert "joinedup_session" not in set_cookies(response)
        assert response.text.count(WRONG) == 2  # the error summary and the inline message
        assert "<title>Error: Sign in – Joined Up</title>" in response.text
    assert "no.such.person" in unknown.text  # kept in the box, so it can be corrected
    refused = audit_entries(clean_engine, "account:sign_in")
    assert sorted((e.actor_label, e.outcome) for e in refused) == [
        ("social.worker", "refused"),
        ("unknown account", "refused"),
    ]
    with unit_of_work(clean_engine, write=False) as session:
        labels = set(session.scalars(select(AuditEntry.actor_label)))
    assert "no.such.person" not in labels  # a name typed in error is not kept


def test_empty_fields_give_an_error_summary_and_inline_errors(client: TestClient) -> None:
    form = client.get("/sign-in")
    response = client.post(
        "/sign-in", data={"csrf_token": hidden(form.text, "csrf_token")}, follow_redirects=False
    )
    assert response.status_code == 200
    assert 'class="govuk-error-summary' in response.text
    assert '<a href="#username">Enter your username</a>' in response.text
    assert '<a href="#password">Enter your password</a>' in response.text
    assert 'id="username-error"' in response.text and 'id="password-error"' in response.text


def test_a_page_asked_for_while_signed_out_returns_there_after_signing_in(
    client: TestClient,
) -> None:
    response = client.get("/records?agency=police", follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == "/sign-in?next=/records%3Fagency%3Dpolice"
    form = client.get(response.headers["location"])
    assert hidden(form.text, "next") == "/records?agency=police"
    signed_in = sign_in(client, "mash", next_path="/records?agency=police")
    assert signed_in.headers["location"] == "/records?agency=police"


@pytest.mark.parametrize(
    "target",
    [
        "https://evil.example/",
        "//evil.example/x",
        "/\\evil.example",
        "javascript:alert(1)",
        "http:/evil.example",
        "records",
        "/%0d%0aSet-Cookie:x=1\r\n",
    ],
)
def test_only_paths_on_this_site_are_followed_after_signing_in(
    client: TestClient, target: str
) -> None:
    assert sign_in(client, "mash", next_path=target).headers["location"] == "/"
    assert hidden(client.get("/sign-in", params={"next": target}).text, "next") == "/"


def test_an_over_long_password_is_never_accepted(client: TestClient) -> None:
    response = sign_in(client, "mash", DEMO_PASSWORD + "x" * 2000)
    assert response.status_code == 200 and WRONG in response.text


def test_a_form_sent_after_the_session_ended_returns_home_after_signing_in(
    client: TestClient, clock: FrozenClock
) -> None:
    token = hidden(signed_in_home(client, "mash").text, "csrf_token")
    clock.advance(timedelta(hours=1))
    response = client.post("/sign-out", data={"csrf_token": token}, follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == "/sign-in?ended=1"  # not back to a POST-only address


def test_sign_in_without_its_pre_session_token_is_refused(client: TestClient) -> None:
    client.get("/sign-in")
    data = {"username": "mash", "password": DEMO_PASSWORD, "csrf_token": "forged"}
    response = client.post("/sign-in", data=data, follow_redirects=False)
    assert response.status_code == 403
    assert "Your form could not be sent" in response.text
    assert "joinedup_session" not in set_cookies(response)


def test_sign_out_needs_the_session_token(client: TestClient) -> None:
    sign_in(client, "team.manager")
    refused = client.post("/sign-out", data={}, follow_redirects=False)
    assert refused.status_code == 403 and "Your form could not be sent" in refused.text
    forged = client.post("/sign-out", data={"csrf_token": "x" * 32}, follow_redirects=False)
    assert forged.status_code == 403
    home = client.get("/")
    assert home.status_code == 200  # still signed in
    signed_out = client.post(
        "/sign-out", data={"csrf_token": hidden(home.text, "csrf_token")}, follow_redirects=False
    )
    assert signed_out.status_code == 303
    assert signed_out.headers["location"] == "/sign-in?signed_out=1"
    assert client.get("/", follow_redirects=False).status_code == 303


def test_an_idle_session_ends(client: TestClient, clock: FrozenClock) -> None:
    sign_in(client, "social.worker")
    clock.advance(timedelta(minutes=14))
    assert client.get("/", follow_redirects=False).status_code == 200  # touched: idle restarts
    clock.advance(timedelta(minutes=14))
    assert client.get("/", follow_redirects=False).status_code == 200
    clock.advance(timedelta(minutes=16))
    response = client.get("/account", follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == "/sign-in?next=/account&ended=1"
    assert "signed out because your session ended" in client.get(response.headers["location"]).text
    clock.advance(timedelta(minutes=-30))  # a stale cookie stays ended even if time runs back
    assert client.get("/", follow_redirects=False).status_code == 303


def test_a_session_ends_at_its_absolute_limit_however_busy(
    client: TestClient, clock: FrozenClock, settings: Settings
) -> None:
    sign_in(client, "social.worker")
    steps = settings.session_absolute_hours * 60 // 14
    for _ in range(steps):
        clock.advance(timedelta(minutes=14))
        assert client.get("/account", follow_redirects=False).status_code == 200
    clock.advance(timedelta(minutes=14))
    assert client.get("/account", follow_redirects=False).status_code == 303


def test_signing_in_again_ends_the_session_the_browser_had(app: FastAPI) -> None:
    with TestClient(app) as first, TestClient(app) as copy:
        sign_in(first, "social.worker")
        copy.cookies.set("joinedup_session", first.cookies["joinedup_session"])
        assert copy.get("/", follow_redirects=False).status_code == 200
        sign_in(first, "team.manager")
        assert copy.get("/", follow_redirects=False).status_code == 303
        assert "Saoirse Pembleton" in first.get("/").text


def test_sign_out_everywhere_ends_every_session_of_the_account(app: FastAPI) -> None:
    with TestClient(app) as laptop, TestClient(app) as phone, TestClient(app) as colleague:
        for browser in (laptop, phone):
            sign_in(browser, "iro")
        sign_in(colleague, "mash")
        account = laptop.get("/account")
        assert "Sign out everywhere" in account.text
        response = laptop.post(
            "/account/sign-out-everywhere",
            data={"csrf_token": hidden(account.text, "csrf_token")},
            follow_redirects=False,
        )
        assert response.status_code == 303
        assert phone.get("/", follow_redirects=False).status_code == 303
        assert laptop.get("/", follow_redirects=False).status_code == 303
        assert colleague.get("/", follow_redirects=False).status_code == 200
