"""schemathesis against `/api/v1/openapi.json`, as three roles, on a migrated test database.

For every operation in the published schema, schema-valid (and some schema-breaking) requests
are generated and sent with the token of a partner system, a social worker and an information
governance officer. Checks: no server error, every answer conforms to the documented status
codes and response schemas, and no auth bypass (a request without a token, or from a role
the policy does not allow the operation's action, never gets a 2xx). The traffic's audit
coverage is measured too.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis.checks import not_a_server_error
from schemathesis.core.failures import FailureGroup
from schemathesis.generation import GenerationMode
from schemathesis.specs.openapi.checks import (
    response_schema_conformance,
    status_code_conformance,
)
from sqlalchemy import Engine

from joinedup.access.policy import POLICY, Action
from joinedup.access.roles import Role
from joinedup.app import create_app
from joinedup.config import Settings
from joinedup.testing import FrozenClock
from tests.factories.people import unsure_pair
from tests.factories.records import record
from tests.functional.api.conftest import make_token
from tests.security.conftest import AuditWatch, assert_audited, figure

ROLES = (Role.PARTNER_SYSTEM, Role.SOCIAL_WORKER, Role.INFORMATION_GOVERNANCE)
EXAMPLES = {GenerationMode.POSITIVE: 25, GenerationMode.NEGATIVE: 10}
# The action each operation's service requires (people/service.py, chronology/service.py).
ACTIONS = {
    "POST /api/v1/records": Action.RECORDS_SUBMIT,
    "GET /api/v1/persons": Action.CHILDREN_SEARCH,
    "GET /api/v1/persons/{person_id}": Action.PEOPLE_READ,
    "GET /api/v1/persons/{person_id}/chronology": Action.CHRONOLOGY_READ,
    "GET /api/v1/persons/{person_id}/child": Action.CHRONOLOGY_READ,
    "GET /api/v1/review-tasks": Action.PEOPLE_REVIEW,
    "GET /api/v1/review-tasks/{task_id}": Action.PEOPLE_REVIEW,
    "POST /api/v1/review-tasks/{task_id}/decision": Action.PEOPLE_REVIEW,
    "POST /api/v1/review-tasks/{task_id}/reopen": Action.PEOPLE_REVIEW,
    "POST /api/v1/persons/{person_id}/merge": Action.PEOPLE_MERGE,
    "POST /api/v1/merges/{merge_id}/undo": Action.PEOPLE_MERGE,
}
OPEN = {"GET /healthz"}  # no personal data, no token needed
CHECKS = [not_a_server_error, status_code_conformance, response_schema_conformance]


class Tally:
    def __init__(self) -> None:
        self.cases = 0
        self.failures: Counter[str] = Counter()
        self.examples: dict[str, str] = {}
        self.bypasses: list[str] = []

    def fail(self, kind: str, label: str, detail: str) -> None:
        self.failures[kind] += 1
        self.examples.setdefault(kind, f"{label}: {detail[:600]}")


def _kind(failure: BaseException) -> str:
    name = type(failure).__name__
    if name == "ServerError":
        return "server errors"
    if name == "UndefinedStatusCode":
        return "undocumented status codes"
    return "schema violations"


def _exercise(operation: Any, role: Role, token: str, tally: Tally) -> None:
    label = operation.label
    permitted = label in OPEN or role in POLICY[ACTIONS[label]]
    for mode, count in EXAMPLES.items():

        @settings(max_examples=count, deadline=None, database=None, derandomize=True,
                  phases=[Phase.explicit, Phase.generate],
                  suppress_health_check=list(HealthCheck))  # fmt: skip
        @given(case=operation.as_strategy(generation_mode=mode))
        def run(case: Any) -> None:
            tally.cases += 1
            response = case.call(headers={"Authorization": f"Bearer {token}"})
            try:
                case.validate_response(response, checks=CHECKS)
            except FailureGroup as found:  # checks failed: each counted, with an example
                for failure in found.exceptions:
                    tally.fail(_kind(failure), label, str(found))
            if 200 <= response.status_code < 300 and not permitted:
                tally.bypasses.append(f"{label} as {role}: {response.status_code}")
            if label not in OPEN:
                anonymous = case.call(headers={"Authorization": ""})
                if anonymous.status_code < 300:
                    tally.bypasses.append(f"{label} without a token: {anonymous.status_code}")

        try:
            run()
        except Unsatisfiable:  # nothing in this operation can be made schema-breaking
            assert mode is GenerationMode.NEGATIVE, label


@pytest.fixture
def api(settings: Settings, clean_engine: Engine, clock: FrozenClock) -> Any:
    """The app on the test database with a few children, a review task and three tokens."""
    app = create_app(settings, clock=clock)
    watch = AuditWatch(app)
    tokens = {role: make_token(clean_engine, clock, f"fuzz.{role.value}", role) for role in ROLES}
    unsure_pair(clean_engine, settings, clock)
    from fastapi.testclient import TestClient

    with TestClient(app) as client:
        client.post("/api/v1/records", json=record(), headers=_auth(tokens[Role.PARTNER_SYSTEM]))
    yield watch, tokens
    app.state.engine.dispose()


def _auth(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def test_schemathesis_as_three_roles(api: Any) -> None:
    watch, tokens = api
    schema = schemathesis.openapi.from_asgi("/api/v1/openapi.json", watch)
    operations = [result.ok() for result in schema.get_all_operations()]
    labels = {op.label for op in operations}
    assert labels - OPEN == set(ACTIONS), "an operation without a known action: add it above"
    tallies = {}
    for role in ROLES:
        tally = tallies[role] = Tally()
        for operation in operations:
            _exercise(operation, role, tokens[role], tally)
        figure(
            f"schemathesis as {role}: {tally.cases} cases over {len(operations)} operations, "
            f"server errors {tally.failures['server errors']} (target 0), "
            f"schema violations {tally.failures['schema violations']} (target 0), "
            f"undocumented status codes {tally.failures['undocumented status codes']} "
            f"(target 0), auth bypasses {len(tally.bypasses)} (target 0)"
        )
    for role, tally in tallies.items():
        assert tally.cases > len(operations) * 5, role
        assert tally.failures == Counter(), (role, tally.examples)
        assert tally.bypasses == [], (role, tally.bypasses[:5])
    assert_audited(watch, "the schemathesis traffic")
