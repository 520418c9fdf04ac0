"""The identity review and persons API: bearer tokens, the policy, audit, and one error shape."""

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
from joinedup.testing import FrozenClock
from tests.factories.people import person_of, task_row, unsure_pair
from tests.functional.api.conftest import make_token


@pytest.fixture
def api(settings: Settings, clean_engine: Engine, clock: FrozenClock) -> Iterator[TestClient]:
    """A client with no token of its own: each test sends the token of the role it plays."""
    with TestClient(create_app(settings, clock=clock)) as test_client:
        yield test_client


@pytest.fixture
def mash(clean_engine: Engine, clock: FrozenClock) -> dict[str, str]:
    return bearer(clean_engine, clock, "mash.api", Role.MASH_PRACTITIONER)


def bearer(engine: Engine, clock: FrozenClock, username: str, role: Role) -> dict[str, str]:
    return {"Authorization": f"Bearer {make_token(engine, clock, username, role)}"}


@pytest.fixture
def task_id(clean_engine: Engine, settings: Settings, clock: FrozenClock) -> int:
    return unsure_pair(clean_engine, settings, clock)


def entries(engine: Engine, action: str) -> list[AuditEntry]:
    with unit_of_work(engine, write=False) as session:
        query = select(AuditEntry).where(AuditEntry.action == action).order_by(AuditEntry.id)
        return list(session.scalars(query))


def test_the_queue_and_a_task_read_in_words(
    api: TestClient, mash: dict[str, str], task_id: int, clean_engine: Engine
) -> None:
    listed = api.get("/api/v1/review-tasks", headers=mash)
    assert listed.status_code == 200, listed.text
    body = listed.json()
    assert (body["total"], body["page"], body["per_page"]) == (1, 1, 25)
    (item,) = body["items"]
    assert item["id"] == task_id and item["status"] == "open"
    assert item["strength"] in ("possible", "strong", "very strong")
    assert api.get("/api/v1/review-tasks?status=confirmed", headers=mash).json()["total"] == 0
    assert api.get("/api/v1/review-tasks?status=all", headers=mash).json()["total"] == 1
    detail = api.get(f"/api/v1/review-tasks/{task_id}", headers=mash).json()
    assert detail["mention"]["date_of_birth"] == "2016-05-07"
    assert detail["mention"]["agency"] == "police" and detail["guard"] is None
    dob = next(c for c in detail["comparisons"] if c["comparison"] == "dob")
    assert dob["title"] == "Date of birth" and dob["label"] == "one part different"
    assert dob["evidence"] in ("strong evidence for", "some evidence for", "neutral")
    assert detail["compared_with"]["features"]["dob_d"] == 7
    total = detail["starting_weight"] + sum(c["weight"] for c in detail["comparisons"])
    assert total == pytest.approx(detail["match_weight"], abs=0.05) and total > 0
    reads = entries(clean_engine, "people:review")
    assert [(e.actor_label, e.outcome, e.resource_ids) for e in reads][-1] == (
        "mash.api", "permitted", [task_id]
    )  # fmt: skip


def test_confirm_then_reopen_are_audited_and_undone_exactly(
    api: TestClient, mash: dict[str, str], task_id: int, clean_engine: Engine
) -> None:
    before = task_row(clean_engine, task_id)
    url = f"/api/v1/review-tasks/{task_id}"
    decided = api.post(f"{url}/decision", headers=mash,
                       json={"decision": "confirm", "rationale": "Same GP"})  # fmt: skip
    assert decided.status_code == 200, decided.text
    assert decided.json()["status"] == "confirmed" and decided.json()["decided_by"] == "mash.api"
    assert person_of(clean_engine, before["mention_id"]) == before["candidate_person_id"]
    twice = api.post(f"{url}/decision", headers=mash, json={"decision": "reject", "rationale": "x"})
    assert twice.status_code == 409
    assert twice.json()["errors"][0]["code"] == "InvalidTransition"
    reopened = api.post(f"{url}/reopen", headers=mash, json={"reason": "Wrong child"})
    assert reopened.status_code == 200 and reopened.json()["status"] == "open"
    assert person_of(clean_engine, before["mention_id"]) == before["person_id"]
    assert [(e.reason, e.detail) for e in entries(clean_engine, "people:review") if e.detail] == [
        ("Same GP", {"decision": "confirm"}),
        ("Wrong child", {"decision": "reopen"}),
    ]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"decision": "confirm", "rationale": "   "}, "body.rationale"),
        ({"decision": "maybe", "rationale": "x"}, "body.decision"),
        ({"decision": "confirm"}, "body.rationale"),
        ({"decision": "confirm", "rationale": "x", "extra": 1}, "body.extra"),
    ],
)
def test_an_invalid_decision_is_422_naming_its_field_and_writes_nothing(
    api: TestClient, mash: dict[str, str], task_id: int, clean_engine: Engine,
    body: dict[str, object], field: str,
) -> None:  # fmt: skip
    answer = api.post(f"/api/v1/review-tasks/{task_id}/decision", headers=mash, json=body)
    assert answer.status_code == 422
    assert field in [e["field"] for e in answer.json()["errors"]]
    assert task_row(clean_engine, task_id)["status"] == "open"
    assert [e for e in entries(clean_engine, "people:review") if e.detail] == []


def test_tokens_roles_and_missing_things(
    api: TestClient, mash: dict[str, str], task_id: int, clean_engine: Engine, clock: FrozenClock
) -> None:
    anonymous = api.get("/api/v1/review-tasks")
    assert anonymous.status_code == 401 and anonymous.headers["WWW-Authenticate"] == "Bearer"
    assert set(anonymous.json()["errors"][0]) == {"code", "message", "field"}
    bad = {"Authorization": "Bearer not-a-token"}
    assert api.post(f"/api/v1/review-tasks/{task_id}/decision", headers=bad,
                    json={"decision": "confirm", "rationale": "x"}).status_code == 401  # fmt: skip
    feed = bearer(clean_engine, clock, "feed", Role.PARTNER_SYSTEM)
    refused = api.get(f"/api/v1/review-tasks/{task_id}", headers=feed)
    assert refused.status_code == 403 and refused.json()["errors"][0]["code"] == "NotPermitted"
    assert [e.outcome for e in entries(clean_engine, "people:review")] == ["refused"]
    assert api.get("/api/v1/review-tasks/999999", headers=mash).status_code == 404
    assert api.get("/api/v1/persons/999999", headers=mash).status_code == 404
    assert api.post("/api/v1/merges/999999/undo", headers=mash,
                    json={"reason": "x"}).status_code == 404  # fmt: skip
    assert api.get("/api/v1/review-tasks/abc", headers=mash).status_code == 422
    assert api.get(f"/api/v1/review-tasks/{2**64}", headers=mash).status_code == 422
    assert api.get("/api/v1/review-tasks?status=nonsense", headers=mash).status_code == 422


def test_merge_a_person_and_undo_it(
    api: TestClient, mash: dict[str, str], task_id: int, clean_engine: Engine, clock: FrozenClock
) -> None:
    row = task_row(clean_engine, task_id)
    this, other = row["person_id"], row["candidate_person_id"]
    person = api.get(f"/api/v1/persons/{other}", headers=mash).json()
    assert person["id"] == other and person["kind"] == "child"
    assert [link["method"] for link in person["links"]] == ["new_person"]
    assert person["identities"][0]["features"]["dob_d"] == 7
    merged = api.post(f"/api/v1/persons/{this}/merge", headers=mash,
                      json={"into_person_id": other, "reason": "Same health visitor"})  # fmt: skip
    assert merged.status_code == 201, merged.text
    merge = merged.json()
    assert (merge["from_person_id"], merge["into_person_id"]) == (this, other)
    assert merge["moved_mention_ids"] == [row["mention_id"]] and merge["undone_at"] is None
    survivor = api.get(f"/api/v1/persons/{other}", headers=mash).json()
    assert len(survivor["links"]) == 2 and survivor["absorbed_person_ids"] == [this]
    assert api.get(f"/api/v1/persons/{this}", headers=mash).json()["merged_into_id"] == other
    again = api.post(f"/api/v1/persons/{this}/merge", headers=mash,
                     json={"into_person_id": other, "reason": "again"})  # fmt: skip
    assert again.status_code == 409 and again.json()["errors"][0]["code"] == "Conflict"
    social = bearer(clean_engine, clock, "sw", Role.SOCIAL_WORKER)
    assert api.post(f"/api/v1/merges/{merge['id']}/undo", headers=social,
                    json={"reason": "x"}).status_code == 403  # fmt: skip
    undone = api.post(f"/api/v1/merges/{merge['id']}/undo", headers=mash, json={"reason": "No"})
    assert undone.status_code == 200 and undone.json()["undone_by"] == "mash.api"
    assert person_of(clean_engine, row["mention_id"]) == this
    assert api.post(f"/api/v1/merges/{merge['id']}/undo", headers=mash,
                    json={"reason": "No"}).status_code == 409  # fmt: skip
    assert [
        (e.actor_label, e.outcome, e.reason) for e in entries(clean_engine, "people:merge")
    ] == [
        ("mash.api", "permitted", "Same health visitor"),
        ("sw", "refused", "x"),  # a conflict or a repeat is rolled back with its work
        ("mash.api", "permitted", "No"),
    ]


def test_the_openapi_document_describes_the_review_api(api: TestClient) -> None:
    document = api.get("/api/v1/openapi.json").json()
    paths = document["paths"]
    for path in (
        "/api/v1/review-tasks",
        "/api/v1/review-tasks/{task_id}",
        "/api/v1/review-tasks/{task_id}/decision",
        "/api/v1/review-tasks/{task_id}/reopen",
        "/api/v1/persons/{person_id}",
        "/api/v1/persons/{person_id}/merge",
        "/api/v1/merges/{merge_id}/undo",
    ):
        assert path in paths, path
    decision = paths["/api/v1/review-tasks/{task_id}/decision"]["post"]
    assert set(decision["responses"]) >= {"200", "401", "403", "404", "409", "422"}
    schemas = document["components"]["schemas"]
    assert {"ReviewTaskDetailOut", "PersonOut", "MergeOut", "DecisionIn"} <= set(schemas)
