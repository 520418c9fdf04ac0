"""Partners' systems retry and race: concurrent submissions must store one copy, never fail."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import Engine, func, select

from joinedup.intake.models import RecordVersion, SourceRecord
from tests.factories.records import numbered


def _post_together(client: TestClient, bodies: list[Any], headers: dict[str, str]) -> list[Any]:
    with ThreadPoolExecutor(len(bodies)) as pool:
        futures = [
            pool.submit(client.post, "/api/v1/records", json=b, headers=headers) for b in bodies
        ]
        return [f.result() for f in futures]


def test_the_same_new_records_sent_at_once_are_stored_once(
    client: TestClient, clean_engine: Engine
) -> None:
    # The organisation must already exist: otherwise inserting it serialises the racers anyway.
    assert client.post("/api/v1/records", json=numbered(9999)).status_code == 200
    batch = [numbered(n) for n in range(200)]
    answers = _post_together(client, [batch] * 4, {})
    assert [a.status_code for a in answers] == [200] * 4
    statuses = sorted(a.json()["summary"]["accepted"] for a in answers)
    assert statuses == [0, 0, 0, 200]
    with clean_engine.connect() as connection:
        assert connection.scalar(select(func.count()).select_from(SourceRecord)) == 201
        assert connection.scalar(select(func.count()).select_from(RecordVersion)) == 201


def test_a_retry_racing_its_original_gets_the_same_answer(client: TestClient) -> None:
    answers = _post_together(
        client, [[numbered(n) for n in range(100)]] * 3, {"Idempotency-Key": "race-1"}
    )
    assert [a.status_code for a in answers] == [200] * 3
    assert answers[0].json() == answers[1].json() == answers[2].json()
