"""Brute force through the real pages: at most 10 failures per account name per 15 minutes, the
same answers whether or not the account exists, a per-address limit, and every lock audited."""

from __future__ import annotations

import re
import statistics
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import Engine, select
from tests.factories.sign_in import (
    PASSWORD,
    audit_entries,
    code_for,
    code_step,
    enrol,
    make_user,
    password_step,
)

from joinedup.access.auth_models import SignInAttempt
from joinedup.access.models import AuditEntry
from joinedup.app import create_app
from joinedup.config import Settings
from joinedup.db.session import unit_of_work
from joinedup.testing import FrozenClock

WRONG = "Enter a correct username and password"
LOCKED = "There have been too many attempts to sign in with these details"


def figure(text: str) -> None:
    """The acceptance battery prints each measured figure beside its target."""
    print(text)  # noqa: T201


def _page(text: str) -> str:
    """The page without what differs by request: tokens, the name typed and the CSP nonce."""
    text = re.sub(r'value="[^"]*"', 'value=""', text)
    return re.sub(r'nonce="[^"]*"', 'nonce=""', text)


def test_the_eleventh_attempt_is_refused_even_with_the_right_password_then_unlocks(
    client: TestClient, clean_engine: Engine, clock: FrozenClock
) -> None:
    make_user(clean_engine, clock.now())
    answers = [password_step(client, "k.osei", f"guess-{n}") for n in range(10)]
    assert all(r.status_code == 200 and WRONG in r.text for r in answers)
    eleventh = password_step(client, "k.osei", PASSWORD)
    assert eleventh.status_code == 429 and LOCKED in eleventh.text
    assert "Wait 15 minutes" in eleventh.text and "joinedup_session" not in client.cookies
    figure("lock-out after 10 failures: locked at attempt 11 (target ≤ 10 per 15 min)")
    clock.advance(timedelta(minutes=14))
    assert password_step(client, "k.osei", PASSWORD).status_code == 429  # still in the window
    clock.advance(timedelta(minutes=1, seconds=1))
    unlocked = password_step(client, "k.osei", PASSWORD)
    assert unlocked.status_code == 303
    assert unlocked.headers["location"] == "/sign-in/set-up-two-factor"
    figure("unlocked 15 min 1 s after the failures (target: the end of the 15-minute window)")
    locks = audit_entries(clean_engine, "account:sign_in_locked")
    assert [(e.actor_label, e.outcome, e.reason) for e in locks] == [
        ("k.osei", "refused", "too many failed attempts")
    ] * 2
    assert locks[0].detail["limit"] == "account" and locks[0].detail["account_attempts"] == 11


def test_an_unknown_account_gets_identical_answers_and_locks_the_same_way(
    app: FastAPI, clean_engine: Engine, clock: FrozenClock
) -> None:
    make_user(clean_engine, clock.now())
    pages: dict[str, list[tuple[int, str]]] = {}
    timings: dict[str, list[float]] = {}
    for name in ("k.osei", "no.such.person"):
        with TestClient(app) as browser:
            pages[name], timings[name] = [], []
            for n in range(11):
                started = time.perf_counter()
                response = password_step(browser, name, f"guess-{n}")
                timings[name].append(time.perf_counter() - started)
                pages[name].append((response.status_code, _page(response.text)))
    assert pages["k.osei"] == pages["no.such.person"]
    assert [status for status, _ in pages["k.osei"]] == [200] * 10 + [429]
    known, unknown = (
        statistics.median(timings["k.osei"]),
        statistics.median(timings["no.such.person"]),
    )
    figure(
        f"enumeration: 11 of 11 answers identical; median time {known * 1000:.0f} ms for an "
        f"account, {unknown * 1000:.0f} ms for none (target: the same page and time)"
    )
    assert 0.33 < known / unknown < 3  # both verify one argon2id hash (the dummy one if none)
    with unit_of_work(clean_engine, write=False) as session:
        labels = set(session.scalars(select(AuditEntry.actor_label)))
        keys = set(session.scalars(select(SignInAttempt.account_key)))
    assert "no.such.person" not in labels and not any("osei" in k for k in keys)


def test_wrong_codes_count_towards_the_same_lock(
    app: FastAPI, clean_engine: Engine, clock: FrozenClock
) -> None:
    make_user(clean_engine, clock.now())
    with TestClient(app) as setup:
        secret, _ = enrol(setup, "k.osei", clock.now())
    clock.advance(timedelta(minutes=1))
    with TestClient(app) as browser:
        password_step(browser, "k.osei")
        answers = [code_step(browser, "000000").status_code for _ in range(10)]
        assert answers == [200] * 10
        locked = code_step(browser, code_for(secret, clock.now()))
    assert locked.status_code == 429 and LOCKED in locked.text
    with TestClient(app) as browser:  # the password too, for the rest of the window
        assert password_step(browser, "k.osei").status_code == 429
    refused = [e for e in audit_entries(clean_engine, "account:sign_in") if e.outcome == "refused"]
    assert [e.reason for e in refused] == ["wrong code"] * 10
    figure("wrong codes: locked at code 11 (target ≤ 10 failures per account per 15 min)")


def test_parallel_guesses_cannot_overtake_the_count(
    app: FastAPI, clean_engine: Engine, clock: FrozenClock
) -> None:
    make_user(clean_engine, clock.now())

    def guess(n: int) -> int:
        with TestClient(app) as browser:
            return password_step(browser, "k.osei", f"guess-{n}").status_code

    with ThreadPoolExecutor(max_workers=6) as pool:
        statuses = list(pool.map(guess, range(18)))
    checked = statuses.count(200)
    figure(f"parallel brute force: {checked} of 18 guesses checked (target ≤ 10)")
    assert checked <= 10 and statuses.count(429) == 18 - checked


def test_one_address_is_limited_across_account_names(
    settings: Settings, clock: FrozenClock, app: FastAPI, clean_engine: Engine
) -> None:
    limited = create_app(
        settings.model_copy(update={"sign_in_address_max_failures": 3}), clock=clock
    )
    with TestClient(limited) as browser:
        statuses = [password_step(browser, f"name-{n}", "guess").status_code for n in range(4)]
    limited.state.engine.dispose()
    assert statuses == [200, 200, 200, 429]
    [lock] = audit_entries(clean_engine, "account:sign_in_locked")
    assert lock.detail["limit"] == "address" and lock.actor_label == "unknown account"
    figure("per-address limit: locked at attempt 4 from one address (target: the configured 3)")
    with unit_of_work(clean_engine, write=False) as session:
        texts = [f"{e.reason} {e.detail}" for e in session.scalars(select(AuditEntry))]
    assert not any("guess" in text or PASSWORD in text for text in texts)
