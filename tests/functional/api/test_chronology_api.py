"""The chronology API: a child's chronology and joined-up record, filtered, guarded and audited."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, select

from joinedup.access.models import AuditEntry
from joinedup.access.roles import Role
from joinedup.app import create_app
from joinedup.config import Settings
from joinedup.db.session import unit_of_work
from joinedup.testing import FrozenClock
from tests.factories.children import BOY_NHS, ingest_family
from tests.functional.api.conftest import make_token


@pytest.fixture
def api(settings: Settings, clean_engine: Engine, clock: FrozenClock) -> Iterator[TestClient]:
    with TestClient(create_app(settings, clock=clock)) as test_client:
        yield test_client


@pytest.fixture
def family(clean_engine: Engine, settings: Settings, clock: FrozenClock) -> dict[str, Any]:
    return ingest_family(clean_engine, settings, clock)


def bearer(engine: Engine, clock: FrozenClock, role: Role) -> dict[str, str]:
    token = make_token(engine, clock, f"{role.value}.api", role)
    return {"Authorization": f"Bearer {token}"}


@pytest.fixture
def worker(clean_engine: Engine, clock: FrozenClock) -> dict[str, str]:
    return bearer(clean_engine, clock, Role.SOCIAL_WORKER)


def test_the_chronology_in_time_order_with_provenance_and_precision(
    api: TestClient, family: dict[str, Any], worker: dict[str, str]
) -> None:
    answer = api.get(f"/api/v1/persons/{family['boy']}/chronology", headers=worker)
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert (body["person_id"], body["name"]) == (family["boy"], "Alexander Testperson")
    assert (body["shown"], body["total"], body["new_count"]) == (5, 5, 0)
    kinds = [e["type"] for e in body["entries"]]
    assert kinds == ["was_not_brought", "cp_plan_start", "adult_offence",
                     "domestic_abuse_incident", "concern"]  # fmt: skip
    dental = body["entries"][0]
    assert (dental["occurred_at"][:10], dental["date_precision"]) == ("2024-06-01", "month")
    assert dental["author"] == "N Sample" and dental["agency"] == "health"
    incident = body["entries"][3]
    assert incident["severity"] == "high" and incident["about_child"] is True
    roles = {(s["relationship"], s["perpetrator"], s["victim"]) for s in incident["subjects"]}
    assert roles == {(None, False, False), ("mother", False, True),
                     ("parents_partner", True, False)}  # fmt: skip
    assert body["agencies"] == ["childrens_social_care", "education", "health", "police"]
    assert body["filters"]["household"] is False


def test_filters_as_query_parameters(
    api: TestClient, family: dict[str, Any], worker: dict[str, str]
) -> None:
    path = f"/api/v1/persons/{family['boy']}/chronology"
    police = api.get(f"{path}?agency=police&severity=high", headers=worker).json()
    assert [e["type"] for e in police["entries"]] == ["adult_offence", "domestic_abuse_incident"]
    assert (police["shown"], police["total"]) == (2, 5)
    assert police["filters"]["agencies"] == ["police"]
    period = {"since": "2026-08-01", "until": "2026-09-30", "type": ["adult_offence", "concern"]}
    dated = api.get(path, params=period, headers=worker)
    assert [e["type"] for e in dated.json()["entries"]] == ["adult_offence"]
    household = api.get(f"{path}?household=true", headers=worker).json()
    assert household["shown"] == 6 and family["ids"]["sister"] in household["persons"]


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("since=2026-02-30", "query.since"),
        ("until=soon", "query.until"),
        ("severity=urgent", "query.severity.0"),
        ("since=2026-06-01&until=2026-01-01", "query.until"),
        ("agency=Police%20Force", "query.agency"),
        ("household=perhaps", "query.household"),
    ],
)
def test_bad_filters_are_422_naming_the_field(
    api: TestClient, family: dict[str, Any], worker: dict[str, str], query: str, field: str
) -> None:
    answer = api.get(f"/api/v1/persons/{family['boy']}/chronology?{query}", headers=worker)
    assert answer.status_code == 422, answer.text
    errors = answer.json()["errors"]
    assert [e["field"] for e in errors] == [field]
    assert all(e["message"] and e["code"] for e in errors)


def test_the_child_record(api: TestClient, family: dict[str, Any], worker: dict[str, str]) -> None:
    answer = api.get(f"/api/v1/persons/{family['boy']}/child", headers=worker)
    assert answer.status_code == 200, answer.text
    child = answer.json()
    assert child["kind"] == "child" and child["names"][0]["value"] == "Alexander Testperson"
    assert [n["value"] for n in child["nhs_numbers"]] == [BOY_NHS]
    assert [r["name"] for r in child["relatives"]] == [
        "Mara Testperson", "Mark Newman", "Bella Testperson"]  # fmt: skip
    status = child["status"]
    assert (status["cp_category"], status["precisions"]["cp_plan_since"]) == ("NEG", "month")
    seen = child["visibility"]
    assert seen["last_seen"]["type"] == "concern" and seen["last_seen_alone"] is None
    assert seen["last_voice"] is None and seen["agencies_90_days"] == ["education", "police"]
    assert {"type": "domestic_abuse_incident", "count": 1} in seen["counts_by_type"]
    assert {i["name"] for i in child["involved"]} == {"Ms J Teacher", "PC T Example", "S Worker"}


def test_a_partner_system_is_refused_and_the_refusal_audited(
    api: TestClient, family: dict[str, Any], clean_engine: Engine, clock: FrozenClock
) -> None:
    partner = bearer(clean_engine, clock, Role.PARTNER_SYSTEM)
    for tail in ("chronology", "child"):
        answer = api.get(f"/api/v1/persons/{family['boy']}/{tail}", headers=partner)
        assert answer.status_code == 403
        assert answer.json()["errors"][0]["code"] == "NotPermitted"
        assert "Alexander" not in answer.text
    with unit_of_work(clean_engine, write=False) as session:
        refused = session.scalars(select(AuditEntry).where(AuditEntry.outcome == "refused"))
        assert [(e.action, e.actor_role) for e in refused] == [
            ("people:read", "partner_system")
        ] * 2


def test_unknown_persons_and_no_token(
    api: TestClient, family: dict[str, Any], worker: dict[str, str]
) -> None:
    missing = api.get("/api/v1/persons/999999/chronology", headers=worker)
    assert missing.status_code == 404 and missing.json()["errors"][0]["code"] == "NotFound"
    assert api.get("/api/v1/persons/0/child", headers=worker).status_code == 422
    assert api.get(f"/api/v1/persons/{family['boy']}/child").status_code == 401


def test_reads_are_audited_naming_whose_records(
    api: TestClient, family: dict[str, Any], worker: dict[str, str], clean_engine: Engine
) -> None:
    api.get(f"/api/v1/persons/{family['boy']}/chronology?household=true", headers=worker)
    with unit_of_work(clean_engine, write=False) as session:
        (read,) = session.scalars(select(AuditEntry).where(AuditEntry.action == "chronology:read"))
    assert read.outcome == "permitted" and read.detail["household"] is True
    assert {family["boy"], family["ids"]["sister"]} <= set(read.resource_ids)


def test_documented_in_openapi_with_the_error_shape(api: TestClient) -> None:
    paths = api.get("/api/v1/openapi.json").json()["paths"]
    chronology = paths["/api/v1/persons/{person_id}/chronology"]["get"]
    names = {p["name"] for p in chronology["parameters"]}
    assert {"agency", "type", "severity", "since", "until", "household", "significant"} <= names
    assert {"403", "404", "422"} <= set(chronology["responses"])
    assert "errors" in str(chronology["responses"]["422"])
    assert "/child" in paths["/api/v1/persons/{person_id}"]["get"]["description"]
    assert "200" in paths["/api/v1/persons/{person_id}/child"]["get"]["responses"]


def test_the_chronology_comes_a_page_at_a_time_with_the_whole_counted(
    api: TestClient, family: dict[str, Any], worker: dict[str, str]
) -> None:
    path = f"/api/v1/persons/{family['boy']}/chronology"
    first = api.get(path, headers=worker).json()
    assert (first["page"], first["per_page"], first["pages"], first["matching"]) == (1, 100, 1, 5)
    second = api.get(path, params={"per_page": 2, "page": 2}, headers=worker).json()
    assert [e["type"] for e in second["entries"]] == ["adult_offence", "domestic_abuse_incident"]
    assert (second["page"], second["pages"], second["matching"], second["shown"],
            second["total"]) == (2, 3, 5, 5, 5)  # fmt: skip
    beyond = api.get(path, params={"per_page": 2, "page": 99}, headers=worker).json()
    assert beyond["page"] == 3 and [e["type"] for e in beyond["entries"]] == ["concern"]
    police = api.get(path, params={"agency": "police", "per_page": 1, "page": 2}, headers=worker)
    assert [e["type"] for e in police.json()["entries"]] == ["domestic_abuse_incident"]
    assert (police.json()["matching"], police.json()["pages"]) == (2, 2)
    for wrong in ({"page": 0}, {"per_page": 0}, {"per_page": 501}, {"page": "two"}):
        answer = api.get(path, params=wrong, headers=worker)
        assert answer.status_code == 422, wrong
        assert answer.json()["errors"][0]["field"].startswith("query.")
