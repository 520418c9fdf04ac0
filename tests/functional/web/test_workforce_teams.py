"""Keeping teams, posts and absences through the pages: managers change them, leaders read them."""

from __future__ import annotations

import re
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import Engine, func, select
from tests.functional.web.test_casework_pages import audit
from tests.functional.web.test_web_pages import signed_in

from joinedup.db.session import unit_of_work
from joinedup.testing import FrozenClock
from joinedup.workforce.models import Absence, Team, Worker


def _token(page: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert found
    return found.group(1)


def _post(client: TestClient, path: str, data: dict[str, Any]) -> Any:
    token = _token(client.get("/").text)  # the sign-out form in every page's header
    return client.post(path, data={"csrf_token": token, **data}, follow_redirects=False)


def _day(prefix: str, d: str) -> dict[str, str]:
    year, month, day = d.split("-")
    return {f"{prefix}-day": day, f"{prefix}-month": month, f"{prefix}-year": year}


def _rows(engine: Engine, model: Any) -> list[Any]:
    with unit_of_work(engine, write=False) as session:
        return list(session.scalars(select(model).order_by(model.id)))


def _count(engine: Engine, model: Any) -> int:
    with unit_of_work(engine, write=False) as session:
        return int(session.scalar(select(func.count()).select_from(model)) or 0)


POST = {"role": "social_worker", "fte": "0.8", "contract": "permanent", "annual_cost": "48,000"}


def _team(client: TestClient, engine: Engine) -> int:
    made = _post(
        client, "/workforce/teams/new", {"name": "Edge of care", "manager": "team.manager"}
    )
    assert made.status_code == 303
    (team,) = _rows(engine, Team)
    return int(team.id)


def test_a_manager_adds_a_team_a_filled_post_and_a_vacancy_and_sees_them_listed(
    client: TestClient, clean_engine: Engine, clock: FrozenClock
) -> None:
    signed_in(client, "team.manager")
    team = _team(client, clean_engine)
    path = f"/workforce/teams/{team}/posts/new"
    filled = _post(
        client, path, {**POST, "account": "social.worker", **_day("start_on", "2026-01-05")}
    )
    vacancy = _post(
        client, path, {**POST, "account": "", "fte": "1", **_day("start_on", "2026-01-05")}
    )
    assert (filled.status_code, vacancy.status_code) == (303, 303)
    posts = _rows(clean_engine, Worker)
    assert [
        (p.label, float(p.fte), p.annual_cost, p.vacant, p.user_id is not None) for p in posts
    ] == [
        ("social.worker", 0.8, 48_000, False, True),
        (f"vacancy.{team}.social_worker", 1.0, 48_000, True, False),
    ]
    page = client.get("/workforce/teams").text
    assert "Edge of care" in page and "Manager: team.manager" in page
    assert "In post" in page and "Vacant" in page and "£48,000" in page
    assert ("team.manager", "permitted") in audit(clean_engine, "workforce:manage")


def test_bad_answers_name_their_fields_and_write_nothing(
    client: TestClient, clean_engine: Engine
) -> None:
    signed_in(client, "team.manager")
    team = _team(client, clean_engine)
    bad = _post(client, f"/workforce/teams/{team}/posts/new", {
        **POST, "account": "nobody.here", "fte": "2", "annual_cost": "lots",
        "start_on-day": "31", "start_on-month": "2", "start_on-year": "2026",
    })  # fmt: skip
    assert bad.status_code == 422
    for field in ("#account", "#fte", "#annual_cost", "#start_on-day"):
        assert f'href="{field}"' in bad.text
    assert 'value="nobody.here"' in bad.text  # what was typed is kept
    assert _count(clean_engine, Worker) == 0
    same = _post(client, "/workforce/teams/new", {"name": "Edge of care", "manager": ""})
    assert same.status_code == 422 and "another team has this name" in same.text
    assert _count(clean_engine, Team) == 1
    missing = _post(client, "/workforce/teams/new", {"name": " ", "manager": "ghost"})
    assert missing.status_code == 422 and 'href="#name"' in missing.text
    assert 'href="#manager"' in missing.text


def test_a_vacancy_is_filled_a_post_ended_and_an_absence_recorded(
    client: TestClient, clean_engine: Engine, clock: FrozenClock
) -> None:
    signed_in(client, "team.manager")
    team = _team(client, clean_engine)
    path = f"/workforce/teams/{team}/posts/new"
    _post(client, path, {**POST, "account": "", **_day("start_on", "2026-01-05")})
    (post,) = _rows(clean_engine, Worker)
    filled = _post(client, f"/workforce/posts/{post.id}", {
        "account": "social.worker", "fte": "1", "contract": "agency", "annual_cost": "67000",
    })  # fmt: skip
    assert filled.status_code == 303
    (post,) = _rows(clean_engine, Worker)
    assert (post.vacant, post.label, post.contract, post.annual_cost) == (
        False, "social.worker", "agency", 67_000,
    )  # fmt: skip
    # A filled post is not handed to someone else: the next holder is a new post.
    handed = _post(client, f"/workforce/posts/{post.id}", {
        "account": "head.of.service", "fte": "1", "contract": "agency", "annual_cost": "67000",
    })  # fmt: skip
    assert handed.status_code == 422 and "end this post and add a new one" in handed.text
    early = _post(client, f"/workforce/posts/{post.id}", {
        "account": "", "fte": "1", "contract": "agency", "annual_cost": "67000",
        **_day("end_on", "2025-12-31"),
    })  # fmt: skip
    assert early.status_code == 422 and 'href="#end_on-day"' in early.text
    today = clock.now().date().isoformat()
    away = _post(client, f"/workforce/posts/{post.id}/absences", {
        "kind": "sickness", **_day("from_on", today), **_day("to_on", today),
    })  # fmt: skip
    assert away.status_code == 303
    backwards = _post(client, f"/workforce/posts/{post.id}/absences", {
        "kind": "holiday", **_day("from_on", today), **_day("to_on", "2020-01-01"),
    })  # fmt: skip
    assert backwards.status_code == 422 and 'href="#kind"' in backwards.text
    assert [(a.kind, a.from_on.isoformat()) for a in _rows(clean_engine, Absence)] == [
        ("sickness", today)
    ]
    assert "Away until" in client.get("/workforce/teams").text


def test_leaders_read_the_teams_but_only_managers_change_them(
    client: TestClient, clean_engine: Engine
) -> None:
    signed_in(client, "team.manager")
    team = _team(client, clean_engine)
    client.cookies.clear()
    signed_in(client, "head.of.service")
    page = client.get("/workforce/teams")
    assert page.status_code == 200 and "Edge of care" in page.text
    assert "Add a post" not in page.text
    assert client.get(f"/workforce/teams/{team}/posts/new").status_code == 403
    refused = _post(client, "/workforce/teams/new", {"name": "Mine"})
    assert refused.status_code == 403 and _count(clean_engine, Team) == 1
    client.cookies.clear()
    signed_in(client, "social.worker")
    assert client.get("/workforce/teams").status_code == 403
    assert ("social.worker", "refused") in audit(clean_engine, "workforce:read")
