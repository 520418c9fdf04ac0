"""Finding a child over JSON: the policy, the audit, the result shape and one error shape."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, select

from joinedup.access.models import AuditEntry
from joinedup.access.roles import Role
from joinedup.app import create_app
from joinedup.config import Settings
from joinedup.db.session import unit_of_work
from joinedup.intake.models import Mention
from joinedup.testing import FrozenClock
from tests.factories.people import child, concern, ingest, person_of
from tests.functional.api.conftest import make_token


@pytest.fixture
def api(settings: Settings, clean_engine: Engine, clock: FrozenClock) -> Iterator[TestClient]:
    with TestClient(create_app(settings, clock=clock)) as test_client:
        yield test_client


@pytest.fixture
def mash(clean_engine: Engine, clock: FrozenClock) -> dict[str, str]:
    token = make_token(clean_engine, clock, "mash.api", Role.MASH_PRACTITIONER)
    return {"Authorization": f"Bearer {token}"}


@pytest.fixture
def twins(clean_engine: Engine, settings: Settings, clock: FrozenClock) -> dict[str, int]:
    """Twins born 30 September 2018 at ZZ1 1ZZ, known to the police."""
    born = "2018-09-30"
    ingest(
        clean_engine,
        settings,
        clock,
        concern(child("Oliver", family_name="Pennant", date_of_birth=born)),
        concern(child("Harriet", ref="c2", family_name="Pennant", sex="F", date_of_birth=born)),
    )
    with clean_engine.connect() as connection:
        rows = connection.execute(select(Mention.given_names, Mention.id)).all()
    return {given: person_of(clean_engine, mention) for given, mention in rows if given}


def searches(engine: Engine) -> list[AuditEntry]:
    with unit_of_work(engine, write=False) as session:
        query = select(AuditEntry).where(AuditEntry.action == "children:search")
        return list(session.scalars(query.order_by(AuditEntry.id)))


def test_a_search_returns_each_child_with_enough_to_choose_and_is_audited(
    api: TestClient, mash: dict[str, str], twins: dict[str, int], clean_engine: Engine
) -> None:
    response = api.get(
        "/api/v1/persons",
        params={"family_name": "Pennant", "date_of_birth": "30/09/2018"},
        headers=mash,
    )
    assert response.status_code == 200
    body = response.json()
    assert body["more"] is False and body["limit"] == 20
    assert body["fields"] == ["family_name", "date_of_birth"]
    by_name = {item["name"]: item for item in body["items"]}
    assert set(by_name) == {"Oliver Pennant", "Harriet Pennant"}
    assert by_name["Harriet Pennant"] == {
        "person_id": twins["Harriet"],
        "kind": "child",
        "name": "Harriet Pennant",
        "other_names": False,
        "date_of_birth": "2018-09-30",
        "sex": "F",
        "postcode_district": "ZZ1",
        "agencies": 1,
    }
    (entry,) = searches(clean_engine)
    assert entry.actor_label == "mash.api" and entry.outcome == "permitted"
    assert sorted(entry.resource_ids) == sorted(twins.values())
    assert entry.detail == {"fields": ["family_name", "date_of_birth"], "results": 2, "more": False}


def test_a_nickname_and_a_limit(
    api: TestClient, mash: dict[str, str], twins: dict[str, int]
) -> None:
    found = api.get(
        "/api/v1/persons", params={"given_names": "Ollie", "family_name": "Pennant"}, headers=mash
    ).json()
    assert [i["person_id"] for i in found["items"]] == [twins["Oliver"]]
    capped = api.get(
        "/api/v1/persons", params={"postcode": "ZZ1 1ZZ", "limit": 1}, headers=mash
    ).json()
    assert len(capped["items"]) == 1 and capped["more"] is True and capped["limit"] == 1


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({}, "given_names"),
        ({"date_of_birth": "30/09/2018"}, "family_name"),
        ({"nhs_number": "9990000019"}, "nhs_number"),
        ({"upn": "Z123"}, "upn"),
        ({"postcode": "nowhere"}, "postcode"),
        ({"family_name": "Pennant", "date_of_birth": "2018-13-01"}, "date_of_birth"),
    ],
)
def test_a_search_that_cannot_run_is_a_422_naming_the_parameter(
    api: TestClient, mash: dict[str, str], params: dict[str, str], field: str, clean_engine: Engine
) -> None:
    response = api.get("/api/v1/persons", params=params, headers=mash)
    assert response.status_code == 422
    (error,) = response.json()["errors"]
    assert error["field"] == field and error["message"] and error["code"] == "invalid"
    assert searches(clean_engine) == []


def test_parameters_out_of_range_get_the_same_error_shape(
    api: TestClient, mash: dict[str, str]
) -> None:
    response = api.get(
        "/api/v1/persons", params={"family_name": "x" * 201, "limit": 0}, headers=mash
    )
    assert response.status_code == 422
    fields = {e["field"] for e in response.json()["errors"]}
    assert fields == {"query.family_name", "query.limit"}


def test_a_partner_system_may_not_search_and_the_refusal_is_audited(
    api: TestClient, clean_engine: Engine, clock: FrozenClock
) -> None:
    token = make_token(clean_engine, clock, "police.feed", Role.PARTNER_SYSTEM)
    response = api.get(
        "/api/v1/persons",
        params={"family_name": "Pennant"},
        headers={"Authorization": f"Bearer {token}"},
    )
    assert response.status_code == 403
    assert response.json()["errors"][0]["code"] == "NotPermitted"
    (entry,) = searches(clean_engine)
    assert entry.outcome == "refused" and entry.actor_label == "police.feed"
    assert api.get("/api/v1/persons", params={"family_name": "Pennant"}).status_code == 401


def test_the_search_is_documented_with_its_parameters_and_errors(api: TestClient) -> None:
    paths = api.get("/api/v1/openapi.json").json()["paths"]
    operation = paths["/api/v1/persons"]["get"]
    names = {p["name"] for p in operation["parameters"]}
    assert names == {
        "given_names", "family_name", "date_of_birth", "postcode", "nhs_number", "upn", "limit"
    }  # fmt: skip
    assert {"200", "401", "403", "422"} <= set(operation["responses"])
    assert operation["responses"]["200"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/ChildSearchOut"
    }
    # The same error shape as the rest of the API.
    review = paths["/api/v1/review-tasks"]["get"]["responses"]
    for code in ("401", "403", "422"):
        assert operation["responses"][code] == review[code]
