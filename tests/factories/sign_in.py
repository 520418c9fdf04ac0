"""Signing in through the real pages in tests: accounts that need two-factor sign-in, forms and
codes read off the pages as a person (and their authenticator app) would."""

from __future__ import annotations

import re
from datetime import datetime

import httpx2 as httpx
import pyotp
from fastapi.testclient import TestClient
from sqlalchemy import Engine, select

from joinedup.access import accounts
from joinedup.access.models import AuditEntry
from joinedup.access.roles import Actor, Role
from joinedup.db.session import unit_of_work

PASSWORD = "correct horse battery staple 42"


def hidden(html: str, name: str) -> str:
    found = re.search(rf'name="{name}" value="([^"]*)"', html)
    assert found, f"no hidden field {name}"
    return found.group(1)


def make_user(
    engine: Engine, now: datetime, username: str = "k.osei", role: Role = Role.SOCIAL_WORKER
) -> int:
    with unit_of_work(engine) as session:
        user = accounts.create_user(
            session=session,
            actor=Actor.system("test"),
            username=username,
            display_name="Kofi Osei (synthetic)",
            role=role,
            password=PASSWORD,
            now=now,
        )
        return user.id


def password_step(
    client: TestClient, username: str, password: str = PASSWORD, next_path: str = ""
) -> httpx.Response:
    form = client.get("/sign-in")
    data = {
        "username": username,
        "password": password,
        "next": next_path,
        "csrf_token": hidden(form.text, "csrf_token"),
    }
    return client.post("/sign-in", data=data, follow_redirects=False)


def secret_on(page: str) -> str:
    found = re.search(r'<code id="secret-key">([A-Z2-7 ]+)</code>', page)
    assert found, "no secret key on the set-up page"
    return found.group(1).replace(" ", "")


def code_for(secret: str, moment: datetime) -> str:
    return pyotp.TOTP(secret).at(moment)


def enrol(client: TestClient, username: str, now: datetime) -> tuple[str, list[str]]:
    """Password, set-up page, first code: signed in; returns the secret and recovery codes."""
    first = password_step(client, username)
    assert first.headers["location"].startswith("/sign-in/set-up-two-factor")
    page = client.get(first.headers["location"])
    secret = secret_on(page.text)
    done = give_code(client, "/sign-in/set-up-two-factor", page.text, code_for(secret, now))
    assert done.status_code == 200, done.text
    codes = re.findall(r"<li><code>([a-z0-9-]{19})</code></li>", done.text)
    return secret, codes


def give_code(client: TestClient, path: str, form_html: str, code: str) -> httpx.Response:
    data = {"code": code, "csrf_token": hidden(form_html, "csrf_token"), "next": ""}
    return client.post(path, data=data, follow_redirects=False)


def code_step(client: TestClient, code: str) -> httpx.Response:
    page = client.get("/sign-in/two-factor")
    assert page.status_code == 200, page.headers.get("location")
    return give_code(client, "/sign-in/two-factor", page.text, code)


def audit_entries(engine: Engine, action: str) -> list[AuditEntry]:
    with unit_of_work(engine, write=False) as session:
        return list(
            session.scalars(
                select(AuditEntry).where(AuditEntry.action == action).order_by(AuditEntry.id)
            )
        )
