"""Security headers on every kind of answer, a strict CSP with no inline script or style, and
`Cache-Control: no-store` on everything that may carry personal data."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from joinedup.app import create_app
from joinedup.config import Settings
from joinedup.core.spreadsheet import is_formula_like
from joinedup.testing import FrozenClock
from joinedup.web import STATIC
from joinedup.web.headers import CONTENT_SECURITY_POLICY
from tests.security.conftest import figure, sign_in

TEMPLATES = Path(STATIC).parent / "templates"
ALWAYS = (
    "x-content-type-options",
    "referrer-policy",
    "x-frame-options",
    "cross-origin-opener-policy",
    "cross-origin-resource-policy",
    "permissions-policy",
)


def test_the_policy_allows_script_and_style_only_from_this_site() -> None:
    directives = dict(d.split(" ", 1) for d in CONTENT_SECURITY_POLICY.split("; "))
    assert directives["script-src"] == "'self'" and directives["style-src"] == "'self'"
    assert directives["object-src"] == "'none'" and directives["frame-ancestors"] == "'none'"
    assert "unsafe-inline" not in CONTENT_SECURITY_POLICY and "nonce" not in CONTENT_SECURITY_POLICY


def test_no_template_has_inline_script_style_or_event_handlers() -> None:
    offending = []
    for template in sorted(TEMPLATES.rglob("*.html")):
        text = template.read_text()
        inline_script = re.search(r"<script(?![^>]*\bsrc=)[^>]*>", text)
        if inline_script or re.search(r"<style|\sstyle=|\son[a-z]+=", text):
            offending.append(template.name)
    figure(f"templates with inline script, style or handlers: {len(offending)} (target 0)")
    assert offending == []


def test_every_kind_of_answer_carries_the_headers(app: FastAPI, client: TestClient) -> None:
    def boom() -> None:
        raise RuntimeError("a fault")

    app.add_api_route("/boom", boom)
    sign_in(client, "team.manager")
    answers = {
        "page": client.get("/"),
        "404 page": client.get("/no-such-page"),
        "403 page": client.post("/sign-out", data={}),
        "API JSON": client.get("/api/v1/persons"),
        "API 404": client.get("/api/v1/no-such-thing"),
        "openapi": client.get("/api/v1/openapi.json"),
        "static": client.get("/static/app.css"),
    }
    with TestClient(app, raise_server_exceptions=False) as faulty:
        answers["500 page"] = faulty.get("/boom")
    missing = {
        kind: [h for h in (*ALWAYS, "content-security-policy") if h not in answer.headers]
        for kind, answer in answers.items()
    }
    figure(f"answers missing a security header: {sum(map(bool, missing.values()))} (target 0)")
    assert {k: v for k, v in missing.items() if v} == {}
    for kind, answer in answers.items():
        caching = answer.headers.get("cache-control", "")
        assert (caching == "no-store") == (kind != "static"), (kind, caching)
        assert "<script>" not in answer.text and "<script nonce" not in answer.text
    assert answers["500 page"].status_code == 500 and answers["403 page"].status_code == 403
    assert "strict-transport-security" not in answers["page"].headers  # plain HTTP here


def test_hsts_when_served_over_https(database_url: str, clean_engine: Engine) -> None:
    settings = Settings(database_url=database_url, environment="test", cookie_secure=True)
    app = create_app(settings, clock=FrozenClock())
    with TestClient(app) as client:
        page = client.get("/sign-in")
    with TestClient(app, base_url="https://testserver") as client:
        direct = client.get("/static/app.css")
    app.state.engine.dispose()
    assert page.headers["strict-transport-security"].startswith("max-age=31536000")
    assert "strict-transport-security" in direct.headers


def test_the_dashboard_csv_is_no_store_and_has_no_formula_cells(client: TestClient) -> None:
    sign_in(client, "head.of.service")
    answer = client.get("/dashboard.csv")
    assert answer.status_code == 200 and answer.headers["content-type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(answer.text, newline="")))
    live = [cell for row in rows for cell in row if is_formula_like(cell)]
    figure(f"dashboard CSV: {sum(map(len, rows))} cells, formula-like {len(live)} (target 0), "
           f"Cache-Control {answer.headers['cache-control']} (target no-store)")  # fmt: skip
    assert len(rows) > 3 and live == [] and answer.headers["cache-control"] == "no-store"
