"""The case page's allocate form: suggested workers with their load and cap, and the cap warning
that needs an explicit confirmation before a child is allocated over the cap."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, select
from tests.functional.web.test_casework_pages import on, only, post_form, referred, version_of
from tests.functional.web.test_web_pages import signed_in

from joinedup.access.models import User
from joinedup.access.roles import Actor
from joinedup.casework.models import Case
from joinedup.config import Settings
from joinedup.db.session import unit_of_work
from joinedup.testing import FrozenClock
from joinedup.workforce.models import AllocationPeriod
from joinedup.workforce.seed import seed_demo_workforce


@pytest.fixture
def settings(database_url: str) -> Settings:
    """A cap of 0.5 children per FTE: any allocation to a full-time worker breaks it."""
    return Settings(database_url=database_url, environment="test", demo_accounts=True,
                    caseload_cap_per_fte=0.5)  # fmt: skip


def staffed(engine: Engine, clock: FrozenClock) -> int:
    with unit_of_work(engine) as session:
        seed_demo_workforce(session=session, actor=Actor.system("test"),
                            today=clock.now().date(), now=clock.now())  # fmt: skip
        return int(session.scalar(select(User.id).where(User.username == "social.worker")) or 0)


def test_allocating_over_the_cap_asks_for_confirmation(
    client: TestClient, clean_engine: Engine, clock: FrozenClock
) -> None:
    case_id = referred(client, clean_engine)
    worker = staffed(clean_engine, clock)
    path = f"/cases/{case_id}"
    page = client.get(path).text  # still the team manager, who signed the contact off
    assert "Suggested workers" in page and "social.worker, Assessment team" in page
    assert re.search(r"0 children of a cap of 0\.5 \(1 FTE, permanent\)", page)
    form = {"version": version_of(page, f"{path}/actions/allocate"),
            "allocate-suggested": str(worker), **on("allocate-")}  # fmt: skip
    warned = post_form(client, path, f"{path}/actions/allocate", **form)
    assert warned.status_code == 409
    assert "govuk-warning-text" in warned.text and "takes them over the cap" in warned.text
    assert only(clean_engine, Case).allocated_label is None
    done = post_form(client, path, f"{path}/actions/allocate", **form,
                     **{"allocate-confirm_over_cap": "yes"})  # fmt: skip
    assert done.status_code == 303
    case = only(clean_engine, Case)
    assert (case.allocated_label, case.team, case.manager_label) == (
        "social.worker", "Assessment team", "team.manager")  # fmt: skip
    assert only(clean_engine, AllocationPeriod).user_id == worker


def test_a_social_worker_sees_no_allocate_form_and_no_suggestions(
    client: TestClient, clean_engine: Engine, clock: FrozenClock
) -> None:
    case_id = referred(client, clean_engine)
    staffed(clean_engine, clock)
    signed_in(client, "social.worker")
    page = client.get(f"/cases/{case_id}").text
    assert "Suggested workers" not in page and "/actions/allocate" not in page
