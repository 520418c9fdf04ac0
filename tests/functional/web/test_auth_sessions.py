"""Sessions of accounts with two-factor sign-in: a new id at each step (no fixation), idle and
absolute timeouts on the clock, hardened cookies, and signing out everywhere."""

from __future__ import annotations

from datetime import timedelta

import httpx2 as httpx
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import Engine, select
from tests.factories.sign_in import code_for, code_step, enrol, hidden, make_user, password_step

from joinedup.access.demo_accounts import DEMO_PASSWORD
from joinedup.access.models import WebSession
from joinedup.app import create_app
from joinedup.config import Settings
from joinedup.db.session import unit_of_work
from joinedup.testing import FrozenClock


def figure(text: str) -> None:
    """The acceptance battery prints each measured figure beside its target."""
    print(text)  # noqa: T201


def _set_cookies(response: httpx.Response) -> dict[str, str]:
    return {h.split("=", 1)[0]: h for h in response.headers.get_list("set-cookie")}


def _cookie(client: TestClient, name: str) -> str | None:
    return next((c.value for c in client.cookies.jar if c.name == name), None)


def test_a_session_cookie_held_before_sign_in_is_ended_and_replaced_at_each_step(
    app: FastAPI, clean_engine: Engine, clock: FrozenClock
) -> None:
    make_user(clean_engine, clock.now())
    with TestClient(app) as setup:
        secret, _ = enrol(setup, "k.osei", clock.now())
    clock.advance(timedelta(minutes=1))
    with TestClient(app) as victim, TestClient(app) as attacker:
        # The attacker's own live session, planted in the victim's browser.
        password_step(attacker, "mash", DEMO_PASSWORD)
        planted = _cookie(attacker, "joinedup_session")
        assert planted
        victim.cookies.set("joinedup_session", planted)
        first = password_step(victim, "k.osei")
        assert first.headers["location"] == "/sign-in/two-factor"
        assert attacker.get("/", follow_redirects=False).status_code == 303  # ended at step 1
        assert 'joinedup_session=""' in _set_cookies(first)["joinedup_session"]  # cleared
        challenge = _cookie(victim, "joinedup_sign_in_step")
        done = code_step(victim, code_for(secret, clock.now()))
        assert done.status_code == 303
        session_token = _set_cookies(done)["joinedup_session"].split(";")[0].split("=", 1)[1]
        assert session_token not in ("", planted, challenge)
        assert _cookie(victim, "joinedup_sign_in_step") is None
        assert "Kofi Osei" in victim.get("/").text
    with TestClient(app) as replay:  # the challenge is spent: it opens nothing
        replay.cookies.set("joinedup_sign_in_step", challenge or "")
        assert replay.get("/sign-in/two-factor", follow_redirects=False).status_code == 303
    figure("session fixation: planted cookie ended, 3 distinct tokens across 2 steps (target new)")


def test_the_code_step_cookies_are_hardened_and_secure_when_configured(
    settings: Settings, clock: FrozenClock, clean_engine: Engine, app: FastAPI
) -> None:
    make_user(clean_engine, clock.now())
    secure = create_app(settings.model_copy(update={"cookie_secure": True}), clock=clock)
    with TestClient(secure, base_url="https://testserver") as client:
        step = password_step(client, "k.osei")
        cookie = next(
            h for h in step.headers.get_list("set-cookie") if h.startswith("joinedup_sign_in_step")
        )
        for flag in ("HttpOnly", "Secure", "SameSite=lax", "Path=/sign-in", "Max-Age=600"):
            assert flag in cookie
        page = client.get("/sign-in/set-up-two-factor")
        code = code_for(_secret(page.text), clock.now())
        form = {"code": code, "csrf_token": hidden(page.text, "csrf_token")}
        done = client.post("/sign-in/set-up-two-factor", data=form)
        session = next(
            h for h in done.headers.get_list("set-cookie") if h.startswith("joinedup_session")
        )
        assert "HttpOnly" in session and "Secure" in session and "SameSite=lax" in session
    secure.state.engine.dispose()


def _secret(page: str) -> str:
    return page.split('<code id="secret-key">')[1].split("</code>")[0].replace(" ", "")


def test_sessions_end_after_15_idle_minutes_and_10_hours_however_busy(
    app: FastAPI, clean_engine: Engine, clock: FrozenClock, settings: Settings
) -> None:
    make_user(clean_engine, clock.now())
    with TestClient(app) as browser:
        enrol(browser, "k.osei", clock.now())
        clock.advance(timedelta(minutes=14, seconds=59))
        assert browser.get("/account", follow_redirects=False).status_code == 200
        clock.advance(timedelta(minutes=15, seconds=1))
        idle = browser.get("/account", follow_redirects=False)
        assert idle.headers["location"] == "/sign-in?next=/account&ended=1"
    figure("idle timeout: live at 14 min 59 s, ended at 15 min 1 s (target 15 min)")
    clock.advance(timedelta(minutes=1))
    with TestClient(app) as browser:
        secret = _sign_in_with_code(browser, clean_engine, clock)
        started = clock.now()
        while clock.now() - started < timedelta(hours=10) - timedelta(minutes=10):
            clock.advance(timedelta(minutes=10))
            assert browser.get("/account", follow_redirects=False).status_code == 200
        clock.advance(timedelta(minutes=10, seconds=1))
        assert browser.get("/account", follow_redirects=False).status_code == 303
        lasted = clock.now() - started
        assert secret
    figure(
        f"absolute timeout: busy every 10 min, ended at {lasted.total_seconds() / 3600:.2f} h "
        f"(target {settings.session_absolute_hours} h)"
    )


def _sign_in_with_code(browser: TestClient, engine: Engine, clock: FrozenClock) -> str:
    """A later sign-in of the enrolled k.osei: the secret is read back as the app would."""
    from joinedup.access import mfa
    from joinedup.access.auth_models import MfaCredential

    with unit_of_work(engine, write=False) as session:
        stored = session.scalars(select(MfaCredential)).one()
        secret = mfa.unseal(stored.secret_sealed, key=mfa.key_bytes(None), user_id=stored.user_id)
    password_step(browser, "k.osei")
    assert code_step(browser, code_for(secret, clock.now())).status_code == 303
    return secret


def test_sign_out_everywhere_ends_every_session_of_a_two_factor_account(
    app: FastAPI, clean_engine: Engine, clock: FrozenClock
) -> None:
    make_user(clean_engine, clock.now())
    with TestClient(app) as laptop, TestClient(app) as phone, TestClient(app) as colleague:
        enrol(laptop, "k.osei", clock.now())
        clock.advance(timedelta(minutes=1))
        _sign_in_with_code(phone, clean_engine, clock)
        password_step(colleague, "mash", DEMO_PASSWORD)
        account = laptop.get("/account")
        ended = laptop.post(
            "/account/sign-out-everywhere",
            data={"csrf_token": hidden(account.text, "csrf_token")},
            follow_redirects=False,
        )
        assert ended.headers["location"] == "/sign-in?signed_out=1"
        statuses = [b.get("/", follow_redirects=False).status_code for b in (laptop, phone)]
        assert statuses == [303, 303]
        assert colleague.get("/", follow_redirects=False).status_code == 200
    with unit_of_work(clean_engine, write=False) as session:
        live = session.scalars(select(WebSession).where(WebSession.ended_at.is_(None))).all()
    assert len(live) == 1  # the colleague's
    figure("sign out everywhere: 2 of 2 sessions ended, other accounts untouched (target all)")
