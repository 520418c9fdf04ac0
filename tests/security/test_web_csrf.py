"""CSRF: every unsafe request to a page needs this site's origin and the session's token.

Missing token, wrong token and a foreign origin are refused with the 403 page before the route
runs; the same request from this site with its token works. The sign-in form too, and every
unsafe page route the app has (found from the app's own routes, so a new one cannot slip by).
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient

from joinedup.access.demo_accounts import DEMO_PASSWORD
from joinedup.web.csrf import is_sign_in
from tests.security.conftest import ORIGIN, figure, hidden, sign_in

FOREIGN = "https://evil.example"
REFUSED = "Your form could not be sent"


def routes_of(routes: list[Any], prefix: str = "") -> list[tuple[str, APIRoute]]:
    """Every endpoint with its full path, through the routers the app includes."""
    found: list[tuple[str, APIRoute]] = []
    for route in routes:
        if isinstance(route, APIRoute):
            found.append((prefix + route.path, route))
        elif hasattr(route, "original_router"):  # an included router (FastAPI 0.16x)
            inner = prefix + getattr(route.include_context, "prefix", "")
            found += routes_of(route.original_router.routes, inner)
    return found


def unsafe_page_routes(app: FastAPI) -> list[tuple[str, str]]:
    found = []
    for path, route in routes_of(app.routes):
        if path.startswith("/api/"):
            continue
        for method in sorted(route.methods - {"GET", "HEAD", "OPTIONS"}):
            found.append((method, re.sub(r"\{[^}]+\}", "1", path)))
    return found


def still_signed_in(client: TestClient) -> bool:
    return client.get("/", follow_redirects=False).status_code == 200


@pytest.mark.parametrize(
    ("case", "headers", "with_token"),
    [
        ("missing token", {"Origin": ORIGIN}, False),
        ("wrong token", {"Origin": ORIGIN}, None),
        ("foreign Origin, valid token", {"Origin": FOREIGN}, True),
        ("Origin null, valid token", {"Origin": "null"}, True),
        ("foreign Referer, no Origin, valid token", {"Referer": FOREIGN + "/page"}, True),
    ],
)
def test_a_forged_sign_out_is_refused_before_the_route_runs(
    client: TestClient, case: str, headers: dict[str, str], with_token: bool | None
) -> None:
    token = sign_in(client, "social.worker")
    data = {"csrf_token": token if with_token else ("x" * 32 if with_token is None else "")}
    if with_token is False:
        data = {}
    answer = client.post("/sign-out", data=data, headers=headers, follow_redirects=False)
    figure(f"CSRF {case}: status {answer.status_code} (target 403)")
    assert answer.status_code == 403 and REFUSED in answer.text
    assert answer.headers["cache-control"] == "no-store"
    assert "content-security-policy" in answer.headers
    assert still_signed_in(client)  # nothing was done


@pytest.mark.parametrize(
    "headers",
    [{"Origin": ORIGIN}, {"Referer": ORIGIN + "/"}, {}],
    ids=["origin", "referer", "none"],
)
def test_the_same_request_from_this_site_with_its_token_works(
    client: TestClient, headers: dict[str, str]
) -> None:
    token = sign_in(client, "social.worker")
    answer = client.post(
        "/sign-out", data={"csrf_token": token}, headers=headers, follow_redirects=False
    )
    figure(f"CSRF same origin ({headers or 'no Origin or Referer'}): {answer.status_code} (303)")
    assert answer.status_code == 303 and not still_signed_in(client)


def test_every_unsafe_page_route_refuses_a_missing_token_and_a_foreign_origin(
    app: FastAPI, client: TestClient
) -> None:
    """The sign-in steps (before a session exists) check their own double-submit token, tested
    below; every route is refused from a foreign origin, signed in or not."""
    routes = unsafe_page_routes(app)
    token = sign_in(client, "team.manager")
    session_routes = [(m, p) for m, p in routes if not is_sign_in(p)]
    missing = [client.request(m, p, data={"x": "1"}, follow_redirects=False)
               for m, p in session_routes]  # fmt: skip
    foreign = [
        client.request(m, p, data={"csrf_token": token}, headers={"Origin": FOREIGN},
                       follow_redirects=False)
        for m, p in routes
    ]  # fmt: skip
    refused_missing = sum(a.status_code == 403 and REFUSED in a.text for a in missing)
    refused_foreign = sum(a.status_code == 403 and REFUSED in a.text for a in foreign)
    figure(f"unsafe page routes: {len(routes)}; refused without a token "
          f"{refused_missing}/{len(session_routes)} (target {len(session_routes)}), "
          f"refused from a foreign origin {refused_foreign}/{len(routes)} "
          f"(target {len(routes)})")  # fmt: skip
    assert len(session_routes) > 10
    assert refused_missing == len(session_routes) and refused_foreign == len(routes)
    assert still_signed_in(client)


def test_without_a_session_no_unsafe_page_route_does_anything(
    app: FastAPI, client: TestClient
) -> None:
    answers = {
        (method, path): client.request(method, path, data={}, follow_redirects=False).status_code
        for method, path in unsafe_page_routes(app)
    }
    acted = {key: status for key, status in answers.items() if status < 300}
    figure(f"unsafe page routes answered 2xx without a session: {len(acted)} (target 0)")
    assert answers and acted == {}


def test_the_sign_in_form_needs_its_token_and_this_sites_origin(client: TestClient) -> None:
    token = hidden(client.get("/sign-in").text)
    data = {"username": "social.worker", "password": DEMO_PASSWORD}
    missing = client.post("/sign-in", data=data, follow_redirects=False)
    wrong = client.post("/sign-in", data={**data, "csrf_token": "y" * 32}, follow_redirects=False)
    foreign = client.post(
        "/sign-in", data={**data, "csrf_token": token}, headers={"Origin": FOREIGN},
        follow_redirects=False,
    )  # fmt: skip
    figure(f"sign-in: missing {missing.status_code}, wrong {wrong.status_code}, "
          f"foreign Origin {foreign.status_code} (target 403 each)")  # fmt: skip
    assert missing.status_code == wrong.status_code == foreign.status_code == 403
    works = client.post(
        "/sign-in", data={**data, "csrf_token": token}, headers={"Origin": ORIGIN},
        follow_redirects=False,
    )  # fmt: skip
    assert works.status_code == 303


def test_the_api_takes_a_bearer_token_and_refuses_another_sites_pages(client: TestClient) -> None:
    """A bearer token is never attached by a browser, so the API needs no form token; a request
    that a browser sent from another site's page is still refused."""
    no_origin = client.post("/api/v1/records", json={})
    foreign = client.post("/api/v1/records", json={}, headers={"Origin": FOREIGN})
    figure(f"API: no Origin {no_origin.status_code} (401, not a CSRF refusal), "
          f"foreign Origin {foreign.status_code} (target 403)")  # fmt: skip
    assert no_origin.status_code == 401
    assert foreign.status_code == 403
    assert foreign.json()["errors"][0]["code"] == "forbidden_origin"
