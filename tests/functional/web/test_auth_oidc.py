"""Single sign-on against a real OpenID Connect provider on loopback (tests/factories/
oidc_provider.py): the app's own HTTP calls, authlib's claim rules and joserfc's signature check,
nothing mocked. Every bad answer is refused with a clear page and an audit entry."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from urllib.parse import parse_qs, urlencode, urlsplit

import httpx2 as httpx
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from pydantic import SecretStr
from sqlalchemy import Engine, delete, func, select, update
from tests.factories.oidc_provider import CLIENT_ID, CLIENT_SECRET, Provider, serve
from tests.factories.sign_in import (
    audit_entries,
    code_for,
    code_step,
    give_code,
    make_user,
    password_step,
    secret_on,
)

from joinedup.access.auth_models import ExternalIdentity
from joinedup.access.demo_accounts import DEMO_PASSWORD, ensure_demo_accounts
from joinedup.access.models import User
from joinedup.access.roles import Actor
from joinedup.app import create_app
from joinedup.config import Settings
from joinedup.db.session import unit_of_work
from joinedup.testing import FrozenClock

EMAIL = "k.osei@kestrelford.gov.uk"
PERSON = {"sub": "idp-7f3a", "email": EMAIL, "email_verified": True, "name": "Kofi Osei"}


def figure(text: str) -> None:
    """The acceptance battery prints each measured figure beside its target."""
    print(text)  # noqa: T201


@pytest.fixture(scope="module")
def provider() -> Iterator[Provider]:
    clock = FrozenClock()
    made = Provider(now=clock.now)
    made.clock = clock  # type: ignore[attr-defined]
    with serve(made):
        yield made


@pytest.fixture
def idp(provider: Provider, clock: FrozenClock) -> Provider:
    provider.now = clock.now
    provider.person = dict(PERSON)
    provider.fault = None
    return provider


def sso_app(settings: Settings, clock: FrozenClock, idp: Provider, **extra: object) -> FastAPI:
    values = {
        "oidc_issuer": idp.issuer,
        "oidc_client_id": CLIENT_ID,
        "oidc_client_secret": SecretStr(CLIENT_SECRET),
        "oidc_email_domain": "kestrelford.gov.uk",
        **extra,
    }
    return create_app(settings.model_copy(update=values), clock=clock)


@pytest.fixture
def sso(
    settings: Settings, clock: FrozenClock, idp: Provider, clean_engine: Engine
) -> Iterator[FastAPI]:
    app = sso_app(settings, clock, idp)
    yield app
    app.state.engine.dispose()


def to_provider_and_back(client: TestClient, next_path: str = "") -> tuple[str, str]:
    """The sign-in button, the provider (over real HTTP), and the callback address it returns."""
    start = client.get("/sign-in/sso", params={"next": next_path} if next_path else None)
    assert start.status_code == 303, start.text
    at_provider = httpx.get(start.headers["location"], follow_redirects=False)
    assert at_provider.status_code == 302, at_provider.text
    callback = at_provider.headers["location"]
    assert callback.startswith("http://testserver/sign-in/sso/callback?")
    return start.headers["location"], callback


def refusals(engine: Engine) -> list[str | None]:
    return [e.reason for e in audit_entries(engine, "account:sign_in") if e.outcome == "refused"]


def test_a_good_sign_on_matches_the_account_by_verified_email_then_by_subject(
    sso: FastAPI, clean_engine: Engine, clock: FrozenClock, idp: Provider
) -> None:
    make_user(clean_engine, clock.now(), username=EMAIL)
    with TestClient(sso, follow_redirects=False) as client:
        sign_in_page = client.get("/sign-in")
        assert "Sign in with your council account" in sign_in_page.text
        request_url, callback = to_provider_and_back(client, "/account")
        sent = parse_qs(urlsplit(request_url).query)
        assert sent["code_challenge_method"] == ["S256"] and len(sent["code_challenge"][0]) == 43
        assert sent["nonce"][0] and sent["state"][0] and sent["scope"] == ["openid email profile"]
        back = client.get(callback)
        assert back.status_code == 303  # then the code step: the provider is not trusted for MFA
        assert back.headers["location"] == "/sign-in/set-up-two-factor?next=%2Faccount"
        assert "joinedup_session" not in client.cookies
    with unit_of_work(clean_engine, write=False) as session:
        [linked] = session.scalars(select(ExternalIdentity)).all()
    assert (linked.issuer, linked.subject) == (idp.issuer, "idp-7f3a")
    idp.person = {"sub": "idp-7f3a", "email": "renamed@elsewhere.example", "email_verified": False}
    with TestClient(sso, follow_redirects=False) as client:
        _, callback = to_provider_and_back(client)
        assert client.get(callback).headers["location"] == "/sign-in/set-up-two-factor"
    figure("OIDC good sign-in: matched by verified e-mail, then by stored subject (target: both)")


def test_a_provider_trusted_for_mfa_signs_straight_in(
    settings: Settings, clock: FrozenClock, idp: Provider, clean_engine: Engine
) -> None:
    make_user(clean_engine, clock.now(), username=EMAIL)
    with unit_of_work(clean_engine) as session:
        ensure_demo_accounts(session=session, actor=Actor.system("t"), now=clock.now(), demo=True)
    app = sso_app(settings, clock, idp, oidc_trusted_for_mfa=True)
    with TestClient(app, follow_redirects=False) as client:
        assert password_step(client, "mash", DEMO_PASSWORD).status_code == 303
        before = client.cookies["joinedup_session"]
        _, callback = to_provider_and_back(client, "/account")
        back = client.get(callback)
        assert back.status_code == 303 and back.headers["location"] == "/account"
        after = client.cookies["joinedup_session"]
        assert after != before and EMAIL in client.get("/account").text
    with TestClient(app, follow_redirects=False) as stale:
        stale.cookies.set("joinedup_session", before)
        assert stale.get("/account").status_code == 303  # the session it had was ended
    app.state.engine.dispose()
    entries = audit_entries(clean_engine, "account:sign_in")
    signed = [(e.actor_label, e.detail) for e in entries if e.outcome == "permitted"]
    assert signed[-1] == (EMAIL, {"method": "single sign-on", "second_factor": "identity provider"})
    figure("OIDC trusted for MFA: signed straight in, the earlier session ended (target: rotated)")


def test_after_single_sign_on_the_code_steps_entry_names_single_sign_on(
    sso: FastAPI, clean_engine: Engine, clock: FrozenClock, idp: Provider
) -> None:
    """The provider is not trusted for MFA: the code step follows, and the sign-in's entry
    names the first step taken (single sign-on), never the password that was not typed."""
    make_user(clean_engine, clock.now(), username=EMAIL)
    with TestClient(sso, follow_redirects=False) as client:
        _, callback = to_provider_and_back(client)
        step = client.get(callback).headers["location"]
        assert step == "/sign-in/set-up-two-factor"
        page = client.get(step)
        code = code_for(secret_on(page.text), clock.now())
        assert give_code(client, step, page.text, code).status_code == 200
        assert EMAIL in client.get("/account").text
        _, callback = to_provider_and_back(client)  # again, now the code of an enrolled account
        assert client.get(callback).headers["location"] == "/sign-in/two-factor"
        clock.advance(timedelta(seconds=30))
        assert code_step(client, code_for(secret_on(page.text), clock.now())).status_code == 303
    signed = [e.detail for e in audit_entries(clean_engine, "account:sign_in")
              if e.outcome == "permitted"]  # fmt: skip
    assert signed == [{"method": "single sign-on", "second_factor": "totp"}] * 2


@pytest.mark.parametrize(
    ("fault", "reason"),
    [
        ("nonce", "wrong nonce"),
        ("signature", "bad signature"),
        ("audience", "wrong audience"),
        ("expired", "expired ID token"),
        ("issuer", "wrong issuer"),
    ],
)
def test_a_bad_id_token_is_refused_and_audited(
    sso: FastAPI, clean_engine: Engine, clock: FrozenClock, idp: Provider, fault: str, reason: str
) -> None:
    make_user(clean_engine, clock.now(), username=EMAIL)
    idp.fault = fault
    with TestClient(sso, follow_redirects=False) as client:
        _, callback = to_provider_and_back(client)
        refused = client.get(callback)
    assert refused.status_code == 403
    assert "You could not be signed in with your council account" in refused.text
    assert "Try again" in refused.text and "joinedup_session" not in refused.cookies
    assert refusals(clean_engine) == [f"single sign-on: {reason}"]
    figure(f"OIDC {fault}: refused with a 403 page and 1 audit entry (target: refused, audited)")


def test_a_wrong_or_replayed_state_is_refused(
    sso: FastAPI, clean_engine: Engine, clock: FrozenClock, idp: Provider
) -> None:
    make_user(clean_engine, clock.now(), username=EMAIL)
    with TestClient(sso, follow_redirects=False) as client:
        _, callback = to_provider_and_back(client)
        query = parse_qs(urlsplit(callback).query)
        forged = {"code": query["code"][0], "state": "forged-" + query["state"][0]}
        assert client.get(f"/sign-in/sso/callback?{urlencode(forged)}").status_code == 403
    with (
        TestClient(sso, follow_redirects=False) as client,
        TestClient(sso, follow_redirects=False) as attacker,
    ):
        _, callback = to_provider_and_back(client)
        assert attacker.get(callback).status_code == 403  # no state cookie: not this browser
        first = client.get(callback)
        assert first.status_code == 303
        client.cookies.set("joinedup_sso", parse_qs(urlsplit(callback).query)["state"][0])
        assert client.get(callback).status_code == 403  # a state works once
    assert refusals(clean_engine) == [
        "single sign-on: state does not match",
        "single sign-on: state does not match",
        "single sign-on: unknown or reused state",
    ]
    figure("OIDC wrong state: 3 of 3 refused (forged, other browser, replayed; target 3 of 3)")


@pytest.mark.parametrize(
    ("person", "reason"),
    [
        ({"sub": "idp-0000", "email": "stranger@kestrelford.gov.uk"}, "no matching account"),
        (
            {"sub": "idp-0001", "email": EMAIL, "email_verified": False},
            "unknown subject and no verified e-mail",
        ),
        (
            {"sub": "idp-0002", "email": "k.osei@elsewhere.example"},
            "e-mail outside the council's domain",
        ),
    ],
)
def test_an_unknown_person_is_refused_and_no_account_is_made(
    sso: FastAPI,
    clean_engine: Engine,
    clock: FrozenClock,
    idp: Provider,
    person: dict[str, object],
    reason: str,
) -> None:
    make_user(clean_engine, clock.now(), username=EMAIL)
    make_user(clean_engine, clock.now(), username="k.osei@elsewhere.example")
    idp.person = {"email_verified": True, **person}
    with unit_of_work(clean_engine, write=False) as session:
        before = session.scalar(select(func.count()).select_from(User))
    with TestClient(sso, follow_redirects=False) as client:
        _, callback = to_provider_and_back(client)
        refused = client.get(callback)
    assert refused.status_code == 403
    assert "Your council account is not linked to a Joined Up account" in refused.text
    with unit_of_work(clean_engine, write=False) as session:
        assert session.scalar(select(func.count()).select_from(User)) == before
        assert session.scalar(select(func.count()).select_from(ExternalIdentity)) == 0
    assert refusals(clean_engine) == [f"single sign-on: {reason}"]
    figure(f"OIDC unknown subject ({reason}): refused, 0 accounts made (target 0)")


def test_the_account_s_email_address_matches_too_but_never_two_accounts(
    sso: FastAPI, clean_engine: Engine, clock: FrozenClock, idp: Provider
) -> None:
    first = make_user(clean_engine, clock.now(), username="k.osei")
    with unit_of_work(clean_engine) as session:
        session.execute(update(User).where(User.id == first).values(email=EMAIL.upper()))
    with TestClient(sso, follow_redirects=False) as client:
        _, callback = to_provider_and_back(client)
        assert client.get(callback).headers["location"] == "/sign-in/set-up-two-factor"
    with unit_of_work(clean_engine) as session:
        session.execute(delete(ExternalIdentity))
    make_user(clean_engine, clock.now(), username=EMAIL)  # a second account with that address
    with TestClient(sso, follow_redirects=False) as client:
        _, callback = to_provider_and_back(client)
        refused = client.get(callback)
    assert refused.status_code == 403 and "is not linked to a Joined Up account" in refused.text
    assert refusals(clean_engine) == ["single sign-on: e-mail matches more than one account"]


def test_single_sign_on_is_off_unless_configured(client: TestClient) -> None:
    assert "Sign in with your council account" not in client.get("/sign-in").text
    assert client.get("/sign-in/sso", follow_redirects=False).status_code == 404
