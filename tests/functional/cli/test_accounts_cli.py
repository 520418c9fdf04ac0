"""`joinedup accounts ...` as real processes: an administrator creates, lists, changes, disables
and re-enables accounts; bad input names the option and writes nothing."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import Engine, select

from joinedup.access import accounts
from joinedup.access.models import ApiToken, AuditEntry, User, WebSession
from joinedup.access.roles import Actor
from joinedup.db.session import unit_of_work

JOINEDUP = str(Path(sys.executable).with_name("joinedup"))


def run(url: str, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "JOINEDUP_DATABASE_URL": url, "COLUMNS": "200"}
    return subprocess.run([JOINEDUP, "accounts", *args], env=env, capture_output=True, text=True,
                          timeout=60, check=False)  # fmt: skip


def user(engine: Engine, username: str) -> User | None:
    with unit_of_work(engine, write=False) as session:
        return session.scalar(select(User).where(User.username == username))


def test_an_account_is_created_with_a_password_shown_once_and_can_sign_in(
    clean_engine: Engine, database_url: str
) -> None:
    made = run(database_url, "create", "a.newcomer@council.example", "--name", "Alex Newcomer",
               "--role", "social_worker", "--email", "a.newcomer@council.example")  # fmt: skip
    assert made.returncode == 0, made.stderr
    password = made.stdout.strip().splitlines()[-1]
    found = user(clean_engine, "a.newcomer@council.example")
    assert found is not None and found.email == "a.newcomer@council.example"
    assert password not in found.password_hash and len(password) >= 20
    with unit_of_work(clean_engine) as session:
        assert accounts.authenticate(session=session, username=found.username, password=password)
        entries = session.scalars(select(AuditEntry).where(AuditEntry.action == "accounts:manage"))
        details = [e.detail for e in entries]
    assert {"change": "created", "role": "social_worker"} in details
    assert password not in str(details) and "council.example" not in str(details)
    listed = run(database_url, "list")
    assert "a.newcomer@council.example" in listed.stdout and "social_worker" in listed.stdout


def test_bad_input_names_the_option_and_writes_nothing(
    clean_engine: Engine, database_url: str
) -> None:
    bad = run(database_url, "create", "X", "--name", " ", "--role", "wizard", "--email", "nope")
    assert bad.returncode == 2 and "Traceback" not in bad.stderr
    for option in ("USERNAME", "--name", "--role", "--email"):
        assert option in bad.stderr
    assert user(clean_engine, "X") is None
    nobody = run(database_url, "disable", "no.such.person")
    assert nobody.returncode == 2 and "no account named" in nobody.stderr
    org = run(database_url, "create", "dsl.two", "--name", "A DSL", "--role",
              "partner_practitioner", "--organisation", "999999")  # fmt: skip
    assert org.returncode == 2 and "--organisation" in org.stderr
    assert user(clean_engine, "dsl.two") is None


def test_disabling_ends_sessions_and_revokes_tokens_and_a_reset_password_replaces_the_old(
    clean_engine: Engine, database_url: str
) -> None:
    made = run(database_url, "create", "feed.two", "--name", "A feed", "--role", "partner_system")
    first = made.stdout.strip().splitlines()[-1]
    now = datetime.now(UTC)
    with unit_of_work(clean_engine) as session:
        found = accounts.get_user(session=session, username="feed.two")
        assert found is not None
        accounts.start_session(session=session, user=found, now=now)
        accounts.issue_api_token(session=session, actor=Actor.system("test"), user=found,
                                 label="feed", now=now)  # fmt: skip
    assert run(database_url, "disable", "feed.two").returncode == 0
    with unit_of_work(clean_engine, write=False) as session:
        assert session.scalars(select(WebSession.ended_at)).all() != [None]
        assert None not in session.scalars(select(ApiToken.revoked_at)).all()
    assert run(database_url, "enable", "feed.two").returncode == 0
    reset = run(database_url, "reset-password", "feed.two")
    second = reset.stdout.strip().splitlines()[-1]
    assert reset.returncode == 0 and second != first
    with unit_of_work(clean_engine) as session:
        assert accounts.authenticate(session=session, username="feed.two", password=first) is None
        assert accounts.authenticate(session=session, username="feed.two", password=second)
    assert run(database_url, "set-email", "feed.two", "feed@partner.example").returncode == 0
    found_user = user(clean_engine, "feed.two")
    assert found_user is not None and found_user.email == "feed@partner.example"
    assert run(database_url, "set-email", "feed.two", "not an address").returncode == 2
    assert run(database_url, "reset-two-factor", "feed.two").returncode == 0
    with unit_of_work(clean_engine, write=False) as session:
        changes = [e.detail.get("change") for e in session.scalars(
            select(AuditEntry).where(AuditEntry.action == "accounts:manage"))]  # fmt: skip
    assert {"disabled", "enabled", "password reset", "email", "two-factor reset"} <= set(changes)
