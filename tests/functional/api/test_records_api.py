"""`POST /api/v1/records` as a partner system calls it."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import Engine, func, select

from joinedup.access.models import AuditEntry
from joinedup.access.roles import Role
from joinedup.db.session import unit_of_work
from joinedup.intake.models import RecordVersion
from joinedup.testing import FrozenClock
from tests.factories.records import numbered, record
from tests.functional.api.conftest import make_token


def versions(engine: Engine) -> int:
    with engine.connect() as connection:
        return connection.scalar(select(func.count()).select_from(RecordVersion)) or 0


def test_one_record_is_stored(client: TestClient, clean_engine: Engine) -> None:
    answer = client.post("/api/v1/records", json=record())
    assert answer.status_code == 200
    assert answer.json()["results"][0]["status"] == "accepted"
    assert answer.json()["summary"] == {"accepted": 1, "unchanged": 0, "new_version": 0}
    assert versions(clean_engine) == 1


def test_a_batch_is_taken_in_order(client: TestClient) -> None:
    answer = client.post("/api/v1/records", json=[numbered(1), numbered(1, summary="Amended.")])
    assert [r["status"] for r in answer.json()["results"]] == ["accepted", "new_version"]


def test_one_bad_record_rejects_the_batch_with_every_error_named(
    client: TestClient, clean_engine: Engine
) -> None:
    bad = numbered(2, type="burglary", priority="high")
    answer = client.post("/api/v1/records", json=[numbered(1), bad])
    assert answer.status_code == 422
    errors = answer.json()["errors"]
    assert {(e["record"], e["field"]) for e in errors} == {(1, "priority")}
    bad.pop("priority")
    answer = client.post("/api/v1/records", json=[numbered(1), bad])
    assert answer.json()["errors"] == [
        {
            "code": "enum",
            "field": "type",
            "record": 1,
            "message": "'burglary' is not an event type of joinedup/1",
        }
    ]
    assert versions(clean_engine) == 0


def test_malformed_json_is_422_not_500(client: TestClient) -> None:
    answer = client.post(
        "/api/v1/records", content=b'{"format":', headers={"Content-Type": "application/json"}
    )
    assert answer.status_code == 422
    assert answer.json()["errors"][0]["field"] == "body"


def test_warnings_come_back_with_the_result(client: TestClient) -> None:
    value = record()
    value["subjects"][0]["nhs_number"] = "9990000019"
    result = client.post("/api/v1/records", json=value).json()["results"][0]
    assert result["warnings"][0]["field"] == "subjects.0.nhs_number"


def test_an_idempotency_key_replays_the_first_answer(
    client: TestClient, clean_engine: Engine
) -> None:
    headers = {"Idempotency-Key": "batch-0001"}
    first = client.post("/api/v1/records", json=numbered(7), headers=headers)
    client.post("/api/v1/records", json=numbered(7, summary="Changed later."))
    replay = client.post("/api/v1/records", json=numbered(7), headers=headers)
    assert replay.status_code == 200 and replay.json() == first.json()
    assert versions(clean_engine) == 2
    other = client.post("/api/v1/records", json=numbered(8), headers=headers)
    assert other.status_code == 409


def test_no_token_is_401_and_a_bad_token_is_401(client: TestClient) -> None:
    assert (
        client.post("/api/v1/records", json=record(), headers={"Authorization": ""}).status_code
        == 401
    )
    bad = client.post("/api/v1/records", json=record(), headers={"Authorization": "Bearer ju_nope"})
    assert bad.status_code == 401 and bad.headers["WWW-Authenticate"] == "Bearer"


def test_an_account_that_may_not_submit_is_refused_and_audited(
    client: TestClient, clean_engine: Engine, clock: FrozenClock
) -> None:
    token = make_token(clean_engine, clock, "performance", Role.PERFORMANCE_OFFICER)
    answer = client.post(
        "/api/v1/records", json=record(), headers={"Authorization": f"Bearer {token}"}
    )
    assert answer.status_code == 403
    with unit_of_work(clean_engine, write=False) as session:
        outcome = session.scalar(
            select(AuditEntry.outcome).where(AuditEntry.actor_label == "performance")
        )
    assert outcome == "refused"
    assert versions(clean_engine) == 0


def test_the_openapi_document_publishes_the_exchange_format(client: TestClient) -> None:
    document = client.get("/api/v1/openapi.json").json()
    body = document["paths"]["/api/v1/records"]["post"]["requestBody"]["content"][
        "application/json"
    ]
    assert len(body["schema"]["oneOf"]) == 2
    assert "Subject" in document["components"]["schemas"]


def test_health(client: TestClient) -> None:
    assert client.get("/healthz").json()["status"] == "ok"
