"""Two-factor sign-in through the real pages: set-up on the first sign-in, codes, drift, replay
and recovery codes; demonstration accounts exempt in demo mode only."""

from __future__ import annotations

from datetime import timedelta

from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import Engine, select
from tests.factories.sign_in import (
    audit_entries,
    code_for,
    code_step,
    enrol,
    give_code,
    make_user,
    password_step,
    secret_on,
)

from joinedup.access import mfa
from joinedup.access.auth_models import MfaCredential, RecoveryCode
from joinedup.access.demo_accounts import DEMO_PASSWORD
from joinedup.app import create_app
from joinedup.config import Settings
from joinedup.db.session import unit_of_work
from joinedup.testing import FrozenClock

WRONG_CODE = "Enter a correct code from your authenticator app"


def figure(text: str) -> None:
    """The acceptance battery prints each measured figure beside its target."""
    print(text)  # noqa: T201


def test_the_first_sign_in_sets_up_an_authenticator_before_any_page_opens(
    client: TestClient, clean_engine: Engine, clock: FrozenClock
) -> None:
    make_user(clean_engine, clock.now())
    first = password_step(client, "k.osei", next_path="/account")
    assert first.status_code == 303
    assert first.headers["location"] == "/sign-in/set-up-two-factor?next=%2Faccount"
    assert "joinedup_session" not in client.cookies  # a challenge, not a session
    assert client.get("/account", follow_redirects=False).status_code == 303
    page = client.get(first.headers["location"])
    assert page.status_code == 200 and "<svg" in page.text and 'class="segno"' in page.text
    assert "data:" not in page.text and page.headers["cache-control"] == "no-store"
    secret = secret_on(page.text)
    with unit_of_work(clean_engine, write=False) as session:
        stored = session.scalars(select(MfaCredential)).one()
    assert secret not in stored.secret_sealed and stored.confirmed_at is None  # encrypted
    assert mfa.unseal(stored.secret_sealed, key=mfa.key_bytes(None), user_id=stored.user_id) == (
        secret
    )
    wrong = give_code(client, "/sign-in/set-up-two-factor", page.text, "000000")
    assert wrong.status_code == 200 and WRONG_CODE in wrong.text
    assert secret_on(wrong.text) == secret  # the same key, to try again
    done = give_code(client, "/sign-in/set-up-two-factor", page.text, code_for(secret, clock.now()))
    assert done.status_code == 200 and "Save your recovery codes" in done.text
    assert done.text.count("<li><code>") == 10
    assert client.get("/account").status_code == 200
    assert "On: a code from your authenticator app" in client.get("/account").text
    [set_up] = audit_entries(clean_engine, "account:two_factor_set_up")
    assert set_up.actor_label == "k.osei"
    signed = [e for e in audit_entries(clean_engine, "account:sign_in") if e.outcome == "permitted"]
    assert signed[-1].detail == {"method": "password", "second_factor": "totp"}
    figure("enrolment: secret shown once, stored AES-GCM sealed, 10 recovery codes (target 10)")


def test_later_sign_ins_ask_for_a_code_within_one_step_of_drift_and_never_twice(
    app: FastAPI, clean_engine: Engine, clock: FrozenClock
) -> None:
    make_user(clean_engine, clock.now())
    with TestClient(app) as setup:
        secret, _ = enrol(setup, "k.osei", clock.now())
    accepted = []
    for drift in (-30, 0, 30, -60, 60):
        clock.advance(timedelta(minutes=5))
        with TestClient(app) as browser:
            assert password_step(browser, "k.osei").headers["location"] == "/sign-in/two-factor"
            code = code_for(secret, clock.now() + timedelta(seconds=drift))
            response = code_step(browser, code)
            accepted.append(response.status_code == 303)
            if response.status_code != 303:
                assert WRONG_CODE in response.text
    assert accepted == [True, True, True, False, False]
    figure("drift window: codes one step either side accepted, two steps refused (target ±1)")
    clock.advance(timedelta(minutes=5))
    code = code_for(secret, clock.now())
    with TestClient(app) as first, TestClient(app) as second:
        password_step(first, "k.osei")
        password_step(second, "k.osei")
        assert code_step(first, code).status_code == 303
        replayed = code_step(second, code)
        assert replayed.status_code == 200 and WRONG_CODE in replayed.text
        assert second.get("/", follow_redirects=False).status_code == 303
    figure("replay: the same code accepted 1 time of 2 (target 1)")


def test_a_recovery_code_works_once(app: FastAPI, clean_engine: Engine, clock: FrozenClock) -> None:
    make_user(clean_engine, clock.now())
    with TestClient(app) as setup:
        _, codes = enrol(setup, "k.osei", clock.now())
    assert len(codes) == 10
    uses = []
    for _ in range(2):
        with TestClient(app) as browser:
            password_step(browser, "k.osei")
            uses.append(code_step(browser, codes[0].upper().replace("-", " ")).status_code)
    assert uses == [303, 200]
    with unit_of_work(clean_engine, write=False) as session:
        hashes = list(session.scalars(select(RecoveryCode.code_hash)))
    assert len(hashes) == 10 and not any(code in h for code in codes for h in hashes)
    signed = [e for e in audit_entries(clean_engine, "account:sign_in") if e.outcome == "permitted"]
    assert signed[-1].detail["second_factor"] == "recovery code"
    figure("recovery code: accepted 1 time of 2 (target single use)")


def test_new_recovery_codes_replace_the_old_ones(
    app: FastAPI, clean_engine: Engine, clock: FrozenClock
) -> None:
    make_user(clean_engine, clock.now())
    with TestClient(app) as browser:
        _, old = enrol(browser, "k.osei", clock.now())
        account = browser.get("/account")
        assert "You have 10 unused recovery codes" in account.text
        token = account.text.split('name="csrf_token" value="')[1].split('"')[0]
        renewed = browser.post("/account/recovery-codes", data={"csrf_token": token})
        assert renewed.status_code == 200 and renewed.text.count("<li><code>") == 10
        assert old[0] not in renewed.text
        refused = browser.post("/account/recovery-codes", data={}, follow_redirects=False)
        assert refused.status_code == 403
    with TestClient(app) as browser:
        password_step(browser, "k.osei")
        assert code_step(browser, old[1]).status_code == 200  # the old codes no longer work


def test_the_second_step_expires_and_cannot_be_forged(
    client: TestClient, clean_engine: Engine, clock: FrozenClock
) -> None:
    make_user(clean_engine, clock.now())
    password_step(client, "k.osei")
    page = client.get("/sign-in/set-up-two-factor")
    forged = client.post("/sign-in/set-up-two-factor", data={"code": "123456", "csrf_token": "x"})
    assert forged.status_code == 403
    clock.advance(timedelta(minutes=11))
    late = give_code(client, "/sign-in/set-up-two-factor", page.text, "123456")
    assert late.status_code == 303 and late.headers["location"] == "/sign-in?expired=1"
    with TestClient(client.app) as stranger:
        assert stranger.get("/sign-in/two-factor", follow_redirects=False).status_code == 303


def test_demo_accounts_skip_the_code_in_demo_mode_only(
    client: TestClient, settings: Settings, clock: FrozenClock, app: FastAPI
) -> None:
    page = client.get("/sign-in")
    assert "Demonstration accounts do not use two-factor sign-in" in page.text
    signed = password_step(client, "mash", DEMO_PASSWORD)
    assert signed.headers["location"] == "/"
    assert "Not used: this is a demonstration account" in client.get("/account").text
    live = create_app(settings.model_copy(update={"demo_accounts": False}), clock=clock)
    with TestClient(live) as browser:
        refused = password_step(browser, "mash", DEMO_PASSWORD)
        assert refused.status_code == 200 and "Enter a correct username and password" in (
            refused.text
        )
    live.state.engine.dispose()
